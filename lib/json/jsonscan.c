/* jsonscan.c -- a fast path for JSON-lines records */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/json/jsonscan.h"
#include "lib/text/text.h"

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* The four hex digits at p, or -1 (also when fewer than 4 are left). */
static int32_t
hex_at(const char *p, const char *end)
{
	return p < end ? (int32_t)text_hex4(p, (size_t)(end - p)) : -1;
}

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/*
 * Scan a string whose opening quote is at p[-1].  Returns the address of
 * its closing quote, or NULL when it is not a valid JSON string of UTF-8
 * text, or when it has \u0000 or a lone surrogate (which the full parser
 * explains).  Sets *escaped when it has escapes.
 */
static const char *
scan_string(const char *p, const char *end, int *escaped)
{
	const char *start = p;
	uint64_t x, t;
	int32_t cp;
	int wide = 0;

	*escaped = 0;
	while (p < end) {
		/* Eight plain ASCII bytes at a time. */
		while (end - p >= 8) {
			memcpy(&x, p, 8);
			t = (x - 0x20 * ONES) | x |
			    ((x ^ 0x22 * ONES) - ONES) |
			    ((x ^ 0x5c * ONES) - ONES);
			if (t & HIGHS)
				break;
			p += 8;
		}
		if (p >= end)
			break;
		if (*p == '"') {
			if (wide && utf8_invalid(start, (size_t)(p - start)) >=
			    0)
				return NULL;
			return p;
		}
		if (*p == '\\') {
			*escaped = 1;
			if (++p >= end)
				return NULL;
			if (*p == 'u') {
				if ((cp = hex_at(p + 1, end)) <= 0 ||
				    (cp >= 0xdc00 && cp <= 0xdfff))
					return NULL;
				p += 4;
				/* A high surrogate needs a low one. */
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (end - p < 3 || p[1] != '\\' ||
					    p[2] != 'u')
						return NULL;
					cp = hex_at(p + 3, end);
					if (cp < 0xdc00 || cp > 0xdfff)
						return NULL;
					p += 6;
				}
			} else if (strchr("\"\\/bfnrt", *p) == NULL || *p == 0)
				return NULL;
		} else if ((unsigned char)*p < 0x20)
			return NULL;
		else if ((unsigned char)*p >= 0x80)
			wide = 1;
		p++;
	}
	return NULL;
}

/*
 * Scan a number, true, false or null at p.  Returns the address after
 * it, or NULL when it is none of these or a number that a parser might
 * read differently (exponents, more than 15 characters).
 */
static const char *
scan_scalar(const char *p, const char *end)
{
	const char *start = p;

	if (end - p >= 4 && (memcmp(p, "true", 4) == 0 ||
	    memcmp(p, "null", 4) == 0))
		return p + 4;
	if (end - p >= 5 && memcmp(p, "false", 5) == 0)
		return p + 5;
	if (p < end && *p == '-')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return NULL;
	if (*p == '0')
		p++;
	else
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p < end && *p == '.') {
		if (++p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p - start > 15)
		return NULL;
	return p;
}

const char *
jsonscan_string(const char *p, const char *end, int *escaped)
{
	return scan_string(p, end, escaped);
}

/*
 * Skip one value at p, objects and arrays nested up to depth levels.
 * With strict, an object may not have a name twice or a name with
 * escapes (which jansson, told to reject duplicates, would compare after
 * unescaping), nor more than JSONSCAN_MAX names: the value is then left
 * to the full parser.
 */
static const char *
skip_value(const char *p, const char *end, int depth, int strict)
{
	const char *key[JSONSCAN_MAX], *q;
	size_t keylen[JSONSCAN_MAX], nkey = 0, i;
	int esc;

	p = skip_space(p, end);
	if (p >= end)
		return NULL;
	if (*p == '"') {
		if ((p = scan_string(p + 1, end, &esc)) == NULL)
			return NULL;
		return p + 1;
	}
	if (*p != '{' && *p != '[')
		return scan_scalar(p, end);
	if (depth <= 0)
		return NULL;
	if (*p++ == '[') {
		p = skip_space(p, end);
		if (p < end && *p == ']')
			return p + 1;
		for (;;) {
			if ((p = skip_value(p, end, depth - 1, strict)) ==
			    NULL)
				return NULL;
			p = skip_space(p, end);
			if (p < end && *p == ']')
				return p + 1;
			if (p >= end || *p++ != ',')
				return NULL;
		}
	}
	p = skip_space(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= end || *p++ != '"' ||
		    (q = scan_string(p, end, &esc)) == NULL)
			return NULL;
		if (strict) {
			if (esc || nkey == JSONSCAN_MAX)
				return NULL;
			for (i = 0; i < nkey; i++)
				if (keylen[i] == (size_t)(q - p) &&
				    memcmp(key[i], p, keylen[i]) == 0)
					return NULL;
			key[nkey] = p;
			keylen[nkey++] = (size_t)(q - p);
		}
		p = skip_space(q + 1, end);
		if (p >= end || *p++ != ':' ||
		    (p = skip_value(p, end, depth - 1, strict)) == NULL)
			return NULL;
		p = skip_space(p, end);
		if (p < end && *p == '}')
			return p + 1;
		if (p >= end || *p++ != ',')
			return NULL;
		p = skip_space(p, end);
	}
}

