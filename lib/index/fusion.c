/* fusion.c -- hybrid search: one ranking from a vector and a BM25 one */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/xmem.h"
#include "lib/index/fusion.h"

int
fu_parse(struct fu_opts *o, const char *s, struct buf *err)
{
	char *e;

	if (strcmp(s, "rrf") == 0 || strncmp(s, "rrf:", 4) == 0) {
		o->method = FU_RRF;
		o->rrf_k = 60;
		if (s[3] == ':') {
			o->rrf_k = strtod(s + 4, &e);
			if (e == s + 4 || *e != '\0' || !(o->rrf_k > 0 &&
			    o->rrf_k <= 1e9))
				return buf_fail(err, "needs rrf:K with K a "
				    "number > 0, got '%s'", s);
		}
	} else if (strcmp(s, "relative") == 0)
		o->method = FU_RELATIVE;
	else if (strcmp(s, "dbsf") == 0)
		o->method = FU_DBSF;
	else
		return buf_fail(err, "needs rrf, rrf:K, relative or dbsf, "
		    "got '%s'", s);
	return 0;
}

int
fu_parse_weights(struct fu_opts *o, const char *s, struct buf *err)
{
	char *e;
	double v, l;

	v = strtod(s, &e);
	if (e == s || *e != ',')
		goto bad;
	l = strtod(e + 1, &e);
	if (e == s || *e != '\0' || !(v >= 0 && l >= 0) || v + l == 0 ||
	    !isfinite(v + l))
		goto bad;
	o->w[FU_VECTOR] = v;
	o->w[FU_BM25] = l;
	return 0;
bad:
	return buf_fail(err, "needs V,L: the weights of the vector and the "
	    "BM25 ranking, numbers >= 0 not both 0, got '%s'", s);
}

/* The contribution of each hit of one list, into c[0..n). */
static void
normalise(const struct fu_opts *o, int list, const struct vf_hit *h,
    size_t n, int up, double *c)
{
	double s, lo = 0, hi = 0, mean = 0, var = 0, w = o->w[list];
	size_t i;

	for (i = 0; i < n; i++) {
		s = up ? h[i].score : -(double)h[i].score;
		if (i == 0 || s < lo)
			lo = s;
		if (i == 0 || s > hi)
			hi = s;
		mean += s;
	}
	if (n > 0)
		mean /= (double)n;
	for (i = 0; i < n; i++) {
		s = up ? h[i].score : -(double)h[i].score;
		var += (s - mean) * (s - mean);
	}
	if (n > 0)
		var /= (double)n;
	for (i = 0; i < n; i++) {
		s = up ? h[i].score : -(double)h[i].score;
		if (o->method == FU_RRF)
			c[i] = w / (o->rrf_k + (double)(i + 1));
		else if (o->method == FU_RELATIVE)
			c[i] = w * (hi > lo ? (s - lo) / (hi - lo) : 1);
		else
			c[i] = w * (var > 0 ? (s - (mean - 3 * sqrt(var))) /
			    (6 * sqrt(var)) : 0.5);
	}
}

static int
byrow(const void *a, const void *b)
{
	const struct fu_hit *x = a, *y = b;

	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* The better of a hit's ranks (0 ranks last). */
static uint32_t
best_rank(const struct fu_hit *h)
{
	uint32_t a = h->rank[0] - 1, b = h->rank[1] - 1;	/* 0 wraps */

	return (a < b ? a : b) + 1;
}

static int
byscore(const void *a, const void *b)
{
	const struct fu_hit *x = a, *y = b;
	uint32_t rx, ry;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	rx = best_rank(x) - 1;
	ry = best_rank(y) - 1;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return byrow(a, b);
}

size_t
fu_fuse(const struct fu_opts *o, const struct vf_hit *const h[],
    const size_t n[], const int up[], size_t k, struct fu_hit *out)
{
	struct fu_hit *all;
	double *c;
	size_t i, m = 0, u = 0;
	int l;

	all = xcalloc(n[0] + n[1] + 1, sizeof(*all));
	c = xcalloc(n[0] + n[1] + 1, sizeof(*c));
	for (l = 0; l < FU_NLIST; l++) {
		normalise(o, l, h[l], n[l], up[l], c + m);
		for (i = 0; i < n[l]; i++, m++) {
			all[m].score = c[m];
			all[m].seg = h[l][i].seg;
			all[m].row = h[l][i].row;
			all[m].rank[l] = (uint32_t)(i + 1);
			all[m].raw[l] = h[l][i].score;
		}
	}
	/* One entry a row: sum what each list gave it. */
	qsort(all, m, sizeof(*all), byrow);
	for (i = 0; i < m; i++) {
		if (u > 0 && byrow(&all[u - 1], &all[i]) == 0) {
			for (l = 0; l < FU_NLIST; l++)
				if (all[i].rank[l]) {
					all[u - 1].rank[l] = all[i].rank[l];
					all[u - 1].raw[l] = all[i].raw[l];
				}
			all[u - 1].score += all[i].score;
		} else
			all[u++] = all[i];
	}
	qsort(all, u, sizeof(*all), byscore);
	if (u > k)
		u = k;
	memcpy(out, all, u * sizeof(*out));
	free(all);
	free(c);
	return u;
}
