/* strmap.c -- unit tests of lib/base/strmap */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <string.h>

#include "lib/base/strmap.h"
#include "tests/unit/unit.h"

int
main(void)
{
	struct strmap *m = strmap_new();
	char key[32];
	const char *k;
	size_t n, i;
	int isnew, ok;

	CHECK(strmap_count(m) == 0);
	CHECK(strmap_find(m, "a", 1) == -1);
	/* Numbers in the order strings first come; the same string, the
	 * same number. */
	CHECK(strmap_intern(m, "apple", 5, &isnew) == 0 && isnew);
	CHECK(strmap_intern(m, "pear", 4, &isnew) == 1 && isnew);
	CHECK(strmap_intern(m, "apple", 5, &isnew) == 0 && !isnew);
	CHECK(strmap_intern(m, "app", 3, NULL) == 2);
	CHECK(strmap_count(m) == 3);
	k = strmap_key(m, 1, &n);
	CHECK_MEM(k, n, "pear");
	CHECK(k[n] == '\0');
	/* Any bytes: NUL inside, the empty string. */
	CHECK(strmap_intern(m, "a\0b", 3, &isnew) == 3 && isnew);
	CHECK(strmap_intern(m, "a\0c", 3, &isnew) == 4 && isnew);
	CHECK(strmap_find(m, "a\0b", 3) == 3);
	CHECK(strmap_intern(m, "", 0, &isnew) == 5 && isnew);
	CHECK(strmap_find(m, "", 0) == 5);
	k = strmap_key(m, 5, &n);
	CHECK(n == 0 && k[0] == '\0');
	/* Growing keeps every number. */
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "key %zu", i);
		strmap_intern(m, key, strlen(key), NULL);
	}
	CHECK(strmap_count(m) == 100006);
	for (i = 0, ok = 1; i < 100000; i++) {
		snprintf(key, sizeof(key), "key %zu", i);
		if (strmap_find(m, key, strlen(key)) != (long)i + 6)
			ok = 0;
		k = strmap_key(m, (uint32_t)i + 6, &n);
		if (n != strlen(key) || memcmp(k, key, n) != 0)
			ok = 0;
	}
	CHECK(ok);
	CHECK(strmap_find(m, "pear", 4) == 1);
	CHECK(strmap_find(m, "key 100000", 10) == -1);
	CHECK(strmap_memory(m) > 100000 * 8);
	strmap_free(m);
	strmap_free(NULL);
	return unit_done("strmap");
}
