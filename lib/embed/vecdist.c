/* vecdist.c -- distance kernels over float32 vectors */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/base/clones.h"
#include "lib/embed/vecdist.h"

/*
 * The kernels are written with GCC vector extensions: sixteen lanes in
 * two independent accumulators, so that the compiler keeps the adds in
 * flight without reassociating a scalar loop (which it may not do without
 * -ffast-math).  target_clones compiles each for several instruction sets
 * and picks one when the program starts.
 */
typedef float v16f __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef int8_t v32i8 __attribute__((vector_size(32)));
typedef int16_t v32i16 __attribute__((vector_size(64)));
typedef int16_t v16i16 __attribute__((vector_size(32)));
typedef int32_t v16i32 __attribute__((vector_size(64)));

/* The helpers are inlined: the ABI note about passing v16f does not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"


static inline v16f
load16(const float *p)
{
	v16f v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Sum the lanes by halving, so that the adds run in parallel. */
static inline float
hsum(const v16f *v)
{
	v8f a, b;
	v4f c, d;

	memcpy(&a, v, sizeof(a));
	memcpy(&b, (const char *)v + sizeof(a), sizeof(b));
	a += b;
	memcpy(&c, &a, sizeof(c));
	memcpy(&d, (const char *)&a + sizeof(c), sizeof(d));
	c += d;
	return (c[0] + c[2]) + (c[1] + c[3]);
}

CLONES float
vecdist_dot(const float *a, const float *b, size_t n)
{
	v16f s0 = { 0 }, s1 = { 0 };
	size_t i = 0;
	float s;

	for (; i + 32 <= n; i += 32) {
		s0 += load16(a + i) * load16(b + i);
		s1 += load16(a + i + 16) * load16(b + i + 16);
	}
	if (i + 16 <= n) {
		s0 += load16(a + i) * load16(b + i);
		i += 16;
	}
	s0 += s1;
	s = hsum(&s0);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

CLONES float
vecdist_l2sq(const float *a, const float *b, size_t n)
{
	v16f s0 = { 0 }, s1 = { 0 }, d0, d1;
	size_t i = 0;
	float s, d;

	for (; i + 32 <= n; i += 32) {
		d0 = load16(a + i) - load16(b + i);
		d1 = load16(a + i + 16) - load16(b + i + 16);
		s0 += d0 * d0;
		s1 += d1 * d1;
	}
	if (i + 16 <= n) {
		d0 = load16(a + i) - load16(b + i);
		s0 += d0 * d0;
		i += 16;
	}
	s0 += s1;
	s = hsum(&s0);
	for (; i < n; i++) {
		d = a[i] - b[i];
		s += d * d;
	}
	return s;
}

float
vecdist_quantize(const float *v, size_t n, int8_t *out)
{
	float m = 0, a, scale;
	long c;
	size_t i;

	for (i = 0; i < n; i++)
		if ((a = fabsf(v[i])) > m)
			m = a;
	if (m == 0) {
		memset(out, 0, n);
		return 0;
	}
	scale = m / 127.0f;
	for (i = 0; i < n; i++) {
		c = lrintf(v[i] / scale);
		out[i] = (int8_t)(c > 127 ? 127 : c < -127 ? -127 : c);
	}
	return scale;
}

/*
 * Codes are within [-127, 127], so a product fits in 16 bits: multiply
 * 32 lanes of int16 at a time, widen the products and add them up.
 */
CLONES int32_t
vecdist_dot_i8(const int8_t *a, const int8_t *b, size_t n)
{
	v16i32 s0 = { 0 }, s1 = { 0 };
	v32i16 p;
	v32i8 x, y;
	v16i16 h;
	size_t i = 0;
	int32_t s = 0;
	int j;

	for (; i + 32 <= n; i += 32) {
		memcpy(&x, a + i, 32);
		memcpy(&y, b + i, 32);
		p = __builtin_convertvector(x, v32i16) *
		    __builtin_convertvector(y, v32i16);
		memcpy(&h, &p, sizeof(h));
		s0 += __builtin_convertvector(h, v16i32);
		memcpy(&h, (const char *)&p + sizeof(h), sizeof(h));
		s1 += __builtin_convertvector(h, v16i32);
	}
	s0 += s1;
	for (j = 0; j < 16; j++)
		s += s0[j];
	for (; i < n; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}
