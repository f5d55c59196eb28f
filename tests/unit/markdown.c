/* markdown.c -- unit tests of lib/text/markdown: document titles */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text/markdown.h"
#include "tests/unit/unit.h"

static void
title(int line, const char *md, const char *want)
{
	char *got = md_title(md, strlen(md));

	unit_run++;
	if ((want == NULL) != (got == NULL) ||
	    (want && strcmp(want, got) != 0)) {
		fprintf(stderr, "%s:%d: title of '%s': want '%s', got '%s'\n",
		    __FILE__, line, md, want ? want : "(none)",
		    got ? got : "(none)");
		unit_failed++;
	}
	free(got);
}

#define TITLE(md, want)	title(__LINE__, md, want)

int
main(void)
{
	/* Markdown titles: ATX, setext, front matter, code is not one. */
	TITLE("# Hello\n", "Hello");
	TITLE("intro\n\n## Second level ##\n", "Second level");
	TITLE("#No space is not a heading\n# Yes\n", "Yes");
	TITLE("   ### Indented three #   \n", "Indented three");
	TITLE("    # four spaces is code\n# Real\n", "Real");
	TITLE("# C# #\n", "C#");
	TITLE("#\n# \n# Non-empty\n", "Non-empty");
	TITLE("Setext one\n==========\n", "Setext one");
	TITLE("Two line\nsetext\n---\n", "Two line setext");
	TITLE("\n---\n", NULL);
	TITLE("```sh\n# a shell comment\n```\n# After fence\n",
	    "After fence");
	TITLE("~~~~\n# in\n~~~\nstill\n~~~~\n# out\n", "out");
	TITLE("# CRLF title\r\n", "CRLF title");
	TITLE("---\ntitle: \"From YAML\"\ndate: 2024\n---\n# Heading\n",
	    "From YAML");
	TITLE("---\ndate: 2024\n---\n# Heading\n", "Heading");
	TITLE("no heading at all\n", NULL);
	TITLE("", NULL);
	/* TOML front matter, a one-dash underline, an indented line. */
	TITLE("+++\ntitle = \"toml\"\n# a TOML comment\n+++\n# Real\n", "Real");
	TITLE("Title\n-\n", "Title");
	TITLE("para\n    # indented continues it\n===\n",
	    "para # indented continues it");
	return unit_done("markdown");
}
