/* diag.h -- program name, diagnostics, worst-status tracking, exit codes */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_DIAG_H
#define ETV_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "lib/base/buf.h"

/*
 * Exit statuses, ordered so that the worst seen is the largest.  The
 * process exits with MAX of every status recorded by diag_status().
 */
enum {
	ETV_OK = 0,	/* all input read, every record accepted */
	ETV_REJECT = 1,	/* a well-formed record was rejected on its merits */
	ETV_USAGE = 2,	/* bad option or operand; no input consumed */
	ETV_DATA = 3,	/* malformed input */
	ETV_SYS = 4	/* I/O, system or internal failure */
};

/* -q and -v: set by opt_common(); read by diag_warn and diag_verbose. */
extern int	diag_quiet;
extern int	diag_verbosity;

/*
 * Remember the program name: argv[0] is cut down to its base name in
 * place, so that getopt's own messages use it too.  Call first.
 */
void	 diag_init(char *argv0);

/* The program name, e.g. "etv-chunk". */
const char *diag_prog(void);

/* Record a status; the exit status is the worst recorded. */
void	 diag_status(int);

/* The worst status recorded so far. */
int	 diag_worst(void);

/*
 * Print "prog: message" on stderr.  diag_warn is silenced by -q and does
 * not change the status; diag_error records the given status.
 */
void	 diag_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 diag_error(int status, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Print "prog: message" on stderr when -v was given at least level times. */
void	 diag_verbose(int level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Print "prog: message" and exit with status.  Never returns. */
void	 diag_fail(int status, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Print "prog: FILE:LINE: message" and record status.  With line 0 the
 * ":LINE" part is left out; with file NULL both are.
 */
void	 diag_at(int status, const char *file, unsigned long line,
	    const char *, ...) __attribute__((format(printf, 4, 5)));

/*
 * Append "prog: FILE:LINE: message\n" to a buffer instead of printing it:
 * worker threads format their messages this way and the main thread
 * prints them in input order.
 */
void	 diag_format(struct buf *, const char *file, unsigned long line,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
void	 diag_vformat(struct buf *, const char *file, unsigned long line,
	    const char *, va_list);

/*
 * Print lines already formatted by diag_format (a worker's messages) on
 * stderr, as diag_warn prints its own.
 */
void	 diag_puts(const char *);

/*
 * Whether stderr is a terminal that understands "\r" and "ESC[K" (TERM
 * is not "dumb").  There, every message starts by erasing the line the
 * cursor is on, where a progress line of this or another stage of the
 * pipeline may be, so that it starts in the first column.
 */
int	 diag_tty(void);

/*
 * Set (or with NULL clear) the function that appends the current status
 * line (lib/progress) to a buffer: after a message that does not end the
 * program, the line is drawn again, in the same write as the message.
 */
void	 diag_set_status(void (*)(struct buf *));

/*
 * Append s[0..n) to b with what could forge a line or drive a terminal
 * escaped: newline, CR and tab as \n, \r, \t; other control bytes and
 * bytes that are not UTF-8 as \xNN; C1 controls and bidirectional
 * overrides as \uNNNN.  Every diagnostic passes through it (file names,
 * field names and values in messages come from the input).
 */
void	 diag_escape(struct buf *, const char *s, size_t n);

/*
 * Print a usage error: the message, then "Try 'prog --help'.", and exit
 * with ETV_USAGE.
 */
void	 diag_usage(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

/*
 * Flush and check stdout (a failed write is ETV_SYS, EPIPE a quiet
 * SIGPIPE death), call the function set by diag_set_end, and return the
 * worst status, for main() to return.
 */
int	 diag_finish(void);

/*
 * Set (or with NULL clear) the function called once at the end of the
 * program with the status it ends with: by diag_finish, by diag_fail and
 * by diag_write_failed (other than EPIPE), just before the process ends.
 * Usage errors (diag_usage), --help and --version, and deaths by signal
 * do not call it.  It may record a worse status (diag_error), which is
 * then the exit status.  lib/json/runstats writes --stats with it.
 */
void	 diag_set_end(void (*)(int status));

/*
 * Handle a failed write to an output stream: on EPIPE restore the default
 * SIGPIPE disposition and raise it (a quiet death, as when the reader of a
 * pipe goes away); otherwise print "write error" and exit with ETV_SYS.
 * Never returns.
 */
void	 diag_write_failed(void) __attribute__((noreturn));

#endif
