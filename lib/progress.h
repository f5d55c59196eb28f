/* progress.h -- a progress line on stderr for long runs */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_PROGRESS_H
#define ETV_PROGRESS_H

struct progress;

/*
 * Start a progress meter when stderr is a terminal or --progress was
 * given, and -q was not; otherwise return NULL (every function accepts
 * NULL and does nothing).  total is the number of input bytes expected,
 * or 0 when unknown; with it the line shows a percentage and an ETA.
 */
struct progress *progress_new(unsigned long long total);

/*
 * Count records and bytes.  The line is redrawn at most five times a
 * second: "etv-chunk: 12034 records, 48.1 MB, 30.2 MB/s, 40% ETA 0:12".
 */
void	 progress_add(struct progress *, unsigned long records,
	    unsigned long long bytes);

/*
 * Free the meter: on a terminal the line is erased; otherwise (--progress
 * into a file or pipe) a final line is written.  NULL is accepted.
 */
void	 progress_free(struct progress *);

#endif
