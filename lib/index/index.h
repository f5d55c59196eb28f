/* index.h -- the rules of an etv index: upsert, sync, prune, delete, merge */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_INDEX_H
#define ETV_INDEX_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/json/record.h"
#include "lib/index/vecfile.h"

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
 * fields and, when by_given, the group field.
 */
int	 ix_same_settings(const struct vf_meta *want,
	    const struct vf_meta *have, int by_given);

/* What a writing run does. */
enum ix_mode {
	IX_UPSERT,		/* build, add: upsert records by id */
	IX_SYNC,		/* ... and delete rows of read groups not read */
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
	struct ix_counts count;		/* what the run did */
};

/*
 * Set up a run of mode over ix, which the run takes (NULL, or an index
 * without dimensions: a new file described by meta, whose strings are
 * copied).  by is delete's group field, or NULL; id_field names the
 * member holding a record's id (both borrowed).
 */
void	 ix_write_init(struct ix_write *, struct vf_index *ix,
	    const struct vf_meta *meta, int mode, const char *by,
	    const char *id_field);

/* Free what the run holds, the index included. */
void	 ix_write_release(struct ix_write *);

/*
 * Upsert one record (build, add, sync): a new id is added; a known id is
 * replaced unless the row holds the same content (same group, hash and
 * stored fields and, without a hash, the same vector).  A bad record is
 * reported through it (malformed, or rejected for another model or
 * dimensions: the first one of a run is reported, the others counted).
 * sync: a record read counts as seen even when it is rejected, so that
 * its old row is kept rather than pruned.
 */
void	 ix_upsert(struct ix_write *, struct rec_item *, json_t *rec);

/*
 * Remove one id (delete): rec is a record with an id, or a JSON string;
 * with by, a record with that field, or a JSON string naming a group
 * (whose rows ix_delete_groups removes).  Ids not in the index are
 * warned about through it, the first IX_ABSENT_SHOWN of them.
 */
void	 ix_delete(struct ix_write *, struct rec_item *, json_t *rec);

/*
 * delete --by: delete every live row whose group was read, and call
 * absent(group, arg) for the first IX_ABSENT_SHOWN groups that have no
 * row (all are counted).  Returns 0, or -1 with err set when a string
 * table of the index is corrupt.
 */
int	 ix_delete_groups(struct ix_write *,
	    void (*absent)(const char *group, void *arg), void *arg,
	    struct buf *err);

/* The guard of sync --prune. */
struct ix_prune {
	int		 prune;		/* also remove groups not read */
	unsigned long	 nread;		/* records read */
	int		 manifest;	/* a manifest was asked for */
	const json_t	*groups;	/* ... its groups (a set), NULL when
					   it could not be read; borrowed */
	unsigned long	 max;		/* prune at most this many groups */
	double		 max_pct;	/* ... or this percentage, or -1 */
	int		 force;		/* no bound */
};

/*
 * sync: delete every live row whose group was read but whose id was not.
 * With prune, so are the rows of the groups not read at all, unless the
 * guard refuses: no record was read, the manifest could not be read, or
 * more groups would go than max allows without force.  A group the
 * manifest names is never pruned.  Returns 0; 1 with the refusal written
 * to err (the rest of the sync applies); -1 with err set when a string
 * table of the index is corrupt.
 */
int	 ix_sync(struct ix_write *, const struct ix_prune *, struct buf *err);

/*
 * Write what the run collected to path: a new file (an empty index when
 * no record came) or a new segment (none when nothing changed), built
 * with jobs threads.  Returns 0, or -1 with err set ("cannot write").
 */
int	 ix_write_commit(struct ix_write *, const char *path, int jobs,
	    struct buf *err);

/*
 * Whether the indexes in[0..n) (named names[0..n)) may be merged: the
 * same dimensions (or none), metric and model (or none).  Returns 0, or
 * -1 with what differs written to err.
 */
int	 ix_merge_check(struct vf_index *const *in, const char *const *names,
	    int n, struct buf *err);

/*
 * Write the live rows of in[0..n) as one new index at path (compact,
 * merge), with the settings of in[0] and the dimensions and model of the
 * first that has them; *rows is set to the rows written.  Returns 0, or
 * -1 with err set (a corrupt string table, or a write failure).
 */
int	 ix_rewrite(const char *path, struct vf_index *const *in, int n,
	    int jobs, unsigned long *rows, struct buf *err);

/*
 * Step to the next live row (vf_row_next).  Returns 1, 0 past the last,
 * or -1 with "'PATH': corrupt index: bad string table" in err.
 */
int	 ix_next_row(const struct vf_index *, struct vf_rows *,
	    struct buf *err);

#endif
