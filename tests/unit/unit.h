/* unit.h -- a minimal assertion harness for the C unit tests of lib/ */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_UNIT_H
#define ETV_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed, unit_run;

/* Check a condition; report the expression and its place when it fails. */
#define CHECK(cond) do { \
	unit_run++; \
	if (!(cond)) { \
		unit_failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
		    __LINE__, #cond); \
	} \
} while (0)

/* Compare a byte range with a C string. */
#define CHECK_MEM(p, n, s) CHECK((n) == strlen(s) && memcmp((p), (s), (n)) == 0)

/* Print the totals and return the exit status for main(). */
static inline int
unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_run, unit_failed);
	return unit_failed != 0;
}

#endif
