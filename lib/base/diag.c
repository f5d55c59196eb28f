/* diag.c -- program name, diagnostics, worst-status tracking */
/* SPDX-License-Identifier: MIT */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/base/utf8.h"

int		diag_quiet;
int		diag_verbosity;
static const char *prog = "etv";
static int	worst;
static void	(*end_fn)(int);	/* diag_set_end() */

static void
oom(void)
{
	diag_fail(ETV_SYS, "out of memory");
}

void
diag_init(char *argv0)
{
	char *p;

	xmem_oom = oom;
	if (argv0 && *argv0) {
		/*
		 * getopt(3) names the program by argv[0] in its own messages;
		 * shorten the string in place so that they too start with
		 * "etv-chunk:", not "./build/etv-chunk:".
		 */
		if ((p = strrchr(argv0, '/')) != NULL && p[1] != '\0')
			memmove(argv0, p + 1, strlen(p + 1) + 1);
		prog = argv0;
	}
}

const char *
diag_prog(void)
{
	return prog;
}

void
diag_status(int st)
{
	if (st > worst)
		worst = st;
}

int
diag_worst(void)
{
	return worst;
}

static void (*status_fn)(struct buf *);	/* diag_set_status() */

int
diag_tty(void)
{
	static int tty = -1;
	const char *term;

	if (tty == -1) {
		term = getenv("TERM");
		tty = isatty(2) && !(term && strcmp(term, "dumb") == 0);
	}
	return tty;
}

void
diag_set_status(void (*fn)(struct buf *))
{
	status_fn = fn;
}

void
diag_set_end(void (*fn)(int))
{
	end_fn = fn;
}

/*
 * Call the end function once.  It is taken out first, so that a failure
 * inside it (out of memory: diag_fail) ends the program without calling
 * it again; the exchange is atomic for a worker thread that fails while
 * the main thread ends.
 */
static void
run_end(void)
{
	void (*fn)(int);

	fn = __atomic_exchange_n(&end_fn, NULL, __ATOMIC_SEQ_CST);
	if (fn != NULL)
		fn(worst);
}

/*
 * Print messages on stderr with a single write, so that they cannot mix
 * with other writers' lines: on a terminal, after erasing the progress
 * line and, unless the program is ending, followed by it again.
 */
static void
put(const char *msgs, int ending)
{
	struct buf b = BUF_INIT;
	void (*fn)(struct buf *) = status_fn;

	fflush(stdout);
	if (!diag_tty()) {
		fputs(msgs, stderr);
		return;
	}
	buf_adds(&b, "\r\033[K");
	buf_adds(&b, msgs);
	if (fn && !ending)
		fn(&b);
	fputs(b.data, stderr);
	buf_release(&b);
}

void
diag_puts(const char *msgs)
{
	put(msgs, 0);
}

static void
emit(const char *file, unsigned long line, int ending, const char *fmt,
    va_list ap)
{
	struct buf b = BUF_INIT;

	diag_vformat(&b, file, line, fmt, ap);
	put(b.data, ending);
	buf_release(&b);
}

void
diag_escape(struct buf *b, const char *s, size_t n)
{
	size_t i, adv;
	int32_t cp;

	for (i = 0; i < n; i += adv) {
		cp = utf8_decode(s + i, n - i, &adv);
		if (cp == '\n')
			buf_adds(b, "\\n");
		else if (cp == '\r')
			buf_adds(b, "\\r");
		else if (cp == '\t')
			buf_adds(b, "\\t");
		else if (cp < 0 || cp < 0x20 || cp == 0x7f)
			buf_printf(b, "\\x%02x", (unsigned char)s[i]);
		else if ((cp >= 0x80 && cp < 0xa0) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			/* C1 controls (CSI) and bidirectional overrides. */
			buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			buf_add(b, s + i, adv);
	}
}

void
diag_vformat(struct buf *b, const char *file, unsigned long line,
    const char *fmt, va_list ap)
{
	struct buf m = BUF_INIT;

	/*
	 * File names, field names, ids and values come from the input: a
	 * name holding a newline could forge a line of its own, one holding
	 * ESC could drive the terminal.  The whole line is escaped here, so
	 * that no caller has to remember it.
	 */
	buf_printf(b, "%s: ", prog);
	if (file) {
		diag_escape(b, file, strlen(file));
		if (line)
			buf_printf(b, ":%lu", line);
		buf_adds(b, ": ");
	}
	buf_vprintf(&m, fmt, ap);
	if (m.len)
		diag_escape(b, m.data, m.len);
	buf_release(&m);
	buf_addc(b, '\n');
}

void
diag_format(struct buf *b, const char *file, unsigned long line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vformat(b, file, line, fmt, ap);
	va_end(ap);
}

void
diag_warn(const char *fmt, ...)
{
	va_list ap;

	if (diag_quiet)
		return;
	va_start(ap, fmt);
	emit(NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void
diag_error(int st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, 0, fmt, ap);
	va_end(ap);
	diag_status(st);
}

void
diag_verbose(int level, const char *fmt, ...)
{
	va_list ap;

	if (diag_verbosity < level)
		return;
	va_start(ap, fmt);
	emit(NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void
diag_fail(int st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, 1, fmt, ap);
	va_end(ap);
	diag_status(st);
	/* What was written so far is complete records: let it out. */
	if (fflush(stdout) == EOF)
		diag_write_failed();
	run_end();
	exit(worst);
}

void
diag_at(int st, const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(file, line, 0, fmt, ap);
	va_end(ap);
	diag_status(st);
}

void
diag_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, 1, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", prog);
	exit(ETV_USAGE);
}

int
diag_finish(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		diag_write_failed();
	run_end();
	return worst;
}

void
diag_write_failed(void)
{
	int e = errno;

	if (e == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	fprintf(stderr, "%s: write error: %s\n", prog,
	    e ? strerror(e) : "unknown error");
	diag_status(ETV_SYS);
	run_end();
	_exit(ETV_SYS);
}
