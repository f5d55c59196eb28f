/* hnsw.c -- hierarchical navigable small world graphs: build and search */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/diag.h"
#include "lib/base/hash.h"
#include "lib/index/hnsw.h"
#include "lib/embed/vecdist.h"
#include "lib/base/xmem.h"

/*
 * Two binary heaps of hits: a min-heap of candidates still to expand and
 * a max-heap of the best results so far.  They order by distance only:
 * the sequence of operations, and so the result, is still a function of
 * the input; hnsw_sort_hits breaks ties by node number for the output.
 */
struct heap {
	struct hnsw_hit	*h;		/* the elements; owned */
	size_t		 n;		/* in use */
	size_t		 cap;		/* allocated */
};

static int
closer(struct hnsw_hit a, struct hnsw_hit b)
{
	return a.dist < b.dist || (a.dist == b.dist && a.node < b.node);
}

static void
heap_reserve(struct heap *hp, size_t n)
{
	if (hp->cap < n) {
		hp->cap = n < 64 ? 64 : n;
		hp->h = xreallocarray(hp->h, hp->cap, sizeof(*hp->h));
	}
}

/* a above b in the heap: farther for a max-heap, closer for a min-heap. */
#define ABOVE(max, a, b) ((max) ? (a).dist > (b).dist : (a).dist < (b).dist)

/* max = 1: the farthest on top; max = 0: the closest on top. */
static inline void
heap_push(struct heap *hp, struct hnsw_hit x, int max)
{
	size_t i, p;

	if (hp->n == hp->cap)
		heap_reserve(hp, hp->cap ? hp->cap * 2 : 64);
	i = hp->n++;
	while (i > 0) {
		p = (i - 1) / 2;
		if (!ABOVE(max, x, hp->h[p]))
			break;
		hp->h[i] = hp->h[p];
		i = p;
	}
	hp->h[i] = x;
}

static inline struct hnsw_hit
heap_pop(struct heap *hp, int max)
{
	struct hnsw_hit top = hp->h[0], x;
	size_t i = 0, c, n;

	n = --hp->n;
	if (n == 0)
		return top;
	x = hp->h[n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && ABOVE(max, hp->h[c + 1], hp->h[c]))
			c++;
		if (!ABOVE(max, hp->h[c], x))
			break;
		hp->h[i] = hp->h[c];
		i = c;
	}
	hp->h[i] = x;
	return top;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hnsw_hit *x = a, *y = b;

	return closer(*x, *y) ? -1 : closer(*y, *x) ? 1 : 0;
}

void
hnsw_sort_hits(struct hnsw_hit *h, size_t n)
{
	struct hnsw_hit x;
	size_t i, j;

	if (n > 48) {
		qsort(h, n, sizeof(*h), hit_cmp);
		return;
	}
	/* Short lists (link lists being pruned): insertion sort. */
	for (i = 1; i < n; i++) {
		x = h[i];
		for (j = i; j > 0 && closer(x, h[j - 1]); j--)
			h[j] = h[j - 1];
		h[j] = x;
	}
}

float
hnsw_dist(const struct hnsw_space *sp, uint32_t i, const float *q)
{
	const float *v = sp->vec + (size_t)i * sp->dims;
	float d;

	if (sp->qcode != NULL) {
		d = sp->q8scale[i] * sp->qscale * (float)vecdist_dot_i8(
		    sp->q8 + (size_t)i * sp->dims, sp->qcode, sp->dims);
		if (sp->metric == HNSW_L2)
			return sp->q8norm[i] + sp->qnorm - 2 * d;
		return 1.0f - d;
	}

	if (sp->metric == HNSW_L2)
		return vecdist_l2sq(v, q, sp->dims);
	return 1.0f - vecdist_dot(v, q, sp->dims);
}

/*
 * Ask for the vector of row i to be brought into the cache: the search
 * first collects the unvisited neighbours of a node, prefetches them all,
 * then computes their distances, so that the memory loads overlap.
 * Inlined by force: GCC takes a function that only prefetches for one
 * without effects, and deletes the calls before it would inline them.
 */
