/* lsh.h -- the LSH index: records by band key, in bounded memory */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_LSH_H
#define ETV_LSH_H

#include <stddef.h>
#include <stdint.h>

/*
 * One table a band of (key, record) pairs, 8 bytes each, in open
 * addressing with linear probing.  A key may hold many records; they are
 * found by scanning its run.  A table grows by a quarter when it is 7/8
 * full, so it stays between 70% and 87.5% full: 9.1 to 11.4 bytes a
 * record and band.
 */
struct lsh;

/* An index of bands tables.  Never NULL; free with lsh_free. */
struct lsh *lsh_new(unsigned bands);
void	 lsh_free(struct lsh *);

/* File record rec under its band keys keys[0..bands). */
void	 lsh_add(struct lsh *, const uint32_t *keys, uint32_t rec);

/*
 * Append to out (grown with xrealloc: *n used, *cap room) every record
 * filed under one of keys[0..bands) in its band, once for each band it
 * shares: a record found in all bands appears bands times.
 */
void	 lsh_query(const struct lsh *, const uint32_t *keys, uint32_t **out,
	    size_t *n, size_t *cap);

/* Bytes the tables take. */
size_t	 lsh_bytes(const struct lsh *);

#endif
