/* forest.h -- duplicate clusters as trees of links, and their survivors */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_FOREST_H
#define ETV_FOREST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Records are numbered 0, 1, ... in input order (records of a prior run
 * first).  Each links to at most one earlier record, the one it is most
 * like: the links make trees, and a tree is a cluster of duplicates.  A
 * record never joins two clusters together.  Every cluster keeps one
 * survivor: its first record (forest_add knows it at once), or the one
 * whose value is largest (forest_decide, once every record is in), or,
 * when the cluster holds records of a prior run, its first record.
 */
#define FOREST_NONE	UINT32_MAX

/* Which record of a cluster survives. */
enum {
	KEEP_FIRST,		/* the first */
	KEEP_VALUE		/* the largest value, ties to the first */
};

struct forest;

struct forest *forest_new(int keep);
void	 forest_free(struct forest *);

/*
 * Add the next record, linked to parent (an earlier record, or
 * FOREST_NONE) by a link of score; prior marks a record of a prior run.
 * Returns its number.
 */
uint32_t forest_add(struct forest *, uint32_t parent, float score,
	    int prior);

/* Records added. */
size_t	 forest_count(const struct forest *);

/* Keep the id of record i (copied), for the records that name it. */
void	 forest_set_id(struct forest *, uint32_t i, const char *id,
	    size_t n);

/* The id of record i (borrowed), its length in *n; "" when not set. */
const char *forest_id(const struct forest *, uint32_t i, size_t *n);

/*
 * The value of record i for KEEP_VALUE: missing (none), a number, or a
 * string (copied); missing < any number < any string, strings by bytes.
 */
void	 forest_set_number(struct forest *, uint32_t i, double);
void	 forest_set_string(struct forest *, uint32_t i, const char *,
	    size_t n);

/* Choose the survivors of KEEP_VALUE once every record is in. */
void	 forest_decide(struct forest *);

/* Is record i of a prior run? */
int	 forest_prior(const struct forest *, uint32_t i);

/* The survivor of record i's cluster (i itself for a survivor). */
uint32_t forest_survivor(const struct forest *, uint32_t i);

/*
 * How alike the chain of links that joins record i to its survivor is:
 * the lowest score on the links from i, and from the survivor, up to the
 * cluster's first record (1 for the survivor itself).
 */
float	 forest_score(const struct forest *, uint32_t i);

/* Clusters of two or more records, and bytes held. */
size_t	 forest_clusters(const struct forest *);
size_t	 forest_bytes(const struct forest *);

#endif
