/* progress.h -- a progress line on stderr for long runs */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_PROGRESS_H
#define ETV_PROGRESS_H

struct progress;

/*
 * Who draws.  -q: nobody.  --progress: always (on a terminal as a line
 * redrawn in place, otherwise as a line a second, as in a log).  Else a
 * tool draws only when stderr is a terminal and its stdout is not a pipe
 * or a socket: in "extract | chunk | embed | index add" on a terminal
 * only the last stage draws, and a stage writing to a file draws too.
 *
 * On a terminal the line is redrawn at most five times a second.  A
 * message printed through lib/diag first erases it, whichever stage of
 * the pipeline drew it, so that messages stay on lines of their own; the
 * tool that draws puts its line back after its own messages.  The line
 * is erased when the meter is freed or the process exits.
 */

/*
 * The --progress option: with on set, meters are drawn even when stderr
 * is not a terminal or stdout is a pipe (-q still silences them).  The
 * command sets it once, before its first meter (opt_common() does, for
 * the tools' shared --progress).
 */
void	 progress_always(int on);

/*
 * Start a meter of records and bytes, or return NULL when this process
 * does not draw (every function accepts NULL and does nothing).  total
 * is the number of input bytes expected, or 0 when unknown; with it the
 * line shows a percentage and an ETA:
 * "etv-chunk: 12034 records, 48.1 MB, 30.2 MB/s, 40% ETA 0:12".
 */
struct progress *progress_new(unsigned long long total);

/*
 * Start a meter of a phase of n steps, named by what (a static string),
 * or return NULL as progress_new does:
 * "etv-index: linking 41200/87329 (47%) ETA 0:18".
 */
struct progress *progress_steps(const char *what, unsigned long long n);

/* Count records and bytes (a meter from progress_new). */
void	 progress_add(struct progress *, unsigned long records,
	    unsigned long long bytes);

/*
 * Set the steps done (a meter from progress_steps).  Calls must not
 * overlap: from several threads, the caller serialises them.
 */
void	 progress_set(struct progress *, unsigned long long done);

/*
 * Erase the line before the caller writes to stdout, when stdout is the
 * terminal the line is drawn on; the next update draws it again.
 */
void	 progress_hide(struct progress *);

/*
 * Free the meter: on a terminal the line is erased; otherwise (--progress
 * into a file or pipe) a final line is written.  NULL is accepted.
 */
void	 progress_free(struct progress *);

#endif
