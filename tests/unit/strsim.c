/* strsim.c -- unit tests of lib/resolve/strsim: string and value comparison */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/resolve/strsim.h"
#include "tests/unit/unit.h"

/* The comparators on C strings. */
#define S(x)		(x), strlen(x)
#define JARO(a, b)	strsim_jaro(S(a), S(b))
#define JW(a, b)	strsim_jaro_winkler(S(a), S(b))
#define LEV(a, b)	strsim_levenshtein(S(a), S(b))
#define DL(a, b)	strsim_damerau_levenshtein(S(a), S(b))
#define TOK(a, b)	strsim_token_jaccard(S(a), S(b))
#define QG(a, b, q)	strsim_qgram(S(a), S(b), (q))
#define DAYS(a, b)	strsim_date_days(S(a), S(b))
#define SWAP(a, b)	strsim_date_swapped(S(a), S(b))
#define LEVEL(a, b, n)	strsim_date_level(S(a), S(b), (n))

/* Equal within eps. */
#define NEAR(x, y, eps)	CHECK(fabs((x) - (y)) < (eps))

static uint64_t rng = 7;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng >> 33) % n;
}

/*
 * Winkler's examples (Winkler 1990, "String comparator metrics and
 * enhanced decision rules in the Fellegi-Sunter model of record
 * linkage"; the usual tables), checked by hand from the definition:
 *   MARTHA/MARHTA: m = 6, T and H out of order so t = 1, Jaro
 *     (1 + 1 + 5/6) / 3 = 17/18 = 0.944; prefix MAR, l = 3:
 *     17/18 + 0.3 / 18 = 0.961.
 *   DWAYNE/DUANE: window 2, m = 4 (D A N E), t = 0: (4/6 + 4/5 + 1) / 3
 *     = 37/45 = 0.822; l = 1: 37/45 + 0.1 * 8/45 = 0.840.
 *   DIXON/DICKSONX: window 3, m = 4 (D I O N), t = 0: (4/5 + 4/8 + 1) / 3
 *     = 23/30 = 0.767; l = 2: 23/30 + 0.2 * 7/30 = 0.813.
 */
static void
test_winkler(void)
{
	NEAR(JARO("MARTHA", "MARHTA"), 17.0 / 18, 1e-12);
	NEAR(JW("MARTHA", "MARHTA"), 17.0 / 18 + 0.3 / 18, 1e-12);
	NEAR(JW("MARTHA", "MARHTA"), 0.961, 5e-4);
	NEAR(JARO("DWAYNE", "DUANE"), 37.0 / 45, 1e-12);
	NEAR(JW("DWAYNE", "DUANE"), 0.84, 1e-12);
	NEAR(JARO("DIXON", "DICKSONX"), 23.0 / 30, 1e-12);
	NEAR(JW("DIXON", "DICKSONX"), 0.813, 5e-4);
	/* Symmetric. */
	NEAR(JW("DICKSONX", "DIXON"), JW("DIXON", "DICKSONX"), 1e-15);
	NEAR(JW("DUANE", "DWAYNE"), 0.84, 1e-12);
}

/*
 * DuckDB's test_jaro_winkler.test (the values Splink gets), the ones
 * given there to full precision, and the others rounded.  CRATE/TRACE:
 * window 1, m = 3 (R A E), Jaro 11/15 = 0.733, below 0.7 + no prefix.
 * foo/"  foo": window 1, only the last o matches: (1/3 + 1/5 + 1) / 3 =
 * 0.511, and under 0.7 no boost.  0/00: (1 + 1/2 + 1) / 3 = 5/6, plus
 * 0.1 / 6 = 0.85.
 */
