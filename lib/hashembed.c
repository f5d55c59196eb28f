/* hashembed.c -- the built-in embedder: signed feature hashing of text */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lib/hash.h"
#include "lib/hashembed.h"
#include "lib/text.h"
#include "lib/xmem.h"

/* Seeds that keep the three kinds of feature apart. */
#define SEED_WORD	0x57a1e0d1c3b2a190ULL
#define SEED_PAIR	0x2b8f6e4d0c1a3957ULL
#define SEED_GRAM	0x91d3c5b7a9e0f246ULL

struct slot {
	uint64_t	 key;		/* feature hash, 0 = empty slot */
	uint32_t	 count;		/* occurrences in the text */
};

struct hashembed_scratch {
	struct slot	*tab;		/* open-addressing feature table */
	size_t		 cap;		/* its size, a power of two */
	size_t		 used;		/* slots in use */
	uint32_t	*order;		/* indexes of used slots, in order */
	char		*norm;		/* lowered ASCII text; owned */
	size_t		 normcap;	/* its size */
	char		*pad;		/* " word " for character n-grams */
	size_t		 padcap;	/* its size */
	size_t		*off;		/* code point offsets in pad */
	size_t		 offcap;	/* entries allocated in off */
};

struct hashembed_scratch *
hashembed_scratch_new(void)
{
	struct hashembed_scratch *s;

	s = xcalloc(1, sizeof(*s));
	s->cap = 1024;
	s->tab = xcalloc(s->cap, sizeof(*s->tab));
	s->order = xcalloc(s->cap, sizeof(*s->order));
	return s;
}

void
hashembed_scratch_free(struct hashembed_scratch *s)
{
	if (s == NULL)
		return;
	free(s->tab);
	free(s->order);
	free(s->norm);
	free(s->pad);
	free(s->off);
	free(s);
}

static void
grow_table(struct hashembed_scratch *s)
{
	struct slot *old = s->tab;
	size_t oldcap = s->cap, i, j;

	s->cap *= 2;
	s->tab = xcalloc(s->cap, sizeof(*s->tab));
	s->order = xreallocarray(s->order, s->cap, sizeof(*s->order));
	s->used = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == 0)
			continue;
		j = old[i].key & (s->cap - 1);
		while (s->tab[j].key != 0)
			j = (j + 1) & (s->cap - 1);
		s->tab[j] = old[i];
		s->order[s->used++] = (uint32_t)j;
	}
	free(old);
}

static void
count_feature(struct hashembed_scratch *s, uint64_t h)
{
	size_t j;

	if (h == 0)
		h = 1;
	j = (h * 0x9e3779b97f4a7c15ULL >> 17) & (s->cap - 1);
	for (;;) {
		if (s->tab[j].key == h) {
			s->tab[j].count++;
			return;
		}
		if (s->tab[j].key == 0)
			break;
		j = (j + 1) & (s->cap - 1);
	}
	s->tab[j].key = h;
	s->tab[j].count = 1;
	s->order[s->used++] = (uint32_t)j;
	if (s->used * 2 > s->cap)
		grow_table(s);
}

/*
 * Hash a short feature.  Up to eight bytes (most n-grams and many words)
 * are packed into a word and mixed (the murmur3 finaliser, which is a
 * bijection, so distinct short features never collide); longer ones go
 * through XXH3.
 */
