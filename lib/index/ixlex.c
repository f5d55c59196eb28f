/* ixlex.c -- BM25 over an etv index: a record's terms, statistics, search */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/index/ixlex.h"
#include "lib/index/lexpost.h"
#include "lib/index/vecfile.h"
#include "lib/text/analyze.h"

struct ixlex {
	const struct vf_index *ix;	/* the index; borrowed */
	struct lp_seg	*seg;		/* inverted index per segment; owned */
	uint32_t	 nseg;		/* segments */
	uint64_t	 docs;		/* live rows with terms */
	double		 avgdl;		/* their mean length */
	struct strmap	*deadterm;	/* terms of dead rows; owned */
	uint32_t	*deaddf;	/* dead rows holding each; owned */
};

struct ixlex_search {
	struct an_analyzer *an;		/* the index's analysis; owned */
	struct lp_search *lp;		/* postings search; owned */
	struct buf	 terms;		/* the query's terms string */
	struct lp_term	*t;		/* the query terms; owned */
	size_t		 tcap;		/* room in t */
	struct lp_hit	*hits;		/* hits found; owned */
	size_t		 hcap;		/* room in hits */
};

/* A token to sort: its first bytes as a number, then the whole. */
struct tok {
	uint64_t	 key;		/* up to 8 first bytes, big-endian */
	const char	*s;		/* the token, NUL-terminated */
};

/* Bytewise order: the keys decide, unless equal (then strcmp). */
static int
tok_cmp(const void *a, const void *b)
{
	const struct tok *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->s, y->s);
}

/* Append term, ' ', the decimal tf and '\n' to out. */
static void
put_term(struct buf *out, const char *term, size_t tf)
{
	char num[24], *e = num + sizeof(num);

	buf_adds(out, term);
	*--e = '\n';
	do
		*--e = (char)('0' + tf % 10);
	while ((tf /= 10) > 0);
	*--e = ' ';
	buf_add(out, e, (size_t)(num + sizeof(num) - e));
}

size_t
ixlex_terms(struct an_analyzer *an, const char *text, size_t len,
    struct buf *out)
{
	struct an_tokens tk = AN_TOKENS_INIT;
	struct tok *v;
	const unsigned char *p;
	size_t i, j, n;

	buf_reset(out);
	an_analyze(an, text, len, &tk);
	v = xreallocarray(NULL, tk.n ? tk.n : 1, sizeof(*v));
	for (i = 0; i < tk.n; i++) {
		v[i].s = an_token(&tk, i);
		v[i].key = 0;
		p = (const unsigned char *)v[i].s;
		for (j = 0; j < 8; j++)
			v[i].key = v[i].key << 8 | (*p ? *p++ : 0);
	}
	qsort(v, tk.n, sizeof(*v), tok_cmp);
	for (i = 0; i < tk.n; i = j) {
		for (j = i + 1; j < tk.n && tok_cmp(&v[i], &v[j]) == 0; j++)
			;
		put_term(out, v[i].s, j - i);
	}
	n = tk.n;
	free(v);
	an_tokens_release(&tk);
	return n;
}

char *
ixlex_spec(const char *analyzer, const char *language, struct buf *err)
{
	struct buf spec = BUF_INIT, why = BUF_INIT;
	struct an_analyzer *an;
	char *s = NULL;

	if (language && strcmp(analyzer, "none") == 0) {
		buf_fail(err, "option '--language' does not apply to "
		    "'--analyzer none'");
		return NULL;
	}
	buf_printf(&spec, "%s%s%s", analyzer, language ? ":" : "",
	    language ? language : "");
	if ((an = an_new(spec.data, &why)) != NULL)
		s = xstrdup(an_spec(an));
	else
		buf_fail(err, "option '--language' %s", why.data);
	an_free(an);
	buf_release(&spec);
	buf_release(&why);
	return s;
}

