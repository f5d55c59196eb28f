/* hashembed.c -- the built-in embedder: signed feature hashing of text */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
/* XXH3 inlined (as hash64_seed): short inputs, a call costs as much. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lib/hashembed.h"
#include "lib/text.h"
#include "lib/xmem.h"

/* Seeds that keep the three kinds of feature apart. */
#define SEED_WORD	0x57a1e0d1c3b2a190ULL
#define SEED_PAIR	0x2b8f6e4d0c1a3957ULL
#define SEED_GRAM	0x91d3c5b7a9e0f246ULL

/*
 * A counting hash set of 64-bit feature hashes.  The slots only lead to
 * the features, which are kept densely in insertion order: a pass over
 * them reads memory in sequence.
 */
struct table {
	uint64_t	*slot;		/* feature hash per slot, 0 = empty */
	uint32_t	*index;		/* slot: its feature's index */
	size_t		 cap;		/* slots, a power of two */
	size_t		 used;		/* features */
	uint64_t	*key;		/* feature hashes, insertion order */
	uint32_t	*count;		/* their counts */
	uint32_t	*where;		/* their slots */
};

/* Where a distinct word of the text is, for its character n-grams. */
struct word {
	size_t		 start;		/* byte offset in the normalised text */
	size_t		 len;		/* its length */
};

/*
 * The character n-grams of the words seen lately, across texts: a word
 * costs one look-up instead of being padded, cut and hashed again.  It
 * only remembers, so it changes no vector.
 */
struct gramcache {
	uint64_t	*key;		/* word hash per slot, 0 = empty */
	uint32_t	*first;		/* slot: its first gram in gram */
	uint32_t	*bytes;		/* slot: its text in text */
	uint16_t	*ngram;		/* slot: its number of grams */
	uint16_t	*len;		/* slot: its length in bytes */
	size_t		 cap;		/* slots, a power of two */
	size_t		 used;		/* slots in use */
	uint64_t	*gram;		/* gram hashes, word after word */
	size_t		 ngrams;	/* entries in use in gram */
	char		*text;		/* the words' bytes */
	size_t		 ntext;		/* bytes in use in text */
};

/* Limits of the gram cache; past any, it starts afresh. */
#define GC_SLOTS	16384		/* slots (half may be used) */
#define GC_GRAMS	(1u << 20)	/* gram hashes */
#define GC_TEXT		(1u << 20)	/* bytes of words */
#define GC_WORD		64		/* longest word kept, in bytes */

struct hashembed_scratch {
	struct gramcache gc;		/* grams of recent words */
	struct table	 feat;		/* every feature and its count */
	struct table	 words;		/* distinct words and their counts */
	struct word	*word;		/* words, in words.order order */
	size_t		 wordcap;	/* entries allocated in word */
	char		*norm;		/* lowered ASCII text; owned */
	size_t		 normcap;	/* its size */
	char		*pad;		/* " word " for character n-grams */
	size_t		 padcap;	/* its size */
	size_t		*off;		/* code point offsets in pad */
	size_t		 offcap;	/* entries allocated in off */
	uint64_t	*grams;		/* grams of a word too long to keep */
	size_t		 gramcap;	/* entries allocated in grams */
};

static void
table_alloc(struct table *t)
{
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	t->index = xcalloc(t->cap, sizeof(*t->index));
	/* At most half the slots are used. */
	t->key = xreallocarray(t->key, t->cap / 2 + 1, sizeof(*t->key));
	t->count = xreallocarray(t->count, t->cap / 2 + 1, sizeof(*t->count));
	t->where = xreallocarray(t->where, t->cap / 2 + 1, sizeof(*t->where));
}

static void
table_init(struct table *t)
{
	t->cap = 1024;
	table_alloc(t);
}

static void
table_free(struct table *t)
{
	free(t->slot);
	free(t->index);
	free(t->key);
	free(t->count);
	free(t->where);
}

/* Empty the table for the next text. */
static void
table_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->used; i++)
		t->slot[t->where[i]] = 0;
	t->used = 0;
}

struct hashembed_scratch *
hashembed_scratch_new(void)
{
	struct hashembed_scratch *s;

	s = xcalloc(1, sizeof(*s));
	table_init(&s->feat);
	table_init(&s->words);
	s->gc.cap = GC_SLOTS;
	s->gc.key = xcalloc(GC_SLOTS, sizeof(*s->gc.key));
	s->gc.first = xcalloc(GC_SLOTS, sizeof(*s->gc.first));
	s->gc.bytes = xcalloc(GC_SLOTS, sizeof(*s->gc.bytes));
	s->gc.ngram = xcalloc(GC_SLOTS, sizeof(*s->gc.ngram));
	s->gc.len = xcalloc(GC_SLOTS, sizeof(*s->gc.len));
	s->gc.gram = xcalloc(GC_GRAMS, sizeof(*s->gc.gram));
	s->gc.text = xmalloc(GC_TEXT);
	return s;
}

