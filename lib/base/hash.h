/* hash.h -- content hashes (xxHash XXH3) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_HASH_H
#define ETV_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Length of a tagged hash "xxh3:" + 16 hex digits, without the NUL. */
#define HASH_TAG_LEN	21

/* The 64-bit XXH3 hash of n bytes, and the same with a seed. */
uint64_t hash64(const void *, size_t n);
uint64_t hash64_seed(const void *, size_t n, uint64_t seed);

/*
 * The next value of splitmix64 (Steele, Lea and Flood), a small seeded
 * generator: deterministic sequences for randomised algorithms.
 */
uint64_t hash_splitmix64(uint64_t *state);

/*
 * Write the algorithm-tagged hash of n bytes, "xxh3:9f1c...", into out,
 * which must hold HASH_TAG_LEN + 1 bytes.  Returns out.  This is the form
 * of every `hash` field etv writes.
 */
char	*hash_tag(char *out, const void *, size_t n);

#endif
