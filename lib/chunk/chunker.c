/* chunker.c -- split a text into chunks on natural boundaries */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lib/chunk/chunker.h"
#include "lib/base/diag.h"
#include "lib/text/markdown.h"
#include "lib/text/sentence.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

/* Boundary levels, worst to best. */
enum {
	LV_START,		/* the start of the text (not an end) */
	LV_WORD,
	LV_CLAUSE,
	LV_SENT,
	LV_LINE,
	LV_LINESENT,		/* a line break that also ends a sentence */
	LV_PARA,
	LV_SECT,
	LV_END,			/* the end of the text */
	LV_COUNT
};


/*
 * The token estimate's costs, in 1/EST_DEN of a token (see est_char()).
 */
#define EST_DEN		32
#define EST_W_LS	21
#define EST_W_L		14
#define EST_W_LU	23
#define EST_W_NS	37
#define EST_W_N		15
#define EST_W_PS	3
#define EST_W_P		42
#define EST_W_S		32
#define EST_W_NL	17
#define EST_W_T		32
#define EST_W_US	25
#define EST_W_U		32
#define EST_W_C		96
#define EST_W_Q		17
#define EST_W_S1	0
#define EST_W_LX	15


/*
 * A boundary: the white space between two words, [a, b).  A chunk that
 * ends here ends at a; one that starts here starts at b.  ca and cb are
 * the unit counts from the text's start to a and to b (for tokens with a
 * tokenizer: the pieces starting before a, the pieces ending by b).
 */
struct brk {
	uint32_t	 a;		/* end of the word before */
	uint32_t	 b;		/* start of the word after */
	uint64_t	 ca;		/* units before a */
	uint64_t	 cb;		/* units before b, less what the
					   character at b costs more at the
					   start of a text (token estimate) */
	unsigned char	 lvl;		/* LV_* */
};

struct chunker {
	struct chunk_opts opt;		/* the options */
	size_t		 den;		/* unit counts per unit (EST_DEN for
					   the token estimate, else 1) */
	struct bpe_work	*bw;		/* tokenizer scratch, or NULL; owned */
	struct brk	*br;		/* boundaries; owned */
	size_t		 nbr, capbr;	/* used, allocated */
	struct chunk	*ch;		/* chunks of the last split; owned */
	size_t		 nch, capch;	/* used, allocated */
	struct chunk_span *path;	/* heading paths; owned */
	size_t		 npath, cappath; /* used, allocated */
	struct md_info	 md;		/* Markdown structure; owned */
	const size_t	*pst;		/* token piece starts (bpe_pieces) */
	const uint32_t	*pcnt;		/* token piece counts */
	size_t		 np;		/* pieces */
	size_t		*pcum;		/* tokens before each piece (np + 1);
					   owned */
	size_t		 cappcum;	/* allocated entries of pcum */
	size_t		 pa, pb;	/* piece cursors for ca, cb */
	uint32_t	 suma, sumb;	/* token counts at the cursors */
	const char	*p;		/* the text being split; borrowed */
	size_t		 n;		/* its length */
};

static pthread_once_t est_once = PTHREAD_ONCE_INIT;
static void est_init(void);

struct chunker *
chunker_new(const struct chunk_opts *o)
{
	struct chunker *c;

	c = xcalloc(1, sizeof(*c));
	c->opt = *o;
	pthread_once(&est_once, est_init);
	c->den = o->unit == CHUNK_TOKENS && o->bpe == NULL ? EST_DEN : 1;
	if (o->unit == CHUNK_TOKENS && o->bpe != NULL)
		c->bw = bpe_work_new(o->bpe);
	return c;
}

void
chunker_free(struct chunker *c)
{
	if (c == NULL)
		return;
	bpe_work_free(c->bw);
	free(c->pcum);
	free(c->br);
	free(c->ch);
	free(c->path);
	md_release(&c->md);
	free(c);
}

const struct chunk_span *
chunker_path(const struct chunker *c, const struct chunk *ch)
{
	/* With no heading in the text, c->path is NULL. */
	if (ch->npath == 0)
		return NULL;
	return c->path + ch->path;
}

/*
 * Scripts written without spaces between words: a boundary may fall
 * between any two of their characters.  CJK punctuation is included so
 * that "。" and "、" stand alone.
 */
static int
is_nospace(int32_t c)
{
	return (c >= 0x0e00 && c <= 0x0eff) ||		/* Thai, Lao */
	    (c >= 0x1000 && c <= 0x109f) ||		/* Myanmar */
	    (c >= 0x1780 && c <= 0x17ff) ||		/* Khmer */
	    (c >= 0x2e80 && c <= 0x2fdf) ||		/* CJK radicals */
	    (c >= 0x3000 && c <= 0x30ff) ||		/* punctuation, kana */
	    (c >= 0x31f0 && c <= 0x31ff) ||
	    (c >= 0x3400 && c <= 0x4dbf) ||		/* Han */
	    (c >= 0x4e00 && c <= 0x9fff) ||
	    (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xff00 && c <= 0xffef) ||		/* full-width forms */
	    (c >= 0x20000 && c <= 0x3ffff);
}

