/* crew.c -- worker threads over rounds of jobs, results taken in order */
/* SPDX-License-Identifier: MIT */

#include <pthread.h>
#include <stdlib.h>

#include "lib/base/crew.h"
#include "lib/base/diag.h"
#include "lib/base/xmem.h"

struct crew {
	pthread_mutex_t	 mu;		/* guards everything below */
	pthread_cond_t	 work;		/* a round was handed out, or quit */
	pthread_cond_t	 done;		/* a job is done */
	char		*jobs;		/* the round; borrowed */
	size_t		 size;		/* bytes per job */
	size_t		 n;		/* jobs in the round */
	size_t		 next;		/* next job to take */
	size_t		 ndone;		/* jobs done, in order of taking */
	unsigned char	*isdone;	/* done flag per job; owned */
	size_t		 cap;		/* size of isdone */
	int		 quit;		/* threads should return */
	crew_fn		 fn;		/* the work */
	void		*arg;		/* its argument */
	pthread_t	*th;		/* the threads; owned */
	int		 nth;		/* how many */
};

static void *
crew_main(void *arg)
{
	struct crew *c = arg;
	size_t i;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->quit && c->next >= c->n)
			pthread_cond_wait(&c->work, &c->mu);
		if (c->quit)
			break;
		i = c->next++;
		pthread_mutex_unlock(&c->mu);
		c->fn(c->jobs + i * c->size, c->arg);
		pthread_mutex_lock(&c->mu);
		c->isdone[i] = 1;
		pthread_cond_broadcast(&c->done);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct crew *
crew_new(int threads, crew_fn fn, void *arg)
{
	struct crew *c;
	int i;

	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->done, NULL);
	c->fn = fn;
	c->arg = arg;
	c->th = xcalloc((size_t)threads, sizeof(*c->th));
	for (i = 0; i < threads; i++) {
		if (pthread_create(&c->th[i], NULL, crew_main, c) != 0)
			diag_fail(ETV_SYS, "cannot start worker threads");
		c->nth++;
	}
	return c;
}

void
crew_round(struct crew *c, void *jobs, size_t n, size_t size)
{
	size_t i;

	pthread_mutex_lock(&c->mu);
	if (n > c->cap) {
		c->isdone = xrealloc(c->isdone, n);
		c->cap = n;
	}
	for (i = 0; i < n; i++)
		c->isdone[i] = 0;
	c->jobs = jobs;
	c->size = size;
	c->n = n;
	c->next = 0;
	pthread_cond_broadcast(&c->work);
	pthread_mutex_unlock(&c->mu);
}

void
crew_wait(struct crew *c, size_t i)
{
	pthread_mutex_lock(&c->mu);
	while (!c->isdone[i])
		pthread_cond_wait(&c->done, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

void
crew_free(struct crew *c)
{
	int i;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->quit = 1;
	pthread_cond_broadcast(&c->work);
	pthread_mutex_unlock(&c->mu);
	for (i = 0; i < c->nth; i++)
		pthread_join(c->th[i], NULL);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->work);
	pthread_cond_destroy(&c->done);
	free(c->isdone);
	free(c->th);
	free(c);
}
