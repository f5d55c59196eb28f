/* index.h -- the rules of an etv index: upsert, sync, prune, delete, merge */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_INDEX_H
#define ETV_INDEX_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/json/record.h"
#include "lib/index/vecfile.h"
#include "lib/text/analyze.h"

/* Members of a record the index reads besides the id. */
#define IX_EMBEDDING	"embedding"
#define IX_MODEL	"embedding_model"
#define IX_HASH		"hash"

/* Unknown ids (or groups) to delete reported one by one; the rest summed. */
#define IX_ABSENT_SHOWN	10

/*
 * Read the embedding of rec into a new vector (*vp, caller frees with
 * free(3)).  Returns its dimensions, or -1 after reporting the record as
 * malformed (rec_malformed).
 */
long	 ix_record_vector(struct rec_item *, const json_t *rec, float **vp);

/*
 * The embedding_model of rec: NULL when absent; NULL with *bad set after
 * rec_malformed when it is not a string.  Borrowed from rec.
 */
const char *ix_record_model(struct rec_item *, const json_t *rec, int *bad);

/*
 * Check a vector of d dimensions from a model (NULL: unknown) against an
 * index.  Returns 0, or -1 after rejecting the record (rec_reject,
 * status 1).
 */
int	 ix_check_vector(struct rec_item *, const struct vf_meta *, long d,
	    const char *model);

/*
 * Normalise v for cosine, leaving a vector that is already of unit length
 * as it is, so that dumped vectors rebuild the same index.
 */
void	 ix_unit_vector(float *v, size_t n);

/* Whether name[0..len) is in list, comma-separated names. */
int	 ix_in_list(const char *list, const char *name, size_t len);

/*
 * The group of a row: its group field g[0..glen) when not empty, else
 * the id before its last '#'.  Returns a pointer into id or g, with the
 * length in *lenp.
 */
const char *ix_group_of(const char *id, size_t idlen, const char *g,
	    size_t glen, size_t *lenp);

/*
 * Whether the settings of an index about to be written (want) agree with
 * those of an existing one (have): metric, graph, quantisation, stored
 * fields, the lexical field and its analysis and, when by_given, the
 * group field.
 */
int	 ix_same_settings(const struct vf_meta *want,
	    const struct vf_meta *have, int by_given);

/*
 * Whether two indexes keep the same lexical index: the same field (or
 * none), analysis and BM25 parameters.
 */
int	 ix_same_lexical(const struct vf_meta *a, const struct vf_meta *b);

/* What a writing run does. */
enum ix_mode {
	IX_UPSERT,		/* build, add: upsert records by id */
	IX_SYNC,		/* ... and delete the rows not read of the
				   groups read */
	IX_DELETE		/* delete the ids or groups read */
};

/* Counts of a writing run, for -v and the summing-up messages. */
struct ix_counts {
	unsigned long	 added;		/* new ids */
	unsigned long	 replaced;	/* ids whose content changed */
	unsigned long	 unchanged;	/* ids already there, same content */
	unsigned long	 deleted;	/* rows removed */
	unsigned long	 absent;	/* ids to delete that were not there */
	unsigned long	 baddims;	/* records of other dimensions */
	unsigned long	 badmodel;	/* records of another model */
};

/* A writing run: build, add, sync or delete. */
struct ix_write {
	struct vf_index	*ix;		/* the index, NULL when new; owned */
	struct vf_meta	 meta;		/* what the index is or will be;
					   owned */
	int		 mode;		/* enum ix_mode */
	int		 create;	/* write a new file, not a segment */
	const char	*by;		/* delete: the group field whose values
					   are read, or NULL: ids; borrowed */
	const char	*id_field;	/* member holding the id; borrowed */
	struct vf_writer *w;		/* the new rows, NULL until the
					   dimensions are known; owned */
	json_t		*ids;		/* sync, delete: ids read (a set) */
	json_t		*groups;	/* sync, delete --by: groups read */
	struct buf	 fields;	/* scratch: stored fields */
	struct an_analyzer *an;		/* lexical: the analysis; owned */
	struct buf	 terms;		/* scratch: a row's terms */
	struct ix_counts count;		/* what the run did */
	int		 lock;		/* the writer lock, or -1 */
};

/* What a writing run is asked to do. */
struct ix_request {
	int		 mode;		/* enum ix_mode */
	int		 build;		/* write a new file (build) */
	int		 force;		/* build: replace an existing file */
	struct vf_meta	 want;		/* the settings of a new index
					   (strings borrowed) */
	int		 given;		/* settings were given: an existing
					   index must have them */
	const char	*by;		/* the group field given, or NULL */
	const char	*id_field;	/* the member holding an id */
	int		 jobs;		/* threads building a graph */
	int		 exact;		/* a new index has no graph (M 0, no
					   quantisation) */
};

/*
 * Set up the run rq asks for on the index at path, holding its writer
 * lock (ix_lock) until ix_write_release: build writes a new
 * file (refused when path exists, unless force), the others open path for
 * writing (a missing index is created, except by delete).  A new index
 * gets the settings of rq->want; an existing one must have them when
 * settings were given (ix_same_settings), and sync and delete must name
 * its group field when by is given; add's by is a setting.  Returns
 * ETV_OK, or ETV_USAGE or ETV_SYS with the message in err.  Release with
 * ix_write_release either way.
 */
int	 ix_write_open(struct ix_write *, const char *path,
	    const struct ix_request *rq, struct buf *err);

/* Free what the run holds, the index included, and unlock it. */
void	 ix_write_release(struct ix_write *);

