/* phonetic.c -- phonetic codes of names: Soundex and Double Metaphone */
/* SPDX-License-Identifier: MIT */

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "lib/base/buf.h"
#include "lib/base/utf8.h"
#include "lib/resolve/phonetic.h"
#include "lib/text/text.h"

/* Marks a C with cedilla in the letters of a name (Latin-1's byte). */
#define CCEDIL	((char)0xc7)

/* Room for the decomposition of one code point. */
#define DECOMP	32

/*
 * Append the letters of p[0..n) to out as upper-case ASCII: each code
 * point decomposed (compatibility), case folded, its marks stripped, and
 * what is left of it kept when it is an ASCII letter.  With words set,
 * a run of other characters becomes one space between letters, and Ç
 * becomes CCEDIL.
 */
static void
phonetic_letters(const char *p, size_t n, int words, struct buf *out)
{
	utf8proc_int32_t d[DECOMP];
	utf8proc_ssize_t k, j;
	int32_t cp;
	size_t i, adv, start = out->len;
	int gap = 0, c;

	for (i = 0; i < n; i += adv) {
		c = (unsigned char)p[i];
		adv = 1;
		if (c < 0x80) {
			if (text_is_alpha(c)) {
				if (words && gap && out->len > start)
					buf_addc(out, ' ');
				gap = 0;
				buf_addc(out, c & ~0x20);
			} else
				gap = 1;
			continue;
		}
		cp = utf8_decode(p + i, n - i, &adv);
		if (cp < 0)
			continue;
		if (words && (cp == 0xc7 || cp == 0xe7)) {
			if (words && gap && out->len > start)
				buf_addc(out, ' ');
			gap = 0;
			buf_addc(out, CCEDIL);
			continue;
		}
		k = utf8proc_decompose_char(cp, d, DECOMP, (utf8proc_option_t)
		    (UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
		    UTF8PROC_STRIPMARK), NULL);
		if (k < 0 || k > DECOMP) {
			gap = 1;
			continue;
		}
		/*
		 * A letter that decomposes to no ASCII letter (æ, ø, Greek)
		 * is dropped without a break; a mark alone leaves nothing.
		 */
		if (k > 0 && !(utf8proc_category(cp) >= UTF8PROC_CATEGORY_LU &&
		    utf8proc_category(cp) <= UTF8PROC_CATEGORY_LO)) {
			gap = 1;
			continue;
		}
		for (j = 0; j < k; j++) {
			if (d[j] >= 0x80 || !text_is_alpha(d[j]))
				continue;
			if (words && gap && out->len > start)
				buf_addc(out, ' ');
			gap = 0;
			buf_addc(out, d[j] & ~0x20);
		}
	}
}

/* The Soundex digit of an upper-case letter; 0 for vowels, H, W. */
static int
phonetic_sxdigit(int c)
{
	static const char code[] = "01230120022455012623010202";

	return code[c - 'A'] - '0';
}

void
phonetic_soundex(const char *p, size_t n, struct buf *out)
{
	struct buf l = BUF_INIT;
	size_t i, ndig = 0;
	int prev, d, c;

	phonetic_letters(p, n, 0, &l);
	if (l.len == 0) {
		buf_release(&l);
		return;
	}
	buf_addc(out, l.data[0]);
	prev = phonetic_sxdigit(l.data[0]);
	for (i = 1; i < l.len && ndig < 3; i++) {
		c = l.data[i];
		if (c == 'H' || c == 'W')
			continue;	/* does not separate */
		d = phonetic_sxdigit(c);
		if (d != 0 && d != prev) {
			buf_addc(out, '0' + d);
			ndig++;
		}
		prev = d;		/* a vowel (0) separates */
	}
	for (; ndig < 3; ndig++)
		buf_addc(out, '0');
	buf_release(&l);
}

/*
 * Double Metaphone.  The state of one encoding: the upper-case letters
 * of the name with five spaces after them (the published algorithm pads
 * so that its look-aheads see spaces past the end), and the two codes.
 */
struct dm {
	const char	*s;		/* letters, then the padding */
	long		 len;		/* letters, without the padding */
	long		 plen;		/* with the padding */
	long		 last;		/* len - 1 */
	int		 slavo;		/* has W, K, CZ or WITZ */
	struct buf	*pri;		/* primary code; caller's */
	struct buf	*sec;		/* secondary code; caller's */
	size_t		 pri0;		/* primary's length at the start */
	size_t		 sec0;		/* secondary's length at the start */
};

