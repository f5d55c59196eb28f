/* ixdump.h -- an etv index read back: rows, documents, statistics */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_IXDUMP_H
#define ETV_IXDUMP_H

#include <stddef.h>
#include <stdio.h>

#include "lib/base/buf.h"
#include "lib/index/vecfile.h"

/* What dump writes of a row. */
struct ixd_opts {
	const char	*id_field;	/* the member the id goes to */
	const char	*fields;	/* members to write, comma-separated
					   (the id is always written), or
					   NULL: all */
	int		 no_embedding;	/* leave out embedding and
					   embedding_model */
	int		 docs;		/* the documents, not the rows */
	int		 terms;		/* add each row's analysed terms */
};

/*
 * Append the current row of it (a walk over ix) to b as a JSON-lines
 * record: the id, the stored fields, the group (unless stored), the hash,
 * the embedding and the index's embedding_model, as o says.  Returns 0,
 * or -1 with err set when the row's stored fields are damaged.
 */
int	 ixd_row(struct buf *b, const struct vf_index *ix,
	    const struct vf_rows *it, const struct ixd_opts *o,
	    struct buf *err);

/*
 * Append one line per group (document) of ix to b, {"BY":"group",
 * "chunks":N} with its live rows, in the order the groups first appear in
 * the file.  Returns 0, or -1 with err set when a string table is
 * corrupt.
 */
int	 ixd_docs(struct buf *b, const struct vf_index *ix, struct buf *err);

/*
 * Write the live rows (ixd_row) or, with o->docs, the documents
 * (ixd_docs) of the index at path to fp, through iox_write, once its
 * data is checked (vf_verify).  Returns 0, or -1 with err set when the
 * index cannot be opened or is damaged.
 */
int	 ixd_dump(FILE *fp, const char *path, const struct ixd_opts *o,
	    struct buf *err);

/*
 * Write the statistics line of the index at path to fp, once its data is
 * checked (vf_verify): counts, dims, metric, model, settings, segments,
 * bytes and commit; with verify > 0, the recall@k of the graph on verify
 * queries with a candidate list of ef, 0 meaning max(k, 64) (ixq_recall).
 * Returns 0, or -1 with err set when the index cannot be opened or is
 * damaged.
 */
int	 ixd_stats(FILE *fp, const char *path, size_t verify, size_t k,
	    size_t ef, struct buf *err);

#endif