/*
 * Upsert one record (build, add, sync): a new id is added; a known id is
 * replaced unless the row holds the same content (same group, hash,
 * stored fields and terms and, without a hash, the same vector).  In a
 * lexical index the record's lexical field is analysed into the row's
 * terms; a record without an embedding makes a row without a vector when
 * the index has no vectors (a lexical-only index, which its first record
 * decides).  A bad record is
 * reported through it (malformed, or rejected for another model or
 * dimensions: the first one of a run is reported, the others counted).
 * sync: a record read counts as seen even when it is rejected, so that
 * its old row is kept rather than pruned.
 */
void	 ix_upsert(struct ix_write *, struct rec_item *, json_t *rec);

/*
 * Read every record of rd into the run: ix_delete for delete, else
 * ix_upsert.  Returns the number of records read.
 */
unsigned long ix_write_read(struct ix_write *, struct rec_reader *rd);

/*
 * Remove one id (delete): rec is a record with an id, or a JSON string;
 * with by, a record with that field, or a JSON string naming a group
 * (whose rows ix_delete_groups removes).  Ids not in the index are
 * warned about through it, the first IX_ABSENT_SHOWN of them.
 */
void	 ix_delete(struct ix_write *, struct rec_item *, json_t *rec);

/*
 * delete --by: delete every live row whose group was read, and add a
 * line "BY 'GROUP' is not in the index" to warn for each of the first
 * IX_ABSENT_SHOWN groups that have no row (all are counted).  Returns 0,
 * or -1 with err set when a string table of the index is corrupt.
 */
int	 ix_delete_groups(struct ix_write *, struct buf *warn,
	    struct buf *err);

/*
 * Sum up what the run counted beyond the messages given per record: a
 * line to warn for the absent ids past IX_ABSENT_SHOWN, and a line to
 * rejected for each kind of record (other dimensions, another model)
 * rejected more than once.
 */
void	 ix_write_summary(const struct ix_write *, struct buf *warn,
	    struct buf *rejected);

/* The guard of sync --prune. */
struct ix_prune {
	int		 prune;		/* also remove groups not read */
	unsigned long	 nread;		/* records read */
	const char	*manifest;	/* etv-extract's manifest, or NULL */
	unsigned long	 max;		/* prune at most this many groups */
	double		 max_pct;	/* ... or this percentage, or -1 */
	int		 force;		/* no bound */
};

/*
 * sync: delete every live row whose group was read but whose id was not.
 * With prune, so are the rows of the groups not read at all, unless the
 * guard refuses: no record was read, the manifest could not be read or
 * is not complete, or more groups would go than max allows without
 * force.  A group the manifest names is never pruned.  Returns ETV_OK,
 * or the worst status with a line per problem added to err: ETV_SYS for
 * a manifest that cannot be read or a corrupt string table, ETV_REJECT
 * for a manifest that is not complete or a refused prune (the rest of
 * the sync applies).
 */
int	 ix_sync(struct ix_write *, const struct ix_prune *, struct buf *err);

/*
 * After the records were read: sync deletes rows (ix_sync), delete --by
 * the groups read (ix_delete_groups), and the run is summed up
 * (ix_write_summary), with a line per message added to warn (warnings)
 * or err (errors).  Returns the worst status of the errors, ETV_OK when
 * there is none.
 */
int	 ix_write_finish(struct ix_write *, const struct ix_prune *,
	    struct buf *warn, struct buf *err);

/*
 * Whether list is a list of field names (--store, --fields): comma-
 * separated, none of them empty.
 */
int	 ix_list_ok(const char *list);

/*
 * Write what the run collected to path: a new file (an empty index, and
 * a line saying so added to warn, when no record came) or a new segment
 * (none when nothing changed), built with jobs threads.  Returns 0, or
 * -1 with err set ("cannot write").
 */
int	 ix_write_commit(struct ix_write *, const char *path, int jobs,
	    struct buf *warn, struct buf *err);

/*
 * Write the live rows of the indexes names[0..n) as one new index at
 * path (compact, merge), holding its writer lock (ix_lock), with the
 * settings of the first and the
 * dimensions and model of the first that has them; *rows is set to the
 * rows written.  The inputs are checked (vf_verify) and must agree:
 * the same dimensions (or none), metric and model (or none).  Returns
 * ETV_OK, or ETV_REJECT (inputs that disagree) or ETV_SYS (a file that
 * cannot be read or written, a corrupt one) with the message in err.
 */
int	 ix_rewrite(const char *path, char *const *names, int n, int jobs,
	    unsigned long *rows, struct buf *err);

/*
 * Open the index at path (vf_open with flags), checking the data of
 * every segment too when verify is set (vf_verify).  Returns the index
 * (free with vf_close), or NULL with "cannot open 'PATH': ..." (errno
 * kept) or "'PATH': corrupt index: ..." written to err.
 */
struct vf_index *ix_open(const char *path, int flags, int verify,
	    struct buf *err);

/*
 * Take the writer lock of the index at path (iox_lock).  When the lock
 * file is made by this call, it is removed at exit if no index came of
 * the run (a failed command on a missing index), so that no stale
 * "PATH.lock" stays behind; the lock file of an index that exists is
 * kept, for other writers may be waiting on it.  Returns the lock for
 * iox_unlock, or -1 with "cannot lock 'PATH': ..." written to err.
 */
int	 ix_lock(const char *path, struct buf *err);

/*
 * Step to the next live row (vf_row_next).  Returns 1, 0 past the last,
 * or -1 with "'PATH': corrupt index: bad string table" in err.
 */
int	 ix_next_row(const struct vf_index *, struct vf_rows *,
	    struct buf *err);

#endif
