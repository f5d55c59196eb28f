/* cache.h -- a SQLite cache of embeddings keyed by model and text */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CACHE_H
#define ETV_CACHE_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * One SQLite database file holds vectors keyed by a 128-bit XXH3 of the
 * model identity and the text.  Rows are appended in the order they are
 * written and found through an index of the keys, so that the cost of a
 * write does not grow with the size of the cache.  Each row carries a
 * checksum (XXH3 of the model, the key and the vector bytes): a row that
 * fails it, or holds a value that is not finite, is not served.  The
 * file runs in WAL mode with a busy timeout, so several processes may
 * read and write it at once; writes are grouped in transactions
 * (cache_put between cache_begin and cache_commit), which SQLite makes
 * atomic.  Vectors are stored as little-endian float32.
 */
struct cache;

/*
 * Open or create the cache file.  Returns it, or NULL with a message in
 * err and *soft set to 1 when the disk is full or the file
 * is damaged (failures a caller may take as "no cache"), 0 for any other
 * (a path that cannot be opened).  Free with cache_close().
 */
struct cache *cache_open(const char *path, int *soft, struct buf *err);

/* Close the cache (an open transaction is committed).  NULL is accepted. */
void	 cache_close(struct cache *);

/*
 * Look up the vector of text[0..len) under model.  Returns 1 and a vector
 * the caller frees with free(3) in *vec and its size in *dims; 0 when it
 * is not cached; CACHE_BAD when its entry is damaged (a wrong checksum or
 * size, or a value that is not finite: to be embedded again, and the
 * next cache_put of the text replaces the entry); or -1 on a database
 * error (cache_error says which).
 */
#define CACHE_BAD	2
int	 cache_get(struct cache *, const char *model, const char *text,
	    size_t len, float **vec, size_t *dims);

/*
 * Store a vector.  cache_begin opens a write transaction, cache_commit
 * ends it, cache_rollback abandons it (after a failed cache_put, for
 * example on a full disk).  Each returns 0, or -1 on a database error.
 */
int	 cache_begin(struct cache *);
int	 cache_put(struct cache *, const char *model, const char *text,
	    size_t len, const float *vec, size_t dims);
int	 cache_commit(struct cache *);
int	 cache_rollback(struct cache *);

/* The last database error message (borrowed). */
const char *cache_error(struct cache *);

/* Lookups that hit and missed so far (damaged entries are misses). */
unsigned long cache_hits(const struct cache *);
unsigned long cache_misses(const struct cache *);

#endif
