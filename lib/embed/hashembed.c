/* hashembed.c -- the built-in embedder: signed feature hashing of text */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <utf8proc.h>
/* XXH3 inlined (as hash64_seed): short inputs, a call costs as much. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lib/embed/hashembed.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

/* Seeds that keep the three kinds of feature apart. */
#define SEED_WORD	0x57a1e0d1c3b2a190ULL
#define SEED_PAIR	0x2b8f6e4d0c1a3957ULL
#define SEED_GRAM	0x91d3c5b7a9e0f246ULL

/*
 * A dictionary that gives 64-bit hashes dense ids, kept from text to
 * text, with a count per id for the current text.  The ids counted in
 * the current text are listed in the order they were first counted.
 * Each id also carries its bucket and sign among dims buckets, worked
 * out once when the id is given: the vector is summed from the ids
 * alone, one memory access each.
 */
struct dslot {
	uint64_t	 h;		/* the hash, 0 = empty */
	uint32_t	 id;		/* its id */
};

struct dent {
	uint32_t	 count;		/* in this text */
	uint32_t	 tag;		/* bucket << 1 | sign bit */
};

struct dict {
	struct dslot	*slot;		/* the table, cap slots */
	size_t		 cap;		/* slots in use, a power of two */
	size_t		 slotcap;	/* slots allocated */
	size_t		 n;		/* ids given, at most cap / 2 */
	struct dent	*ent;		/* by id */
	uint32_t	*seen;		/* ids counted in this text */
	size_t		 nseen;		/* their number */
	size_t		 seencap;	/* entries allocated in seen */
	size_t		 dims;		/* buckets of the tags; 0: no tags */
};

/*
 * The word pairs of one text are counted in a dictionary of their own,
 * cleared for each text: most pairs are seen in one text only, and
 * keeping them out leaves the feature dictionary small enough to stay in
 * the cache.  In the list of features seen (the feature dictionary's), a
 * pair is its id with PAIR set.
 */
#define PAIR		(1u << 31)

/*
 * What is known of a word (by id in the word dictionary).  Its bytes are
 * kept too: two words of eight bytes or more can share a hash, and the
 * grams kept for one must never be used for the other, or a vector would
 * depend on the texts before it.
 */
struct wordinfo {
	uint32_t	 feat;		/* its id in the feature dictionary */
	uint32_t	 first;		/* its first gram in gram */
	uint32_t	 ngram;		/* its grams, or NO_GRAMS: unknown */
	uint32_t	 at;		/* its bytes in wbytes */
	uint32_t	 len;		/* their number */
};

#define NO_GRAMS	UINT32_MAX

/* Where a distinct word of the text is, for its character n-grams. */
struct word {
	size_t		 start;		/* byte offset in the normalised text */
	size_t		 len;		/* its length */
};

/*
 * Past these, everything remembered from earlier texts is forgotten
 * before the next text: ids, word data, grams.
 */
#define MAX_FEATS	(1u << 16)	/* feature ids */
#define MAX_WORDS	(1u << 15)	/* word ids */
#define MAX_GRAMS	(1u << 20)	/* gram ids kept for words */
#define MAX_WBYTES	(1u << 22)	/* bytes of words kept */

struct hashembed_scratch {
	struct dict	 feat;		/* features: ids and counts */
	struct dict	 words;		/* words: ids and counts */
	struct dict	 pairs;		/* word pairs of this text */
	struct wordinfo	*info;		/* per word id */
	size_t		 infocap;	/* entries allocated in info */
	uint32_t	*gram;		/* feature ids of words' grams */
	size_t		 ngram;		/* entries in use in gram */
	size_t		 gramcap;	/* entries allocated in gram */
	char		*wbytes;	/* the bytes of words, by wordinfo */
	size_t		 nwbytes;	/* bytes in use in wbytes */
	size_t		 wbytecap;	/* bytes allocated in wbytes */
	struct word	*word;		/* per distinct word of the text */
	size_t		 wordcap;	/* entries allocated in word */
	char		*norm;		/* lowered ASCII text; owned */
	size_t		 normcap;	/* its size */
	char		*pad;		/* " word " for character n-grams */
	size_t		 padcap;	/* its size */
	size_t		*off;		/* code point offsets in pad */
	size_t		 offcap;	/* entries allocated in off */
	uint64_t	*hashes;	/* gram hashes of one word */
	size_t		 hashcap;	/* entries allocated in hashes */
	uint64_t	*mask;		/* ASCII text: a bit per word byte */
	size_t		 maskcap;	/* entries allocated in mask */
};

