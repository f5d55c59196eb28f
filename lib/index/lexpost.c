/* lexpost.c -- the inverted index of a segment and top-k BM25 over segments */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/index/lexpost.h"

#define LP_BLK		128		/* postings a block */
#define LP_END		UINT32_MAX	/* the row of a finished cursor */
#define LP_HDR		64		/* bytes of the header */
#define LP_TERM		24		/* bytes of a term entry */
#define LP_SKIP		16		/* bytes of a skip entry */
#define LP_PAD		8		/* zero bytes after the data */
#define LP_NTAB		2048		/* doclens whose norm is kept */

static const char lp_magic[8] = "ETVLEXP1";

/* Little-endian loads and stores at any alignment. */
static inline uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t
rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static void
add32(struct buf *b, uint32_t v)
{
	uint8_t p[4] = { v, v >> 8, v >> 16, v >> 24 };

	buf_add(b, p, 4);
}

static void
add64(struct buf *b, uint64_t v)
{
	add32(b, (uint32_t)v);
	add32(b, (uint32_t)(v >> 32));
}

/* The bits needed to write v. */
static unsigned
bitwidth(uint32_t v)
{
	return v ? 32 - __builtin_clz(v) : 0;
}

/* The bytes of n values of bw bits. */
static inline size_t
packed(uint32_t n, unsigned bw)
{
	return ((size_t)n * bw + 7) >> 3;
}

/* Append v[0..n) in bw bits each, from the low bits of the first byte. */
static void
pack(struct buf *b, const uint32_t *v, uint32_t n, unsigned bw)
{
	uint64_t acc = 0;
	unsigned nb = 0;
	uint32_t i;

	if (bw == 0)
		return;
	for (i = 0; i < n; i++) {
		acc |= (uint64_t)v[i] << nb;
		nb += bw;
		while (nb >= 8) {
			buf_addc(b, (int)(acc & 0xff));
			acc >>= 8;
			nb -= 8;
		}
	}
	if (nb > 0)
		buf_addc(b, (int)(acc & 0xff));
}

/*
 * Read n values of bw bits from p into v.  Reads up to 7 bytes past the
 * packed values, which the padding at the end of the data allows.
 */
static inline void
unpack(const uint8_t *p, uint32_t n, unsigned bw, uint32_t *v)
{
	uint64_t mask, pos = 0;
	uint32_t i;

	if (bw == 0) {
		memset(v, 0, n * sizeof *v);
		return;
	}
	mask = bw == 32 ? 0xffffffffu : ((uint64_t)1 << bw) - 1;
	for (i = 0; i < n; i++, pos += bw)
		v[i] = (uint32_t)((rd64(p + (pos >> 3)) >> (pos & 7)) & mask);
}

/* The builder's postings list of a term. */
struct lp_plist {
	uint32_t	*rows;		/* ascending */
	uint32_t	*tfs;		/* tf of each */
	uint32_t	 n;		/* postings */
	uint32_t	 cap;		/* allocated */
};

/* A term of the builder, for sorting. */
struct lp_bterm {
	const char	*s;		/* its bytes (in the strmap) */
	size_t		 len;		/* their number */
	uint32_t	 id;		/* its number in the strmap */
};

static int
bterm_cmp(const void *a, const void *b)
{
	const struct lp_bterm *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* Parse the decimal p[0..n): its value capped at 2^32 - 1, 0 if none. */
static uint32_t
parsetf(const char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
		if (v > UINT32_MAX)
			v = UINT32_MAX;
	}
	return (uint32_t)v;
}

