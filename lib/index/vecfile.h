/* vecfile.h -- the etv index file: append-only segments, atomic commits */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_VECFILE_H
#define ETV_VECFILE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"

#include "lib/index/hnsw.h"

/*
 * An index file is a 4096-byte head followed by segments:
 *
 *   0      header: magic "ETVINDX\n", format version, dims, metric, HNSW
 *          parameters, embedding model, stored fields, group field, and
 *          an xxh3 checksum of all of it
 *   1024   commit slot 0 \ each: sequence number, committed length, the
 *   2048   commit slot 1 / last segment, checksum
 *   4096   segment, segment, ...
 *
 * A segment holds rows (vector, id, group key, content hash, stored
 * fields as JSON, analysed terms), a hash table of its ids, its own HNSW
 * graph, int8 codes of the vectors when the index is quantised, the
 * inverted index of its terms when the index is lexical (lexpost.h), and
 * tombstones (segment, row) for rows of earlier segments that it deletes
 * or replaces.  Its header carries a checksum of itself and one of its
 * data.  Every number is little-endian.
 *
 * A writer (holding iox_lock) appends a segment after the committed
 * length, syncs it, then writes the commit slot with the next sequence
 * number and syncs again.  A reader takes the valid slot with the highest
 * sequence number and maps only the committed length, so it sees the
 * index as before or as after a commit, whatever a writer is doing or
 * when it was killed.  Compaction writes a new file and renames it over
 * the old one.
 */

#define VF_VERSION	2

enum {
	VF_COSINE = 0,	/* vectors normalised, 1 - cosine */
	VF_DOT = 1,	/* raw inner product */
	VF_L2 = 2	/* Euclidean distance */
};

enum {
	VF_QNONE = 0,	/* graph searches compare float32 vectors */
	VF_QI8 = 1	/* ... int8 codes, then re-score in float32 */
};

/* What an index is: fixed when it is created. */
struct vf_meta {
	uint32_t	 dims;		/* floats per vector */
	int		 metric;	/* VF_COSINE, VF_DOT or VF_L2 */
	uint32_t	 M;	/* HNSW links per node; 0 = exact only */
	uint32_t	 efc;		/* HNSW ef_construction */
	uint64_t	 seed;		/* HNSW level generator seed */
	int		 quant;		/* VF_QNONE or VF_QI8 */
	char		*model;	/* embedding_model, "" when unknown; owned */
	char		*store;	/* stored fields, comma-separated; owned */
	char		*by;	/* field grouping rows for sync; owned */
	char		*lexical;	/* field of the BM25 index, "" none;
					   owned */
	char		*analyzer;	/* its analysis (an_new spec); owned */
	double		 k1;		/* BM25 term frequency saturation */
	double		 b;		/* BM25 length normalisation */
};

/* One segment as mapped (opaque: vf_seg_info says what callers need). */
struct vf_seg;

/* The string tables of a segment. */
enum {
	VF_ID = 0,	/* the record id */
	VF_GROUP = 1,	/* the group key (doc_id) */
	VF_HASH = 2,	/* the record's hash field, "" when absent */
	VF_FIELDS = 3,	/* stored fields, a JSON object */
	VF_TERMS = 4,	/* analysed terms, "term tf\n" sorted, or "" */
	VF_NSTR = 5
};

/*
 * An open index: a read-only mapping of one committed version (opaque:
 * read it through the functions below).
 */
struct vf_index;

/* What stats shows of one segment. */
struct vf_seginfo {
	uint32_t	 rows;		/* rows, deleted ones included */
	uint32_t	 deleted;	/* rows deleted by later segments */
	uint32_t	 tombs;		/* tombstones it carries */
	uint64_t	 bytes;		/* its size, header included */
};

/* A row location in an open index. */
struct vf_hit {
	float		 score;		/* cosine, dot product or distance */
	float		 dist;		/* internal distance, smaller closer */
	uint32_t	 seg;		/* segment number */
	uint32_t	 row;		/* row in the segment */
};

