/* lexpost.c -- unit tests of lib/index/lexpost: the blob and BM25 top k */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/buf.h"
#include "lib/base/xmem.h"
#include "lib/index/lexpost.h"
#include "tests/unit/unit.h"

static uint64_t rng = 7;

static uint64_t
rnd64(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return rng ^ (rng >> 29);
}

static double
rnd01(void)
{
	return (double)(rnd64() >> 11) / 9007199254740992.0;
}

/* Rows given as an array of strings. */
static const char *
rows_fn(void *arg, uint32_t row, size_t *lenp)
{
	char **rows = arg;

	*lenp = strlen(rows[row]);
	return rows[row];
}

/* A term of a row of a generated corpus. */
struct tt {
	uint32_t	 id;		/* term number */
	uint32_t	 tf;		/* count */
};

/* A generated corpus: rows of terms "w<id>" drawn from a Zipf law. */
struct corpus {
	uint32_t	 nrows;		/* rows */
	uint32_t	 vocab;		/* distinct terms to draw from */
	char		**text;		/* each row's "term tf\n..." */
	struct tt	**terms;	/* each row's terms */
	uint32_t	*nterms;	/* their number */
	uint32_t	*dl;		/* doclen */
	uint32_t	*df;		/* a term's rows */
	double		*cdf;		/* Zipf's cumulative law */
	char		**name;		/* term names */
	uint32_t	*rank;		/* a term's place in bytewise order */
};

