/* tpl.c -- text of a record from its fields: templates and column lists */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/text/tpl.h"
#include "lib/base/xmem.h"

/* One piece of a template: literal text or a field. */
struct piece {
	char	*s;		/* the text or the field name; owned */
	int	 field;		/* s names a field */
};

struct tpl {
	struct piece	*v;	/* the pieces; owned */
	size_t		 n;	/* pieces in use */
	int		 lines;	/* column list: fields one per line */
};

static void
push(struct tpl *t, struct buf *b, int field)
{
	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	t->v[t->n].s = xmemdup(b->data, b->len);
	t->v[t->n].field = field;
	t->n++;
	buf_reset(b);
}

struct tpl *
tpl_parse(const char *spec, struct buf *err)
{
	struct buf b = BUF_INIT;
	struct tpl *t;
	const char *p, *close;

	t = xcalloc(1, sizeof(*t));
	for (p = spec; *p; p++) {
		if (p[0] == '{' && p[1] == '{') {
			buf_addc(&b, '{');
			p++;
		} else if (p[0] == '}' && p[1] == '}') {
			buf_addc(&b, '}');
			p++;
		} else if (*p == '}') {
			buf_fail(err, "'}' without '{' (write '}}' for a brace)");
			goto bad;
		} else if (*p == '{') {
			if ((close = strchr(p + 1, '}')) == NULL) {
				buf_fail(err, "'{' is not closed (write '{{' for "
				    "a brace)");
				goto bad;
			}
			if (close == p + 1 || memchr(p + 1, '{',
			    (size_t)(close - p - 1))) {
				buf_fail(err, "a placeholder needs a field name");
				goto bad;
			}
			if (b.len)
				push(t, &b, 0);
			buf_add(&b, p + 1, (size_t)(close - p - 1));
			push(t, &b, 1);
			p = close;
		} else
			buf_addc(&b, *p);
	}
	if (b.len)
		push(t, &b, 0);
	buf_release(&b);
	return t;
bad:
	buf_release(&b);
	tpl_free(t);
	return NULL;
}

struct tpl *
tpl_columns(const char *list, struct buf *err)
{
	struct buf b = BUF_INIT;
	struct tpl *t;
	const char *p, *comma;

	t = xcalloc(1, sizeof(*t));
	t->lines = 1;
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		if (comma == p) {
			buf_fail(err, "a column name is empty");
			buf_release(&b);
			tpl_free(t);
			return NULL;
		}
		buf_add(&b, p, (size_t)(comma - p));
		push(t, &b, 1);
		if (*comma == '\0')
			break;
	}
	buf_release(&b);
	return t;
}

/* Append the text form of a field value. */
static void
value(struct buf *out, const json_t *v)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		buf_add(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		buf_adds(out, num);
		break;
	case JSON_REAL:
		/* As CSV rows are written (TABLE_DUMP_FLAGS): "9.95". */
		snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		buf_adds(out, num);
		break;
	case JSON_TRUE:
		buf_adds(out, "true");
		break;
	case JSON_FALSE:
		buf_adds(out, "false");
		break;
	default:
		break;
	}
}

static int
empty(const json_t *v)
{
	return json_is_null(v) || (json_is_string(v) &&
	    json_string_length(v) == 0);
}

int
tpl_render(const struct tpl *t, const json_t *rec, struct buf *out,
    const char **missing)
{
	const char *key;
	json_t *v;
	size_t i, start = out->len;

	if (t == NULL) {
		json_object_foreach((json_t *)rec, key, v) {
			if (empty(v))
				continue;
			if (out->len > start)
				buf_addc(out, '\n');
			buf_adds(out, key);
			buf_adds(out, ": ");
			value(out, v);
		}
		return 0;
	}
	for (i = 0; i < t->n; i++) {
		if (!t->v[i].field) {
			buf_adds(out, t->v[i].s);
			continue;
		}
		if ((v = json_object_get(rec, t->v[i].s)) == NULL) {
			*missing = t->v[i].s;
			return -1;
		}
		if (t->lines && empty(v))
			continue;
		if (t->lines && out->len > start)
			buf_addc(out, '\n');
		value(out, v);
	}
	return 0;
}

void
tpl_free(struct tpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	free(t);
}
