/* http.c -- URLs made fit to print or store */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/embed/http.h"
#include "unit.h"

static int
redacts(const char *url, const char *want)
{
	char *got = http_url_redact(url);
	int ok = strcmp(got, want) == 0;

	if (!ok)
		fprintf(stderr, "%s -> %s, not %s\n", url, got, want);
	free(got);
	return ok;
}

int
main(void)
{
	CHECK(redacts("https://api.openai.com/v1", "https://api.openai.com/v1"));
	CHECK(redacts("http://user:s3cret@host:8080/v1",
	    "http://***@host:8080/v1"));
	CHECK(redacts("http://token@host/v1", "http://***@host/v1"));
	CHECK(redacts("http://host/v1?api-key=abc&x=1",
	    "http://host/v1?api-key=***&x=1"));
	CHECK(redacts("http://host/v1?x=1&Token=abc#frag",
	    "http://host/v1?x=1&Token=***#frag"));
	CHECK(redacts("http://u:p@host/v1?sig=zz&mode=a&password=q",
	    "http://***@host/v1?sig=***&mode=a&password=***"));
	/* An '@' after the authority is not a user name. */
	CHECK(redacts("http://host/v1/a@b", "http://host/v1/a@b"));
	CHECK(redacts("host:8080/v1", "host:8080/v1"));
	CHECK(redacts("http://host/v1?", "http://host/v1?"));
	return unit_done("http");
}
