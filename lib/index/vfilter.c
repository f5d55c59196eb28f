/* vfilter.c -- query filters on stored fields: FIELD OP VALUE */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/index/vfilter.h"
#include "lib/base/xmem.h"

static const char *const op_names[] = {
	"=", "!=", "in", "not in", "<", "<=", ">", ">=", "^="
};

const char *
vfilter_op_name(int op)
{
	if (op < 0 || op > VFILTER_PREFIX)
		return "?";
	return op_names[op];
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim blanks from both ends of p[0..*n); returns the new start. */
static const char *
trim(const char *p, size_t *n)
{
	while (*n > 0 && is_space(*p)) {
		p++;
		(*n)--;
	}
	while (*n > 0 && is_space(p[*n - 1]))
		(*n)--;
	return p;
}

/* The end of the list item at p: the first comma outside quotes, or e. */
static const char *
item_end(const char *p, const char *e)
{
	for (; p < e && *p != ','; p++)
		if (*p == '"')
			for (p++; p < e && *p != '"'; p++)
				if (*p == '\\' && p + 1 < e)
					p++;
	return p < e ? p : e;
}

/*
 * Whether the word w starts at p and ends there: followed by a blank, an
 * opening bracket or the end.
 */
static int
word_at(const char *p, const char *w)
{
	size_t n = strlen(w);

	return strncmp(p, w, n) == 0 && (p[n] == '\0' || is_space(p[n]) ||
	    p[n] == '[' || p[n] == '(');
}

/*
 * Find the operator of expr: its start in *opp, the value's start in
 * *valp.  Returns the operator, or -1 when there is none.
 */
static int
find_op(const char *expr, const char **opp, const char **valp)
{
	const char *p, *q;

	for (p = expr; *p; p++) {
		*opp = p;
		switch (*p) {
		case '=':
			*valp = p + 1;
			return VFILTER_EQ;
		case '!':
		case '^':
		case '<':
		case '>':
			if (p[1] == '=') {
				*valp = p + 2;
				return *p == '!' ? VFILTER_NE : *p == '^' ?
				    VFILTER_PREFIX : *p == '<' ? VFILTER_LE :
				    VFILTER_GE;
			}
			if (*p == '<' || *p == '>') {
				*valp = p + 1;
				return *p == '<' ? VFILTER_LT : VFILTER_GT;
			}
			break;
		case ' ':
		case '\t':
			for (q = p; is_space(*q); q++)
				;
			if (word_at(q, "in")) {
				*valp = q + 2;
				return VFILTER_IN;
			}
			if (word_at(q, "not")) {
				for (q += 3; is_space(*q); q++)
					;
				if (word_at(q, "in")) {
					*valp = q + 2;
					return VFILTER_NOTIN;
				}
			}
			break;
		}
	}
	return -1;
}

/*
 * Append the value written as p[0..n) to vals: a JSON scalar, or the
 * string as written; with as_string, a JSON string or the text.
 * Returns -1 on bad UTF-8.
 */
static int
add_value(json_t *vals, const char *p, size_t n, int as_string)
{
	json_t *v;

	v = json_loadb(p, n, JSON_DECODE_ANY, NULL);
	if (v == NULL || json_is_object(v) || json_is_array(v) ||
	    (as_string && !json_is_string(v))) {
		json_decref(v);
		if ((v = json_stringn(p, n)) == NULL)
			return -1;
	}
	json_array_append_new(vals, v);
	return 0;
}

int
vfilter_parse(struct vfilter *f, const char *expr, struct buf *err)
{
	const char *op, *val, *p, *e;
	size_t n, vn;
	json_t *v;
	int list, o;

	memset(f, 0, sizeof(*f));
	if ((o = find_op(expr, &op, &val)) == -1) {
		return buf_fail(err, "needs FIELD=VALUE, FIELD!=VALUE, "
		    "FIELD<VALUE (<=, >, "
		    ">=), FIELD^=PREFIX or FIELD [not] in [V1,...]");
	}
	n = (size_t)(op - expr);
	p = trim(expr, &n);
	if (n == 0) {
		return buf_fail(err, "has no field name");
	}
	f->path = xmemdup(p, n);
	f->op = o;
	f->vals = json_array();
	list = o == VFILTER_IN || o == VFILTER_NOTIN;
	vn = strlen(val);
	val = trim(val, &vn);
	if (list && vn >= 2 && ((val[0] == '[' && val[vn - 1] == ']') ||
	    (val[0] == '(' && val[vn - 1] == ')'))) {
		val++;
		vn -= 2;
		val = trim(val, &vn);
		if (vn == 0)
			return 0;	/* the empty list */
	}
	for (p = val; ; p = e + 1) {
		e = list ? item_end(p, val + vn) : val + vn;
		n = (size_t)(e - p);
		p = trim(p, &n);
		if (add_value(f->vals, p, n, o == VFILTER_PREFIX) == -1) {
			vfilter_release(f);
			return buf_fail(err, "value is not UTF-8");
		}
		if (e == val + vn)
			break;
	}
	v = json_array_get(f->vals, 0);
	if (o >= VFILTER_LT && o <= VFILTER_GE && !json_is_number(v) &&
	    !json_is_string(v)) {
		vfilter_release(f);
		return buf_fail(err, "compares with a number or a string "
		    "only");
	}
	return 0;
}

void
vfilter_release(struct vfilter *f)
{
	free(f->path);
	json_decref(f->vals);
	f->path = NULL;
	f->vals = NULL;
}

/*
 * Order a and b: -1, 0 or 1, or 2 when they do not compare (not two
 * numbers, not two strings).
 */
static int
order(const json_t *a, const json_t *b)
{
	json_int_t i, j;
	double x, y;
	size_t m, n;
	int c;

	if (json_is_integer(a) && json_is_integer(b)) {
		i = json_integer_value(a);
		j = json_integer_value(b);
		return i < j ? -1 : i > j;
	}
	if (json_is_number(a) && json_is_number(b)) {
		x = json_number_value(a);
		y = json_number_value(b);
		return x < y ? -1 : x > y;
	}
	if (json_is_string(a) && json_is_string(b)) {
		m = json_string_length(a);
		n = json_string_length(b);
		c = memcmp(json_string_value(a), json_string_value(b),
		    m < n ? m : n);
		if (c == 0)
			return m < n ? -1 : m > n;
		return c < 0 ? -1 : 1;
	}
	return 2;
}

/* Whether the scalar (or array, for = and in) v holds for value w. */
static int
holds(int op, const json_t *v, const json_t *w)
{
	size_t n;
	int c;

	switch (op) {
	case VFILTER_PREFIX:
		n = json_string_length(w);
		return json_is_string(v) && json_string_length(v) >= n &&
		    memcmp(json_string_value(v), json_string_value(w), n) == 0;
	case VFILTER_LT:
		return order(v, w) == -1;
	case VFILTER_LE:
		return (c = order(v, w)) == -1 || c == 0;
	case VFILTER_GT:
		return order(v, w) == 1;
	case VFILTER_GE:
		return (c = order(v, w)) == 1 || c == 0;
	default:
		return json_is_number(v) && json_is_number(w) ?
		    order(v, w) == 0 : json_equal((json_t *)v, (json_t *)w);
	}
}

/* Whether v or, when it is an array, one of its elements holds. */
static int
any(const struct vfilter *f, int op, const json_t *v)
{
	size_t i;

	for (i = 0; i < json_array_size(f->vals); i++)
		if (holds(op, v, json_array_get(f->vals, i)))
			return 1;
	if (json_is_array(v))
		for (i = 0; i < json_array_size(v); i++)
			if (any(f, op, json_array_get(v, i)))
				return 1;
	return 0;
}

int
vfilter_match(const struct vfilter *f, const json_t *v)
{
	if (v == NULL)
		return 0;
	if (f->op == VFILTER_NE || f->op == VFILTER_NOTIN)
		return !any(f, VFILTER_EQ, v);
	return any(f, f->op, v);
}

/* The kind of a scalar for vfilter_unlike: numbers are one kind. */
static int
kind(const json_t *v)
{
	if (json_is_number(v))
		return JSON_REAL;
	if (json_is_boolean(v))
		return JSON_TRUE;
	return json_typeof(v);
}

int
vfilter_unlike(const struct vfilter *f, const json_t *v)
{
	size_t i;

	if (v == NULL || json_is_array(v) || json_is_object(v) ||
	    json_array_size(f->vals) == 0)
		return 0;
	for (i = 0; i < json_array_size(f->vals); i++)
		if (kind(json_array_get(f->vals, i)) == kind(v))
			return 0;
	return 1;
}
