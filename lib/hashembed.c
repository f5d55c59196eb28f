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
 * A dictionary that gives 64-bit hashes dense ids, kept from text to
 * text, with a count per id for the current text.  The ids counted in
 * the current text are listed in the order they were first counted.
 */
struct dict {
	uint64_t	*slot;		/* hash per slot, 0 = empty */
	uint32_t	*index;		/* slot: the id of its hash */
	size_t		 cap;		/* slots, a power of two */
	size_t		 n;		/* ids given, at most cap / 2 */
	uint64_t	*key;		/* id: its hash */
	uint32_t	*count;		/* id: its count in this text */
	uint32_t	*seen;		/* ids counted in this text */
	size_t		 nseen;		/* their number */
};

/* What is known of a word (by id in the word dictionary). */
struct wordinfo {
	uint32_t	 feat;		/* its id in the feature dictionary */
	uint32_t	 first;		/* its first gram in gram */
	uint32_t	 ngram;		/* its grams, or NO_GRAMS: unknown */
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

struct hashembed_scratch {
	struct dict	 feat;		/* features: ids and counts */
	struct dict	 words;		/* words: ids and counts */
	struct wordinfo	*info;		/* per word id */
	size_t		 infocap;	/* entries allocated in info */
	uint32_t	*gram;		/* feature ids of words' grams */
	size_t		 ngram;		/* entries in use in gram */
	size_t		 gramcap;	/* entries allocated in gram */
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
};

static inline size_t
slot_of(size_t cap, uint64_t h)
{
	return (size_t)(h * 0x9e3779b97f4a7c15ULL >> 17) & (cap - 1);
}

static void
dict_alloc(struct dict *d)
{
	d->slot = xcalloc(d->cap, sizeof(*d->slot));
	d->index = xcalloc(d->cap, sizeof(*d->index));
	d->key = xreallocarray(d->key, d->cap / 2 + 1, sizeof(*d->key));
	d->count = xreallocarray(d->count, d->cap / 2 + 1, sizeof(*d->count));
	d->seen = xreallocarray(d->seen, d->cap / 2 + 1, sizeof(*d->seen));
}

static void
dict_init(struct dict *d)
{
	d->cap = 2048;
	dict_alloc(d);
}

static void
dict_free(struct dict *d)
{
	free(d->slot);
	free(d->index);
	free(d->key);
	free(d->count);
	free(d->seen);
}

/* Forget every id (between texts). */
static void
dict_reset(struct dict *d)
{
	memset(d->slot, 0, d->cap * sizeof(*d->slot));
	d->n = 0;
}

static void
dict_grow(struct dict *d)
{
	size_t i, j;

	free(d->slot);
	free(d->index);
	d->cap *= 2;
	dict_alloc(d);
	for (i = 0; i < d->n; i++) {
		j = slot_of(d->cap, d->key[i]);
		while (d->slot[j] != 0)
			j = (j + 1) & (d->cap - 1);
		d->slot[j] = d->key[i];
		d->index[j] = (uint32_t)i;
	}
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
		if (d->slot[j] == h)
			return d->index[j];
		if (d->slot[j] == 0)
			break;
		j = (j + 1) & (d->cap - 1);
	}
	id = (uint32_t)d->n++;
	d->slot[j] = h;
	d->index[j] = id;
	d->key[id] = h;
	d->count[id] = 0;
	if (d->n * 2 > d->cap)
		dict_grow(d);
	return id;
}

/* Count c more of id in this text.  Returns 1 the first time. */
static inline int
dict_count(struct dict *d, uint32_t id, uint32_t c)
{
	int first = d->count[id] == 0;

	if (first)
		d->seen[d->nseen++] = id;
	d->count[id] += c;
	return first;
}

/* The text is done: every count back to 0. */
static void
dict_done(struct dict *d)
{
	size_t k;

	for (k = 0; k < d->nseen; k++)
		d->count[d->seen[k]] = 0;
	d->nseen = 0;
}

struct hashembed_scratch *
hashembed_scratch_new(void)
{
	struct hashembed_scratch *s;

	s = xcalloc(1, sizeof(*s));
	dict_init(&s->feat);
	dict_init(&s->words);
	return s;
}

void
hashembed_scratch_free(struct hashembed_scratch *s)
{
	if (s == NULL)
		return;
	dict_free(&s->feat);
	dict_free(&s->words);
	free(s->info);
	free(s->gram);
	free(s->word);
	free(s->norm);
	free(s->pad);
	free(s->off);
	free(s->hashes);
	free(s);
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
 * The feature ids of the grams of word id wid, the word w: from what is
 * known of it, or found now and kept.  Stores their number in *ng.
 */
static const uint32_t *
word_grams(struct hashembed_scratch *s, uint32_t wid, const char *w,
    size_t wlen, size_t *ng)
{
	struct wordinfo *wi = &s->info[wid];
	size_t k, n, room = 3 * (wlen + 2);

	if (wi->ngram == NO_GRAMS) {
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

	while (i < n) {
		if (ascii) {
			/* One byte, one character: a table look-up each. */
			while (i < n && !ascii_word[(unsigned char)p[i]])
				i++;
			if (i == n)
				break;
			start = i;
			while (i < n && ascii_word[(unsigned char)p[i]])
				i++;
		} else {
			if (!word_at(p, i, n, &adv)) {
				i += adv;
				continue;
			}
			start = i;
			while (i < n && word_at(p, i, n, &adv))
				i += adv;
		}
		pair[1] = feature_hash(p + start, i - start, n - start,
		    SEED_WORD);
		before = s->words.n;
		wid = dict_id(&s->words, pair[1]);
		if (s->words.n != before) {
			if (s->infocap < s->words.n) {
				s->infocap = s->words.cap;
				s->info = xreallocarray(s->info, s->infocap,
				    sizeof(*s->info));
			}
			s->info[wid].feat = dict_id(&s->feat, pair[1]);
			s->info[wid].ngram = NO_GRAMS;
		}
		dict_count(&s->feat, s->info[wid].feat, 1);
		if (have_prev) {
			pair[0] = prev;
			/* XXH3, as hash64_seed() of lib/hash.h. */
			dict_count(&s->feat, dict_id(&s->feat,
			    XXH3_64bits_withSeed(pair, sizeof(pair),
			    SEED_PAIR)), 1);
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
		c = s->words.count[wid];
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
	size_t i, n = len, nfeat;
	uint64_t h;
	uint32_t c, id;
	double w;
	float v;

	if (s->feat.n > MAX_FEATS || s->words.n > MAX_WORDS ||
	    s->ngram > MAX_GRAMS) {
		dict_reset(&s->feat);
		dict_reset(&s->words);
		s->ngram = 0;
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
	features(s, p, n, p == s->norm);
	free(folded);

	memset(out, 0, dims * sizeof(*out));
	for (i = 0; i < s->feat.nseen; i++) {
		id = s->feat.seen[i];
		c = s->feat.count[id];
		h = s->feat.key[id];
		v = c < sizeof(wt) / sizeof(wt[0]) ? wt[c] :
		    (float)(1 + log((double)c));
		if (h & 1)
			v = -v;
		/* Bucket from the high half (multiply-shift), sign: bit 0. */
		out[((h >> 32) * dims) >> 32] += v;
	}
	nfeat = s->feat.nseen;
	dict_done(&s->feat);
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
