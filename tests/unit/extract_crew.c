/* extract_crew.c -- unit tests of lib/base/crew.c: rounds, order, reuse */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>

#include "lib/base/crew.h"

struct job {
	unsigned long	 in;		/* the input */
	unsigned long	 out;		/* in squared, plus a little work */
	int		 runs;		/* times the job ran */
};

static void
work(void *p, void *arg)
{
	struct job *j = p;
	unsigned long x = j->in, i;

	for (i = 0; i < (j->in % 7) * 1000; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	j->out = j->in * j->in + (x & 0) + *(unsigned long *)arg;
	j->runs++;
}

int
main(void)
{
	static struct job jobs[300];
	unsigned long add = 5;
	struct crew *c;
	size_t i, n;
	int round, threads, bad = 0;

	for (threads = 1; threads <= 4; threads += 3) {
		c = crew_new(threads, work, &add);
		/* Rounds of different sizes reuse the same array. */
		for (round = 0; round < 20; round++) {
			n = (size_t)(round * 37) % 300 + 1;
			for (i = 0; i < n; i++) {
				jobs[i].in = (unsigned long)(round * 1000) + i;
				jobs[i].runs = 0;
			}
			crew_round(c, jobs, n, sizeof(jobs[0]));
			for (i = 0; i < n; i++) {
				crew_wait(c, i);
				if (jobs[i].runs != 1 || jobs[i].out !=
				    jobs[i].in * jobs[i].in + add)
					bad++;
			}
		}
		crew_free(c);
	}
	crew_free(NULL);
	if (bad) {
		fprintf(stderr, "extract_crew: %d bad jobs\n", bad);
		return 1;
	}
	return 0;
}
