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

/*
 * A product and the add after it are one fused multiply-add where the
 * instruction set has one (x86-64-v3 and v4): half the arithmetic of a
 * score, and one rounding less.  The C standard mode turns contraction
 * off; it is turned back on here, for these kernels only, and both the
 * single and the blocked kernels are written so that it fuses the same
 * products in each (the unit test holds them to the same bits).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#endif


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

/*
 * The scalar tails, after the sixteen-lane part: shared by the single and
 * the blocked kernels so that both add the same terms in the same order.
 */
static inline float
dot_tail(float s, const float *a, const float *b, size_t i, size_t n)
{
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static inline float
l2_tail(float s, const float *a, const float *b, size_t i, size_t n)
{
	float d;

	for (; i < n; i++) {
		d = a[i] - b[i];
		s += d * d;
	}
	return s;
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
	return dot_tail(s, a, b, i, n);
}

CLONES float
vecdist_l2sq(const float *a, const float *b, size_t n)
{
	v16f s0 = { 0 }, s1 = { 0 }, d0, d1;
	size_t i = 0;
	float s;

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
	return l2_tail(s, a, b, i, n);
}

/*
 * The blocked kernels.  A tile of four queries by two vectors keeps the
 * two accumulators of each of its eight pairs in registers, so a load of
 * a query or a vector serves two or four products.  Each pair gets the
 * very sums vecdist_dot and vecdist_l2sq compute (even blocks of sixteen
 * into s0, odd ones into s1, a last block of sixteen into s0, then s0 +
 * s1); sixteen pairs are then summed across lanes at once by a tree of
 * shuffles that adds the lanes in hsum's order, and the scalar tail is
 * the same function.  So every score is the bit pattern of the single
 * kernel on the same CPU, however queries are grouped.
 */
#define TQ	4	/* queries in a tile */
#define TV	4	/* vectors in a tile */

/*
 * The sums of the TQ x TV pairs of a tile into r[x * TV + y]: the even
 * blocks of sixteen first, one accumulator a pair, then the odd ones.
 *
 * The single kernels start from zero and add the first products to it;
 * here the first products are the accumulators, which saves two adds a
 * pair.  0 + p is p except for p = -0, and following the sums through
 * shows that this can only make a result -0 where the single kernel has
 * +0 (which never gives -0: an add in round-to-nearest is -0 only when
 * both terms are); so the caller adds +0 to each result at the end, and
 * the bits are those of the single kernel again.
 */
/* The products of block i of a tile: into s when first, else added. */
static inline __attribute__((always_inline)) void
tile_step(const float *const *qp, const float *const *vp, size_t i, int l2,
    int first, v16f *s)
{
	v16f a[TQ], b[TV], d;
	int x, y;

#pragma GCC unroll 4
	for (x = 0; x < TQ; x++)
		a[x] = load16(qp[x] + i);
#pragma GCC unroll 4
	for (y = 0; y < TV; y++)
		b[y] = load16(vp[y] + i);
#pragma GCC unroll 4
	for (x = 0; x < TQ; x++) {
#pragma GCC unroll 4
		for (y = 0; y < TV; y++) {
			if (l2) {
				d = a[x] - b[y];
				d *= d;
			} else
				d = a[x] * b[y];
			if (first)
				s[x * TV + y] = d;
			else
				s[x * TV + y] += d;
		}
	}
}

static inline __attribute__((always_inline)) void
tile_sums(const float *const *qp, const float *const *vp, size_t n, int l2,
    v16f *r)
{
	v16f s[TQ * TV], e[TQ * TV];
	size_t nc = n / 16, c;
	int x, odd;

	for (odd = 0; odd < 2; odd++) {
		c = (size_t)odd;
		if (c < nc)
			tile_step(qp, vp, c * 16, l2, 1, s);
		else {
#pragma GCC unroll 16
			for (x = 0; x < TQ * TV; x++)
				s[x] = (v16f){ 0 };
		}
		for (c += 2; c < nc; c += 2)
			tile_step(qp, vp, c * 16, l2, 0, s);
		if (!odd) {
#pragma GCC unroll 16
			for (x = 0; x < TQ * TV; x++)
				e[x] = s[x];
		}
	}
#pragma GCC unroll 16
	for (x = 0; x < TQ * TV; x++)
		r[x] = e[x] + s[x];
}

/*
 * One level of the tree: lanes lo of a:b (the 32 lanes of both) plus
 * lanes hi.  __builtin_shufflevector is known to GCC (12 on) and clang.
 */
#define HALVES(a, b, lo, hi) (__builtin_shufflevector((a), (b), lo) + \
	__builtin_shufflevector((a), (b), hi))
