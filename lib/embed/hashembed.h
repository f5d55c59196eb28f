/* hashembed.h -- the built-in embedder: signed feature hashing of text */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_HASHEMBED_H
#define ETV_HASHEMBED_H

#include <stddef.h>

/*
 * A deterministic, offline embedding of text by feature hashing.  The
 * text is normalised (NFKC and Unicode case folding; ASCII text only has
 * its letters lowered, which is the same thing), cut into words (runs of
 * letters, digits and marks), and turned into features: each word, each
 * pair of neighbouring words, and the character 3- to 5-grams of each
 * word padded with a space on both sides.  Each distinct feature adds
 * +-(1 + ln count) to one of dims buckets, bucket and sign chosen by a
 * 64-bit hash of the feature; the vector is then L2-normalised.
 *
 * It captures lexical similarity (shared words and word pieces), not
 * meaning.  The version number below names the algorithm: it changes
 * whenever any vector would change.
 */
#define HASHEMBED_VERSION	2

/*
 * Per-thread working memory; opaque.  It remembers the words and features
 * of earlier texts (a few megabytes at most) to embed the next ones
 * faster; no vector depends on what it remembers.
 */
struct hashembed_scratch;

/* New working memory; never NULL.  Free with hashembed_scratch_free. */
struct hashembed_scratch *hashembed_scratch_new(void);

/* Free working memory.  NULL is accepted. */
void	 hashembed_scratch_free(struct hashembed_scratch *);

/*
 * Embed text[0..len) (UTF-8; invalid bytes are ignored) into out[0..dims).
 * A text without any word gives the zero vector.  Returns the number of
 * distinct features found.
 */
size_t	 hashembed_run(struct hashembed_scratch *, const char *text,
	    size_t len, float *out, size_t dims);

#endif
