/* hnsw.h -- hierarchical navigable small world graphs: build and search */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_HNSW_H
#define ETV_HNSW_H

#include <stddef.h>
#include <stdint.h>

/*
 * An HNSW graph (Malkov and Yashunin, 2016) over n vectors numbered
 * 0 .. n-1.  The graph is a set of flat arrays so that it can be written
 * to a file as is and searched straight from a read-only mapping.
 *
 * Distances are "smaller is closer": HNSW_IP uses 1 - a.b (cosine on
 * normalised vectors, or the inner product), HNSW_L2 the squared
 * Euclidean distance.
 */
enum {
	HNSW_IP = 0,	/* 1 - inner product */
	HNSW_L2 = 1	/* squared Euclidean distance */
};

#define HNSW_NONE	UINT32_MAX	/* no entry point (empty graph) */
#define HNSW_MAXLEVEL	31		/* levels are capped here */

struct hnsw_graph {
	uint32_t	 n;		/* nodes */
	uint32_t	 M;		/* links per node above level 0 */
	uint32_t	 M0;		/* links per node at level 0 (2 M) */
	uint32_t	 maxlevel;	/* level of the entry point */
	uint32_t	 entry;	/* entry point, HNSW_NONE when n is 0 */
	const uint8_t	*level;		/* top level of each node; n bytes */
	const uint32_t	*l0;		/* n blocks of M0 + 1: count, links */
	const uint64_t	*upoff;		/* n: where the node's blocks start */
	const uint32_t	*up;	/* blocks of M + 1 for levels 1 .. top */
	uint64_t	 nup;		/* number of uint32_t in up */
};

/*
 * The vectors a graph is built over: row i is vec + i * dims.  A search
 * may instead compare int8 codes (vecdist_quantize) when qcode is set:
 * then the distances are approximate and the caller re-scores.  Zero the
 * struct before filling it.
 */
struct hnsw_space {
	const float	*vec;		/* n rows of dims floats; borrowed */
	size_t		 dims;		/* floats per row */
	int		 metric;	/* HNSW_IP or HNSW_L2 */
	const int8_t	*q8;		/* n rows of int8 codes, or NULL */
	const float	*q8scale;	/* per row: the codes' scale */
	const float	*q8norm;	/* per row: |row|^2 (HNSW_L2) */
	const int8_t	*qcode;		/* the query's codes: use q8 */
	float		 qscale;	/* the query's scale */
	float		 qnorm;		/* |query|^2 (HNSW_L2) */
};

/* A search result: a node and its distance to the query. */
struct hnsw_hit {
	float		 dist;		/* distance, smaller is closer */
	uint32_t	 node;		/* node number */
};

/*
 * The distance between row i of the space and q (with qcode set, the
 * int8 estimate, and q is not read).
 */
float	 hnsw_dist(const struct hnsw_space *, uint32_t i, const float *q);

/*
 * Build a graph over the n rows of the space with M links per node
 * (2 M at level 0) and candidate lists of ef_construction.  Node levels
 * come from a generator seeded with seed, so with jobs 1 the graph is a
 * pure function of the input.  jobs > 1 inserts nodes from that many
 * threads: the same recall, but the link lists depend on timing.  The
 * space is borrowed for the duration of the call.  When progress is not
 * NULL it is called with arg, the number of nodes whose insertion has
 * begun and n, every 256 nodes, and with n and n at the end; the calls
 * never overlap, but with jobs > 1 they come from the building threads.  Returns a new builder whose graph
 * hnsw_build_graph() exposes; free it with hnsw_build_free (NULL is
 * accepted).  Exits with ETV_SYS when memory runs out.
 */
struct hnsw_build;
typedef void (*hnsw_progress)(void *arg, uint32_t done, uint32_t n);
struct hnsw_build *hnsw_build_new(const struct hnsw_space *, uint32_t n,
	    unsigned M, unsigned ef_construction, uint64_t seed, int jobs,
	    hnsw_progress progress, void *arg);
const struct hnsw_graph *hnsw_build_graph(const struct hnsw_build *);
void	 hnsw_build_free(struct hnsw_build *);

/*
 * Per-thread search state (a visited set) for graphs of up to n nodes.
 * Grows as needed.  Free with hnsw_search_free (NULL is accepted).
 */
struct hnsw_search;
struct hnsw_search *hnsw_search_new(void);
void	 hnsw_search_free(struct hnsw_search *);

/*
 * Decides whether a node may be returned (not deleted, passes the
 * filter).  Nodes that are refused are still walked through, so that a
 * filter is applied during the search rather than after it.
 */
typedef int (*hnsw_accept)(uint32_t node, void *arg);

/*
 * Find up to k accepted nodes closest to q: a greedy descent through the
 * upper levels and a best-first search of level 0 with a candidate list
 * of max(ef, k).  accept NULL accepts every node.  Writes the hits to out
 * (room for k) sorted by distance, then node number, and returns their
 * number.  The graph may come from an untrusted file: links to nodes
 * that do not exist are ignored, never followed.
 */
size_t	 hnsw_query(struct hnsw_search *, const struct hnsw_graph *,
	    const struct hnsw_space *, const float *q, size_t k, size_t ef,
	    hnsw_accept accept, void *arg, struct hnsw_hit *out);

/*
 * Exact search: the k accepted rows closest to q among the first n rows
 * of the space, by a full scan.  Same output as hnsw_query.
 */
size_t	 hnsw_exact(const struct hnsw_space *, uint32_t n, const float *q,
	    size_t k, hnsw_accept accept, void *arg, struct hnsw_hit *out);

/* Sort hits by distance, then node number. */
void	 hnsw_sort_hits(struct hnsw_hit *, size_t n);

#endif
