/* hnsw.c -- unit tests of lib/index/hnsw and lib/embed/vecdist */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/index/hnsw.h"
#include "lib/embed/vecdist.h"
#include "lib/base/xmem.h"

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", \
	__FILE__, __LINE__, #c); failures++; } } while (0)

static uint64_t rng = 42;

static double
rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* n clustered rows of d floats, normalised when norm is set. */
static float *
make(uint32_t n, size_t d, int norm)
{
	float *v = xmalloc((size_t)n * d * sizeof(float));
	float *c = xmalloc(50 * d * sizeof(float));
	uint32_t i;
	size_t j, k;
	double s;

	for (j = 0; j < 50 * d; j++)
		c[j] = (float)(rnd() * 2 - 1);
	for (i = 0; i < n; i++) {
		k = (size_t)(rnd() * 50);
		s = 0;
		for (j = 0; j < d; j++) {
			v[i * d + j] = c[k * d + j] +
			    (float)(rnd() - 0.5) * 0.6f;
			s += v[i * d + j] * v[i * d + j];
		}
		if (norm)
			for (j = 0; j < d; j++)
				v[i * d + j] /= (float)sqrt(s);
	}
	free(c);
	return v;
}

static int
even(uint32_t node, void *arg)
{
	(void)arg;
	return node % 2 == 0;
}

static double
recall(const struct hnsw_graph *g, const struct hnsw_space *sp, uint32_t n,
    const float *qs, int nq, size_t k, size_t ef, hnsw_accept acc)
{
	struct hnsw_search *s = hnsw_search_new();
	struct hnsw_hit a[64], e[64];
	size_t na, ne, i, j, hit = 0, tot = 0;
	int q;

	for (q = 0; q < nq; q++) {
		na = hnsw_query(s, g, sp, qs + (size_t)q * sp->dims, k, ef,
		    acc, NULL, a);
		ne = hnsw_exact(sp, n, qs + (size_t)q * sp->dims, k, acc,
		    NULL, e);
		CHECK(na == ne);
		for (i = 0; i < ne; i++) {
			for (j = 0; j < na; j++)
				if (a[j].node == e[i].node)
					break;
			hit += j < na;
		}
		tot += ne;
		for (i = 0; acc && i < na; i++)
			CHECK(a[i].node % 2 == 0);
		for (i = 1; i < na; i++)
			CHECK(a[i - 1].dist <= a[i].dist);
	}
	hnsw_search_free(s);
	return tot ? (double)hit / (double)tot : 0;
}

/* What a build reported through its progress callback. */
struct calls {
	uint32_t	 n;		/* nodes expected */
	uint32_t	 last;		/* done at the last call */
	unsigned	 count;		/* calls */
	int		 bad;		/* a call went backwards or named another n */
};

static void
note_progress(void *arg, uint32_t done, uint32_t n)
{
	struct calls *c = arg;

	if (done < c->last || done > n || n != c->n)
		c->bad = 1;
	c->last = done;
	c->count++;
}

