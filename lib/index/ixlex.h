/* ixlex.h -- BM25 over an etv index: a record's terms, statistics, search */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_IXLEX_H
#define ETV_IXLEX_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/index/lexpost.h"
#include "lib/index/vecfile.h"
#include "lib/text/analyze.h"

/* The BM25 parameters an index gets unless told otherwise. */
#define IXLEX_K1	1.2
#define IXLEX_B		0.75

/*
 * The analysis spec of a lexical index from --analyzer ("standard" or
 * "none") and --language (NULL for none), in an_spec's canonical form
 * (free it).  Returns NULL with the reason in err: a language with
 * "none", or one this build's libstemmer does not have.
 */
char	*ixlex_spec(const char *analyzer, const char *language,
	    struct buf *err);

/*
 * Walk a VF_TERMS string: the next term at *p (before end), its length
 * in *tlen and its count in *tf, *p moved past it.  Returns 0 at the end
 * or at a malformed line.
 */
int	 ixlex_next_term(const char **p, const char *end, const char **term,
	    size_t *tlen, unsigned long *tf);

/*
 * The VF_TERMS string of text[0..len) as an analyses it: each distinct
 * term once, as "term tf\n", sorted bytewise.  Replaces the contents of
 * out.  Returns the number of terms counted with their repeats (the
 * document's length).
 */
size_t	 ixlex_terms(struct an_analyzer *an, const char *text, size_t len,
	    struct buf *out);

/*
 * What BM25 needs of an open index: the inverted index of each segment
 * and the statistics of its live rows (documents, their mean length and,
 * for each term, the live rows that hold it), exact whatever the rows
 * deleted or replaced since the last compaction: the terms of the dead
 * rows are read when the index is opened for search and taken off.  So a
 * score does not depend on how the rows lie in segments.  Read-only once
 * made: threads may share it.
 */
struct ixlex;

/*
 * Set up BM25 over ix (which must be lexical, and outlive it).  Returns
 * it (free with ixlex_free), or NULL with what is wrong written to err:
 * a corrupt inverted index or an analysis this build does not have.
 */
struct ixlex *ixlex_open(const struct vf_index *ix, struct buf *err);
void	 ixlex_free(struct ixlex *);

/* Live rows with at least one term, and their mean length. */
uint64_t ixlex_docs(const struct ixlex *);
double	 ixlex_avgdl(const struct ixlex *);

/*
 * Terms and postings in all segments (dead rows' included), and the
 * bytes of the inverted indexes and of the rows' term lists, for stats.
 */
void	 ixlex_sizes(const struct ixlex *, uint64_t *terms,
	    uint64_t *postings, uint64_t *index_bytes, uint64_t *terms_bytes);

/*
 * Whether a row may be a hit (besides being live): 0 refuses it.  The
 * same filters as vector search (vf_accept).
 */
typedef int (*ixlex_accept)(const struct vf_index *, uint32_t seg,
	    uint32_t row, void *arg);

/*
 * Search state of one thread for lx, with its own analyzer (free with
 * ixlex_search_free, NULL ok).
 */
struct ixlex_search;
struct ixlex_search *ixlex_search_new(const struct ixlex *lx);
void	 ixlex_search_free(struct ixlex_search *);

/*
 * The k live rows that fn accepts (NULL: all) with the highest BM25
 * score for the query text[0..len), analysed as the index says, best
 * first, ties by segment and row: the score of a row is the sum over the
 * distinct query terms t it holds of
 *
 *	qtf(t) * idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
 *
 * with idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) (Lucene's, never
 * negative), N the live rows with terms, df those holding t, dl the
 * row's terms counted with repeats, qtf(t) the times t is in the query.
 * Writes up to k hits to out (score set, dist the negated score) and
 * returns their number; a query with no term of the index has none.
 */
size_t	 ixlex_query(struct ixlex_search *, const struct ixlex *,
	    const char *text, size_t len, size_t k, ixlex_accept fn,
	    void *arg, struct vf_hit *out);

#endif