/*
 * Is the grapheme cluster p[0..gl) white space?  Only when all its code
 * points are: a space followed by a combining mark (one cluster) is a
 * character of a word, so that the mark is never lost between chunks.
 */
static int
cluster_is_space(const char *p, size_t gl)
{
	size_t i, adv;

	for (i = 0; i < gl; i += adv)
		if (!text_is_space(utf8_decode(p + i, gl - i, &adv)))
			return 0;
	return 1;
}

/*
 * The token estimate without a tokenizer, in 1/EST_DEN of a token: an
 * upper bound of the counts of the r50k, p50k, cl100k and o200k encodings,
 * fitted as a linear program on chunks of /usr/share/doc, man pages,
 * translated man pages and C headers (the costs of the least mean
 * estimate under which no chunk's estimate was below its count in any of
 * the four), raised by 5% and rounded up.  A character costs by its
 * class, plus a premium when it starts a run of its class (the
 * pre-tokenizers cut runs of letters, digits and punctuation apart, and
 * short runs cost the most per byte) or changes case inside a run of
 * ASCII letters (mixed-case strings such as base64 merge badly).  The
 * first space after a word costs nothing: it goes with the next word.
 */
enum {
	EC_NONE,		/* start of the text */
	EC_LOWER,		/* ASCII letter but A-Z */
	EC_UPPER,		/* A-Z */
	EC_DIGIT,		/* ASCII digit */
	EC_PUNCT,		/* other ASCII, not white space */
	EC_SPACE,		/* white space */
	EC_ULETTER,		/* other letter or mark */
	EC_NOSPACE,		/* a script written without spaces */
	EC_OTHER		/* other non-ASCII */
};
#define EST_LETTER_RUN	EST_W_LS	/* a run of ASCII letters */
#define EST_LOWER	EST_W_L		/* an ASCII letter but A-Z */
#define EST_UPPER	EST_W_LU	/* A-Z */
#define EST_CASE	EST_W_LX	/* a letter of the other case than the
					   one before */
#define EST_DIGIT_RUN	EST_W_NS
#define EST_DIGIT	EST_W_N
#define EST_PUNCT_RUN	EST_W_PS
#define EST_PUNCT	EST_W_P
#define EST_SPACE	EST_W_S		/* space and other white space */
#define EST_SPACE1	EST_W_S1	/* a space after other than white space */
#define EST_NEWLINE	EST_W_NL	/* \n, \r */
#define EST_TAB		EST_W_T
#define EST_ULETTER_RUN	EST_W_US
#define EST_UBYTE	EST_W_U		/* per byte of a letter or mark */
#define EST_NOSPACE	EST_W_C		/* per character */
#define EST_OBYTE	EST_W_Q		/* per byte of anything else */

/* Class and cost of each ASCII byte (the run premium aside). */
static unsigned char est_acls[128], est_acost[128];

static void
est_init(void)
{
	int b;

	for (b = 0; b < 128; b++) {
		if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
			est_acls[b] = b <= 'Z' ? EC_UPPER : EC_LOWER;
			est_acost[b] = b <= 'Z' ? EST_UPPER : EST_LOWER;
		} else if (b >= '0' && b <= '9') {
			est_acls[b] = EC_DIGIT;
			est_acost[b] = EST_DIGIT;
		} else if (b == '\n' || b == '\r') {
			est_acls[b] = EC_SPACE;
			est_acost[b] = EST_NEWLINE;
		} else if (b == '\t') {
			est_acls[b] = EC_SPACE;
			est_acost[b] = EST_TAB;
		} else if (b == ' ' || b == '\v' || b == '\f') {
			est_acls[b] = EC_SPACE;
			est_acost[b] = EST_SPACE;
		} else {
			est_acls[b] = EC_PUNCT;
			est_acost[b] = EST_PUNCT;
		}
	}
}

/*
 * The cost of the character at p[0..n) after one of class *prev, which
 * becomes its class; *adv receives its length.
 */
