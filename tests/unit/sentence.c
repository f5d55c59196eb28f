/* sentence.c -- unit tests of lib/text/sentence: sentence and clause ends */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "lib/base/diag.h"
#include "lib/text/sentence.h"

static int failures;

/*
 * Split text into sentences with sentence_next() and compare with the
 * expected pieces, written separated by '|' (white space between
 * sentences belongs to neither side).
 */
static void
expect(const char *text, const char *want)
{
	char got[1024];
	size_t n = strlen(text), at = 0, end, g = 0;

	while (at < n) {
		while (at < n && (text[at] == ' ' || text[at] == '\n'))
			at++;
		if (at >= n)
			break;
		end = sentence_next(text, n, at);
		if (g > 0)
			got[g++] = '|';
		memcpy(got + g, text + at, end - at);
		g += end - at;
		at = end;
	}
	got[g] = '\0';
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "sentences of '%s':\n  got  '%s'\n  want '%s'\n",
		    text, got, want);
		failures++;
	}
}

static void
clause(const char *text, size_t at, int want)
{
	if (sentence_clause_end(text, strlen(text), at) != want) {
		fprintf(stderr, "clause end of '%s' at %zu: want %d\n", text,
		    at, want);
		failures++;
	}
}

int
main(void)
{
	diag_init("sentence");
	expect("Hello world. This is it.", "Hello world.|This is it.");
	expect("Is it? Yes! Fine.", "Is it?|Yes!|Fine.");
	/* Abbreviations, initials, inner dots, numbers. */
	expect("Mr. Smith met Dr. Jones. They talked.",
	    "Mr. Smith met Dr. Jones.|They talked.");
	expect("See e.g. the manual. It helps.",
	    "See e.g. the manual.|It helps.");
	expect("J. R. R. Tolkien wrote it. Read it.",
	    "J. R. R. Tolkien wrote it.|Read it.");
	expect("It costs 3.50 dollars. Cheap.", "It costs 3.50 dollars.|Cheap.");
	expect("See No. 5 and Fig. 2 here. Done.",
	    "See No. 5 and Fig. 2 here.|Done.");
	expect("Visit example.com today. Or not.",
	    "Visit example.com today.|Or not.");
	/* A lowercase next word does not start a sentence. */
	expect("The value is approx. ten units.",
	    "The value is approx. ten units.");
	/* Closing quotes and brackets stay with their sentence. */
	expect("He said \"stop.\" Then he left.",
	    "He said \"stop.\"|Then he left.");
	expect("(This is one.) And two.", "(This is one.)|And two.");
	/* A list number at the start of a line is not a sentence end. */
	expect("Steps:\n1. Install it.\n2. Run it.",
	    "Steps:\n1. Install it.|2. Run it.");
	expect("In 1990. Then more.", "In 1990.|Then more.");
	/* Ellipsis, CJK, Arabic, Devanagari. */
	expect("Wait\xe2\x80\xa6 Go on.", "Wait\xe2\x80\xa6|Go on.");
	expect("\xe4\xbb\x8a\xe6\x97\xa5\xe3\x81\xaf\xe3\x80\x82"
	    "\xe6\x98\x8e\xe6\x97\xa5\xe3\x82\x82\xef\xbc\x81"
	    "\xe3\x81\xaf\xef\xbc\x9f",
	    "\xe4\xbb\x8a\xe6\x97\xa5\xe3\x81\xaf\xe3\x80\x82|"
	    "\xe6\x98\x8e\xe6\x97\xa5\xe3\x82\x82\xef\xbc\x81|"
	    "\xe3\x81\xaf\xef\xbc\x9f");
	/* 「...。」 keeps the closing bracket with the sentence. */
	expect("\xe3\x80\x8c\xe5\xa5\xbd\xe3\x80\x82\xe3\x80\x8d\xe6\x98\xaf",
	    "\xe3\x80\x8c\xe5\xa5\xbd\xe3\x80\x82\xe3\x80\x8d|\xe6\x98\xaf");
	expect("\xd9\x87\xd9\x84 \xd8\xaa\xd8\xb9\xd9\x85\xd9\x84\xd8\x9f "
	    "\xd9\x86\xd8\xb9\xd9\x85.",
	    "\xd9\x87\xd9\x84 \xd8\xaa\xd8\xb9\xd9\x85\xd9\x84\xd8\x9f|"
	    "\xd9\x86\xd8\xb9\xd9\x85.");
	expect("\xe0\xa4\xb9\xe0\xa5\x88\xe0\xa5\xa4 "
	    "\xe0\xa4\xb9\xe0\xa5\x88\xe0\xa5\xa4",
	    "\xe0\xa4\xb9\xe0\xa5\x88\xe0\xa5\xa4|"
	    "\xe0\xa4\xb9\xe0\xa5\x88\xe0\xa5\xa4");
	expect("", "");
	expect("No end", "No end");
	/* Clauses. */
	clause("a, b", 2, 1);
	clause("a,b", 2, 0);
	clause("a; b", 2, 1);
	clause("a: b", 2, 1);
	clause("a b", 1, 0);
	clause("\xe5\xa5\xbd\xef\xbc\x8c\xe6\x98\xaf", 6, 1);
	clause("\xe5\xa5\xbd\xe3\x80\x81\xe6\x98\xaf", 6, 1);
	return failures == 0 ? 0 : 1;
}