static inline __attribute__((always_inline)) void
prefetch_row(const struct hnsw_space *sp, uint32_t i)
{
	const char *p = (const char *)(sp->vec + (size_t)i * sp->dims);
	size_t n = sp->dims * sizeof(float), off;

	if (sp->qcode != NULL) {
		p = (const char *)(sp->q8 + (size_t)i * sp->dims);
		n = sp->dims;
	}

	for (off = 0; off < n && off < 512; off += 64)
		__builtin_prefetch(p + off);
}

/*
 * The visited set: a bit per node, small enough to stay in the cache
 * (25 KB for 200,000 nodes, where a stamp per node would take 800 KB),
 * with the words it set listed so that clearing it costs what the search
 * visited, not the size of the graph.
 */
struct hnsw_search {
	uint64_t	*seen;		/* a bit per node; owned */
	uint32_t	 nseen;		/* nodes it has room for */
	uint32_t	*dirty;		/* words of seen set since clearing */
	size_t		 ndirty;	/* their number */
	size_t		 dirtycap;	/* room in dirty: past it, clear all */
	struct heap	 cand;		/* candidates (min-heap) */
	struct heap	 res;		/* results (max-heap) */
	uint32_t	*links;		/* a copy of one link list; owned */
	uint32_t	*todo;		/* unvisited neighbours; owned */
	uint32_t	 ntodo;		/* room in todo */
};

struct hnsw_search *
hnsw_search_new(void)
{
	return xcalloc(1, sizeof(struct hnsw_search));
}

void
hnsw_search_free(struct hnsw_search *s)
{
	if (s == NULL)
		return;
	free(s->seen);
	free(s->dirty);
	free(s->cand.h);
	free(s->res.h);
	free(s->links);
	free(s->todo);
	free(s);
}

/* Start a new visit over n nodes. */
static void
visit_begin(struct hnsw_search *s, uint32_t n)
{
	size_t k, words = (size_t)n / 64 + 1;

	if (s->nseen < n || s->seen == NULL) {
		free(s->seen);
		free(s->dirty);
		s->seen = xcalloc(words, sizeof(*s->seen));
		s->nseen = n;
		s->dirtycap = words / 8 + 64;
		s->dirty = xcalloc(s->dirtycap, sizeof(*s->dirty));
	} else if (s->ndirty > s->dirtycap) {
		memset(s->seen, 0, ((size_t)s->nseen / 64 + 1) *
		    sizeof(*s->seen));
	} else {
		for (k = 0; k < s->ndirty; k++)
			s->seen[s->dirty[k]] = 0;
	}
	s->ndirty = 0;
	s->cand.n = s->res.n = 0;
}

/* Mark a node; returns 1 when it was already seen. */
static inline int
visit(struct hnsw_search *s, uint32_t i)
{
	uint64_t w = s->seen[i / 64], bit = 1ULL << (i % 64);

	if (w & bit)
		return 1;
	if (w == 0) {
		if (s->ndirty < s->dirtycap)
			s->dirty[s->ndirty] = i / 64;
		s->ndirty++;
	}
	s->seen[i / 64] = w | bit;
	return 0;
}

/*
 * The link block of node i at level lc in a read-only graph, with its
 * count clamped to the block size; NULL when the node has no such level
 * or the block lies outside the arrays (a corrupt file).
 */
static const uint32_t *
graph_links(const struct hnsw_graph *g, uint32_t i, unsigned lc,
    uint32_t *countp)
{
	const uint32_t *b;
	uint32_t cap;
	uint64_t off;

	if (lc == 0) {
		b = g->l0 + (size_t)i * (g->M0 + 1);
		cap = g->M0;
	} else {
		if (g->level[i] < lc)
			return NULL;
		off = g->upoff[i] + (uint64_t)(lc - 1) * (g->M + 1);
		if (off > g->nup || g->nup - off < g->M + 1)
			return NULL;
		b = g->up + off;
		cap = g->M;
	}
	*countp = b[0] < cap ? b[0] : cap;
	return b + 1;
}