static inline size_t
slot_of(size_t cap, uint64_t h)
{
	return (size_t)(h * 0x9e3779b97f4a7c15ULL >> 17) & (cap - 1);
}

/* Bucket from the high half of h (multiply-shift), sign from bit 0. */
static inline uint32_t
tag_of(uint64_t h, size_t dims)
{
	return (uint32_t)(((h >> 32) * dims) >> 32) << 1 | (uint32_t)(h & 1);
}

/* A table of cap empty slots, room for the ids it can hold. */
static void
dict_alloc(struct dict *d, size_t cap)
{
	if (d->slotcap < cap) {
		free(d->slot);
		d->slot = xcalloc(cap, sizeof(*d->slot));
		d->slotcap = cap;
		d->ent = xreallocarray(d->ent, cap / 2 + 1, sizeof(*d->ent));
	} else
		memset(d->slot, 0, cap * sizeof(*d->slot));
	d->cap = cap;
}

static void
dict_init(struct dict *d)
{
	dict_alloc(d, 2048);
}

static void
dict_free(struct dict *d)
{
	free(d->slot);
	free(d->ent);
	free(d->seen);
}

/*
 * Forget every id, leaving cap slots in use; tags are for dims buckets
 * from now.
 */
static void
dict_reset(struct dict *d, size_t cap, size_t dims)
{
	dict_alloc(d, cap);
	d->n = 0;
	d->dims = dims;
}

static void
dict_grow(struct dict *d)
{
	struct dslot *old = d->slot;
	size_t i, j, ocap = d->cap;

	/* A new table, the old one kept for the move. */
	d->slot = NULL;
	d->slotcap = 0;
	dict_alloc(d, 2 * ocap);
	for (i = 0; i < ocap; i++) {
		if (old[i].h == 0)
			continue;
		j = slot_of(d->cap, old[i].h);
		while (d->slot[j].h != 0)
			j = (j + 1) & (d->cap - 1);
		d->slot[j] = old[i];
	}
	free(old);
}

/* The id of hash h, given now if it has none. */
static inline uint32_t
dict_id(struct dict *d, uint64_t h)
{
	uint32_t id;
	size_t j;

	if (h == 0)
		h = 1;
	j = slot_of(d->cap, h);
	for (;;) {
		if (d->slot[j].h == h)
			return d->slot[j].id;
		if (d->slot[j].h == 0)
			break;
		j = (j + 1) & (d->cap - 1);
	}
	id = (uint32_t)d->n++;
	d->slot[j].h = h;
	d->slot[j].id = id;
	d->ent[id].count = 0;
	d->ent[id].tag = tag_of(h, d->dims);
	if (d->n * 2 > d->cap)
		dict_grow(d);
	return id;
}

/* Make room in the list of ids seen for n more. */
static inline void
seen_reserve(struct dict *d, size_t n)
{
	if (__builtin_expect(d->seencap - d->nseen < n, 0)) {
		d->seencap = 2 * (d->nseen + n) + 1024;
		d->seen = xreallocarray(d->seen, d->seencap,
		    sizeof(*d->seen));
	}
}

/*
 * Count c more of id of d in this text, listing it (with mark) in the
 * list of another's ids seen the first time; returns 1 then.  The id is
 * written to the list in any case and kept there only the first time:
 * whether a feature is new is a coin toss that a branch would mispredict.
 */