void
hashembed_scratch_free(struct hashembed_scratch *s)
{
	if (s == NULL)
		return;
	free(s->gc.key);
	free(s->gc.first);
	free(s->gc.bytes);
	free(s->gc.ngram);
	free(s->gc.len);
	free(s->gc.gram);
	free(s->gc.text);
	table_free(&s->feat);
	table_free(&s->words);
	free(s->word);
	free(s->norm);
	free(s->pad);
	free(s->off);
	free(s->grams);
	free(s);
}

static inline size_t
slot_of_cap(size_t cap, uint64_t h)
{
	return (size_t)(h * 0x9e3779b97f4a7c15ULL >> 17) & (cap - 1);
}

static inline size_t
slot_of(const struct table *t, uint64_t h)
{
	return slot_of_cap(t->cap, h);
}

static void
grow_table(struct table *t)
{
	size_t i, j;

	free(t->slot);
	free(t->index);
	t->cap *= 2;
	table_alloc(t);
	for (i = 0; i < t->used; i++) {
		j = slot_of(t, t->key[i]);
		while (t->slot[j] != 0)
			j = (j + 1) & (t->cap - 1);
		t->slot[j] = t->key[i];
		t->index[j] = (uint32_t)i;
		t->where[i] = (uint32_t)j;
	}
}