static inline uint64_t
feature_hash(const char *p, size_t n, size_t avail, uint64_t seed)
{
	uint64_t x = 0;

	if (n > 8)
		return hash64_seed(p, n, seed);
	if (avail >= 8) {
		/* One load: a short copy would stall store forwarding. */
		memcpy(&x, p, 8);
		if (n < 8)
			x &= (1ULL << (8 * n)) - 1;
	} else
		memcpy(&x, p, n);
	x ^= seed ^ ((uint64_t)n << 59);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Is the code point part of a word: a letter, a digit or a mark? */
static int
word_char(int32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
		    (cp >= 'A' && cp <= 'Z');
	c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

/* Count the character 3- to 5-grams of " word ". */
static void
char_grams(struct hashembed_scratch *s, const char *w, size_t wlen)
{
	size_t m = 0, i, n, adv;

	if (s->padcap < wlen + 2) {
		s->padcap = wlen + 66;
		s->pad = xrealloc(s->pad, s->padcap);
		s->offcap = s->padcap + 1;
		s->off = xreallocarray(s->off, s->offcap, sizeof(*s->off));
	}
	s->pad[0] = ' ';
	memcpy(s->pad + 1, w, wlen);
	s->pad[wlen + 1] = ' ';
	for (i = 0; i < wlen + 2; i += adv) {
		s->off[m++] = i;
		if ((unsigned char)s->pad[i] < 0x80)
			adv = 1;
		else
			(void)text_decode(s->pad + i, wlen + 2 - i, &adv);
	}
	s->off[m] = wlen + 2;
	for (n = 3; n <= 5; n++)
		for (i = 0; i + n <= m; i++)
			count_feature(s, feature_hash(s->pad + s->off[i],
			    s->off[i + n] - s->off[i], s->padcap - s->off[i],
			    SEED_GRAM));
}

/* Find the words of p[0..n) and count every feature. */
static void
features(struct hashembed_scratch *s, const char *p, size_t n)
{
	uint64_t pair[2], prev = 0;
	size_t i = 0, start, adv;
	int32_t cp;
	int have_prev = 0;

	while (i < n) {
		cp = (unsigned char)p[i] < 0x80 ? (adv = 1, p[i]) :
		    text_decode(p + i, n - i, &adv);
		if (!word_char(cp)) {
			i += adv;
			continue;
		}
		start = i;
		while (i < n) {
			cp = (unsigned char)p[i] < 0x80 ? (adv = 1, p[i]) :
			    text_decode(p + i, n - i, &adv);
			if (!word_char(cp))
				break;
			i += adv;
		}
		pair[1] = feature_hash(p + start, i - start, n - start,
		    SEED_WORD);
		count_feature(s, pair[1]);
		if (have_prev) {
			pair[0] = prev;
			count_feature(s, hash64_seed(pair, sizeof(pair),
			    SEED_PAIR));
		}
		prev = pair[1];
		have_prev = 1;
		char_grams(s, p + start, i - start);
	}
}

size_t
hashembed_run(struct hashembed_scratch *s, const char *text, size_t len,
    float *out, size_t dims)
{
	static const double ln[] = { 0, 0, 0.6931471805599453,
	    1.0986122886681098, 1.3862943611198906, 1.6094379124341003,
	    1.791759469228055, 1.9459101090932196, 2.0794415416798357 };
	const char *p = text;
	char *folded = NULL;
	size_t i, n = len, nfeat;
	struct slot *sl;
	double w;
	int ascii = 1;

	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii) {
		/* NFKC is the identity on ASCII; case folding lowers. */
		if (s->normcap < len + 1) {
			s->normcap = len + 256;
			s->norm = xrealloc(s->norm, s->normcap);
		}
		for (i = 0; i < len; i++)
			s->norm[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ?
			    text[i] + 32 : text[i]);
		p = s->norm;
	} else if ((folded = text_normalize(text, len, TEXT_NFKC |
	    TEXT_CASEFOLD, &n)) != NULL)
		p = folded;
	features(s, p, n);
	free(folded);

	memset(out, 0, dims * sizeof(*out));
	for (i = 0; i < s->used; i++) {
		sl = &s->tab[s->order[i]];
		w = sl->count < sizeof(ln) / sizeof(ln[0]) ?
		    1 + ln[sl->count] : 1 + log((double)sl->count);
		if (sl->key & 1)
			w = -w;
		/* Bucket from the high half (multiply-shift), sign: bit 0. */
		out[((sl->key >> 32) * dims) >> 32] += (float)w;
		sl->key = 0;
	}
	nfeat = s->used;
	s->used = 0;
	/* Normalise in double for a result that does not depend on order. */
	w = 0;
	for (i = 0; i < dims; i++)
		w += (double)out[i] * out[i];
	if (w > 0) {
		w = 1 / sqrt(w);
		for (i = 0; i < dims; i++)
			out[i] = (float)(out[i] * w);
	}
	return nfeat;
}