static inline int
dict_count_in(struct dict *d, uint32_t id, uint32_t c, struct dict *list,
    uint32_t mark)
{
	int first = d->ent[id].count == 0;

	seen_reserve(list, 1);
	list->seen[list->nseen] = id | mark;
	list->nseen += (size_t)first;
	d->ent[id].count += c;
	return first;
}

/* Count c more of id in this text.  Returns 1 the first time. */
static inline int
dict_count(struct dict *d, uint32_t id, uint32_t c)
{
	return dict_count_in(d, id, c, d, 0);
}

/* The text is done: every count back to 0. */
static void
dict_done(struct dict *d)
{
	size_t k;

	for (k = 0; k < d->nseen; k++)
		d->ent[d->seen[k]].count = 0;
	d->nseen = 0;
}

struct hashembed_scratch *
hashembed_scratch_new(void)
{
	struct hashembed_scratch *s;

	s = xcalloc(1, sizeof(*s));
	dict_init(&s->feat);
	dict_init(&s->words);
	dict_init(&s->pairs);
	return s;
}

void
hashembed_scratch_free(struct hashembed_scratch *s)
{
	if (s == NULL)
		return;
	dict_free(&s->feat);
	dict_free(&s->words);
	dict_free(&s->pairs);
	free(s->info);
	free(s->gram);
	free(s->wbytes);
	free(s->word);
	free(s->norm);
	free(s->pad);
	free(s->off);
	free(s->hashes);
	free(s->mask);
	free(s);
}

/*
 * Hash a short feature.  Up to seven bytes (most n-grams and many words)
 * are packed into the low seven bytes of a word, with the length in bits
 * 59-61 of the eighth, which those bytes leave clear; the word is then
 * mixed by the murmur3 finaliser, a bijection, so distinct short
 * features never collide.  Eight bytes or more go through XXH3: eight
 * bytes packed would overlap the length, so that "getmaxyx" and "getmaxy"
 * hashed alike.
 */
static inline uint64_t
feature_hash(const char *p, size_t n, size_t avail, uint64_t seed)
{
	uint64_t x = 0;

	if (n > 7)
		return XXH3_64bits_withSeed(p, n, seed);
	if (avail >= 8) {
		/* One load: a short copy would stall store forwarding. */
		memcpy(&x, p, 8);
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

/*
 * The hash of a word.  A unit test defines WORD_HASH to a weak hash
 * before including this file, to make words collide.
 */
#ifndef WORD_HASH
#define WORD_HASH(p, n, avail)	feature_hash(p, n, avail, SEED_WORD)
#endif

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

#ifdef __SSE2__
/*
 * Bit k set for each byte p[k] of p[0..16) that is an ASCII letter or
 * digit: unsigned c - '0' <= 9, or (c | 0x20) - 'a' <= 25.
 */
static inline unsigned
word_bits16(const char *p)
{
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
	const __m128i a = _mm_set1_epi8('a'), z = _mm_set1_epi8(25);
	__m128i v, d, l;

	v = _mm_loadu_si128((const __m128i *)(const void *)p);
	d = _mm_sub_epi8(v, zero);
	d = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
	l = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), a);
	l = _mm_cmpeq_epi8(_mm_min_epu8(l, z), l);
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(d, l));
}
#endif

/*
 * Set bit i of m for each byte p[i] of ASCII text that is a letter or a
 * digit.  Sixteen bytes at a time where SSE2 is, which every x86-64 has.
 */
static void
word_mask(uint64_t *m, const char *p, size_t n)
{
	size_t i = 0;

	memset(m, 0, (n + 63) / 64 * sizeof(*m));
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16)
		m[i / 64] |= (uint64_t)word_bits16(p + i) << (i % 64);
#endif
	for (; i < n; i++)
		m[i / 64] |= (uint64_t)ascii_word[(unsigned char)p[i]] <<
		    (i % 64);
}

