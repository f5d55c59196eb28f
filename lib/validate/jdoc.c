/* jdoc.c -- a read-only JSON document in an arena, parsed fast */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/validate/jdoc.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

#define JDOC_MAX_DEPTH	2048	/* as jansson's parser */
#define BLOCK		65536	/* smallest arena block */

/* Allocate n bytes (8-aligned) in the arena. */
static void *
alloc(struct jdoc_arena *a, size_t n)
{
	char *b;
	size_t cap;

	n = (n + 7) & ~(size_t)7;
	if (a->blk == NULL || a->used + n > a->cap) {
		cap = n + sizeof(char *) > BLOCK ? n + sizeof(char *) : BLOCK;
		b = xmalloc(cap);
		/* The block's first word chains the full ones. */
		if (a->blk != NULL) {
			*(char **)a->blk = a->old;
			a->old = a->blk;
		}
		*(char **)b = NULL;
		a->blk = b;
		a->cap = cap;
		a->used = sizeof(char *);
	}
	b = a->blk + a->used;
	a->used += n;
	return b;
}

void
jdoc_reset(struct jdoc_arena *a)
{
	char *b, *next;

	for (b = a->old; b != NULL; b = next) {
		next = *(char **)b;
		free(b);
	}
	a->old = NULL;
	a->used = sizeof(char *);
	a->vsp = a->msp = 0;
}

void
jdoc_release(struct jdoc_arena *a)
{
	jdoc_reset(a);
	free(a->blk);
	free(a->vstack);
	free(a->mstack);
	memset(a, 0, sizeof(*a));
}

struct parser {
	const char		*p;	/* next byte */
	const char		*e;	/* end of input */
	struct jdoc_arena	*a;	/* where values go */
	int			 depth;	/* nesting */
};

static void
ws(struct parser *P)
{
	while (P->p < P->e && (*P->p == ' ' || *P->p == '\t' ||
	    *P->p == '\n' || *P->p == '\r'))
		P->p++;
}

/* Parse a string after its opening quote into *s, *n. */
static int
parse_string(struct parser *P, const char **sp, size_t *np)
{
	const char *p = P->p, *e = P->e, *start = p;
	char *out, *w;
	size_t adv;
	int esc = 0;
	long cp, lo;

	/* Find the end, checking bytes on the way. */
	for (;;) {
		unsigned char c;

		if (p >= e)
			return -1;
		c = *p;
		if (c == '"')
			break;
		if (c == '\\') {
			esc = 1;
			if (p + 1 >= e)
				return -1;
			p += 2;
			continue;
		}
		if (c < 0x20)
			return -1;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (utf8_decode(p, e - p, &adv) < 0)
			return -1;
		p += adv;
	}
	out = alloc(P->a, p - start + 1);
	if (!esc) {
		memcpy(out, start, p - start);
		out[p - start] = '\0';
		*sp = out;
		*np = p - start;
		P->p = p + 1;
		return 0;
	}
	for (w = out, p = start; *p != '"'; ) {
		if (*p != '\\') {
			*w++ = *p++;
			continue;
		}
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			*w++ = p[1];
			break;
		case 'b':
			*w++ = '\b';
			break;
		case 'f':
			*w++ = '\f';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'u':
			if (e - p < 6 || (cp = (int)text_hex4(p + 2, 4)) < 0)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (e - p < 12 || p[6] != '\\' ||
				    p[7] != 'u' ||
				    (lo = (int)text_hex4(p + 8, 4)) < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0)
				return -1;
			w += utf8_encode((int32_t)cp, w);
			p += 6;
			continue;
		default:
			return -1;
		}
		p += 2;
	}
	*w = '\0';
	*sp = out;
	*np = w - out;
	P->p = p + 1;
	return 0;
}

