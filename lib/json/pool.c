/* pool.c -- the record-parallel loop behind every stateless tool's -j N */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <unistd.h>

#include "lib/base/crew.h"
#include "lib/base/diag.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/base/xmem.h"

/*
 * Items are read into a ring of WINDOW slots and run by a crew (lib/base/
 * crew.h): jobs - 1 worker threads, and the main thread, which reads
 * lines, writes finished items out in order as soon as the oldest one is
 * done, and runs items itself when it waits: a slow record holds up the
 * output but not the workers, which go on with the rest of the window.
 */
#define WINDOW		4096		/* items in flight at most */
#define WINDOW_BYTES	(64u << 20)	/* input bytes in flight at most */

struct pool {
	pool_fn		 fn;		/* the per-item function, or NULL */
	pool_batch_fn	 bfn;		/* the per-batch function, or NULL */
	void		*arg;		/* their argument */
};

/* A job: consecutive items of the ring. */
struct pool_job {
	struct rec_item	*items;		/* the first; borrowed */
	size_t		 n;		/* how many */
};

int
pool_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* crew_fn: a batch of items, or its items one by one. */
static int
pool_job(void *job, void *arg, int worker)
{
	struct pool *p = arg;
	struct pool_job *j = job;
	size_t i;

	if (p->bfn != NULL)
		p->bfn(j->items, j->n, p->arg, worker);
	else
		for (i = 0; i < j->n; i++)
			p->fn(&j->items[i], p->arg, worker);
	return 0;
}

/*
 * The loop of every form: jobs of up to batch consecutive items (one
 * with --unbuffered), run by fn item by item or by bfn at once.
 */
static void
pool_loop(struct rec_reader *rd, int jobs, size_t batch, struct pool *p,
    pool_ordered_fn ordered)
{
	size_t nring, window, inflight = 0, nitems = 0, i, start, room;
	unsigned long nread = 0;
	struct pool_job *jv, *j;
	struct rec_item *ring, *it;
	struct crew *c;
	int eof = 0, block, fatal = 0;
	/*
	 * With --unbuffered a line is read only when everything before it
	 * is written: the next read may block on an interactive producer.
	 */
	int unbuffered = rec_unbuffered(rd);

	if (unbuffered || batch == 0)
		batch = 1;
	window = jobs > 1 ? WINDOW : 1;
	nring = jobs > 1 ? (WINDOW > batch ? WINDOW : batch) : batch;
	ring = xcalloc(nring, sizeof(*ring));
	/* A job is known by the ring slot of its first item. */
	jv = xcalloc(nring, sizeof(*jv));
	c = crew_new(jobs > 1 ? jobs - 1 : 0, window, pool_job, NULL, p);
	while (!fatal) {
		while (!eof && !crew_full(c) && nitems < nring &&
		    (inflight < WINDOW_BYTES || crew_pending(c) == 0) &&
		    !(unbuffered && crew_pending(c) > 0)) {
			/* A batch does not wrap around the ring. */
			start = nread % nring;
			room = nring - start < nring - nitems ?
			    nring - start : nring - nitems;
			j = &jv[start];
			j->items = &ring[start];
			for (j->n = 0; j->n < batch && j->n < room &&
			    (j->n == 0 || inflight < WINDOW_BYTES); j->n++) {
				it = &ring[start + j->n];
				if (!rec_getline(rd, it)) {
					eof = 1;
					break;
				}
				nread++;
				inflight += it->len;
			}
			if (j->n == 0)
				break;
			nitems += j->n;
			crew_submit(c, j);
		}
		if (eof && crew_pending(c) == 0)
			break;
		/* Wait for the oldest when nothing more can be read. */
		block = eof || unbuffered || crew_full(c) || nitems >= nring ||
		    inflight >= WINDOW_BYTES;
		while (!fatal && (j = crew_take(c, block)) != NULL) {
			for (i = 0; i < j->n; i++) {
				it = &j->items[i];
				inflight -= it->len;
				if (ordered != NULL)
					ordered(it, p->arg);
				if ((fatal = rec_flush(rd, it)) != 0)
					break;
			}
			nitems -= j->n;
			block = 0;
		}
	}
	/* A fatal item ends the run: the items after it are dropped. */
	crew_free(c);
	for (i = 0; i < nring; i++)
		rec_item_release(&ring[i]);
	free(ring);
	free(jv);
	if (fatal)
		exit(diag_finish());
}

void
pool_run(struct rec_reader *rd, int jobs, pool_fn fn, void *arg)
{
	pool_run_ordered(rd, jobs, fn, NULL, arg);
}

void
pool_run_ordered(struct rec_reader *rd, int jobs, pool_fn fn,
    pool_ordered_fn ordered, void *arg)
{
	struct pool p = { fn, NULL, arg };

	pool_loop(rd, jobs, 1, &p, ordered);
}

void
pool_run_batch(struct rec_reader *rd, int jobs, size_t batch,
    pool_batch_fn fn, void *arg)
{
	struct pool p = { NULL, fn, arg };

	pool_loop(rd, jobs, batch, &p, NULL);
}
