/* crew.c -- ordered parallel work: jobs run in any order, taken in order */
/* SPDX-License-Identifier: MIT */

#include <pthread.h>
#include <stdlib.h>

#include "lib/base/crew.h"
#include "lib/base/diag.h"
#include "lib/base/xmem.h"

/*
 * The window is a ring of job pointers indexed by submission number:
 * [head, taken) have been handed to a runner, [taken, posted) are queued,
 * [posted, filled) are submitted but not yet shown to the runners: the
 * owner posts them PUBLISH at a time, or when it takes, so that it takes
 * the lock once per batch rather than once per job.  Only the owner moves
 * head, posted and filled; runners move taken under mu.
 */
#define GRAB	8		/* jobs a runner takes at a time */
#define PUBLISH	32		/* jobs the owner submits between posts */

enum job_state {
	JOB_QUEUED,		/* waiting for a runner */
	JOB_RUNNING,		/* its run function is running */
	JOB_LATER,		/* waiting for crew_done */
	JOB_DONE		/* finished, to be taken */
};

struct crew {
	pthread_mutex_t	 mu;		/* guards taken, state[], quit */
	pthread_cond_t	 work;		/* jobs were queued, or quit */
	pthread_cond_t	 done;		/* a job finished */
	void		**ring;		/* window job pointers; owned */
	unsigned char	*state;		/* enum job_state per slot; owned */
	size_t		 window;	/* slots in the ring */
	unsigned long	 head;		/* next job to take */
	unsigned long	 taken;		/* next job to run */
	unsigned long	 posted;	/* jobs shown to the runners so far */
	unsigned long	 ready;		/* [head, ready) are known finished:
					   the owner takes them unlocked */
	unsigned long	 filled;	/* jobs submitted so far */
	int		 quit;		/* threads should return */
	crew_fn		 fn;		/* runs a job */
	crew_wait_fn	 wait;		/* waits for a late job, or NULL */
	void		*arg;		/* their argument */
	pthread_t	*th;		/* the threads; owned */
	int		 nth;		/* how many */
	int		 solo;		/* no threads and no late jobs: only
					   the owner touches the crew, unlocked */
};

/* Lock and unlock mu, unless the crew is the owner's alone. */
static void
lock(struct crew *c)
{
	if (!c->solo)
		pthread_mutex_lock(&c->mu);
}

static void
unlock(struct crew *c)
{
	if (!c->solo)
		pthread_mutex_unlock(&c->mu);
}

struct runner {
	struct crew	*crew;		/* shared state */
	int		 id;		/* worker number */
};

/* With c->mu held: mark job i finished by its run function. */
static void
ran(struct crew *c, unsigned long i, int r)
{
	unsigned char *st = &c->state[i % c->window];

	/* crew_done may have come before the run function returned. */
	if (r == 0)
		*st = JOB_DONE;
	else if (*st != JOB_DONE)
		*st = JOB_LATER;
}

/*
 * With c->mu held: run up to GRAB queued jobs, dropping the lock while
 * they run.  Returns 0 when none was queued.
 */
static int
run_some(struct crew *c, int id)
{
	unsigned long from, to, i;
	int r[GRAB];

	if (c->taken == c->posted)
		return 0;
	from = c->taken;
	to = c->posted - from > GRAB ? from + GRAB : c->posted;
	for (i = from; i < to; i++)
		c->state[i % c->window] = JOB_RUNNING;
	c->taken = to;
	unlock(c);
	for (i = from; i < to; i++)
		r[i - from] = c->fn(c->ring[i % c->window], c->arg, id);
	lock(c);
	for (i = from; i < to; i++)
		ran(c, i, r[i - from]);
	pthread_cond_broadcast(&c->done);
	return 1;
}

static void *
runner_main(void *arg)
{
	struct runner *w = arg;
	struct crew *c = w->crew;

	lock(c);
	while (!c->quit)
		if (!run_some(c, w->id))
			pthread_cond_wait(&c->work, &c->mu);
	unlock(c);
	free(w);
	return NULL;
}

