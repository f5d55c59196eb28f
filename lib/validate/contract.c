/* contract.c -- dataset contracts: per-field rules and dataset checks */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/validate/contract.h"
#include "lib/text/rfc3339.h"
#include "lib/base/diag.h"
#include "lib/validate/format.h"
#include "lib/base/hash.h"
#include "lib/json/jsonx.h"
#include "lib/validate/jsregex.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

#define MAX_EXAMPLES	5

enum { SEV_WARN, SEV_FAIL };

/* A set of byte strings (unique keys, relationship targets). */
struct sset {
	char		**v;		/* slots: NULL or an owned string */
	size_t		*len;		/* lengths of the slots' strings */
	size_t		 cap, n;	/* slots, used */
};

/* Kinds of check. */
enum {
	C_NOT_NULL, C_UNIQUE, C_ACCEPTED, C_PATTERN, C_MIN, C_MAX,
	C_MIN_LENGTH, C_MAX_LENGTH, C_FORMAT, C_NULL_RATE, C_INVALID_RATE,
	C_COMPOSITE, C_RELATIONSHIP, C_ROW_COUNT, C_FRESHNESS, C_EXTERNAL
};

static const char *const kind_names[] = {
	"not_null", "unique", "accepted_values", "pattern", "min", "max",
	"min_length", "max_length", "format", "null_rate", "invalid_rate",
	"unique", "relationships", "row_count", "freshness", NULL
};

struct check {
	int		 kind;		/* C_* */
	const char	*name;		/* report name (external checks) */
	char		*field;		/* field path, or NULL; owned */
	char		**fields;	/* composite key fields; owned */
	size_t		 nfields;	/* how many */
	int		 severity;	/* SEV_WARN or SEV_FAIL */
	int		 rejects;	/* failing rows are rejected */
	int		 info;		/* counted only: a rate decides */
	json_t		*param;		/* the rule's value; borrowed */
	struct jsre	*re;		/* pattern; owned */
	int		 format;	/* format number */
	double		 limit;		/* min/max/rate threshold */
	double		 limit2;	/* row_count max (or -1) */
	struct sset	 set;		/* unique keys or targets; owned */
	struct check	*nulls;		/* null_rate: the field's null count */
	struct check	*invalid;	/* invalid_rate: the field's rules */
	unsigned long	 checked;	/* rows looked at */
	unsigned long	 failed;	/* rows that broke it */
	unsigned long	 fieldbad;	/* invalid_rate: rows failing a rule */
	double		 newest;	/* freshness: newest time seen */
	double		 now;		/* freshness: reference time */
	int		 status;	/* finish: 0 pass, 1 warn, 2 fail */
	json_t		*examples;	/* up to MAX_EXAMPLES; owned */
	json_t		*observed;	/* finish: the measured value; owned */
};

struct contract {
	json_t		*doc;		/* the contract file; owned */
	struct check	*v;		/* the checks; owned */
	size_t		 n, cap;	/* used, allocated */
	unsigned long	 rows;		/* records seen */
};

/* ---- string set ---- */

static int
sset_add(struct sset *s, const char *p, size_t n, int insert)
{
	size_t i, j;
	uint64_t h;

	if (s->cap == 0 || (insert && s->n * 2 >= s->cap)) {
		struct sset o = *s;
		size_t nc = s->cap ? s->cap * 2 : 64;

		s->v = xcalloc(nc, sizeof(*s->v));
		s->len = xcalloc(nc, sizeof(*s->len));
		s->cap = nc;
		s->n = 0;
		for (i = 0; i < o.cap; i++)
			if (o.v[i] != NULL) {
				h = hash64(o.v[i], o.len[i]);
				for (j = h & (nc - 1); s->v[j];
				    j = (j + 1) & (nc - 1))
					;
				s->v[j] = o.v[i];
				s->len[j] = o.len[i];
				s->n++;
			}
		free(o.v);
		free(o.len);
	}
	h = hash64(p, n);
	for (j = h & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->len[j] == n && memcmp(s->v[j], p, n) == 0)
			return 1;
	if (insert) {
		s->v[j] = xmemdup(p, n);
		s->len[j] = n;
		s->n++;
	}
	return 0;
}

