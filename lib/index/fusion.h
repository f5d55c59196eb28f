/* fusion.h -- hybrid search: one ranking from a vector and a BM25 one */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_FUSION_H
#define ETV_FUSION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/index/vecfile.h"

/* The retrievers, as the hits name them in "via". */
enum {
	FU_VECTOR = 0,
	FU_BM25 = 1,
	FU_NLIST = 2
};

/* How ranked lists are fused. */
enum {
	FU_RRF,		/* reciprocal rank fusion: sum of w / (K + rank) */
	FU_RELATIVE,	/* min-max normalised scores, weighted sum */
	FU_DBSF		/* scores normalised on mean +- 3 sd, weighted sum */
};

/* The fusion asked for (--fusion, --weights). */
struct fu_opts {
	int		 method;	/* FU_RRF ... */
	double		 rrf_k;		/* K of RRF (default 60) */
	double		 w[FU_NLIST];	/* weight of each retriever */
};

/*
 * Parse --fusion: "rrf", "rrf:K" (K > 0), "relative" or "dbsf" into o.
 * Returns 0, or -1 with what is wrong written to err.
 */
int	 fu_parse(struct fu_opts *o, const char *s, struct buf *err);

/*
 * Parse --weights: "V,L", the weights of the vector and the BM25
 * retriever, each >= 0 and not both 0.  Returns 0, or -1 with err set.
 */
int	 fu_parse_weights(struct fu_opts *o, const char *s, struct buf *err);

/* One fused hit: the row, its fused score, and what each list said. */
struct fu_hit {
	double		 score;		/* the fused score */
	uint32_t	 seg;		/* the row */
	uint32_t	 row;
	uint32_t	 rank[FU_NLIST];	/* rank in each list from 1;
					   0 when absent */
	float		 raw[FU_NLIST];	/* the list's own score there */
};

/*
 * Fuse the lists h[FU_VECTOR][0..n[FU_VECTOR]) and h[FU_BM25][0..
 * n[FU_BM25]), each best first; a list's scores are larger for better
 * hits when up[list] is set, smaller otherwise (distances).  Writes the
 * k best rows to out, by fused score, ties by the better rank in either
 * list, then by segment and row; returns their number.  The score a row
 * gets from a list it is not in is 0.
 */
size_t	 fu_fuse(const struct fu_opts *o, const struct vf_hit *const h[],
	    const size_t n[], const int up[], size_t k, struct fu_hit *out);

#endif