enum {
	VF_OK = 0,		/* success */
	VF_ESYS = -1,		/* system error; errno says which */
	VF_ECORRUPT = -2,	/* not an index, truncated or corrupt */
	VF_EOLD = -3		/* VF_WRITE: a file of format 1, which
				   is read, not written */
};

#define VF_WRITE	1	/* vf_open: for vf_append (hold the lock) */

/*
 * Open an index.  Reads the head and the segment headers, checks their
 * checksums and that every section lies inside the file, builds the
 * deleted-row bitmaps from the tombstones, and maps the file; vectors and
 * graphs are not read until used.  With VF_WRITE, a file whose owner may
 * not write it (chmod a-w) is refused with EACCES, even for root.
 * Files of format 1 (before lexical indexes) are read as they are;
 * opening one with VF_WRITE returns VF_EOLD.  Returns VF_OK and a new
 * index in *ixp (free with vf_close), VF_ESYS with errno set, or
 * VF_ECORRUPT with what is wrong written to err.
 */
int	 vf_open(struct vf_index **ixp, const char *path, int flags,
	    struct buf *err);
void	 vf_close(struct vf_index *);

/*
 * Check the data checksum of every segment (reads the whole file).
 * Returns VF_OK or VF_ECORRUPT with what is wrong written to err.
 */
int	 vf_verify(const struct vf_index *, struct buf *err);

/* The header of an index (borrowed until vf_close). */
const struct vf_meta *vf_meta(const struct vf_index *);

/* The file name it was opened with (borrowed until vf_close). */
const char *vf_path(const struct vf_index *);

/* Its segments, and the rows of segment seg (deleted ones included). */
uint32_t vf_nseg(const struct vf_index *);
uint32_t vf_seg_rows(const struct vf_index *, uint32_t seg);

/* Counts and sizes of segment seg, for stats. */
void	 vf_seg_info(const struct vf_index *, uint32_t seg,
	    struct vf_seginfo *);

/* Rows in all segments, and those of them not deleted. */
uint64_t vf_nrows(const struct vf_index *);
uint64_t vf_nlive(const struct vf_index *);

/* The committed length in bytes, and the commit sequence number. */
uint64_t vf_length(const struct vf_index *);
uint64_t vf_seq(const struct vf_index *);

/*
 * String s (VF_ID ...) of a row, with its length.  Returns NULL when the
 * table is corrupt (offsets out of order or out of bounds).
 */
const char *vf_str(const struct vf_index *, uint32_t seg, int s, uint32_t row,
	    size_t *lenp);

/*
 * The inverted index of segment seg (lexpost.h), with its length in
 * *lenp; NULL when the index is not lexical.
 */
const void *vf_lex(const struct vf_index *, uint32_t seg, size_t *lenp);

/* The vector of a row. */
const float *vf_vec(const struct vf_index *, uint32_t seg, uint32_t row);

/* Whether a row is deleted or replaced by a later segment. */
int	 vf_dead(const struct vf_index *, uint32_t seg, uint32_t row);

/*
 * A walk over the live rows of an index, oldest segment first: set it to
 * VF_ROWS_INIT and call vf_row_next() until it returns 0.  The strings
 * are borrowed from the index until it is closed.
 */
struct vf_rows {
	uint32_t	 seg;		/* segment of the current row */
	uint32_t	 row;		/* the current row in it */
	uint32_t	 next;		/* the row to look at next */
	const char	*str[VF_NSTR];	/* VF_ID ... VF_TERMS of the row */
	size_t		 len[VF_NSTR];	/* their lengths */
};

#define VF_ROWS_INIT	{ 0, 0, 0, { NULL }, { 0 } }

/*
 * Step to the next live row.  Returns 1, 0 past the last one, or -1 when
 * a string table of the index is corrupt.
 */
int	 vf_row_next(const struct vf_index *, struct vf_rows *);

/*
 * Find the live row with this id, searching from the newest segment.
 * Returns 1 and the location, or 0 when there is none.
 */
int	 vf_find(const struct vf_index *, const char *id, size_t len,
	    uint32_t *seg, uint32_t *row);

