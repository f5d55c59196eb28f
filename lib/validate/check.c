/* check.c -- the check of one record: schema, contract, text, PII */
/* SPDX-License-Identifier: MIT */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/json/record.h"
#include "lib/text/text.h"
#include "lib/validate/check.h"
#include "lib/validate/pii.h"

static void
add_error(struct js_errors *e, const char *field, const char *kw,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Add an error about the member field to e. */
static void
add_error(struct js_errors *e, const char *field, const char *kw,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	struct js_error *x;
	va_list ap;

	x = js_errors_add(e);
	buf_addc(&b, '/');
	js_pointer_escape(&b, field, strlen(field));
	x->path = buf_detach(&b, NULL);
	x->keyword = xstrdup(kw);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	x->message = buf_detach(&b, NULL);
}

/*
 * Text hygiene and PII over the chosen fields.  Returns 1 when v was
 * changed (fixed or redacted); findings in detect mode go to *found.
 */
static int
text_checks(const struct check *c, json_t *v, struct js_errors *errs,
    json_t **found)
{
	struct pii_find *f;
	const char *s, *key;
	size_t i, j, n, nf, len;
	char *t;
	json_t *fv;
	long at;
	int changed = 0;

	for (i = 0; i < c->nfields; i++) {
		key = c->fields[i];
		fv = json_object_get(v, key);
		if ((s = json_string_value(fv)) == NULL)
			continue;
		n = json_string_length(fv);
		if (c->nfc == CHECK_NFC_CHECK) {
			if (!text_is_nfc(s, n))
				add_error(errs, key, "nfc",
				    "text is not in Unicode NFC");
			if ((at = text_control_at(s, n)) >= 0)
				add_error(errs, key, "control",
				    "control character U+%04X at byte %ld",
				    (unsigned)utf8_decode(s + at, n - at,
				    &len), at);
		} else if (c->nfc == CHECK_NFC_FIX && (!text_is_nfc(s, n) ||
		    text_control_at(s, n) >= 0)) {
			t = text_clean(s, n, &len);
			json_object_set_new(v, key, json_stringn(t, len));
			free(t);
			changed = 1;
			fv = json_object_get(v, key);
			s = json_string_value(fv);
			n = json_string_length(fv);
		}
		if (c->pii == CHECK_PII_OFF)
			continue;
		if ((nf = pii_scan(s, n, c->pii_types, &f)) == 0)
			continue;
		switch (c->pii) {
		case CHECK_PII_DETECT:
			if (*found == NULL)
				*found = json_array();
			for (j = 0; j < nf; j++)
				json_array_append_new(*found, json_pack(
				    "{s:s,s:s,s:I,s:I}", "field", key,
				    "type", pii_name(f[j].type),
				    "start", (json_int_t)f[j].start,
				    "end", (json_int_t)f[j].end));
			break;
		case CHECK_PII_REDACT:
			t = pii_redact(s, n, f, nf, c->pii_key, &len);
			json_object_set_new(v, key, json_stringn(t, len));
			free(t);
			changed = 1;
			break;
		case CHECK_PII_REJECT:
			for (j = 0; j < nf; j++)
				add_error(errs, key, "pii",
				    "%s at bytes %zu-%zu", pii_name(f[j].type),
				    f[j].start, f[j].end);
			break;
		case CHECK_PII_OFF:
			break;
		}
		free(f);
	}
	return changed;
}

/* The path of an error as a message shows it: "/" for the root. */
static const char *
shown_path(const struct js_error *e)
{
	return e->path[0] ? e->path : "/";
}

/* An error as a JSON object: path, keyword, message. */
static json_t *
error_json(const struct js_error *e)
{
	return json_pack("{s:s,s:s,s:s}", "path", e->path, "keyword",
	    e->keyword, "message", e->message);
}

/* Reject the record of it for the errors errs (kind: their first cause). */
static void
reject(struct check *c, struct rec_item *it, json_t *v,
    const struct js_errors *errs, const char *kind)
{
	json_t *arr, *ex;
	size_t i;

	if (c->ct != NULL) {
		c->rejected++;
		if (strcmp(kind, "contract") != 0) {
			/* The first error is the report's example. */
			ex = errs->n == 0 ? NULL : error_json(&errs->v[0]);
			contract_external(c->ct, kind, it->file, it->lineno,
			    ex);
			json_decref(ex);
		}
	}
	if (errs->n == 0) {
		rec_reject(it, NULL, ETV_REJECT, "record is not valid");
	} else if (c->values || !json_is_object(v)) {
		rec_reject(it, NULL, ETV_REJECT, "%s: %s",
		    shown_path(&errs->v[0]), errs->v[0].message);
	} else {
		arr = json_array();
		for (i = 0; i < errs->n; i++)
			json_array_append_new(arr, error_json(&errs->v[i]));
		json_object_set_new(v, "errors", arr);
		rec_reject(it, v, ETV_REJECT, "%s: %s",
		    shown_path(&errs->v[0]), errs->v[0].message);
	}
	/* Every error of the record, one line each. */
	for (i = 1; i < errs->n; i++)
		diag_format(&it->msg, it->file, it->lineno, "%s: %s",
		    shown_path(&errs->v[i]), errs->v[i].message);
	if (errs->n >= CHECK_MAX_ERRORS)
		diag_format(&it->msg, it->file, it->lineno,
		    "more errors not listed (at most %d)", CHECK_MAX_ERRORS);
}

void
check_record(struct check *c, struct rec_item *it, json_t *v)
{
	struct js_errors errs = JS_ERRORS_INIT;
	json_t *found = NULL, *add;
	const char *kind = NULL;
	size_t nschema = 0;
	int changed = 0, ok = 1;

	if (c->js != NULL && !js_validate(c->js, v, &errs,
	    CHECK_MAX_ERRORS)) {
		ok = 0;
		nschema = errs.n;
		kind = "schema";
	}
	if ((c->pii != CHECK_PII_OFF || c->nfc != CHECK_NFC_OFF) &&
	    json_is_object(v))
		changed = text_checks(c, v, &errs, &found);
	if (errs.n > nschema && kind == NULL)
		kind = strcmp(errs.v[nschema].keyword, "pii") == 0 ? "pii" :
		    "text";
	if (c->ct != NULL && contract_record(c->ct, v, it->file,
	    it->lineno, &errs) && kind == NULL)
		kind = "contract";
	if (errs.n > 0 || !ok) {
		reject(c, it, v, &errs, kind);
	} else if (changed) {
		if (found != NULL)
			json_object_set(v, "pii", found);
		rec_emit(it, v);
	} else if (found != NULL) {
		add = json_pack("{s:O}", "pii", found);
		rec_emit_merged(it, v, add);
		json_decref(add);
	} else
		rec_emit_same(it);
	json_decref(found);
	js_errors_release(&errs);
}

void
check_item(struct rec_item *it, void *arg, int worker)
{
	struct check_pool *p = arg;
	struct check *c = p->c;
	struct jdoc_arena *a = &p->arenas[worker];
	struct jdoc_val *d;
	json_t *v;

	/*
	 * The fast path: parse into the worker's arena and write the
	 * original bytes of a valid record.  Anything else (a record to
	 * reject, text to fix, a line the fast parser refuses) takes the
	 * jansson path, which has the diagnostics.
	 */
	if (c->pii == CHECK_PII_OFF && c->nfc == CHECK_NFC_OFF &&
	    it->bad == NULL) {
		jdoc_reset(a);
		d = jdoc_parse(a, it->line, it->len);
		if (d != NULL && (c->values || d->type == JD_OBJECT) &&
		    (c->js == NULL || js_validate_doc(c->js, d, NULL, 0))) {
			rec_emit_same(it);
			return;
		}
	}
	if ((v = rec_parse(it)) == NULL)
		return;
	check_record(c, it, v);
	json_decref(v);
}