size_t
hnsw_query(struct hnsw_search *s, const struct hnsw_graph *g,
    const struct hnsw_space *sp, const float *q, size_t k, size_t ef,
    hnsw_accept accept, void *arg, struct hnsw_hit *out)
{
	struct hnsw_hit c, x;
	const uint32_t *ln;
	uint32_t cur, cnt, j, e, m;
	float dcur, d, bound;
	int changed;
	unsigned lc;
	size_t n;

	if (g->n == 0 || g->entry >= g->n || k == 0)
		return 0;
	if (ef < k)
		ef = k;
	cur = g->entry;
	dcur = hnsw_dist(sp, cur, q);
	for (lc = g->maxlevel; lc > 0; lc--) {
		do {
			changed = 0;
			if ((ln = graph_links(g, cur, lc, &cnt)) == NULL)
				break;
			for (j = 0; j < cnt; j++) {
				if ((e = ln[j]) >= g->n)
					continue;
				d = hnsw_dist(sp, e, q);
				if (d < dcur) {
					dcur = d;
					cur = e;
					changed = 1;
				}
			}
		} while (changed);
	}

	visit_begin(s, g->n);
	heap_reserve(&s->cand, ef + 1);
	heap_reserve(&s->res, ef + 1);
	visit(s, cur);
	c.dist = dcur;
	c.node = cur;
	heap_push(&s->cand, c, 0);
	if (accept == NULL || accept(cur, arg))
		heap_push(&s->res, c, 1);
	while (s->cand.n > 0) {
		c = heap_pop(&s->cand, 0);
		bound = s->res.n ? s->res.h[0].dist : INFINITY;
		if (c.dist > bound && s->res.n >= ef)
			break;
		ln = graph_links(g, c.node, 0, &cnt);
		if (s->ntodo < cnt) {
			s->ntodo = cnt;
			s->todo = xreallocarray(s->todo, cnt,
			    sizeof(*s->todo));
		}
		for (m = 0, j = 0; j < cnt; j++) {
			if ((e = ln[j]) >= g->n || visit(s, e))
				continue;
			prefetch_row(sp, e);
			s->todo[m++] = e;
		}
		for (j = 0; j < m; j++) {
			e = s->todo[j];
			d = hnsw_dist(sp, e, q);
			bound = s->res.n ? s->res.h[0].dist : INFINITY;
			if (s->res.n < ef || d < bound) {
				x.dist = d;
				x.node = e;
				heap_push(&s->cand, x, 0);
				if (accept == NULL || accept(e, arg)) {
					heap_push(&s->res, x, 1);
					if (s->res.n > ef)
						heap_pop(&s->res, 1);
				}
			}
		}
	}
	while (s->res.n > k)
		heap_pop(&s->res, 1);
	n = s->res.n;
	memcpy(out, s->res.h, n * sizeof(*out));
	hnsw_sort_hits(out, n);
	return n;
}

size_t
hnsw_exact(const struct hnsw_space *sp, uint32_t n, const float *q,
    size_t k, hnsw_accept accept, void *arg, struct hnsw_hit *out)
{
	struct heap res = { NULL, 0, 0 };
	struct hnsw_hit x;
	uint32_t i;
	size_t m;

	if (k == 0)
		return 0;
	heap_reserve(&res, k + 1);
	for (i = 0; i < n; i++) {
		x.dist = hnsw_dist(sp, i, q);
		if (res.n == k && !closer((struct hnsw_hit){ x.dist, i },
		    res.h[0]))
			continue;
		if (accept && !accept(i, arg))
			continue;
		x.node = i;
		heap_push(&res, x, 1);
		if (res.n > k)
			heap_pop(&res, 1);
	}
	m = res.n;
	memcpy(out, res.h, m * sizeof(*out));
	free(res.h);
	hnsw_sort_hits(out, m);
	return m;
}

/*
 * The builder.  Link lists are guarded by a lock per node and the entry
 * point by a global lock, as in hnswlib, so that several threads can
 * insert at once; with one thread the locks are never contended.
 */
