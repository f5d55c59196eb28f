/* crew.h -- worker threads over rounds of jobs, results taken in order */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CREW_H
#define ETV_CREW_H

#include <stddef.h>

/*
 * A crew runs fn(job, arg) on every job of a round with its threads,
 * taking jobs in order, while the caller waits for each job in order and
 * uses its result: output in input order, whatever the number of threads.
 * For tools whose unit of work is not an input line (pool.h is for lines).
 * fn runs in worker threads: it must not touch shared mutable state, print
 * or exit (except through the x* allocators).
 */
struct crew;

typedef void (*crew_fn)(void *job, void *arg);

/*
 * Start threads workers.  Exits with ETV_SYS when threads cannot be
 * created.  Never NULL; free with crew_free.
 */
struct crew *crew_new(int threads, crew_fn fn, void *arg);

/*
 * Hand out a round: n jobs of size bytes each at jobs (borrowed until the
 * round is over).  The previous round must be over: every job waited for.
 */
void	 crew_round(struct crew *, void *jobs, size_t n, size_t size);

/* Wait until job i of the round is done. */
void	 crew_wait(struct crew *, size_t i);

/* Stop and join the threads, free the crew.  NULL is accepted. */
void	 crew_free(struct crew *);

#endif
