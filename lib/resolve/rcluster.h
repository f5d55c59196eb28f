/* rcluster.h -- entities from scored pairs: guarded connected components */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RCLUSTER_H
#define ETV_RCLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/resolve/rdata.h"

/*
 * The links (pairs of at least the threshold's match probability) join
 * records into entities, strongest first, ties in pair order.  A link is
 * cut, rather than followed, when it would make an entity of more than
 * max_size records (0: no limit) or would join two entities of an
 * earlier run (--against: their ids are kept, so they never merge), so
 * that a chain of weak links cannot glue large entities together.
 * Records of one earlier entity stay together whatever the links say.
 */
struct rclusters {
	uint32_t	*root;		/* each record's entity: its root
					   record; owned */
	float		*score;		/* each record's strongest link kept,
					   0 for a record alone; owned */
	size_t		 links;		/* links followed or within */
	size_t		 cut;		/* links cut by the guards */
	size_t		 entities;	/* entities */
	size_t		 largest;	/* records of the largest */
};

/*
 * Cluster the records of d by the n pairs pair[] with probabilities
 * prob[].  Fills c.
 */
void	 rcluster(const struct rdata *, const uint64_t *pair, const float *prob,
	    size_t n, double threshold, size_t max_size, struct rclusters *c);

/*
 * The id of the entity of record r into out: the id of its earlier
 * entity, or "e" and 16 hex digits of the XXH3 of the least key (by
 * bytes, rdata_key: the id, with --link its source too) among its
 * members, which does not depend on the order records came in.  rep[] is from rcluster_representatives.
 */
void	 rcluster_id(const struct rdata *, const struct rclusters *,
	    const uint32_t *rep, uint32_t r, struct buf *out);

/* The id of an entity whose least member key is id, into out. */
void	 rcluster_id_of(const char *id, struct buf *out);

/*
 * For each root record, the member its id derives from: the one of
 * least id, or one of an earlier entity.  A new array of nrec entries.
 */
uint32_t *rcluster_representatives(const struct rdata *,
	    const struct rclusters *);

void	 rcluster_free(struct rclusters *);

#endif