static void
sset_free(struct sset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	free(s->len);
}

/* ---- loading ---- */

static struct check *
add_check(struct contract *c, int kind, const char *field, int severity)
{
	struct check *k;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	k = &c->v[c->n++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->name = kind_names[kind];
	k->field = field ? xstrdup(field) : NULL;
	k->severity = severity;
	k->format = -1;
	k->limit2 = -1;
	k->examples = json_array();
	return k;
}

static int
severity_of(const json_t *o, struct buf *err, const char *where)
{
	const char *s = json_string_value(json_object_get(o, "severity"));

	if (s == NULL || strcmp(s, "fail") == 0)
		return SEV_FAIL;
	if (strcmp(s, "warn") == 0)
		return SEV_WARN;
	buf_printf(err, "%s: severity must be 'warn' or 'fail'", where);
	return -1;
}

/* Encode a value as a key: compact JSON, numbers by value. */
static void
key_of(struct buf *b, const json_t *v)
{
	if (json_is_real(v) && floor(json_real_value(v)) ==
	    json_real_value(v) && fabs(json_real_value(v)) < 9e15)
		buf_printf(b, "%lld", (long long)json_real_value(v));
	else
		rec_dump(b, v);
}

/*
 * Load a relationship: the keys of field 'to' of the records of 'file',
 * read by the record reader (its line rules: no byte order mark, lines
 * up to the default --max-line, one object a line, no duplicate keys).
 */
static int
load_relationship(struct contract *c, json_t *r, struct buf *err)
{
	static const struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_item it = REC_ITEM_INIT;
	struct buf key = BUF_INIT, why = BUF_INIT;
	const char *field, *file, *to;
	struct rec_reader *rd;
	struct check *k;
	json_t *rec, *v;
	FILE *fp;
	int sev, ret = 0;

	field = json_string_value(json_object_get(r, "field"));
	file = json_string_value(json_object_get(r, "file"));
	to = json_string_value(json_object_get(r, "to"));
	if (field == NULL || file == NULL) {
		buf_printf(err,
		    "relationships: each needs 'field' and 'file'");
		return -1;
	}
	if (to == NULL)
		to = field;
	if ((sev = severity_of(r, err, "relationships")) < 0)
		return -1;
	if ((fp = fopen(file, "rb")) == NULL) {
		buf_printf(err, "relationships: cannot open '%s'", file);
		return -1;
	}
	k = add_check(c, C_RELATIONSHIP, field, sev);
	k->rejects = sev == SEV_FAIL;
	k->param = r;
	rd = rec_open_stream(&cfg, fp, file, NULL);
	while (ret == 0 && rec_getline(rd, &it)) {
		if ((rec = rec_decode(&it, &why)) == NULL) {
			buf_printf(err, "relationships: %s:%lu: %s", file,
			    it.lineno, why.data);
			ret = -1;
			break;
		}
		if ((v = jsonx_path(rec, to)) != NULL && !json_is_null(v)) {
			buf_reset(&key);
			key_of(&key, v);
			sset_add(&k->set, key.data, key.len, 1);
		}
		json_decref(rec);
	}
	rec_close(rd);
	rec_item_release(&it);
	fclose(fp);
	buf_release(&key);
	buf_release(&why);
	return ret;
}

/* "90s", "15m", "24h", "7d", "2w" or ISO 8601 "P1DT12H"; -1 if bad. */
static double
parse_age(const char *s)
{
	double v = 0, x;
	char *end;
	int t = 0;

	if (*s == 'P') {
		for (s++; *s; s = end + 1) {
			if (*s == 'T') {
				t = 1;
				end = (char *)s;
				continue;
			}
			x = strtod(s, &end);
			if (end == s)
				return -1;
			switch (*end) {
			case 'W':
				v += x * 604800;
				break;
			case 'D':
				v += x * 86400;
				break;
			case 'H':
				v += x * 3600;
				break;
			case 'M':
				v += t ? x * 60 : x * 2629746;
				break;
			case 'S':
				v += x;
				break;
			case 'Y':
				v += x * 31556952;
				break;
			default:
				return -1;
			}
		}
		return v;
	}
	x = strtod(s, &end);
	if (end == s || x < 0)
		return -1;
	if (strcmp(end, "s") == 0 || *end == '\0')
		return x;
	if (strcmp(end, "m") == 0)
		return x * 60;
	if (strcmp(end, "h") == 0)
		return x * 3600;
	if (strcmp(end, "d") == 0)
		return x * 86400;
	if (strcmp(end, "w") == 0)
		return x * 604800;
	return -1;
}

/*
 * Seconds since the epoch of an RFC 3339 date or date-time string, or of
 * a number (seconds, or milliseconds when above 1e11); NAN if neither.
 */
static double
time_of(const json_t *v)
{
	const char *s;
	double t;

	if (json_is_number(v)) {
		t = json_number_value(v);
		return t > 1e11 ? t / 1000 : t;
	}
	if ((s = json_string_value(v)) == NULL ||
	    !(format_check(format_lookup("date-time"), s, strlen(s)) ||
	    format_check(format_lookup("date"), s, strlen(s))))
		return NAN;
	return rfc3339_seconds(s);
}

static int
load_field(struct contract *c, const char *field, json_t *spec,
    struct buf *err)
{
	static const struct {
		const char	*kw;
		int		 kind;
	} rules[] = {
		{ "unique", C_UNIQUE },
		{ "accepted_values", C_ACCEPTED },
		{ "pattern", C_PATTERN },
		{ "min", C_MIN },
		{ "max", C_MAX },
		{ "min_length", C_MIN_LENGTH },
		{ "max_length", C_MAX_LENGTH },
		{ "format", C_FORMAT },
	};
	static const char *const known[] = { "not_null", "unique",
	    "accepted_values", "pattern", "min", "max", "min_length",
	    "max_length", "format", "severity", "max_null_rate",
	    "max_invalid_rate", "description", NULL };
	struct check *k, *nulls;
	json_t *v, *nr, *ir;
	const char *key;
	struct buf why = BUF_INIT;
	size_t i;
	int sev, found;

	if (!json_is_object(spec)) {
		buf_printf(err, "fields.%s: must be an object", field);
		return -1;
	}
	json_object_foreach(spec, key, v) {
		for (i = found = 0; known[i]; i++)
			found |= strcmp(known[i], key) == 0;
		if (!found) {
			buf_printf(err, "fields.%s: unknown rule '%s'", field,
			    key);
			return -1;
		}
	}
	if ((sev = severity_of(spec, err, field)) < 0)
		return -1;
	nr = json_object_get(spec, "max_null_rate");
	ir = json_object_get(spec, "max_invalid_rate");
	if ((nr && (!json_is_number(nr) || json_number_value(nr) < 0 ||
	    json_number_value(nr) > 1)) || (ir && (!json_is_number(ir) ||
	    json_number_value(ir) < 0 || json_number_value(ir) > 1))) {
		buf_printf(err, "fields.%s: rates must be numbers in [0, 1]",
		    field);
		return -1;
	}
	/* The null count is always kept: null_rate needs it. */
	nulls = add_check(c, C_NOT_NULL, field, sev);
	nulls->param = json_object_get(spec, "not_null");
	nulls->rejects = json_is_true(nulls->param) && nr == NULL &&
	    sev == SEV_FAIL;
	if (!json_is_true(nulls->param))
		nulls->severity = -1;	/* counted, not reported */
	nulls->info = nr != NULL;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if ((v = json_object_get(spec, rules[i].kw)) == NULL)
			continue;
		if (rules[i].kind == C_UNIQUE && !json_is_true(v))
			continue;
		k = add_check(c, rules[i].kind, field, sev);
		k->param = v;
		k->rejects = ir == NULL && sev == SEV_FAIL;
		k->info = ir != NULL;
		switch (k->kind) {
		case C_ACCEPTED:
			if (!json_is_array(v)) {
				buf_printf(err, "fields.%s: accepted_values "
				    "must be an array", field);
				return -1;
			}
			break;
		case C_PATTERN:
			if (!json_is_string(v) || (k->re = jsre_compile(
			    json_string_value(v), json_string_length(v),
			    &why)) == NULL) {
				buf_printf(err, "fields.%s: pattern: %s",
				    field, json_is_string(v) ? why.data :
				    "not a string");
				buf_release(&why);
				return -1;
			}
			break;
		case C_MIN:
		case C_MAX:
			if (!json_is_number(v)) {
				buf_printf(err, "fields.%s: %s must be a "
				    "number", field, rules[i].kw);
				return -1;
			}
			k->limit = json_number_value(v);
			break;
		case C_MIN_LENGTH:
		case C_MAX_LENGTH:
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				buf_printf(err, "fields.%s: %s must be a "
				    "non-negative integer", field,
				    rules[i].kw);
				return -1;
			}
			k->limit = (double)json_integer_value(v);
			break;
		case C_FORMAT:
			if (!json_is_string(v) || (k->format = format_lookup(
			    json_string_value(v))) < 0) {
				buf_printf(err, "fields.%s: unknown format",
				    field);
				return -1;
			}
			break;
		}
	}
	if (nr != NULL) {
		k = add_check(c, C_NULL_RATE, field, sev);
		k->param = nr;
		k->limit = json_number_value(nr);
		k->nulls = nulls;
	}
	if (ir != NULL) {
		k = add_check(c, C_INVALID_RATE, field, sev);
		k->param = ir;
		k->limit = json_number_value(ir);
	}
	return 0;
}