static uint32_t
est_char(const char *p, size_t n, int *prev, size_t *adv)
{
	unsigned char ch = (unsigned char)*p;
	int32_t cp;
	int cls, cat;
	uint32_t k;

	if (ch < 0x80) {
		*adv = 1;
		cls = est_acls[ch];
		k = est_acost[ch];
		/* A space after a word goes with the next word's token. */
		if (ch == ' ' && *prev != EC_SPACE)
			k = EST_SPACE1;
		if (cls == EC_LOWER || cls == EC_UPPER) {
			if (*prev != EC_LOWER && *prev != EC_UPPER)
				k += EST_LETTER_RUN;
			else if (*prev != cls)
				k += EST_CASE;
		} else if (cls != *prev)
			k += cls == EC_DIGIT ? EST_DIGIT_RUN :
			    cls == EC_PUNCT ? EST_PUNCT_RUN : 0;
		*prev = cls;
		return k;
	}
	cp = utf8_decode(p, n, adv);
	if (text_is_space(cp)) {
		cls = EC_SPACE;
		k = cp == 0x85 || cp == 0x2028 || cp == 0x2029 ?
		    EST_NEWLINE : EST_SPACE;
	} else if (is_nospace(cp)) {
		cls = EC_NOSPACE;
		k = EST_NOSPACE;
	} else {
		cat = cp >= 0 ? utf8proc_category(cp) : 0;
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) {
			cls = EC_ULETTER;
			k = (uint32_t)*adv * EST_UBYTE +
			    (*prev != EC_ULETTER ? EST_ULETTER_RUN : 0);
		} else {
			cls = EC_OTHER;
			k = (uint32_t)*adv * EST_OBYTE;
		}
	}
	*prev = cls;
	return k;
}

/* The estimate of p[0..n) as a text of its own. */
static uint64_t
est_text(const char *p, size_t n)
{
	uint64_t k = 0;
	size_t i, adv;
	int prev = EC_NONE;

	for (i = 0; i < n; i += adv)
		k += est_char(p + i, n - i, &prev, &adv);
	return k;
}

/*
 * Set the estimate counts of the boundaries: ca the cost of the text
 * before a, cb that before b less what the character at b costs more as
 * the first of a text (a run premium it has not paid where it stands),
 * so that the estimate of a chunk from boundary i to boundary j is
 * br[j].ca - br[i].cb, the estimate of its text alone.  (cb is clamped at
 * 0, which only a text of white space that costs nothing could reach.)
 */
static void
est_brks(struct chunker *c, size_t from)
{
	const char *p = c->p;
	size_t n = c->n, i = from, k, adv;
	uint64_t sum = 0, cb;
	uint32_t ctx, alone;
	int prev = EC_NONE, none;

	for (k = 0; k < c->nbr; k++) {
		for (; i < c->br[k].a; i += adv)
			sum += est_char(p + i, n - i, &prev, &adv);
		c->br[k].ca = sum;
		for (; i < c->br[k].b; i += adv)
			sum += est_char(p + i, n - i, &prev, &adv);
		cb = sum;
		if (i < n) {
			none = EC_NONE;
			alone = est_char(p + i, n - i, &none, &adv);
			ctx = est_char(p + i, n - i, &prev, &adv);
			sum += ctx;
			i += adv;
			/* A space may cost more where it stands than alone. */
			cb = cb + ctx > alone ? cb + ctx - alone : 0;
		}
		c->br[k].cb = cb;
	}
}

/* Unit counts of a stretch of text in the chunk's scale (den). */
static size_t
raw_units(const struct chunker *c, const char *p, size_t n)
{
	size_t i, k = 0, adv, gl;
	int in_word = 0;
	int32_t cp;

	switch (c->opt.unit) {
	case CHUNK_CHARS:
		return text_cp_count(p, n);
	case CHUNK_GRAPHEMES:
		return text_grapheme_count(p, n);
	case CHUNK_WORDS:
		/* As scan() counts them: cluster by cluster. */
		for (i = 0; i < n; i += gl) {
			cp = utf8_decode(p + i, n - i, &adv);
			gl = text_grapheme(p + i, n - i);
			if (cluster_is_space(p + i, gl))
				in_word = 0;
			else if (!in_word || is_nospace(cp)) {
				k++;
				in_word = !is_nospace(cp);
			}
		}
		return k;
	case CHUNK_TOKENS:
		if (c->bw != NULL)
			return bpe_count(c->bw, p, n);
		return (size_t)est_text(p, n);
	}
	return 0;
}

/* Units (rounded up) from counts. */
static size_t
units(const struct chunker *c, size_t raw)
{
	return (raw + c->den - 1) / c->den;
}