static int
parse_number(struct parser *P, struct jdoc_val *v)
{
	const char *p = P->p, *e = P->e, *start = p;
	int real = 0;
	char buf[64], *end, *tmp = NULL;
	const char *num;
	size_t len;

	if (p < e && *p == '-')
		p++;
	if (p >= e || !(*p >= '0' && *p <= '9'))
		return -1;
	if (*p == '0')
		p++;
	else
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	if (p < e && *p == '.') {
		real = 1;
		p++;
		if (p >= e || !(*p >= '0' && *p <= '9'))
			return -1;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		real = 1;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !(*p >= '0' && *p <= '9'))
			return -1;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	len = p - start;
	if (len < sizeof(buf)) {
		memcpy(buf, start, len);
		buf[len] = '\0';
		num = buf;
	} else
		num = tmp = xmemdup(start, len);
	errno = 0;
	if (real) {
		v->type = JD_REAL;
		v->u.d = strtod(num, &end);
		if ((v->u.d == HUGE_VAL || v->u.d == -HUGE_VAL) &&
		    errno == ERANGE) {
			free(tmp);
			return -1;
		}
	} else {
		v->type = JD_INT;
		v->u.i = strtoll(num, &end, 10);
		if (errno == ERANGE) {
			free(tmp);
			return -1;
		}
	}
	free(tmp);
	P->p = p;
	return 0;
}

static int
keycmp(const void *a, const void *b)
{
	const struct jdoc_mem *x = *(const struct jdoc_mem *const *)a;
	const struct jdoc_mem *y = *(const struct jdoc_mem *const *)b;

	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return memcmp(x->key, y->key, x->klen);
}

static int
has_duplicates(struct jdoc_mem *m, size_t n)
{
	struct jdoc_mem **ix;
	size_t i, j;
	int dup = 0;

	if (n <= 16) {
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (m[i].klen == m[j].klen &&
				    memcmp(m[i].key, m[j].key, m[i].klen) == 0)
					return 1;
		return 0;
	}
	ix = xcalloc(n, sizeof(*ix));
	for (i = 0; i < n; i++)
		ix[i] = &m[i];
	qsort(ix, n, sizeof(*ix), keycmp);
	for (i = 1; i < n && !dup; i++)
		dup = keycmp(&ix[i - 1], &ix[i]) == 0;
	free(ix);
	return dup;
}

static int parse_value(struct parser *, struct jdoc_val *);

static int
parse_array(struct parser *P, struct jdoc_val *v)
{
	struct jdoc_arena *a = P->a;
	size_t base = a->vsp, n;
	struct jdoc_val item;

	P->p++;
	ws(P);
	if (P->p < P->e && *P->p == ']') {
		P->p++;
		v->type = JD_ARRAY;
		v->n = 0;
		v->u.items = NULL;
		return 0;
	}
	for (;;) {
		if (parse_value(P, &item) != 0)
			return -1;
		if (a->vsp == a->vcap) {
			a->vcap = a->vcap ? a->vcap * 2 : 256;
			a->vstack = xreallocarray(a->vstack, a->vcap,
			    sizeof(*a->vstack));
		}
		a->vstack[a->vsp++] = item;
		ws(P);
		if (P->p >= P->e)
			return -1;
		if (*P->p == ',') {
			P->p++;
			ws(P);
			continue;
		}
		if (*P->p != ']')
			return -1;
		P->p++;
		break;
	}
	n = a->vsp - base;
	v->type = JD_ARRAY;
	v->n = n;
	v->u.items = alloc(a, n * sizeof(*v->u.items));
	memcpy(v->u.items, a->vstack + base, n * sizeof(*v->u.items));
	a->vsp = base;
	return 0;
}

static int
parse_object(struct parser *P, struct jdoc_val *v)
{
	struct jdoc_arena *a = P->a;
	size_t base = a->msp, n;
	struct jdoc_mem m;

	P->p++;
	ws(P);
	if (P->p < P->e && *P->p == '}') {
		P->p++;
		v->type = JD_OBJECT;
		v->n = 0;
		v->u.mems = NULL;
		return 0;
	}
	for (;;) {
		if (P->p >= P->e || *P->p != '"')
			return -1;
		P->p++;
		if (parse_string(P, &m.key, &m.klen) != 0)
			return -1;
		ws(P);
		if (P->p >= P->e || *P->p != ':')
			return -1;
		P->p++;
		ws(P);
		if (parse_value(P, &m.val) != 0)
			return -1;
		if (a->msp == a->mcap) {
			a->mcap = a->mcap ? a->mcap * 2 : 256;
			a->mstack = xreallocarray(a->mstack, a->mcap,
			    sizeof(*a->mstack));
		}
		a->mstack[a->msp++] = m;
		ws(P);
		if (P->p >= P->e)
			return -1;
		if (*P->p == ',') {
			P->p++;
			ws(P);
			continue;
		}
		if (*P->p != '}')
			return -1;
		P->p++;
		break;
	}
	n = a->msp - base;
	v->type = JD_OBJECT;
	v->n = n;
	v->u.mems = alloc(a, n * sizeof(*v->u.mems));
	memcpy(v->u.mems, a->mstack + base, n * sizeof(*v->u.mems));
	a->msp = base;
	return has_duplicates(v->u.mems, n) ? -1 : 0;
}

