/* progress.c -- a progress line on stderr for long runs */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/opt.h"
#include "lib/progress.h"
#include "lib/xmem.h"

struct progress {
	unsigned long long total;	/* bytes expected, 0 if unknown */
	unsigned long long bytes;	/* bytes read so far */
	unsigned long	 records;	/* records handled so far */
	double		 start;		/* when the meter started */
	double		 last;		/* when the line was last drawn */
	int		 drawn;		/* a line is on the screen */
	int		 tty;		/* stderr is a terminal: use \r */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct progress *
progress_new(unsigned long long total)
{
	struct progress *p;
	int tty = isatty(2);

	if (diag_quiet || !(tty || opt.progress))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->total = total;
	p->start = p->last = now();
	p->tty = tty;
	return p;
}

static void
draw(struct progress *p, double t)
{
	double el = t - p->start, rate;
	long eta;

	rate = el > 0 ? p->bytes / el : 0;
	fprintf(stderr, "%s%s: %lu records, %.1f MB, %.1f MB/s",
	    p->tty ? "\r" : "", diag_prog(), p->records, p->bytes / 1e6,
	    rate / 1e6);
	if (p->total && p->bytes <= p->total && rate > 0) {
		eta = (long)((p->total - p->bytes) / rate);
		fprintf(stderr, ", %d%% ETA %ld:%02ld",
		    (int)(100.0 * p->bytes / p->total), eta / 60, eta % 60);
	}
	fputs(p->tty ? "\033[K" : "\n", stderr);
	p->drawn = 1;
	p->last = t;
}

void
progress_add(struct progress *p, unsigned long records,
    unsigned long long bytes)
{
	double t;

	if (p == NULL)
		return;
	p->records += records;
	p->bytes += bytes;
	/* Look at the clock only every 1024 records or on a byte update. */
	if (bytes == 0 && (p->records & 1023) != 0)
		return;
	t = now();
	if (t - p->last >= (p->tty ? 0.2 : 1.0))
		draw(p, t);
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	/* On a terminal the line goes; in a log the final count stays. */
	if (p->drawn && p->tty)
		fputs("\r\033[K", stderr);
	else if (!p->tty)
		draw(p, now());
	free(p);
}