void
lp_build(uint32_t nrows, lp_rowterms fn, void *arg, struct buf *out)
{
	struct strmap *sm = strmap_new();
	struct lp_plist *pl = NULL;
	struct lp_bterm *bt;
	struct buf terms = BUF_INIT, skip = BUF_INIT, strs = BUF_INIT;
	struct buf data = BUF_INIT;
	uint32_t *dl = xcalloc(nrows ? nrows : 1, sizeof *dl);
	uint32_t delta[LP_BLK], tfm1[LP_BLK];
	size_t npl = 0, plcap = 0, nt, i, len;
	uint64_t sumlen = 0, npost = 0;
	uint32_t row, ndocs = 0, nblocks = 0;

	for (row = 0; row < nrows; row++) {
		const char *s, *p, *end, *nl, *sp;

		len = 0;
		if ((s = fn(arg, row, &len)) == NULL)
			len = 0;
		for (p = s, end = len ? s + len : s; p < end; p = nl + 1) {
			struct lp_plist *l;
			uint32_t id, tf;
			int isnew;

			if ((nl = memchr(p, '\n', end - p)) == NULL)
				nl = end;
			if ((sp = memchr(p, ' ', nl - p)) == NULL || sp == p ||
			    (tf = parsetf(sp + 1, nl - sp - 1)) == 0)
				continue;
			id = strmap_intern(sm, p, sp - p, &isnew);
			if (id >= npl) {
				/* A new term: ids come in order. */
				if (id >= plcap) {
					plcap = plcap ? 2 * plcap : 1024;
					pl = xreallocarray(pl, plcap,
					    sizeof *pl);
				}
				memset(&pl[id], 0, sizeof *pl);
				npl = id + 1;
			}
			l = &pl[id];
			dl[row] = dl[row] > UINT32_MAX - tf ? UINT32_MAX :
			    dl[row] + tf;
			if (l->n > 0 && l->rows[l->n - 1] == row) {
				/* A term twice in a row: one posting. */
				l->tfs[l->n - 1] = l->tfs[l->n - 1] >
				    UINT32_MAX - tf ? UINT32_MAX :
				    l->tfs[l->n - 1] + tf;
				continue;
			}
			if (l->n == l->cap) {
				l->cap = l->cap ? 2 * l->cap : 4;
				l->rows = xreallocarray(l->rows, l->cap, 4);
				l->tfs = xreallocarray(l->tfs, l->cap, 4);
			}
			l->rows[l->n] = row;
			l->tfs[l->n++] = tf;
		}
		sumlen += dl[row];
		ndocs += dl[row] > 0;
	}

	nt = strmap_count(sm);
	bt = xreallocarray(NULL, nt ? nt : 1, sizeof *bt);
	for (i = 0; i < nt; i++) {
		bt[i].s = strmap_key(sm, (uint32_t)i, &bt[i].len);
		bt[i].id = (uint32_t)i;
	}
	qsort(bt, nt, sizeof *bt, bterm_cmp);

	for (i = 0; i < nt; i++) {
		struct lp_plist *l = &pl[bt[i].id];
		uint32_t j, n, k;

		add64(&terms, data.len);
		add32(&terms, nblocks);
		add32(&terms, l->n);
		add32(&terms, (uint32_t)strs.len);
		add32(&terms, (uint32_t)bt[i].len);
		buf_add(&strs, bt[i].s, bt[i].len);
		npost += l->n;
		for (j = 0; j < l->n; j += n) {
			uint32_t maxd = 0, maxtf = 0, mindl = UINT32_MAX;
			int64_t prev = j ? (int64_t)l->rows[j - 1] : -1;
			unsigned bwr, bwt;
			uint8_t e[4] = { 0, 0, 0, 0 };

			n = l->n - j < LP_BLK ? l->n - j : LP_BLK;
			for (k = 0; k < n; k++) {
				uint32_t r = l->rows[j + k];

				delta[k] = (uint32_t)(r - prev - 1);
				prev = r;
				tfm1[k] = l->tfs[j + k] - 1;
				if (delta[k] > maxd)
					maxd = delta[k];
				if (l->tfs[j + k] > maxtf)
					maxtf = l->tfs[j + k];
				if (dl[r] < mindl)
					mindl = dl[r];
			}
			bwr = bitwidth(maxd);
			bwt = bitwidth(maxtf - 1);
			pack(&data, delta, n, bwr);
			pack(&data, tfm1, n, bwt);
			add32(&skip, (uint32_t)prev);
			add32(&skip, mindl);
			add32(&skip, maxtf);
			e[0] = (uint8_t)bwr;
			e[1] = (uint8_t)bwt;
			buf_add(&skip, e, 4);
			nblocks++;
		}
		free(l->rows);
		free(l->tfs);
	}
	buf_add(&data, "\0\0\0\0\0\0\0\0", LP_PAD);

	buf_add(out, lp_magic, 8);
	add32(out, nrows);
	add32(out, (uint32_t)nt);
	add32(out, ndocs);
	add32(out, nblocks);
	add64(out, sumlen);
	add64(out, npost);
	add64(out, strs.len);
	add64(out, data.len);
	add64(out, 0);
	for (row = 0; row < nrows; row++)
		add32(out, dl[row]);
	buf_add(out, terms.data, terms.len);
	buf_add(out, skip.data, skip.len);
	buf_add(out, strs.data, strs.len);
	buf_add(out, data.data, data.len);

	buf_release(&terms);
	buf_release(&skip);
	buf_release(&strs);
	buf_release(&data);
	free(bt);
	free(pl);
	free(dl);
	strmap_free(sm);
}