#define M1A	0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define M1B	8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define M2A	0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27
#define M2B	4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31
#define M3A	0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29
#define M3B	2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31
#define M4A	0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define M4B	1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31

/*
 * Sum the lanes of each of r[0..16) into out[0..16) as hsum does: lane j
 * plus lane j + 8, then j plus j + 4, then (0 + 2) + (1 + 3).
 */
static inline __attribute__((always_inline)) void
hsum16(const v16f *r, float *out)
{
	v16f l1[8], l2[4], l3[2], l4;
	int i;

#pragma GCC unroll 8
	for (i = 0; i < 8; i++)
		l1[i] = HALVES(r[2 * i], r[2 * i + 1], M1A, M1B);
#pragma GCC unroll 4
	for (i = 0; i < 4; i++)
		l2[i] = HALVES(l1[2 * i], l1[2 * i + 1], M2A, M2B);
#pragma GCC unroll 2
	for (i = 0; i < 2; i++)
		l3[i] = HALVES(l2[2 * i], l2[2 * i + 1], M3A, M3B);
	l4 = HALVES(l3[0], l3[1], M4A, M4B);
	/* -0 becomes +0, all else stays (see tile_sums). */
	l4 += (v16f){ 0 };
	memcpy(out, &l4, sizeof(l4));
}

static inline __attribute__((always_inline)) void
block(const float *q, size_t nq, const float *v, size_t nv, size_t n,
    int l2, float *out)
{
	const float *qp[TQ], *vp[TV];
	v16f r[TQ * TV];
	float s[TQ * TV];
	size_t i, j, tail = n - n % 16;
	int x, y;

	for (i = 0; i < nq; i += TQ) {
		/* A short tile repeats its last row; its sums are dropped. */
		for (x = 0; x < TQ; x++)
			qp[x] = q + (i + x < nq ? i + x : nq - 1) * n;
		for (j = 0; j < nv; j += TV) {
			for (y = 0; y < TV; y++)
				vp[y] = v + (j + y < nv ? j + y : nv - 1) * n;
			tile_sums(qp, vp, n, l2, r);
			hsum16(r, s);
			if (i + TQ <= nq && j + TV <= nv && tail == n) {
#pragma GCC unroll 4
				for (x = 0; x < TQ; x++)
					memcpy(out + (i + x) * nv + j,
					    s + x * TV, sizeof(*s) * TV);
				continue;
			}
			for (x = 0; x < TQ && i + x < nq; x++)
				for (y = 0; y < TV && j + y < nv; y++)
					/* The tail, then -0 to +0 again. */
					out[(i + x) * nv + j + y] = tail == n ?
					    s[x * TV + y] : (l2 ?
					    l2_tail(s[x * TV + y], qp[x],
					    vp[y], tail, n) :
					    dot_tail(s[x * TV + y], qp[x],
					    vp[y], tail, n)) + 0.0f;
		}
	}
}

CLONES void
vecdist_dot_block(const float *q, size_t nq, const float *v, size_t nv,
    size_t n, float *out)
{
	if (nq > 0 && nv > 0)
		block(q, nq, v, nv, n, 0, out);
}

CLONES void
vecdist_l2sq_block(const float *q, size_t nq, const float *v, size_t nv,
    size_t n, float *out)
{
	if (nq > 0 && nv > 0)
		block(q, nq, v, nv, n, 1, out);
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
