/* iox.c -- unit tests of lib/base/iox.c and lib/base/hash.c */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/hash.h"
#include "lib/base/iox.h"
#include "tests/unit/unit.h"

static void
test_atomic(const char *dir)
{
	struct iox_atomic a;
	char path[512], *s;
	size_t n;

	snprintf(path, sizeof(path), "%s/f", dir);
	CHECK(iox_atomic_open(&a, path) == 0);
	fputs("old", a.fp);
	CHECK(iox_atomic_commit(&a) == 0);
	s = iox_slurp(path, &n);
	CHECK_MEM(s, n, "old");
	free(s);
	/* An aborted replacement leaves the old file and no debris. */
	CHECK(iox_atomic_open(&a, path) == 0);
	fputs("new", a.fp);
	iox_atomic_abort(&a);
	s = iox_slurp(path, &n);
	CHECK_MEM(s, n, "old");
	free(s);
	CHECK(iox_atomic_open(&a, path) == 0);
	fputs("new", a.fp);
	CHECK(iox_atomic_commit(&a) == 0);
	s = iox_slurp(path, &n);
	CHECK_MEM(s, n, "new");
	free(s);
	unlink(path);
}

static void
test_lock(const char *dir)
{
	char path[512];
	int a, b;

	snprintf(path, sizeof(path), "%s/idx", dir);
	a = iox_lock(path, 0);
	CHECK(a >= 0);
	/* A second descriptor cannot take it while the first holds it. */
	b = iox_lock(path, 0);
	CHECK(b == -1 && errno == EWOULDBLOCK);
	iox_unlock(a);
	b = iox_lock(path, 0);
	CHECK(b >= 0);
	iox_unlock(b);
	snprintf(path, sizeof(path), "%s/idx.lock", dir);
	unlink(path);
}

/*
 * A writer waiting on the lock while its holder removes the lock file
 * (a run that made it and left no index) must end up holding the lock
 * that the name leads to, not one on the removed file.
 */
static void
test_lock_removed(const char *dir)
{
	char path[512], lockpath[512], c;
	int a, b, p[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/gone", dir);
	snprintf(lockpath, sizeof(lockpath), "%s/gone.lock", dir);
	a = iox_lock(path, 0);
	CHECK(a >= 0 && pipe(p) == 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		close(a);	/* the parent's lock is the parent's */
		b = iox_lock(path, 1);	/* waits for a */
		(void)write(p[1], b >= 0 ? "y" : "n", 1);
		sleep(2);
		_exit(0);
	}
	close(p[1]);
	usleep(200000);			/* the child is waiting */
	unlink(lockpath);
	iox_unlock(a);
	CHECK(read(p[0], &c, 1) == 1 && c == 'y');
	/* The child holds the lock of the name: no one else may take it. */
	b = iox_lock(path, 0);
	CHECK(b == -1 && errno == EWOULDBLOCK);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	close(p[0]);
	unlink(lockpath);
}

/* Write s to path through iox_atomic; returns what commit returned. */
static int
replace(const char *path, const char *s)
{
	struct iox_atomic a;

	if (iox_atomic_open(&a, path) == -1)
		return -2;
	fputs(s, a.fp);
	return iox_atomic_commit(&a);
}

static void
test_keep(const char *dir)
{
	char path[512], link[512], tmp[600], *s;
	struct stat st;
	size_t n;

	snprintf(path, sizeof(path), "%s/k", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	CHECK(replace(path, "1") == 0);
	/* The mode of the file replaced is kept. */
	CHECK(chmod(path, 0640) == 0);
	CHECK(replace(path, "2") == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	CHECK(chmod(path, 0604) == 0);
	CHECK(replace(path, "3") == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0604);
	/* A link is written through: the target changes, the link stays. */
	CHECK(symlink("k", link) == 0);
	CHECK(replace(link, "4") == 0);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	s = iox_slurp(path, &n);
	CHECK_MEM(s, n, "4");
	free(s);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0604);
	/* A read-only file is refused, even for root. */
	CHECK(chmod(path, 0444) == 0);
	CHECK(replace(link, "5") == -2 && errno == EACCES);
	CHECK(replace(dir, "5") == -2 && errno == EISDIR);
	s = iox_slurp(path, &n);
	CHECK_MEM(s, n, "4");
	free(s);
	/* Stale temporary files of the name go, nothing else does. */
	snprintf(tmp, sizeof(tmp), "%s/k.tmpAbC123", dir);
	CHECK(replace(tmp, "") == 0);
	snprintf(tmp, sizeof(tmp), "%s/k.tmpAbC12", dir);
	CHECK(replace(tmp, "") == 0);
	CHECK(iox_atomic_sweep(link) == 1);
	CHECK(iox_atomic_sweep(path) == 0);
	CHECK(unlink(tmp) == 0);
	unlink(link);
	unlink(path);
}

static void
test_hash(void)
{
	char tag[HASH_TAG_LEN + 1];

	/* Reference values of XXH3-64 with seed 0. */
	CHECK(strcmp(hash_tag(tag, "", 0), "xxh3:2d06800538d394c2") == 0);
	CHECK(strlen(hash_tag(tag, "hello", 5)) == HASH_TAG_LEN);
	CHECK(hash64("a", 1) != hash64("b", 1));
	CHECK(hash64_seed("a", 1, 1) != hash64("a", 1));
}

int
main(void)
{
	char dir[] = "/tmp/etv-unit-ioxXXXXXX";

	if (mkdtemp(dir) == NULL)
		return 2;
	test_atomic(dir);
	test_lock(dir);
	test_lock_removed(dir);
	test_keep(dir);
	test_hash();
	CHECK(iox_slurp("/nonexistent/file", NULL) == NULL && errno == ENOENT);
	rmdir(dir);
	return unit_done("iox");
}
