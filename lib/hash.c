/* hash.c -- content hashes (xxHash XXH3) */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>

#include <xxhash.h>

#include "lib/hash.h"

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
	snprintf(out, HASH_TAG_LEN + 1, "xxh3:%016llx",
	    (unsigned long long)XXH3_64bits(p, n));
	return out;
}