/* The character at i, or NUL outside the padded string. */
static int
dm_at(const struct dm *m, long i)
{
	return i < 0 || i >= m->plen ? 0 : (unsigned char)m->s[i];
}

/* Is the character at i a vowel (A E I O U Y) of the name? */
static int
dm_vowel(const struct dm *m, long i)
{
	if (i < 0 || i >= m->len)
		return 0;
	return strchr("AEIOUY", m->s[i]) != NULL;
}

/*
 * Does one of the strings, all of length k, start at i?  The list ends
 * with NULL.
 */
static int
dm_is(const struct dm *m, long i, long k, ...)
{
	const char *t;
	va_list ap;
	int hit = 0;

	if (i < 0 || i + k > m->plen)
		return 0;
	va_start(ap, k);
	while (!hit && (t = va_arg(ap, const char *)) != NULL)
		hit = memcmp(m->s + i, t, (size_t)k) == 0;
	va_end(ap);
	return hit;
}

/*
 * Add main to the primary code and alt to the secondary; alt NULL means
 * main to both.  The published " " alternative (a sound the secondary
 * code drops) is written "".
 */
static void
dm_add2(struct dm *m, const char *main, const char *alt)
{
	buf_adds(m->pri, main);
	buf_adds(m->sec, alt != NULL ? alt : main);
}

static void
dm_add(struct dm *m, const char *both)
{
	dm_add2(m, both, NULL);
}

/*
 * A letter with one code whatever surrounds it: add code and step over
 * the letter, and over a second one like it.  Returns the next position.
 */
static long
dm_plain(struct dm *m, long i, const char *code)
{
	dm_add(m, code);
	return dm_at(m, i + 1) == dm_at(m, i) ? i + 2 : i + 1;
}

/* Is the name Germanic: does it start with VAN, VON or SCH? */
static int
dm_germanic(const struct dm *m)
{
	return dm_is(m, 0, 4, "VAN ", "VON ", NULL) ||
	    dm_is(m, 0, 3, "SCH", NULL);
}

/* The letter C at i; returns the next position. */
static long
dm_c(struct dm *m, long i)
{
	/* Germanic: "bacher", "macher", not "bachi", "bache". */
	if (i > 1 && !dm_vowel(m, i - 2) && dm_is(m, i - 1, 3, "ACH", NULL) &&
	    dm_at(m, i + 2) != 'I' && (dm_at(m, i + 2) != 'E' ||
	    dm_is(m, i - 2, 6, "BACHER", "MACHER", NULL))) {
		dm_add(m, "K");
		return i + 2;
	}
	if (i == 0 && dm_is(m, i, 6, "CAESAR", NULL)) {
		dm_add(m, "S");
		return i + 2;
	}
	if (dm_is(m, i, 4, "CHIA", NULL)) {		/* "chianti" */
		dm_add(m, "K");
		return i + 2;
	}
	if (dm_is(m, i, 2, "CH", NULL)) {
		if (i > 0 && dm_is(m, i, 4, "CHAE", NULL)) {	/* "michael" */
			dm_add2(m, "K", "X");
			return i + 2;
		}
		/* Greek roots: "chemistry", "chorus", not "chore". */
		if (i == 0 && (dm_is(m, i + 1, 5, "HARAC", "HARIS", NULL) ||
		    dm_is(m, i + 1, 3, "HOR", "HYM", "HIA", "HEM", NULL)) &&
		    !dm_is(m, 0, 5, "CHORE", NULL)) {
			dm_add(m, "K");
			return i + 2;
		}
		/* Germanic, Greek or otherwise CH for KH. */
		if (dm_germanic(m) ||
		    dm_is(m, i - 2, 6, "ORCHES", "ARCHIT", "ORCHID", NULL) ||
		    dm_is(m, i + 2, 1, "T", "S", NULL) ||
		    ((i == 0 || dm_is(m, i - 1, 1, "A", "O", "U", "E",
		    NULL)) &&
		    dm_is(m, i + 2, 1, "L", "R", "N", "M", "B", "H", "F", "V",
		    "W", " ", NULL)))
			dm_add(m, "K");
		else if (i > 0) {
			if (dm_is(m, 0, 2, "MC", NULL))	/* "McHugh" */
				dm_add(m, "K");
			else
				dm_add2(m, "X", "K");
		} else
			dm_add(m, "X");
		return i + 2;
	}
	if (dm_is(m, i, 2, "CZ", NULL) &&
	    !dm_is(m, i - 2, 4, "WICZ", NULL)) {	/* "czerny" */
		dm_add2(m, "S", "X");
		return i + 2;
	}
	if (dm_is(m, i + 1, 3, "CIA", NULL)) {		/* "focaccia" */
		dm_add(m, "X");
		return i + 3;
	}
	/* A double C, but not in "McClellan". */
	if (dm_is(m, i, 2, "CC", NULL) && !(i == 1 && dm_at(m, 0) == 'M')) {
		/* "bellocchio", not "bacchus" */
		if (dm_is(m, i + 2, 1, "I", "E", "H", NULL) &&
		    !dm_is(m, i + 2, 2, "HU", NULL)) {
			/* "accident", "accede", "succeed" */
			if ((i == 1 && dm_at(m, i - 1) == 'A') ||
			    dm_is(m, i - 1, 5, "UCCEE", "UCCES", NULL))
				dm_add(m, "KS");
			else	/* "bacci", "bertucci" */
				dm_add(m, "X");
			return i + 3;
		}
		dm_add(m, "K");				/* Pierce's rule */
		return i + 2;
	}
	if (dm_is(m, i, 2, "CK", "CG", "CQ", NULL)) {
		dm_add(m, "K");
		return i + 2;
	}
	if (dm_is(m, i, 2, "CI", "CE", "CY", NULL)) {
		if (dm_is(m, i, 3, "CIO", "CIE", "CIA", NULL))	/* Italian */
			dm_add2(m, "S", "X");
		else
			dm_add(m, "S");
		return i + 2;
	}
	dm_add(m, "K");
	if (dm_is(m, i + 1, 2, " C", " Q", " G", NULL))	/* "mac caffrey" */
		return i + 3;
	if (dm_is(m, i + 1, 1, "C", "K", "Q", NULL) &&
	    !dm_is(m, i + 1, 2, "CE", "CI", NULL))
		return i + 2;
	return i + 1;
}