/* Take a section of n bytes at *off of a blob of len bytes. */
static int
section(uint64_t *off, uint64_t n, size_t len)
{
	if (*off > len || n > len - *off)
		return -1;
	*off += n;
	return 0;
}

int
lp_open(struct lp_seg *g, const void *blob, size_t len, uint32_t nrows,
    struct buf *err)
{
	const uint8_t *b = blob, *prevs = NULL;
	uint64_t off = LP_HDR, sum = 0, npost = 0, dataoff = 0, strlen_;
	uint32_t i, nd = 0, skipidx = 0, prevlen = 0;

	memset(g, 0, sizeof *g);
	if (len < LP_HDR)
		return buf_fail(err, "corrupt lexical index: %zu bytes, "
		    "shorter than its header", len);
	if (memcmp(b, lp_magic, 8) != 0)
		return buf_fail(err, "corrupt lexical index: bad magic");
	g->blob = b;
	g->len = len;
	g->nrows = rd32(b + 8);
	g->nterms = rd32(b + 12);
	g->ndocs = rd32(b + 16);
	g->nblocks = rd32(b + 20);
	g->sumlen = rd64(b + 24);
	g->npostings = rd64(b + 32);
	strlen_ = rd64(b + 40);
	g->datalen = rd64(b + 48);
	if (g->nrows != nrows)
		return buf_fail(err, "corrupt lexical index: %u rows, "
		    "the segment has %u", g->nrows, nrows);
	g->doclen = b + off;
	if (section(&off, (uint64_t)nrows * 4, len) != 0)
		return buf_fail(err, "corrupt lexical index: truncated "
		    "lengths");
	g->terms = b + off;
	if (section(&off, (uint64_t)g->nterms * LP_TERM, len) != 0)
		return buf_fail(err, "corrupt lexical index: truncated terms");
	g->skip = b + off;
	if (section(&off, (uint64_t)g->nblocks * LP_SKIP, len) != 0)
		return buf_fail(err, "corrupt lexical index: truncated skip "
		    "entries");
	g->strings = b + off;
	if (section(&off, strlen_, len) != 0)
		return buf_fail(err, "corrupt lexical index: truncated terms");
	g->data = b + off;
	if (section(&off, g->datalen, len) != 0 || g->datalen < LP_PAD)
		return buf_fail(err, "corrupt lexical index: truncated "
		    "postings");
	if (off != len)
		return buf_fail(err, "corrupt lexical index: %zu bytes, "
		    "%llu expected", len, (unsigned long long)off);

	for (i = 0; i < nrows; i++) {
		uint32_t d = rd32(g->doclen + 4 * (size_t)i);

		sum += d;
		nd += d > 0;
	}
	if (sum != g->sumlen || nd != g->ndocs)
		return buf_fail(err, "corrupt lexical index: the lengths do "
		    "not add up");

	for (i = 0; i < g->nterms; i++) {
		const uint8_t *t = g->terms + (size_t)i * LP_TERM;
		uint32_t df = rd32(t + 12), so = rd32(t + 16);
		uint32_t sl = rd32(t + 20);
		uint32_t nb, j, left;
		int64_t prev = -1;
		int c;

		if (rd64(t) != dataoff || rd32(t + 8) != skipidx)
			return buf_fail(err, "corrupt lexical index: term %u "
			    "out of place", i);
		if (df == 0 || df > nrows)
			return buf_fail(err, "corrupt lexical index: term %u "
			    "has df %u", i, df);
		if (sl == 0 || (uint64_t)so + sl > strlen_)
			return buf_fail(err, "corrupt lexical index: term %u "
			    "out of range", i);
		if (prevs != NULL) {
			c = memcmp(prevs, g->strings + so,
			    prevlen < sl ? prevlen : sl);
			if (c > 0 || (c == 0 && prevlen >= sl))
				return buf_fail(err, "corrupt lexical index: "
				    "term %u out of order", i);
		}
		prevs = g->strings + so;
		prevlen = sl;
		nb = (df + LP_BLK - 1) / LP_BLK;
		if (nb > g->nblocks - skipidx)
			return buf_fail(err, "corrupt lexical index: term %u "
			    "has too many blocks", i);
		for (j = 0, left = df; j < nb; j++) {
			const uint8_t *e = g->skip +
			    (size_t)(skipidx + j) * LP_SKIP;
			uint32_t n = left < LP_BLK ? left : LP_BLK;
			uint32_t last = rd32(e);

			if (last >= nrows || (int64_t)last - prev < n ||
			    rd32(e + 4) == 0 || rd32(e + 8) == 0 ||
			    e[12] > 32 || e[13] > 32)
				return buf_fail(err, "corrupt lexical index: "
				    "bad block %u of term %u", j, i);
			prev = last;
			left -= n;
			dataoff += packed(n, e[12]) + packed(n, e[13]);
		}
		if (dataoff > g->datalen - LP_PAD)
			return buf_fail(err, "corrupt lexical index: term %u "
			    "has postings out of range", i);
		skipidx += nb;
		npost += df;
	}
	if (skipidx != g->nblocks || dataoff != g->datalen - LP_PAD ||
	    npost != g->npostings)
		return buf_fail(err, "corrupt lexical index: the postings do "
		    "not add up");
	return 0;
}