static void
test_duckdb(void)
{
	char a[130], b[130];

	NEAR(JW("CRATE", "TRACE"), 11.0 / 15, 1e-12);
	NEAR(JW("DwAyNE", "DuANE"), 0.8400000000000001, 1e-15);
	NEAR(JW("PENNSYLVANIA", "PENNCISYLVNIA"), 0.8980186480186481,
	    1e-15);
	NEAR(JW("D N H Enterprises Inc", "D &amp; H Enterprises, Inc."),
	    0.8648324514991181, 1e-15);
	NEAR(JW("My Gym Children's Fitness Center",
	    "My Gym. Childrens Fitness"), 0.942, 1e-12);
	NEAR(JW("0", "0"), 1, 1e-15);
	NEAR(JW("0", "00"), 0.85, 1e-12);
	NEAR(JW("foo", "foo"), 1, 1e-15);
	/* foo/"foo ": (1 + 3/4 + 1) / 3 + 0.3 / 12 = 0.9417, shown 0.94. */
	NEAR(JW("foo", "foo "), 0.94, 5e-3);
	NEAR(JW("foo", "foo "), 11.0 / 12 + 0.3 / 12, 1e-12);
	NEAR(JW("foo", "foo  "), 0.91, 5e-3);
	NEAR(JW("foo", " foo "), 0.87, 5e-3);
	NEAR(JW("foo", "  foo"), (1.0 / 3 + 1.0 / 5 + 1) / 3, 1e-12);
	NEAR(JW("fly", "ant"), 0, 1e-15);
	NEAR(JW("elephant", "hippo"), 0.44, 5e-3);
	NEAR(JW("hippo", "elephant"), 0.44, 5e-3);
	NEAR(JW("hippo", "zzzzzzzz"), 0, 1e-15);
	NEAR(JW("hello", "hallo"), 0.88, 1e-12);
	NEAR(JW("ABC Corporation", "ABC Corp"), 0.91, 5e-3);
	/* frog/fog: (3/4 + 1 + 1) / 3 + 0.1 / 12 = 0.925 (shown as 0.93). */
	NEAR(JW("frog", "fog"), 0.925, 1e-12);
	/* 64 and 65 zeros, and 63: past one machine word in DuckDB. */
	memset(a, '0', 65);
	memset(b, '0', 65);
	NEAR(strsim_jaro_winkler(a, 65, b, 65), 1, 1e-15);
	NEAR(strsim_jaro_winkler(a, 64, b, 65), 0.9969, 5e-5);
	NEAR(strsim_jaro_winkler(a, 63, b, 65), 0.9938, 5e-5);
	a[0] = '1';
	a[63] = '2';
	NEAR(strsim_jaro_winkler(a, 65, b, 65), 0.97948, 1e-5);
	memset(a, '0', 128);
	a[1] = '1';
	NEAR(strsim_jaro_winkler(a, 128, b, 65), 0.85234, 1e-5);
	memset(a, '0', 79);
	a[78] = '1';
	b[14] = b[39] = '1';
	NEAR(strsim_jaro_winkler(a, 79, b, 65), 0.95333, 1e-5);
	/* Empty strings: 0, both empty included, as in DuckDB. */
	CHECK(JW("", "") == 0);
	CHECK(JW("", "a") == 0);
	CHECK(JW("aaapppp", "") == 0);
	CHECK(JARO("", "") == 0);
	CHECK(strsim_jaro_winkler(NULL, 0, NULL, 0) == 0);
}

/*
 * Code points, not bytes.  café/cafe: c a f match, é does not, m = 3:
 * Jaro (3/4 + 3/4 + 1) / 3 = 5/6, prefix 3: 5/6 + 0.3 / 6 = 0.8833; on
 * bytes café has 5 and the value would differ.  日本/日本語: m = 2:
 * (1 + 2/3 + 1) / 3 = 8/9, prefix 2: 8/9 + 0.2 / 9 = 0.9111.
 */
static void
test_unicode(void)
{
	NEAR(JARO("caf\xc3\xa9", "cafe"), 5.0 / 6, 1e-12);
	NEAR(JW("caf\xc3\xa9", "cafe"), 5.0 / 6 + 0.3 / 6, 1e-12);
	NEAR(JW("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa"
	    "\x9e"), 8.0 / 9 + 0.2 / 9, 1e-12);
	CHECK(LEV("caf\xc3\xa9", "cafe") == 1);
	CHECK(LEV("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac\xe8"
	    "\xaa\x9e") == 1);
	CHECK(DL("\xc3\xa9" "a", "a\xc3\xa9") == 1);
	CHECK(LEV("\xc3\xa9" "a", "a\xc3\xa9") == 2);
	/* An ill-formed byte is a code point of its own. */
	CHECK(LEV("\xff", "\xfe") == 1);
	CHECK(LEV("a\xff", "a\xff") == 0);
	CHECK(JARO("\xff", "\xff") == 1);
	CHECK(LEV("\xff", "\xc3\xbf") == 1);	/* not ÿ */
}