/*
 * The first i' >= i below n whose bit in m is set (flip 0) or clear
 * (flip all ones), or n.
 */
static inline size_t
next_bit(const uint64_t *m, size_t i, size_t n, uint64_t flip)
{
	size_t w = i / 64, nw = (n + 63) / 64;
	uint64_t x;

	if (i >= n)
		return n;
	x = (m[w] ^ flip) & (~0ULL << (i % 64));
	while (x == 0) {
		if (++w == nw)
			return n;
		x = m[w] ^ flip;
	}
	i = w * 64 + (size_t)__builtin_ctzll(x);
	return i < n ? i : n;
}

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
	if ((cp = utf8_decode(p + i, n - i, adv)) < 0)
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
			(void)utf8_decode(s->pad + i, wlen + 2 - i, &adv);
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

/* A new word id wid for the word w: its feature, its bytes kept. */
static void
word_new(struct hashembed_scratch *s, uint32_t wid, uint64_t h,
    const char *w, size_t wlen)
{
	struct wordinfo *wi;

	if (s->infocap < s->words.n) {
		s->infocap = s->words.cap;
		s->info = xreallocarray(s->info, s->infocap,
		    sizeof(*s->info));
	}
	if (s->wbytecap < s->nwbytes + wlen) {
		s->wbytecap = 2 * (s->nwbytes + wlen) + 4096;
		s->wbytes = xrealloc(s->wbytes, s->wbytecap);
	}
	wi = &s->info[wid];
	wi->feat = dict_id(&s->feat, h);
	wi->ngram = NO_GRAMS;
	wi->at = (uint32_t)s->nwbytes;
	wi->len = (uint32_t)wlen;
	memcpy(s->wbytes + s->nwbytes, w, wlen);
	s->nwbytes += wlen;
}

/*
 * The feature ids of the grams of word id wid, the word w: from what is
 * known of it, or found now and kept.  A word that only shares its hash
 * with the word of that id gets its own grams, not kept.  Stores their
 * number in *ng.
 */
static const uint32_t *
word_grams(struct hashembed_scratch *s, uint32_t wid, const char *w,
    size_t wlen, size_t *ng)
{
	struct wordinfo *wi = &s->info[wid];
	size_t k, n, room = 3 * (wlen + 2);
	int other;

	other = wi->len != wlen || memcmp(s->wbytes + wi->at, w, wlen) != 0;
	if (wi->ngram == NO_GRAMS || other) {
		if (s->hashcap < room) {
			s->hashcap = room + 64;
			s->hashes = xreallocarray(s->hashes, s->hashcap,
			    sizeof(*s->hashes));
		}
		n = char_grams(s, w, wlen, s->hashes);
		if (s->gramcap < s->ngram + n) {
			s->gramcap = 2 * (s->ngram + n) + 1024;
			s->gram = xreallocarray(s->gram, s->gramcap,
			    sizeof(*s->gram));
		}
		for (k = 0; k < n; k++)
			s->gram[s->ngram + k] = dict_id(&s->feat,
			    s->hashes[k]);
		if (other) {
			*ng = n;
			return s->gram + s->ngram;
		}
		wi->first = (uint32_t)s->ngram;
		wi->ngram = (uint32_t)n;
		s->ngram += n;
	}
	*ng = wi->ngram;
	return s->gram + wi->first;
}

/*
 * Find the words of p[0..n) (all ASCII when ascii is set) and count
 * every feature.  The character n-grams of a word are counted once per
 * distinct word, times its count: the same counts as word by word, for
 * much less work.
 */
