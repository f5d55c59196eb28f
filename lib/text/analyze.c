/* analyze.c -- text analysis for a lexical index: words, CJK bigrams, stems */
/* SPDX-License-Identifier: MIT */

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "lib/base/buf.h"
#include "lib/base/strmap.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/text/analyze.h"
#include "lib/text/stopword.h"
#include "lib/text/text.h"

/* The character classes the word cutter knows. */
enum {
	AN_SEP,			/* separates terms */
	AN_LET,			/* letter, or a number other than a digit */
	AN_MARK,		/* combining mark */
	AN_DIG,			/* decimal digit (Nd) */
	AN_CJK,			/* Han, kana or Hangul: bigrams */
	AN_APOS,		/* ' or U+2019: joins word characters */
	AN_UNDER,		/* '_': joins word characters */
	AN_POINT		/* '.' or ',': joins digits */
};

enum { AN_MODE_NONE, AN_MODE_STANDARD };

struct an_analyzer {
	int		 mode;		/* AN_MODE_* */
	char		*spec;		/* the canonical spec; owned */
	struct sb_stemmer *stem;	/* the language's stemmer, or NULL */
	struct strmap	*stop;		/* its folded stop words, or NULL */
	int32_t		*ubuf;		/* code points while normalising */
	size_t		 ucap;		/* entries of ubuf allocated */
	struct strmap	*memo;		/* words seen lately (a language) */
	struct an_stem	*stems;		/* what became of memo's word i */
	size_t		 nstems;	/* entries of stems allocated */
	struct buf	 sbuf;		/* the bytes of the stems */
};

/*
 * Stemming costs far more than the rest, and the words of a text are few
 * and repeat (Zipf), so the fate of each word seen is remembered: AN_MEMO
 * words at most, then the memory starts afresh.
 */
#define AN_MEMO	(1 << 16)

struct an_stem {
	size_t		 off;		/* its stem at sbuf.data + off */
	int		 len;		/* the stem's length; -1: dropped */
};

/* ISO 639-1 codes of the Snowball languages. */
static const struct {
	const char	*code;		/* two letters */
	const char	*name;		/* the Snowball name */
} an_iso[] = {
	{ "ar", "arabic" }, { "ca", "catalan" }, { "da", "danish" },
	{ "de", "german" }, { "el", "greek" }, { "en", "english" },
	{ "eo", "esperanto" }, { "es", "spanish" }, { "et", "estonian" },
	{ "eu", "basque" }, { "fi", "finnish" }, { "fr", "french" },
	{ "ga", "irish" }, { "hi", "hindi" }, { "hu", "hungarian" },
	{ "hy", "armenian" }, { "id", "indonesian" }, { "it", "italian" },
	{ "lt", "lithuanian" }, { "nb", "norwegian" }, { "ne", "nepali" },
	{ "nl", "dutch" }, { "no", "norwegian" }, { "pl", "polish" },
	{ "pt", "portuguese" }, { "ro", "romanian" }, { "ru", "russian" },
	{ "sr", "serbian" }, { "sv", "swedish" }, { "ta", "tamil" },
	{ "tr", "turkish" }, { "yi", "yiddish" }
};

static pthread_once_t an_langs_once = PTHREAD_ONCE_INIT;
static char an_langs[1024];

static void
an_langs_make(void)
{
	const char **l;
	size_t n = 0, k;

	for (l = sb_stemmer_list(); *l != NULL; l++) {
		k = strlen(*l);
		if (n + k + 3 >= sizeof(an_langs))
			break;
		if (n > 0) {
			memcpy(an_langs + n, ", ", 2);
			n += 2;
		}
		memcpy(an_langs + n, *l, k);
		n += k;
	}
	an_langs[n] = '\0';
}

const char *
an_languages(void)
{
	pthread_once(&an_langs_once, an_langs_make);
	return an_langs;
}

/* The Snowball name of lang (a name in any case or an ISO code), or NULL. */
static const char *
an_language(const char *lang)
{
	char low[32];
	const char **l;
	size_t i, n = strlen(lang);

	if (n == 0 || n >= sizeof(low))
		return NULL;
	for (i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)lang[i]);
	if (n == 2)
		for (i = 0; i < sizeof(an_iso) / sizeof(an_iso[0]); i++)
			if (strcmp(an_iso[i].code, low) == 0) {
				lang = an_iso[i].name;
				goto known;
			}
	lang = low;
known:
	for (l = sb_stemmer_list(); *l != NULL; l++)
		if (strcmp(*l, lang) == 0)
			return *l;
	return NULL;
}