static void
test_levenshtein(void)
{
	char a[400], b[400];

	CHECK(LEV("kitten", "sitting") == 3);
	CHECK(LEV("sitting", "kitten") == 3);
	CHECK(LEV("flaw", "lawn") == 2);
	CHECK(LEV("", "abc") == 3);
	CHECK(LEV("abc", "") == 3);
	CHECK(LEV("", "") == 0);
	CHECK(strsim_levenshtein(NULL, 0, "ab", 2) == 2);
	CHECK(LEV("abc", "abc") == 0);
	/* A transposition is two edits here. */
	CHECK(LEV("ab", "ba") == 2);
	CHECK(LEV("CA", "ABC") == 3);
	/* Past the stack row: 300 a's and one change in the middle. */
	memset(a, 'a', 300);
	memset(b, 'a', 300);
	b[150] = 'b';
	CHECK(strsim_levenshtein(a, 300, b, 300) == 1);
	CHECK(strsim_levenshtein(a, 300, b, 299) == 2);
	CHECK(strsim_levenshtein(a, 300, "x", 1) == 300);
}

/*
 * The unrestricted distance, as DuckDB's damerau_levenshtein: CA to ABC
 * is 2 (CA -> AC, a transposition, then B inserted between), where the
 * optimal string alignment variant, which may not edit a transposed
 * pair again, gives 3.  The others are from DuckDB's
 * test_damerau_levenshtein.test.
 */
static void
test_damerau(void)
{
	static const struct { const char *a, *b; int d; } duck[] = {
		{ "out", "out", 0 }, { "three", "there", 1 },
		{ "potion", "option", 1 }, { "letter", "lettre", 1 },
		{ "out", "to", 2 }, { "to", "out", 2 }, { "laos", "also", 2 },
		{ "tomato", "otamot", 3 }, { "abcdefg", "bacedgf", 3 },
		{ "abcdefghi", "bzacdefig", 4 },
		{ "bzacdefig", "abcdefghi", 4 },
		{ "at", "tarokk", 5 }, { "tarokk", "at", 5 },
		{ "organ", "no", 4 }, { "trips", "strip", 2 },
		{ "cat", "cats", 1 }, { "rat", "brat", 1 },
		{ "amanaplanacanalpanama", "m23aanaplancaanaalnama", 6 },
		{ "", "great", 5 }, { "great", "", 5 }, { "", "", 0 },
		{ "dientical", "identical", 1 },
		{ "dinetcila", "identical", 4 },
		{ "abcdefghijk", "bacdfzzeghki", 6 }, { "abcd", "bcda", 2 },
		{ "great", "greta", 1 },
		{ "abcdefghijklmnopqrstuvwxyz", "abdcpoxwz", 20 },
		{ "a_considerably_longer_string",
		    "a_ocnsiderably_longre_tsrig", 4 },
		{ "another-quite-long-string", "naothre-quit-elongstrnig", 5 },
		{ "littlehampton", "littlerhamptoner", 3 },
		{ "an_incredibly_long_string_to_compare",
		    "na_incerdibl_ylong_sr56ting_ot_ocmrpe", 10 },
		{ "smaller", "notsmaller,longer", 10 },
		{ "againalongerstring", "string", 12 },
		{ "here", "theres", 2 }, { "heres", "theres", 1 },
		{ "herse", "threes", 3 }, { "herse", "here", 1 },
	};
	char a[400], b[400];
	size_t i;

	CHECK(DL("CA", "ABC") == 2);
	CHECK(DL("ABC", "CA") == 2);
	CHECK(DL("ab", "ba") == 1);
	CHECK(DL("abc", "acb") == 1);
	CHECK(DL("kitten", "sitting") == 3);
	for (i = 0; i < sizeof(duck) / sizeof(duck[0]); i++) {
		CHECK(DL(duck[i].a, duck[i].b) == duck[i].d);
		if (DL(duck[i].a, duck[i].b) != duck[i].d)
			fprintf(stderr, "  %s %s: %g, not %d\n", duck[i].a,
			    duck[i].b, DL(duck[i].a, duck[i].b), duck[i].d);
	}
	/* Past the stack table: 200 a's, then "xy" against "yx". */
	memset(a, 'a', 200);
	memset(b, 'a', 200);
	memcpy(a + 200, "xy", 2);
	memcpy(b + 200, "yx", 2);
	CHECK(strsim_damerau_levenshtein(a, 202, b, 202) == 1);
	CHECK(strsim_levenshtein(a, 202, b, 202) == 2);
	memset(a, 'q', 300);
	CHECK(strsim_damerau_levenshtein(a, 300, "", 0) == 300);
	CHECK(strsim_damerau_levenshtein(a, 300, b, 202) == 202 + 98);
}

