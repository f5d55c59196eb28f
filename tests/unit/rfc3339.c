/* rfc3339.c -- unit tests of lib/text/rfc3339: times written and read */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/text/rfc3339.h"

static int failures;

#define FAIL(...) do {							\
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	failures++;							\
} while (0)

int
main(void)
{
	char when[RFC3339_LEN];

	if (strcmp(rfc3339_format(when, 0), "1970-01-01T00:00:00Z") != 0 ||
	    strcmp(rfc3339_format(when, 1735689599),
	    "2024-12-31T23:59:59Z") != 0)
		FAIL("rfc3339_format: %s", when);
	if (rfc3339_seconds("1970-01-01") != 0 ||
	    rfc3339_seconds("2024-12-31T23:59:59Z") != 1735689599 ||
	    rfc3339_seconds("2025-01-01T01:00:00+01:00") != 1735689600 ||
	    rfc3339_seconds("2024-12-31t23:00:00.5-01:00") != 1735689600.5 ||
	    !isnan(rfc3339_seconds("yesterday")))
		FAIL("rfc3339_seconds");
	if (failures) {
		fprintf(stderr, "rfc3339: %d failures\n", failures);
		return 1;
	}
	return 0;
}
