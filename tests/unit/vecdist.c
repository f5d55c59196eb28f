/* vecdist.c -- unit tests of lib/embed/vecdist (blocked kernels) */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/xmem.h"
#include "lib/embed/vecdist.h"
#include "tests/unit/unit.h"

/* A reproducible generator (xorshift64), so that a failure repeats. */
static uint64_t seed = 88172645463325252ull;

static float
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (float)((double)(seed >> 11) / 9007199254740992.0 * 2 - 1);
}

static int
same_bits(float a, float b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/*
 * Score every pair of nq queries and nv vectors of n floats with the
 * blocked kernels, also as sub-blocks starting at odd offsets, and compare
 * every score with the single kernels bit for bit.
 */
/*
 * How the test vectors are made: dense random values, or mostly zeros of
 * either sign (products of -0 and sums of zeros: a lane, or a whole pair,
 * can sum to zero with every product -0).
 */
static int sparse;

static float
value(void)
{
	float x = rnd();

	if (!sparse)
		return x;
	if (x > 0.6f)
		return x;
	return x < -0.2f ? -0.0f : 0.0f;
}

static void
check_dims(size_t n, size_t nq, size_t nv)
{
	float *q, *v, *dot, *l2, *sub;
	size_t i, j, bad = 0, off;

	q = xcalloc(nq * n + 1, sizeof(*q));
	v = xcalloc(nv * n + 1, sizeof(*v));
	dot = xcalloc(nq * nv, sizeof(*dot));
	l2 = xcalloc(nq * nv, sizeof(*l2));
	sub = xcalloc(nq * nv, sizeof(*sub));
	for (i = 0; i < nq * n; i++)
		q[i] = value();
	for (i = 0; i < nv * n; i++)
		v[i] = value() * (i % 5 == 0 ? 1000 : 1);
	/* A query of zeros against negative vectors: every product -0. */
	if (sparse && nq > 1) {
		for (i = 0; i < n; i++)
			q[i] = 0.0f;
		for (i = 0; i < n; i++)
			v[i] = -1.0f - (float)i;
	}
	vecdist_dot_block(q, nq, v, nv, n, dot);
	vecdist_l2sq_block(q, nq, v, nv, n, l2);
	for (i = 0; i < nq; i++)
		for (j = 0; j < nv; j++) {
			if (!same_bits(dot[i * nv + j],
			    vecdist_dot(q + i * n, v + j * n, n)) ||
			    !same_bits(dot[i * nv + j],
			    vecdist_dot(v + j * n, q + i * n, n)))
				bad++;
			if (!same_bits(l2[i * nv + j],
			    vecdist_l2sq(q + i * n, v + j * n, n)) ||
			    !same_bits(l2[i * nv + j],
			    vecdist_l2sq(v + j * n, q + i * n, n)))
				bad++;
		}
	CHECK(bad == 0);
	if (bad)
		fprintf(stderr, "dims %zu: %zu scores differ\n", n, bad);
	/* One query at a time, and the vectors from an odd offset. */
	off = nv > 3 ? 3 : 0;
	for (i = 0; i < nq; i++) {
		vecdist_dot_block(q + i * n, 1, v + off * n, nv - off, n, sub);
		for (j = off; j < nv; j++)
			CHECK(same_bits(sub[j - off], dot[i * nv + j]));
		vecdist_l2sq_block(q + i * n, 1, v + off * n, nv - off, n,
		    sub);
		for (j = off; j < nv; j++)
			CHECK(same_bits(sub[j - off], l2[i * nv + j]));
	}
	free(q);
	free(v);
	free(dot);
	free(l2);
	free(sub);
}

int
main(void)
{
	static const size_t dims[] = { 1, 7, 15, 16, 17, 31, 32, 33, 48,
	    127, 128, 300, 384, 768 };
	size_t i;

	for (sparse = 0; sparse < 2; sparse++)
		for (i = 0; i < sizeof(dims) / sizeof(dims[0]); i++) {
			check_dims(dims[i], 9, 13);
			check_dims(dims[i], 4, 4);
			check_dims(dims[i], 1, 1);
		}
	/* The single kernel never gives -0 (the blocked one relies on it). */
	{
		float z[32] = { 0 }, m[32];

		for (i = 0; i < 32; i++)
			m[i] = -1.0f;
		CHECK(!signbit(vecdist_dot(z, m, 32)));
		CHECK(!signbit(vecdist_dot(z, m, 16)));
		CHECK(!signbit(vecdist_dot(z, m, 3)));
	}
	return unit_done("vecdist");
}