/* Random strings over a small alphabet: the distances' invariants. */
static void
test_random(void)
{
	char a[24], b[24];
	size_t na, nb, k;
	double l, d, j1, j2;
	int i, bad = 0;

	for (i = 0; i < 3000; i++) {
		na = rnd(12);
		nb = rnd(12);
		for (k = 0; k < na; k++)
			a[k] = "abc"[rnd(3)];
		for (k = 0; k < nb; k++)
			b[k] = "abc"[rnd(3)];
		l = strsim_levenshtein(a, na, b, nb);
		d = strsim_damerau_levenshtein(a, na, b, nb);
		j1 = strsim_jaro(a, na, b, nb);
		j2 = strsim_jaro(b, nb, a, na);
		/* A transposition stands for at most two other edits. */
		bad += d > l || l > 2 * d;
		bad += l != strsim_levenshtein(b, nb, a, na);
		bad += d != strsim_damerau_levenshtein(b, nb, a, na);
		bad += j1 != j2 || j1 < 0 || j1 > 1;
		bad += l < (na > nb ? na - nb : nb - na);
	}
	CHECK(bad == 0);
}

/*
 * Token sets.  "john a smith" / "john smith": {john, a, smith} and
 * {john, smith}, 2 in common of 3: 2/3.  "élan x" / "elan x": only x
 * in common, of {élan, elan, x}: 1/3.
 */
static void
test_tokens(void)
{
	char a[1000], b[1000];
	size_t na = 0, nb = 0;
	int i;

	NEAR(TOK("john smith", "smith john"), 1, 1e-15);
	NEAR(TOK("john a smith", "john smith"), 2.0 / 3, 1e-15);
	NEAR(TOK("the the cat", "the cat"), 1, 1e-15);
	NEAR(TOK("  a\t b\n ", "a b"), 1, 1e-15);
	NEAR(TOK("a b c", "d e"), 0, 1e-15);
	NEAR(TOK("\xc3\xa9lan x", "elan x"), 1.0 / 3, 1e-15);
	/* U+3000 (ideographic space) separates: 東京　都, 都 東京. */
	NEAR(TOK("\xe6\x9d\xb1\xe4\xba\xac\xe3\x80\x80\xe9\x83\xbd",
	    "\xe9\x83\xbd \xe6\x9d\xb1\xe4\xba\xac"), 1, 1e-15);
	CHECK(TOK("", "a") == 0);
	CHECK(TOK("", "") == 0);
	CHECK(TOK("   ", "  ") == 0);
	/* Past the stack array: t0 .. t99 against t0 .. t49 is 50/100. */
	for (i = 0; i < 100; i++) {
		na += sprintf(a + na, "t%d ", i);
		if (i < 50)
			nb += sprintf(b + nb, "t%d ", 49 - i);
	}
	NEAR(strsim_token_jaccard(a, na, b, nb), 0.5, 1e-15);
}

/*
 * q-grams, padded with q - 1 marks (# before, $ after), multisets:
 *   martha/marhta, q = 2: #m ma ar rt th ha a$ and #m ma ar rh ht ta a$,
 *     4 in common (#m ma ar a$), 10 in all: 0.4.
 *   abc/abd, q = 3: ##a #ab abc bc$ c$$ and ##a #ab abd bd$ d$$: 2 of 8.
 *   aaa/aa, q = 2: #a aa aa a$ and #a aa a$: min counts 1+1+1 = 3, max
 *     1+2+1 = 4: 0.75 (as sets it would be 1).
 *   café/cafe, q = 2: #c ca af fé é$ and #c ca af fe e$: 3 of 7.
 *   ab/abc, q = 2: #a ab b$ and #a ab bc c$: 2 of 5.
 *   ab/ba, q = 1: no padding, {a, b} both: 1.
 *   a/a, q = 3: ##a #a$ a$$ both: 1.
 */
static void
test_qgram(void)
{
	char a[300];

	NEAR(QG("martha", "marhta", 2), 0.4, 1e-15);
	NEAR(QG("abc", "abd", 3), 0.25, 1e-15);
	NEAR(QG("aaa", "aa", 2), 0.75, 1e-15);
	NEAR(QG("caf\xc3\xa9", "cafe", 2), 3.0 / 7, 1e-15);
	NEAR(QG("ab", "abc", 2), 0.4, 1e-15);
	NEAR(QG("ab", "ba", 1), 1, 1e-15);
	NEAR(QG("a", "a", 3), 1, 1e-15);
	NEAR(QG("ab", "ba", 2), 0, 1e-15);	/* #a ab b$ / #b ba a$ */
	NEAR(QG("ab", "ba", 0), 0, 1e-15);	/* q = 2 */
	CHECK(QG("", "", 2) == 0);
	CHECK(QG("a", "", 2) == 0);
	/* Past the stack keys: 300 a's each, then 300 against 299. */
	memset(a, 'a', 300);
	NEAR(strsim_qgram(a, 300, a, 300, 3), 1, 1e-15);
	/* ##a #aa a$$ aa$ once each, aaa 298 and 297 times: 301 of 302. */
	NEAR(strsim_qgram(a, 300, a, 299, 3), 301.0 / 302, 1e-15);
}

