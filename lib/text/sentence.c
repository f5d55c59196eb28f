/* sentence.c -- rule-based sentence and clause boundaries */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "lib/text/sentence.h"
#include "lib/text/text.h"

/* Titles and other abbreviations a capitalised word may follow. */
static const char *const abbrev[] = {
	"mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "sr", "jr",
	"st", "mt", "ft", "vs", "cf", "al", "approx", "dept", "est", "inc",
	"ltd", "co", "corp", "bros", "gen", "gov", "sen", "rep", "lt",
	"col", "capt", "sgt", "rev", "hon", "ave", "blvd", "rd", "ca", "viz",
	"resp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
	"sept", "oct", "nov", "dec", "dipl", "ing", "univ", NULL
};

/* Abbreviations that are only such before a number ("No. 5", "p. 12"). */
static const char *const numabbrev[] = {
	"no", "nos", "nr", "vol", "vols", "p", "pp", "fig", "figs", "sec",
	"sect", "ch", "chap", "eq", "eqs", "art", "ref", "refs", "op", "ed",
	NULL
};

/* The code point ending at offset at (at > 0), and its start. */
static int32_t
prev_cp(const char *p, size_t at, size_t *start)
{
	size_t s = at - 1, adv;
	int32_t cp;

	if ((unsigned char)p[s] < 0x80) {
		*start = s;
		return (unsigned char)p[s];
	}
	while (s > 0 && ((unsigned char)p[s] & 0xc0) == 0x80 && at - s < 4)
		s--;
	cp = utf8_decode(p + s, at - s, &adv);
	*start = s;
	return cp;
}

static int32_t
next_cp(const char *p, size_t n, size_t at, size_t *adv)
{
	if (at >= n) {
		*adv = 0;
		return -1;
	}
	if ((unsigned char)p[at] < 0x80) {
		*adv = 1;
		return (unsigned char)p[at];
	}
	return utf8_decode(p + at, n - at, adv);
}

/* Terminators that need no space after them (CJK text). */
static int
is_cjk_stop(int32_t c)
{
	return c == 0x3002 || c == 0xff01 || c == 0xff1f || c == 0xff0e ||
	    c == 0xff61;
}

static int
is_stop(int32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == 0x2026 ||
	    c == 0x203c || (c >= 0x2047 && c <= 0x2049) || c == 0x037e ||
	    c == 0x061f || c == 0x06d4 || c == 0x0964 || c == 0x0965 ||
	    is_cjk_stop(c);
}

static int
is_closer(int32_t c)
{
	switch (c) {
	case '"': case '\'': case ')': case ']': case '}': case '*':
	case '_': case 0x2019: case 0x201d: case 0x00bb: case 0x203a:
	case 0x300d: case 0x300f: case 0xff09: case 0x3011: case 0x300b:
	case 0x3009: case 0xff63: case 0xff3d:
		return 1;
	}
	return 0;
}

static int
is_opener(int32_t c)
{
	switch (c) {
	case '"': case '\'': case '(': case '[': case '{': case '*':
	case '_': case 0x2018: case 0x201c: case 0x00ab: case 0x00bf:
	case 0x00a1:
		return 1;
	}
	return 0;
}

static int
in_list(const char *const *list, const char *w, size_t n)
{
	char low[8];		/* no abbreviation is longer than 6 */
	size_t i;

	if (n == 0 || n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++) {
		if ((unsigned char)w[i] >= 0x80)
			return 0;
		low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
	}
	low[n] = '\0';
	for (i = 0; list[i] != NULL; i++)
		if (list[i][0] == low[0] && strcmp(list[i], low) == 0)
			return 1;
	return 0;
}

/*
 * Is the word p[ws..we) before a "." (followed by next, the first
 * character of the next word) an abbreviation, an initial or a list
 * number?
 */