struct crew *
crew_new(int threads, size_t window, crew_fn fn, crew_wait_fn wait,
    void *arg)
{
	struct runner *w;
	struct crew *c;
	int i;

	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->done, NULL);
	c->window = window ? window : 1;
	c->ring = xcalloc(c->window, sizeof(*c->ring));
	c->state = xcalloc(c->window, 1);
	c->fn = fn;
	c->wait = wait;
	c->arg = arg;
	c->solo = threads <= 0 && wait == NULL;
	c->th = xcalloc(threads > 0 ? (size_t)threads : 1, sizeof(*c->th));
	for (i = 0; i < threads; i++) {
		w = xmalloc(sizeof(*w));
		w->crew = c;
		w->id = i;
		if (pthread_create(&c->th[i], NULL, runner_main, w) != 0)
			diag_fail(ETV_SYS, "cannot start worker threads");
		c->nth++;
	}
	return c;
}

int
crew_full(const struct crew *c)
{
	return c->filled - c->head >= c->window;
}

size_t
crew_pending(const struct crew *c)
{
	return (size_t)(c->filled - c->head);
}

/* With c->mu held: show the runners every job submitted. */
static void
post(struct crew *c)
{
	if (c->posted == c->filled)
		return;
	c->posted = c->filled;
	pthread_cond_broadcast(&c->work);
}

void
crew_submit(struct crew *c, void *job)
{
	unsigned long i;
	int r;

	i = c->filled++;
	c->ring[i % c->window] = job;
	if (c->nth > 0) {
		c->state[i % c->window] = JOB_QUEUED;
		if (c->filled - c->posted >= PUBLISH) {
			lock(c);
			post(c);
			unlock(c);
		}
		return;
	}
	/* No threads: run it now, in order. */
	lock(c);
	c->state[i % c->window] = JOB_RUNNING;
	c->taken = c->posted = c->filled;
	unlock(c);
	r = c->fn(job, c->arg, 0);
	lock(c);
	ran(c, i, r);
	unlock(c);
}

void *
crew_take(struct crew *c, int block)
{
	void *job = NULL;
	unsigned char st;

	if (c->head < c->ready)
		return c->ring[c->head++ % c->window];
	lock(c);
	post(c);
	while (c->head < c->filled) {
		st = c->state[c->head % c->window];
		if (st == JOB_DONE) {
			/* Note the finished run after it, taken unlocked. */
			c->ready = c->head + 1;
			while (c->ready < c->posted &&
			    c->state[c->ready % c->window] == JOB_DONE)
				c->ready++;
			job = c->ring[c->head++ % c->window];
			break;
		}
		if (!block)
			break;
		if (run_some(c, c->nth))
			continue;
		if (st == JOB_LATER && c->wait) {
			unlock(c);
			c->wait(c->arg);
			lock(c);
		} else
			pthread_cond_wait(&c->done, &c->mu);
	}
	unlock(c);
	return job;
}

void
crew_done(struct crew *c, void *job)
{
	unsigned long i;

	/*
	 * Only a job still running or waiting can be finished; head moves
	 * without the lock, so the whole window is searched by state.
	 */
	lock(c);
	for (i = 0; i < c->window; i++)
		if ((c->state[i] == JOB_RUNNING || c->state[i] == JOB_LATER) &&
		    c->ring[i] == job) {
			c->state[i % c->window] = JOB_DONE;
			pthread_cond_broadcast(&c->done);
			break;
		}
	unlock(c);
}

void
crew_free(struct crew *c)
{
	int i;

	if (c == NULL)
		return;
	lock(c);
	c->quit = 1;
	pthread_cond_broadcast(&c->work);
	unlock(c);
	for (i = 0; i < c->nth; i++)
		pthread_join(c->th[i], NULL);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->work);
	pthread_cond_destroy(&c->done);
	free(c->ring);
	free(c->state);
	free(c->th);
	free(c);
}
