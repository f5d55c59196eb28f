/* dedupe.c -- sketches of records and the earlier record each is most like */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <endian.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "lib/base/diag.h"
#include "lib/base/hash.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/dedupe.h"
#include "lib/dedupe/lsh.h"

struct dd {
	struct dd_config cfg;		/* the configuration */
	struct minhash	*mh;		/* hash functions (minhash); owned */
	unsigned	 bands;		/* band keys a sketch */
	size_t		 fixed;		/* bytes of verification data, or 0
					   when it varies (shingle sets) */
	struct lsh	*lsh;		/* records by band key; owned */
	uint8_t		*data;		/* every record's verification data;
					   owned */
	size_t		 datalen;	/* bytes used */
	size_t		 datacap;	/* room: grown by a quarter, so that
					   the room left stays small */
	uint64_t	*off;		/* where each record's data starts,
					   when it varies; owned */
	FILE		*sets;		/* data that varies (shingle sets):
					   a temporary file, not memory */
	uint8_t		*map;		/* the file mapped, read-only */
	size_t		 mapped;	/* bytes mapped */
	uint8_t		*wb;		/* the file's tail, not written yet;
					   owned */
	size_t		 wbstart;	/* where in the file wb begins */
	size_t		 wbcap;		/* room in wb */
	size_t		 n;		/* records filed */
	size_t		 cap;		/* room in off */
};

struct dd *
dd_new(const struct dd_config *cfg)
{
	struct dd *d = xcalloc(1, sizeof(*d));

	d->cfg = *cfg;
	if (cfg->method == DD_EXACT) {
		d->bands = 1;
		d->fixed = 8;
		d->cfg.threshold = 1;
	} else {
		d->mh = mh_new(&cfg->mh);
		d->bands = cfg->mh.bands;
		d->fixed = cfg->verify_exact ? 0 : cfg->mh.num_perm / 2;
	}
	d->lsh = lsh_new(d->bands);
	if (!d->fixed && (d->sets = iox_tmpfile()) == NULL)
		diag_fail(ETV_SYS, "temporary file: %s", strerror(errno));
	return d;
}

void
dd_free(struct dd *d)
{
	if (d == NULL)
		return;
	mh_free(d->mh);
	lsh_free(d->lsh);
	free(d->data);
	free(d->off);
	free(d->wb);
	if (d->map != NULL)
		munmap(d->map, d->mapped);
	if (d->sets != NULL)
		fclose(d->sets);
	free(d);
}

unsigned
dd_bands(const struct dd *d)
{
	return d->bands;
}

void
dd_work_release(struct dd_work *w)
{
	buf_release(&w->norm);
	free(w->sh);
	free(w->sig);
	free(w->set);
	w->sh = NULL;
	w->sig = NULL;
	w->set = NULL;
	w->cap = w->setcap = 0;
}

/* Sketches hold 32-bit words little-endian, the same on any host. */
static inline void
dd_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void
dd_put32(struct buf *b, uint32_t v)
{
	buf_grow(b, 4);
	dd_le32((uint8_t *)b->data + b->len, v);
	b->len += 4;
	b->data[b->len] = '\0';
}

/* The i-th word of p. */
static inline uint32_t
dd_word(const uint8_t *p, size_t i)
{
	uint32_t v;

	memcpy(&v, p + 4 * i, 4);
	return le32toh(v);
}

void
dd_sketch(const struct dd *d, struct dd_work *w, const char *text, size_t n,
    struct buf *out)
{
	const struct mh_params *p = &d->cfg.mh;
	uint32_t keys[256];
	size_t count, i;
	uint64_t h;
	int chars;

