/* cp1252.c -- unit tests of lib/text/cp1252: Windows-1252 to UTF-8 */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text/cp1252.h"

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
	/* Windows-1252 as the Web reads Latin-1. */
	{
		size_t n;
		char *u = cp1252_decode("a\xe9\x93\x80\x81\xff", 6, &n);

		if (n != 13 || strcmp(u, "a\xc3\xa9\xe2\x80\x9c\xe2\x82\xac"
		    "\xc2\x81\xc3\xbf") != 0)
			FAIL("cp1252_decode: %zu '%s'", n, u);
		free(u);
	}

	{
		FILE *in = tmpfile(), *out = tmpfile();
		char got[16] = "";

		fputs("caf\xe9 \xa3", in);
		rewind(in);
		if (cp1252_stream(in, out) != 0)
			FAIL("cp1252_stream");
		rewind(out);
		if (fgets(got, sizeof(got), out) == NULL ||
		    strcmp(got, "caf\xc3\xa9 \xc2\xa3") != 0)
			FAIL("cp1252_stream: '%s'", got);
		fclose(in);
		fclose(out);
	}

	if (cp1252_cp(0x80) != 0x20ac || cp1252_cp(0x81) != 0x81 ||
	    cp1252_cp(0xe9) != 0xe9 || cp1252_cp('a') != 'a')
		FAIL("cp1252_cp");
	if (failures) {
		fprintf(stderr, "cp1252: %d failures\n", failures);
		return 1;
	}
	return 0;
}
