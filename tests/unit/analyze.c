/* analyze.c -- unit tests of lib/text/analyze: terms for a lexical index */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/text/analyze.h"
#include "lib/text/stopword.h"
#include "tests/unit/unit.h"

static struct an_tokens tok = AN_TOKENS_INIT;

/* The terms of s under an, joined by '|'. */
static const char *
terms(struct an_analyzer *an, const char *s, size_t n)
{
	static struct buf b = BUF_INIT;
	size_t i;

	buf_reset(&b);
	an_analyze(an, s, n, &tok);
	for (i = 0; i < tok.n; i++) {
		if (i > 0)
			buf_addc(&b, '|');
		buf_adds(&b, an_token(&tok, i));
	}
	return b.data;
}

#define TERMS(an, s)	terms((an), (s), strlen(s))
#define CHECK_TERMS(an, s, want) do { \
	const char *got_ = TERMS(an, s); \
	CHECK(strcmp(got_, (want)) == 0); \
	if (strcmp(got_, (want)) != 0) \
		fprintf(stderr, "  got '%s', want '%s'\n", got_, (want)); \
} while (0)

static struct an_analyzer *
mk(const char *spec)
{
	struct buf err = BUF_INIT;
	struct an_analyzer *an = an_new(spec, &err);

	if (an == NULL)
		fprintf(stderr, "an_new %s: %s\n", spec, err.data);
	buf_release(&err);
	return an;
}

static void
test_english(void)
{
	struct an_analyzer *an = mk("standard:english");

	CHECK(strcmp(an_spec(an), "standard:english") == 0);
	CHECK_TERMS(an, "The running foxes jumped", "run|fox|jump");
	/* Stop words go before stemming; the stemmer drops 's. */
	CHECK_TERMS(an, "It is what it is: John's books.", "john|book");
	CHECK_TERMS(an, "don't DON\xe2\x80\x99T", "");
	CHECK_TERMS(an, "rock'n'roll 'quoted' dogs'", "rock'n'rol|quot|dog");
	CHECK_TERMS(an, "3.14 1,000 e.g. v2.0 a,b 1990s",
	    "3.14|1,000|e|g|v2.0|b|1990s");
	CHECK_TERMS(an, "snake_case __init__ x__y", "snake_cas|init|x|y");
	an_free(an);
}

static void
test_german(void)
{
	struct an_analyzer *an = mk("standard:de");

	CHECK(strcmp(an_spec(an), "standard:german") == 0);
	/* "und", "die" and "daß" (folded to "dass") are stop words. */
	CHECK_TERMS(an, "Die Häuser und die Bäume, daß", "haus|baum");
	CHECK_TERMS(an, "Katzen laufen schneller", "katz|lauf|schnell");
	an_free(an);
}

static void
test_fold(void)
{
	struct an_analyzer *an = mk("standard");

	CHECK(strcmp(an_spec(an), "standard") == 0);
	/* NFKC: the fi ligature and a full-width A and 1. */
	CHECK_TERMS(an, "\xef\xac\x81ne \xef\xbc\xa1\xef\xbc\x91", "fine|a1");
	/* Full case folding. */
	CHECK_TERMS(an, "Stra\xc3\x9f" "e STRASSE", "strasse|strasse");
	CHECK_TERMS(an, "\xce\x9f\xce\x94\xce\x8c\xce\xa3 Caf\xc3\xa9",
	    "\xce\xbf\xce\xb4\xcf\x8c\xcf\x83|caf\xc3\xa9");
	/* A decomposed e + U+0301 is composed. */
	CHECK_TERMS(an, "Cafe\xcc\x81", "caf\xc3\xa9");
	/* U+2019 joins as an apostrophe and is spelt as one. */
	CHECK_TERMS(an, "O\xe2\x80\x99Neil\xe2\x80\x99s "
	    "\xe2\x80\x99x\xe2\x80\x99", "o'neil's|x");
	/* Without a language, no stop words and no stems. */
	CHECK_TERMS(an, "The running foxes", "the|running|foxes");
	/* Punctuation and symbols separate; non-ASCII spaces too. */
	CHECK_TERMS(an, "a\xc2\xa0" "b\xe2\x80\x94" "c (d) [e] f!?",
	    "a|b|c|d|e|f");
	an_free(an);
}

