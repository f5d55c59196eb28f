/* strmap.c -- interned byte strings */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/hash.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"

/*
 * A slot: the top 32 bits of a string's hash, which also place it in the
 * table (so that growing needs no hashing), and its number + 1 (0:
 * empty).
 */
struct strmap_slot {
	uint32_t	 tag;		/* hash >> 32 */
	uint32_t	 id1;		/* number + 1, or 0 when empty */
};

struct strmap {
	struct buf	 arena;		/* the strings, a NUL after each */
	size_t		*off;		/* where string i starts in arena */
	size_t		 count;		/* strings */
	size_t		 offcap;	/* allocated entries of off */
	struct strmap_slot *slot;	/* size slots; owned */
	size_t		 size;		/* slots, a power of two */
};

struct strmap *
strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof(*m));

	buf_init(&m->arena);
	m->size = 64;
	m->slot = xcalloc(m->size, sizeof(*m->slot));
	return m;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	buf_release(&m->arena);
	free(m->off);
	free(m->slot);
	free(m);
}

size_t
strmap_count(const struct strmap *m)
{
	return m->count;
}

size_t
strmap_memory(const struct strmap *m)
{
	return m->arena.cap + m->offcap * sizeof(*m->off) +
	    m->size * sizeof(*m->slot);
}

const char *
strmap_key(const struct strmap *m, uint32_t id, size_t *lenp)
{
	size_t end = id + 1 < m->count ? m->off[id + 1] : m->arena.len;

	if (lenp != NULL)
		*lenp = end - m->off[id] - 1;
	return m->arena.data + m->off[id];
}

/* The first slot a tag may take in a table of size slots. */
static size_t
strmap_home(uint64_t tag, size_t size)
{
	return (size_t)((tag * size) >> 32);
}

/* The slot of p[0..n) with hash h: its own, or the empty one to fill. */
static struct strmap_slot *
strmap_slot(const struct strmap *m, const void *p, size_t n, uint64_t h)
{
	size_t mask = m->size - 1, i = strmap_home(h >> 32, m->size), len;
	struct strmap_slot *s;
	const char *k;

	for (;; i = (i + 1) & mask) {
		s = &m->slot[i];
		if (s->id1 == 0)
			return s;
		if (s->tag != (uint32_t)(h >> 32))
			continue;
		k = strmap_key(m, s->id1 - 1, &len);
		if (len == n && memcmp(k, p, n) == 0)
			return s;
	}
}

/* Double the table. */
static void
strmap_grow(struct strmap *m)
{
	struct strmap_slot *old = m->slot;
	size_t oldsize = m->size, i, j, mask;

	m->size *= 2;
	mask = m->size - 1;
	m->slot = xcalloc(m->size, sizeof(*m->slot));
	for (i = 0; i < oldsize; i++) {
		if (old[i].id1 == 0)
			continue;
		j = strmap_home(old[i].tag, m->size);
		while (m->slot[j].id1 != 0)
			j = (j + 1) & mask;
		m->slot[j] = old[i];
	}
	free(old);
}

long
strmap_find(const struct strmap *m, const void *p, size_t n)
{
	const struct strmap_slot *s = strmap_slot(m, p, n, hash64(p, n));

	return s->id1 == 0 ? -1 : (long)s->id1 - 1;
}

uint32_t
strmap_intern(struct strmap *m, const void *p, size_t n, int *isnew)
{
	uint64_t h = hash64(p, n);
	struct strmap_slot *s = strmap_slot(m, p, n, h);

	if (isnew != NULL)
		*isnew = s->id1 == 0;
	if (s->id1 != 0)
		return s->id1 - 1;
	if (m->count == m->offcap) {
		m->offcap = m->offcap ? m->offcap * 2 : 64;
		m->off = xreallocarray(m->off, m->offcap, sizeof(*m->off));
	}
	m->off[m->count] = m->arena.len;
	buf_add(&m->arena, p, n);
	buf_addc(&m->arena, '\0');
	s->tag = (uint32_t)(h >> 32);
	s->id1 = (uint32_t)++m->count;
	if (m->count * 8 > m->size * 7)
		strmap_grow(m);
	return (uint32_t)m->count - 1;
}
