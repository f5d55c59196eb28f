/* minhash.h -- shingles, MinHash signatures and LSH bands of a text */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_MINHASH_H
#define ETV_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"

/*
 * A text is normalised (mh_normalize), cut into shingles (n words, or n
 * code points for text in scripts written without spaces), and each
 * shingle hashed to 64 bits.  Its signature is, for each of k hash
 * functions h_i(x) = (a_i x + b_i) >> 32 (Dietzfelbinger's multiply-shift,
 * a_i odd), the smallest value over its shingles: two texts agree on a
 * value with probability equal to the Jaccard similarity of their
 * shingle sets.  LSH cuts the signature into b bands of r values; texts
 * that agree on a whole band are candidates.  A text with no shingle has
 * the signature of all ones: empty texts match each other and nothing
 * else.
 */

/* --normalize */
enum {
	MH_NORM_NONE,		/* the text as it is */
	MH_NORM_BASIC,		/* NFKC, case folding, white space collapsed */
	MH_NORM_AGGRESSIVE	/* basic, then punctuation and digits dropped */
};

/* --shingle */
enum {
	MH_SHINGLE_AUTO,	/* words, or chars for unspaced scripts */
	MH_SHINGLE_WORDS,	/* n words */
	MH_SHINGLE_CHARS	/* n code points */
};

/* How signatures are made; every run that compares them must agree. */
struct mh_params {
	int		 normalize;	/* MH_NORM_* */
	int		 shingle;	/* MH_SHINGLE_* */
	unsigned	 ngram;		/* words or code points a shingle */
	unsigned	 num_perm;	/* values in a signature (even) */
	unsigned	 bands;		/* LSH bands */
	unsigned	 rows;		/* values a band; bands * rows <= num_perm */
	uint64_t	 seed;		/* of the hash functions */
};

/*
 * Bands and rows for a Jaccard threshold with k values, as datasketch
 * chooses them: the pair (b, r), b * r <= k and b <= maxbands, that
 * minimises the weighted sum of the false positive area (the probability
 * of becoming a candidate, integrated over similarities below the
 * threshold; weight fpw) and the false negative area (of not becoming
 * one, above it; weight 1 - fpw).  datasketch weighs both 0.5.
 */
void	 mh_optimal(double threshold, unsigned k, double fpw,
	    unsigned maxbands, unsigned *bands, unsigned *rows);

/*
 * etv's choice: every candidate is verified, so a false positive costs a
 * comparison and a false negative a lost duplicate: false positives weigh
 * 0.2, and at most 9 bands keep the LSH index near 100 bytes a record.
 */
#define MH_FP_WEIGHT	0.2
#define MH_MAX_BANDS	9

/*
 * Normalise p[0..n) (valid UTF-8) into out (replaced) as mode says.
 * basic and aggressive give the words of the text, each separated by one
 * space, with no leading or trailing space.
 */
void	 mh_normalize(int mode, const char *p, size_t n, struct buf *out);

/*
 * Should a normalised text be cut into characters?  Yes when most of its
 * letters belong to scripts written without spaces between words (Han,
 * Hiragana, Katakana, Thai, Lao, Khmer, Myanmar).
 */
int	 mh_unspaced(const char *p, size_t n);

/*
 * The 64-bit hashes of the shingles of the normalised text p[0..n),
 * words or code points as chars says, appended to *sh (grown with
 * xrealloc; *cap its room).  A text shorter than one shingle is one
 * shingle of all of it; an empty text has none.  Returns the count.
 */
size_t	 mh_shingles(const char *p, size_t n, unsigned ngram, int chars,
	    uint64_t **sh, size_t *cap);

/* The hash functions of a set of parameters. */
struct minhash;

/* Make them (params copied).  Never NULL; free with mh_free. */
struct minhash *mh_new(const struct mh_params *);
void	 mh_free(struct minhash *);
const struct mh_params *mh_params_of(const struct minhash *);

/* The signature of n shingle hashes: num_perm values into sig. */
void	 mh_signature(const struct minhash *, const uint64_t *sh, size_t n,
	    uint32_t *sig);

/* The band keys of a signature: bands 32-bit hashes into keys. */
void	 mh_bands(const struct minhash *, const uint32_t *sig,
	    uint32_t *keys);

/*
 * The compact signature: the low 4 bits of each value, two a byte
 * (num_perm / 2 bytes), the b-bit MinHash of Li and König.
 */
void	 mh_compact(const uint32_t *sig, unsigned k, uint8_t *out);

/* Values on which two compact signatures of k values agree. */
unsigned mh_matches(const uint8_t *a, const uint8_t *b, unsigned k);

/*
 * The Jaccard estimate from m of k agreeing 4-bit values: random values
 * agree one time in 16, so J = (m/k - 1/16) / (1 - 1/16), within [0, 1].
 */
double	 mh_estimate(unsigned m, unsigned k);

/*
 * Sort and deduplicate n shingle hashes, keeping their low 32 bits, into
 * out (room for n).  Returns the count left.
 */
size_t	 mh_set32(const uint64_t *sh, size_t n, uint32_t *out);

/* The Jaccard similarity of two sorted sets (1 when both are empty). */
double	 mh_jaccard(const uint32_t *a, size_t na, const uint32_t *b,
	    size_t nb);

#endif