uint32_t
lp_doclen(const struct lp_seg *g, uint32_t row)
{
	return row < g->nrows ? rd32(g->doclen + 4 * (size_t)row) : 0;
}

uint64_t
lp_sumlen(const struct lp_seg *g)
{
	return g->sumlen;
}

uint32_t
lp_ndocs(const struct lp_seg *g)
{
	return g->ndocs;
}

uint32_t
lp_nterms(const struct lp_seg *g)
{
	return g->nterms;
}

uint64_t
lp_npostings(const struct lp_seg *g)
{
	return g->npostings;
}

/* The entry of term[0..len) in the dictionary, or NULL. */
static const uint8_t *
lp_find(const struct lp_seg *g, const char *term, size_t len)
{
	uint32_t lo = 0, hi = g->nterms;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const uint8_t *t = g->terms + (size_t)mid * LP_TERM;
		uint32_t sl = rd32(t + 20);
		int c = memcmp(term, g->strings + rd32(t + 16),
		    len < sl ? len : sl);

		if (c == 0)
			c = (len > sl) - (len < sl);
		if (c < 0)
			hi = mid;
		else if (c > 0)
			lo = mid + 1;
		else
			return t;
	}
	return NULL;
}

uint32_t
lp_df(const struct lp_seg *g, const char *term, size_t len)
{
	const uint8_t *t = lp_find(g, term, len);

	return t != NULL ? rd32(t + 12) : 0;
}

/* The postings list of a query term in a segment, being read. */
struct lp_cur {
	const uint8_t	*skip;		/* the term's skip entries */
	const uint8_t	*data;		/* the data of block bi */
	uint32_t	 nblk;		/* its blocks */
	uint32_t	 df;		/* its postings */
	uint32_t	 bi;		/* the current block */
	uint32_t	 n;		/* postings of block bi */
	uint32_t	 pos;		/* the current one in rows */
	uint32_t	 row;		/* the current row, or LP_END */
	int		 dec;		/* rows holds block bi */
	int		 tfdec;		/* tfs holds block bi */
	uint32_t	 bbi;		/* the block whose bound is bub */
	double		 bub;		/* the bound of block bbi */
	double		 w;		/* the term's weight */
	double		 ub;		/* the bound over all blocks */
	size_t		 ti;		/* its index in the query */
	uint32_t	 rows[LP_BLK];	/* the rows of block bi */
	uint32_t	 tfs[LP_BLK];	/* their tf - 1 */
};

/* A result so far. */
struct lp_ent {
	double		 s;		/* score */
	uint32_t	 seg;		/* segment */
	uint32_t	 row;		/* row */
};

struct lp_search {
	int		 mode;		/* LP_PRUNE or LP_EXHAUSTIVE */
	struct lp_cur	*cur;		/* a cursor a query term */
	struct lp_cur	**ord;		/* cursors by ascending bound */
	double		*pre;		/* sums of bounds of ord[0..i) */
	double		*contrib;	/* a term's part of the row's score */
	uint32_t	*mark;		/* contrib is for the row if stamp */
	uint32_t	 stamp;		/* of the row being scored */
	size_t		 tcap;		/* terms allocated */
	double		 ntab[LP_NTAB];	/* lp_norm of the doclens below */
	struct lp_params ntabp;		/* the parameters of ntab */
	int		 ntabok;	/* ntab is filled */
	struct lp_ent	*heap;		/* the k best so far, worst first */
	size_t		 hn;		/* entries in heap */
	size_t		 hcap;		/* allocated */
};

