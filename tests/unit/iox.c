/* iox.c -- unit tests of lib/iox.c and lib/hash.c */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hash.h"
#include "lib/iox.h"
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
	test_hash();
	CHECK(iox_slurp("/nonexistent/file", NULL) == NULL && errno == ENOENT);
	rmdir(dir);
	return unit_done("iox");
}