static int
parse_value(struct parser *P, struct jdoc_val *v)
{
	const char *p = P->p;
	size_t left = P->e - p;
	int rc;

	if (left == 0)
		return -1;
	v->n = 0;
	switch (*p) {
	case '{':
	case '[':
		if (++P->depth > JDOC_MAX_DEPTH)
			return -1;
		rc = *p == '{' ? parse_object(P, v) : parse_array(P, v);
		P->depth--;
		return rc;
	case '"':
		P->p++;
		v->type = JD_STRING;
		return parse_string(P, &v->u.s, &v->n);
	case 't':
		if (left < 4 || memcmp(p, "true", 4) != 0)
			return -1;
		v->type = JD_TRUE;
		P->p += 4;
		return 0;
	case 'f':
		if (left < 5 || memcmp(p, "false", 5) != 0)
			return -1;
		v->type = JD_FALSE;
		P->p += 5;
		return 0;
	case 'n':
		if (left < 4 || memcmp(p, "null", 4) != 0)
			return -1;
		v->type = JD_NULL;
		P->p += 4;
		return 0;
	default:
		return parse_number(P, v);
	}
}

struct jdoc_val *
jdoc_parse(struct jdoc_arena *a, const char *p, size_t n)
{
	struct parser P;
	struct jdoc_val *v;

	P.p = p;
	P.e = p + n;
	P.a = a;
	P.depth = 0;
	v = alloc(a, sizeof(*v));
	ws(&P);
	if (parse_value(&P, v) != 0) {
		a->vsp = a->msp = 0;
		return NULL;
	}
	ws(&P);
	return P.p == P.e ? v : NULL;
}

static void
from_json(struct jdoc_arena *a, const json_t *j, struct jdoc_val *v)
{
	const char *k;
	json_t *m;
	size_t i;
	char *s;

	v->n = 0;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v->type = JD_OBJECT;
		v->n = json_object_size(j);
		v->u.mems = alloc(a, v->n * sizeof(*v->u.mems));
		i = 0;
		json_object_foreach((json_t *)j, k, m) {
			v->u.mems[i].klen = strlen(k);
			s = alloc(a, v->u.mems[i].klen + 1);
			memcpy(s, k, v->u.mems[i].klen + 1);
			v->u.mems[i].key = s;
			from_json(a, m, &v->u.mems[i].val);
			i++;
		}
		break;
	case JSON_ARRAY:
		v->type = JD_ARRAY;
		v->n = json_array_size(j);
		v->u.items = alloc(a, v->n * sizeof(*v->u.items));
		for (i = 0; i < v->n; i++)
			from_json(a, json_array_get(j, i), &v->u.items[i]);
		break;
	case JSON_STRING:
		v->type = JD_STRING;
		v->n = json_string_length(j);
		s = alloc(a, v->n + 1);
		memcpy(s, json_string_value(j), v->n + 1);
		v->u.s = s;
		break;
	case JSON_INTEGER:
		v->type = JD_INT;
		v->u.i = json_integer_value(j);
		break;
	case JSON_REAL:
		v->type = JD_REAL;
		v->u.d = json_real_value(j);
		break;
	case JSON_TRUE:
		v->type = JD_TRUE;
		break;
	case JSON_FALSE:
		v->type = JD_FALSE;
		break;
	default:
		v->type = JD_NULL;
		break;
	}
}

struct jdoc_val *
jdoc_from_json(struct jdoc_arena *a, const json_t *j)
{
	struct jdoc_val *v = alloc(a, sizeof(*v));

	from_json(a, j, v);
	return v;
}

const struct jdoc_val *
jdoc_get(const struct jdoc_val *o, const char *key, size_t klen)
{
	size_t i;

	if (o->type != JD_OBJECT)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->u.mems[i].klen == klen &&
		    memcmp(o->u.mems[i].key, key, klen) == 0)
			return &o->u.mems[i].val;
	return NULL;
}

double
jdoc_number(const struct jdoc_val *v)
{
	return v->type == JD_INT ? (double)v->u.i : v->u.d;
}
