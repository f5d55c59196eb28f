/* text.c -- unit tests of lib/text/text.c: UTF-8, normalisation, graphemes */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/text/text.h"
#include "tests/unit/unit.h"

static void
test_invalid(void)
{
	CHECK(utf8_invalid("", 0) == -1);
	CHECK(utf8_invalid("plain ascii text, long enough", 29) == -1);
	CHECK(utf8_invalid("caf\xc3\xa9", 5) == -1);
	CHECK(utf8_invalid("caf\xe9", 4) == 3);		/* latin1 byte */
	CHECK(utf8_invalid("\xc0\xaf", 2) == 0);	/* overlong '/' */
	CHECK(utf8_invalid("\xe0\x80\xaf", 3) == 0);	/* overlong */
	CHECK(utf8_invalid("\xed\xa0\x80", 3) == 0);	/* surrogate */
	CHECK(utf8_invalid("\xf4\x90\x80\x80", 4) == 0); /* > U+10FFFF */
	CHECK(utf8_invalid("ab\xf0\x9f\x98", 5) == 2);	/* truncated */
	CHECK(utf8_invalid("\xf0\x9f\x98\x80", 4) == -1); /* emoji */
	CHECK(utf8_invalid("12345678\x80", 9) == 8);	/* after fast path */
}

static void
test_decode(void)
{
	size_t adv;
	char out[4];

	CHECK(utf8_decode("\xe2\x82\xac", 3, &adv) == 0x20ac && adv == 3);
	CHECK(utf8_decode("\xe2\x82", 2, &adv) == -1 && adv == 1);
	CHECK(utf8_encode(0x1f600, out) == 4 &&
	    memcmp(out, "\xf0\x9f\x98\x80", 4) == 0);
}

static void
test_normalize(void)
{
	size_t n;
	char *s;

	/* e + combining acute -> precomposed e-acute. */
	s = text_normalize("e\xcc\x81", 3, TEXT_NFC, &n);
	CHECK_MEM(s, n, "\xc3\xa9");
	free(s);
	/* NFKC folds the "fi" ligature; case folding folds sharp s. */
	s = text_normalize("\xef\xac\x81 Stra\xc3\x9f" "e", 11,
	    TEXT_NFKC | TEXT_CASEFOLD, &n);
	CHECK_MEM(s, n, "fi strasse");
	free(s);
	s = text_normalize("\xc3\xa9t\xc3\xa9", 6, TEXT_NFD | TEXT_STRIPMARK,
	    &n);
	CHECK_MEM(s, n, "ete");
	free(s);
	CHECK(text_normalize("\xff", 1, TEXT_NFC, &n) == NULL);
	s = text_normalize("", 0, TEXT_NFC, &n);
	CHECK(s && n == 0);
	free(s);
	CHECK(text_is_nfc("abc", 3));
	CHECK(text_is_nfc("\xc3\xa9", 2));
	CHECK(!text_is_nfc("e\xcc\x81", 3));
}

static void
test_graphemes(void)
{
	/* Family emoji: man ZWJ woman ZWJ girl, one cluster of 18 bytes. */
	static const char fam[] = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91"
	    "\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7";
	/* Flag: two regional indicators. */
	static const char flags[] = "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7"
	    "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa";

	CHECK(text_grapheme(fam, strlen(fam)) == strlen(fam));
	CHECK(text_grapheme_count(fam, strlen(fam)) == 1);
	CHECK(text_grapheme(flags, strlen(flags)) == 8);
	CHECK(text_grapheme_count(flags, strlen(flags)) == 2);
	CHECK(text_grapheme("e\xcc\x81x", 4) == 3);	/* combining mark */
	CHECK(text_grapheme("\r\nx", 3) == 2);		/* CRLF is one */
	CHECK(text_grapheme("ab", 2) == 1);
	CHECK(text_grapheme("\xff" "a", 2) == 1);	/* bad byte alone */
	CHECK(text_grapheme_count("\xe4\xb8\xad\xe6\x96\x87", 6) == 2);
	CHECK(text_cp_count("\xe4\xb8\xad\xe6\x96\x87" "ab", 8) == 4);
}

static void
test_latin1(void)
{
	size_t n;
	char *s;

	s = text_latin1("caf\xe9 \xff", 6, &n);
	CHECK_MEM(s, n, "caf\xc3\xa9 \xc3\xbf");
	free(s);
}

int
main(void)
{
	test_invalid();
	test_decode();
	test_normalize();
	test_graphemes();
	test_latin1();
	return unit_done("text");
}