/* Fold the words of a stop list as the text is folded, into a map. */
static struct strmap *
an_stoplist(const char *words)
{
	struct strmap *m = strmap_new();
	const char *p, *e;
	char *f;
	size_t n;

	for (p = words; *p != '\0'; p = e + 1) {
		e = strchr(p, ' ');
		f = text_normalize(p, (size_t)(e - p), TEXT_NFKC |
		    TEXT_CASEFOLD, &n);
		if (f != NULL) {
			/* U+2019 would not be in a list; keep it simple. */
			strmap_intern(m, f, n, NULL);
			free(f);
		}
	}
	return m;
}

struct an_analyzer *
an_new(const char *spec, struct buf *err)
{
	struct an_analyzer *an;
	const char *lang = NULL, *words;

	if (strcmp(spec, "none") != 0 && strcmp(spec, "standard") != 0) {
		if (strncmp(spec, "standard:", 9) != 0) {
			buf_fail(err, "unknown analyzer '%s' (none, standard, "
			    "standard:LANG)", spec);
			return NULL;
		}
		if ((lang = an_language(spec + 9)) == NULL) {
			buf_fail(err, "unknown language '%s' (languages: %s)",
			    spec + 9, an_languages());
			return NULL;
		}
	}
	an = xcalloc(1, sizeof(*an));
	an->mode = strcmp(spec, "none") == 0 ? AN_MODE_NONE :
	    AN_MODE_STANDARD;
	if (lang == NULL) {
		an->spec = xstrdup(spec);
		return an;
	}
	an->spec = xmalloc(9 + strlen(lang) + 1);
	memcpy(an->spec, "standard:", 9);
	strcpy(an->spec + 9, lang);
	if ((an->stem = sb_stemmer_new(lang, "UTF_8")) == NULL) {
		/* Only when memory runs out: the name is in the list. */
		an_free(an);
		xmem_oom();
		return NULL;
	}
	if ((words = stopword_list(lang)) != NULL)
		an->stop = an_stoplist(words);
	an->memo = strmap_new();
	buf_init(&an->sbuf);
	return an;
}

void
an_free(struct an_analyzer *an)
{
	if (an == NULL)
		return;
	if (an->stem != NULL)
		sb_stemmer_delete(an->stem);
	strmap_free(an->stop);
	strmap_free(an->memo);
	free(an->stems);
	buf_release(&an->sbuf);
	free(an->ubuf);
	free(an->spec);
	free(an);
}

const char *
an_spec(const struct an_analyzer *an)
{
	return an->spec;
}

void
an_tokens_release(struct an_tokens *t)
{
	if (t == NULL)
		return;
	free(t->buf);
	free(t->off);
	memset(t, 0, sizeof(*t));
}

/* Make room for n more bytes of terms. */
static inline void
an_room(struct an_tokens *t, size_t n)
{
	size_t cap;

	if (t->cap - t->len >= n)
		return;
	cap = t->cap < 256 ? 256 : t->cap;
	while (cap - t->len < n)
		cap *= 2;
	t->buf = xrealloc(t->buf, cap);
	t->cap = cap;
}

/* Start a term at the end of t's bytes. */
static inline void
an_open(struct an_tokens *t)
{
	if (t->n == t->ncap) {
		t->ncap = t->ncap < 64 ? 64 : t->ncap * 2;
		t->off = xreallocarray(t->off, t->ncap, sizeof(*t->off));
	}
	t->off[t->n] = t->len;
}

/* Add p[0..n) as a term, as it is. */
static void
an_add(struct an_tokens *t, const char *p, size_t n)
{
	if (n > AN_MAXTERM)
		return;
	an_room(t, n + 1);
	an_open(t);
	memcpy(t->buf + t->len, p, n);
	t->buf[t->len + n] = '\0';
	t->len += n + 1;
	t->n++;
}

/*
 * What becomes of the folded word w[0..k) with a language: its stem, or
 * a length of -1 for a stop word or a stem too long.  Borrowed until the
 * next call.
 */
static const struct an_stem *
an_stemmed(struct an_analyzer *an, const char *w, size_t k)
{
	const sb_symbol *s;
	struct an_stem *st;
	uint32_t id;
	int isnew, sl;

	if (strmap_count(an->memo) >= AN_MEMO) {
		strmap_free(an->memo);
		an->memo = strmap_new();
		buf_reset(&an->sbuf);
	}
	id = strmap_intern(an->memo, w, k, &isnew);
	if (id >= an->nstems) {
		an->nstems = an->nstems < 1024 ? 1024 : 2 * an->nstems;
		an->stems = xreallocarray(an->stems, an->nstems,
		    sizeof(*an->stems));
	}
	st = &an->stems[id];
	if (!isnew)
		return st;
	st->off = an->sbuf.len;
	st->len = -1;
	if (an->stop != NULL && strmap_find(an->stop, w, k) >= 0)
		return st;
	s = sb_stemmer_stem(an->stem, (const sb_symbol *)w, (int)k);
	if (s == NULL)
		xmem_oom();
	sl = sb_stemmer_length(an->stem);
	if (sl > 0 && sl <= AN_MAXTERM) {
		buf_add(&an->sbuf, s, (size_t)sl);
		st->len = sl;
	}
	return st;
}