	mh_normalize(p->normalize, text, n, &w->norm);
	if (d->cfg.method == DD_EXACT) {
		h = hash64(w->norm.data, w->norm.len);
		dd_put32(out, (uint32_t)h);
		dd_put32(out, (uint32_t)h);
		dd_put32(out, (uint32_t)(h >> 32));
		return;
	}
	chars = p->shingle == MH_SHINGLE_CHARS || (p->shingle ==
	    MH_SHINGLE_AUTO && mh_unspaced(w->norm.data, w->norm.len));
	count = mh_shingles(w->norm.data, w->norm.len, p->ngram, chars,
	    &w->sh, &w->cap);
	if (w->sig == NULL)
		w->sig = xcalloc(p->num_perm, sizeof(*w->sig));
	mh_signature(d->mh, w->sh, count, w->sig);
	mh_bands(d->mh, w->sig, keys);
	for (i = 0; i < d->bands; i++)
		dd_put32(out, keys[i]);
	if (d->fixed) {
		buf_grow(out, d->fixed);
		mh_compact(w->sig, p->num_perm,
		    (uint8_t *)out->data + out->len);
		out->len += d->fixed;
		out->data[out->len] = '\0';
		return;
	}
	if (count > w->setcap) {
		w->setcap = count + count / 2;
		w->set = xrealloc(w->set, w->setcap * sizeof(*w->set));
	}
	count = mh_set32(w->sh, count, w->set);
	buf_grow(out, 4 * count);
	for (i = 0; i < count; i++)
		dd_le32((uint8_t *)out->data + out->len + 4 * i, w->set[i]);
	out->len += 4 * count;
	out->data[out->len] = '\0';
}

int
dd_sketch_ok(const struct dd *d, const void *s, size_t n)
{
	if (n < 4 * (size_t)d->bands)
		return 0;
	n -= 4 * (size_t)d->bands;
	return d->fixed ? n == d->fixed : n % 4 == 0;
}

void
dd_keys(const struct dd *d, const void *s, uint32_t *keys)
{
	unsigned i;

	for (i = 0; i < d->bands; i++)
		keys[i] = dd_word(s, i);
}

const uint8_t *
dd_data(const struct dd *d, const void *s, size_t len, size_t *n)
{
	*n = len - 4 * (size_t)d->bands;
	return (const uint8_t *)s + 4 * (size_t)d->bands;
}

/* The true Jaccard of two shingle sets stored as little-endian words. */
static double
dd_jaccard(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	size_t i = 0, j = 0, both = 0;
	uint32_t x, y;

	na /= 4;
	nb /= 4;
	if (na + nb == 0)
		return 1;
	while (i < na && j < nb) {
		x = dd_word(a, i);
		y = dd_word(b, j);
		both += x == y;
		i += x <= y;
		j += y <= x;
	}
	return (double)both / (double)(na + nb - both);
}

double
dd_threshold(const struct dd *d)
{
	return d->cfg.threshold;
}

double
dd_score(const struct dd *d, const uint8_t *a, size_t na, const uint8_t *b,
    size_t nb)
{
	if (d->cfg.method == DD_EXACT)
		return na == nb && memcmp(a, b, na) == 0;
	if (d->fixed)
		return mh_estimate(mh_matches(a, b, d->cfg.mh.num_perm),
		    d->cfg.mh.num_perm);
	return dd_jaccard(a, na, b, nb);
}

/*
 * Shingle sets go to the temporary file through a buffer of WBUF bytes;
 * the file is read through a mapping that grows as it does, so that a
 * candidate's set costs no system call.
 */
#define WBUF	(1u << 20)

/* Write the buffered tail to the file. */
static void
dd_flush_sets(struct dd *d)
{
	size_t n = d->datalen - d->wbstart;

	if (n > 0 && pwrite(fileno(d->sets), d->wb, n, (off_t)d->wbstart) !=
	    (ssize_t)n)
		diag_fail(ETV_SYS, "temporary file: %s", strerror(errno));
	d->wbstart = d->datalen;
}

