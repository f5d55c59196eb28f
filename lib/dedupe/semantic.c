/* semantic.c -- semantic duplicates: the most similar earlier vector */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/crew.h"
#include "lib/base/hash.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/semantic.h"
#include "lib/embed/vecdist.h"
#include "lib/index/hnsw.h"

/*
 * The exact pass compares a tile of TILE rows with every earlier tile in
 * turn: two tiles of 384 floats a row take 192 KB, which stays in the
 * second-level cache while each row of one is compared with the other.
 * The latency of a product, more than memory, then bounds the pass:
 * tiles of 16 to 128 rows took the same time.
 */
#define TILE		64

/*
 * The graph: M links a node (the index's default), candidate lists of
 * EFC while building and EF while searching (on 50,000 rows of 384
 * floats in clusters as tight as the threshold, 64 and 64 missed one
 * duplicate in a thousand, 96 and 128 none).  A row is searched for its
 * EF nearest rows, earlier or later, and keeps the best earlier one.
 * When all EF are similar enough there may be earlier ones beyond them:
 * then a second search keeps only earlier rows, EF_EARLIER of them.
 */
#define SEM_M		16
#define SEM_EFC		96
#define SEM_EF		128
#define SEM_EF_EARLIER	32
#define SEM_SEED	1

/* Nodes a search job covers. */
#define BATCH		256

/* Jobs in flight: enough for two threads to stay busy. */
#define WINDOW		64

struct sem {
	const float	*vec;		/* the rows; borrowed */
	size_t		 dims;		/* floats per row */
	float		 thr;		/* the threshold */
	struct sem_link	*links;		/* the result; borrowed */
	/* The graph search only: */
	const struct hnsw_graph *g;	/* the graph over the nodes */
	struct hnsw_space sp;		/* its space */
	const uint32_t	*row;		/* row of each node, NULL: the same */
	struct hnsw_search **search;	/* per worker; owned */
	struct hnsw_hit	**hits;		/* per worker, room for SEM_EF */
};

struct sem_job {
	size_t		 from;		/* first row, or node */
	size_t		 to;		/* past the last */
};

/*
 * Rows from .. to - 1 against every earlier row, tile by tile.  Columns
 * come in increasing order and a link moves only to a strictly higher
 * score, so that ties go to the earliest row.
 */
static int
exact_job(void *job, void *arg, int worker)
{
	struct sem_job *jb = job;
	struct sem *s = arg;
	struct sem_link *l;
	const float *vi;
	size_t c, ce, i, j, je, d = s->dims;
	float x;

	(void)worker;
	for (i = jb->from; i < jb->to; i++) {
		s->links[i].parent = SEM_NONE;
		s->links[i].score = 0;
	}
	for (c = 0; c < jb->to; c += TILE) {
		ce = c + TILE < jb->to ? c + TILE : jb->to;
		for (i = jb->from > c ? jb->from : c + 1; i < jb->to; i++) {
			vi = s->vec + i * d;
			l = &s->links[i];
			je = ce < i ? ce : i;
			for (j = c; j < je; j++) {
				x = vecdist_dot(vi, s->vec + j * d, d);
				if (x >= s->thr && (l->parent == SEM_NONE ||
				    x > l->score)) {
					l->parent = (uint32_t)j;
					l->score = x;
				}
			}
		}
	}
	return 0;
}

/* hnsw_accept: nodes before the one searched for. */
static int
earlier(uint32_t node, void *arg)
{
	return node < *(const uint32_t *)arg;
}

/*
 * Take the best earlier hits into link l of the row of node u: the
 * score is recomputed from the rows as the exact pass does, so that both
 * agree to the bit.
 */
static void
take_hits(struct sem *s, uint32_t u, const struct hnsw_hit *h, size_t nh)
{
	size_t k, r = s->row ? s->row[u] : u, j;
	struct sem_link *l = &s->links[r];
	float x;

	for (k = 0; k < nh; k++) {
		/* The distance is 1 - the same product, rounded. */
		if (h[k].node >= u || 1.0f - h[k].dist < s->thr - 1e-4f)
			continue;
		j = s->row ? s->row[h[k].node] : h[k].node;
		x = vecdist_dot(s->vec + r * s->dims, s->vec + j * s->dims,
		    s->dims);
		if (x >= s->thr && (l->parent == SEM_NONE || x > l->score ||
		    (x == l->score && j < l->parent))) {
			l->parent = (uint32_t)j;
			l->score = x;
		}
	}
}

/* Search the graph for nodes from .. to - 1. */
static int
graph_job(void *job, void *arg, int worker)
{
	struct sem_job *jb = job;
	struct sem *s = arg;
	struct hnsw_search *hs = s->search[worker];
	struct hnsw_hit *h = s->hits[worker];
	const float *q;
	uint32_t u;
	size_t nh, r;

	for (u = (uint32_t)jb->from; u < jb->to; u++) {
		r = s->row ? s->row[u] : u;
		q = s->vec + r * s->dims;
		s->links[r].parent = SEM_NONE;
		s->links[r].score = 0;
		nh = hnsw_query(hs, s->g, &s->sp, q, SEM_EF, SEM_EF, NULL,
		    NULL, h);
		take_hits(s, u, h, nh);
		/* All similar enough: earlier rows may lie beyond. */
		if (nh == SEM_EF && 1.0f - h[nh - 1].dist >= s->thr) {
			nh = hnsw_query(hs, s->g, &s->sp, q, SEM_EF_EARLIER,
			    SEM_EF_EARLIER, earlier, &u, h);
			take_hits(s, u, h, nh);
		}
	}
	return 0;
}

