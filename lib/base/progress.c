/* progress.c -- a progress line on stderr for long runs */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/progress.h"
#include "lib/base/xmem.h"

struct progress {
	unsigned long long total;	/* bytes or steps expected, 0 unknown */
	unsigned long long bytes;	/* bytes read, or steps done */
	unsigned long	 records;	/* records handled so far */
	const char	*what;		/* phase name, NULL for records */
	double		 start;		/* when the meter started */
	double		 last;		/* when the line was last drawn */
	int		 drawn;		/* a line is on the screen */
	int		 tty;		/* stderr is a terminal: use \r */
	int		 outtty;	/* stdout is a terminal too */
	char		 line[160];	/* the text last drawn */
};

/*
 * The meter whose line is on the screen, for diag's messages and for the
 * exit handler; the lock keeps a message from another thread from reading
 * the line while it is rewritten.
 */
static struct progress *live;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* diag's hook: the line again after a message, in the same write. */
static void
status_line(struct buf *b)
{
	pthread_mutex_lock(&lock);
	if (live && live->drawn) {
		buf_adds(b, live->line);
		buf_adds(b, "\033[K");
	}
	pthread_mutex_unlock(&lock);
}

/* Leave no line behind when the process exits in the middle of a run. */
static void
at_exit(void)
{
	if (live && live->drawn && live->tty)
		fputs("\r\033[K", stderr);
}

/* progress_always(): --progress. */
static int always;

void
progress_always(int on)
{
	always = on;
}

static int
wanted(void)
{
	struct stat st;

	if (diag_quiet)
		return 0;
	if (always)
		return 1;
	if (!diag_tty())
		return 0;
	/*
	 * Every stage of a pipeline shares the terminal: only the one whose
	 * output does not go on down a pipe draws.
	 */
	if (fstat(1, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode)))
		return 0;
	return 1;
}

static struct progress *
meter(const char *what, unsigned long long total)
{
	static int registered;
	struct progress *p;

	if (!wanted())
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->total = total;
	p->what = what;
	p->start = p->last = now();
	p->tty = diag_tty();
	p->outtty = p->tty && isatty(1);
	if (p->tty) {
		pthread_mutex_lock(&lock);
		live = p;
		pthread_mutex_unlock(&lock);
		diag_set_status(status_line);
		if (!registered && atexit(at_exit) == 0)
			registered = 1;
	}
	return p;
}

struct progress *
progress_new(unsigned long long total)
{
	return meter(NULL, total);
}

struct progress *
progress_steps(const char *what, unsigned long long n)
{
	return meter(what, n);
}

static void
draw(struct progress *p, double t)
{
	double el = t - p->start, rate, done;
	size_t n = sizeof(p->line), k;
	long eta = -1;

	rate = el > 0 ? p->bytes / el : 0;
	done = p->total ? (double)p->bytes / p->total : 0;
	if (p->total && p->bytes <= p->total && rate > 0)
		eta = (long)((p->total - p->bytes) / rate);
	pthread_mutex_lock(&lock);
	if (p->what)
		k = (size_t)snprintf(p->line, n, "%s: %s %llu", diag_prog(),
		    p->what, p->bytes);
	else
		k = (size_t)snprintf(p->line, n, "%s: %lu records, %.1f MB, "
		    "%.1f MB/s", diag_prog(), p->records, p->bytes / 1e6,
		    rate / 1e6);
	if (k < n && p->what && p->total)
		k += (size_t)snprintf(p->line + k, n - k, "/%llu (%d%%)",
		    p->total, (int)(100 * done));
	else if (k < n && eta >= 0)
		k += (size_t)snprintf(p->line + k, n - k, ", %d%%",
		    (int)(100 * done));
	if (k < n && eta >= 0)
		snprintf(p->line + k, n - k, " ETA %ld:%02ld", eta / 60,
		    eta % 60);
	/* One write, so that no other stage's message can land inside. */
	fprintf(stderr, p->tty ? "\r%s\033[K" : "%s\n", p->line);
	p->drawn = 1;
	p->last = t;
	pthread_mutex_unlock(&lock);
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
progress_set(struct progress *p, unsigned long long done)
{
	double t;

	if (p == NULL)
		return;
	p->bytes = done;
	t = now();
	if (t - p->last >= (p->tty ? 0.2 : 1.0))
		draw(p, t);
}

void
progress_hide(struct progress *p)
{
	if (p == NULL || !p->drawn || !p->outtty)
		return;
	fputs("\r\033[K", stderr);
	p->drawn = 0;
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
	pthread_mutex_lock(&lock);
	if (live == p) {
		live = NULL;
		diag_set_status(NULL);
	}
	pthread_mutex_unlock(&lock);
	free(p);
}