static void
features(struct hashembed_scratch *s, const char *p, size_t n, int ascii)
{
	uint64_t pair[2], prev = 0;
	const uint32_t *g;
	size_t i = 0, start, adv, k, j, ng, before;
	uint32_t wid, c;
	int have_prev = 0;

	if (ascii) {
		if (s->maskcap < n / 64 + 1) {
			s->maskcap = n / 64 + 64;
			s->mask = xreallocarray(s->mask, s->maskcap,
			    sizeof(*s->mask));
		}
		word_mask(s->mask, p, n);
	}
	while (i < n) {
		if (ascii) {
			/* Words from the mask: no branch per byte. */
			if ((i = next_bit(s->mask, i, n, 0)) == n)
				break;
			start = i;
			i = next_bit(s->mask, i, n, ~0ULL);
		} else {
			if (!word_at(p, i, n, &adv)) {
				i += adv;
				continue;
			}
			start = i;
			while (i < n && word_at(p, i, n, &adv))
				i += adv;
		}
		pair[1] = WORD_HASH(p + start, i - start, n - start);
		before = s->words.n;
		wid = dict_id(&s->words, pair[1]);
		if (s->words.n != before)
			word_new(s, wid, pair[1], p + start, i - start);
		dict_count(&s->feat, s->info[wid].feat, 1);
		if (have_prev) {
			pair[0] = prev;
			/* XXH3, as hash64_seed() of lib/hash.h. */
			dict_count_in(&s->pairs, dict_id(&s->pairs,
			    XXH3_64bits_withSeed(pair, sizeof(pair),
			    SEED_PAIR)), 1, &s->feat, PAIR);
		}
		prev = pair[1];
		have_prev = 1;
		if (dict_count(&s->words, wid, 1)) {
			if (s->words.nseen > s->wordcap) {
				s->wordcap = s->words.cap;
				s->word = xreallocarray(s->word, s->wordcap,
				    sizeof(*s->word));
			}
			s->word[s->words.nseen - 1].start = start;
			s->word[s->words.nseen - 1].len = i - start;
		}
	}
	for (k = 0; k < s->words.nseen; k++) {
		wid = s->words.seen[k];
		c = s->words.ent[wid].count;
		g = word_grams(s, wid, p + s->word[k].start, s->word[k].len,
		    &ng);
		for (j = 0; j < ng; j++)
			dict_count(&s->feat, g[j], c);
	}
	dict_done(&s->words);
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
		up = (x + (0x80 - 'A') * ones) &
		    ~(x + (0x80 - 'Z' - 1) * ones) & highs;
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
	struct dent *e, *ent[2];
	size_t i, n = len, nfeat, cap;
	uint32_t c, x, vb;
	double w;
	float v;

	if (s->feat.n > MAX_FEATS || s->words.n > MAX_WORDS ||
	    s->ngram > MAX_GRAMS || s->nwbytes > MAX_WBYTES ||
	    s->feat.dims != dims) {
		dict_reset(&s->feat, s->feat.cap, dims);
		dict_reset(&s->words, s->words.cap, 0);
		s->ngram = 0;
		s->nwbytes = 0;
	}
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
	/* Room for a pair per six bytes, before the table has to grow. */
	for (cap = 64; cap < n / 3; cap *= 2)
		;
	dict_reset(&s->pairs, cap, dims);
	features(s, p, n, p == s->norm);
	free(folded);

	/* Sum the vector, setting the counts back to 0 for the next text. */
	memset(out, 0, dims * sizeof(*out));
	ent[0] = s->feat.ent;
	ent[1] = s->pairs.ent;
	for (i = 0; i < s->feat.nseen; i++) {
		x = s->feat.seen[i];
		e = &ent[x >> 31][x & ~PAIR];
		c = e->count;
		e->count = 0;
		v = c < sizeof(wt) / sizeof(wt[0]) ? wt[c] :
		    (float)(1 + log((double)c));
		/*
		 * The sign as a bit flip, not a branch: it is a coin toss,
		 * and a mispredicted branch per feature is a large part of
		 * the whole cost.
		 */
		memcpy(&vb, &v, sizeof(vb));
		vb ^= (e->tag & 1) << 31;
		memcpy(&v, &vb, sizeof(v));
		out[e->tag >> 1] += v;
	}
	nfeat = s->feat.nseen;
	s->feat.nseen = 0;
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