static void
test_cjk(void)
{
	struct an_analyzer *an = mk("standard:english");

	/* 東京都 */
	CHECK_TERMS(an, "\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd",
	    "\xe6\x9d\xb1\xe4\xba\xac|\xe4\xba\xac\xe9\x83\xbd");
	/* iPhone15 東京 */
	CHECK_TERMS(an, "iPhone15 \xe6\x9d\xb1\xe4\xba\xac",
	    "iphone15|\xe6\x9d\xb1\xe4\xba\xac");
	/* iPhone東京 and 東京2020: other characters end the run. */
	CHECK_TERMS(an, "iPhone\xe6\x9d\xb1\xe4\xba\xac" "2020",
	    "iphon|\xe6\x9d\xb1\xe4\xba\xac|2020");
	/* One character alone: 中 */
	CHECK_TERMS(an, "\xe4\xb8\xad, x", "\xe4\xb8\xad|x");
	/* 我们的系统。 (Chinese punctuation separates) */
	CHECK_TERMS(an, "\xe6\x88\x91\xe4\xbb\xac\xe7\x9a\x84\xe3\x80\x82"
	    "\xe7\xb3\xbb\xe7\xbb\x9f",
	    "\xe6\x88\x91\xe4\xbb\xac|\xe4\xbb\xac\xe7\x9a\x84|"
	    "\xe7\xb3\xbb\xe7\xbb\x9f");
	/* Kana and Han together: ひらがなカナ is one run. */
	CHECK_TERMS(an, "\xe3\x81\xb2\xe3\x82\x89\xe3\x82\xab",
	    "\xe3\x81\xb2\xe3\x82\x89|\xe3\x82\x89\xe3\x82\xab");
	/* Hangul: 한국어 */
	CHECK_TERMS(an, "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4",
	    "\xed\x95\x9c\xea\xb5\xad|\xea\xb5\xad\xec\x96\xb4");
	/* Half-width katakana ｶﾀ becomes full-width カタ under NFKC. */
	CHECK_TERMS(an, "\xef\xbd\xb6\xef\xbe\x80",
	    "\xe3\x82\xab\xe3\x82\xbf");
	an_free(an);
}

static void
test_edges(void)
{
	struct an_analyzer *an = mk("standard:english");
	char longw[300];

	/* Empty input, blanks only. */
	CHECK_TERMS(an, "", "");
	CHECK(tok.n == 0);
	CHECK_TERMS(an, " \t\n ", "");
	/* Invalid UTF-8 separates and never crashes: a stray continuation
	 * byte, a truncated sequence, an overlong NUL, a surrogate. */
	CHECK_TERMS(an, "abc\x80" "def \xe2\x82 ghi\xc0\x80jkl\xed\xa0\x80mno",
	    "abc|def|ghi|jkl|mno");
	CHECK_TERMS(an, "caf\xc3\xa9\xff" "bar\xc3", "caf\xc3\xa9|bar");
	/* NUL bytes separate. */
	CHECK(strcmp(terms(an, "a\0bb", 4), "bb") == 0);
	/* Terms over 255 bytes are dropped; 255 is kept. */
	memset(longw, 'x', sizeof(longw));
	CHECK(strcmp(terms(an, longw, 256), "") == 0);
	CHECK(strcmp(terms(an, longw, 255), "") != 0 && tok.n == 1 &&
	    strlen(an_token(&tok, 0)) == 255);
	an_free(an);
}

static void
test_none(void)
{
	struct an_analyzer *an = mk("none");

	CHECK(strcmp(an_spec(an), "none") == 0);
	CHECK_TERMS(an, "  The Running\tfoxes,\xc2\xa0Stra\xc3\x9f" "e  ",
	    "The|Running|foxes,|Stra\xc3\x9f" "e");
	CHECK_TERMS(an, "a\xff" "b", "a|b");
	CHECK_TERMS(an, "", "");
	an_free(an);
}