struct hnsw_build {
	struct hnsw_graph g;		/* the graph; its arrays are below */
	const struct hnsw_space *sp;	/* the vectors; borrowed */
	uint8_t		*level;		/* top level of each node; owned */
	uint32_t	*l0;		/* level-0 blocks; owned */
	uint64_t	*upoff;		/* upper block offsets; owned */
	uint32_t	*up;		/* upper blocks; owned */
	unsigned	 efc;		/* ef_construction */
	pthread_mutex_t	*locks;		/* one per node; owned */
	pthread_mutex_t	 glock;		/* guards entry and maxlevel */
	int		 threads;	/* more than one thread: take locks */
	uint32_t	 next;		/* next node to insert (threads) */
	pthread_mutex_t	 nlock;		/* guards next, serialises progress */
	hnsw_progress	 progress;	/* called every 256 nodes, or NULL */
	void		*parg;		/* its argument */
};

static uint32_t *
build_links(struct hnsw_build *b, uint32_t i, unsigned lc)
{
	if (lc == 0)
		return b->l0 + (size_t)i * (b->g.M0 + 1);
	return b->up + b->upoff[i] + (size_t)(lc - 1) * (b->g.M + 1);
}

/* Copy the links of node i at level lc under its lock; returns count. */
static uint32_t
copy_links(struct hnsw_build *b, uint32_t i, unsigned lc, uint32_t *dst)
{
	uint32_t *ln, n;

	if (b->threads)
		pthread_mutex_lock(&b->locks[i]);
	ln = build_links(b, i, lc);
	n = ln[0];
	memcpy(dst, ln + 1, n * sizeof(*dst));
	if (b->threads)
		pthread_mutex_unlock(&b->locks[i]);
	return n;
}

/*
 * Search level lc from entry ep for the ef nodes closest to node q,
 * leaving them in s->res (a max-heap).
 */
static void
build_search(struct hnsw_build *b, struct hnsw_search *s, uint32_t q,
    uint32_t ep, unsigned lc)
{
	const float *qv = b->sp->vec + (size_t)q * b->sp->dims;
	struct hnsw_hit c, x;
	uint32_t cnt, j, e, m;
	float d;

	visit_begin(s, b->g.n);
	visit(s, ep);
	visit(s, q);
	c.dist = hnsw_dist(b->sp, ep, qv);
	c.node = ep;
	heap_push(&s->cand, c, 0);
	heap_push(&s->res, c, 1);
	while (s->cand.n > 0) {
		c = heap_pop(&s->cand, 0);
		if (c.dist > s->res.h[0].dist && s->res.n >= b->efc)
			break;
		cnt = copy_links(b, c.node, lc, s->links);
		for (m = 0, j = 0; j < cnt; j++) {
			if (visit(s, e = s->links[j]))
				continue;
			prefetch_row(b->sp, e);
			s->links[m++] = e;
		}
		for (j = 0; j < m; j++) {
			e = s->links[j];
			d = hnsw_dist(b->sp, e, qv);
			if (s->res.n < b->efc || d < s->res.h[0].dist) {
				x.dist = d;
				x.node = e;
				heap_push(&s->cand, x, 0);
				heap_push(&s->res, x, 1);
				if (s->res.n > b->efc)
					heap_pop(&s->res, 1);
			}
		}
	}
}

/*
 * The neighbour selection heuristic: walk the candidates from the
 * closest and keep one only when it is closer to the base than to every
 * one kept so far, up to m.  cand is sorted; the kept ones are moved to
 * its front.  Returns how many were kept.
 */
static size_t
select_neighbors(struct hnsw_build *b, struct hnsw_hit *cand, size_t n,
    size_t m)
{
	const float *cv;
	size_t i, j, kept = 0;
	int good;

	for (i = 0; i < n && kept < m; i++) {
		cv = b->sp->vec + (size_t)cand[i].node * b->sp->dims;
		good = 1;
		for (j = 0; j < kept; j++)
			if (hnsw_dist(b->sp, cand[j].node, cv) <
			    cand[i].dist) {
				good = 0;
				break;
			}
		if (good)
			cand[kept++] = cand[i];
	}
	return kept;
}

/*
 * Link node q at level lc to the best of the results in s->res and link
 * them back, pruning their lists with the heuristic when full.  Returns
 * the closest result, the entry for the next level down.
 */
