/* crew.h -- ordered parallel work: jobs run in any order, taken in order */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CREW_H
#define ETV_CREW_H

#include <stddef.h>

/*
 * A crew is a window of jobs in submission order.  The owner (one
 * thread) submits jobs; worker threads run them, several at a time and
 * in any order; the owner takes them back strictly in submission order,
 * each once it is finished, and writes its result: output in input
 * order, whatever the number of threads.  At most `window` jobs are in
 * flight (submitted, not yet taken), so memory stays bounded.
 *
 * A job may also finish later than its run function returns (a request
 * answered by a server): the run function says so by returning
 * CREW_LATER, and whoever learns the answer calls crew_done.  The
 * crew's wait function, when given, is how the owner blocks until some
 * such job finishes: it is called when the oldest job is waiting for
 * its answer and must call crew_done on at least one job (or return
 * when none can finish, which is a bug in the caller).
 *
 * Jobs are void pointers, borrowed from submission until taken.  The
 * run function may run in worker threads: it must not touch shared
 * mutable state, print or exit (except through the x* allocators).
 */
struct crew;

/* The job runs and returns 0 when finished, CREW_LATER when not yet. */
#define CREW_LATER	1

/*
 * Run a job.  worker is the number of the calling thread, 0 .. threads
 * (threads being the owner), for per-thread scratch memory.
 */
typedef int	(*crew_fn)(void *job, void *arg, int worker);

/* Block until some job that returned CREW_LATER is crew_done. */
typedef void	(*crew_wait_fn)(void *arg);

/*
 * A crew of threads worker threads (0: every job runs in the owner,
 * within crew_submit) with room for window jobs in flight.  When the
 * owner waits for the oldest job it runs queued jobs itself, so threads
 * + 1 jobs may run at once.  wait may be NULL when no job returns
 * CREW_LATER or when they are finished by other threads.  Exits with
 * ETV_SYS when threads cannot be created.  Never NULL; free with
 * crew_free.
 */
struct crew *crew_new(int threads, size_t window, crew_fn fn,
	    crew_wait_fn wait, void *arg);

/* Is the window full?  Then take a job before submitting another. */
int	 crew_full(const struct crew *);

/* Jobs submitted and not yet taken. */
size_t	 crew_pending(const struct crew *);

/*
 * Hand a job to the crew.  The window must not be full.  With no
 * threads the job runs here, before crew_submit returns.
 */
void	 crew_submit(struct crew *, void *job);

/*
 * The oldest job, once finished, removed from the window; NULL when no
 * job is pending, or when block is 0 and the oldest is not finished.
 * With block the owner runs queued jobs, or calls the wait function,
 * until the oldest is finished.
 */
void	*crew_take(struct crew *, int block);

/*
 * Finish a job that returned CREW_LATER (any thread may call it, except
 * for a crew of no threads and no wait function: that one takes no lock,
 * so only its owner may).  The job must be pending; finding it costs
 * O(window).
 */
void	 crew_done(struct crew *, void *job);

/*
 * Stop and join the threads, free the crew.  Pending jobs are dropped
 * (not taken, not freed).  NULL is accepted.
 */
void	 crew_free(struct crew *);

#endif
