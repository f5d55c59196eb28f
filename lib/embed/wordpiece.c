/* wordpiece.c -- BERT-style WordPiece tokenizer from a tokenizer.json */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "lib/base/hash.h"
#include "lib/text/text.h"
#include "lib/embed/wordpiece.h"
#include "lib/base/xmem.h"

struct entry {
	char		*s;		/* piece text (no "##"); owned */
	size_t		 len;		/* its length in bytes */
	uint64_t	 h;		/* its hash */
	int32_t		 id;		/* token id; -1 = empty slot */
};

struct vocab {
	struct entry	*tab;		/* open-addressing table; owned */
	size_t		 cap;		/* size, a power of two */
};

struct wordpiece {
	struct vocab	 start;		/* pieces that begin a word */
	struct vocab	 cont;		/* "##" pieces, prefix removed */
	size_t		 maxlen;	/* longest piece in bytes */
	size_t		 nvocab;	/* one more than the largest id */
	int32_t		 unk;		/* unknown token id, or -1 */
	size_t		 max_chars;	/* max_input_chars_per_word */
	int		 normalize;	/* a BertNormalizer is present */
	int		 clean;		/* clean_text */
	int		 chinese;	/* handle_chinese_chars */
	int		 strip;		/* strip_accents */
	int		 lower;		/* lowercase */
};

/*
 * The pieces of the words seen lately, across texts: a word costs one
 * look-up instead of one per candidate piece.  It only remembers, so it
 * changes no result.
 */
struct wordcache {
	const struct wordpiece *wp;	/* the tokenizer it holds words of */
	uint64_t	*key;		/* word hash per slot, 0 = empty */
	uint32_t	*first;		/* slot: its first id in id */
	uint32_t	*bytes;		/* slot: its text in text */
	int16_t		*nid;		/* slot: its ids, -1: unknown */
	uint16_t	*len;		/* slot: its length in bytes */
	size_t		 used;		/* slots in use */
	int32_t		*id;		/* piece ids, word after word */
	size_t		 nids;		/* entries in use in id */
	char		*text;		/* the words' bytes */
	size_t		 ntext;		/* bytes in use in text */
};

/* Limits of the word cache; past any, it starts afresh. */
#define WC_SLOTS	16384		/* slots, a power of two */
#define WC_IDS		(1u << 18)	/* piece ids */
#define WC_TEXT		(1u << 20)	/* bytes of words */
#define WC_WORD		64		/* longest word kept, in bytes */

struct wordpiece_scratch {
	char		*a, *b;		/* normalisation buffers; owned */
	size_t		 acap, bcap;	/* their sizes */
	int32_t		*piece;		/* ids of the current word; owned */
	size_t		 pcap;		/* entries allocated in piece */
	struct wordcache wc;		/* pieces of recent words */
};

static void
vocab_put(struct vocab *v, const char *s, size_t len, int32_t id)
{
	uint64_t h = hash64(s, len);
	size_t j = h & (v->cap - 1);

	while (v->tab[j].id != -1) {
		if (v->tab[j].h == h && v->tab[j].len == len &&
		    memcmp(v->tab[j].s, s, len) == 0)
			return;		/* first one wins */
		j = (j + 1) & (v->cap - 1);
	}
	v->tab[j].s = xmemdup(s, len);
	v->tab[j].len = len;
	v->tab[j].h = h;
	v->tab[j].id = id;
}

static int32_t
vocab_get(const struct vocab *v, const char *s, size_t len)
{
	uint64_t h = hash64(s, len);
	size_t j = h & (v->cap - 1);

	while (v->tab[j].id != -1) {
		if (v->tab[j].h == h && v->tab[j].len == len &&
		    memcmp(v->tab[j].s, s, len) == 0)
			return v->tab[j].id;
		j = (j + 1) & (v->cap - 1);
	}
	return -1;
}

static void
vocab_init(struct vocab *v, size_t n)
{
	size_t i;

	for (v->cap = 64; v->cap < 2 * n + 2; v->cap *= 2)
		;
	v->tab = xcalloc(v->cap, sizeof(*v->tab));
	for (i = 0; i < v->cap; i++)
		v->tab[i].id = -1;
}

static void
vocab_free(struct vocab *v)
{
	size_t i;

	for (i = 0; i < v->cap; i++)
		free(v->tab[i].s);
	free(v->tab);
}