static uint32_t
connect(struct hnsw_build *b, struct hnsw_search *s, uint32_t q,
    unsigned lc, struct hnsw_hit *tmp)
{
	const float *ev;
	uint32_t *ln, cap, i, j, e, best;
	size_t n, kept, m;

	/* Popping the max-heap from the back leaves tmp sorted. */
	n = s->res.n;
	for (i = (uint32_t)n; i-- > 0; )
		tmp[i] = heap_pop(&s->res, 1);
	best = tmp[0].node;
	kept = select_neighbors(b, tmp, n, b->g.M);
	if (b->threads)
		pthread_mutex_lock(&b->locks[q]);
	ln = build_links(b, q, lc);
	ln[0] = (uint32_t)kept;
	for (i = 0; i < kept; i++)
		ln[i + 1] = tmp[i].node;
	if (b->threads)
		pthread_mutex_unlock(&b->locks[q]);

	cap = lc ? b->g.M : b->g.M0;
	for (i = 0; i < kept; i++) {
		e = tmp[i].node;
		ev = b->sp->vec + (size_t)e * b->sp->dims;
		if (b->threads)
			pthread_mutex_lock(&b->locks[e]);
		ln = build_links(b, e, lc);
		if (ln[0] < cap) {
			ln[++ln[0]] = q;
		} else {
			/* Full: keep the best of the old links and q. */
			struct hnsw_hit *c = tmp + n;

			for (j = 0; j < ln[0]; j++) {
				c[j].node = ln[j + 1];
				c[j].dist = hnsw_dist(b->sp, ln[j + 1], ev);
			}
			c[j].node = q;
			c[j].dist = hnsw_dist(b->sp, q, ev);
			m = j + 1;
			hnsw_sort_hits(c, m);
			m = select_neighbors(b, c, m, cap);
			ln[0] = (uint32_t)m;
			for (j = 0; j < m; j++)
				ln[j + 1] = c[j].node;
		}
		if (b->threads)
			pthread_mutex_unlock(&b->locks[e]);
	}
	return best;
}

static void
build_insert(struct hnsw_build *b, struct hnsw_search *s,
    struct hnsw_hit *tmp, uint32_t q)
{
	const float *qv = b->sp->vec + (size_t)q * b->sp->dims;
	uint32_t cur, cnt, j, e, top, ep;
	unsigned l = b->level[q], lc;
	float dcur, d;
	int changed, hold;

	pthread_mutex_lock(&b->glock);
	ep = b->g.entry;
	top = b->g.maxlevel;
	hold = ep == HNSW_NONE || l > top;
	if (ep == HNSW_NONE) {
		b->g.entry = q;
		b->g.maxlevel = l;
		pthread_mutex_unlock(&b->glock);
		return;
	}
	if (!hold)
		pthread_mutex_unlock(&b->glock);

	cur = ep;
	dcur = hnsw_dist(b->sp, cur, qv);
	for (lc = top; lc > l; lc--) {
		do {
			changed = 0;
			cnt = copy_links(b, cur, lc, s->links);
			for (j = 0; j < cnt; j++) {
				e = s->links[j];
				d = hnsw_dist(b->sp, e, qv);
				if (d < dcur) {
					dcur = d;
					cur = e;
					changed = 1;
				}
			}
		} while (changed);
	}
	for (lc = l < top ? l : top; ; lc--) {
		build_search(b, s, q, cur, lc);
		cur = connect(b, s, q, lc, tmp);
		if (lc == 0)
			break;
	}
	if (hold) {
		b->g.entry = q;
		b->g.maxlevel = l;
		pthread_mutex_unlock(&b->glock);
	}
}

struct worker {
	struct hnsw_build *b;		/* the shared builder */
	struct hnsw_search *s;		/* this thread's search state; owned */
	struct hnsw_hit	*tmp;		/* scratch for connect(); owned */
	pthread_t	 tid;		/* the thread */
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	uint32_t q;

	for (;;) {
		pthread_mutex_lock(&w->b->nlock);
		q = w->b->next < w->b->g.n ? w->b->next++ : HNSW_NONE;
		if (w->b->progress && q != HNSW_NONE && (q & 255) == 0)
			w->b->progress(w->b->parg, q, w->b->g.n);
		pthread_mutex_unlock(&w->b->nlock);
		if (q == HNSW_NONE)
			break;
		build_insert(w->b, w->s, w->tmp, q);
	}
	return NULL;
}

