/* lexpost.h -- the inverted index of a segment and top-k BM25 over segments */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_LEXPOST_H
#define ETV_LEXPOST_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"

/*
 * The lexical index of one segment is a byte blob, written once by
 * lp_build and read in place (from an mmap) through lp_open.  It holds no
 * pointers; every integer is little-endian and unaligned reads are fine.
 * Its sections follow each other with no gaps, in this order:
 *
 *   header   64 bytes:
 *              0  "ETVLEXP1"         magic, 8 bytes
 *              8  u32 nrows          rows of the segment
 *             12  u32 nterms         distinct terms
 *             16  u32 ndocs          rows whose doclen > 0
 *             20  u32 nblocks        skip entries in all (blocks of 128)
 *             24  u64 sumlen         sum of doclen
 *             32  u64 npostings      sum of df
 *             40  u64 strlen         bytes of the term strings
 *             48  u64 datalen        bytes of block data, 8 padding included
 *             56  u64 0              reserved
 *   doclen   nrows x u32: the length of each row (sum of its tf), 0 for a
 *            row without text
 *   terms    nterms x 24 bytes, sorted by term bytes (memcmp order, a
 *            prefix first), strictly increasing:
 *              0  u64 dataoff        first byte of its blocks in data
 *              8  u32 skipidx        its first entry in skip
 *             12  u32 df             rows that have the term, >= 1
 *             16  u32 stroff         its bytes in strings
 *             20  u32 len            their number, >= 1
 *   skip     nblocks x 16 bytes; a term has ceil(df / 128) consecutive
 *            entries, one for each block of its postings list (every block
 *            holds 128 postings but the last, which holds the rest):
 *              0  u32 lastrow        the last row of the block
 *              4  u32 mindl          the smallest doclen of its rows
 *              8  u32 maxtf          the largest tf of the block
 *             12  u8  bwrow          bits of a row delta, 0..32
 *             13  u8  bwtf           bits of a tf - 1, 0..32
 *             14  u16 0              reserved
 *   strings  strlen bytes: the terms' bytes, not terminated
 *   data     datalen bytes: each block, in the order of skip, is n row
 *            deltas of bwrow bits then n values tf - 1 of bwtf bits, each
 *            run bit-packed from the least significant bit of its first
 *            byte up and padded to a whole byte.  A delta is row - prev
 *            - 1, prev being the last row of the block before (-1 for a
 *            term's first block).  8 zero bytes end the section.
 *
 * Terms and blocks are laid out in order, so a term's skipidx and dataoff
 * are the sums over the terms before it; lp_open checks this, the sizes,
 * the order of terms and rows and the statistics against doclen, so a
 * blob it accepts cannot make a reader go out of bounds.  It does not
 * read the packed bits (that would touch every page); a block whose
 * deltas do not end on its lastrow is read as rows in range, so damage
 * there gives wrong results, never a bad read.  (maxtf and mindl bound
 * the BM25 score of any row of the block, whatever avgdl, since a term's
 * score rises with tf and falls with doclen.)
 */

/* A read-only view of a blob; the memory is the caller's. */
struct lp_seg {
	const uint8_t	*blob;		/* the blob */
	size_t		 len;		/* its bytes */
	uint32_t	 nrows;		/* rows of the segment */
	uint32_t	 nterms;	/* distinct terms */
	uint32_t	 ndocs;		/* rows with doclen > 0 */
	uint32_t	 nblocks;	/* skip entries */
	uint64_t	 sumlen;	/* sum of doclen */
	uint64_t	 npostings;	/* sum of df */
	const uint8_t	*doclen;	/* nrows u32 */
	const uint8_t	*terms;		/* nterms entries of 24 bytes */
	const uint8_t	*skip;		/* nblocks entries of 16 bytes */
	const uint8_t	*strings;	/* the term bytes */
	const uint8_t	*data;		/* block data */
	uint64_t	 datalen;	/* bytes of data, padding included */
};

/* Row i's analysed terms, "term tf\n" repeated; length in *lenp. */
typedef const char *(*lp_rowterms)(void *arg, uint32_t row, size_t *lenp);

