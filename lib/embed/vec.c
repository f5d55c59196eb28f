/* vec.c -- embedding vectors in records: JSON arrays or base64 float32 */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/base64.h"
#include "lib/base/buf.h"
#include "lib/embed/vec.h"
#include "lib/base/xmem.h"

/* "00" to "99", for two digits at a time. */
static const char d2[] =
    "00010203040506070809101112131415161718192021222324252627282930"
    "31323334353637383940414243444546474849505152535455565758596061"
    "62636465666768697071727374757677787980818283848586878889909192"
    "93949596979899";

/* Write the n decimal digits of d at out. */
static inline void
write_digits(char *out, uint32_t d, int n)
{
	char *p = out + n;

	while (d >= 100) {
		p -= 2;
		memcpy(p, d2 + 2 * (d % 100), 2);
		d /= 100;
	}
	if (d >= 10) {
		p -= 2;
		memcpy(p, d2 + 2 * d, 2);
	} else
		*--p = (char)('0' + d);
}

/*
 * The shortest decimal that reads back as f, exactly, for the values
 * embeddings are made of: 1e-10 <= |f| < 1.  f = m * 2^e; the decimals
 * that read back as f are those inside the rounding interval
 * [(4m - 2) * 2^(e-2), (4m + 2) * 2^(e-2)] (ends included when m is
 * even, as strtof rounds half to even; the lower end is 4m - 1 at a power
 * of two).  With s decimals, the multiples d * 10^-s in the interval are
 * the integers d in [lo, hi], lo = ceil(lo_end * 10^s), hi = floor(...),
 * computed exactly in 128 bits once, for an s at which the interval is
 * more than one unit wide.  With one decimal fewer, they are the d' with
 * 10 d' in [lo, hi]: d' in [ceil(lo / 10), floor(hi / 10)], so decimals
 * are dropped in 64-bit arithmetic while that range is not empty.  The d
 * nearest to f at the last s is then written.  Returns the length, or -1
 * when f is outside that range (the caller falls back to printf).
 */
static int
float_text_fast(char *out, float f)
{
	static const uint64_t p10[] = { 1ULL, 10ULL, 100ULL, 1000ULL,
	    10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
	    1000000000ULL, 10000000000ULL, 100000000000ULL,
	    1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
	    1000000000000000ULL, 10000000000000000ULL,
	    100000000000000000ULL, 1000000000000000000ULL,
	    10000000000000000000ULL };
	unsigned __int128 a;
	uint64_t v, lo, hi, dv, nlo, nhi, mask, half, r;
	uint32_t u, frac, m, mv, mp, mm, d9;
	int e8, q, s, incl, n, x, k;
	char *o = out;
	float af = fabsf(f);

	if (!(af >= 1e-10f && af < 1.0f))
		return -1;
	memcpy(&u, &f, 4);
	e8 = (int)((u >> 23) & 0xff);
	frac = u & 0x7fffff;
	m = frac | 0x800000;
	q = 2 - (e8 - 150);
	mv = 4 * m;
	mp = mv + 2;
	mm = mv - (frac == 0 && e8 > 1 ? 1 : 2);
	incl = (m & 1) == 0;
	/* 26 <= q <= 59 here: the fractions below fit in 64 bits. */
	mask = (1ULL << q) - 1;
	half = 1ULL << (q - 1);
	/*
	 * Eight significant digits, from log10 of f estimated by its binary
	 * exponent: then 10^s times the interval's width, 2^(e8 - 150), is
	 * above 1.19, so that [lo, hi] is never empty.  At a power of two
	 * the interval is only 3/4 as wide: nine digits there.  Here s <= 19
	 * and hi < 2^33.
	 */
	s = (frac ? 7 : 8) - (((e8 - 127) * 1233) >> 12);
	v = p10[s];
	a = (unsigned __int128)v * mm;
	r = (uint64_t)a & mask;
	lo = (uint64_t)(a >> q) + (r != 0 || !incl);
	a = (unsigned __int128)v * mp;
	r = (uint64_t)a & mask;
	hi = (uint64_t)(a >> q) - (r == 0 && !incl);
	while (s > 0) {
		nlo = (lo + 9) / 10;
		nhi = hi / 10;
		if (nlo > nhi)
			break;
		lo = nlo;
		hi = nhi;
		s--;
	}
	/* The nearest, half to even, kept inside [lo, hi]. */
	a = (unsigned __int128)p10[s] * mv;
	dv = (uint64_t)(a >> q);
	r = (uint64_t)a & mask;
	if (r > half || (r == half && (dv & 1)))
		dv++;
	dv = dv < lo ? lo : dv > hi ? hi : dv;
	while (dv % 10 == 0 && dv) {
		dv /= 10;
		s--;
	}
	/* At most nine digits now: 32 bits.  n digits, x leading exponent. */
	d9 = (uint32_t)dv;
	n = ((32 - __builtin_clz(d9)) * 1233) >> 12;
	n += d9 >= p10[n];
	x = n - 1 - s;
	if (signbit(f))
		*o++ = '-';
	if (x < -4) {
		/* d.ddde-XX: the digits after a gap for the point. */
		write_digits(o + 1, d9, n);
		o[0] = o[1];
		o[1] = '.';
		o += n > 1 ? n + 1 : 1;
		*o++ = 'e';
		*o++ = '-';
		*o++ = (char)('0' + -x / 10);
		*o++ = (char)('0' + -x % 10);
	} else {
		*o++ = '0';
		*o++ = '.';
		for (k = x + 1; k < 0; k++)
			*o++ = '0';
		write_digits(o, d9, n);
		o += n;
	}
	*o = '\0';
	return (int)(o - out);
}

