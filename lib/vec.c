/* vec.c -- embedding vectors in records: JSON arrays or base64 float32 */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base64.h"
#include "lib/buf.h"
#include "lib/vec.h"
#include "lib/xmem.h"

/*
 * The shortest decimal that reads back as f, exactly, for the values
 * embeddings are made of: 1e-10 <= |f| < 1.  f = m * 2^e; the decimals
 * that read back as f are those inside the rounding interval
 * [(4m - 2) * 2^(e-2), (4m + 2) * 2^(e-2)] (ends included when m is
 * even, as strtof rounds half to even; the lower end is 4m - 1 at a power
 * of two).  For each number of decimals s, the multiples d * 10^-s in the
 * interval are d in [ceil(lo * 10^s / 2^q), floor(hi * 10^s / 2^q)] with
 * q = 2 - e, computed exactly in 128 bits.  Fewer decimals are tried
 * while some multiple fits; the d nearest to f is then written.  Returns
 * the length, or -1 when f is outside that range (the caller falls back
 * to printf).
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
	unsigned __int128 a, b, mask, lo, hi, half, dv, d, best = 0;
	uint64_t v, dd;
	uint32_t u, frac, m, mv, mp, mm;
	int e8, q, s, best_s = -1, incl, n, x, k;
	char dig[24], *o = out;
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
	mask = ((unsigned __int128)1 << q) - 1;
	half = (unsigned __int128)1 << (q - 1);
	/*
	 * Start near nine significant digits, which always fit: log10 of f
	 * estimated from its binary exponent (an estimate is enough, the
	 * search moves either way).
	 */
	s = 8 - (((e8 - 127) * 1233) >> 12);
	if (s < 0)
		s = 0;
	for (;;) {
		if (s > 19)
			return -1;
		v = p10[s];
		a = (unsigned __int128)v * mm;
		b = (unsigned __int128)v * mp;
		lo = (a >> q) + ((a & mask) != 0);
		if (!incl && (a & mask) == 0)
			lo++;
		hi = b >> q;
		if (!incl && (b & mask) == 0)
			hi--;
		if (lo <= hi) {
			a = (unsigned __int128)v * mv;
			dv = a >> q;
			if ((a & mask) > half || ((a & mask) == half &&
			    (dv & 1)))
				dv++;
			d = dv < lo ? lo : dv > hi ? hi : dv;
			best = d;
			best_s = s;
			if (s == 0)
				break;
			s--;
		} else if (best_s >= 0)
			break;
		else
			s++;
	}
	/* Below 10^10: 64-bit arithmetic from here on. */
	dd = (uint64_t)best;
	s = best_s;
	while (dd % 10 == 0 && dd) {
		dd /= 10;
		s--;
	}
	for (n = 0; dd; dd /= 10)
		dig[n++] = (char)('0' + (int)(dd % 10));
	/* dig holds the n digits, last first; x is the leading exponent. */
	x = n - 1 - s;
	if (signbit(f))
		*o++ = '-';
	if (x < -4) {
		*o++ = dig[n - 1];
		if (n > 1) {
			*o++ = '.';
			for (k = n - 2; k >= 0; k--)
				*o++ = dig[k];
		}
		o += snprintf(o, 8, "e-%02d", -x);
	} else {
		*o++ = '0';
		*o++ = '.';
		for (k = x + 1; k < 0; k++)
			*o++ = '0';
		for (k = n - 1; k >= 0; k--)
			*o++ = dig[k];
		*o = '\0';
	}
	return (int)(o - out);
}

int
vec_float_text(char *out, float f)
{
	int prec, n = 0;

	if (f != 0 && (n = float_text_fast(out, f)) >= 0)
		return n;
	if (f == 0)
		return snprintf(out, 32, signbit(f) ? "-0.0" : "0.0");
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
vec_base64_text(struct buf *b, const float *v, size_t n)
{
	unsigned char *le;
	uint32_t u;
	size_t i;

	le = xmalloc(n * 4);
	for (i = 0; i < n; i++) {
		memcpy(&u, &v[i], 4);
		le[4 * i] = (unsigned char)u;
		le[4 * i + 1] = (unsigned char)(u >> 8);
		le[4 * i + 2] = (unsigned char)(u >> 16);
		le[4 * i + 3] = (unsigned char)(u >> 24);
	}
	buf_addc(b, '"');
	base64_encode(b, le, n * 4);
	buf_addc(b, '"');
	free(le);
}

long
vec_from_json(const json_t *v, float **out, const char **why)
{
	unsigned char *raw;
	const char *s;
	size_t n, i;
	uint32_t u;
	long len;
	double d;
	float *f;

	*out = NULL;
	if (json_is_array(v)) {
		if ((n = json_array_size(v)) == 0) {
			*why = "embedding is empty";
			return -1;
		}
		f = xmalloc(n * sizeof(*f));
		for (i = 0; i < n; i++) {
			json_t *x = json_array_get(v, i);

			if (!json_is_number(x)) {
				free(f);
				*why = "embedding has a non-number element";
				return -1;
			}
			d = json_number_value(x);
			if (!isfinite(d) || fabs(d) > 3.4028234663852886e38) {
				free(f);
				*why = "embedding element is not a float32";
				return -1;
			}
			f[i] = (float)d;
		}
		*out = f;
		return (long)n;
	}
	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
		raw = xmalloc(n / 4 * 3 + 3);
		len = base64_decode(s, n, raw);
		if (len <= 0 || len % 4 != 0) {
			free(raw);
			*why = len == 0 ? "embedding is empty" :
			    "embedding is not base64 of float32 values";
			return -1;
		}
		f = xmalloc((size_t)len);
		for (i = 0; i < (size_t)len / 4; i++) {
			u = (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
			    (uint32_t)raw[4 * i + 2] << 16 |
			    (uint32_t)raw[4 * i + 3] << 24;
			memcpy(&f[i], &u, 4);
			if (!isfinite(f[i])) {
				free(raw);
				free(f);
				*why = "embedding element is not finite";
				return -1;
			}
		}
		free(raw);
		*out = f;
		return len / 4;
	}
	*why = "embedding is neither an array of numbers nor a base64 string";
	return -1;
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