struct contract *
contract_load(const char *path, struct buf *err)
{
	struct contract *c;
	json_error_t jerr;
	json_t *doc, *v, *e;
	const char *key;
	struct check *k;
	size_t i, j;
	int sev;

	c = xcalloc(1, sizeof(*c));
	if (path == NULL)
		return c;
	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		buf_printf(err, "%s:%d: %s", path, jerr.line, jerr.text);
		free(c);
		return NULL;
	}
	c->doc = doc;
	if (!json_is_object(doc)) {
		buf_printf(err, "%s: a contract is a JSON object", path);
		goto fail;
	}
	json_object_foreach(doc, key, v) {
		if (strcmp(key, "fields") != 0 && strcmp(key, "unique") != 0 &&
		    strcmp(key, "relationships") != 0 &&
		    strcmp(key, "row_count") != 0 &&
		    strcmp(key, "freshness") != 0 &&
		    strcmp(key, "description") != 0 &&
		    strcmp(key, "name") != 0) {
			buf_printf(err, "%s: unknown member '%s'", path, key);
			goto fail;
		}
	}
	if ((v = json_object_get(doc, "fields")) != NULL) {
		json_t *spec;

		if (!json_is_object(v)) {
			buf_printf(err, "%s: 'fields' must be an object",
			    path);
			goto fail;
		}
		json_object_foreach(v, key, spec)
			if (load_field(c, key, spec, err) != 0)
				goto fail;
	}
	json_array_foreach(json_object_get(doc, "unique"), i, e) {
		json_t *fs = json_is_object(e) ? json_object_get(e, "fields") :
		    e;

		if ((sev = severity_of(json_is_object(e) ? e : NULL, err,
		    "unique")) < 0)
			goto fail;
		if (!json_is_array(fs) || json_array_size(fs) == 0) {
			buf_printf(err, "%s: 'unique' takes arrays of field "
			    "names", path);
			goto fail;
		}
		k = add_check(c, C_COMPOSITE, NULL, sev);
		k->rejects = sev == SEV_FAIL;
		k->param = fs;
		k->fields = xcalloc(json_array_size(fs), sizeof(char *));
		for (j = 0; j < json_array_size(fs); j++) {
			const char *f = json_string_value(json_array_get(fs,
			    j));

			if (f == NULL) {
				buf_printf(err, "%s: 'unique' takes arrays of "
				    "field names", path);
				goto fail;
			}
			k->fields[k->nfields++] = xstrdup(f);
		}
	}
	json_array_foreach(json_object_get(doc, "relationships"), i, e)
		if (load_relationship(c, e, err) != 0)
			goto fail;
	if ((v = json_object_get(doc, "row_count")) != NULL) {
		json_t *mn = json_object_get(v, "min"), *mx =
		    json_object_get(v, "max");

		if ((sev = severity_of(v, err, "row_count")) < 0)
			goto fail;
		if ((mn && !json_is_integer(mn)) || (mx &&
		    !json_is_integer(mx))) {
			buf_printf(err, "%s: row_count bounds are integers",
			    path);
			goto fail;
		}
		k = add_check(c, C_ROW_COUNT, NULL, sev);
		k->param = v;
		k->limit = mn ? (double)json_integer_value(mn) : 0;
		k->limit2 = mx ? (double)json_integer_value(mx) : -1;
	}
	if ((v = json_object_get(doc, "freshness")) != NULL) {
		const char *f = json_string_value(json_object_get(v, "field"));
		const char *age = json_string_value(json_object_get(v,
		    "max_age"));
		json_t *now = json_object_get(v, "now");

		if ((sev = severity_of(v, err, "freshness")) < 0)
			goto fail;
		if (f == NULL || age == NULL || parse_age(age) < 0) {
			buf_printf(err, "%s: freshness needs 'field' and "
			    "'max_age' (such as \"24h\" or \"P1D\")", path);
			goto fail;
		}
		k = add_check(c, C_FRESHNESS, f, sev);
		k->param = v;
		k->limit = parse_age(age);
		k->newest = NAN;
		k->now = now ? time_of(now) : (double)time(NULL);
		if (isnan(k->now)) {
			buf_printf(err, "%s: freshness 'now' is not a time",
			    path);
			goto fail;
		}
	}
	return c;
