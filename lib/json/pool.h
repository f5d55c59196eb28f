/* pool.h -- the record-parallel loop behind every stateless tool's -j N */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_POOL_H
#define ETV_POOL_H

#include "lib/json/record.h"

/*
 * Process one item: parse it->line with rec_parse() and write results
 * through rec_emit*(), rec_reject(), rec_warn().  worker is the number of
 * the calling thread, 0 .. jobs-1, for per-thread scratch state.  It runs
 * in worker threads: it must not touch shared mutable state, print, or
 * exit (except through the x* allocators).
 */
typedef void (*pool_fn)(struct rec_item *it, void *arg, int worker);

/*
 * Read every line of rd and run fn on it with jobs threads (1 runs
 * everything in the calling thread).  Output is flushed in input order,
 * so it is byte-identical whatever jobs is.  When an item is fatal the
 * items after it are discarded and the program exits through
 * diag_finish() with its status.  Returns when the input is exhausted.
 */
void	 pool_run(struct rec_reader *rd, int jobs, pool_fn fn, void *arg);

/*
 * pool_run for tools that keep state between records: fn runs in the
 * workers as pool_run says (leaving what the ordered step needs in
 * it->aux), then ordered runs in the calling thread on each item, in
 * input order, just before the item is flushed: it may touch the tool's
 * state and write the item's output.
 */
typedef void (*pool_ordered_fn)(struct rec_item *it, void *arg);
void	 pool_run_ordered(struct rec_reader *rd, int jobs, pool_fn fn,
	    pool_ordered_fn ordered, void *arg);

/* The number of online processors, at least 1: the default for -j 0. */
int	 pool_ncpu(void);

#endif
