/* semantic.c -- unit tests of lib/dedupe/semantic.c */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/xmem.h"
#include "lib/dedupe/semantic.h"
#include "tests/unit/unit.h"

#define HD	20		/* dimensions of the hand-made rows */

static uint64_t rng = 7;

static double
rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* A normal deviate (Box-Muller). */
static double
gauss(void)
{
	double u = rnd() + 1e-12, v = rnd();

	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static void
normalise(float *v, size_t d)
{
	double s = 0;
	size_t k;

	for (k = 0; k < d; k++)
		s += (double)v[k] * v[k];
	s = sqrt(s);
	for (k = 0; k < d; k++)
		v[k] = (float)(v[k] / s);
}

/* Set row r of v (HD floats a row) to a, b in the first two places. */
static void
put(float *v, size_t r, float a, float b)
{
	memset(v + r * HD, 0, HD * sizeof(float));
	v[r * HD] = a;
	v[r * HD + 1] = b;
}

#define LINK(r, p) (l[r].parent == (p))

/* The hand-made rows, through the exact pass and through the graph. */
static void
hand(size_t exact_max)
{
	struct sem_link l[9];
	float v[9 * HD];
	const float s = (float)M_SQRT1_2;

	put(v, 0, 1, 0);		/* no earlier row */
	put(v, 1, 1, 0);		/* the same vector */
	put(v, 2, 1, 0);		/* the same again: to the first */
	put(v, 3, 0, 1);		/* orthogonal to all before */
	put(v, 4, s, s);		/* as near 0 as 3: to the earlier */
	put(v, 5, 0.6f, 0.8f);		/* 0.8 to 3, 0.6 to 0 */
	put(v, 6, 0.8f, 0.6f);		/* 0.99 to 4, 0.96 to 5 */
	put(v, 7, 0, -1);		/* opposite to 3: none */
	put(v, 8, -1, 0);		/* opposite to 0: 0.6 to 7 */

	sem_links(v, 9, HD, 0.6, exact_max, 1, l);
	CHECK(LINK(0, SEM_NONE) && l[0].score == 0);
	CHECK(LINK(1, 0) && l[1].score == 1);
	CHECK(LINK(2, 0) && l[2].score == 1);
	CHECK(LINK(3, SEM_NONE));
	CHECK(LINK(4, 0) && l[4].score == s);
	CHECK(LINK(5, 4) && l[5].score > 0.98f);
	CHECK(LINK(6, 4) && l[6].score > 0.98f);
	CHECK(LINK(7, SEM_NONE) && l[7].score == 0);
	CHECK(LINK(8, SEM_NONE));

	/* The threshold is met when equal, in single precision. */
	put(v, 4, -1, 0);
	sem_links(v, 9, HD, 0.8, exact_max, 1, l);
	CHECK(LINK(5, 3) && l[5].score == 0.8f);
	CHECK(LINK(6, 5) && fabsf(l[6].score - 0.96f) < 1e-6f);
	CHECK(LINK(8, 4) && l[8].score == 1);
	sem_links(v, 9, HD, 0.8000001, exact_max, 1, l);
	CHECK(LINK(5, SEM_NONE) && l[5].score == 0);
	CHECK(LINK(6, 5) && l[6].score > 0.8f);

	/* Above 1 nothing links, not even the same vector. */
	sem_links(v, 9, HD, 1.5, exact_max, 1, l);
	CHECK(LINK(1, SEM_NONE) && LINK(2, SEM_NONE));

	/* One row, no rows. */
	sem_links(v, 1, HD, 0.5, exact_max, 2, l);
	CHECK(LINK(0, SEM_NONE));
	sem_links(v, 0, HD, 0.5, exact_max, 2, NULL);
}

/*
 * n random rows of d floats where about a third repeat an earlier row
 * with noise (cosine about 0.85 to 0.99), some exactly, and some a
 * repeat of a repeat.
 */
static float *
planted(size_t n, size_t d)
{
	float *v = xcalloc(n * d, sizeof(float));
	double noise;
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		if (i > 0 && rnd() < 0.35) {
			j = (size_t)(rnd() * (double)i);
			noise = rnd() < 0.1 ? 0 : 0.1 + 0.5 * rnd();
			for (k = 0; k < d; k++)
				v[i * d + k] = v[j * d + k] +
				    (float)(noise * gauss() / sqrt((double)d));
		} else {
			for (k = 0; k < d; k++)
				v[i * d + k] = (float)gauss();
		}
		normalise(v + i * d, d);
	}
	return v;
}

