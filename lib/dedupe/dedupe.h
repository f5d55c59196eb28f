/* dedupe.h -- sketches of records and the earlier record each is most like */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_DEDUPE_H
#define ETV_DEDUPE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/dedupe/minhash.h"

/*
 * A record's sketch is what its text leaves for comparison: its band
 * keys, then its verification data (the compact MinHash signature, the
 * shingle set with exact verification, or the text hash for the exact
 * method).  Shingle sets are kept in a temporary file ($TMPDIR), read
 * back for the candidates only, so that memory holds the band keys and
 * an offset a record.  Two records are candidates when they share a band key, and
 * duplicates when their score (the Jaccard estimate, the true Jaccard,
 * or 1 for equal hashes) is at least the threshold.
 *
 * The index keeps, for each band key, its owner: the first record that
 * had it.  dd_add gives each record, in input order, its link: of the
 * owners of its band keys, the one of highest score that passes the
 * threshold, ties to the earliest.  A record is compared with at most
 * one record a band, so a cluster of a million near copies costs a
 * million lookups, not a million squared comparisons.  The links are a
 * function of the records alone, so a staged run (band keys sorted, each
 * bucket's records compared with its first) finds the same ones.
 */
enum {
	DD_EXACT,		/* equal normalised text */
	DD_MINHASH,		/* Jaccard of shingle sets */
	DD_SEMANTIC		/* cosine of embeddings */
};

struct dd_config {
	int		 method;	/* DD_EXACT or DD_MINHASH */
	struct mh_params mh;		/* normalising, shingles, bands */
	double		 threshold;	/* lowest score of a duplicate */
	int		 verify_exact;	/* score by the true Jaccard (-1:
					   not chosen yet; a command sets it) */
};

struct dd;

/* A detector (cfg copied).  Never NULL; free with dd_free. */
struct dd *dd_new(const struct dd_config *);
void	 dd_free(struct dd *);

/* Bands in a sketch (1 for the exact method). */
unsigned dd_bands(const struct dd *);

/* Scratch memory of one thread for dd_sketch. */
struct dd_work {
	struct buf	 norm;		/* the normalised text */
	uint64_t	*sh;		/* shingle hashes; owned */
	size_t		 cap;		/* room in sh */
	uint32_t	*sig;		/* a full signature; owned */
	uint32_t	*set;		/* a shingle set; owned */
	size_t		 setcap;	/* room in set */
};
#define DD_WORK_INIT	{ BUF_INIT, NULL, 0, NULL, NULL, 0 }
void	 dd_work_release(struct dd_work *);

/*
 * Append the sketch of text[0..n) (valid UTF-8) to out.  Safe to call
 * from several threads, each with its own work.
 */
void	 dd_sketch(const struct dd *, struct dd_work *, const char *text,
	    size_t n, struct buf *out);

/*
 * Is s[0..n) a sketch of this detector's configuration?  For sketches
 * read from files.
 */
int	 dd_sketch_ok(const struct dd *, const void *s, size_t n);

/* The band keys of a sketch (dd_bands of them). */
void	 dd_keys(const struct dd *, const void *s, uint32_t *keys);

/* The verification data of a sketch: a pointer into s, length in *n. */
const uint8_t *dd_data(const struct dd *, const void *s, size_t len,
	    size_t *n);

/* The lowest score of a duplicate. */
double	 dd_threshold(const struct dd *);

/* The score of two records from their verification data. */
double	 dd_score(const struct dd *, const uint8_t *a, size_t na,
	    const uint8_t *b, size_t nb);

/*
 * File the next record (numbered from 0 in the order of the calls) by
 * its sketch s[0..n), and return its link: the earlier record it is most
 * like, or UINT32_MAX when none passes, with the score in *score.
 */
uint32_t dd_add(struct dd *, const void *s, size_t n, float *score);

/*
 * Bytes held: the LSH index in *lsh, the verification data in memory in
 * *data, in the temporary file in *disk; returns records filed.
 */
size_t	 dd_memory(const struct dd *, size_t *lsh, size_t *data,
	    size_t *disk);

#endif