/*
 * Per-row filter for searches; it is asked only about live rows.
 * Returns nonzero to accept.
 */
typedef int (*vf_accept)(const struct vf_index *, uint32_t seg,
	    uint32_t row, void *arg);

/*
 * Search state for one thread; free with vf_search_free (NULL is
 * accepted).
 */
struct vf_search;
struct vf_search *vf_search_new(void);
void	 vf_search_free(struct vf_search *);

/*
 * The k live, accepted rows closest to q (dims floats, normalised by the
 * caller for VF_COSINE), best first, ties by segment and row.  Each
 * segment is searched with its graph and a candidate list of ef, or by a
 * full scan when exact is set or it has no graph; when a graph search
 * comes back with fewer than k hits the segment is scanned, so k hits
 * come back whenever k rows pass the filter.  With VF_QI8 the graph is
 * walked comparing int8 codes and the ef candidates found are re-scored
 * with the float32 vectors.  Writes up to k hits to out
 * and returns their number.
 */
size_t	 vf_query(struct vf_search *, const struct vf_index *,
	    const float *q, size_t k, size_t ef, int exact, vf_accept,
	    void *arg, struct vf_hit *out);

/*
 * vf_query with exact set, for the nq queries q[0..nq) at once: the hits
 * of query i go to out[i * k ...] (out holds nq * k), their number to
 * nout[i], and they are those vf_query would return, the same rows with
 * the same distances in the same order.  Each segment is read in tiles
 * of rows scored against all the queries (vecdist_dot_block), so a batch
 * costs about one pass over the vectors.  fn is asked at most once per
 * row, and only about rows some query would take: it must answer the
 * same for every query of the batch.
 */
void	 vf_query_batch(struct vf_search *, const struct vf_index *,
	    const float *const *q, size_t nq, size_t k, vf_accept fn,
	    void *arg, struct vf_hit *out, size_t *nout);

/*
 * A new segment being put together: rows and tombstones.  Adding a row
 * whose id is already in the writer replaces that row (last wins).
 * Strings are copied; terms is the row's VF_TERMS string.  A writer of
 * 0 dimensions takes rows without vectors (a lexical index).  Free with
 * vf_writer_free (NULL is accepted).
 */
struct vf_writer;
struct vf_writer *vf_writer_new(uint32_t dims);
void	 vf_writer_free(struct vf_writer *);
void	 vf_writer_add(struct vf_writer *, const char *id, size_t idlen,
	    const char *group, size_t glen, const char *hash, size_t hlen,
	    const char *fields, size_t flen, const char *terms, size_t tlen,
	    const float *vec);
void	 vf_writer_tomb(struct vf_writer *, uint32_t seg, uint32_t row);
uint32_t vf_writer_rows(const struct vf_writer *);
int	 vf_writer_has(const struct vf_writer *, const char *id, size_t len);
uint32_t vf_writer_tombs(const struct vf_writer *);

/*
 * Write a new index file at path holding the writer's rows as one
 * segment (the writer's tombstones are ignored), atomically: a temporary
 * file renamed over path (iox_atomic_open: through a symbolic link, with
 * the mode and owner of the file replaced; a read-only file is refused
 * with EACCES).  The graph is built with jobs threads.
 * Returns VF_OK or VF_ESYS with errno set (path is then untouched).
 */
int	 vf_create(const char *path, const struct vf_meta *,
	    struct vf_writer *, int jobs);

/*
 * Append the writer's rows and tombstones as a new segment to an index
 * opened with VF_WRITE (the caller holds the writer lock) and commit it.
 * Tombstones must name rows of the index.  Returns VF_OK, or VF_ESYS with
 * errno set, in which case the committed index is unchanged and, when
 * the failure came before the commit record was written (a full disk),
 * the file is cut back to its committed length.
 */
int	 vf_append(struct vf_index *, struct vf_writer *, int jobs);

/* Names of metrics, and the reverse (-1 when unknown). */
const char *vf_metric_name(int);
int	 vf_metric_parse(const char *);

/* Free the strings of a meta (not the struct). */
void	 vf_meta_release(struct vf_meta *);

#endif