int
ixlex_next_term(const char **p, const char *end, const char **term,
    size_t *tlen, unsigned long *tf)
{
	const char *sp, *nl;
	char *e;

	if (*p >= end || (nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		return 0;
	if ((sp = memchr(*p, ' ', (size_t)(nl - *p))) == NULL)
		return 0;
	*term = *p;
	*tlen = (size_t)(sp - *p);
	*tf = strtoul(sp + 1, &e, 10);
	*p = nl + 1;
	return e == nl;
}

/* Count the terms of the dead rows, and take their rows off the stats. */
static void
count_dead(struct ixlex *lx, uint64_t *docs, uint64_t *sumdl)
{
	const struct vf_index *ix = lx->ix;
	const char *p, *end, *term;
	size_t len, tlen, cap = 0;
	unsigned long tf;
	uint32_t s, r, id, dl;
	int isnew;

	for (s = 0; s < lx->nseg; s++) {
		for (r = 0; r < vf_seg_rows(ix, s); r++) {
			if (!vf_dead(ix, s, r) ||
			    (dl = lp_doclen(&lx->seg[s], r)) == 0)
				continue;
			(*docs)--;
			*sumdl -= dl;
			if ((p = vf_str(ix, s, VF_TERMS, r, &len)) == NULL)
				continue;
			for (end = p + len; ixlex_next_term(&p, end, &term,
			    &tlen, &tf); ) {
				id = strmap_intern(lx->deadterm, term, tlen,
				    &isnew);
				if (id >= cap) {
					cap = cap ? cap * 2 : 1024;
					lx->deaddf = xreallocarray(lx->deaddf,
					    cap, sizeof(*lx->deaddf));
				}
				if (isnew)
					lx->deaddf[id] = 0;
				lx->deaddf[id]++;
			}
		}
	}
}

struct ixlex *
ixlex_open(const struct vf_index *ix, struct buf *err)
{
	struct an_analyzer *an;
	struct ixlex *lx;
	const void *blob;
	uint64_t docs = 0, sumdl = 0;
	size_t len;
	uint32_t s;

	if ((an = an_new(vf_meta(ix)->analyzer, err)) == NULL)
		return NULL;
	an_free(an);
	lx = xcalloc(1, sizeof(*lx));
	lx->ix = ix;
	lx->nseg = vf_nseg(ix);
	lx->seg = xcalloc(lx->nseg ? lx->nseg : 1, sizeof(*lx->seg));
	lx->deadterm = strmap_new();
	for (s = 0; s < lx->nseg; s++) {
		blob = vf_lex(ix, s, &len);
		if (lp_open(&lx->seg[s], blob, len, vf_seg_rows(ix, s),
		    err) == -1) {
			ixlex_free(lx);
			return NULL;
		}
		docs += lp_ndocs(&lx->seg[s]);
		sumdl += lp_sumlen(&lx->seg[s]);
	}
	count_dead(lx, &docs, &sumdl);
	lx->docs = docs;
	lx->avgdl = docs ? (double)sumdl / (double)docs : 1;
	return lx;
}

void
ixlex_free(struct ixlex *lx)
{
	if (lx == NULL)
		return;
	free(lx->seg);
	strmap_free(lx->deadterm);
	free(lx->deaddf);
	free(lx);
}

uint64_t
ixlex_docs(const struct ixlex *lx)
{
	return lx->docs;
}

double
ixlex_avgdl(const struct ixlex *lx)
{
	return lx->avgdl;
}

void
ixlex_sizes(const struct ixlex *lx, uint64_t *terms, uint64_t *postings,
    uint64_t *index_bytes, uint64_t *terms_bytes)
{
	size_t len;
	uint32_t s, r;

	*terms = *postings = *index_bytes = *terms_bytes = 0;
	for (s = 0; s < lx->nseg; s++) {
		*terms += lp_nterms(&lx->seg[s]);
		*postings += lp_npostings(&lx->seg[s]);
		(void)vf_lex(lx->ix, s, &len);
		*index_bytes += len;
		for (r = 0; r < vf_seg_rows(lx->ix, s); r++)
			if (vf_str(lx->ix, s, VF_TERMS, r, &len) != NULL)
				*terms_bytes += len;
	}
}

struct ixlex_search *
ixlex_search_new(const struct ixlex *lx)
{
	struct ixlex_search *ls = xcalloc(1, sizeof(*ls));

	/* ixlex_open made one with this spec: it does not fail. */
	ls->an = an_new(vf_meta(lx->ix)->analyzer, NULL);
	ls->lp = lp_search_new();
	buf_init(&ls->terms);
	return ls;
}

void
ixlex_search_free(struct ixlex_search *ls)
{
	if (ls == NULL)
		return;
	an_free(ls->an);
	lp_search_free(ls->lp);
	buf_release(&ls->terms);
	free(ls->t);
	free(ls->hits);
	free(ls);
}

/* The live rows holding term: its rows in every segment, less the dead. */
static uint64_t
live_df(const struct ixlex *lx, const char *term, size_t len)
{
	uint64_t df = 0;
	long id;
	uint32_t s;

	for (s = 0; s < lx->nseg; s++)
		df += lp_df(&lx->seg[s], term, len);
	/* More dead rows than rows: a damaged term list; no such term. */
	if ((id = strmap_find(lx->deadterm, term, len)) >= 0)
		df = df > lx->deaddf[id] ? df - lx->deaddf[id] : 0;
	return df;
}

/* lp_accept over an index: live rows the caller's filter accepts. */
struct accept_ctx {
	const struct vf_index *ix;	/* the index */
	ixlex_accept	 fn;		/* the caller's filter, or NULL */
	void		*arg;		/* its argument */
};

static int
accept_row(uint32_t seg, uint32_t row, void *arg)
{
	struct accept_ctx *c = arg;

	if (vf_dead(c->ix, seg, row))
		return 0;
	return c->fn == NULL || c->fn(c->ix, seg, row, c->arg);
}

size_t
ixlex_query(struct ixlex_search *ls, const struct ixlex *lx,
    const char *text, size_t len, size_t k, ixlex_accept fn, void *arg,
    struct vf_hit *out)
{
	const struct vf_meta *m = vf_meta(lx->ix);
	struct accept_ctx ac = { lx->ix, fn, arg };
	struct lp_params pr;
	const char *p, *end, *term;
	size_t tlen, nt = 0, n, i;
	unsigned long qtf;
	uint64_t df;
	double N = (double)lx->docs;

	if (k == 0 || lx->docs == 0)
		return 0;
	ixlex_terms(ls->an, text, len, &ls->terms);
	p = ls->terms.data;
	end = p + ls->terms.len;
	while (ixlex_next_term(&p, end, &term, &tlen, &qtf)) {
		if ((df = live_df(lx, term, tlen)) == 0)
			continue;
		if (nt == ls->tcap) {
			ls->tcap = ls->tcap ? ls->tcap * 2 : 16;
			ls->t = xreallocarray(ls->t, ls->tcap,
			    sizeof(*ls->t));
		}
		ls->t[nt].term = term;
		ls->t[nt].len = tlen;
		ls->t[nt].weight = (double)qtf * log(1.0 + (N - (double)df +
		    0.5) / ((double)df + 0.5));
		nt++;
	}
	if (nt == 0)
		return 0;
	if (ls->hcap < k) {
		ls->hcap = k;
		ls->hits = xreallocarray(ls->hits, k, sizeof(*ls->hits));
	}
	pr.k1 = m->k1;
	pr.b = m->b;
	pr.avgdl = lx->avgdl;
	n = lp_query(ls->lp, lx->seg, lx->nseg, ls->t, nt, &pr, k,
	    accept_row, &ac, ls->hits);
	for (i = 0; i < n; i++) {
		out[i].score = ls->hits[i].score;
		out[i].dist = -ls->hits[i].score;
		out[i].seg = ls->hits[i].seg;
		out[i].row = ls->hits[i].row;
	}
	return n;
}