/*
 * Run fn over jobs of step rows or nodes covering 0 .. n, with jobs
 * threads in all.  The jobs are submitted last first: in the exact pass
 * the last rows cost the most, and the cheap ones then fill the end.
 */
static void
run(struct sem *s, crew_fn fn, size_t n, size_t step, int jobs)
{
	struct sem_job *jb;
	struct crew *c;
	size_t nj, k;

	if (n == 0)
		return;
	nj = (n + step - 1) / step;
	jb = xcalloc(nj, sizeof(*jb));
	c = crew_new(jobs - 1, WINDOW, fn, NULL, s);
	for (k = nj; k-- > 0; ) {
		jb[k].from = k * step;
		jb[k].to = k * step + step < n ? k * step + step : n;
		if (crew_full(c))
			crew_take(c, 1);
		crew_submit(c, &jb[k]);
	}
	while (crew_take(c, 1) != NULL)
		;
	crew_free(c);
	free(jb);
}

/*
 * Link each row that repeats an earlier row bit for bit to the first
 * one; list the first rows (the nodes of the graph) in *nodes, in
 * order.  Returns their number.
 */
static uint32_t
distinct(struct sem *s, size_t n, uint32_t *nodes)
{
	size_t bytes = s->dims * sizeof(float), mask, k, i;
	uint32_t *tab, nn = 0, f;
	const float *v;

	for (mask = 1; mask < 2 * n; mask <<= 1)
		;
	tab = xcalloc(mask, sizeof(*tab));
	mask--;
	for (i = 0; i < n; i++) {
		v = s->vec + i * s->dims;
		k = (size_t)hash64(v, bytes) & mask;
		while ((f = tab[k]) != 0 &&
		    memcmp(s->vec + (size_t)(f - 1) * s->dims, v, bytes) != 0)
			k = (k + 1) & mask;
		s->links[i].parent = SEM_NONE;
		s->links[i].score = 0;
		if (f == 0) {
			tab[k] = (uint32_t)i + 1;
			nodes[nn++] = (uint32_t)i;
			continue;
		}
		s->links[i].score = vecdist_dot(v, s->vec + (size_t)(f - 1) *
		    s->dims, s->dims);
		if (s->links[i].score >= s->thr)
			s->links[i].parent = f - 1;
		else
			s->links[i].score = 0;
	}
	free(tab);
	return nn;
}

/* The graph search, for the rows of s (n of them). */
static void
graph_links(struct sem *s, size_t n, int jobs)
{
	struct hnsw_build *b;
	uint32_t *nodes, nn, u;
	float *copy = NULL;
	size_t d = s->dims;
	int w;

	nodes = xcalloc(n, sizeof(*nodes));
	nn = distinct(s, n, nodes);
	memset(&s->sp, 0, sizeof(s->sp));
	s->sp.vec = s->vec;
	s->sp.dims = d;
	s->sp.metric = HNSW_IP;
	s->row = NULL;
	if (nn < n) {
		copy = xcalloc((size_t)nn * d, sizeof(float));
		for (u = 0; u < nn; u++)
			memcpy(copy + (size_t)u * d,
			    s->vec + (size_t)nodes[u] * d, d * sizeof(float));
		s->sp.vec = copy;
		s->row = nodes;
	}
	b = hnsw_build_new(&s->sp, nn, SEM_M, SEM_EFC, SEM_SEED, 1, NULL,
	    NULL);
	s->g = hnsw_build_graph(b);
	s->search = xcalloc((size_t)jobs, sizeof(*s->search));
	s->hits = xcalloc((size_t)jobs, sizeof(*s->hits));
	for (w = 0; w < jobs; w++) {
		s->search[w] = hnsw_search_new();
		s->hits[w] = xcalloc(SEM_EF, sizeof(**s->hits));
	}
	run(s, graph_job, nn, BATCH, jobs);
	for (w = 0; w < jobs; w++) {
		hnsw_search_free(s->search[w]);
		free(s->hits[w]);
	}
	free(s->search);
	free(s->hits);
	hnsw_build_free(b);
	free(copy);
	free(nodes);
}

void
sem_links(const float *vec, size_t n, size_t dims, double threshold,
    size_t exact_max, int jobs, struct sem_link *links)
{
	struct sem s;

	memset(&s, 0, sizeof(s));
	s.vec = vec;
	s.dims = dims;
	s.thr = (float)threshold;
	s.links = links;
	if (jobs < 1)
		jobs = 1;
	if (n <= exact_max)
		run(&s, exact_job, n, TILE, jobs);
	else
		graph_links(&s, n, jobs);
}