const char *
jsonscan_value(const char *p, const char *end, int depth)
{
	return skip_value(p, end, depth, 0);
}

const char *
jsonscan_object(const char *p, const char *end, struct jsonscan *sc)
{
	struct jsonscan_member *m;
	const char *q;
	size_t i;
	int esc;

	sc->n = 0;
	p = skip_space(p, end);
	if (p >= end || *p++ != '{')
		return NULL;
	p = skip_space(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (sc->n == JSONSCAN_MAX || p >= end || *p++ != '"')
			return NULL;
		m = &sc->m[sc->n];
		if ((q = scan_string(p, end, &esc)) == NULL || esc)
			return NULL;
		m->key = p;
		m->keylen = (size_t)(q - p);
		for (i = 0; i < sc->n; i++)
			if (sc->m[i].keylen == m->keylen &&
			    memcmp(sc->m[i].key, m->key, m->keylen) == 0)
				return NULL;
		p = skip_space(q + 1, end);
		if (p >= end || *p++ != ':')
			return NULL;
		p = skip_space(p, end);
		if (p < end && *p == '"') {
			p++;
			if ((q = scan_string(p, end, &m->escaped)) == NULL)
				return NULL;
			m->string = 1;
			m->val = p;
			m->vallen = (size_t)(q - p);
			p = q + 1;
		} else {
			/* A scalar, or an object or array kept as its text. */
			if ((q = skip_value(p, end, JSONSCAN_DEPTH, 1)) ==
			    NULL)
				return NULL;
			m->string = 0;
			m->escaped = 0;
			m->val = p;
			m->vallen = (size_t)(q - p);
			p = q;
		}
		sc->n++;
		p = skip_space(p, end);
		if (p < end && *p == ',') {
			p = skip_space(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return p + 1;
		return NULL;
	}
}

int
jsonscan_record(const char *line, size_t len, struct jsonscan *sc)
{
	const char *end = line + len, *p = jsonscan_object(line, end, sc);

	return p != NULL && skip_space(p, end) == end;
}

const struct jsonscan_member *
jsonscan_get(const struct jsonscan *sc, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < sc->n; i++)
		if (sc->m[i].keylen == n && memcmp(sc->m[i].key, key, n) == 0)
			return &sc->m[i];
	return NULL;
}

const char *
jsonscan_text(const struct jsonscan_member *m, struct buf *b, size_t *n)
{
	const char *p = m->val, *end = m->val + m->vallen, *bs;
	char enc[4];
	int32_t cp, lo;

	if (!m->escaped) {
		*n = m->vallen;
		return m->val;
	}
	buf_reset(b);
	while (p < end) {
		if ((bs = memchr(p, '\\', (size_t)(end - p))) == NULL) {
			buf_add(b, p, (size_t)(end - p));
			break;
		}
		buf_add(b, p, (size_t)(bs - p));
		p = bs + 1;
		switch (*p++) {
		case 'b':
			buf_addc(b, '\b');
			break;
		case 'f':
			buf_addc(b, '\f');
			break;
		case 'n':
			buf_addc(b, '\n');
			break;
		case 'r':
			buf_addc(b, '\r');
			break;
		case 't':
			buf_addc(b, '\t');
			break;
		case 'u':
			cp = hex_at(p, end);
			p += 4;
			if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
				return NULL;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
					return NULL;
				lo = hex_at(p + 2, end);
				if (lo < 0xdc00 || lo > 0xdfff)
					return NULL;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
			buf_add(b, enc, utf8_encode(cp, enc));
			break;
		default:
			/* '"', '\\' and '/' stand for themselves. */
			buf_addc(b, p[-1]);
			break;
		}
	}
	*n = b->len;
	return b->data;
}
