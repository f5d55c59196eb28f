/* ixverb.h -- the verbs of etv-index over the record path */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_IXVERB_H
#define ETV_IXVERB_H

#include "lib/base/buf.h"
#include "lib/index/index.h"
#include "lib/index/ixquery.h"
#include "lib/json/record.h"

/*
 * Each function runs one verb on the index file named and returns 0, or
 * a status with the reason in err; its messages are printed as it goes,
 * its counts reported with -v and to --stats (runstats).
 */

/*
 * build, add, sync, delete (rq->mode, rq->build): read the records of the
 * operands argv[0..argc) through a reader of cfg into a new segment of
 * path, apply prune's guard (sync) and commit.
 */
int	 ixv_write(const char *path, const struct rec_config *cfg, int argc,
	    char **argv, struct ix_request *rq, struct ix_prune *prune,
	    struct buf *err);

/*
 * query: add hits to each record of the operands argv[0..argc), read
 * through a reader of cfg, with filters (bound to the index here; a bad
 * one is a usage error) and opts.
 */
int	 ixv_query(const char *path, const struct rec_config *cfg, int argc,
	    char **argv, struct ixq_filters *filters,
	    const struct ixq_opts *opts, const char *id_field,
	    struct buf *err);

/* compact and merge: rewrite the live rows of names[0..n) into out. */
int	 ixv_rewrite(const char *out, int n, char **names, int jobs,
	    struct buf *err);

/* For --stats: the live rows and the segments of the index at path. */
void	 ixv_stats(const char *path);

#endif
