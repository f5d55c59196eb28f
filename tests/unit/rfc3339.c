/* rfc3339.c -- unit tests of lib/text/rfc3339: times written and read */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <string.h>

#include "lib/text/rfc3339.h"
#include "tests/unit/unit.h"

int
main(void)
{
	char when[RFC3339_LEN];

	CHECK(strcmp(rfc3339_format(when, 0), "1970-01-01T00:00:00Z") == 0);
	CHECK(strcmp(rfc3339_format(when, 1735689599),
	    "2024-12-31T23:59:59Z") == 0);
	CHECK(rfc3339_seconds("1970-01-01") == 0);
	CHECK(rfc3339_seconds("2024-12-31T23:59:59Z") == 1735689599);
	CHECK(rfc3339_seconds("2025-01-01T01:00:00+01:00") == 1735689600);
	CHECK(rfc3339_seconds("2024-12-31t23:00:00.5-01:00") ==
	    1735689600.5);
	CHECK(isnan(rfc3339_seconds("yesterday")));
	return unit_done("rfc3339");
}
