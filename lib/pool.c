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

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	struct round *r;
	size_t i, from, to;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && (p->cur == NULL || p->cur->next == p->cur->n))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		r = p->cur;
		from = r->next;
		to = from + GRAB < r->n ? from + GRAB : r->n;
		r->next = to;
		pthread_mutex_unlock(&p->mu);
		for (i = from; i < to; i++)
			p->fn(&r->items[i], p->arg, w->id);
		pthread_mutex_lock(&p->mu);
		r->done += to - from;
		if (r->done == r->n)
			pthread_cond_signal(&p->finished);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
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
	struct round *rounds, *r, *next;
	int i, k;

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
	w = xcalloc((size_t)jobs, sizeof(*w));
	for (i = 0; i < jobs; i++) {
		w[i].pool = &p;
		w[i].id = i;
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			diag_fail(ETV_SYS, "cannot start worker threads");
	}
	r = &rounds[0];
	read_round(rd, r);
	for (k = 1; r->n > 0; k ^= 1) {
		pthread_mutex_lock(&p.mu);
		p.cur = r;
		pthread_cond_broadcast(&p.work);
		pthread_mutex_unlock(&p.mu);
		next = &rounds[k];
		read_round(rd, next);
		pthread_mutex_lock(&p.mu);
		while (r->done < r->n)
			pthread_cond_wait(&p.finished, &p.mu);
		p.cur = NULL;
		pthread_mutex_unlock(&p.mu);
		flush_round(rd, r);
		r = next;
	}
	pthread_mutex_lock(&p.mu);
	p.quit = 1;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < jobs; i++)
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