/* The letter D at i. */
static long
dm_d(struct dm *m, long i)
{
	if (dm_is(m, i, 2, "DG", NULL)) {
		if (dm_is(m, i + 2, 1, "I", "E", "Y", NULL)) {	/* "edge" */
			dm_add(m, "J");
			return i + 3;
		}
		dm_add(m, "TK");			/* "edgar" */
		return i + 2;
	}
	dm_add(m, "T");
	return dm_is(m, i, 2, "DT", "DD", NULL) ? i + 2 : i + 1;
}

/* The letter G at i. */
static long
dm_g(struct dm *m, long i)
{
	if (dm_at(m, i + 1) == 'H') {
		if (i > 0 && !dm_vowel(m, i - 1)) {
			dm_add(m, "K");
			return i + 2;
		}
		if (i == 0) {			/* "ghislane", "ghiradelli" */
			dm_add(m, dm_at(m, i + 2) == 'I' ? "J" : "K");
			return i + 2;
		}
		/* Parker's rule: "hugh", "bough", "broughton". */
		if ((i > 1 && dm_is(m, i - 2, 1, "B", "H", "D", NULL)) ||
		    (i > 2 && dm_is(m, i - 3, 1, "B", "H", "D", NULL)) ||
		    (i > 3 && dm_is(m, i - 4, 1, "B", "H", NULL)))
			return i + 2;
		/* "laugh", "McLaughlin", "cough", "rough", "tough" */
		if (i > 2 && dm_at(m, i - 1) == 'U' &&
		    dm_is(m, i - 3, 1, "C", "G", "L", "R", "T", NULL))
			dm_add(m, "F");
		else if (i > 0 && dm_at(m, i - 1) != 'I')
			dm_add(m, "K");
		return i + 2;
	}
	if (dm_at(m, i + 1) == 'N') {
		if (i == 1 && dm_vowel(m, 0) && !m->slavo)
			dm_add2(m, "KN", "N");
		else if (!dm_is(m, i + 2, 2, "EY", NULL) &&	/* "cagney" */
		    dm_at(m, i + 1) != 'Y' && !m->slavo)
			dm_add2(m, "N", "KN");
		else
			dm_add(m, "KN");
		return i + 2;
	}
	if (dm_is(m, i + 1, 2, "LI", NULL) && !m->slavo) {  /* "tagliaro" */
		dm_add2(m, "KL", "L");
		return i + 2;
	}
	/* -ges-, -gep-, -gel-, -gie- at the start */
	if (i == 0 && (dm_at(m, i + 1) == 'Y' || dm_is(m, i + 1, 2, "ES", "EP",
	    "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER", NULL))) {
		dm_add2(m, "K", "J");
		return i + 2;
	}
	/* -ger-, -gy- */
	if ((dm_is(m, i + 1, 2, "ER", NULL) || dm_at(m, i + 1) == 'Y') &&
	    !dm_is(m, 0, 6, "DANGER", "RANGER", "MANGER", NULL) &&
	    !dm_is(m, i - 1, 1, "E", "I", NULL) &&
	    !dm_is(m, i - 1, 3, "RGY", "OGY", NULL)) {
		dm_add2(m, "K", "J");
		return i + 2;
	}
	/* Italian: "biaggi" */
	if (dm_is(m, i + 1, 1, "E", "I", "Y", NULL) ||
	    dm_is(m, i - 1, 4, "AGGI", "OGGI", NULL)) {
		if (dm_germanic(m) || dm_is(m, i + 1, 2, "ET", NULL))
			dm_add(m, "K");
		else if (dm_is(m, i + 1, 4, "IER ", NULL))	/* French */
			dm_add(m, "J");
		else
			dm_add2(m, "J", "K");
		return i + 2;
	}
	dm_add(m, "K");
	return dm_at(m, i + 1) == 'G' ? i + 2 : i + 1;
}