static void
test_numeric(void)
{
	CHECK(strsim_absdiff(3, 5) == 2);
	CHECK(strsim_absdiff(5, 3) == 2);
	CHECK(strsim_absdiff(-1.5, 1.5) == 3);
	CHECK(isnan(strsim_absdiff(NAN, 1)));
	NEAR(strsim_reldiff(3, 5), 0.4, 1e-15);
	NEAR(strsim_reldiff(-5, -3), 0.4, 1e-15);
	CHECK(strsim_reldiff(0, 0) == 0);
	CHECK(strsim_reldiff(0, 7) == 1);
	CHECK(strsim_reldiff(-1, 1) == 2);
	CHECK(strsim_reldiff(100, 100) == 0);
	CHECK(isnan(strsim_reldiff(NAN, 1)));
	CHECK(isnan(strsim_reldiff(INFINITY, 1)));
}

static void
test_dates(void)
{
	/* 2024 is a leap year, 2023 is not; 2000 is. */
	CHECK(DAYS("2024-02-28", "2024-03-01") == 2);
	CHECK(DAYS("2023-02-28", "2023-03-01") == 1);
	CHECK(DAYS("2023-03-01", "2023-02-28") == 1);
	CHECK(DAYS("1999-12-31", "2000-01-01") == 1);
	CHECK(DAYS("2000-01-01", "2001-01-01") == 366);
	CHECK(DAYS("1969-12-31", "1970-01-01") == 1);
	CHECK(DAYS("2021-06-15", "2021-06-15") == 0);
	CHECK(isnan(DAYS("2023-02-29", "2023-03-01")));
	CHECK(isnan(DAYS("2023-2-01", "2023-03-01")));
	CHECK(isnan(DAYS("2023-13-01", "2023-03-01")));
	CHECK(isnan(DAYS("2023-03-01T00:00:00Z", "2023-03-01")));
	CHECK(isnan(DAYS("", "2023-03-01")));
	CHECK(isnan(strsim_date_days(NULL, 0, "2023-03-01", 10)));

	CHECK(SWAP("2021-03-04", "2021-04-03") == 1);
	CHECK(SWAP("2021-04-03", "2021-03-04") == 1);
	CHECK(SWAP("2021-05-05", "2021-05-05") == 0);
	CHECK(SWAP("2021-03-04", "2022-04-03") == 0);
	CHECK(SWAP("2021-03-04", "2021-03-04") == 0);
	CHECK(SWAP("2021-03-13", "2021-13-03") == 0);	/* no month 13 */
	CHECK(SWAP("2021-12-01", "2021-01-12") == 1);

	CHECK(LEVEL("2021-06-15", "2021-06-15", 30) == STRSIM_DATE_EXACT);
	CHECK(LEVEL("2021-03-04", "2021-04-03", 30) == STRSIM_DATE_SWAP);
	/* A swap 30 days apart is a swap first. */
	CHECK(LEVEL("2021-01-02", "2021-02-01", 40) == STRSIM_DATE_SWAP);
	CHECK(LEVEL("2020-06-15", "2021-06-15", 30) == STRSIM_DATE_YEAR);
	CHECK(LEVEL("2022-06-15", "2021-06-15", 0) == STRSIM_DATE_YEAR);
	CHECK(LEVEL("2019-06-15", "2021-06-15", 30) == STRSIM_DATE_OTHER);
	/* 29 February has no date a year off: 365 days to 28 February. */
	CHECK(LEVEL("2020-02-29", "2021-02-28", 365) == STRSIM_DATE_NEAR);
	CHECK(LEVEL("2021-01-10", "2021-01-31", 21) == STRSIM_DATE_NEAR);
	CHECK(LEVEL("2021-01-10", "2021-01-31", 20) == STRSIM_DATE_OTHER);
	CHECK(LEVEL("2021-01-10", "2021-01-31", -1) == STRSIM_DATE_OTHER);
	CHECK(LEVEL("2021-01-10", "2021-01-31", NAN) == STRSIM_DATE_OTHER);
	CHECK(LEVEL("2021-01-10", "10/01/2021", 30) == STRSIM_DATE_INVALID);
}

int
main(void)
{
	test_winkler();
	test_duckdb();
	test_unicode();
	test_levenshtein();
	test_damerau();
	test_random();
	test_tokens();
	test_qgram();
	test_numeric();
	test_dates();
	return unit_done("strsim");
}