int
main(void)
{
	const uint32_t n = 4000;
	const size_t d = 48;
	struct hnsw_space sp;
	struct hnsw_build *b1, *b2, *bj;
	const struct hnsw_graph *g1, *g2;
	float *v, *q, x[37], y[37];
	double r, ref;
	size_t i;
	int metric;
	struct calls c1, c2;

	memset(&sp, 0, sizeof(sp));
	/* Kernels against a plain loop, at lengths around the unrolling. */
	for (i = 0; i < 37; i++) {
		x[i] = (float)(i % 7) - 3.0f;
		y[i] = (float)(i % 5) * 0.5f;
	}
	for (size_t len = 0; len <= 37; len++) {
		double dot = 0, l2 = 0;

		for (i = 0; i < len; i++) {
			dot += (double)x[i] * y[i];
			l2 += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
		}
		CHECK(fabs(vecdist_dot(x, y, len) - dot) < 1e-4);
		CHECK(fabs(vecdist_l2sq(x, y, len) - l2) < 1e-4);
	}

	/* The int8 kernel against a plain loop; quantisation round trip. */
	for (size_t len = 0; len <= 70; len += 7) {
		int8_t a[70], c[70];
		float f[70], sc;
		int32_t dot = 0;

		for (i = 0; i < len; i++) {
			a[i] = (int8_t)((int)(i * 37 % 255) - 127);
			c[i] = (int8_t)(127 - (int)(i * 11 % 255));
			dot += (int32_t)a[i] * c[i];
			f[i] = (float)i - 20.5f;
		}
		CHECK(vecdist_dot_i8(a, c, len) == dot);
		sc = vecdist_quantize(f, len, a);
		for (i = 0; i < len; i++)
			CHECK(fabs(a[i] * sc - f[i]) <= sc / 2 + 1e-6);
	}

	for (metric = HNSW_IP; metric <= HNSW_L2; metric++) {
		v = make(n, d, metric == HNSW_IP);
		q = make(100, d, metric == HNSW_IP);
		sp.vec = v;
		sp.dims = d;
		sp.metric = metric;
		b1 = hnsw_build_new(&sp, n, 12, 100, 7, 1, NULL, NULL);
		/* Progress is reported, in order, and changes nothing. */
		memset(&c1, 0, sizeof(c1));
		c1.n = n;
		b2 = hnsw_build_new(&sp, n, 12, 100, 7, 1, note_progress, &c1);
		CHECK(!c1.bad && c1.last == n && c1.count == n / 256 + 2);
		g1 = hnsw_build_graph(b1);
		g2 = hnsw_build_graph(b2);
		/* One thread: the same graph, link for link. */
		CHECK(g1->entry == g2->entry && g1->nup == g2->nup);
		CHECK(memcmp(g1->l0, g2->l0, (size_t)n * (g1->M0 + 1) * 4)
		    == 0);
		CHECK(memcmp(g1->up, g2->up, g1->nup * 4) == 0);
		r = recall(g1, &sp, n, q, 100, 10, 100, NULL);
		if (r < 0.95)
			fprintf(stderr, "metric %d recall %.3f\n", metric, r);
		CHECK(r >= 0.95);
		/* The filter is applied during the search. */
		r = recall(g1, &sp, n, q, 100, 10, 64, even);
		CHECK(r >= 0.9);
		/* Several threads: the same recall. */
		memset(&c2, 0, sizeof(c2));
		c2.n = n;
		bj = hnsw_build_new(&sp, n, 12, 100, 7, 2, note_progress, &c2);
		CHECK(!c2.bad && c2.last == n && c2.count == n / 256 + 2);
		ref = recall(hnsw_build_graph(bj), &sp, n, q, 100, 10, 100,
		    NULL);
		CHECK(ref >= 0.95);
		hnsw_build_free(bj);
		hnsw_build_free(b1);
		hnsw_build_free(b2);
		free(v);
		free(q);
	}

	/* Empty and single-node graphs. */
	{
		struct hnsw_hit h[4];
		float one[2] = { 1, 0 };
		struct hnsw_search *s = hnsw_search_new();

		sp.vec = one;
		sp.dims = 2;
		sp.metric = HNSW_L2;
		b1 = hnsw_build_new(&sp, 0, 16, 100, 1, 1, NULL, NULL);
		CHECK(hnsw_query(s, hnsw_build_graph(b1), &sp, one, 4, 10,
		    NULL, NULL, h) == 0);
		hnsw_build_free(b1);
		b1 = hnsw_build_new(&sp, 1, 16, 100, 1, 1, NULL, NULL);
		CHECK(hnsw_query(s, hnsw_build_graph(b1), &sp, one, 4, 10,
		    NULL, NULL, h) == 1);
		CHECK(h[0].node == 0 && h[0].dist == 0);
		hnsw_build_free(b1);
		hnsw_search_free(s);
	}
	return failures != 0;
}