int
vec_float_text(char *out, float f)
{
	int prec, n = 0;

	if (f != 0 && (n = float_text_fast(out, f)) >= 0)
		return n;
	if (f == 0) {
		/* Common in sparse vectors: no printf. */
		if (signbit(f)) {
			memcpy(out, "-0.0", 5);
			return 4;
		}
		memcpy(out, "0.0", 4);
		return 3;
	}
	for (prec = 1; prec <= 9; prec++) {
		n = snprintf(out, 32, "%.*g", prec, (double)f);
		if (strtof(out, NULL) == f)
			break;
	}
	/* Keep it a JSON real: "1" becomes "1.0", "1e-05" stays. */
	if (strpbrk(out, ".eEn") == NULL)
		n += snprintf(out + n, 32 - (size_t)n, ".0");
	return n;
}

void
vec_json_text(struct buf *b, const float *v, size_t n)
{
	size_t i;
	char *o;

	/* A number takes at most 31 bytes: room for all, then no checks. */
	buf_grow(b, n * 32 + 3);
	o = b->data + b->len;
	*o++ = '[';
	for (i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		o += vec_float_text(o, v[i]);
	}
	*o++ = ']';
	*o = '\0';
	b->len = (size_t)(o - b->data);
}

void
vec_to_le(const float *v, size_t n, unsigned char *le)
{
	uint32_t u;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(&u, &v[i], 4);
		le[4 * i] = (unsigned char)u;
		le[4 * i + 1] = (unsigned char)(u >> 8);
		le[4 * i + 2] = (unsigned char)(u >> 16);
		le[4 * i + 3] = (unsigned char)(u >> 24);
	}
}

void
vec_from_le(const unsigned char *le, size_t n, float *v)
{
	uint32_t u;
	size_t i;

	for (i = 0; i < n; i++) {
		u = (uint32_t)le[4 * i] | (uint32_t)le[4 * i + 1] << 8 |
		    (uint32_t)le[4 * i + 2] << 16 |
		    (uint32_t)le[4 * i + 3] << 24;
		memcpy(&v[i], &u, 4);
	}
}

void
vec_base64_text(struct buf *b, const float *v, size_t n)
{
	unsigned char *le;

	le = xmalloc(n * 4);
	vec_to_le(v, n, le);
	buf_addc(b, '"');
	base64_encode(b, le, n * 4);
	buf_addc(b, '"');
	free(le);
}

long
vec_from_base64(const char *s, size_t n, float **out, struct buf *err)
{
	unsigned char *raw;
	size_t i;
	long len;
	float *f;

	*out = NULL;
	raw = xmalloc(n / 4 * 3 + 3);
	len = base64_decode(s, n, raw);
	if (len <= 0 || len % 4 != 0) {
		free(raw);
		return buf_fail(err, "%s", len == 0 ? "embedding is empty" :
		    "embedding is not base64 of float32 values");
	}
	f = xmalloc((size_t)len);
	vec_from_le(raw, (size_t)len / 4, f);
	free(raw);
	for (i = 0; i < (size_t)len / 4; i++) {
		if (!isfinite(f[i])) {
			free(f);
			return buf_fail(err, "embedding element is not "
			    "finite");
		}
	}
	*out = f;
	return len / 4;
}

long
vec_from_json(const json_t *v, float **out, struct buf *err)
{
	size_t n, i;
	double d;
	float *f;

	*out = NULL;
	if (json_is_array(v)) {
		if ((n = json_array_size(v)) == 0) {
			return buf_fail(err, "embedding is empty");
		}
		f = xmalloc(n * sizeof(*f));
		for (i = 0; i < n; i++) {
			json_t *x = json_array_get(v, i);

			if (!json_is_number(x)) {
				free(f);
				return buf_fail(err, "embedding has a "
				    "non-number element");
			}
			d = json_number_value(x);
			if (!isfinite(d) || fabs(d) > 3.4028234663852886e38) {
				free(f);
				return buf_fail(err, "embedding element is "
				    "not a float32");
			}
			f[i] = (float)d;
		}
		*out = f;
		return (long)n;
	}
	if (json_is_string(v))
		return vec_from_base64(json_string_value(v),
		    json_string_length(v), out, err);
	return buf_fail(err, "embedding is neither an array of numbers nor a "
	    "base64 string");
}

double
vec_norm(const float *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)v[i] * v[i];
	return sqrt(s);
}

void
vec_normalize(float *v, size_t n)
{
	double norm = vec_norm(v, n);
	size_t i;

	if (norm == 0)
		return;
	for (i = 0; i < n; i++)
		v[i] = (float)(v[i] / norm);
}

int
vec_finite(const float *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}
