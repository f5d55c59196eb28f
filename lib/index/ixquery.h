/* ixquery.h -- searches of an etv index: filters, hits, recall */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_IXQUERY_H
#define ETV_IXQUERY_H

#include <stddef.h>

#include "lib/base/buf.h"
#include "lib/json/record.h"
#include "lib/index/fusion.h"
#include "lib/index/vecfile.h"

/*
 * The --filter clauses of a query, compiled against one index: each
 * clause knows whether it reads a stored field, the id or the group.
 */
struct ixq_filters;

/* A new, empty set of clauses; free with ixq_filters_free (NULL ok). */
struct ixq_filters *ixq_filters_new(void);
void	 ixq_filters_free(struct ixq_filters *);

/*
 * Add the clause expr (vfilter_parse).  Returns 0, or -1 with what is
 * wrong written to err.
 */
int	 ixq_filters_add(struct ixq_filters *, const char *expr,
	    struct buf *err);

/* The number of clauses. */
size_t	 ixq_filters_count(const struct ixq_filters *);

/*
 * Resolve what each clause reads in ix (a stored field, the id when its
 * path is id_field or "id", or the group field when it is not stored)
 * and check the paths: a path that is not stored, or that no live row of
 * ix has, is refused, for such a filter can only ever refuse every row.
 * The rows are read until each path is found: the first row usually has
 * them all.  A clause comparing values of another kind than the index
 * holds adds a line to warn.  Returns 0, or -1 with the refusal (naming
 * the nearest stored names) written to err.
 */
int	 ixq_filters_bind(struct ixq_filters *, const struct vf_index *ix,
	    const char *id_field, struct buf *warn, struct buf *err);

/* What a query searches with. */
enum {
	IXQ_AUTO,	/* what the record has: embedding, text, or both */
	IXQ_VECTOR,	/* the embedding */
	IXQ_LEXICAL,	/* the text, by BM25 */
	IXQ_HYBRID	/* both, fused */
};

/* How a query run searches. */
struct ixq_opts {
	size_t		 k;		/* hits per query */
	size_t		 ef;		/* candidate list; 0: max(k, 64) */
	int		 exact;		/* scan every vector */
	int		 jobs;		/* worker threads */
	int		 mode;		/* IXQ_AUTO ... */
	struct fu_opts	 fusion;	/* how hybrid hits are fused */
	size_t		 candidates;	/* hybrid: hits from each retriever;
					   0: max(k, 100) */
	const char	*text_field;	/* member holding the query text */
};

/*
 * A query run over ix with the bound filters f (NULL: none); both are
 * borrowed until ixq_free.  Each worker keeps its search state and the
 * verdicts of the filters on the rows it has met (each row's stored
 * fields are decoded at most once per worker).
 */
struct ixq;
struct ixq *ixq_new(const struct vf_index *ix, const struct ixq_filters *f,
	    const struct ixq_opts *);
void	 ixq_free(struct ixq *);

/*
 * Search the lexical index of the run's index too, with lx (borrowed
 * until ixq_free): records with text are then answered by BM25, or by
 * BM25 and their embedding fused, as the options' mode says.
 */
struct ixlex;
void	 ixq_set_lexical(struct ixq *, const struct ixlex *lx);

/*
 * Answer one query record (a pool_fn: arg is the struct ixq): the
 * record, with "hits" set to its k nearest rows that pass the filters,
 * is written to it.  A record without an embedding is malformed; one of
 * other dimensions or another model is rejected; damaged rows in the
 * answer end the run with status 4.
 */
void	 ixq_item(struct rec_item *it, void *arg, int worker);

/*
 * Answer the queries items[0..n) at once (a pool_batch_fn: arg is the
 * struct ixq), each as ixq_item would, byte for byte.  With exact search
 * the vectors are scanned once for the batch (vf_query_batch); graph
 * searches go one by one.  IXQ_BATCH is the batch size ixv_query uses.
 */
#define IXQ_BATCH	256
void	 ixq_batch(struct rec_item *items, size_t n, void *arg, int worker);

/*
 * Append the JSON array of the hits h[0..n) of ix to b: each the row's
 * id, its score (seven significant digits), its group (unless the group
 * field is stored) and its stored fields.  The data of a file is checked
 * by stats, not by every query, so what goes out is checked here: returns
 * -1 when a row's id or stored fields are damaged.
 */
int	 ixq_hits_json(struct buf *b, const struct vf_index *ix,
	    const struct vf_hit *h, size_t n);

/*
 * recall@k of the graph search against exact search with a candidate
 * list of ef, on nq live rows taken at even steps as queries; *used is
 * set to the queries made.  A graph hit counts when it is as near as the
 * k-th exact one.
 */
double	 ixq_recall(const struct vf_index *ix, size_t k, size_t ef,
	    size_t nq, size_t *used);

#endif