/* The exact pass and the graph on planted rows; jobs 1 and 2. */
static void
synthetic(size_t n, size_t d)
{
	struct sem_link *e1, *e2, *g1, *g2;
	size_t i, dup = 0, found = 0, same = 0, bad = 0;
	float *v = planted(n, d);

	e1 = xcalloc(n, sizeof(*e1));
	e2 = xcalloc(n, sizeof(*e2));
	g1 = xcalloc(n, sizeof(*g1));
	g2 = xcalloc(n, sizeof(*g2));
	sem_links(v, n, d, 0.9, n, 1, e1);
	sem_links(v, n, d, 0.9, n, 2, e2);
	sem_links(v, n, d, 0.9, 0, 1, g1);
	sem_links(v, n, d, 0.9, 0, 2, g2);
	CHECK(memcmp(e1, e2, n * sizeof(*e1)) == 0);
	CHECK(memcmp(g1, g2, n * sizeof(*g1)) == 0);
	for (i = 0; i < n; i++) {
		/* The graph only finds real links, never better ones. */
		if (g1[i].parent != SEM_NONE && (g1[i].parent >= i ||
		    g1[i].score < 0.9f || g1[i].score > e1[i].score))
			bad++;
		if (e1[i].parent == SEM_NONE)
			continue;
		dup++;
		found += g1[i].parent != SEM_NONE;
		same += g1[i].parent == e1[i].parent;
	}
	CHECK(bad == 0);
	CHECK(dup > n / 4);
	CHECK(found >= dup - dup / 500);
	CHECK(same >= dup - dup / 200);
	printf("semantic: n %zu d %zu: %zu duplicates, graph found %zu, "
	    "%zu with the same link\n", n, d, dup, found, same);
	free(v);
	free(e1);
	free(e2);
	free(g1);
	free(g2);
}

/*
 * More copies of one vector than a search returns, some bit for bit and
 * some with a little noise, among random rows: every copy but the first
 * must find an earlier one through the graph.
 */
static void
clump(size_t n, size_t d)
{
	float *v = xcalloc(n * d, sizeof(float));
	struct sem_link *l = xcalloc(n, sizeof(*l));
	size_t i, k, a = 0, b = 0, missed = 0;

	for (i = 0; i < n; i++) {
		for (k = 0; k < d; k++)
			v[i * d + k] = (float)gauss();
		if (i % 5 == 3 && a) {
			for (k = 0; k < d; k++)
				v[i * d + k] = v[a * d + k] +
				    (float)(0.001 * gauss());
		} else if (i % 7 == 4 && b) {
			memcpy(v + i * d, v + b * d, d * sizeof(float));
			continue;
		}
		normalise(v + i * d, d);
		if (i % 5 == 3 && !a)
			a = i;
		if (i % 7 == 4 && !b)
			b = i;
	}
	sem_links(v, n, d, 0.9, 0, 2, l);
	for (i = 0; i < n; i++) {
		if ((i % 5 == 3 && i > a) || (i % 7 == 4 && i > b))
			missed += l[i].parent == SEM_NONE;
		else if (i % 5 != 3 && i % 7 != 4)
			missed += l[i].parent != SEM_NONE;
	}
	for (i = b + 7; i < n; i += 7)
		if (i % 5 != 3)
			CHECK(l[i].parent == b);
	CHECK(missed == 0);
	free(v);
	free(l);
}

int
main(void)
{
	hand(SEM_EXACT_MAX);
	hand(0);
	synthetic(100, 24);
	synthetic(6000, 32);
	clump(3000, 32);
	return unit_done("semantic");
}
