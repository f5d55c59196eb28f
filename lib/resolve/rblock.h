/* rblock.h -- blocking: the pairs of records a resolve run compares */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RBLOCK_H
#define ETV_RBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/resolve/rdata.h"

/*
 * A blocking rule gives each record keys (usually one; one a word with
 * tokens()); two records that share a key of some rule are a candidate
 * pair.  A record with a term empty (a missing value, a name with no
 * Soundex code) has no key for that rule, so missing values never make
 * pairs.  Which pairs count:
 *
 *   RBLOCK_DEDUPE  every two records, except two prior ones (--against:
 *                  records of earlier runs were compared then);
 *   RBLOCK_LINK    a record of source 0 with one of source 1.
 *
 * A pair is a 64-bit number, the lower record in the high half: pairs
 * sort by their first record, then their second.
 */
enum {
	RBLOCK_DEDUPE,
	RBLOCK_LINK
};

#define RBLOCK_PAIR(a, b)	((uint64_t)(a) << 32 | (uint32_t)(b))
#define RBLOCK_A(p)		((uint32_t)((p) >> 32))
#define RBLOCK_B(p)		((uint32_t)(p))

/*
 * Append the keys of record r under rule k to out, each followed by a
 * NUL; returns how many (0 when a term is empty).  A key is the rule's
 * terms joined by 0x1f.
 */
size_t	 rblock_keys(const struct rdata *, int k, uint32_t r, struct buf *out);

/* The 64-bit hash of key p[0..n) of rule k, by which keys are grouped. */
uint64_t rblock_hash(int k, const char *p, size_t n);

/* The candidate pairs of all rules, each once, in order. */
struct rcand {
	uint64_t	*pair;		/* sorted, distinct; owned */
	uint16_t	*rules;		/* for each pair, a bit for each rule
					   that found it; owned */
	size_t		 n;		/* pairs */
	uint64_t	 count[RM_MAX_RULES]; /* pairs each rule found */
};

/*
 * Find the candidate pairs under every rule of the model, in mode
 * RBLOCK_*.  The pairs of each rule are counted before any is made: when
 * the sum is more than max_pairs, nothing is made and -1 is returned
 * with advice in err (the rule and its largest block, with the key that
 * made it).  Returns 0 and fills c otherwise.
 */
int	 rblock_candidates(const struct rdata *, int mode, uint64_t max_pairs,
	    struct rcand *c, struct buf *err);

/* Free what c holds. */
void	 rcand_free(struct rcand *c);

/*
 * Sort the n numbers k[] ascending, stably, carrying val[] (when not
 * NULL) along: a radix sort, O(n), with n more of each as scratch.
 */
void	 rblock_sort(uint64_t *k, uint32_t *val, size_t n);

#endif