/*
 * Add the word p[0..n): lowercase its ASCII (the rest is folded
 * already), spell U+2019 as ', drop it when it is too long or a stop
 * word, stem it.
 */
static void
an_word(struct an_analyzer *an, struct an_tokens *t, const char *p,
    size_t n)
{
	const struct an_stem *st;
	unsigned char c;
	char *w;
	size_t i, k;

	if (n > 3 * AN_MAXTERM)
		return;
	an_room(t, n + 1);
	w = t->buf + t->len;
	for (i = k = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		else if (c == 0xe2 && i + 2 < n && (unsigned char)p[i + 1] ==
		    0x80 && (unsigned char)p[i + 2] == 0x99) {
			c = '\'';
			i += 2;
		}
		w[k++] = (char)c;
	}
	if (k > AN_MAXTERM)
		return;
	if (an->stem != NULL) {
		st = an_stemmed(an, w, k);
		if (st->len < 0)
			return;
		k = (size_t)st->len;
		an_room(t, k + 1);
		w = t->buf + t->len;
		memcpy(w, an->sbuf.data + st->off, k);
	}
	an_open(t);
	w[k] = '\0';
	t->len += k + 1;
	t->n++;
}

/* Is c in the Han, Hiragana, Katakana or Hangul blocks? */
static inline int
an_cjk_block(int32_t c)
{
	if (c < 0x1100)
		return 0;
	if (c < 0x3000)
		return c <= 0x11ff || (c >= 0x2e80 && c <= 0x2fdf);
	if (c < 0xa000)
		return (c >= 0x3005 && c <= 0x3007) ||
		    (c >= 0x3021 && c <= 0x3029) ||
		    (c >= 0x3031 && c <= 0x3035) ||
		    (c >= 0x3038 && c <= 0x303c) ||
		    (c >= 0x3041 && c <= 0x30ff && c != 0x30a0 &&
		    c != 0x30fb) ||
		    (c >= 0x3131 && c <= 0x318e) ||
		    (c >= 0x31f0 && c <= 0x31ff) ||
		    (c >= 0x3400 && c <= 0x4dbf) || c >= 0x4e00;
	if (c < 0x10000)
		return (c >= 0xa960 && c <= 0xa97f) ||
		    (c >= 0xac00 && c <= 0xd7ff) ||
		    (c >= 0xf900 && c <= 0xfaff) ||
		    (c >= 0xff66 && c <= 0xffdc);
	return (c >= 0x1b000 && c <= 0x1b16f) ||
	    (c >= 0x20000 && c <= 0x3134f);
}

/* The class of a code point beyond ASCII. */
static int
an_class_u(int32_t c)
{
	int cat;

	if (c == 0x2019)
		return AN_APOS;
	cat = utf8proc_category(c);
	if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_NO)
		return AN_SEP;
	if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)
		return AN_MARK;
	if (an_cjk_block(c))
		return AN_CJK;
	return cat == UTF8PROC_CATEGORY_ND ? AN_DIG : AN_LET;
}

/* The class of the character at p[0..n) (n > 0) and its length. */
static inline int
an_class(const char *p, size_t n, size_t *adv)
{
	unsigned char c = (unsigned char)*p;
	int32_t u;

	if (c < 0x80) {
		*adv = 1;
		if ((unsigned)((c | 0x20) - 'a') < 26)
			return AN_LET;
		if ((unsigned)(c - '0') < 10)
			return AN_DIG;
		switch (c) {
		case '\'':
			return AN_APOS;
		case '_':
			return AN_UNDER;
		case '.':
		case ',':
			return AN_POINT;
		default:
			return AN_SEP;
		}
	}
	if ((u = utf8_decode(p, n, adv)) < 0)
		return AN_SEP;
	return an_class_u(u);
}

#define AN_WORDISH(k)	((k) == AN_LET || (k) == AN_MARK || (k) == AN_DIG)

/*
 * Cut p[0..n), valid UTF-8 in folded form (or ASCII, lowercased as
 * words are added), into terms.
 */
static void
an_cut(struct an_analyzer *an, const char *p, size_t n,
    struct an_tokens *t)
{
	size_t i = 0, j, adv, adv2, s1, s2;
	int k, k2, last, chars;

