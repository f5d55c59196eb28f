/* evmetric.h -- retrieval metrics of one ranked list, as trec_eval defines them */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_EVMETRIC_H
#define ETV_EVMETRIC_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * A query's ranking is given as the grade of the document at each rank
 * (0 for a document nobody judged) and its judgments as their grades.
 * A grade of at least min_rel is relevant; R is the number of relevant
 * judged documents.  For a cut-off k:
 *
 *   recall@k     relevant in the top k / R (0 when R is 0)
 *   precision@k  relevant in the top k / k
 *   hit_rate@k   1 when a relevant document is in the top k
 *   mrr@k        1 / rank of the first relevant document, 0 past k
 *   map@k        sum of precision@r over the ranks r <= k of relevant
 *                documents, / R (trec_eval's map_cut)
 *   ndcg@k       DCG@k / IDCG@k: the sum of gain / log2(rank + 1) over
 *                the top k, over the same sum for the judged grades in
 *                descending order; the gain is the grade (linear, as
 *                trec_eval) or 2^grade - 1 (exp), and every grade above
 *                0 gains, relevant or not; 0 when IDCG is 0
 *
 * and uncut, over the whole ranking: mrr, map, ndcg, and r_precision,
 * precision@R (0 when R is 0).
 */
enum {
	EVM_RECALL,
	EVM_PRECISION,
	EVM_HIT_RATE,
	EVM_MRR,
	EVM_MAP,
	EVM_NDCG,
	EVM_R_PRECISION,
	EVM_NMETRIC
};

/* The largest cut-off and the most cut-offs a run may ask for. */
#define EVM_MAX_K	1000000
#define EVM_MAX_CUTS	32

/* What is measured. */
struct evm_spec {
	unsigned	 metrics;	/* bit (1 << EVM_*) per metric */
	long		 k[EVM_MAX_CUTS]; /* cut-offs, ascending, distinct */
	size_t		 nk;		/* their number */
	int		 exp_gain;	/* nDCG gain 2^grade - 1 */
	long		 min_rel;	/* lowest relevant grade (>= 1) */
};

/* The metric named name ("ndcg"), or -1. */
int	 evm_metric(const char *name);

/* The name of metric m ("ndcg"). */
const char *evm_metric_name(int m);

/*
 * Add the cut-off k to the spec, keeping the list sorted and distinct.
 * Returns 0, or -1 with the reason in err when there are too many.
 */
int	 evm_add_cut(struct evm_spec *, long k, struct buf *err);

/*
 * The number of values a query gets: for each metric asked, one for each
 * cut-off, then for mrr, map and ndcg one more uncut; r_precision has
 * only its uncut value.
 */
size_t	 evm_width(const struct evm_spec *);

/* Append to b the name of value i ("ndcg@10", "map", "r_precision"). */
void	 evm_name(const struct evm_spec *, size_t i, struct buf *b);

/*
 * The index of the value named name ("recall@10"), or -1 when the spec
 * does not compute it.
 */
long	 evm_find(const struct evm_spec *, const char *name);

/*
 * Parse a value's name into its metric and cut-off (0 for an uncut
 * name).  Returns 0, or -1 with the reason in err for a name that is no
 * metric, a cut-off on r_precision or a bad cut-off.
 */
int	 evm_parse_name(const char *name, int *metric, long *k,
	    struct buf *err);

/*
 * Score one query: grade[0..nret) are the grades of the ranked documents
 * (rank 1 first), ideal[0..nideal) the query's judged grades in
 * descending order.  Writes evm_width(spec) values to out.
 */
void	 evm_score(const struct evm_spec *, const long *grade, size_t nret,
	    const long *ideal, size_t nideal, double *out);

#endif