fail:
	contract_free(c);
	return NULL;
}

/* ---- checking records ---- */

static void
example(struct check *k, const char *file, unsigned long line,
    const json_t *v)
{
	json_t *e;

	if (json_array_size(k->examples) >= MAX_EXAMPLES)
		return;
	e = json_pack("{s:s,s:I}", "file", file, "line", (json_int_t)line);
	if (v != NULL)
		json_object_set(e, k->kind == C_EXTERNAL ? "error" : "value",
		    (json_t *)v);
	json_array_append_new(k->examples, e);
}

static void
error_to(struct js_errors *errs, const char *field, const char *kw,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	struct js_error *e;
	const char *p;
	va_list ap;

	e = js_errors_add(errs);
	buf_addc(&b, '/');
	for (p = field; *p; p++) {
		if (*p == '.')
			buf_addc(&b, '/');
		else if (*p == '~')
			buf_adds(&b, "~0");
		else if (*p == '/')
			buf_adds(&b, "~1");
		else
			buf_addc(&b, *p);
	}
	e->path = buf_detach(&b, NULL);
	buf_printf(&b, "contract/%s", kw);
	e->keyword = buf_detach(&b, NULL);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->message = buf_detach(&b, NULL);
}

/* Does a present, non-null value pass rule k?  why gets the reason. */
static int
rule_ok(struct check *k, const json_t *v, const char **why)
{
	const char *s;
	size_t i, n;
	double x;

	switch (k->kind) {
	case C_ACCEPTED:
		for (i = 0; i < json_array_size(k->param); i++)
			if (js_equal(v, json_array_get(k->param, i)))
				return 1;
		*why = "value is not one of the accepted values";
		return 0;
	case C_PATTERN:
	case C_FORMAT:
	case C_MIN_LENGTH:
	case C_MAX_LENGTH:
		if ((s = json_string_value(v)) == NULL) {
			*why = "value is not a string";
			return 0;
		}
		n = json_string_length(v);
		if (k->kind == C_PATTERN) {
			*why = "value does not match the pattern";
			return jsre_search(k->re, s, n) == 1;
		}
		if (k->kind == C_FORMAT) {
			*why = "value is not of the format";
			return format_check(k->format, s, n);
		}
		n = text_cp_count(s, n);
		*why = k->kind == C_MIN_LENGTH ? "value is too short" :
		    "value is too long";
		return k->kind == C_MIN_LENGTH ? n >= k->limit : n <= k->limit;
	case C_MIN:
	case C_MAX:
		if (!json_is_number(v)) {
			*why = "value is not a number";
			return 0;
		}
		x = json_number_value(v);
		*why = k->kind == C_MIN ? "value is below the minimum" :
		    "value is above the maximum";
		return k->kind == C_MIN ? x >= k->limit : x <= k->limit;
	}
	return 1;
}