/* Count c more of feature h.  Returns 1 when h is new. */
static inline int
count_feature(struct table *t, uint64_t h, uint32_t c)
{
	size_t j;

	if (h == 0)
		h = 1;
	j = slot_of(t, h);
	for (;;) {
		if (t->slot[j] == h) {
			t->count[t->index[j]] += c;
			return 0;
		}
		if (t->slot[j] == 0)
			break;
		j = (j + 1) & (t->cap - 1);
	}
	t->slot[j] = h;
	t->index[j] = (uint32_t)t->used;
	t->key[t->used] = h;
	t->count[t->used] = c;
	t->where[t->used++] = (uint32_t)j;
	if (t->used * 2 > t->cap)
		grow_table(t);
	return 1;
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
		return XXH3_64bits_withSeed(p, n, seed);
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

/* ASCII letters and digits. */
static const unsigned char ascii_word[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

/*
 * Is the character at p[i] (of n bytes) part of a word: a letter, a
 * digit or a mark?  Stores its length in *adv.
 */
static inline int
word_at(const char *p, size_t i, size_t n, size_t *adv)
{
	utf8proc_category_t c;
	int32_t cp;

	if ((unsigned char)p[i] < 0x80) {
		*adv = 1;
		return ascii_word[(unsigned char)p[i]];
	}
	if ((cp = text_decode(p + i, n - i, adv)) < 0)
		return 0;
	c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

/*
 * Write the hashes of the character 3- to 5-grams of " word " to g (room
 * for 3 * (wlen + 2)), 3-grams first, then 4- and 5-grams, each in text
 * order.  Returns their number.
 */
static size_t
char_grams(struct hashembed_scratch *s, const char *w, size_t wlen,
    uint64_t *g)
{
	size_t m = 0, i, n, adv, k = 0;
	uint64_t h;

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
		for (i = 0; i + n <= m; i++) {
			h = feature_hash(s->pad + s->off[i], s->off[i + n] -
			    s->off[i], s->padcap - s->off[i], SEED_GRAM);
			g[k++] = h == 0 ? 1 : h;
		}
	return k;
}

/*
 * The gram hashes of the word w (hash h), from the cache or computed
 * into it.  Stores their number in *ng.
 */
static const uint64_t *
word_grams(struct hashembed_scratch *s, const char *w, size_t wlen,
    uint64_t h, size_t *ng)
{
	struct gramcache *gc = &s->gc;
	size_t j, room = 3 * (wlen + 2);

	if (wlen > GC_WORD) {
		if (s->gramcap < room) {
			s->gramcap = room + 64;
			s->grams = xreallocarray(s->grams, s->gramcap,
			    sizeof(*s->grams));
		}
		*ng = char_grams(s, w, wlen, s->grams);
		return s->grams;
	}
	if (h == 0)
		h = 1;
	j = slot_of_cap(gc->cap, h);
	while (gc->key[j] != 0) {
		if (gc->key[j] == h && gc->len[j] == wlen &&
		    memcmp(gc->text + gc->bytes[j], w, wlen) == 0) {
			*ng = gc->ngram[j];
			return gc->gram + gc->first[j];
		}
		j = (j + 1) & (gc->cap - 1);
	}
	if (gc->used * 2 >= gc->cap || gc->ngrams + room > GC_GRAMS ||
	    gc->ntext + wlen > GC_TEXT) {
		/* Full: start afresh. */
		memset(gc->key, 0, gc->cap * sizeof(*gc->key));
		gc->used = gc->ngrams = gc->ntext = 0;
		j = slot_of_cap(gc->cap, h);
	}
	gc->key[j] = h;
	gc->len[j] = (uint16_t)wlen;
	gc->bytes[j] = (uint32_t)gc->ntext;
	memcpy(gc->text + gc->ntext, w, wlen);
	gc->ntext += wlen;
	gc->first[j] = (uint32_t)gc->ngrams;
	gc->ngram[j] = (uint16_t)char_grams(s, w, wlen, gc->gram + gc->ngrams);
	gc->ngrams += gc->ngram[j];
	gc->used++;
	*ng = gc->ngram[j];
	return gc->gram + gc->first[j];
}

/*
 * Find the words of p[0..n) and count every feature.  The character
 * n-grams of a word are counted once per distinct word, times its count:
 * the same counts as word by word, for much less work.
 */
static void
features(struct hashembed_scratch *s, const char *p, size_t n)
{
	uint64_t pair[2], prev = 0;
	const uint64_t *g;
	size_t i = 0, start, adv, k, j, ng;
	int have_prev = 0;

	while (i < n) {
		if (!word_at(p, i, n, &adv)) {
			i += adv;
			continue;
		}
		start = i;
		while (i < n && word_at(p, i, n, &adv))
			i += adv;
		pair[1] = feature_hash(p + start, i - start, n - start,
		    SEED_WORD);
		count_feature(&s->feat, pair[1], 1);
		if (have_prev) {
			pair[0] = prev;
			/* XXH3, as hash64_seed() of lib/hash.h. */
			count_feature(&s->feat, XXH3_64bits_withSeed(pair,
			    sizeof(pair), SEED_PAIR), 1);
		}
		prev = pair[1];
		have_prev = 1;
		if (count_feature(&s->words, pair[1], 1)) {
			if (s->words.used > s->wordcap) {
				s->wordcap = s->words.cap;
				s->word = xreallocarray(s->word, s->wordcap,
				    sizeof(*s->word));
			}
			s->word[s->words.used - 1].start = start;
			s->word[s->words.used - 1].len = i - start;
		}
	}
	for (k = 0; k < s->words.used; k++) {
		g = word_grams(s, p + s->word[k].start, s->word[k].len,
		    s->words.key[k], &ng);
		for (j = 0; j < ng; j++)
			count_feature(&s->feat, g[j], s->words.count[k]);
	}
	table_clear(&s->words);
}

/*
 * Lower the ASCII letters of text[0..len) into out, eight bytes at a
 * time.  Returns 1, or 0 (out left unfinished) when text is not ASCII.
 */
static int
ascii_lower(char *out, const char *text, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t x, up;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&x, text + i, 8);
		if (x & highs)
			return 0;
		/* Bit 7 of a byte set from 'A', cleared again from '['. */
		up = (x + (0x80 - 'A') * ones) & ~(x + (0x80 - 'Z' - 1) * ones) &
		    highs;
		x |= up >> 2;
		memcpy(out + i, &x, 8);
	}
	for (; i < len; i++) {
		if ((unsigned char)text[i] >= 0x80)
			return 0;
		out[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ?
		    text[i] + 32 : text[i]);
	}
	return 1;
}

size_t
hashembed_run(struct hashembed_scratch *s, const char *text, size_t len,
    float *out, size_t dims)
{
	/* 1 + ln count, rounded to float, for the common counts. */
	static const float wt[] = { 1, 1, (float)(1 + 0.6931471805599453),
	    (float)(1 + 1.0986122886681098), (float)(1 + 1.3862943611198906),
	    (float)(1 + 1.6094379124341003), (float)(1 + 1.791759469228055),
	    (float)(1 + 1.9459101090932196), (float)(1 + 2.0794415416798357) };
	const char *p = text;
	char *folded = NULL;
	size_t i, n = len, nfeat;
	uint64_t h;
	uint32_t c;
	double w;
	float v;

	if (s->normcap < len + 1) {
		s->normcap = len + 256;
		s->norm = xrealloc(s->norm, s->normcap);
	}
	/* NFKC is the identity on ASCII; case folding lowers. */
	if (ascii_lower(s->norm, text, len))
		p = s->norm;
	else if ((folded = text_normalize(text, len, TEXT_NFKC |
	    TEXT_CASEFOLD, &n)) != NULL)
		p = folded;
	features(s, p, n);
	free(folded);

	memset(out, 0, dims * sizeof(*out));
	for (i = 0; i < s->feat.used; i++) {
		c = s->feat.count[i];
		h = s->feat.key[i];
		v = c < sizeof(wt) / sizeof(wt[0]) ? wt[c] :
		    (float)(1 + log((double)c));
		if (h & 1)
			v = -v;
		/* Bucket from the high half (multiply-shift), sign: bit 0. */
		out[((h >> 32) * dims) >> 32] += v;
	}
	nfeat = s->feat.used;
	table_clear(&s->feat);
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
