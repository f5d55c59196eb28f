/* cache.h -- a SQLite cache of embeddings keyed by model and text */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CACHE_H
#define ETV_CACHE_H

#include <stddef.h>

/*
 * One SQLite database file holds vectors keyed by (model identity,
 * 128-bit XXH3 of the text).  It runs in WAL mode with a busy timeout, so
 * several processes may read and write the same file at once; writes are
 * grouped in transactions (cache_put between cache_begin and
 * cache_commit), which SQLite makes atomic.  Vectors are stored as
 * little-endian float32.
 */
struct cache;

/*
 * Open or create the cache file.  Returns it, or NULL with a message in
 * err (errlen bytes).  Free with cache_close().
 */
struct cache *cache_open(const char *path, char *err, size_t errlen);

/* Close the cache (an open transaction is committed).  NULL is accepted. */
void	 cache_close(struct cache *);

/*
 * Look up the vector of text[0..len) under model.  Returns 1 and a vector
 * the caller frees with free(3) in *vec and its size in *dims, 0 when it
 * is not cached, or -1 on a database error (cache_error says which).
 */
int	 cache_get(struct cache *, const char *model, const char *text,
	    size_t len, float **vec, size_t *dims);

/*
 * Store a vector.  cache_begin opens a write transaction, cache_commit
 * ends it.  Each returns 0, or -1 on a database error.
 */
int	 cache_begin(struct cache *);
int	 cache_put(struct cache *, const char *model, const char *text,
	    size_t len, const float *vec, size_t dims);
int	 cache_commit(struct cache *);

/* The last database error message (borrowed). */
const char *cache_error(struct cache *);

/* Lookups that hit and missed so far. */
unsigned long cache_hits(const struct cache *);
unsigned long cache_misses(const struct cache *);

#endif