static uint32_t
zipf(const struct corpus *c)
{
	double u = rnd01();
	uint32_t lo = 0, hi = c->vocab - 1;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (c->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct corpus *sortc;

static int
byname(const void *a, const void *b)
{
	const struct tt *x = a, *y = b;

	return (sortc->rank[x->id] > sortc->rank[y->id]) -
	    (sortc->rank[x->id] < sortc->rank[y->id]);
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Make nrows rows of up to 2 * meanlen terms (some empty); term 0 is in
 * every row that has text when common is set.
 */
static void
corpus_make(struct corpus *c, uint32_t nrows, uint32_t vocab,
    uint32_t meanlen, int common)
{
	uint32_t *cnt = xcalloc(vocab, sizeof *cnt), *seen;
	char **sorted = xcalloc(vocab, sizeof *sorted);
	double sum = 0;
	struct buf b = BUF_INIT;
	uint32_t i, j, r;

	memset(c, 0, sizeof *c);
	c->nrows = nrows;
	c->vocab = vocab;
	c->cdf = xcalloc(vocab, sizeof *c->cdf);
	c->name = xcalloc(vocab, sizeof *c->name);
	c->rank = xcalloc(vocab, sizeof *c->rank);
	c->df = xcalloc(vocab, sizeof *c->df);
	for (i = 0; i < vocab; i++) {
		sum += 1.0 / (i + 1);
		c->cdf[i] = sum;
		buf_reset(&b);
		buf_printf(&b, "w%u", i);
		c->name[i] = xstrdup(b.data);
		sorted[i] = c->name[i];
	}
	for (i = 0; i < vocab; i++)
		c->cdf[i] /= sum;
	qsort(sorted, vocab, sizeof *sorted, namecmp);
	for (i = 0; i < vocab; i++)
		c->rank[strtoul(sorted[i] + 1, NULL, 10)] = i;
	c->text = xcalloc(nrows, sizeof *c->text);
	c->terms = xcalloc(nrows, sizeof *c->terms);
	c->nterms = xcalloc(nrows, sizeof *c->nterms);
	c->dl = xcalloc(nrows, sizeof *c->dl);
	seen = xcalloc(2 * meanlen + 2, sizeof *seen);
	sortc = c;
	for (r = 0; r < nrows; r++) {
		uint32_t len = rnd64() % 13 == 0 ? 0 :
		    (uint32_t)(rnd64() % (2 * meanlen)) + 1;
		uint32_t nd = 0;

		for (j = 0; j < len; j++) {
			uint32_t t = zipf(c);

			if (j == 0 && common)
				t = 0;
			if (cnt[t]++ == 0)
				seen[nd++] = t;
		}
		c->terms[r] = xcalloc(nd ? nd : 1, sizeof **c->terms);
		for (j = 0; j < nd; j++) {
			c->terms[r][j].id = seen[j];
			c->terms[r][j].tf = cnt[seen[j]];
			cnt[seen[j]] = 0;
			c->df[seen[j]]++;
		}
		c->nterms[r] = nd;
		c->dl[r] = len;
		qsort(c->terms[r], nd, sizeof **c->terms, byname);
		buf_reset(&b);
		for (j = 0; j < nd; j++)
			buf_printf(&b, "%s %u\n", c->name[c->terms[r][j].id],
			    c->terms[r][j].tf);
		c->text[r] = xstrdup(b.data);
	}
	free(seen);
	free(cnt);
	free(sorted);
	buf_release(&b);
}

static void
corpus_free(struct corpus *c)
{
	uint32_t i;

	for (i = 0; i < c->nrows; i++) {
		free(c->text[i]);
		free(c->terms[i]);
	}
	for (i = 0; i < c->vocab; i++)
		free(c->name[i]);
	free(c->text);
	free(c->terms);
	free(c->nterms);
	free(c->dl);
	free(c->df);
	free(c->cdf);
	free(c->name);
	free(c->rank);
}

/* The formula of lexpost.h, as written there. */
static double
bm25(double w, uint32_t tf, uint32_t dl, const struct lp_params *p)
{
	double f = tf;

	return w * (f * (p->k1 + 1)) /
	    (f + p->k1 * (1 - p->b + p->b * dl / p->avgdl));
}

/* Drop row 2 of segment 0. */
static int
drop2(uint32_t seg, uint32_t row, void *arg)
{
	return !(seg == 0 && row == 2);
}

/* 30.8 / 29 etc.: the scores of the example, worked out by hand. */
static void
test_hand(void)
{
	char *rows[] = { "a 1\nb 2\n", "", "a 3\nc 1\n" };
	struct lp_params p = { 1.2, 0.75, 3.5 };
	struct lp_term q[2] = { { "a", 1, 1.0 }, { "c", 1, 2.0 } };
	struct buf blob = BUF_INIT, err = BUF_INIT;
	struct lp_search *s = lp_search_new();
	struct lp_hit h[4];
	struct lp_seg g;
	size_t n;

	lp_build(3, rows_fn, rows, &blob);
	CHECK(lp_open(&g, blob.data, blob.len, 3, &err) == 0);
	CHECK(lp_doclen(&g, 0) == 3 && lp_doclen(&g, 1) == 0 &&
	    lp_doclen(&g, 2) == 4 && lp_doclen(&g, 3) == 0);
	CHECK(lp_sumlen(&g) == 7 && lp_ndocs(&g) == 2);
	CHECK(lp_nterms(&g) == 3 && lp_npostings(&g) == 4);
	CHECK(lp_df(&g, "a", 1) == 2 && lp_df(&g, "b", 1) == 1 &&
	    lp_df(&g, "c", 1) == 1 && lp_df(&g, "d", 1) == 0 &&
	    lp_df(&g, "ab", 2) == 0 && lp_df(&g, "", 0) == 0);
	/*
	 * K(dl) = 1.2 * (0.25 + 0.75 * dl / 3.5): K(3) = 15/14, K(4) =
	 * 93/70.  a in row 0: 2.2 / (1 + 15/14) = 30.8/29; a in row 2: 6.6 /
	 * (3 + 93/70) = 462/303; c in row 2: 2 * 2.2 / (1 + 93/70) = 308/163.
	 */
	n = lp_query(s, &g, 1, q, 2, &p, 10, NULL, NULL, h);
	CHECK(n == 2);
	CHECK(h[0].seg == 0 && h[0].row == 2 && h[1].row == 0);
	CHECK(fabs(h[0].score - (462.0 / 303 + 308.0 / 163)) < 1e-6);
	CHECK(fabs(h[1].score - 30.8 / 29) < 1e-6);
	n = lp_query(s, &g, 1, q, 1, &p, 1, NULL, NULL, h);
	CHECK(n == 1 && h[0].row == 2 &&
	    fabs(h[0].score - 462.0 / 303) < 1e-6);
	CHECK(lp_query(s, &g, 1, q, 0, &p, 10, NULL, NULL, h) == 0);
	CHECK(lp_query(s, &g, 1, q, 2, &p, 0, NULL, NULL, h) == 0);
	/* The same segment twice: ties go to the first. */
	{
		struct lp_seg two[2] = { g, g };

		n = lp_query(s, two, 2, q + 1, 1, &p, 3, NULL, NULL, h);
		CHECK(n == 2 && h[0].seg == 0 && h[1].seg == 1 &&
		    h[0].row == 2 && h[1].row == 2 &&
		    h[0].score == h[1].score);
	}
	/* A term only one segment has; a filter that drops row 2. */
	{
		char *rows2[] = { "c 1\n" };
		struct lp_term qb[2] = { { "b", 1, 1.0 }, { "c", 1, 1.0 } };
		struct buf blob2 = BUF_INIT;
		struct lp_seg two[2];

		lp_build(1, rows_fn, rows2, &blob2);
		two[0] = g;
		CHECK(lp_open(&two[1], blob2.data, blob2.len, 1, &err) == 0);
		CHECK(lp_df(&two[1], "b", 1) == 0);
		/* b in 0/0: 61.6/43; c in 1/0: 154/109; c in 0/2: 154/163. */
		n = lp_query(s, two, 2, qb, 2, &p, 10, NULL, NULL, h);
		CHECK(n == 3 && h[0].seg == 0 && h[0].row == 0 &&
		    h[1].seg == 1 && h[1].row == 0 &&
		    h[2].seg == 0 && h[2].row == 2);
		CHECK(n == 3 && fabs(h[0].score - 61.6 / 43) < 1e-6 &&
		    fabs(h[1].score - 154.0 / 109) < 1e-6 &&
		    fabs(h[2].score - 154.0 / 163) < 1e-6);
		n = lp_query(s, two, 2, qb, 2, &p, 10, drop2, NULL, h);
		CHECK(n == 2 && h[0].seg == 0 && h[1].seg == 1);
		buf_release(&blob2);
	}
	lp_search_free(s);
	buf_release(&blob);
	buf_release(&err);
}

/* An empty segment, and one of rows without text. */
static void
test_empty(void)
{
	char *rows[] = { "", "", "" };
	struct lp_params p = { 1.2, 0.75, 1 };
	struct lp_term q = { "a", 1, 1.0 };
	struct buf blob = BUF_INIT, err = BUF_INIT;
	struct lp_search *s = lp_search_new();
	struct lp_hit h[1];
	struct lp_seg g;

	lp_build(0, rows_fn, rows, &blob);
	CHECK(lp_open(&g, blob.data, blob.len, 0, &err) == 0);
	CHECK(lp_nterms(&g) == 0 && lp_sumlen(&g) == 0);
	CHECK(lp_query(s, &g, 1, &q, 1, &p, 1, NULL, NULL, h) == 0);
	CHECK(lp_open(&g, blob.data, blob.len, 1, &err) == -1);
	buf_reset(&blob);
	lp_build(3, rows_fn, rows, &blob);
	CHECK(lp_open(&g, blob.data, blob.len, 3, &err) == 0);
	CHECK(lp_ndocs(&g) == 0 && lp_df(&g, "a", 1) == 0);
	CHECK(lp_query(s, &g, 1, &q, 1, &p, 1, NULL, NULL, h) == 0);
	lp_search_free(s);
	buf_release(&blob);
	buf_release(&err);
}

/* Corrupt blobs are refused, and none that is accepted crashes a query. */
static void
test_corrupt(void)
{
	struct corpus c;
	struct lp_params p = { 1.2, 0.75, 10 };
	struct lp_term q[3] = { { "w0", 2, 1.0 }, { "w1", 2, 1.5 },
	    { "w7", 2, 2.0 } };
	struct buf blob = BUF_INIT, err = BUF_INIT;
	struct lp_search *s = lp_search_new();
	struct lp_hit h[10];
	struct lp_seg g;
	uint8_t *cp;
	size_t i, terms;
	int ok;

	corpus_make(&c, 600, 100, 20, 1);
	lp_build(c.nrows, rows_fn, c.text, &blob);
	CHECK(lp_open(&g, blob.data, blob.len, c.nrows, &err) == 0);
	cp = xmalloc(blob.len);
	CHECK(lp_open(&g, blob.data, blob.len - 1, c.nrows, &err) == -1);
	CHECK(strncmp(err.data, "corrupt lexical index: ", 23) == 0);
	CHECK(lp_open(&g, blob.data, blob.len - 8, c.nrows, &err) == -1);
	CHECK(lp_open(&g, blob.data, 63, c.nrows, &err) == -1);
	CHECK(lp_open(&g, blob.data, 0, c.nrows, &err) == -1);
	CHECK(lp_open(&g, blob.data, blob.len, c.nrows + 1, &err) == -1);
	/* Counts in the header. */
	for (i = 12; i < 56; i += 4) {
		memcpy(cp, blob.data, blob.len);
		cp[i] ^= 1;
		CHECK(lp_open(&g, cp, blob.len, c.nrows, &err) == -1);
	}
	/* A term's data offset, skip index, df and string out of range. */
	terms = 64 + 4 * (size_t)c.nrows;
	for (i = 0; i < 24; i += 4) {
		memcpy(cp, blob.data, blob.len);
		cp[terms + 24 * 5 + i + 3] ^= 0x80;
		CHECK(lp_open(&g, cp, blob.len, c.nrows, &err) == -1);
	}
	/* A doclen. */
	memcpy(cp, blob.data, blob.len);
	cp[64 + 4 * 17] ^= 4;
	CHECK(lp_open(&g, cp, blob.len, c.nrows, &err) == -1);
	/* Random bytes: refused, or read safely. */
	for (i = 0; i < 3000; i++) {
		size_t j, nflip = 1 + rnd64() % 3;

		memcpy(cp, blob.data, blob.len);
		for (j = 0; j < nflip; j++)
			cp[rnd64() % blob.len] ^= (uint8_t)(1 + rnd64() % 255);
		ok = lp_open(&g, cp, blob.len, c.nrows, &err) == 0;
		if (ok)
			lp_query(s, &g, 1, q, 3, &p, 10, NULL, NULL, h);
	}
	free(cp);
	corpus_free(&c);
	lp_search_free(s);
	buf_release(&blob);
	buf_release(&err);
}

/* A row of a segment, for the reference. */
struct ref {
	double		 s;		/* score */
	uint32_t	 seg;		/* segment */
	uint32_t	 row;		/* row in it */
};

static int
ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? 1 : -1;
	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* The segments of a corpus: first rows and blobs. */
struct segs {
	uint32_t	 nseg;		/* segments */
	uint32_t	 first[8];	/* a segment's first row */
	struct buf	 blob[8];	/* its blob */
	struct lp_seg	 seg[8];	/* its view */
};

static int accept_calls;

/* Reject every 7th row of the corpus. */
static int
accept7(uint32_t seg, uint32_t row, void *arg)
{
	struct segs *ss = arg;

	accept_calls++;
	return (ss->first[seg] + row) % 7 != 6;
}

/* The reference: every matching accepted row scored, sorted. */
static size_t
exhaustive(const struct corpus *c, const struct segs *ss,
    const uint32_t *qid, const struct lp_term *t, size_t nt,
    const struct lp_params *p, size_t k, struct ref *out)
{
	size_t n = 0, i, j, m;
	uint32_t g, r;

	for (g = 0; g < ss->nseg; g++) {
		uint32_t end = g + 1 < ss->nseg ? ss->first[g + 1] : c->nrows;

		for (r = ss->first[g]; r < end; r++) {
			double s = 0;
			int hit = 0;

			if (r % 7 == 6)
				continue;
			for (i = 0; i < nt; i++)
				for (j = 0; j < c->nterms[r]; j++)
					if (c->terms[r][j].id == qid[i]) {
						s += bm25(t[i].weight,
						    c->terms[r][j].tf,
						    c->dl[r], p);
						hit = 1;
					}
			if (hit) {
				out[n].s = s;
				out[n].seg = g;
				out[n++].row = r - ss->first[g];
			}
		}
	}
	qsort(out, n, sizeof *out, ref_cmp);
	m = n < k ? n : k;
	return m;
}

static void
segs_build(struct segs *ss, const struct corpus *c, uint32_t nseg)
{
	struct buf err = BUF_INIT;
	uint32_t g;

	ss->nseg = nseg;
	for (g = 0; g < nseg; g++) {
		uint32_t a = (uint32_t)((uint64_t)c->nrows * g / nseg);
		uint32_t z = (uint32_t)((uint64_t)c->nrows * (g + 1) / nseg);

		ss->first[g] = a;
		buf_init(&ss->blob[g]);
		lp_build(z - a, rows_fn, c->text + a, &ss->blob[g]);
		if (lp_open(&ss->seg[g], ss->blob[g].data, ss->blob[g].len,
		    z - a, &err) != 0) {
			fprintf(stderr, "lexpost: %s\n", err.data);
			exit(1);
		}
	}
	buf_release(&err);
}

static void
segs_free(struct segs *ss)
{
	uint32_t g;

	for (g = 0; g < ss->nseg; g++)
		buf_release(&ss->blob[g]);
}

/* Query weights: BM25's idf times the query tf (repeats add up). */
static void
make_query(const struct corpus *c, uint32_t *qid, struct lp_term *t,
    size_t nt, int absent)
{
	size_t i;

	for (i = 0; i < nt; i++) {
		uint32_t df;

		qid[i] = rnd64() % 4 == 0 ? (uint32_t)(rnd64() % c->vocab) :
		    zipf(c);
		df = c->df[qid[i]];
		t[i].term = c->name[qid[i]];
		t[i].len = strlen(t[i].term);
		t[i].weight = log(1 + (c->nrows - df + 0.5) / (df + 0.5));
		if (rnd64() % 5 == 0)
			t[i].weight *= 2;
	}
	if (absent && nt > 0) {
		/* A term no row has. */
		qid[nt - 1] = UINT32_MAX;
		t[nt - 1].term = "zzz";
		t[nt - 1].len = 3;
	}
}

/* Pruned and exhaustive search against the reference, on 3 segments. */
static void
test_random(void)
{
	static const size_t ks[3] = { 1, 10, 100 };
	struct corpus c;
	struct segs ss;
	struct lp_search *s = lp_search_new(), *x = lp_search_new();
	struct ref *ref;
	struct lp_hit hp[100], hx[100];
	struct lp_term t[30];
	uint32_t qid[30];
	int q, bad = 0, callsp = 0, callsx = 0;
	size_t hits = 0;

	corpus_make(&c, 5000, 2000, 20, 1);
	segs_build(&ss, &c, 3);
	ref = xcalloc(c.nrows, sizeof *ref);
	lp_search_mode(x, LP_EXHAUSTIVE);
	for (q = 0; q < 240; q++) {
		size_t nt = q < 200 ? 1 + rnd64() % 8 : 30, k = ks[q % 3];
		size_t n, np, nx, i;
		struct lp_params p = { q % 2 ? 0.9 : 1.2, q % 4 < 2 ? 0.75 :
		    0.4, (double)c.nrows / 20 * (0.5 + rnd01()) };

		make_query(&c, qid, t, nt, q % 10 == 9);
		n = exhaustive(&c, &ss, qid, t, nt, &p, k, ref);
		hits += n;
		accept_calls = 0;
		np = lp_query(s, ss.seg, ss.nseg, t, nt, &p, k, accept7, &ss,
		    hp);
		callsp += accept_calls;
		accept_calls = 0;
		nx = lp_query(x, ss.seg, ss.nseg, t, nt, &p, k, accept7, &ss,
		    hx);
		callsx += accept_calls;
		if (np != n || nx != n) {
			bad++;
			continue;
		}
		for (i = 0; i < n; i++)
			if (hp[i].seg != ref[i].seg ||
			    hp[i].row != ref[i].row ||
			    hp[i].score != (float)ref[i].s ||
			    hx[i].seg != ref[i].seg ||
			    hx[i].row != ref[i].row ||
			    hx[i].score != (float)ref[i].s) {
				bad++;
				break;
			}
	}
	CHECK(bad == 0);
	CHECK(callsp == callsx);
	CHECK(hits > 0);
	if (bad)
		fprintf(stderr, "lexpost: %d queries differ\n", bad);
	free(ref);
	segs_free(&ss);
	corpus_free(&c);
	lp_search_free(s);
	lp_search_free(x);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The timing, with --bench: 200,000 rows of about 80 terms from a Zipf
 * vocabulary of 50,000, 1,000 queries of 2 to 6 terms, k = 10.
 */
static void
bench(uint32_t nrows, uint32_t nseg)
{
	struct corpus c;
	struct segs ss;
	struct lp_search *s = lp_search_new(), *x = lp_search_new();
	struct lp_term *t = xcalloc(1000 * 6, sizeof *t);
	uint32_t qid[6], g;
	size_t nt[1000], q, tot = 0, bytes = 0, data = 0;
	struct lp_hit hp[10], hx[10];
	double t0, tp, tx, tb;
	uint64_t npost = 0;
	int diff = 0;

	t0 = now();
	corpus_make(&c, nrows, 50000, 80, 0);
	tb = now();
	segs_build(&ss, &c, nseg);
	tb = now() - tb;
	for (g = 0; g < nseg; g++) {
		bytes += ss.blob[g].len;
		data += ss.seg[g].datalen;
		npost += lp_npostings(&ss.seg[g]);
	}
	printf("build %.2fs; corpus %.1fs; %llu postings, %zu bytes, "
	    "%.3f bytes/posting (%.3f in the packed blocks)\n", tb,
	    now() - t0 - tb, (unsigned long long)npost, bytes,
	    (double)bytes / npost, (double)data / npost);
	for (q = 0; q < 1000; q++) {
		nt[q] = 2 + rnd64() % 5;
		make_query(&c, qid, t + 6 * q, nt[q], 0);
	}
	lp_search_mode(x, LP_EXHAUSTIVE);
	{
		struct lp_params p = { 1.2, 0.75, 0 };

		for (q = 0; q < c.nrows; q++)
			tot += c.dl[q];
		p.avgdl = (double)tot / c.nrows;
		t0 = now();
		for (q = 0; q < 1000; q++)
			lp_query(x, ss.seg, ss.nseg, t + 6 * q, nt[q], &p, 10,
			    NULL, NULL, hx);
		tx = now() - t0;
		t0 = now();
		for (q = 0; q < 1000; q++)
			lp_query(s, ss.seg, ss.nseg, t + 6 * q, nt[q], &p, 10,
			    NULL, NULL, hp);
		tp = now() - t0;
		for (q = 0; q < 1000; q++) {
			size_t a = lp_query(s, ss.seg, ss.nseg, t + 6 * q,
			    nt[q], &p, 10, NULL, NULL, hp);
			size_t b = lp_query(x, ss.seg, ss.nseg, t + 6 * q,
			    nt[q], &p, 10, NULL, NULL, hx);

			diff += a != b || memcmp(hp, hx, a * sizeof *hp) != 0;
		}
	}
	printf("%u segments: exhaustive %.0f queries/s, pruned %.0f "
	    "queries/s; %d differ\n", nseg, 1000 / tx, 1000 / tp, diff);
	free(t);
	segs_free(&ss);
	corpus_free(&c);
	lp_search_free(s);
	lp_search_free(x);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
		bench(argc > 2 ? (uint32_t)atoi(argv[2]) : 200000,
		    argc > 3 ? (uint32_t)atoi(argv[3]) : 1);
		return 0;
	}
	test_hand();
	test_empty();
	test_corrupt();
	test_random();
	return unit_done("lexpost");
}
