/* pool.c -- the record-parallel loop behind every stateless tool's -j N */
/* SPDX-License-Identifier: MIT */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/diag.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/base/xmem.h"

/*
 * A sliding window of items in input order.  The main thread reads lines
 * into free slots, worker threads take the next unprocessed slots, and the
 * main thread writes finished slots out in order, as soon as the oldest
 * one is done: a slow record holds up the output but not the workers,
 * which go on with the rest of the window.  The main thread also takes
 * work when it has nothing to read or write.
 */
#define WINDOW		4096		/* items in flight at most */
#define WINDOW_BYTES	(64u << 20)	/* input bytes in flight at most */
#define READ_BATCH	64		/* lines read before waking workers */
#define GRAB		8		/* items a worker takes at a time */

struct pool {
	pthread_mutex_t	 mu;		/* guards the counters and ready[] */
	pthread_cond_t	 work;		/* items to take, or quit */
	pthread_cond_t	 done;		/* an item was processed */
	struct rec_item	*ring;		/* WINDOW slots; owned */
	unsigned char	*ready;		/* per slot: processed, not written */
	unsigned long	 head;		/* next item to write */
	unsigned long	 filled;	/* items read so far */
	unsigned long	 taken;		/* items handed out so far */
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
 * With p->mu held: take up to GRAB unprocessed items, [*from, *to).
 * Returns 0 when there are none.
 */
static int
grab(struct pool *p, unsigned long *from, unsigned long *to)
{
	if (p->taken == p->filled)
		return 0;
	*from = p->taken;
	*to = p->filled - p->taken > GRAB ? p->taken + GRAB : p->filled;
	p->taken = *to;
	return 1;
}

/* Without p->mu: process items [from, to); returns with p->mu held. */
static void
process(struct pool *p, unsigned long from, unsigned long to, int id)
{
	unsigned long i;

	for (i = from; i < to; i++)
		p->fn(&p->ring[i % WINDOW], p->arg, id);
	pthread_mutex_lock(&p->mu);
	for (i = from; i < to; i++)
		p->ready[i % WINDOW] = 1;
	pthread_cond_signal(&p->done);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	unsigned long from, to;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && !grab(p, &from, &to))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		pthread_mutex_unlock(&p->mu);
		process(p, from, to, w->id);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
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

/* The main thread's loop: read, write, help, or wait. */
static void
run_main(struct pool *p, struct rec_reader *rd, int id)
{
	unsigned long n, from, to;
	size_t inflight = 0;
	struct rec_item *it;
	int eof = 0;
	/*
	 * With --unbuffered a line is read only when everything before it
	 * is written: the next read may block on an interactive producer.
	 */
	int unbuffered = opt.unbuffered;

	for (;;) {
		/* Read a batch while the window has room (no lock: the slots
		 * beyond p->filled are the main thread's alone). */
		for (n = 0; !eof && n < READ_BATCH &&
		    (!unbuffered || p->filled + n == p->head) &&
		    p->filled + n - p->head < WINDOW &&
		    (inflight < WINDOW_BYTES || p->filled + n == p->head);
		    n++) {
			it = &p->ring[(p->filled + n) % WINDOW];
			if (!rec_getline(rd, it)) {
				eof = 1;
				break;
			}
			inflight += it->len;
		}
		pthread_mutex_lock(&p->mu);
		if (n > 0) {
			p->filled += n;
			pthread_cond_broadcast(&p->work);
		}
		/* Write out what is done, oldest first. */
		while (p->head < p->filled && p->ready[p->head % WINDOW]) {
			it = &p->ring[p->head % WINDOW];
			p->ready[p->head % WINDOW] = 0;
			pthread_mutex_unlock(&p->mu);
			inflight -= it->len;
			if (rec_flush(rd, it))
				exit(diag_finish());
			pthread_mutex_lock(&p->mu);
			p->head++;
		}
		if (eof && p->head == p->filled) {
			pthread_mutex_unlock(&p->mu);
			return;
		}
		if (grab(p, &from, &to)) {
			pthread_mutex_unlock(&p->mu);
			process(p, from, to, id);
		} else if (eof || p->filled - p->head >= WINDOW ||
		    inflight >= WINDOW_BYTES || (unbuffered &&
		    p->head < p->filled))
			pthread_cond_wait(&p->done, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
}

void
pool_run(struct rec_reader *rd, int jobs, pool_fn fn, void *arg)
{
	struct pool p;
	struct worker *w;
	int i, nthreads;

	if (jobs <= 1) {
		run_serial(rd, fn, arg);
		return;
	}
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	p.fn = fn;
	p.arg = arg;
	p.ring = xcalloc(WINDOW, sizeof(*p.ring));
	p.ready = xcalloc(WINDOW, 1);
	/* jobs - 1 threads; the main thread is worker jobs - 1. */
	nthreads = jobs - 1;
	w = xcalloc((size_t)nthreads, sizeof(*w));
	for (i = 0; i < nthreads; i++) {
		w[i].pool = &p;
		w[i].id = i;
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			diag_fail(ETV_SYS, "cannot start worker threads");
	}
	run_main(&p, rd, jobs - 1);
	pthread_mutex_lock(&p.mu);
	p.quit = 1;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < nthreads; i++)
		pthread_join(w[i].th, NULL);
	for (i = 0; i < WINDOW; i++)
		rec_item_release(&p.ring[i]);
	free(p.ring);
	free(p.ready);
	free(w);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.done);
	pthread_mutex_destroy(&p.mu);
}
