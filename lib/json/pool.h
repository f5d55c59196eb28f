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

/*
 * Process n consecutive items at once (items[0..n), in input order),
 * each as a pool_fn processes its item.  Same rules as pool_fn.
 */
typedef void (*pool_batch_fn)(struct rec_item *items, size_t n, void *arg,
	    int worker);

/*
 * pool_run for tools that gain from seeing several records at once: a
 * job is up to batch consecutive items (fewer at the end of the input,
 * at the end of the ring of items in flight, or when the bytes in flight
 * reach their bound), run by fn in one call.  With --unbuffered a job is
 * one item.  Output is flushed item by item in input order, and a fatal
 * item ends the run, as with pool_run.
 */
void	 pool_run_batch(struct rec_reader *rd, int jobs, size_t batch,
	    pool_batch_fn fn, void *arg);

/* The number of online processors, at least 1: the default for -j 0. */
int	 pool_ncpu(void);

#endif