/* The letter J at i. */
static long
dm_j(struct dm *m, long i)
{
	/* Spanish: "Jose", "San Jacinto" */
	if (dm_is(m, i, 4, "JOSE", NULL) || dm_is(m, 0, 4, "SAN ", NULL)) {
		if ((i == 0 && dm_at(m, i + 4) == ' ') ||
		    dm_is(m, 0, 4, "SAN ", NULL))
			dm_add(m, "H");
		else
			dm_add2(m, "J", "H");
		return i + 1;
	}
	if (i == 0)				/* Yankelovich, Jankelowicz */
		dm_add2(m, "J", "A");
	else if (dm_vowel(m, i - 1) && !m->slavo &&
	    (dm_at(m, i + 1) == 'A' || dm_at(m, i + 1) == 'O'))
		dm_add2(m, "J", "H");		/* Spanish "bajador" */
	else if (i == m->last)
		dm_add2(m, "J", "");
	else if (!dm_is(m, i + 1, 1, "L", "T", "K", "S", "N", "M", "B", "Z",
	    NULL) && !dm_is(m, i - 1, 1, "S", "K", "L", NULL))
		dm_add(m, "J");
	return dm_at(m, i + 1) == 'J' ? i + 2 : i + 1;
}

/* The letter L at i. */
static long
dm_l(struct dm *m, long i)
{
	if (dm_at(m, i + 1) != 'L') {
		dm_add(m, "L");
		return i + 1;
	}
	/* Spanish: "cabrillo", "gallegos" */
	if ((i == m->len - 3 &&
	    dm_is(m, i - 1, 4, "ILLO", "ILLA", "ALLE", NULL)) ||
	    ((dm_is(m, m->last - 1, 2, "AS", "OS", NULL) ||
	    dm_is(m, m->last, 1, "A", "O", NULL)) &&
	    dm_is(m, i - 1, 4, "ALLE", NULL)))
		dm_add2(m, "L", "");
	else
		dm_add(m, "L");
	return i + 2;
}