/*
 * Build the blob of a segment of nrows rows, fn(arg, i) giving row i's
 * terms: lines "term tf\n" (the order of the terms does not matter), tf
 * a decimal >= 1, the term free of ' ', '\n' and '\0'; an empty string
 * or NULL for a row without text.  A line without a space or a tf >= 1
 * is skipped, a term given twice in a row has the sum of its tfs, and a
 * tf or doclen is capped at 2^32 - 1.  The string fn returns need only
 * last until the next call.  Appends the blob to out.  Holds the postings
 * in memory meanwhile, 8 bytes each.
 */
void	 lp_build(uint32_t nrows, lp_rowterms fn, void *arg, struct buf *out);

/*
 * Open a view of the blob blob[0..len) of a segment of nrows rows,
 * checking all of it but the packed bits.  Returns 0, or -1 with
 * "corrupt lexical index: ..." in err.  Nothing to free.
 */
int	 lp_open(struct lp_seg *, const void *blob, size_t len, uint32_t nrows,
	    struct buf *err);

/* The length of a row (0 without text, or for a row >= nrows). */
uint32_t lp_doclen(const struct lp_seg *, uint32_t row);

/* The sum of doclen over the rows, the rows with doclen > 0, the distinct
 * terms and the postings. */
uint64_t lp_sumlen(const struct lp_seg *);
uint32_t lp_ndocs(const struct lp_seg *);
uint32_t lp_nterms(const struct lp_seg *);
uint64_t lp_npostings(const struct lp_seg *);

/* The number of rows that have term[0..len), 0 when absent. */
uint32_t lp_df(const struct lp_seg *, const char *term, size_t len);

/* A query term; weight is idf times the term's count in the query. */
struct lp_term {
	const char	*term;		/* its bytes */
	size_t		 len;		/* their number */
	double		 weight;	/* idf x query tf, the caller's */
};

/* BM25's parameters and the average doclen (k1 >= 0, 0 <= b <= 1,
 * avgdl > 0), all from the caller, who counts over all segments. */
struct lp_params {
	double		 k1;		/* tf saturation */
	double		 b;		/* length normalisation */
	double		 avgdl;		/* average doclen */
};

/* One result. */
struct lp_hit {
	float		 score;		/* the score, rounded from double */
	uint32_t	 seg;		/* index into the segments */
	uint32_t	 row;		/* row of that segment */
};

/* Whether a row may be a result (0: no, a deleted row or a filter). */
typedef int (*lp_accept)(uint32_t seg, uint32_t row, void *arg);

/* The memory of queries, reused from one query to the next; one a
 * thread.  Never NULL; free with lp_search_free (NULL is accepted). */
struct lp_search *lp_search_new(void);
void	 lp_search_free(struct lp_search *);

/*
 * Choose how lp_query searches: LP_PRUNE (the default) skips rows and
 * blocks that cannot reach the top k (MaxScore, with block bounds);
 * LP_EXHAUSTIVE scores every row that has a query term.  Both give the
 * same results, bit for bit.
 */
enum { LP_PRUNE, LP_EXHAUSTIVE };
void	 lp_search_mode(struct lp_search *, int mode);

/*
 * The k best accepted rows over segs[0..nseg) for the terms t[0..nt),
 * best first, written to out[0..k); returns their number.  A row's score
 * is, summed in double in the order of t over the terms it has,
 *
 *	weight * (tf * (k1 + 1)) / (tf + k1 * (1 - b + b * doclen / avgdl))
 *
 * (each operation in this order); rows without a query term are not
 * results.  Ties go to the lower segment, then the lower row.  fn (NULL:
 * every row is accepted) is asked only about a row that would enter the
 * top k as it stands when the row comes.  A term may repeat in t; terms
 * with weight <= 0 are allowed.
 */
size_t	 lp_query(struct lp_search *, const struct lp_seg *segs, uint32_t nseg,
	    const struct lp_term *t, size_t nt, const struct lp_params *,
	    size_t k, lp_accept fn, void *arg, struct lp_hit *out);

#endif