static int
not_an_end(const char *p, size_t ws, size_t we, int32_t next)
{
	size_t i, adv, s;
	int32_t c;
	int digits = 1;

	/* Leading quotes and brackets are not part of the word. */
	while (ws < we) {
		c = utf8_decode(p + ws, we - ws, &adv);
		if (!is_opener(c))
			break;
		ws += adv;
	}
	if (ws == we)
		return 0;
	if (memchr(p + ws, '.', we - ws) != NULL)
		return 1;		/* "e.g.", "U.S." */
	c = utf8_decode(p + ws, we - ws, &adv);
	if (ws + adv == we && utf8proc_category(c) >= UTF8PROC_CATEGORY_LU &&
	    utf8proc_category(c) <= UTF8PROC_CATEGORY_LO)
		return 1;		/* an initial */
	if (in_list(abbrev, p + ws, we - ws))
		return 1;
	if (next >= '0' && next <= '9' && in_list(numabbrev, p + ws, we - ws))
		return 1;
	for (i = ws; i < we; i++)
		if (p[i] < '0' || p[i] > '9')
			digits = 0;
	if (digits && we - ws <= 3) {
		/* A number alone at the start of a line is a list item. */
		for (s = ws; s > 0 && (p[s - 1] == ' ' || p[s - 1] == '\t');
		    s--)
			;
		if (s == 0 || p[s - 1] == '\n' || p[s - 1] == '\r')
			return 1;
	}
	return 0;
}

int
sentence_end(const char *p, size_t n, size_t at)
{
	size_t k = at, s, adv, i, ws;
	int32_t c, t, nc;
	int closers = 0;

	if (at == 0 || at > n)
		return 0;
	/* Walk back over closing quotes and brackets. */
	for (;;) {
		c = prev_cp(p, k, &s);
		if (!is_closer(c) || closers == 4 || s == 0)
			break;
		k = s;
		closers++;
	}
	t = prev_cp(p, k, &s);
	if (!is_stop(t))
		return 0;
	nc = next_cp(p, n, at, &adv);
	if (nc >= 0 && (is_closer(nc) || is_stop(nc)))
		return 0;	/* the end is further on */
	if (is_cjk_stop(t))
		return 1;
	if (nc >= 0 && !text_is_space(nc))
		return 0;	/* "3.14", "example.com" */
	/* The first character of the next word. */
	for (i = at; i < n; i += adv) {
		nc = utf8_decode(p + i, n - i, &adv);
		if (!text_is_space(nc))
			break;
	}
	if (i >= n)
		return 1;
	while (is_opener(nc) && i + adv < n) {
		i += adv;
		nc = utf8_decode(p + i, n - i, &adv);
	}
	if (nc < 0x80 ? nc >= 'a' && nc <= 'z' :
	    utf8proc_category(nc) == UTF8PROC_CATEGORY_LL)
		return 0;
	if (t != '.')
		return 1;
	for (ws = s; ws > 0; ws--)
		if (text_is_space((unsigned char)p[ws - 1]))
			break;
	return !not_an_end(p, ws, s, nc);
}

int
sentence_clause_end(const char *p, size_t n, size_t at)
{
	size_t s, adv;
	int32_t c, nc;

	if (at == 0 || at > n)
		return 0;
	c = prev_cp(p, at, &s);
	nc = next_cp(p, n, at, &adv);
	switch (c) {
	case 0xff0c: case 0x3001: case 0xff1b: case 0xff1a:
		return 1;
	case ',': case ';': case ':': case 0x060c: case 0x061b:
	case 0x2014: case 0x2013:
		return nc < 0 || text_is_space(nc);
	}
	return 0;
}

size_t
sentence_next(const char *p, size_t n, size_t from)
{
	size_t i = from, adv;
	int32_t c;

	while (i < n) {
		c = utf8_decode(p + i, n - i, &adv);
		i += adv;
		if ((is_stop(c) || is_closer(c)) && sentence_end(p, n, i))
			return i;
	}
	return n;
}
