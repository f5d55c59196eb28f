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
	pool_fn		 fn;		/* the per-item function */
	void		*arg;		/* its argument */
};

int
pool_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* crew_fn: one item. */
static int
pool_job(void *job, void *arg, int worker)
{
	struct pool *p = arg;

	p->fn(job, p->arg, worker);
	return 0;
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
	struct pool p = { fn, arg };
	size_t window = jobs > 1 ? WINDOW : 1, inflight = 0, i;
	unsigned long nread = 0;
	struct rec_item *ring, *it;
	struct crew *c;
	int eof = 0, block, fatal = 0;
	/*
	 * With --unbuffered a line is read only when everything before it
	 * is written: the next read may block on an interactive producer.
	 */
	int unbuffered = rec_unbuffered(rd);

	ring = xcalloc(window, sizeof(*ring));
	c = crew_new(jobs > 1 ? jobs - 1 : 0, window, pool_job, NULL, &p);
	while (!fatal) {
		while (!eof && !crew_full(c) && (inflight < WINDOW_BYTES ||
		    crew_pending(c) == 0) && !(unbuffered &&
		    crew_pending(c) > 0)) {
			it = &ring[nread % window];
			if (!rec_getline(rd, it)) {
				eof = 1;
				break;
			}
			nread++;
			inflight += it->len;
			crew_submit(c, it);
		}
		if (eof && crew_pending(c) == 0)
			break;
		/* Wait for the oldest when nothing more can be read. */
		block = eof || unbuffered || crew_full(c) ||
		    inflight >= WINDOW_BYTES;
		while ((it = crew_take(c, block)) != NULL) {
			inflight -= it->len;
			if (ordered != NULL)
				ordered(it, arg);
			if ((fatal = rec_flush(rd, it)) != 0)
				break;
			block = 0;
		}
	}
	/* A fatal item ends the run: the items after it are dropped. */
	crew_free(c);
	for (i = 0; i < window; i++)
		rec_item_release(&ring[i]);
	free(ring);
	if (fatal)
		exit(diag_finish());
}