	while (i < n) {
		k = an_class(p + i, n - i, &adv);
		if (AN_WORDISH(k)) {
			last = k;
			j = i + adv;
			while (j < n) {
				k = an_class(p + j, n - j, &adv);
				if (AN_WORDISH(k)) {
					last = k;
					j += adv;
					continue;
				}
				if (k != AN_APOS && k != AN_UNDER &&
				    k != AN_POINT)
					break;
				if (j + adv >= n)
					break;
				k2 = an_class(p + j + adv, n - j - adv, &adv2);
				if (k == AN_POINT ? last != AN_DIG ||
				    k2 != AN_DIG : !AN_WORDISH(k2))
					break;
				last = k2;
				j += adv + adv2;
			}
			an_word(an, t, p + i, j - i);
			i = j;
		} else if (k == AN_CJK) {
			/*
			 * s1, s2: where the last two characters start.  A
			 * bigram ends where the next character starts, after
			 * the marks of its second one.
			 */
			s1 = s2 = i;
			chars = 0;
			j = i;
			while (j < n) {
				k = an_class(p + j, n - j, &adv);
				if (k == AN_MARK && chars > 0) {
					j += adv;
					continue;
				}
				if (k != AN_CJK)
					break;
				if (chars >= 2)
					an_add(t, p + s1, j - s1);
				s1 = s2;
				s2 = j;
				chars++;
				j += adv;
			}
			an_add(t, p + s1, j - s1);
			i = j;
		} else
			i += adv;
	}
}

/*
 * Put p[0..n), valid UTF-8, in NFKC with case folding, in an->ubuf;
 * return its bytes, or NULL when utf8proc fails.  (text_normalize does
 * the same with a new string each time; the buffer here is reused.)
 */
static const char *
an_fold(struct an_analyzer *an, const char *p, size_t n, size_t *lenp)
{
	const utf8proc_option_t o = UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	    UTF8PROC_COMPAT | UTF8PROC_CASEFOLD;
	utf8proc_ssize_t r;

	for (;;) {
		r = utf8proc_decompose_custom((const utf8proc_uint8_t *)p,
		    (utf8proc_ssize_t)n, an->ubuf, (utf8proc_ssize_t)an->ucap,
		    o, NULL, NULL);
		if (r < 0)
			return NULL;
		if ((size_t)r < an->ucap)
			break;
		/* One more for the NUL utf8proc_reencode writes. */
		an->ucap = (size_t)r + 1 > 2 * an->ucap ? (size_t)r + 1 :
		    2 * an->ucap;
		an->ubuf = xreallocarray(an->ubuf, an->ucap,
		    sizeof(*an->ubuf));
	}
	if ((r = utf8proc_reencode(an->ubuf, r, o)) < 0)
		return NULL;
	*lenp = (size_t)r;
	return (const char *)an->ubuf;
}

/* The terms of "none": runs between white space and bad bytes. */
static void
an_none(const char *p, size_t n, struct an_tokens *t)
{
	size_t i = 0, j, adv;
	int32_t c;

	while (i < n) {
		for (j = i; j < n; j += adv) {
			if ((unsigned char)p[j] < 0x80) {
				adv = 1;
				c = (unsigned char)p[j];
			} else
				c = utf8_decode(p + j, n - j, &adv);
			/* text_is_space leaves out U+00A0, White_Space too. */
			if (c < 0 || c == 0xa0 || text_is_space(c))
				break;
		}
		if (j > i)
			an_add(t, p + i, j - i);
		i = j + (j < n ? adv : 0);
	}
}

void
an_analyze(struct an_analyzer *an, const char *text, size_t len,
    struct an_tokens *out)
{
	const char *f;
	size_t i = 0, j, adv, flen;
	int ascii;
	unsigned char c;

	out->len = 0;
	out->n = 0;
	if (an->mode == AN_MODE_NONE) {
		an_none(text, len, out);
		return;
	}
	/*
	 * Pieces: runs of valid UTF-8 between ASCII white space and bad
	 * bytes.  No term crosses their edges, and folding goes no
	 * further than a piece, so a piece of ASCII is cut as it is and
	 * only one with more is folded first.
	 */
	while (i < len) {
		ascii = 1;
		for (j = i; j < len; j += adv) {
			c = (unsigned char)text[j];
			if (c < 0x80) {
				adv = 1;
				if (c == ' ' || (c >= '\t' && c <= '\r'))
					break;
			} else if (utf8_decode(text + j, len - j, &adv) < 0)
				break;
			else
				ascii = 0;
		}
		if (j > i) {
			if (ascii)
				an_cut(an, text + i, j - i, out);
			else if ((f = an_fold(an, text + i, j - i, &flen)) !=
			    NULL)
				an_cut(an, f, flen, out);
		}
		i = j + (j < len ? adv : 0);
	}
}