int
contract_record(struct contract *c, const json_t *rec, const char *file,
    unsigned long line, struct js_errors *errs)
{
	struct buf key = BUF_INIT;
	struct check *k;
	const json_t *v;
	const char *why;
	size_t i, j;
	int reject = 0, bad, isnull;
	unsigned long fieldbad_row = 0;

	c->rows++;
	for (i = 0; i < c->n; i++) {
		k = &c->v[i];
		bad = 0;
		why = NULL;
		v = k->field && json_is_object(rec) ?
		    jsonx_path(rec, k->field) : NULL;
		isnull = v == NULL || json_is_null(v);
		switch (k->kind) {
		case C_NOT_NULL:
			k->checked++;
			bad = isnull;
			why = "value is missing or null";
			fieldbad_row = 0;
			break;
		case C_UNIQUE:
			if (isnull)
				continue;
			k->checked++;
			buf_reset(&key);
			key_of(&key, v);
			bad = sset_add(&k->set, key.data, key.len, 1);
			why = "value is not unique";
			break;
		case C_ACCEPTED:
		case C_PATTERN:
		case C_MIN:
		case C_MAX:
		case C_MIN_LENGTH:
		case C_MAX_LENGTH:
		case C_FORMAT:
			if (isnull)
				continue;
			k->checked++;
			bad = !rule_ok(k, v, &why);
			break;
		case C_INVALID_RATE:
			k->checked += !isnull;
			k->fieldbad += fieldbad_row > 0;
			continue;
		case C_COMPOSITE:
			buf_reset(&key);
			for (j = 0; j < k->nfields; j++) {
				v = json_is_object(rec) ? jsonx_path(rec,
				    k->fields[j]) : NULL;
				key_of(&key, v ? v : json_null());
				buf_addc(&key, '\x1f');
			}
			k->checked++;
			bad = sset_add(&k->set, key.data, key.len, 1);
			why = "key is not unique";
			v = NULL;
			break;
		case C_RELATIONSHIP:
			if (isnull)
				continue;
			k->checked++;
			buf_reset(&key);
			key_of(&key, v);
			bad = !sset_add(&k->set, key.data, key.len, 0);
			why = "value has no match in the related file";
			break;
		case C_FRESHNESS:
			if (!isnull) {
				double t = time_of(v);

				k->checked++;
				if (!isnan(t) && (isnan(k->newest) ||
				    t > k->newest))
					k->newest = t;
			}
			continue;
		default:
			continue;
		}
		if (!bad)
			continue;
		if (k->kind != C_NOT_NULL && k->kind != C_COMPOSITE &&
		    k->kind != C_RELATIONSHIP)
			fieldbad_row++;
		k->failed++;
		example(k, file, line, v);
		if (k->rejects) {
			reject = 1;
			error_to(errs, k->field ? k->field : k->fields[0],
			    k->name, "%s", why);
		}
	}
	buf_release(&key);
	return reject;
}