/* The letter S at i. */
static long
dm_s(struct dm *m, long i)
{
	/* "island", "isle", "carlisle", "carlysle" */
	if (dm_is(m, i - 1, 3, "ISL", "YSL", NULL))
		return i + 1;
	if (i == 0 && dm_is(m, i, 5, "SUGAR", NULL)) {
		dm_add2(m, "X", "S");
		return i + 1;
	}
	if (dm_is(m, i, 2, "SH", NULL)) {
		if (dm_is(m, i + 1, 4, "HEIM", "HOEK", "HOLM", "HOLZ", NULL))
			dm_add(m, "S");			/* Germanic */
		else
			dm_add(m, "X");
		return i + 2;
	}
	if (dm_is(m, i, 3, "SIO", "SIA", NULL) ||
	    dm_is(m, i, 4, "SIAN", NULL)) {	/* Italian, Armenian */
		if (!m->slavo)
			dm_add2(m, "S", "X");
		else
			dm_add(m, "S");
		return i + 3;
	}
	/*
	 * German and anglicisations: "smith" matches "schmidt", "snider"
	 * "schneider"; also -sz- in Slavic languages.
	 */
	if ((i == 0 && dm_is(m, i + 1, 1, "M", "N", "L", "W", NULL)) ||
	    dm_is(m, i + 1, 1, "Z", NULL)) {
		dm_add2(m, "S", "X");
		return dm_is(m, i + 1, 1, "Z", NULL) ? i + 2 : i + 1;
	}
	if (dm_is(m, i, 2, "SC", NULL)) {
		/* Schlesinger's rule; Dutch: "school", "schooner" */
		if (dm_at(m, i + 2) == 'H') {
			if (dm_is(m, i + 3, 2, "OO", "ER", "EN", "UY", "ED",
			    "EM", NULL)) {
				/* "schermerhorn", "schenker" */
				if (dm_is(m, i + 3, 2, "ER", "EN", NULL))
					dm_add2(m, "X", "SK");
				else
					dm_add(m, "SK");
			} else if (i == 0 && !dm_vowel(m, 3) &&
			    dm_at(m, 3) != 'W')
				dm_add2(m, "X", "S");
			else
				dm_add(m, "X");
			return i + 3;
		}
		if (dm_is(m, i + 2, 1, "I", "E", "Y", NULL))
			dm_add(m, "S");
		else
			dm_add(m, "SK");
		return i + 3;
	}
	/* French: "resnais", "artois" */
	if (i == m->last && dm_is(m, i - 2, 2, "AI", "OI", NULL))
		dm_add2(m, "", "S");
	else
		dm_add(m, "S");
	return dm_is(m, i + 1, 1, "S", "Z", NULL) ? i + 2 : i + 1;
}

/* The letter T at i. */
static long
dm_t(struct dm *m, long i)
{
	if (dm_is(m, i, 4, "TION", NULL) || dm_is(m, i, 3, "TIA", "TCH",
	    NULL)) {
		dm_add(m, "X");
		return i + 3;
	}
	if (dm_is(m, i, 2, "TH", NULL) || dm_is(m, i, 3, "TTH", NULL)) {
		/* "thomas", "thames", or Germanic */
		if (dm_is(m, i + 2, 2, "OM", "AM", NULL) || dm_germanic(m))
			dm_add(m, "T");
		else
			dm_add2(m, "0", "T");
		return i + 2;
	}
	dm_add(m, "T");
	return dm_is(m, i + 1, 1, "T", "D", NULL) ? i + 2 : i + 1;
}

/* The letter W at i. */
static long
dm_w(struct dm *m, long i)
{
	if (dm_is(m, i, 2, "WR", NULL)) {
		dm_add(m, "R");
		return i + 2;
	}
	if (i == 0 && (dm_vowel(m, i + 1) || dm_is(m, i, 2, "WH", NULL))) {
		/* Wasserman matches Vasserman; Uomo matches Womo */
		if (dm_vowel(m, i + 1))
			dm_add2(m, "A", "F");
		else
			dm_add(m, "A");
	}
	/* Arnow matches Arnoff */
	if ((i == m->last && dm_vowel(m, i - 1)) ||
	    dm_is(m, i - 1, 5, "EWSKI", "EWSKY", "OWSKI", "OWSKY", NULL) ||
	    dm_is(m, 0, 3, "SCH", NULL)) {
		dm_add2(m, "", "F");
		return i + 1;
	}
	if (dm_is(m, i, 4, "WICZ", "WITZ", NULL)) {	/* "filipowicz" */
		dm_add2(m, "TS", "FX");
		return i + 4;
	}
	return i + 1;
}

