/* cp1252.c -- unit tests of lib/text/cp1252: Windows-1252 to UTF-8 */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text/cp1252.h"
#include "tests/unit/unit.h"

int
main(void)
{
	FILE *in = tmpfile(), *out = tmpfile();
	char got[16] = "", *u;
	size_t n;

	/* Windows-1252 as the Web reads Latin-1. */
	u = cp1252_decode("a\xe9\x93\x80\x81\xff", 6, &n);
	CHECK_MEM(u, n, "a\xc3\xa9\xe2\x80\x9c\xe2\x82\xac\xc2\x81\xc3\xbf");
	free(u);
	CHECK(cp1252_cp(0x80) == 0x20ac && cp1252_cp(0x81) == 0x81);
	CHECK(cp1252_cp(0xe9) == 0xe9 && cp1252_cp('a') == 'a');

	fputs("caf\xe9 \xa3", in);
	rewind(in);
	CHECK(cp1252_stream(in, out) == 0);
	rewind(out);
	CHECK(fgets(got, sizeof(got), out) != NULL &&
	    strcmp(got, "caf\xc3\xa9 \xc2\xa3") == 0);
	fclose(in);
	fclose(out);
	return unit_done("cp1252");
}
