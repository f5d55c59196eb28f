/* iox.c -- checked I/O, quiet SIGPIPE, atomic file replace, writer locks */
/* SPDX-License-Identifier: MIT */

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/iox.h"
#include "lib/xmem.h"

void
iox_write_failed(void)
{
	int e = errno;

	if (e == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	fprintf(stderr, "%s: write error: %s\n", diag_prog(),
	    e ? strerror(e) : "unknown error");
	_exit(ETV_SYS);
}

void
iox_write(FILE *fp, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, fp) != n)
		iox_write_failed();
}

char *
iox_slurp(const char *path, size_t *lenp)
{
	struct buf b = BUF_INIT;
	FILE *fp;
	size_t n;
	int e;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		buf_grow(&b, 65536);
		n = fread(b.data + b.len, 1, b.cap - b.len - 1, fp);
		b.len += n;
		b.data[b.len] = '\0';
		if (n == 0)
			break;
	}
	e = ferror(fp) ? errno : 0;
	if (fp != stdin)
		fclose(fp);
	if (e) {
		buf_release(&b);
		errno = e;
		return NULL;
	}
	return buf_detach(&b, lenp);
}

int
iox_atomic_open(struct iox_atomic *a, const char *path)
{
	struct buf b = BUF_INIT;
	int fd;

	memset(a, 0, sizeof(*a));
	/* mkstemp(3) replaces the six X's with a unique name. */
	buf_printf(&b, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(b.data)) == -1) {
		buf_release(&b);
		return -1;
	}
	/* mkstemp makes 0600; a replaced file should get the usual mode. */
	{
		mode_t um = umask(0);

		umask(um);
		(void)fchmod(fd, 0666 & ~um);	/* best effort: 0600 is safe */
	}
	if ((a->fp = fdopen(fd, "wb")) == NULL) {
		close(fd);
		unlink(b.data);
		buf_release(&b);
		return -1;
	}
	a->tmp = buf_detach(&b, NULL);
	a->path = xstrdup(path);
	return 0;
}

static void
atomic_free(struct iox_atomic *a)
{
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	a->fp = NULL;
}

/* fsync the directory holding path, so that a rename survives a crash. */
static int
sync_dir(const char *path)
{
	char *copy, *dir;
	int fd, r;

	copy = xstrdup(path);
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1) {
		free(copy);
		return -1;
	}
	r = fsync(fd);
	close(fd);
	free(copy);
	return r;
}

int
iox_atomic_commit(struct iox_atomic *a)
{
	int e;

	if (fflush(a->fp) == EOF || ferror(a->fp) || fsync(fileno(a->fp)) == -1)
		goto fail;
	if (fclose(a->fp) == EOF) {
		a->fp = NULL;
		goto fail;
	}
	a->fp = NULL;
	if (rename(a->tmp, a->path) == -1)
		goto fail;
	if (sync_dir(a->path) == -1)
		goto fail;
	atomic_free(a);
	return 0;
fail:
	e = errno;
	iox_atomic_abort(a);
	errno = e;
	return -1;
}

void
iox_atomic_abort(struct iox_atomic *a)
{
	if (a->fp)
		fclose(a->fp);
	if (a->tmp)
		unlink(a->tmp);
	atomic_free(a);
}

int
iox_lock(const char *path, int wait)
{
	struct buf b = BUF_INIT;
	int fd, e;

	buf_printf(&b, "%s.lock", path);
	fd = open(b.data, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	buf_release(&b);
	if (fd == -1)
		return -1;
	while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
iox_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
