/* crew.c -- unit tests of lib/base/crew.c: order, window, late jobs */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>

#include "lib/base/crew.h"
#include "tests/unit/unit.h"

#define NJOBS	3000

struct job {
	unsigned long	 in;		/* the input */
	unsigned long	 out;		/* in squared, plus a little work */
	int		 runs;		/* times the job ran */
};

struct late {
	struct crew	*crew;		/* the crew */
	struct job	*held[16];	/* jobs waiting for their answer */
	size_t		 n;		/* how many */
	unsigned long	 add;		/* added to every result */
};

static int
work(void *p, void *arg, int worker)
{
	struct job *j = p;
	struct late *l = arg;
	unsigned long x = j->in, i;

	(void)worker;	/* no per-thread state */
	for (i = 0; i < (j->in % 7) * 1000; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	j->out = j->in * j->in + (x & 0) + l->add;
	j->runs++;
	return 0;
}

/* Every third job is answered later, out of order, as a server would. */
static int
work_late(void *p, void *arg, int worker)
{
	struct job *j = p;
	struct late *l = arg;

	work(p, arg, worker);
	if (j->in % 3 != 0)
		return 0;
	l->held[l->n++] = j;
	return CREW_LATER;
}

/* crew_wait_fn: answer the newest held job (last in, first out). */
static void
answer(void *arg)
{
	struct late *l = arg;

	if (l->n > 0)
		crew_done(l->crew, l->held[--l->n]);
}

static int
run(int threads, size_t window, int late)
{
	static struct job jobs[NJOBS];
	struct late l = { NULL, { NULL }, 0, 5 };
	unsigned long next = 0, want = 0;
	struct job *j;
	int bad = 0;

	l.crew = crew_new(threads, window, late ? work_late : work,
	    late ? answer : NULL, &l);
	while (want < NJOBS) {
		while (next < NJOBS && !crew_full(l.crew) && l.n < 16) {
			jobs[next].in = next;
			jobs[next].runs = 0;
			crew_submit(l.crew, &jobs[next++]);
		}
		if (crew_pending(l.crew) > window)
			bad++;
		while ((j = crew_take(l.crew, 1)) != NULL) {
			if (j != &jobs[want] || j->runs != 1 ||
			    j->out != j->in * j->in + l.add)
				bad++;
			want++;
			if (next < NJOBS && !crew_full(l.crew))
				break;
		}
	}
	if (crew_take(l.crew, 1) != NULL)
		bad++;
	crew_free(l.crew);
	return bad;
}

int
main(void)
{
	CHECK(run(0, 1, 0) == 0);
	CHECK(run(1, 64, 0) == 0);
	CHECK(run(3, 300, 0) == 0);
	CHECK(run(0, 8, 1) == 0);
	crew_free(NULL);
	return unit_done("crew");
}