/* The verification data of record i (borrowed until the next dd_add). */
static const uint8_t *
dd_stored(struct dd *d, uint32_t i, size_t *n)
{
	uint64_t at;
	size_t want;

	if (d->fixed) {
		*n = d->fixed;
		return d->data + (uint64_t)i * d->fixed;
	}
	at = d->off[i];
	*n = (size_t)(d->off[i + 1] - at);
	if (*n == 0)
		return (const uint8_t *)"";
	if (at >= d->wbstart)
		return d->wb + (at - d->wbstart);
	if (at + *n > d->mapped) {
		if (d->map != NULL)
			munmap(d->map, d->mapped);
		want = d->wbstart + d->wbstart / 2;
		d->map = mmap(NULL, want, PROT_READ, MAP_SHARED,
		    fileno(d->sets), 0);
		if (d->map == MAP_FAILED)
			diag_fail(ETV_SYS, "temporary file: %s",
			    strerror(errno));
		d->mapped = want;
	}
	return d->map + at;
}

/* Keep the verification data of the next record. */
static void
dd_store(struct dd *d, const uint8_t *p, size_t n)
{
	if (!d->fixed) {
		if (d->wb == NULL) {
			d->wbcap = WBUF;
			d->wb = xmalloc(d->wbcap);
		}
		if (d->n + 2 > d->cap) {
			d->cap = d->cap ? d->cap + d->cap / 4 : 1024;
			d->off = xrealloc(d->off, d->cap * sizeof(*d->off));
		}
		d->off[d->n] = d->datalen;
		d->off[d->n + 1] = d->datalen + n;
		if (d->datalen - d->wbstart + n > d->wbcap) {
			if (d->datalen - d->wbstart + n > WBUF)
				dd_flush_sets(d);
			if (n > d->wbcap) {
				d->wbcap = n > WBUF ? n : WBUF;
				d->wb = xrealloc(d->wb, d->wbcap);
			}
		}
		memcpy(d->wb + (d->datalen - d->wbstart), p, n);
		d->datalen += n;
		return;
	}
	if (d->datalen + n > d->datacap) {
		d->datacap += d->datacap / 4 > n ? d->datacap / 4 : n + 4096;
		d->data = xrealloc(d->data, d->datacap);
	}
	memcpy(d->data + d->datalen, p, n);
	d->datalen += n;
}

uint32_t
dd_add(struct dd *d, const void *s, size_t len, float *score)
{
	uint32_t keys[256], owner[256], cand[256], link = UINT32_MAX, t;
	const uint8_t *mine, *theirs;
	size_t n, ntheirs;
	unsigned i, k, m = 0;
	double best = -1, v;

	dd_keys(d, s, keys);
	mine = dd_data(d, s, len, &n);
	lsh_owners(d->lsh, keys, owner);
	for (i = 0; i < d->bands; i++)
		if (owner[i] != LSH_NONE)
			cand[m++] = owner[i];
	for (i = 1; i < m; i++)
		for (k = i; k > 0 && cand[k - 1] > cand[k]; k--) {
			t = cand[k];
			cand[k] = cand[k - 1];
			cand[k - 1] = t;
		}
	/* In ascending order, each once: of equal scores the earliest stays. */
	for (i = 0; i < m; i++) {
		if (i > 0 && cand[i] == cand[i - 1])
			continue;
		theirs = dd_stored(d, cand[i], &ntheirs);
		v = dd_score(d, mine, n, theirs, ntheirs);
		if (v >= d->cfg.threshold && v > best) {
			best = v;
			link = cand[i];
		}
	}
	dd_store(d, mine, n);
	lsh_claim(d->lsh, keys, owner, (uint32_t)d->n);
	d->n++;
	*score = link == UINT32_MAX ? 0 : (float)best;
	return link;
}

size_t
dd_memory(const struct dd *d, size_t *lsh, size_t *data, size_t *disk)
{
	*lsh = lsh_bytes(d->lsh);
	*data = d->datacap + d->cap * sizeof(*d->off);
	*disk = d->fixed ? 0 : d->datalen;
	return d->n;
}
