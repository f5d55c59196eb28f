/* text.c -- unit tests of lib/text/text: UTF-8, normalisation, graphemes */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
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
test_clean(void)
{
	size_t n;
	char *s;

	CHECK(text_control_at("a\tb\r\n", 5) == -1);
	CHECK(text_control_at("ab\x01", 3) == 2);
	CHECK(text_control_at("a\xc2\x85", 3) == 1);		/* NEL, C1 */
	CHECK(text_control_at("\x7f", 1) == 0);
	s = text_clean("e\xcc\x81\x01\t.", 6, &n);	/* e + U+0301 */
	CHECK_MEM(s, n, "\xc3\xa9\t.");
	free(s);
	CHECK(text_blank("", 0) && text_blank(" \t\n\v\f\r", 6));
	CHECK(!text_blank(" x", 2) && !text_blank("\xc2\xa0", 2));
	CHECK(text_blank_line(" \t\r", 3) && !text_blank_line("\n", 1));
}

/* text_stream_is_utf8 over pad bytes of 'a' then tail, with and without
 * copy. */
static int
stream_utf8(size_t pad, const char *tail, size_t tlen)
{
	FILE *fp, *copy;
	size_t i;
	int v, c;

	fp = tmpfile();
	copy = tmpfile();
	for (i = 0; i < pad; i++)
		fputc('a', fp);
	fwrite(tail, 1, tlen, fp);
	rewind(fp);
	v = text_stream_is_utf8(fp, copy);
	/* The copy holds every byte. */
	if (ftell(copy) != (long)(pad + tlen))
		v = -2;
	rewind(fp);
	c = text_stream_is_utf8(fp, NULL);
	fclose(fp);
	fclose(copy);
	return v == c ? v : -3;
}

static void
test_stream(void)
{
	/* UTF-8 checks of streams, with sequences cut by the 64 KiB reads. */
	CHECK(stream_utf8(0, "", 0) == 1);
	CHECK(stream_utf8(65535, "\xc3\xa9z", 3) == 1);
	CHECK(stream_utf8(65534, "\xf0\x9f\x98\x80", 4) == 1);
	CHECK(stream_utf8(65533, "\xf0\x9f\x98\x80", 4) == 1);
	CHECK(stream_utf8(65535, "\xc3", 1) == 0);
	CHECK(stream_utf8(65535, "\xff\xfe\xfd\xfc", 4) == 0);
	CHECK(stream_utf8(10, "\xe9t\xe9", 3) == 0);
	CHECK(stream_utf8(200000, "ok", 2) == 1);
}

int
main(void)
{
	test_invalid();
	test_decode();
	test_normalize();
	test_graphemes();
	test_clean();
	test_stream();
	return unit_done("text");
}
