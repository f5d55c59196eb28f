/* lsh.c -- the LSH index: records by band key, in bounded memory */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>

#include "lib/base/xmem.h"
#include "lib/dedupe/lsh.h"

/* A slot: a key and a record, or empty when rec is EMPTY. */
struct lsh_slot {
	uint32_t	 key;		/* the band key */
	uint32_t	 rec;		/* the record, or EMPTY */
};

#define EMPTY	UINT32_MAX

struct lsh_band {
	struct lsh_slot	*slot;		/* size slots; owned */
	size_t		 size;		/* slots */
	size_t		 used;		/* slots taken */
};

struct lsh {
	struct lsh_band	*band;		/* bands tables; owned */
	unsigned	 bands;		/* how many */
};

/* The home slot of a key: keys are hashes, so the top bits will do. */
static size_t
lsh_home(uint32_t key, size_t size)
{
	return (size_t)(((uint64_t)key * size) >> 32);
}

static void
lsh_alloc(struct lsh_band *b, size_t size)
{
	size_t i;

	b->slot = xcalloc(size, sizeof(*b->slot));
	b->size = size;
	for (i = 0; i < size; i++)
		b->slot[i].rec = EMPTY;
}

struct lsh *
lsh_new(unsigned bands)
{
	struct lsh *l = xcalloc(1, sizeof(*l));
	unsigned j;

	l->bands = bands;
	l->band = xcalloc(bands, sizeof(*l->band));
	for (j = 0; j < bands; j++)
		lsh_alloc(&l->band[j], 64);
	return l;
}

void
lsh_free(struct lsh *l)
{
	unsigned j;

	if (l == NULL)
		return;
	for (j = 0; j < l->bands; j++)
		free(l->band[j].slot);
	free(l->band);
	free(l);
}

static void
lsh_put(struct lsh_band *b, uint32_t key, uint32_t rec)
{
	size_t i = lsh_home(key, b->size);

	while (b->slot[i].rec != EMPTY)
		i = i + 1 == b->size ? 0 : i + 1;
	b->slot[i].key = key;
	b->slot[i].rec = rec;
	b->used++;
}

/* Grow by a quarter. */
static void
lsh_grow(struct lsh_band *b)
{
	struct lsh_band old = *b;
	size_t i;

	lsh_alloc(b, old.size + old.size / 4);
	b->used = 0;
	for (i = 0; i < old.size; i++)
		if (old.slot[i].rec != EMPTY)
			lsh_put(b, old.slot[i].key, old.slot[i].rec);
	free(old.slot);
}

void
lsh_owners(const struct lsh *l, const uint32_t *keys, uint32_t *owner)
{
	const struct lsh_band *b;
	size_t i;
	unsigned j;

	for (j = 0; j < l->bands; j++) {
		b = &l->band[j];
		owner[j] = LSH_NONE;
		for (i = lsh_home(keys[j], b->size); b->slot[i].rec != EMPTY;
		    i = i + 1 == b->size ? 0 : i + 1)
			if (b->slot[i].key == keys[j]) {
				owner[j] = b->slot[i].rec;
				break;
			}
	}
}

unsigned
lsh_claim(struct lsh *l, const uint32_t *keys, const uint32_t *owner,
    uint32_t rec)
{
	struct lsh_band *b;
	unsigned j, n = 0;

	for (j = 0; j < l->bands; j++) {
		if (owner[j] != LSH_NONE)
			continue;
		b = &l->band[j];
		if ((b->used + 1) * 8 > b->size * 7)
			lsh_grow(b);
		lsh_put(b, keys[j], rec);
		n++;
	}
	return n;
}

size_t
lsh_bytes(const struct lsh *l)
{
	size_t sum = 0;
	unsigned j;

	for (j = 0; j < l->bands; j++)
		sum += l->band[j].size * sizeof(struct lsh_slot);
	return sum;
}