static void
test_specs(void)
{
	struct buf err = BUF_INIT;
	struct an_analyzer *an;

	CHECK(an_new("standard:klingon", &err) == NULL);
	CHECK(strstr(err.data, "klingon") != NULL &&
	    strstr(err.data, "english") != NULL &&
	    strstr(err.data, "swedish") != NULL);
	CHECK(an_new("fancy", &err) == NULL && strstr(err.data, "fancy"));
	CHECK(an_new("standard:", &err) == NULL);
	CHECK(an_new("standard:xx", &err) == NULL);
	an = an_new("standard:FR", &err);
	CHECK(an != NULL && strcmp(an_spec(an), "standard:french") == 0);
	/* French stop words; elision stays. */
	CHECK_TERMS(an, "Les chats sont dans la maison", "chat|maison");
	an_free(an);
	an = an_new("standard:English", &err);
	CHECK(an != NULL && strcmp(an_spec(an), "standard:english") == 0);
	an_free(an);
	an = an_new("standard:nb", &err);
	CHECK(an != NULL && strcmp(an_spec(an), "standard:norwegian") == 0);
	an_free(an);
	/* A language libstemmer has without a stop list: stems only. */
	an = an_new("standard:tr", &err);
	CHECK(an != NULL && strcmp(an_spec(an), "standard:turkish") == 0);
	CHECK(stopword_list("turkish") == NULL);
	an_free(an);
	/* The canonical spec gives the same analyzer again. */
	an = an_new("standard:ru", &err);
	CHECK(an != NULL);
	CHECK_TERMS(an, "\xd0\x98 \xd0\xba\xd0\xbd\xd0\xb8\xd0\xb3\xd0\xb8",
	    "\xd0\xba\xd0\xbd\xd0\xb8\xd0\xb3");
	an_free(an);
	CHECK(strstr(an_languages(), "english, finnish") != NULL);
	buf_release(&err);
}

/* Every list's words are lowercase and each ends in one space. */
static void
test_stoplists(void)
{
	static const char *langs[] = { "danish", "dutch", "english",
	    "finnish", "french", "german", "italian", "norwegian",
	    "portuguese", "russian", "spanish", "swedish" };
	/* The words of each published list (Finnish has "sinä" twice). */
	static const size_t count[] = { 94, 101, 174, 230, 154, 231, 279,
	    172, 203, 159, 304, 114 };
	const char *w;
	size_t i, n, words;

	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		w = stopword_list(langs[i]);
		CHECK(w != NULL);
		if (w == NULL)
			continue;
		n = strlen(w);
		CHECK(n > 0 && w[n - 1] == ' ' && strstr(w, "  ") == NULL &&
		    w[0] != ' ');
		for (words = 0; *w != '\0'; w++) {
			CHECK(!(*w >= 'A' && *w <= 'Z'));
			words += *w == ' ';
		}
		CHECK(words == count[i]);
	}
}

/* More distinct words than the stem memory holds: the same stems. */
static void
test_memo(void)
{
	struct an_analyzer *an = mk("standard:english");
	struct buf b = BUF_INIT;
	unsigned i, k;

	for (i = 0; i < 70000; i++) {
		buf_adds(&b, "running");
		for (k = i; k > 0; k /= 26)
			buf_addc(&b, 'a' + k % 26);
		buf_adds(&b, " foxes ");
	}
	an_analyze(an, b.data, b.len, &tok);
	CHECK(tok.n == 140000);
	CHECK(strcmp(an_token(&tok, 1), "fox") == 0);
	CHECK(strcmp(an_token(&tok, 139999), "fox") == 0);
	CHECK_TERMS(an, "The running foxes jumped", "run|fox|jump");
	buf_release(&b);
	an_free(an);
}

int
main(void)
{
	test_english();
	test_german();
	test_fold();
	test_cjk();
	test_edges();
	test_none();
	test_specs();
	test_stoplists();
	test_memo();
	an_tokens_release(&tok);
	return unit_done("analyze");
}