struct lp_search *
lp_search_new(void)
{
	struct lp_search *s = xcalloc(1, sizeof *s);

	s->mode = LP_PRUNE;
	return s;
}

void
lp_search_free(struct lp_search *s)
{
	if (s == NULL)
		return;
	free(s->cur);
	free(s->ord);
	free(s->pre);
	free(s->contrib);
	free(s->mark);
	free(s->heap);
	free(s);
}

void
lp_search_mode(struct lp_search *s, int mode)
{
	s->mode = mode;
}

/*
 * A term's part of the score of a row (the formula of lexpost.h), the
 * row's part of the denominator, which is the same for all its terms,
 * computed apart.
 */
static inline double
lp_norm(uint32_t dl, const struct lp_params *p)
{
	return p->k1 * (1 - p->b + p->b * dl / p->avgdl);
}

static inline double
lp_bm25(double w, double tf, double norm, const struct lp_params *p)
{
	return w * (tf * (p->k1 + 1)) / (tf + norm);
}

/* lp_norm from the table of the search, which the same parameters
 * fill with the same values. */
static inline double
tab_norm(const struct lp_search *s, uint32_t dl, const struct lp_params *p)
{
	return dl < LP_NTAB ? s->ntab[dl] : lp_norm(dl, p);
}

static inline uint32_t
blk_last(const struct lp_cur *c, uint32_t bi)
{
	return rd32(c->skip + (size_t)bi * LP_SKIP);
}

static inline uint32_t
blk_n(const struct lp_cur *c, uint32_t bi)
{
	return bi + 1 < c->nblk ? LP_BLK : c->df - bi * LP_BLK;
}

static inline size_t
blk_size(const struct lp_cur *c, uint32_t bi)
{
	const uint8_t *e = c->skip + (size_t)bi * LP_SKIP;
	uint32_t n = blk_n(c, bi);

	return packed(n, e[12]) + packed(n, e[13]);
}

/* The bound of any row of block bi for the term. */
static inline double
blk_bound(const struct lp_search *s, const struct lp_cur *c, uint32_t bi,
    const struct lp_params *p)
{
	const uint8_t *e = c->skip + (size_t)bi * LP_SKIP;

	if (!(c->w > 0))
		return 0;
	return lp_bm25(c->w, rd32(e + 8), tab_norm(s, rd32(e + 4), p), p);
}

/* Decode the rows of block bi. */
static void
cur_decode(struct lp_cur *c)
{
	uint32_t n = blk_n(c, c->bi), j, last = blk_last(c, c->bi);
	uint64_t acc = c->bi ? (uint64_t)blk_last(c, c->bi - 1) + 1 : 0;
	uint64_t first = acc;

	unpack(c->data, n, c->skip[(size_t)c->bi * LP_SKIP + 12], c->rows);
	for (j = 0; j < n; j++) {
		acc += c->rows[j];
		c->rows[j] = (uint32_t)acc;
		acc++;
	}
	if (acc - 1 != last) {
		/* Corrupt bits: rows that stay in range, whatever they are. */
		for (j = 0; j + 1 < n; j++)
			c->rows[j] = (uint32_t)(first + j);
		c->rows[n - 1] = last;
	}
	c->n = n;
	c->pos = 0;
	c->dec = 1;
	c->tfdec = 0;
}

/* The tf of the current posting. */
static inline double
cur_tf(struct lp_cur *c)
{
	if (!c->tfdec) {
		const uint8_t *e = c->skip + (size_t)c->bi * LP_SKIP;

		unpack(c->data + packed(c->n, e[12]), c->n, e[13], c->tfs);
		c->tfdec = 1;
	}
	return (double)c->tfs[c->pos] + 1;
}

/* Move to the first block whose last row is >= d, without decoding it;
 * 0 when there is none. */
static inline int
cur_shallow(struct lp_cur *c, uint32_t d)
{
	while (c->bi < c->nblk && blk_last(c, c->bi) < d) {
		c->data += blk_size(c, c->bi);
		c->bi++;
		c->dec = 0;
	}
	return c->bi < c->nblk;
}