/* A boolean member, or dflt when absent or null. */
static int
flag(const json_t *o, const char *name, int dflt)
{
	json_t *v = json_object_get(o, name);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static struct wordpiece *
load_fail(struct wordpiece *wp, json_t *doc, struct buf *err,
    const char *path, const char *why)
{
	buf_fail(err, "%s: %s", path, why);
	json_decref(doc);
	wordpiece_free(wp);
	return NULL;
}

struct wordpiece *
wordpiece_load(const char *path, struct buf *err)
{
	json_t *doc, *model, *vocab, *norm, *pre, *v;
	struct wordpiece *wp;
	const char *tok, *prefix = "##", *type;
	json_error_t jerr;
	size_t plen, tlen;
	json_int_t id;

	if ((doc = json_load_file(path, 0, &jerr)) == NULL) {
		buf_fail(err, "%s: %s", path, jerr.text);
		return NULL;
	}
	wp = xcalloc(1, sizeof(*wp));
	wp->unk = -1;
	model = json_object_get(doc, "model");
	vocab = json_object_get(model, "vocab");
	type = json_string_value(json_object_get(model, "type"));
	if (!json_is_object(vocab) || (type && strcmp(type, "WordPiece")))
		return load_fail(wp, doc, err, path,
		    "not a WordPiece tokenizer (model.type, model.vocab)");
	if ((v = json_object_get(model, "continuing_subword_prefix")) &&
	    json_is_string(v))
		prefix = json_string_value(v);
	plen = strlen(prefix);
	wp->max_chars = 100;
	if (json_is_integer(v = json_object_get(model,
	    "max_input_chars_per_word")) && json_integer_value(v) > 0)
		wp->max_chars = (size_t)json_integer_value(v);
	vocab_init(&wp->start, json_object_size(vocab));
	vocab_init(&wp->cont, json_object_size(vocab));
	json_object_foreach(vocab, tok, v) {
		if (!json_is_integer(v) || (id = json_integer_value(v)) < 0 ||
		    id >= INT32_MAX)
			return load_fail(wp, doc, err, path,
			    "vocabulary ids must be non-negative integers");
		tlen = strlen(tok);
		if (plen && tlen > plen && memcmp(tok, prefix, plen) == 0)
			vocab_put(&wp->cont, tok + plen, tlen - plen,
			    (int32_t)id);
		else
			vocab_put(&wp->start, tok, tlen, (int32_t)id);
		if (tlen > wp->maxlen)
			wp->maxlen = tlen;
		if ((size_t)id + 1 > wp->nvocab)
			wp->nvocab = (size_t)id + 1;
	}
	if ((tok = json_string_value(json_object_get(model, "unk_token"))))
		wp->unk = vocab_get(&wp->start, tok, strlen(tok));
	norm = json_object_get(doc, "normalizer");
	if (norm && !json_is_null(norm)) {
		type = json_string_value(json_object_get(norm, "type"));
		if (type == NULL || strcmp(type, "BertNormalizer") != 0)
			return load_fail(wp, doc, err, path,
			    "unsupported normalizer (only BertNormalizer)");
		wp->normalize = 1;
		wp->clean = flag(norm, "clean_text", 1);
		wp->chinese = flag(norm, "handle_chinese_chars", 1);
		wp->lower = flag(norm, "lowercase", 1);
		wp->strip = flag(norm, "strip_accents", wp->lower);
	}
	pre = json_object_get(doc, "pre_tokenizer");
	type = json_string_value(json_object_get(pre, "type"));
	if (type == NULL || strcmp(type, "BertPreTokenizer") != 0)
		return load_fail(wp, doc, err, path,
		    "unsupported pre_tokenizer (only BertPreTokenizer)");
	json_decref(doc);
	return wp;
}

void
wordpiece_free(struct wordpiece *wp)
{
	if (wp == NULL)
		return;
	if (wp->start.tab)
		vocab_free(&wp->start);
	if (wp->cont.tab)
		vocab_free(&wp->cont);
	free(wp);
}

size_t
wordpiece_vocab_size(const struct wordpiece *wp)
{
	return wp->nvocab;
}

struct wordpiece_scratch *
wordpiece_scratch_new(void)
{
	struct wordpiece_scratch *s;

	s = xcalloc(1, sizeof(*s));
	s->wc.key = xcalloc(WC_SLOTS, sizeof(*s->wc.key));
	s->wc.first = xcalloc(WC_SLOTS, sizeof(*s->wc.first));
	s->wc.bytes = xcalloc(WC_SLOTS, sizeof(*s->wc.bytes));
	s->wc.nid = xcalloc(WC_SLOTS, sizeof(*s->wc.nid));
	s->wc.len = xcalloc(WC_SLOTS, sizeof(*s->wc.len));
	s->wc.id = xcalloc(WC_IDS, sizeof(*s->wc.id));
	s->wc.text = xmalloc(WC_TEXT);
	return s;
}

void
wordpiece_scratch_free(struct wordpiece_scratch *s)
{
	if (s == NULL)
		return;
	free(s->a);
	free(s->b);
	free(s->piece);
	free(s->wc.key);
	free(s->wc.first);
	free(s->wc.bytes);
	free(s->wc.nid);
	free(s->wc.len);
	free(s->wc.id);
	free(s->wc.text);
	free(s);
}

static int
is_control(int32_t c)
{
	utf8proc_category_t k;

	if (c == '\t' || c == '\n' || c == '\r')
		return 0;
	k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_CC || k == UTF8PROC_CATEGORY_CF ||
	    k == UTF8PROC_CATEGORY_CS || k == UTF8PROC_CATEGORY_CO ||
	    k == UTF8PROC_CATEGORY_CN;
}

static int
is_space(int32_t c)
{
	utf8proc_category_t k;

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return 1;
	if (c < 0x80)
		return 0;
	k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL ||
	    k == UTF8PROC_CATEGORY_ZP;
}

static int
is_punct(int32_t c)
{
	utf8proc_category_t k;

	if (c < 0x80)
		return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) ||
		    (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
	k = utf8proc_category(c);
	return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

static int
is_cjk(int32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	    (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
	    (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

static char *
reserve(char **p, size_t *cap, size_t n)
{
	if (*cap < n) {
		*cap = n + 256;
		*p = xrealloc(*p, *cap);
	}
	return *p;
}

/*
 * Apply the normaliser to text[0..len).  Returns the normalised text
 * (in scratch memory) and its length in *outlen.
 */
static const char *
normalize(const struct wordpiece *wp, struct wordpiece_scratch *s,
    const char *text, size_t len, size_t *outlen)
{
	size_t i, n = 0, adv, dlen;
	char *o, *d = NULL;
	const char *src;
	int32_t c;
	int ascii = 1;

	if (!wp->normalize) {
		*outlen = len;
		return text;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii) {
		o = reserve(&s->a, &s->acap, len + 1);
		for (i = 0; i < len; i++) {
			c = (unsigned char)text[i];
			if (wp->clean && (c == 0 || c == 0x7f ||
			    (c < 0x20 && c != '\t' && c != '\n' && c != '\r')))
				continue;
			if (wp->clean && (c == '\t' || c == '\n' || c == '\r'))
				c = ' ';
			if (wp->lower && c >= 'A' && c <= 'Z')
				c += 32;
			o[n++] = (char)c;
		}
		*outlen = n;
		return o;
	}
	/* Clean and pad CJK into a, then decompose, strip and lower into b. */
	o = reserve(&s->a, &s->acap, 3 * len + 1);
	for (i = 0; i < len; i += adv) {
		c = utf8_decode(text + i, len - i, &adv);
		if (c < 0)
			continue;
		if (wp->clean) {
			if (c == 0 || c == 0xfffd || is_control(c))
				continue;
			if (is_space(c))
				c = ' ';
		}
		if (wp->chinese && is_cjk(c)) {
			o[n++] = ' ';
			n += utf8_encode(c, o + n);
			o[n++] = ' ';
		} else
			n += utf8_encode(c, o + n);
	}
	src = o;
	if (wp->strip && (d = text_normalize(o, n, TEXT_NFD, &dlen)) != NULL) {
		src = d;
		n = dlen;
	}
	o = reserve(&s->b, &s->bcap, 4 * n + 1);
	len = n;
	n = 0;
	for (i = 0; i < len; i += adv) {
		c = utf8_decode(src + i, len - i, &adv);
		if (c < 0)
			continue;
		if (wp->strip && utf8proc_category(c) == UTF8PROC_CATEGORY_MN)
			continue;
		if (wp->lower)
			c = utf8proc_tolower(c);
		n += utf8_encode(c, o + n);
	}
	free(d);
	*outlen = n;
	return o;
}

/*
 * Split one word into pieces, their ids in s->piece.  Returns their
 * number, or -1 when the word cannot be split (the unknown token).
 */
static long
split_word(const struct wordpiece *wp, struct wordpiece_scratch *s,
    const char *w, size_t wlen)
{
	size_t start = 0, end, np = 0;
	int32_t id = -1;

	if (text_cp_count(w, wlen) > wp->max_chars)
		return -1;
	if (s->pcap < wlen) {
		s->pcap = wlen + 16;
		s->piece = xreallocarray(s->piece, s->pcap, sizeof(*s->piece));
	}
	while (start < wlen) {
		end = wlen - start > wp->maxlen ? start + wp->maxlen : wlen;
		while (end > start && end < wlen &&
		    ((unsigned char)w[end] & 0xc0) == 0x80)
			end--;
		id = -1;
		while (end > start) {
			id = vocab_get(start ? &wp->cont : &wp->start,
			    w + start, end - start);
			if (id >= 0)
				break;
			do
				end--;
			while (end > start &&
			    ((unsigned char)w[end] & 0xc0) == 0x80);
		}
		if (id < 0)
			return -1;
		s->piece[np++] = id;
		start = end;
	}
	return (long)np;
}

/*
 * The pieces of a word, from the cache or split and kept there.  Returns
 * their number (-1: unknown) and stores the address of their ids in *ids.
 */
static long
cached_split(const struct wordpiece *wp, struct wordpiece_scratch *s,
    const char *w, size_t wlen, const int32_t **ids)
{
	struct wordcache *c = &s->wc;
	uint64_t h;
	size_t j;
	long np;

	if (wlen > WC_WORD) {
		np = split_word(wp, s, w, wlen);
		*ids = s->piece;
		return np;
	}
	if (c->wp != wp) {
		memset(c->key, 0, WC_SLOTS * sizeof(*c->key));
		c->used = c->nids = c->ntext = 0;
		c->wp = wp;
	}
	if ((h = hash64(w, wlen)) == 0)
		h = 1;
	j = h & (WC_SLOTS - 1);
	while (c->key[j] != 0) {
		if (c->key[j] == h && c->len[j] == wlen &&
		    memcmp(c->text + c->bytes[j], w, wlen) == 0) {
			*ids = c->id + c->first[j];
			return c->nid[j];
		}
		j = (j + 1) & (WC_SLOTS - 1);
	}
	np = split_word(wp, s, w, wlen);
	if (c->used * 2 >= WC_SLOTS || c->nids + wlen > WC_IDS ||
	    c->ntext + wlen > WC_TEXT) {
		/* Full: start afresh. */
		memset(c->key, 0, WC_SLOTS * sizeof(*c->key));
		c->used = c->nids = c->ntext = 0;
		j = h & (WC_SLOTS - 1);
	}
	c->key[j] = h;
	c->len[j] = (uint16_t)wlen;
	c->bytes[j] = (uint32_t)c->ntext;
	memcpy(c->text + c->ntext, w, wlen);
	c->ntext += wlen;
	c->first[j] = (uint32_t)c->nids;
	c->nid[j] = (int16_t)np;
	if (np > 0) {
		memcpy(c->id + c->nids, s->piece, (size_t)np * sizeof(*c->id));
		c->nids += (size_t)np;
	}
	c->used++;
	*ids = c->id + c->first[j];
	return np;
}

/*
 * Split one word into pieces; append their ids to ids (up to max).  A
 * word that cannot be split is the unknown token.  Returns the new count.
 */
static size_t
word_pieces(const struct wordpiece *wp, struct wordpiece_scratch *s,
    const char *w, size_t wlen, int skip_unk, int32_t *ids, size_t n,
    size_t max)
{
	const int32_t *piece;
	long np, i;

	if ((np = cached_split(wp, s, w, wlen, &piece)) < 0) {
		if (!skip_unk && wp->unk >= 0 && n < max)
			ids[n++] = wp->unk;
		return n;
	}
	for (i = 0; i < np && n < max; i++)
		ids[n++] = piece[i];
	return n;
}

size_t
wordpiece_encode(const struct wordpiece *wp, struct wordpiece_scratch *s,
    const char *text, size_t len, int skip_unk, int32_t *ids, size_t max)
{
	const char *p;
	size_t i, n = 0, plen, adv, wstart = 0;
	int32_t c;
	int inword = 0;

	p = normalize(wp, s, text, len, &plen);
	for (i = 0; i < plen && n < max; i += adv) {
		if ((unsigned char)p[i] < 0x80) {
			c = p[i];
			adv = 1;
		} else if ((c = utf8_decode(p + i, plen - i, &adv)) < 0)
			c = ' ';
		if (is_space(c) || is_punct(c)) {
			if (inword)
				n = word_pieces(wp, s, p + wstart, i - wstart,
				    skip_unk, ids, n, max);
			inword = 0;
			if (is_punct(c) && n < max)
				n = word_pieces(wp, s, p + i, adv, skip_unk,
				    ids, n, max);
		} else if (!inword) {
			inword = 1;
			wstart = i;
		}
	}
	if (inword && n < max)
		n = word_pieces(wp, s, p + wstart, i - wstart, skip_unk, ids,
		    n, max);
	return n;
}
