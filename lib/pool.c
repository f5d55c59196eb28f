/* pool.c -- the record-parallel loop behind every stateless tool's -j N */
/* SPDX-License-Identifier: MIT */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/pool.h"
#include "lib/record.h"
#include "lib/xmem.h"

/*
 * The main thread reads a round of lines while the workers process the
 * previous round, then writes that round out in order.  Two rounds
 * alternate, so reading, processing and writing overlap.
 */
#define ROUND_ITEMS	2048
#define ROUND_BYTES	(8u << 20)
#define GRAB		8	/* items a worker takes at a time */

struct round {
	struct rec_item	 items[ROUND_ITEMS]; /* lines and their results */
	size_t		 n;		/* items in use */
	size_t		 next;		/* next item to hand out */
	size_t		 done;		/* items processed */
};

struct pool {
	pthread_mutex_t	 mu;		/* guards everything below */
	pthread_cond_t	 work;		/* a round is ready, or quit */
	pthread_cond_t	 finished;	/* a round is fully processed */
	struct round	*cur;		/* round being processed, or NULL */
	int		 quit;		/* workers should exit */
	pool_fn		 fn;		/* the per-item function */
	void		*arg;		/* its argument */
};

struct worker {
	struct pool	*pool;		/* shared state */
	int		 id;		/* 0 .. jobs-1 */
	pthread_t	 th;		/* the thread */
};

int
pool_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/*
 * Take the next few items of the current round, with p->mu held.  Returns
 * 0 when there is nothing left to take.
 */
static int
grab(struct pool *p, struct round **rp, size_t *from, size_t *to)
{
	struct round *r = p->cur;

	if (r == NULL || r->next == r->n)
		return 0;
	*rp = r;
	*from = r->next;
	*to = *from + GRAB < r->n ? *from + GRAB : r->n;
	r->next = *to;
	return 1;
}

/* Process items [from, to) of r, then count them done (takes p->mu). */
static void
process(struct pool *p, struct round *r, size_t from, size_t to, int id)
{
	size_t i;

	for (i = from; i < to; i++)
		p->fn(&r->items[i], p->arg, id);
	pthread_mutex_lock(&p->mu);
	r->done += to - from;
	if (r->done == r->n)
		pthread_cond_signal(&p->finished);
	pthread_mutex_unlock(&p->mu);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	struct round *r;
	size_t from, to;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && !grab(p, &r, &from, &to))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		pthread_mutex_unlock(&p->mu);
		process(p, r, from, to, w->id);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Hand a round to the workers. */
static void
post(struct pool *p, struct round *r)
{
	pthread_mutex_lock(&p->mu);
	p->cur = r;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

/* Help with round r from the main thread, then wait until it is done. */
static void
finish(struct pool *p, struct round *r, int id)
{
	struct round *got;
	size_t from, to;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (!grab(p, &got, &from, &to)) {
			while (r->done < r->n)
				pthread_cond_wait(&p->finished, &p->mu);
			p->cur = NULL;
			pthread_mutex_unlock(&p->mu);
			return;
		}
		pthread_mutex_unlock(&p->mu);
		process(p, got, from, to, id);
	}
}

/* Fill a round from the reader.  Returns the number of items read. */
static size_t
read_round(struct rec_reader *rd, struct round *r)
{
	size_t bytes = 0;

	r->n = r->next = r->done = 0;
	while (r->n < ROUND_ITEMS && bytes < ROUND_BYTES &&
	    rec_getline(rd, &r->items[r->n]))
		bytes += r->items[r->n++].len;
	return r->n;
}

static void
flush_round(struct rec_reader *rd, struct round *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (rec_flush(rd, &r->items[i]))
			exit(diag_finish());
}

static void
run_serial(struct rec_reader *rd, pool_fn fn, void *arg)
{
	struct rec_item it = REC_ITEM_INIT;

	while (rec_getline(rd, &it)) {
		fn(&it, arg, 0);
		if (rec_flush(rd, &it)) {
			rec_item_release(&it);
			exit(diag_finish());
		}
	}
	rec_item_release(&it);
}

void
pool_run(struct rec_reader *rd, int jobs, pool_fn fn, void *arg)
{
	struct pool p;
	struct worker *w;
	struct round *rounds, *r, *next, *t;
	int i, k, nthreads;

	if (jobs <= 1) {
		run_serial(rd, fn, arg);
		return;
	}
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.finished, NULL);
	p.fn = fn;
	p.arg = arg;
	rounds = xcalloc(2, sizeof(*rounds));
	/*
	 * jobs - 1 threads; the main thread is worker jobs - 1: it reads the
	 * next round, helps with the current one, and writes it out while
	 * the threads start on the next.
	 */
	nthreads = jobs - 1;
	w = xcalloc((size_t)nthreads, sizeof(*w));
	for (i = 0; i < nthreads; i++) {
		w[i].pool = &p;
		w[i].id = i;
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			diag_fail(ETV_SYS, "cannot start worker threads");
	}
	r = &rounds[0];
	next = &rounds[1];
	if (read_round(rd, r) > 0)
		post(&p, r);
	while (r->n > 0) {
		read_round(rd, next);
		finish(&p, r, jobs - 1);
		if (next->n > 0)
			post(&p, next);
		flush_round(rd, r);
		t = r;
		r = next;
		next = t;
	}
	pthread_mutex_lock(&p.mu);
	p.quit = 1;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < nthreads; i++)
		pthread_join(w[i].th, NULL);
	for (k = 0; k < 2; k++)
		for (i = 0; i < ROUND_ITEMS; i++)
			rec_item_release(&rounds[k].items[i]);
	free(rounds);
	free(w);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.finished);
	pthread_mutex_destroy(&p.mu);
}