/* Move to the first row >= d. */
static void
cur_seek(struct lp_cur *c, uint32_t d)
{
	uint32_t p;

	if (c->row == LP_END || (c->dec && c->row >= d))
		return;
	if (!cur_shallow(c, d)) {
		c->row = LP_END;
		return;
	}
	if (!c->dec)
		cur_decode(c);
	for (p = c->pos; c->rows[p] < d; p++)
		;
	c->pos = p;
	c->row = c->rows[p];
}

/* Move to the next row. */
static inline void
cur_next(struct lp_cur *c)
{
	if (++c->pos < c->n) {
		c->row = c->rows[c->pos];
		return;
	}
	c->data += blk_size(c, c->bi);
	if (++c->bi >= c->nblk) {
		c->row = LP_END;
		c->dec = 0;
		return;
	}
	cur_decode(c);
	c->row = c->rows[0];
}

/* Whether a is a worse result than b. */
static inline int
worse(const struct lp_ent *a, const struct lp_ent *b)
{
	if (a->s != b->s)
		return a->s < b->s;
	if (a->seg != b->seg)
		return a->seg > b->seg;
	return a->row > b->row;
}

static void
heap_down(struct lp_ent *h, size_t n, size_t i)
{
	struct lp_ent x = h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && worse(&h[c + 1], &h[c]))
			c++;
		if (!worse(&h[c], &x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

static void
heap_push(struct lp_search *s, size_t k, const struct lp_ent *e)
{
	size_t i;

	if (s->hn == k) {
		s->heap[0] = *e;
		heap_down(s->heap, s->hn, 0);
		return;
	}
	if (s->hn == s->hcap) {
		s->hcap = s->hcap ? 2 * s->hcap : 16;
		s->heap = xreallocarray(s->heap, s->hcap, sizeof *s->heap);
	}
	i = s->hn++;
	while (i > 0 && worse(e, &s->heap[(i - 1) / 2])) {
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = *e;
}

static int
better_cmp(const void *a, const void *b)
{
	const struct lp_ent *x = a, *y = b;

	return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

/* Make room for nt query terms. */
static void
reserve(struct lp_search *s, size_t nt)
{
	if (nt <= s->tcap)
		return;
	s->tcap = nt;
	s->cur = xreallocarray(s->cur, nt, sizeof *s->cur);
	s->ord = xreallocarray(s->ord, nt, sizeof *s->ord);
	s->pre = xreallocarray(s->pre, nt + 1, sizeof *s->pre);
	s->contrib = xreallocarray(s->contrib, nt, sizeof *s->contrib);
	free(s->mark);
	s->mark = xcalloc(nt, sizeof *s->mark);
	s->stamp = 0;
}

/*
 * Search one segment with MaxScore (Turtle and Flood 1995): the lists,
 * sorted by their bounds, split into non-essential ones, whose bounds
 * together do not beat the threshold (the k-th score so far), and
 * essential ones.  Only rows of essential lists are candidates; the
 * non-essential lists are looked up for a candidate, largest bound first,
 * while the candidate can still beat the threshold, and the bound of the
 * block that would hold it is checked before the block is decoded.
 * (Skipping whole ranges of candidates on the block bounds of all lists,
 * as block-max MaxScore does, cost more than it saved on corpora whose
 * rows are in no particular order: a block of 128 random rows has both a
 * large tf and a short row, so its bound is near the list's.)
 */
static void
seg_query(struct lp_search *s, const struct lp_seg *g, uint32_t segno,
    const struct lp_term *t, size_t nt, const struct lp_params *p,
    size_t k, lp_accept fn, void *arg)
{
	struct lp_cur **ord = s->ord;
	double *pre = s->pre, slack = 0;
	double theta = s->hn == k ? s->heap[0].s : -INFINITY;
	size_t m = 0, ne = 0, i, j;
	int prune = s->mode == LP_PRUNE;

	for (i = 0; i < nt; i++) {
		const uint8_t *e = lp_find(g, t[i].term, t[i].len);
		struct lp_cur *c;

		if (e == NULL)
			continue;
		c = &s->cur[m];
		c->skip = g->skip + (size_t)rd32(e + 8) * LP_SKIP;
		c->data = g->data + rd64(e);
		c->df = rd32(e + 12);
		c->nblk = (c->df + LP_BLK - 1) / LP_BLK;
		c->bi = 0;
		c->bbi = UINT32_MAX;
		c->w = t[i].weight;
		c->ti = i;
		c->ub = 0;
		if (prune)
			for (j = 0; j < c->nblk; j++) {
				double x = blk_bound(s, c, (uint32_t)j, p);

				if (x > c->ub)
					c->ub = x;
			}
		cur_decode(c);
		c->row = c->rows[0];
		slack += fabs(c->w) * (p->k1 + 1);
		/* Ascending bounds, by insertion. */
		for (j = m; j > 0 && ord[j - 1]->ub > c->ub; j--)
			ord[j] = ord[j - 1];
		ord[j] = c;
		m++;
	}
	if (m == 0)
		return;
	/*
	 * Bounds are compared with the threshold with a margin far above
	 * the rounding of sums in another order, so that pruning never
	 * drops a row the exhaustive order would keep.
	 */
	slack = slack * 1e-9;
	pre[0] = 0;
	for (i = 0; i < m; i++)
		pre[i + 1] = pre[i] + ord[i]->ub;
	if (prune)
		while (ne < m && pre[ne + 1] + slack <= theta)
			ne++;

	for (;;) {
		uint32_t d = LP_END;
		double part, score, norm;

		for (i = ne; i < m; i++)
			if (ord[i]->row < d)
				d = ord[i]->row;
		if (d == LP_END)
			break;
		s->stamp++;
		if (s->stamp == 0) {
			memset(s->mark, 0, s->tcap * sizeof *s->mark);
			s->stamp = 1;
		}
		norm = tab_norm(s, rd32(g->doclen + 4 * (size_t)d), p);
		part = 0;
		for (i = ne; i < m; i++) {
			struct lp_cur *c = ord[i];

			if (c->row != d)
				continue;
			s->contrib[c->ti] = lp_bm25(c->w, cur_tf(c), norm, p);
			s->mark[c->ti] = s->stamp;
			part += s->contrib[c->ti];
			cur_next(c);
		}
		for (i = ne; i-- > 0;) {
			struct lp_cur *c = ord[i];

			if (part + pre[i + 1] + slack <= theta)
				break;
			/* The block's bound, before decoding it. */
			if (!cur_shallow(c, d)) {
				c->row = LP_END;
				continue;
			}
			if (c->bbi != c->bi) {
				c->bbi = c->bi;
				c->bub = blk_bound(s, c, c->bi, p);
			}
			if (part + c->bub + pre[i] + slack <= theta)
				break;
			cur_seek(c, d);
			if (c->row != d)
				continue;
			s->contrib[c->ti] = lp_bm25(c->w, cur_tf(c), norm, p);
			s->mark[c->ti] = s->stamp;
			part += s->contrib[c->ti];
		}
		if (i != (size_t)-1 || (prune && part + slack <= theta))
			continue;
		score = 0;
		for (i = 0; i < nt; i++)
			if (s->mark[i] == s->stamp)
				score += s->contrib[i];
		if (s->hn < k || score > s->heap[0].s) {
			struct lp_ent e = { score, segno, d };

			if (fn != NULL && !fn(segno, d, arg))
				continue;
			heap_push(s, k, &e);
			if (s->hn == k) {
				theta = s->heap[0].s;
				if (prune)
					while (ne < m &&
					    pre[ne + 1] + slack <= theta)
						ne++;
			}
		}
	}
}

size_t
lp_query(struct lp_search *s, const struct lp_seg *segs, uint32_t nseg,
    const struct lp_term *t, size_t nt, const struct lp_params *p,
    size_t k, lp_accept fn, void *arg, struct lp_hit *out)
{
	uint32_t g;
	size_t i;

	s->hn = 0;
	if (k == 0 || nt == 0)
		return 0;
	reserve(s, nt);
	if (!s->ntabok || memcmp(&s->ntabp, p, sizeof *p) != 0) {
		for (i = 0; i < LP_NTAB; i++)
			s->ntab[i] = lp_norm((uint32_t)i, p);
		s->ntabp = *p;
		s->ntabok = 1;
	}
	for (g = 0; g < nseg; g++)
		seg_query(s, &segs[g], g, t, nt, p, k, fn, arg);
	if (s->hn > 1)
		qsort(s->heap, s->hn, sizeof *s->heap, better_cmp);
	for (i = 0; i < s->hn; i++) {
		out[i].score = (float)s->heap[i].s;
		out[i].seg = s->heap[i].seg;
		out[i].row = s->heap[i].row;
	}
	return s->hn;
}
