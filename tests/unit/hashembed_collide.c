/* hashembed_collide.c -- the hash embedder when words share a hash */
/* SPDX-License-Identifier: MIT */

/*
 * Words of eight bytes or more are hashed by XXH3 and may, rarely, share
 * a hash.  The embedder keeps the character n-grams of the words it has
 * seen by hash; a word that shares the hash of an earlier one must still
 * get its own n-grams, or its vector would depend on the texts before
 * it.  Here every word hashes by its first two bytes only, so words
 * collide all the time.
 */
#include <stdint.h>
#include <string.h>

static uint64_t
weak_hash(const char *p, size_t n)
{
	return 0x9e3779b97f4a7c15ULL * (1 + (unsigned char)p[0] +
	    256 * (n > 1 ? (unsigned char)p[1] : 0));
}

#define WORD_HASH(p, n, avail)	weak_hash(p, n)
#include "lib/embed/hashembed.c"

#include "unit.h"

#define DIMS	64

static const char *const texts[] = {
	"getmaxy", "getmaxyx", "getbegyx", "gerund", "ge",
	"alpha beta gamma", "alphabet betamax gammaray", "al be ga",
	"alpha alpha alphabet",
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

int
main(void)
{
	struct hashembed_scratch *s, *fresh;
	float alone[NTEXTS][DIMS], v[DIMS];
	size_t i, k, round;

	for (i = 0; i < NTEXTS; i++) {
		fresh = hashembed_scratch_new();
		hashembed_run(fresh, texts[i], strlen(texts[i]), alone[i],
		    DIMS);
		hashembed_scratch_free(fresh);
	}
	/* Forwards, backwards, and with a stride, on one scratch. */
	s = hashembed_scratch_new();
	for (round = 0; round < 3; round++)
		for (i = 0; i < NTEXTS; i++) {
			k = round == 0 ? i : round == 1 ? NTEXTS - 1 - i :
			    (i * 4) % NTEXTS;
			hashembed_run(s, texts[k], strlen(texts[k]), v, DIMS);
			CHECK(memcmp(v, alone[k], sizeof(v)) == 0);
		}
	hashembed_scratch_free(s);
	return unit_done("hashembed_collide");
}
