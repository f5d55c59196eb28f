/* strmap.h -- interned byte strings: each distinct string gets a number */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_STRMAP_H
#define ETV_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * A string map numbers the distinct byte strings put into it 0, 1, 2 ...
 * in the order they first come, and keeps one copy of each: the
 * hash table behind value dictionaries, term counts and lookups by id.
 * Strings may hold any bytes, NUL included, and are kept NUL-terminated.
 * Lookups cost one hash (XXH3) and, on average, about one comparison.
 * Not thread-safe for writers; readers may share a map nobody changes.
 */
struct strmap;

/* An empty map.  Never NULL (memory runs out through xmem); free with
 * strmap_free. */
struct strmap *strmap_new(void);

/*
 * The number of p[0..n), given to it now when it is new (then *isnew is
 * set to 1 when isnew is not NULL) or earlier (*isnew 0).
 */
uint32_t strmap_intern(struct strmap *, const void *p, size_t n,
	    int *isnew);

/* The number of p[0..n), or -1 when the map does not have it. */
long	 strmap_find(const struct strmap *, const void *p, size_t n);

/*
 * The string numbered id (< strmap_count), NUL-terminated, its length
 * in *lenp when lenp is not NULL; borrowed until the next strmap_intern
 * (which may move the strings) or strmap_free.
 */
const char *strmap_key(const struct strmap *, uint32_t id, size_t *lenp);

/* The number of distinct strings. */
size_t	 strmap_count(const struct strmap *);

/* The bytes the map holds (for -v memory reports). */
size_t	 strmap_memory(const struct strmap *);

/* Free the map; NULL is accepted. */
void	 strmap_free(struct strmap *);

#endif
