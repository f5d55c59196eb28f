/* cache.c -- a SQLite cache of embeddings keyed by model and text */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <xxhash.h>

#include "lib/cache.h"
#include "lib/vec.h"
#include "lib/xmem.h"

struct cache {
	sqlite3		*db;		/* the connection; owned */
	sqlite3_stmt	*get;		/* SELECT by key; owned */
	sqlite3_stmt	*put;		/* INSERT OR REPLACE; owned */
	int		 intx;		/* a write transaction is open */
	unsigned long	 hits, misses;	/* lookup counts */
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS embedding ("
    " model TEXT NOT NULL,"
    " h1 INTEGER NOT NULL,"
    " h2 INTEGER NOT NULL,"
    " vec BLOB NOT NULL,"
    " PRIMARY KEY (model, h1, h2)) WITHOUT ROWID;";

struct cache *
cache_open(const char *path, char *err, size_t errlen)
{
	struct cache *c;
	int rc, tries;

	c = xcalloc(1, sizeof(*c));
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
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
	    sqlite3_prepare_v2(c->db, "SELECT vec FROM embedding WHERE "
	    "model = ?1 AND h1 = ?2 AND h2 = ?3", -1, &c->get, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO embedding "
	    "(model, h1, h2, vec) VALUES (?1, ?2, ?3, ?4)", -1, &c->put,
	    NULL) != SQLITE_OK)
		goto fail;
	return c;
fail:
	snprintf(err, errlen, "cache '%s': %s", path, c->db ?
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
	free(c);
}

static void
bind_key(sqlite3_stmt *st, const char *model, const char *text,
    size_t len)
{
	XXH128_hash_t h = XXH3_128bits(text, len);

	sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)h.low64);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)h.high64);
}

int
cache_get(struct cache *c, const char *model, const char *text,
    size_t len, float **vec, size_t *dims)
{
	const unsigned char *p;
	size_t n;
	float *v;
	int r;

	sqlite3_reset(c->get);
	bind_key(c->get, model, text, len);
	r = sqlite3_step(c->get);
	if (r == SQLITE_DONE) {
		c->misses++;
		return 0;
	}
	if (r != SQLITE_ROW)
		return -1;
	p = sqlite3_column_blob(c->get, 0);
	n = (size_t)sqlite3_column_bytes(c->get, 0);
	if (p == NULL || n == 0 || n % 4) {
		/* Not a vector we wrote: treat as a miss, it is rewritten. */
		sqlite3_reset(c->get);
		c->misses++;
		return 0;
	}
	v = xmalloc(n);
	vec_from_le(p, n / 4, v);
	sqlite3_reset(c->get);
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
	unsigned char *le;
	int r;

	le = xmalloc(dims * 4);
	vec_to_le(vec, dims, le);
	sqlite3_reset(c->put);
	bind_key(c->put, model, text, len);
	sqlite3_bind_blob(c->put, 4, le, (int)(dims * 4), SQLITE_STATIC);
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