/* ---- the end ---- */

void
contract_external(struct contract *c, const char *name, const char *file,
    unsigned long line, const json_t *value)
{
	struct check *k = NULL;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].kind == C_EXTERNAL &&
		    strcmp(c->v[i].name, name) == 0)
			k = &c->v[i];
	if (k == NULL) {
		k = add_check(c, C_EXTERNAL, NULL, SEV_FAIL);
		k->name = name;
	}
	k->failed++;
	example(k, file, line, value);
}

int
contract_finish(struct contract *c, FILE *fp, unsigned long rejected,
    struct buf *summary)
{
	static const char *const st[] = { "pass", "warn", "fail", "info" };
	struct check *k;
	json_t *rep, *checks, *o;
	double rate, age;
	size_t i;
	int worst = 0, status = ETV_OK;
	long long nchecks = 0, nby[3] = { 0, 0, 0 };
	char *s;

	checks = json_array();
	for (i = 0; i < c->n; i++) {
		k = &c->v[i];
		switch (k->kind) {
		case C_NOT_NULL:
			if (k->severity < 0)
				continue;
			break;
		case C_NULL_RATE:
			k->checked = c->rows;
			k->failed = k->nulls->failed;
			rate = c->rows ? (double)k->failed / c->rows : 0;
			k->observed = json_real(rate);
			k->status = rate > k->limit ? 1 + k->severity : 0;
			break;
		case C_INVALID_RATE:
			/* rows where one of the field's rules failed */
			k->failed = k->fieldbad;
			rate = k->checked ? (double)k->failed / k->checked : 0;
			k->observed = json_real(rate);
			k->status = rate > k->limit ? 1 + k->severity : 0;
			break;
		case C_ROW_COUNT:
			k->checked = c->rows;
			k->observed = json_integer((json_int_t)c->rows);
			k->status = (c->rows < k->limit || (k->limit2 >= 0 &&
			    c->rows > k->limit2)) ? 1 + k->severity : 0;
			k->failed = k->status != 0;
			break;
		case C_FRESHNESS:
			age = isnan(k->newest) ? INFINITY : k->now - k->newest;
			k->observed = isnan(k->newest) ? json_null() :
			    json_real(age);
			k->status = age > k->limit ? 1 + k->severity : 0;
			k->failed = k->status != 0;
			break;
		case C_EXTERNAL:
			k->checked = c->rows;
			break;
		default:
			break;
		}
		if (k->kind != C_NULL_RATE && k->kind != C_INVALID_RATE &&
		    k->kind != C_ROW_COUNT && k->kind != C_FRESHNESS)
			k->status = k->failed ? 1 + k->severity : 0;
		if (k->info)
			k->status = 3;
		else if (k->status > worst)
			worst = k->status;
		nchecks++;
		if (k->status < 3)
			nby[k->status]++;
		o = json_pack("{s:s,s:s,s:s,s:I,s:I}", "check", k->name,
		    "severity", k->severity == SEV_WARN ? "warn" : "fail",
		    "status", st[k->status],
		    "checked", (json_int_t)k->checked,
		    "failed", (json_int_t)k->failed);
		if (k->field)
			json_object_set_new(o, "field", json_string(k->field));
		if (k->kind == C_COMPOSITE) {
			json_object_set(o, "fields", k->param);
		}
		if (k->param && k->kind != C_COMPOSITE)
			json_object_set(o, "rule", k->param);
		if (k->observed)
			json_object_set(o, "observed", k->observed);
		json_object_set(o, "examples", k->examples);
		json_array_append_new(checks, o);
		if (k->status > 0 && k->status < 3)
			buf_printf(summary, "contract: %s%s%s: %s (%lu of %lu)\n",
			    k->name, k->field ? " " : "",
			    k->field ? k->field : "",
			    k->status == 2 ? "FAILED" : "warning",
			    k->failed, k->checked);
		if (k->status == 2)
			status = ETV_REJECT;
	}
	buf_printf(summary, "contract: %lu records, %lu rejected, status %s\n",
	    c->rows, rejected, st[worst]);
	runstats_set_str("contract", st[worst]);
	runstats_set_int("checks", nchecks);
	runstats_set_int("checks_failed", nby[2]);
	runstats_set_int("checks_warned", nby[1]);
	if (fp != NULL) {
		rep = json_pack("{s:I,s:I,s:I,s:s,s:o}",
		    "records", (json_int_t)c->rows,
		    "passed", (json_int_t)(c->rows - rejected),
		    "rejected", (json_int_t)rejected,
		    "status", st[worst], "checks", checks);
		s = json_dumps(rep, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		if (s == NULL || fputs(s, fp) == EOF || fputc('\n', fp) == EOF)
			status = ETV_SYS;
		free(s);
		json_decref(rep);
	} else
		json_decref(checks);
	return status;
}

void
contract_free(struct contract *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].field);
		for (j = 0; c->v[i].kind == C_COMPOSITE && j < c->v[i].nfields;
		    j++)
			free(c->v[i].fields[j]);
		free(c->v[i].fields);
		jsre_free(c->v[i].re);
		sset_free(&c->v[i].set);
		json_decref(c->v[i].examples);
		json_decref(c->v[i].observed);
	}
	free(c->v);
	json_decref(c->doc);
	free(c);
}
