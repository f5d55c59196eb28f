/* vfilter.c -- query filters on stored fields: FIELD=VALUE, FIELD in [...] */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/vfilter.h"
#include "lib/xmem.h"

/* Trim spaces from both ends of p[0..*n); returns the new start. */
static const char *
trim(const char *p, size_t *n)
{
	while (*n > 0 && *p == ' ') {
		p++;
		(*n)--;
	}
	while (*n > 0 && p[*n - 1] == ' ')
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

/* Append the value written as p[0..n) to vals.  Returns -1 on bad UTF-8. */
static int
add_value(json_t *vals, const char *p, size_t n)
{
	json_t *v;

	v = json_loadb(p, n, JSON_DECODE_ANY, NULL);
	if (v == NULL || json_is_object(v) || json_is_array(v)) {
		json_decref(v);
		if ((v = json_stringn(p, n)) == NULL)
			return -1;
	}
	json_array_append_new(vals, v);
	return 0;
}

int
vfilter_parse(struct vfilter *f, const char *expr, const char **why)
{
	const char *op, *val, *p, *e;
	size_t n, vn;
	int list;

	memset(f, 0, sizeof(*f));
	if ((op = strstr(expr, " in ")) != NULL) {
		list = 1;
		val = op + 4;
	} else if ((op = strchr(expr, '=')) != NULL) {
		list = 0;
		val = op + 1;
	} else {
		*why = "needs FIELD=VALUE or FIELD in [V1,...]";
		return -1;
	}
	n = (size_t)(op - expr);
	p = trim(expr, &n);
	if (n == 0) {
		*why = "has no field name";
		return -1;
	}
	f->path = xmemdup(p, n);
	f->vals = json_array();
	vn = strlen(val);
	val = trim(val, &vn);
	if (list && vn >= 2 && ((val[0] == '[' && val[vn - 1] == ']') ||
	    (val[0] == '(' && val[vn - 1] == ')'))) {
		val++;
		vn -= 2;
	}
	for (p = val; ; p = e + 1) {
		e = list ? item_end(p, val + vn) : val + vn;
		n = (size_t)(e - p);
		p = trim(p, &n);
		if (add_value(f->vals, p, n) == -1) {
			vfilter_release(f);
			*why = "value is not UTF-8";
			return -1;
		}
		if (e == val + vn)
			break;
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

int
vfilter_match(const struct vfilter *f, const json_t *v)
{
	size_t i;

	if (v == NULL)
		return 0;
	for (i = 0; i < json_array_size(f->vals); i++)
		if (json_equal((json_t *)v, json_array_get(f->vals, i)))
			return 1;
	if (json_is_array(v))
		for (i = 0; i < json_array_size(v); i++)
			if (vfilter_match(f, json_array_get(v, i)))
				return 1;
	return 0;
}
