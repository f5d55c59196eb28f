/* hash.c -- content hashes (xxHash XXH3) */
/* SPDX-License-Identifier: MIT */

#include <string.h>

#include <xxhash.h>

#include "lib/base/hash.h"

uint64_t
hash64(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint64_t
hash64_seed(const void *p, size_t n, uint64_t seed)
{
	return XXH3_64bits_withSeed(p, n, seed);
}

char *
hash_tag(char *out, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h = XXH3_64bits(p, n);
	int i;

	/* By hand: snprintf costs more than hashing a short chunk. */
	memcpy(out, "xxh3:", 5);
	for (i = 15; i >= 0; i--, h >>= 4)
		out[5 + i] = hex[h & 15];
	out[HASH_TAG_LEN] = '\0';
	return out;
}

uint64_t
hash_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
