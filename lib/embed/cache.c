/* cache.c -- a SQLite cache of embeddings keyed by model and text */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <xxhash.h>

#include "lib/embed/cache.h"
#include "lib/embed/vec.h"
#include "lib/base/xmem.h"

struct cache {
	sqlite3		*db;		/* the connection; owned */
	sqlite3_stmt	*get;		/* SELECT by key; owned */
	sqlite3_stmt	*put;		/* INSERT OR REPLACE; owned */
	XXH3_state_t	*xs;		/* for keys and checksums; owned */
	int		 intx;		/* a write transaction is open */
	unsigned long	 hits, misses;	/* lookup counts */
};

/*
 * A rowid table, so that new rows go at the end of the file, and a small
 * index of the keys: the table "embedding" of earlier versions kept the
 * vectors in the key's B-tree, where each insert at a random key moved
 * large rows about (and spilled them to overflow pages), a cost that grew
 * with the cache.  That table, when present, is no longer read: its rows
 * had no checksum.
 */
static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS vectors ("
    " h1 INTEGER NOT NULL,"
    " h2 INTEGER NOT NULL,"
    " model TEXT NOT NULL,"
    " sum INTEGER NOT NULL,"
    " vec BLOB NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS vectors_key ON vectors (h1, h2);";

struct cache *
cache_open(const char *path, int *soft, struct buf *err)
{
	struct cache *c;
	int rc, tries;

	c = xcalloc(1, sizeof(*c));
	if ((c->xs = XXH3_createState()) == NULL ||
	    sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, 30000);
	/*
	 * Switching a new file to WAL can answer SQLITE_BUSY at once, without
	 * the busy handler, while another process does the same: retry.
	 */
	for (tries = 0; (rc = sqlite3_exec(c->db, schema, NULL, NULL,
	    NULL)) == SQLITE_BUSY && tries < 300; tries++)
		usleep(100000);
	if (rc != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "SELECT model, sum, vec FROM vectors "
	    "WHERE h1 = ?1 AND h2 = ?2", -1, &c->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO vectors "
	    "(h1, h2, model, sum, vec) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
	    &c->put, NULL) != SQLITE_OK)
		goto fail;
	return c;
fail:
	rc = c->db ? sqlite3_errcode(c->db) : SQLITE_CANTOPEN;
	*soft = rc == SQLITE_FULL || rc == SQLITE_CORRUPT ||
	    rc == SQLITE_NOTADB || (c->db &&
	    sqlite3_extended_errcode(c->db) == SQLITE_IOERR_WRITE);
	buf_fail(err, "cache '%s': %s", path, c->db ?
	    sqlite3_errmsg(c->db) : "cannot open");
	cache_close(c);
	return NULL;
}

void
cache_close(struct cache *c)
{
	if (c == NULL)
		return;
	/* Callers commit themselves and check; this is the last resort. */
	if (c->intx)
		cache_commit(c);
	sqlite3_finalize(c->get);
	sqlite3_finalize(c->put);
	sqlite3_close(c->db);
	XXH3_freeState(c->xs);
	free(c);
}

/* The key of text under model: XXH3-128 of the model, a NUL, the text. */
static XXH128_hash_t
key_of(struct cache *c, const char *model, const char *text, size_t len)
{
	XXH3_128bits_reset(c->xs);
	XXH3_128bits_update(c->xs, model, strlen(model) + 1);
	XXH3_128bits_update(c->xs, text, len);
	return XXH3_128bits_digest(c->xs);
}

/* The checksum of a row: XXH3-64 of the model, a NUL, the key, the vector. */
static sqlite3_int64
sum_of(struct cache *c, const char *model, XXH128_hash_t h,
    const void *le, size_t n)
{
	unsigned char k[16];
	int i;

	for (i = 0; i < 8; i++) {
		k[i] = (unsigned char)(h.low64 >> (8 * i));
		k[8 + i] = (unsigned char)(h.high64 >> (8 * i));
	}
	XXH3_64bits_reset(c->xs);
	XXH3_64bits_update(c->xs, model, strlen(model) + 1);
	XXH3_64bits_update(c->xs, k, sizeof(k));
	XXH3_64bits_update(c->xs, le, n);
	return (sqlite3_int64)XXH3_64bits_digest(c->xs);
}

int
cache_get(struct cache *c, const char *model, const char *text,
    size_t len, float **vec, size_t *dims)
{
	XXH128_hash_t h = key_of(c, model, text, len);
	const unsigned char *p, *m;
	size_t n;
	float *v;
	int r;

	sqlite3_reset(c->get);
	sqlite3_bind_int64(c->get, 1, (sqlite3_int64)h.low64);
	sqlite3_bind_int64(c->get, 2, (sqlite3_int64)h.high64);
	r = sqlite3_step(c->get);
	if (r == SQLITE_DONE) {
		c->misses++;
		return 0;
	}
	if (r != SQLITE_ROW)
		return -1;
	m = sqlite3_column_text(c->get, 0);
	if (m == NULL || strcmp((const char *)m, model) != 0) {
		/* Another model's text under the same 128-bit key. */
		sqlite3_reset(c->get);
		c->misses++;
		return 0;
	}
	p = sqlite3_column_blob(c->get, 2);
	n = (size_t)sqlite3_column_bytes(c->get, 2);
	v = NULL;
	if (p != NULL && n != 0 && n % 4 == 0 &&
	    sqlite3_column_int64(c->get, 1) == sum_of(c, model, h, p, n)) {
		v = xmalloc(n);
		vec_from_le(p, n / 4, v);
		if (!vec_finite(v, n / 4)) {
			free(v);
			v = NULL;
		}
	}
	sqlite3_reset(c->get);
	c->misses += v == NULL;
	if (v == NULL)
		return CACHE_BAD;
	*vec = v;
	*dims = n / 4;
	c->hits++;
	return 1;
}

int
cache_begin(struct cache *c)
{
	if (c->intx)
		return 0;
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return -1;
	c->intx = 1;
	return 0;
}

int
cache_put(struct cache *c, const char *model, const char *text, size_t len,
    const float *vec, size_t dims)
{
	XXH128_hash_t h = key_of(c, model, text, len);
	unsigned char *le;
	int r;

	le = xmalloc(dims * 4);
	vec_to_le(vec, dims, le);
	sqlite3_reset(c->put);
	sqlite3_bind_int64(c->put, 1, (sqlite3_int64)h.low64);
	sqlite3_bind_int64(c->put, 2, (sqlite3_int64)h.high64);
	sqlite3_bind_text(c->put, 3, model, -1, SQLITE_STATIC);
	sqlite3_bind_int64(c->put, 4, sum_of(c, model, h, le, dims * 4));
	sqlite3_bind_blob(c->put, 5, le, (int)(dims * 4), SQLITE_STATIC);
	r = sqlite3_step(c->put);
	sqlite3_reset(c->put);
	free(le);
	return r == SQLITE_DONE ? 0 : -1;
}

int
cache_commit(struct cache *c)
{
	if (!c->intx)
		return 0;
	c->intx = 0;
	return sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ?
	    0 : -1;
}

int
cache_rollback(struct cache *c)
{
	if (!c->intx)
		return 0;
	c->intx = 0;
	/* A failed statement may have rolled the transaction back already. */
	if (sqlite3_get_autocommit(c->db))
		return 0;
	return sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}

const char *
cache_error(struct cache *c)
{
	return sqlite3_errmsg(c->db);
}

unsigned long
cache_hits(const struct cache *c)
{
	return c->hits;
}

unsigned long
cache_misses(const struct cache *c)
{
	return c->misses;
}