/* The letter at i; returns the next position. */
static long
dm_step(struct dm *m, long i)
{
	int c = dm_at(m, i);

	switch (c) {
	case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
		if (i == 0)
			dm_add(m, "A");
		return i + 1;
	case 'B':
		return dm_plain(m, i, "P");
	case (unsigned char)CCEDIL:
		dm_add(m, "S");
		return i + 1;
	case 'C':
		return dm_c(m, i);
	case 'D':
		return dm_d(m, i);
	case 'F':
		return dm_plain(m, i, "F");
	case 'G':
		return dm_g(m, i);
	case 'H':
		/* Kept first or between vowels, before a vowel. */
		if ((i == 0 || dm_vowel(m, i - 1)) && dm_vowel(m, i + 1)) {
			dm_add(m, "H");
			return i + 2;
		}
		return i + 1;
	case 'J':
		return dm_j(m, i);
	case 'K':
		return dm_plain(m, i, "K");
	case 'L':
		return dm_l(m, i);
	case 'M':
		dm_add(m, "M");
		/* "dumb", "thumb" */
		if ((dm_is(m, i - 1, 3, "UMB", NULL) && (i + 1 == m->last ||
		    dm_is(m, i + 2, 2, "ER", NULL))) || dm_at(m, i + 1) == 'M')
			return i + 2;
		return i + 1;
	case 'N':
		return dm_plain(m, i, "N");
	case 'P':
		if (dm_at(m, i + 1) == 'H') {
			dm_add(m, "F");
			return i + 2;
		}
		dm_add(m, "P");			/* "campbell", "raspberry" */
		return dm_is(m, i + 1, 1, "P", "B", NULL) ? i + 2 : i + 1;
	case 'Q':
		return dm_plain(m, i, "K");
	case 'R':
		/* French "rogier", but not "hochmeier" */
		if (i == m->last && !m->slavo &&
		    dm_is(m, i - 2, 2, "IE", NULL) &&
		    !dm_is(m, i - 4, 2, "ME", "MA", NULL))
			dm_add2(m, "", "R");
		else
			dm_add(m, "R");
		return dm_at(m, i + 1) == 'R' ? i + 2 : i + 1;
	case 'S':
		return dm_s(m, i);
	case 'T':
		return dm_t(m, i);
	case 'V':
		return dm_plain(m, i, "F");
	case 'W':
		return dm_w(m, i);
	case 'X':
		/* French "breaux" */
		if (!(i == m->last &&
		    (dm_is(m, i - 3, 3, "IAU", "EAU", NULL) ||
		    dm_is(m, i - 2, 2, "AU", "OU", NULL))))
			dm_add(m, "KS");
		return dm_is(m, i + 1, 1, "C", "X", NULL) ? i + 2 : i + 1;
	case 'Z':
		if (dm_at(m, i + 1) == 'H') {		/* Pinyin "zhao" */
			dm_add(m, "J");
			return i + 2;
		}
		if (dm_is(m, i + 1, 2, "ZO", "ZI", "ZA", NULL) ||
		    (m->slavo && i > 0 && dm_at(m, i - 1) != 'T'))
			dm_add2(m, "S", "TS");
		else
			dm_add(m, "S");
		return dm_at(m, i + 1) == 'Z' ? i + 2 : i + 1;
	default:
		return i + 1;
	}
}

void
phonetic_dmetaphone(const char *p, size_t n, unsigned maxlen,
    struct buf *primary, struct buf *secondary)
{
	struct buf l = BUF_INIT;
	struct dm m;
	long i;

	phonetic_letters(p, n, 1, &l);
	if (l.len == 0) {
		buf_release(&l);
		return;
	}
	m.len = (long)l.len;
	m.last = m.len - 1;
	m.slavo = memchr(l.data, 'W', l.len) != NULL ||
	    memchr(l.data, 'K', l.len) != NULL ||
	    strstr(l.data, "CZ") != NULL || strstr(l.data, "WITZ") != NULL;
	buf_adds(&l, "     ");
	m.s = l.data;
	m.plen = (long)l.len;
	m.pri = primary;
	m.sec = secondary;
	m.pri0 = primary->len;
	m.sec0 = secondary->len;

	i = 0;
	/* Silent first letters; an initial X sounds as S ("Xavier"). */
	if (dm_is(&m, 0, 2, "GN", "KN", "PN", "WR", "PS", NULL))
		i = 1;
	if (dm_at(&m, 0) == 'X') {
		dm_add(&m, "S");
		i = 1;
	}
	while (i < m.len && (maxlen == 0 || primary->len - m.pri0 < maxlen ||
	    secondary->len - m.sec0 < maxlen))
		i = dm_step(&m, i);
	if (maxlen != 0 && primary->len - m.pri0 > maxlen) {
		primary->len = m.pri0 + maxlen;
		primary->data[primary->len] = '\0';
	}
	if (maxlen != 0 && secondary->len - m.sec0 > maxlen) {
		secondary->len = m.sec0 + maxlen;
		secondary->data[secondary->len] = '\0';
	}
	buf_release(&l);
}
