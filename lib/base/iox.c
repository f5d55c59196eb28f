/* iox.c -- checked I/O, quiet SIGPIPE, atomic file replace, writer locks */
/* SPDX-License-Identifier: MIT */

#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"

void
iox_write(FILE *fp, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, fp) != n)
		diag_write_failed();
}

void
iox_write_part(FILE *fp, const void *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	iox_write(fp, &len, sizeof(len));
	iox_write(fp, p, n);
}

void
iox_read_part(FILE *fp, struct buf *b)
{
	uint32_t len;

	buf_reset(b);
	if (fread(&len, sizeof(len), 1, fp) != 1)
		diag_fail(ETV_SYS, "temporary file: %s", ferror(fp) ?
		    strerror(errno) : "cut short");
	buf_grow(b, len);
	if (len > 0 && fread(b->data, 1, len, fp) != len)
		diag_fail(ETV_SYS, "temporary file: %s", ferror(fp) ?
		    strerror(errno) : "cut short");
	b->len = len;
	b->data[len] = '\0';
}

FILE *
iox_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	struct buf b = BUF_INIT;
	FILE *fp = NULL;
	int fd, e;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	buf_printf(&b, "%s/etv.XXXXXX", dir);
	if ((fd = mkstemp(b.data)) != -1) {
		unlink(b.data);
		if ((fp = fdopen(fd, "w+")) == NULL) {
			e = errno;
			close(fd);
			errno = e;
		}
	}
	buf_release(&b);
	return fp;
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

/*
 * The file that path names once symbolic links are followed, as a new
 * string (caller frees): path itself when it is no link.  The target need
 * not exist.  A loop of links leaves the last name reached.
 */
static char *
resolve(const char *path)
{
	struct stat st;
	struct buf b = BUF_INIT;
	char *cur, *dir, *tgt;
	ssize_t n;
	int i;

	cur = xstrdup(path);
	for (i = 0; i < 40 && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode);
	    i++) {
		tgt = xmalloc((size_t)st.st_size + 2);
		n = readlink(cur, tgt, (size_t)st.st_size + 1);
		if (n <= 0 || n > st.st_size) {
			free(tgt);
			break;
		}
		tgt[n] = '\0';
		buf_reset(&b);
		if (tgt[0] != '/' && strchr(cur, '/') != NULL) {
			dir = xstrdup(cur);
			buf_printf(&b, "%s/%s", dirname(dir), tgt);
			free(dir);
		} else
			buf_adds(&b, tgt);
		free(tgt);
		free(cur);
		cur = xstrdup(b.data);
	}
	buf_release(&b);
	return cur;
}

/*
 * Give the new file fd the owner, group and mode of the file it replaces
 * (st), as far as the process may.  When the group cannot be kept, the
 * group bits go: they would otherwise grant the process's own group what
 * only the old group had.
 */
static void
keep_mode(int fd, const struct stat *st)
{
	mode_t mode = st->st_mode & 0777;

	if (fchown(fd, st->st_uid, st->st_gid) == -1 &&
	    fchown(fd, (uid_t)-1, st->st_gid) == -1)
		mode &= ~(mode_t)070;
	(void)fchmod(fd, mode);		/* best effort: 0600 is safe */
}

int
iox_atomic_open(struct iox_atomic *a, const char *path)
{
	struct buf b = BUF_INIT;
	struct stat st;
	char *target;
	int fd, old;

	memset(a, 0, sizeof(*a));
	target = resolve(path);
	if ((old = stat(target, &st) == 0)) {
		if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IWUSR) ||
		    faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) == -1) {
			/* Not a file this process may overwrite. */
			errno = S_ISDIR(st.st_mode) ? EISDIR :
			    !S_ISREG(st.st_mode) ? EINVAL : EACCES;
			free(target);
			return -1;
		}
	} else if (errno != ENOENT) {
		free(target);
		return -1;
	}
	/* mkstemp(3) replaces the six X's with a unique name. */
	buf_printf(&b, "%s.tmpXXXXXX", target);
	if ((fd = mkstemp(b.data)) == -1) {
		buf_release(&b);
		free(target);
		return -1;
	}
	if (old)
		keep_mode(fd, &st);
	else {
		/* mkstemp makes 0600; a new file gets the usual mode. */
		mode_t um = umask(0);

		umask(um);
		(void)fchmod(fd, 0666 & ~um);	/* best effort: 0600 is safe */
	}
	if ((a->fp = fdopen(fd, "wb")) == NULL) {
		close(fd);
		unlink(b.data);
		buf_release(&b);
		free(target);
		return -1;
	}
	a->tmp = buf_detach(&b, NULL);
	a->path = target;
	return 0;
}

int
iox_atomic_sweep(const char *path)
{
	struct dirent *de;
	struct stat st;
	char *target, *d, *dir, *base;
	size_t n, i;
	DIR *dp;
	int fd, count = 0;

	target = resolve(path);
	d = xstrdup(target);
	dir = dirname(d);
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	n = strlen(base);
	if ((dp = opendir(dir)) == NULL) {
		free(d);
		free(target);
		return -1;
	}
	fd = dirfd(dp);
	while ((de = readdir(dp)) != NULL) {
		/* NAME.tmp and the six characters mkstemp(3) chose. */
		if (strlen(de->d_name) != n + 10 ||
		    strncmp(de->d_name, base, n) != 0 ||
		    strncmp(de->d_name + n, ".tmp", 4) != 0)
			continue;
		for (i = n + 4; i < n + 10; i++)
			if (!isalnum((unsigned char)de->d_name[i]))
				break;
		if (i < n + 10 || fstatat(fd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0)
			count++;
	}
	closedir(dp);
	free(d);
	free(target);
	return count;
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
	struct stat held, named;
	char *target;
	int fd = -1, e;

	target = resolve(path);
	buf_printf(&b, "%s.lock", target);
	free(target);
	for (;;) {
		fd = open(b.data, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		    0666);
		if (fd == -1)
			break;
		while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			fd = -1;
			goto out;
		}
		/*
		 * A writer that made the lock file may remove it when its
		 * run leaves no index: a lock taken on the removed file
		 * excludes no one.  Keep it only if the name still leads to
		 * the file locked; else take the lock again.
		 */
		if (fstat(fd, &held) == 0 && stat(b.data, &named) == 0 &&
		    held.st_dev == named.st_dev && held.st_ino == named.st_ino)
			break;
		close(fd);
	}
out:
	buf_release(&b);
	if (fd == -1)
		return -1;
	/*
	 * Only now is it certain that no writer is using a temporary file
	 * of path: those left are a killed writer's.  Best effort.
	 */
	(void)iox_atomic_sweep(path);
	return fd;
}

void
iox_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
