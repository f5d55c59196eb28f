/* runstats.h -- the figures of a run, written as JSON at its end (--stats) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RUNSTATS_H
#define ETV_RUNSTATS_H

#include <jansson.h>

#include "lib/base/buf.h"

/*
 * With --stats FILE, the end of the program (diag_set_end: diag_finish,
 * diag_fail, a failed write) writes one JSON object, on one line, to
 * FILE: the figures every tool has, then the tool's own, in the order
 * they were first set:
 *
 *   {"tool":"etv-dedupe","version":"0.1.0","status":0,
 *    "started":"2025-03-01T06:00:00Z","seconds":1.25,"cpu_seconds":2.01,
 *    "max_rss_kb":53124,"read":1000,"written":950,"rejected":0,
 *    "malformed":0,"removed":50,"clusters":41}
 *
 * read, written, rejected and malformed are the counts of the record
 * reader (rec_totals in record.h), the figures of -v.  A command, or the
 * lib/ code that counts for its -v summary, sets its own figures with
 * runstats_set_int and the like, from the main thread.
 */

/*
 * Keep the run's figures and have them written to path at the end of the
 * program (path is borrowed: an argv string).  The clock of "seconds"
 * and "started" starts here.  opt_common() calls it for --stats; a
 * second call only changes the path.
 */
void	 runstats_start(const char *path);

/* Whether runstats_start was called. */
int	 runstats_on(void);

/*
 * Set one of the tool's own figures: an integer, a real, a string (UTF-8,
 * copied) or any JSON value (runstats_set steals the reference, even
 * when it does nothing).  A key set again keeps its place and takes the
 * new value.  A key that is one of the common figures ("tool", "status",
 * "read" ...) is not written.  Without runstats_start they do nothing
 * and allocate nothing.
 */
void	 runstats_set_int(const char *key, long long v);
void	 runstats_set_real(const char *key, double v);
void	 runstats_set_str(const char *key, const char *s);
void	 runstats_set(const char *key, json_t *v);

/*
 * The figures of the run as they are now, with status as the exit
 * status: a new reference, or NULL when memory ran out.  Seconds are
 * rounded to the millisecond.
 */
json_t	*runstats_json(int status);

/*
 * Write runstats_json(status) and a newline to path: a regular file (or
 * a new one) is replaced atomically (iox_atomic_open: a temporary file
 * in its directory, fsync, rename); a path that names something else
 * that exists (/dev/stderr, a FIFO) is written in place.  Returns 0, or
 * -1 with "PATH: reason" in err.
 */
int	 runstats_write(const char *path, int status, struct buf *err);

#endif
