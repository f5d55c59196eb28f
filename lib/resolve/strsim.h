/* strsim.h -- string and value comparators for record linkage */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_STRSIM_H
#define ETV_STRSIM_H

#include <stddef.h>

/*
 * The comparators a Fellegi-Sunter model scores field pairs with.  Every
 * string is UTF-8 given as a pointer and a length in bytes (it may hold
 * NUL bytes; a NULL pointer is accepted with length 0 and is the empty
 * string) and is compared by code points: "é" is one, "日本" two.  An
 * ill-formed byte counts as one code point of its own, equal only to the
 * same ill-formed byte.  Nothing here changes case, accents or white
 * space: the caller normalises first (text_normalize).
 *
 * Empty strings: the similarities (Jaro, Jaro-Winkler, token and q-gram
 * Jaccard) are 0 when either string is empty, both included, as DuckDB's
 * jaro_similarity('', '') is: an empty value carries no evidence, and the
 * caller gives it the null level before comparing.  The distances are
 * the length of the other string (0 for two empty strings).
 *
 * All functions are thread-safe and keep no state.  Strings of up to
 * STRSIM_SHORT code points are decoded on the stack; longer ones (and
 * Damerau-Levenshtein tables of more than STRSIM_DL_CELLS cells) are
 * allocated with xmalloc for the call and freed before it returns, so
 * they can only fail by ending the program when memory runs out.
 */

/* Code points a string may have and still be compared without malloc. */
#define STRSIM_SHORT	256

/* Cells of the Damerau-Levenshtein table kept on the stack (64 KiB). */
#define STRSIM_DL_CELLS	16384

/*
 * The Jaro similarity in [0, 1] (Jaro 1989): m code points match when
 * equal and no farther apart than max(|a|, |b|) / 2 - 1 positions, each
 * matched at most once, the first free one in a's order; t is half the
 * matched code points that are out of order; the similarity is
 * (m / |a| + m / |b| + (m - t) / m) / 3, and 0 when m is 0.  This is
 * DuckDB's jaro_similarity, which DuckDB computes on bytes: the two
 * agree on ASCII.
 */
double	 strsim_jaro(const char *a, size_t na, const char *b, size_t nb);

/*
 * The Jaro-Winkler similarity in [0, 1] (Winkler 1990): with j the Jaro
 * similarity and l the common prefix in code points, at most 4, it is
 * j + 0.1 l (1 - j) when j > 0.7 and j otherwise.  The prefix boost
 * applies only above Jaro 0.7, as in Winkler's original and as DuckDB's
 * jaro_winkler_similarity (Splink's jaro_winkler comparisons) does.
 */
double	 strsim_jaro_winkler(const char *a, size_t na, const char *b,
	    size_t nb);

/*
 * The Levenshtein distance: the fewest insertions, deletions and
 * substitutions of a code point that turn a into b.
 */
double	 strsim_levenshtein(const char *a, size_t na, const char *b,
	    size_t nb);

/*
 * The Damerau-Levenshtein distance, unrestricted: the fewest insertions,
 * deletions, substitutions and transpositions of two adjacent code
 * points that turn a into b, where a transposed pair may be edited
 * further (Lowrance and Wagner 1975).  This is DuckDB's
 * damerau_levenshtein (which Splink uses), not the optimal string
 * alignment distance: "CA" to "ABC" is 2 here (CA, AC, ABC), 3 under
 * optimal string alignment.  It needs a table of (|a| + 2) (|b| + 2)
 * cells, allocated for the call beyond STRSIM_DL_CELLS.
 */
double	 strsim_damerau_levenshtein(const char *a, size_t na,
	    const char *b, size_t nb);

/*
 * The Jaccard similarity of the sets of white-space separated tokens of
 * a and b: |A and B| / |A or B|, in [0, 1].  White space is Unicode
 * White_Space (text_is_space); a token repeated counts once.
 */
double	 strsim_token_jaccard(const char *a, size_t na, const char *b,
	    size_t nb);

/*
 * The q-gram similarity, q from 1 to 3 (others are taken as 2): the
 * Jaccard similarity of the multisets of q-grams of code points,
 * sum of min(count in a, count in b) over sum of max, in [0, 1].  Each
 * string is padded with q - 1 start marks before it and q - 1 end marks
 * after it, marks that no code point equals, so that a string of n code
 * points has n + q - 1 q-grams, the first and last code points weigh as
 * much as the middle ones, and strings shorter than q still compare.
 * A q-gram that occurs twice counts twice: "aaa" and "aa" are not equal.
 */
double	 strsim_qgram(const char *a, size_t na, const char *b, size_t nb,
	    unsigned q);

/* |a - b|; NaN when either is NaN. */
double	 strsim_absdiff(double a, double b);

/*
 * |a - b| / max(|a|, |b|), in [0, 2] (2 when the signs differ; 1 when
 * one is 0 and the other not), and 0 when both are 0; NaN when either is
 * NaN or infinite.
 */
double	 strsim_reldiff(double a, double b);

/*
 * The number of days between two RFC 3339 full-dates "YYYY-MM-DD" (a
 * valid calendar date, proleptic Gregorian), as |b - a| in whole days;
 * NaN when either is not such a date (a date-time is not one).
 */
double	 strsim_date_days(const char *a, size_t na, const char *b,
	    size_t nb);

/*
 * Are two full-dates the same date with the day and the month swapped
 * (2021-03-04 and 2021-04-03)?  1 or 0; 0 when they are equal (a day
 * that equals its month, 2021-05-05, is not a swap) or either is not a
 * valid full-date.
 */
int	 strsim_date_swapped(const char *a, size_t na, const char *b,
	    size_t nb);

/* The levels of strsim_date_level, from the closest agreement down. */
enum {
	STRSIM_DATE_EXACT,	/* the same date */
	STRSIM_DATE_SWAP,	/* day and month swapped, same year */
	STRSIM_DATE_YEAR,	/* same month and day, years one apart */
	STRSIM_DATE_NEAR,	/* at most maxdays days apart */
	STRSIM_DATE_OTHER,	/* none of those */
	STRSIM_DATE_INVALID	/* either is not a valid full-date */
};

/*
 * The first of the STRSIM_DATE_* levels that two full-dates meet, in the
 * order of the enum: a swap that is also within maxdays days is a swap.
 * A negative or NaN maxdays leaves out STRSIM_DATE_NEAR.
 */
int	 strsim_date_level(const char *a, size_t na, const char *b,
	    size_t nb, double maxdays);

#endif
