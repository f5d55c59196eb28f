/* analyze.h -- text analysis for a lexical index: words, CJK bigrams, stems */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_ANALYZE_H
#define ETV_ANALYZE_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * An analyzer turns a text into the terms a BM25 index counts.  Its spec
 * names what it does, and an index stores the spec so that its queries
 * are cut the same way:
 *
 * "none"  Tokens are the runs of bytes between Unicode white space
 *         (text_is_space, and U+00A0) and ill-formed UTF-8 bytes, as
 *         they are: no folding, no stemming (exact terms).
 *
 * "standard"  The text is put in NFKC and case folded (Unicode full
 *         folding: "Straße" gives "strasse", "ﬁ" gives "fi", a
 *         full-width "Ａ" gives "a"); ASCII text takes a fast path that
 *         lowercases it inline, with the same result.  Ill-formed UTF-8
 *         bytes are separators.  Then words are cut:
 *
 *         - A word is a maximal run of letters (L*), combining marks
 *           (M*) and numbers (N*), as utf8proc_category gives them,
 *           outside the CJK scripts below.
 *         - These join a word across them when they stand alone between
 *           two of its characters: an apostrophe (U+0027 or U+2019,
 *           which the term spells U+0027: "don't", "l'homme", "o'neil");
 *           an underscore ("snake_case"); a '.' or ',' between two
 *           decimal digits ("3.14", "1,000").  Anything else, and any of
 *           them doubled or at the edge of a word, separates ("e.g"
 *           gives "e" and "g", "--x" gives "x").
 *         - Characters of the Han, Hiragana, Katakana and Hangul scripts
 *           (letters, numbers and marks in their blocks, including the
 *           iteration marks 々 and 〆) are not joined into words: each
 *           maximal run of them gives its overlapping bigrams ("東京都"
 *           gives "東京" and "京都"), a run of one character gives it
 *           alone, as the CJK bigram filter of Lucene does.  A combining
 *           mark after such a character goes with it.  Any other
 *           character ends the run: "iPhone15東京" gives "iphone15" and
 *           "東京".
 *
 * "standard:LANG"  As "standard", then each word (not the CJK terms)
 *         that is on the language's stop word list is dropped (the list
 *         put through the same folding first, so German "daß" is found
 *         as "dass"), and the others are stemmed with the Snowball
 *         stemmer of LANG.  Stop lists are compiled in for danish, dutch,
 *         english, finnish, french, german, italian, norwegian,
 *         portuguese, russian, spanish and swedish (and porter, which
 *         takes the English one); the other languages libstemmer knows
 *         are stemmed without one.  The English stemmer removes a
 *         possessive "'s" itself ("john's" gives "john"); nothing else
 *         is done about apostrophes (French elision stays: "l'homme").
 *
 * Numbers are kept as terms.  A term longer than AN_MAXTERM bytes (after
 * folding, and again after stemming) is dropped.
 */
#define AN_MAXTERM	255

struct an_analyzer;

/*
 * The terms of a text: term i is the NUL-terminated string at
 * buf + off[i], n terms in all, in the order they appear in the text.
 * Initialise with AN_TOKENS_INIT (or zero it) and reuse it from text to
 * text; release with an_tokens_release.
 */
struct an_tokens {
	char	*buf;		/* the terms, each followed by '\0'; owned */
	size_t	 len;		/* bytes of buf in use */
	size_t	 cap;		/* bytes allocated */
	size_t	*off;		/* start of term i in buf; owned */
	size_t	 n;		/* terms */
	size_t	 ncap;		/* entries of off allocated */
};

#define AN_TOKENS_INIT	{ NULL, 0, 0, NULL, 0, 0 }

/* Term i of t (i < t->n). */
static inline const char *
an_token(const struct an_tokens *t, size_t i)
{
	return t->buf + t->off[i];
}

/*
 * A new analyzer for spec: "none", "standard" or "standard:LANG", LANG
 * a Snowball language name as an_languages lists them (in any case) or
 * its ISO 639-1 code ("en", "de", "fr" ..., "nb" and "no" for
 * norwegian).  Returns NULL with a message in err for a spec or a
 * language it does not know (the message lists the languages).  An
 * analyzer holds a Snowball stemmer and buffers that an_analyze reuses,
 * so it is not thread-safe: use one a thread.  Free with an_free.
 */
struct an_analyzer *an_new(const char *spec, struct buf *err);

/* Free an analyzer; NULL is accepted. */
void	 an_free(struct an_analyzer *);

/*
 * The canonical spec of an analyzer ("none", "standard",
 * "standard:english"), for the index file; an_new of it gives an
 * analyzer that does the same.  Borrowed until an_free.
 */
const char *an_spec(const struct an_analyzer *);

/*
 * Reset out, then put the terms of text[0..len) in it, in order.  The
 * text is UTF-8; ill-formed bytes separate terms and never appear in
 * one.  Memory runs out through xmem.
 */
void	 an_analyze(struct an_analyzer *, const char *text, size_t len,
	    struct an_tokens *out);

/* Free the memory of t; it is AN_TOKENS_INIT again.  NULL is accepted. */
void	 an_tokens_release(struct an_tokens *t);

/*
 * The languages of "standard:LANG", as libstemmer names them, separated
 * by ", ", for --help and messages.  A static string.
 */
const char *an_languages(void);

#endif