static void
worker_init(struct worker *w, struct hnsw_build *b)
{
	w->b = b;
	w->s = hnsw_search_new();
	w->s->links = xcalloc(b->g.M0 + 1, sizeof(uint32_t));
	w->tmp = xcalloc(b->efc + b->g.M0 + 2, sizeof(*w->tmp));
}

struct hnsw_build *
hnsw_build_new(const struct hnsw_space *sp, uint32_t n, unsigned M,
    unsigned efc, uint64_t seed, int jobs, hnsw_progress progress, void *arg)
{
	struct hnsw_build *b;
	struct worker *w;
	uint64_t rng = seed, nup = 0;
	double ml, u;
	uint32_t i;
	int t;

	if (M < 2)
		M = 2;
	if (efc < M)
		efc = M;
	b = xcalloc(1, sizeof(*b));
	b->sp = sp;
	b->efc = efc;
	b->g.n = n;
	b->g.M = M;
	b->g.M0 = 2 * M;
	b->g.entry = HNSW_NONE;
	b->progress = progress;
	b->parg = arg;
	b->level = xcalloc(n ? n : 1, 1);
	b->upoff = xcalloc(n ? n : 1, sizeof(*b->upoff));
	b->l0 = xcalloc((size_t)(n ? n : 1) * (b->g.M0 + 1), sizeof(*b->l0));
	ml = 1.0 / log((double)M);
	for (i = 0; i < n; i++) {
		u = ((hash_splitmix64(&rng) >> 11) + 1.0) / 9007199254740993.0;
		u = floor(-log(u) * ml);
		b->level[i] = u > HNSW_MAXLEVEL ? HNSW_MAXLEVEL : (uint8_t)u;
		b->upoff[i] = nup;
		nup += (uint64_t)b->level[i] * (M + 1);
	}
	b->up = xcalloc(nup ? nup : 1, sizeof(*b->up));
	b->g.nup = nup;
	b->locks = xcalloc(n ? n : 1, sizeof(*b->locks));
	for (i = 0; i < n; i++)
		pthread_mutex_init(&b->locks[i], NULL);
	pthread_mutex_init(&b->glock, NULL);
	pthread_mutex_init(&b->nlock, NULL);

	if (jobs < 1)
		jobs = 1;
	if ((uint32_t)jobs > n / 64 + 1)
		jobs = (int)(n / 64 + 1);
	b->threads = jobs > 1;
	w = xcalloc((size_t)jobs, sizeof(*w));
	for (t = 0; t < jobs; t++)
		worker_init(&w[t], b);
	if (jobs == 1) {
		worker_run(&w[0]);
	} else {
		for (t = 0; t < jobs; t++)
			if (pthread_create(&w[t].tid, NULL, worker_run,
			    &w[t]) != 0)
				diag_fail(ETV_SYS, "cannot start a thread");
		for (t = 0; t < jobs; t++)
			pthread_join(w[t].tid, NULL);
	}
	for (t = 0; t < jobs; t++) {
		hnsw_search_free(w[t].s);
		free(w[t].tmp);
	}
	free(w);
	if (progress)
		progress(arg, n, n);
	for (i = 0; i < n; i++)
		pthread_mutex_destroy(&b->locks[i]);
	free(b->locks);
	b->locks = NULL;

	b->g.level = b->level;
	b->g.l0 = b->l0;
	b->g.upoff = b->upoff;
	b->g.up = b->up;
	if (n == 0)
		b->g.maxlevel = 0;
	return b;
}

const struct hnsw_graph *
hnsw_build_graph(const struct hnsw_build *b)
{
	return &b->g;
}

void
hnsw_build_free(struct hnsw_build *b)
{
	if (b == NULL)
		return;
	free(b->level);
	free(b->l0);
	free(b->upoff);
	free(b->up);
	pthread_mutex_destroy(&b->glock);
	pthread_mutex_destroy(&b->nlock);
	free(b);
}
