/* lsh.h -- the LSH index: records by band key, in bounded memory */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_LSH_H
#define ETV_LSH_H

#include <stddef.h>
#include <stdint.h>

/*
 * One table a band of (key, record) pairs, 8 bytes each, in open
 * addressing with linear probing.  A key has one record, its owner: the
 * first record filed with it.  A table grows by a quarter when it is 7/8
 * full, so it stays between 70% and 87.5% full: 9.1 to 11.4 bytes a key
 * and band.
 */
struct lsh;

/* An index of bands tables.  Never NULL; free with lsh_free. */
struct lsh *lsh_new(unsigned bands);
void	 lsh_free(struct lsh *);

#define LSH_NONE	UINT32_MAX

/* The owner of each band key keys[b] into owner[b], or LSH_NONE. */
void	 lsh_owners(const struct lsh *, const uint32_t *keys,
	    uint32_t *owner);

/*
 * Make rec the owner of the keys that have none (owner[b] is LSH_NONE,
 * as lsh_owners found them).  Returns how many it took.
 */
unsigned lsh_claim(struct lsh *, const uint32_t *keys,
	    const uint32_t *owner, uint32_t rec);

/* Bytes the tables take. */
size_t	 lsh_bytes(const struct lsh *);

#endif
