/* text.h -- UTF-8 validation, normalisation, case folding, graphemes */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_TEXT_H
#define ETV_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/base/utf8.h"


/* Normalisation forms and options for text_normalize, or-ed together. */
enum {
	TEXT_NFC = 1 << 0,	/* canonical composition */
	TEXT_NFD = 1 << 1,	/* canonical decomposition */
	TEXT_NFKC = 1 << 2,	/* compatibility composition */
	TEXT_NFKD = 1 << 3,	/* compatibility decomposition */
	TEXT_CASEFOLD = 1 << 4,	/* Unicode full case folding */
	TEXT_STRIPMARK = 1 << 5	/* drop combining marks (with a D form) */
};

/*
 * Normalise p[0..n) through utf8proc.  Returns a new NUL-terminated
 * string the caller frees with free(3), its length in *lenp, or NULL when
 * the input is not valid UTF-8.  Exits with ETV_SYS on OOM.
 */
char	*text_normalize(const char *p, size_t n, int forms, size_t *lenp);

/*
 * Read fp to its end and say whether it is all valid UTF-8: 1 yes, 0 no,
 * -1 on a read error (errno set).  When copy is not NULL every byte read
 * is written to it too (for input that cannot be read twice); a write
 * error there is -1 as well.
 */
int	 text_stream_is_utf8(FILE *fp, FILE *copy);

/* Is p[0..n) already in NFC? (Quick check first, then a full pass.) */
int	 text_is_nfc(const char *p, size_t n);

/*
 * Return the length in bytes of the extended grapheme cluster (UAX #29)
 * starting at p, at least 1; an ill-formed byte is a cluster of its own.
 */
size_t	 text_grapheme(const char *p, size_t n);

/*
 * Count code points (bytes that start a sequence: a stray continuation
 * byte is not counted) and grapheme clusters.
 */
size_t	 text_cp_count(const char *p, size_t n);
size_t	 text_grapheme_count(const char *p, size_t n);

/*
 * Is c white space (Unicode White_Space: ASCII blanks, NEL, the Zs
 * spaces, line and paragraph separators)?
 */
int	 text_is_space(int32_t c);

/*
 * ASCII classes, whatever the locale: a digit, a hex digit, a letter, a
 * letter or digit.
 */
static inline int
text_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
text_is_hex(int c)
{
	return text_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static inline int
text_is_alpha(int c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline int
text_is_alnum(int c)
{
	return text_is_alpha(c) || text_is_digit(c);
}

/* The value of a hexadecimal digit, or -1. */
int	 text_hexval(int c);

/* The value of the 4 hex digits at p (n bytes left), or -1: a \u escape. */
long	 text_hex4(const char *p, size_t n);

/*
 * The offset of the first control character in p[0..n), or -1: C0 but
 * TAB, LF and CR, DEL, and C1.
 */
long	 text_control_at(const char *p, size_t n);

/*
 * p[0..n) in NFC with its control characters (as text_control_at
 * finds them) removed.  Returns a new NUL-terminated string the caller
 * frees with free(3), its length in *lenp, or NULL when the input is not
 * valid UTF-8.  Exits with ETV_SYS on OOM.
 */
char	*text_clean(const char *p, size_t n, size_t *lenp);

/* Is p[0..n) empty or only ASCII white space (space, \t \n \v \f \r)? */
int	 text_blank(const char *p, size_t n);

/*
 * Is p[0..n) a blank line of a line-based input: empty or only spaces,
 * tabs and a CR (its newline already cut)?
 */
int	 text_blank_line(const char *p, size_t n);

#endif