/* The first piece starting at or after x. */
static size_t
piece_at(const struct chunker *c, size_t x)
{
	size_t lo = 0, hi = c->np, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c->pst[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The exact token count of p[x..y), a slice that ends at the end of a word,
 * from the text's own pieces: pre-tokenize the slice's head until its
 * pieces meet the text's, take the text's pieces from there, and
 * pre-tokenize again the last piece when it runs past y.  The patterns
 * look at no text before a match, and a match that ends before y looks at
 * nothing past y (runs of white space, letters, digits or punctuation stop
 * at the word's end), so this is the count of the slice as a text of its
 * own.  Falls back to counting the whole slice when the head does not
 * meet the text's pieces early.
 */
static size_t
slice_tokens(struct chunker *c, size_t x, size_t y)
{
	size_t head, stop, ix, iy, endy, tail = 0, mid;

	if (y - x < 256)
		return bpe_count(c->bw, c->p + x, y - x);
	ix = piece_at(c, x);
	head = bpe_count_head(c->bw, c->p + x, y - x, c->pst + ix, c->np - ix,
	    x, 8, &stop);
	if (stop == 0)
		return bpe_count(c->bw, c->p + x, y - x);
	ix = piece_at(c, x + stop);
	iy = piece_at(c, y) - 1;	/* the last piece starting before y */
	endy = iy + 1 < c->np ? c->pst[iy + 1] : c->n;
	if (endy <= y)
		mid = c->pcum[iy + 1] - c->pcum[ix];
	else {
		if (c->pst[iy] < x + stop)
			return bpe_count(c->bw, c->p + x, y - x);
		mid = c->pcum[iy] - c->pcum[ix];
		tail = bpe_count(c->bw, c->p + c->pst[iy], y - c->pst[iy]);
	}
	return head + mid + tail;
}

/* Exact size of p[x..y) in units. */
static size_t
span_size(struct chunker *c, size_t x, size_t y)
{
	if (c->bw != NULL && c->np > 0)
		return slice_tokens(c, x, y);
	return units(c, raw_units(c, c->p + x, y - x));
}

/* Token counts of the pieces starting before x (monotone in x). */
static uint32_t
tok_before(struct chunker *c, size_t x)
{
	while (c->pa < c->np && c->pst[c->pa] < x)
		c->suma += c->pcnt[c->pa++];
	return c->suma;
}

/* Token counts of the pieces ending at or before x (monotone in x). */
static uint32_t
tok_by(struct chunker *c, size_t x)
{
	size_t end;

	for (;;) {
		if (c->pb >= c->np)
			break;
		end = c->pb + 1 < c->np ? c->pst[c->pb + 1] : c->n;
		if (end > x)
			break;
		c->sumb += c->pcnt[c->pb++];
	}
	return c->sumb;
}

/* Make room for more boundaries. */
static void
grow_brk(struct chunker *c)
{
	c->capbr = c->capbr ? 2 * c->capbr : 256;
	c->br = xreallocarray(c->br, c->capbr, sizeof(*c->br));
}

static inline void
add_brk(struct chunker *c, size_t a, size_t b, uint32_t ca, uint32_t cb,
    int lvl)
{
	struct brk *k;

	if (c->nbr == c->capbr)
		grow_brk(c);
	k = &c->br[c->nbr++];
	k->a = (uint32_t)a;
	k->b = (uint32_t)b;
	if (c->bw != NULL) {
		ca = tok_before(c, a);
		cb = tok_by(c, b);
	}
	k->ca = ca;
	k->cb = cb;
	k->lvl = (unsigned char)lvl;
}

/* ASCII bytes that may end a sentence or a clause. */
static const unsigned char endish[128] = {
	['.'] = 1, ['!'] = 1, ['?'] = 1, ['"'] = 1, ['\''] = 1, [')'] = 1,
	[']'] = 1, ['}'] = 1, ['*'] = 1, ['_'] = 1, [','] = 1, [';'] = 1,
	[':'] = 1
};

/* Does the text at b start with a lowercase letter? */
static int
soft_next(const char *p, size_t n, size_t b)
{
	size_t adv;
	int32_t cp;

	if (b >= n)
		return 0;
	if ((unsigned char)p[b] < 0x80)
		return p[b] >= 'a' && p[b] <= 'z';
	cp = utf8_decode(p + b, n - b, &adv);
	return cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

/* The level of the gap [a, b) holding nl line breaks. */
static int
level(const struct chunker *c, size_t a, size_t b, int nl, int head)
{
	int sent, soft = 0;
	unsigned char ch;

	if (head)
		return LV_SECT;
	if (nl >= 2)
		return LV_PARA;
	ch = a > 0 ? (unsigned char)c->p[a - 1] : 0;
	/*
	 * A line break inside a sentence of wrapped prose (a line of 40
	 * bytes or more ending in a letter or a comma, the next one starting
	 * with a lowercase letter) is only white space.
	 */
	if (nl == 1 && (ch >= 0x80 || (unsigned)((ch | 0x20) - 'a') < 26 ||
	    ch == ',') && a >= 40 && memchr(c->p + a - 40, '\n', 40) == NULL &&
	    soft_next(c->p, c->n, b))
		soft = 1;
	/* Most words end in a letter: no sentence or clause end. */
	if (ch < 0x80 && !endish[ch])
		return nl == 1 && !soft ? LV_LINE : LV_WORD;
	sent = sentence_end(c->p, c->n, a);
	if (nl == 1 && (sent || !soft))
		return sent ? LV_LINESENT : LV_LINE;
	if (sent)
		return LV_SENT;
	return sentence_clause_end(c->p, c->n, a) ? LV_CLAUSE : LV_WORD;
}

/*
 * The end of the run of printable ASCII (0x21 to 0x7e: no white space,
 * control or non-ASCII byte) starting at p[i], at most n.
 */
static size_t
word_end(const char *p, size_t i, size_t n)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL, highs = ones << 7;
	uint64_t v, bad;

	for (; i + 8 <= n; i += 8) {
		memcpy(&v, p + i, 8);
		/*
		 * A byte under 0x21 sets its high bit in (v - 0x21) & ~v,
		 * 0x7f in v + 1; a byte of 0x80 or more has it set already.
		 * Borrows and carries only reach bytes after such a byte,
		 * so the lowest bit set is the first byte outside the run.
		 */
		bad = (((v - ones * 0x21) & ~v) | v | (v + ones)) & highs;
		if (bad != 0)
			return i + ((size_t)__builtin_ctzll(bad) >> 3);
	}
#endif
	while (i < n && (unsigned char)(p[i] - 0x21) < 0x5e)
		i++;
	return i;
}

/* The level of the gap before the word at i, and its boundary. */
static void
word_start(struct chunker *c, size_t a, size_t i, uint32_t cuma,
    uint32_t cum, int nl, int markdown, size_t *hi)
{
	int head = 0;

	if (markdown) {
		while (*hi < c->md.nheads && c->md.heads[*hi].pos < i)
			(*hi)++;
		head = *hi < c->md.nheads && c->md.heads[*hi].pos == i;
	}
	add_brk(c, a, i, cuma, cum, level(c, a, i, nl, head));
}

/* Is the byte c not ASCII?  Is the ASCII byte ch white space? */
#define NONASCII(c)	((unsigned char)(c) >= 0x80)
#define ASCII_SPACE(ch)	((ch) == ' ' || ((ch) >= '\t' && (ch) <= '\r'))

/*
 * Find the boundaries of p[from..n) in one pass over its grapheme
 * clusters, counting units as it goes.  An ASCII byte followed by an
 * ASCII byte (or the end) is a cluster of its own, "\r\n" aside: those
 * take a fast path that does what the general one would.
 */
static void
scan(struct chunker *c, size_t from, int markdown)
{
	const char *p = c->p;
	size_t n = c->n, i = from, gl, a = 0, k, hi = 0, adv;
	uint32_t cum = 0, cuma = 0, one, crlf;
	int in_word = 0, have = 0, prev_ns = 0, nl = 0, sp, ns, isnl;
	unsigned char ch;
	int32_t cp;
	enum chunk_unit u = c->opt.unit;

	/* Units of an ASCII byte, and of "\r\n". */
	one = u == CHUNK_WORDS ? 0 : 1;
	crlf = u == CHUNK_WORDS ? 0 : u == CHUNK_GRAPHEMES ? 1 : 2;
	c->nbr = 0;
	while (i < n) {
		ch = (unsigned char)p[i];
		if (ch < 0x80 && (i + 1 == n || !NONASCII(p[i + 1]))) {
			if (ASCII_SPACE(ch)) {
				/* A run of ASCII white space. */
				if (in_word) {
					a = i;
					cuma = cum;
					in_word = 0;
					nl = 0;
				}
				do {
					if (ch == '\r' && i + 1 < n &&
					    p[i + 1] == '\n') {
						nl++;
						cum += crlf;
						i += 2;
					} else {
						nl += ch == '\n' || ch == '\r';
						cum += one;
						i++;
					}
					if (i >= n)
						break;
					ch = (unsigned char)p[i];
				} while (ASCII_SPACE(ch) &&
				    (i + 1 == n || !NONASCII(p[i + 1])));
				continue;
			}
			if (!in_word) {
				/*
				 * After white space holding no line break and
				 * a word ending in an ASCII byte that ends no
				 * sentence or clause: a word boundary, as
				 * level() would say.
				 */
				if (have && !markdown && nl == 0 &&
				    (unsigned char)p[a - 1] < 0x80 &&
				    !endish[(unsigned char)p[a - 1]])
					add_brk(c, a, i, cuma, cum, LV_WORD);
				else if (have)
					word_start(c, a, i, cuma, cum, nl,
					    markdown, &hi);
				else {
					add_brk(c, i, i, cum, cum, LV_START);
					have = 1;
				}
				in_word = 1;
				if (u == CHUNK_WORDS)
					cum++;
			} else if (prev_ns && (ch < 0x21 || ch == 0x7f)) {
				/*
				 * After a character of a script written
				 * without spaces, only a control character
				 * starts a word here: printable ASCII
				 * continues it.
				 */
				add_brk(c, i, i, cum, cum,
				    level(c, i, i, 0, 0));
				if (u == CHUNK_WORDS)
					cum++;
			}
			prev_ns = 0;
			cum += one;
			i++;
			for (;;) {
				/*
				 * The rest of the word's ASCII, up to the byte
				 * before any non-ASCII one (which could be a
				 * mark joining that byte's cluster).
				 */
				k = word_end(p, i, n);
				if (k > i && k < n && NONASCII(p[k]))
					k--;
				cum += (uint32_t)(k - i) * one;
				i = k;
				/*
				 * One space, then a word of ASCII (its first
				 * byte followed by ASCII): what the loop would
				 * do for the two, without going round it.
				 */
				if (i + 2 >= n || p[i] != ' ' ||
				    (unsigned char)(p[i + 1] - 0x21) >= 0x5e ||
				    NONASCII(p[i + 2]))
					break;
				a = i;
				cuma = cum;
				nl = 0;
				cum += one;
				i++;
				if (!markdown && !NONASCII(p[a - 1]) &&
				    !endish[(unsigned char)p[a - 1]])
					add_brk(c, a, i, cuma, cum, LV_WORD);
				else
					word_start(c, a, i, cuma, cum, 0,
					    markdown, &hi);
				if (u == CHUNK_WORDS)
					cum++;
				cum += one;
				i++;
			}
			continue;
		}
		cp = utf8_decode(p + i, n - i, &adv);
		gl = text_grapheme(p + i, n - i);
		sp = text_is_space(cp) && (gl == adv ||
		    cluster_is_space(p + i, gl));
		ns = is_nospace(cp);
		isnl = cp == '\n' || cp == '\r' || cp == 0x85 ||
		    cp == 0x2028 || cp == 0x2029;
		if (sp) {
			if (in_word) {
				a = i;
				cuma = cum;
				in_word = 0;
				nl = 0;
			}
			nl += isnl;
		} else if (!in_word) {
			if (have)
				word_start(c, a, i, cuma, cum, nl, markdown,
				    &hi);
			else {
				add_brk(c, i, i, cum, cum, LV_START);
				have = 1;
			}
			in_word = 1;
			if (u == CHUNK_WORDS)
				cum++;
		} else if (ns || prev_ns) {
			add_brk(c, i, i, cum, cum, level(c, i, i, 0, 0));
			if (u == CHUNK_WORDS)
				cum++;
		}
		if (!sp)
			prev_ns = ns;
		/* Count the cluster's units. */
		switch (u) {
		case CHUNK_CHARS:
			for (k = 0; k < gl; k++)
				cum += ((unsigned char)p[i + k] & 0xc0) !=
				    0x80;
			break;
		case CHUNK_GRAPHEMES:
			cum++;
			break;
		case CHUNK_TOKENS:
			for (k = 0; k < gl; k++) {
				ch = (unsigned char)p[i + k];
				cum += ch < 0x80 ? 1 :
				    (ch & 0xc0) != 0x80 ? 4 : 0;
			}
			break;
		case CHUNK_WORDS:
			break;
		}
		i += gl;
	}
	if (!have)
		return;
	if (in_word) {
		a = n;
		cuma = cum;
	}
	add_brk(c, a, n, cuma, cum, LV_END);
}

/*
 * Keep Markdown code blocks and tables whole: drop the boundaries inside
 * a block that fits in the size, and make the ones around it paragraph
 * boundaries at least.
 */
static void
protect(struct chunker *c)
{
	const struct md_block *bl;
	size_t i, j, k, w, bs, be, first, last;

	w = 0;
	j = 0;
	for (i = 0; i < c->nbr; i++) {
		/* Blocks that end before this boundary are done. */
		while (j < c->md.nblocks && c->md.blocks[j].end <= c->br[i].a)
			j++;
		c->br[w++] = c->br[i];
		if (j >= c->md.nblocks)
			continue;
		bl = &c->md.blocks[j];
		bs = bl->start;
		be = bl->end;
		while (be > bs && text_is_space((unsigned char)c->p[be - 1]))
			be--;
		if (c->br[i].b != bs)
			continue;
		/* Boundary i starts the block: find the one ending it. */
		for (k = i + 1; k < c->nbr && c->br[k].a < be; k++)
			;
		if (k >= c->nbr)
			k = c->nbr - 1;
		first = i;
		last = k;
		if (c->br[last].ca > c->br[first].cb &&
		    units(c, (size_t)(c->br[last].ca - c->br[first].cb)) >
		    c->opt.size) {
			j++;
			continue;
		}
		if (c->br[w - 1].lvl < LV_PARA)
			c->br[w - 1].lvl = LV_PARA;
		/* Skip the inner boundaries. */
		i = last;
		c->br[w] = c->br[last];
		if (c->br[w].lvl < LV_PARA)
			c->br[w].lvl = LV_PARA;
		w++;
		j++;
	}
	c->nbr = w;
}

static struct chunk *
add_chunk(struct chunker *c, size_t start, size_t end, size_t size,
    int forced)
{
	struct chunk *k;

	if (c->nch == c->capch) {
		c->capch = c->capch ? 2 * c->capch : 64;
		c->ch = xreallocarray(c->ch, c->capch, sizeof(*c->ch));
	}
	k = &c->ch[c->nch++];
	k->start = start;
	k->end = end;
	k->size = size;
	k->forced = forced;
	k->path = 0;
	k->npath = 0;
	return k;
}

/*
 * Does the chunk from boundary i to boundary j measure at most lim units
 * by the estimate?  (Units round up: raw counts up to lim * den fit.)
 */
static int
est_fits(const struct chunker *c, size_t i, size_t j, size_t lim)
{
	return c->br[j].ca <= c->br[i].cb ||
	    c->br[j].ca - c->br[i].cb <= lim * c->den;
}

/* Estimated size of the chunk from boundary i to boundary j. */
static size_t
est(const struct chunker *c, size_t i, size_t j)
{
	if (c->br[j].ca <= c->br[i].cb)
		return 0;
	return units(c, (size_t)(c->br[j].ca - c->br[i].cb));
}

/*
 * The end boundary for a chunk starting at boundary si: a candidate in
 * [lo, hi) as the header describes, or -1 when none fits.  Exact sizes
 * are checked with the tokenizer; *size receives the chosen size.
 */
static long
choose(struct chunker *c, size_t si, size_t lo, size_t *size)
{
	long best[LV_COUNT], pick;
	size_t j, hi = c->nbr, sz;
	int l;

	for (;;) {
		for (l = 0; l < LV_COUNT; l++)
			best[l] = -1;
		for (j = lo; j < hi; j++) {
			if (!est_fits(c, si, j, c->opt.size))
				break;
			best[c->br[j].lvl] = (long)j;
		}
		/* best[l] becomes the furthest candidate of level >= l. */
		for (l = LV_COUNT - 2; l >= 0; l--)
			if (best[l + 1] > best[l])
				best[l] = best[l + 1];
		if (best[0] < 0)
			return -1;
		pick = best[0];
		for (l = LV_COUNT - 1; l > LV_START; l--)
			if (best[l] >= 0 && est(c, si, (size_t)best[l]) >=
			    c->opt.min_size) {
				pick = best[l];
				break;
			}
		if (c->bw == NULL) {
			*size = est(c, si, (size_t)pick);
			return pick;
		}
		sz = span_size(c, c->br[si].b, c->br[pick].a);
		if (sz <= c->opt.size) {
			*size = sz;
			return pick;
		}
		hi = (size_t)pick;	/* too big after all: look before */
		if (hi <= lo)
			return -1;
	}
}

/*
 * force(), below, with a tokenizer: encode a window of the word once and
 * cut after `size` of its tokens, at the grapheme boundary at or before
 * that byte; the slice, counted on its own, may need a few graphemes less.
 * The window grows until it holds `size` tokens or reaches the word's
 * end.  This costs a few encodings per chunk where a binary search over
 * the graphemes would cost a dozen.
 */
static void
force_tokens(struct chunker *c, size_t x, size_t y)
{
	const uint32_t *ids;
	size_t pos = x, win, wend, k, t, off, cut, sz, g, m, cap = 0;
	size_t *gb = NULL;

	while (pos < y) {
		win = 8 * c->opt.size + 16;
		for (;;) {
			wend = y - pos > win ? pos + win : y;
			while (wend > pos && wend < y &&
			    ((unsigned char)c->p[wend] & 0xc0) == 0x80)
				wend--;
			k = bpe_encode(c->bw, c->p + pos, wend - pos, &ids);
			if (k > c->opt.size || wend == y)
				break;
			win *= 2;
		}
		off = 0;
		for (t = 0; t < k && t < c->opt.size; t++)
			off += bpe_token_len(c->opt.bpe, ids[t]);
		/* The grapheme boundaries up to pos + off. */
		m = 0;
		for (g = pos; g < y; ) {
			g += text_grapheme(c->p + g, y - g);
			if (g > pos + off && m > 0)
				break;
			if (m == cap) {
				cap = cap ? 2 * cap : 256;
				gb = xreallocarray(gb, cap, sizeof(*gb));
			}
			gb[m++] = g;
			if (g > pos + off)
				break;
		}
		/* The last boundary whose slice fits; one grapheme at least. */
		for (;;) {
			cut = gb[m - 1];
			sz = span_size(c, pos, cut);
			if (sz <= c->opt.size || m == 1)
				break;
			m--;
		}
		add_chunk(c, pos, cut, sz, 1);
		pos = cut;
	}
	free(gb);
}

/*
 * Cut p[x..y), a word too long for the size, at grapheme boundaries into
 * forced chunks as full as they can be.
 */
static void
force(struct chunker *c, size_t x, size_t y)
{
	size_t pos = x, g, cut, sz, lo, hi, mid, m, cap = 0, *gb = NULL;
	size_t most;

	if (c->bw != NULL) {
		force_tokens(c, x, y);
		return;
	}
	/* A grapheme is at least one unit (1/EST_DEN of one for the token
	 * estimate). */
	most = c->opt.size + 1;
	if (c->opt.unit == CHUNK_TOKENS)
		most = EST_DEN * c->opt.size + 1;

	while (pos < y) {
		/* Grapheme boundaries after pos, up to a bound on the
		 * bytes a chunk of `size` units can hold. */
		m = 0;
		for (g = pos; g < y && m < most; ) {
			g += text_grapheme(c->p + g, y - g);
			if (m == cap) {
				cap = cap ? 2 * cap : 256;
				gb = xreallocarray(gb, cap, sizeof(*gb));
			}
			gb[m++] = g;
		}
		/* The most graphemes whose size fits: binary search. */
		lo = 0;
		hi = m;
		while (lo < hi) {
			mid = (lo + hi + 1) / 2;
			if (span_size(c, pos, gb[mid - 1]) <= c->opt.size)
				lo = mid;
			else
				hi = mid - 1;
		}
		cut = lo > 0 ? gb[lo - 1] : gb[0];
		sz = span_size(c, pos, cut);
		add_chunk(c, pos, cut, sz, 1);
		pos = cut;
	}
	free(gb);
}

/* The start of the chunk after one from si to ej, with overlap. */
static size_t
overlap_start(struct chunker *c, size_t si, size_t ej)
{
	size_t k;

	if (c->opt.overlap == 0)
		return ej;
	if (c->bw == NULL) {
		/*
		 * The estimate is the exact size and shrinks as k grows:
		 * walk back from the end while the tail still fits.
		 */
		for (k = ej; k > si + 1 && est_fits(c, k - 1, ej,
		    c->opt.overlap); k--)
			;
		return k;
	}
	for (k = si + 1; k < ej; k++) {
		if (est(c, k, ej) > c->opt.overlap)
			continue;
		if (c->bw == NULL || span_size(c, c->br[k].b, c->br[ej].a) <=
		    c->opt.overlap)
			return k;
	}
	return ej;
}

/* Give every chunk the heading path in force at its start. */
static void
paths(struct chunker *c)
{
	size_t stack[6], i, h = 0;
	int l, depth = 0;
	const struct md_heading *hd;

	for (i = 0; i < c->nch; i++) {
		while (h < c->md.nheads && c->md.heads[h].pos <=
		    c->ch[i].start) {
			hd = &c->md.heads[h];
			/* Deeper headings end here; shallower stay. */
			for (l = 0; l < depth; l++)
				if (c->md.heads[stack[l]].level >= hd->level)
					break;
			depth = l;
			stack[depth++] = h;
			h++;
		}
		c->ch[i].path = c->npath;
		c->ch[i].npath = (size_t)depth;
		for (l = 0; l < depth; l++) {
			if (c->npath == c->cappath) {
				c->cappath = c->cappath ? 2 * c->cappath : 64;
				c->path = xreallocarray(c->path, c->cappath,
				    sizeof(*c->path));
			}
			c->path[c->npath].off = c->md.heads[stack[l]].text;
			c->path[c->npath].len = c->md.heads[stack[l]].len;
			c->npath++;
		}
	}
}

size_t
chunker_split(struct chunker *c, const char *p, size_t n, int markdown,
    const struct chunk **out)
{
	size_t si, ej, prev, from = 0, sz, i;
	long j;

	c->p = p;
	c->n = n;
	c->nch = 0;
	c->npath = 0;
	*out = c->ch;
	/* Offsets and unit counts are kept in 32 bits. */
	if (n > CHUNKER_MAX_TEXT)
		diag_fail(ETV_SYS, "text of %zu bytes is too long to chunk", n);
	if (markdown) {
		md_scan(&c->md, p, n);
		from = c->md.body;
	}
	if (c->bw != NULL) {
		c->np = bpe_pieces(c->bw, p, n, &c->pst, &c->pcnt);
		c->pa = c->pb = 0;
		c->suma = c->sumb = 0;
		if (c->np + 1 > c->cappcum) {
			c->cappcum = c->np + 1;
			c->pcum = xreallocarray(c->pcum, c->cappcum,
			    sizeof(*c->pcum));
		}
		c->pcum[0] = 0;
		for (i = 0; i < c->np; i++)
			c->pcum[i + 1] = c->pcum[i] + c->pcnt[i];
	}
	scan(c, from, markdown);
	if (c->nbr < 2)
		return 0;
	if (c->opt.unit == CHUNK_TOKENS && c->bw == NULL)
		est_brks(c, from);
	if (markdown && c->md.nblocks > 0)
		protect(c);
	si = prev = 0;
	while (prev < c->nbr - 1) {
		j = choose(c, si, prev + 1, &sz);
		if (j < 0) {
			if (si < prev) {
				si++;	/* less overlap leaves more room */
				continue;
			}
			force(c, c->br[si].b, c->br[si + 1].a);
			prev = si = si + 1;
			continue;
		}
		ej = (size_t)j;
		add_chunk(c, c->br[si].b, c->br[ej].a, sz, 0);
		si = overlap_start(c, si, ej);
		prev = ej;
	}
	if (markdown)
		paths(c);
	*out = c->ch;
	return c->nch;
}
