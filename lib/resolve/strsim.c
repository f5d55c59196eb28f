/* strsim.c -- string and value comparators for record linkage */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hash.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/resolve/strsim.h"
#include "lib/text/rfc3339.h"
#include "lib/text/text.h"
#include "lib/validate/format.h"

/*
 * Values that stand for what is not a code point, all below 2^21 so that
 * three fit in a q-gram key: an ill-formed byte b is ILLFORMED + b, and
 * the q-gram padding marks are START and END.
 */
#define ILLFORMED	0x110000
#define START		0x1ffffe
#define END		0x1fffff

/* The code points of a string. */
struct cps {
	int32_t		*v;		/* buf, or allocated (cps_free) */
	size_t		 n;		/* code points in v */
	int32_t		 buf[STRSIM_SHORT]; /* short strings */
};

/* Decode p[0..n) into c, ASCII without a call. */
static void
cps_decode(struct cps *c, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, k = 0, cap = STRSIM_SHORT, adv;
	int32_t *v = c->buf, cp;

	while (i < n) {
		if (k == cap) {
			/* Each byte left is at most one code point. */
			cap = k + (n - i);
			v = xreallocarray(NULL, cap, sizeof(*v));
			memcpy(v, c->buf, k * sizeof(*v));
		}
		if (s[i] < 0x80) {
			v[k++] = s[i++];
			continue;
		}
		cp = utf8_decode(p + i, n - i, &adv);
		v[k++] = cp < 0 ? ILLFORMED + s[i] : cp;
		i += adv;
	}
	c->v = v;
	c->n = k;
}

static void
cps_free(struct cps *c)
{
	if (c->v != c->buf)
		free(c->v);
}

/*
 * Room for need bytes: the stack buffer of have bytes when it is large
 * enough, else an allocation that the caller frees when it is not buf.
 */
static void *
room(void *buf, size_t have, size_t need)
{
	return need <= have ? buf : xmalloc(need);
}

static void
unroom(void *p, void *buf)
{
	if (p != buf)
		free(p);
}

/*
 * Jaro on code points.  b is walked in order and each of its code points
 * takes the first free equal one of a within the window, as DuckDB's
 * (rapidfuzz's) implementation does for its first and second argument.
 */
static double
jaro_cp(const int32_t *a, size_t la, const int32_t *b, size_t lb)
{
	unsigned char fbuf[2 * STRSIM_SHORT], *fa, *fb;
	size_t w, i, j, lo, hi, m = 0, t = 0;
	double sim;

	if (la == 0 || lb == 0)
		return 0;
	w = (la > lb ? la : lb) / 2;
	w = w > 0 ? w - 1 : 0;
	fa = room(fbuf, sizeof(fbuf), la + lb);
	fb = fa + la;
	memset(fa, 0, la + lb);
	for (j = 0; j < lb; j++) {
		lo = j > w ? j - w : 0;
		hi = j + w + 1 < la ? j + w + 1 : la;
		for (i = lo; i < hi; i++)
			if (!fa[i] && a[i] == b[j]) {
				fa[i] = fb[j] = 1;
				m++;
				break;
			}
	}
	if (m == 0) {
		unroom(fa, fbuf);
		return 0;
	}
	/* The k-th matched code point of a against the k-th of b. */
	for (i = 0, j = 0; i < la; i++) {
		if (!fa[i])
			continue;
		while (!fb[j])
			j++;
		t += a[i] != b[j];
		j++;
	}
	unroom(fa, fbuf);
	t /= 2;
	sim = (double)m / la + (double)m / lb + (double)(m - t) / m;
	return sim / 3;
}

/* Jaro-Winkler on code points: Jaro, and above 0.7 the prefix boost. */
static double
jw_cp(const int32_t *a, size_t la, const int32_t *b, size_t lb)
{
	double sim = jaro_cp(a, la, b, lb);
	size_t l, max;

	if (sim > 0.7) {
		max = la < lb ? la : lb;
		if (max > 4)
			max = 4;
		for (l = 0; l < max && a[l] == b[l]; l++)
			continue;
		sim += 0.1 * l * (1 - sim);
	}
	return sim;
}

/* A measure on code points, applied to two UTF-8 strings. */
typedef double cp_fn(const int32_t *, size_t, const int32_t *, size_t);

static double
on_cps(cp_fn *f, const char *a, size_t na, const char *b, size_t nb)
{
	struct cps ca, cb;
	double v;

	cps_decode(&ca, a, na);
	cps_decode(&cb, b, nb);
	v = f(ca.v, ca.n, cb.v, cb.n);
	cps_free(&ca);
	cps_free(&cb);
	return v;
}

double
strsim_jaro(const char *a, size_t na, const char *b, size_t nb)
{
	return na == 0 || nb == 0 ? 0 : on_cps(jaro_cp, a, na, b, nb);
}

double
strsim_jaro_winkler(const char *a, size_t na, const char *b, size_t nb)
{
	return na == 0 || nb == 0 ? 0 : on_cps(jw_cp, a, na, b, nb);
}

/*
 * Levenshtein on code points, one row of the table over the shorter
 * string, after the common prefix and suffix (which cost nothing) are
 * set aside.
 */
static double
lev_cp(const int32_t *a, size_t la, const int32_t *b, size_t lb)
{
	uint32_t rbuf[STRSIM_SHORT + 1], *row, diag, up, v;
	const int32_t *tp;
	size_t i, j, tl;
	int32_t ai;

	while (la > 0 && lb > 0 && *a == *b)
		a++, b++, la--, lb--;
	while (la > 0 && lb > 0 && a[la - 1] == b[lb - 1])
		la--, lb--;
	if (lb > la) {
		tp = a, a = b, b = tp;
		tl = la, la = lb, lb = tl;
	}
	if (lb == 0)
		return la;
	row = room(rbuf, sizeof(rbuf), (lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		ai = a[i - 1];
		for (j = 1; j <= lb; j++) {
			up = row[j];
			v = diag + (ai != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
		}
	}
	v = row[lb];
	unroom(row, rbuf);
	return v;
}

double
strsim_levenshtein(const char *a, size_t na, const char *b, size_t nb)
{
	return on_cps(lev_cp, a, na, b, nb);
}

/*
 * Unrestricted Damerau-Levenshtein (Lowrance and Wagner 1975).  d(i, j)
 * is the distance between the first i code points of a and the first j
 * of b, kept at T[(i + 1) w + j + 1] with w = lb + 2; row and column 0
 * of T are larger than any distance.  Besides the three Levenshtein
 * moves, d(i, j) may end with a transposition: a[k] = b[j] with k < i
 * the last such, b[l] = a[i] with l < j the last such (1-based), and
 * d(k - 1, l - 1) + (i - k - 1) + 1 + (j - l - 1), the code points
 * between them deleted and inserted.  last[j] is k for b[j]: it is the
 * last row whose code point equals b[j], whichever j holds it.
 */
static double
dl_cp(const int32_t *a, size_t la, const int32_t *b, size_t lb)
{
	uint32_t tbuf[STRSIM_DL_CELLS], lbuf[STRSIM_SHORT], *t, *last;
	uint32_t inf, v, c, k, l, lrow;
	size_t w, i, j, d;

	if (la == 0 || lb == 0)
		return la + lb;
	w = lb + 2;
	t = room(tbuf, sizeof(tbuf), (la + 2) * w * sizeof(*t));
	last = room(lbuf, sizeof(lbuf), lb * sizeof(*last));
	inf = la + lb + 1;
	for (j = 0; j < w; j++)
		t[j] = inf;
	for (i = 0; i <= la; i++) {
		t[(i + 1) * w] = inf;
		t[(i + 1) * w + 1] = i;
	}
	for (j = 1; j <= lb; j++)
		t[w + j + 1] = j;
	memset(last, 0, lb * sizeof(*last));
	for (i = 1; i <= la; i++) {
		lrow = 0;
		for (j = 1; j <= lb; j++) {
			k = last[j - 1];
			l = lrow;
			c = a[i - 1] != b[j - 1];
			if (!c) {
				lrow = j;
				last[j - 1] = i;
			}
			v = t[i * w + j] + c;
			if (t[(i + 1) * w + j] + 1 < v)
				v = t[(i + 1) * w + j] + 1;
			if (t[i * w + j + 1] + 1 < v)
				v = t[i * w + j + 1] + 1;
			/* T[k][l] is d(k - 1, l - 1); inf when k or l is 0. */
			c = t[k * w + l] + (i - k - 1) + 1 + (j - l - 1);
			if (k > 0 && l > 0 && c < v)
				v = c;
			t[(i + 1) * w + j + 1] = v;
		}
	}
	d = t[(la + 1) * w + lb + 1];
	unroom(t, tbuf);
	unroom(last, lbuf);
	return d;
}

double
strsim_damerau_levenshtein(const char *a, size_t na, const char *b,
    size_t nb)
{
	return on_cps(dl_cp, a, na, b, nb);
}

/* A token: its hash, where it is and its length. */
struct tok {
	uint64_t	 h;		/* hash64 of the bytes */
	const char	*p;		/* its bytes, the caller's */
	size_t		 n;		/* their length */
};

/* Tokens of a string: a stack array that grows onto the heap. */
struct toks {
	struct tok	*v;		/* buf, or allocated */
	size_t		 n;		/* tokens in v */
	size_t		 cap;		/* room in v */
	struct tok	 buf[64];	/* the first ones */
};

static int
tok_cmp(const struct tok *x, const struct tok *y)
{
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return memcmp(x->p, y->p, x->n);
}

static int
tok_qcmp(const void *x, const void *y)
{
	return tok_cmp(x, y);
}

/* Cut p[0..n) at white space, then sort the tokens and drop repeats. */
static void
toks_cut(struct toks *t, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, start = 0, adv, k, u;
	int32_t cp;
	int in = 0, sp;
	struct tok x;

	t->v = t->buf;
	t->n = 0;
	t->cap = sizeof(t->buf) / sizeof(t->buf[0]);
	while (i <= n) {
		adv = 1;
		if (i == n)
			sp = 1;
		else if (s[i] < 0x80)
			sp = s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r');
		else {
			cp = utf8_decode(p + i, n - i, &adv);
			sp = cp >= 0 && text_is_space(cp);
		}
		if (!sp && !in) {
			in = 1;
			start = i;
		} else if (sp && in) {
			in = 0;
			if (t->n == t->cap) {
				t->cap *= 2;
				if (t->v == t->buf) {
					t->v = xreallocarray(NULL, t->cap,
					    sizeof(*t->v));
					memcpy(t->v, t->buf, sizeof(t->buf));
				} else
					t->v = xreallocarray(t->v, t->cap,
					    sizeof(*t->v));
			}
			t->v[t->n].p = p + start;
			t->v[t->n].n = i - start;
			t->v[t->n].h = hash64(p + start, i - start);
			t->n++;
		}
		i += adv;
	}
	if (t->n > 16)
		qsort(t->v, t->n, sizeof(*t->v), tok_qcmp);
	else
		for (k = 1; k < t->n; k++) {
			x = t->v[k];
			for (u = k; u > 0 && tok_cmp(&t->v[u - 1], &x) > 0;
			    u--)
				t->v[u] = t->v[u - 1];
			t->v[u] = x;
		}
	for (k = u = 0; k < t->n; k++)
		if (u == 0 || tok_cmp(&t->v[u - 1], &t->v[k]) != 0)
			t->v[u++] = t->v[k];
	t->n = u;
}

double
strsim_token_jaccard(const char *a, size_t na, const char *b, size_t nb)
{
	struct toks ta, tb;
	size_t i = 0, j = 0, both = 0;
	int c;
	double sim;

	toks_cut(&ta, a, na);
	toks_cut(&tb, b, nb);
	while (i < ta.n && j < tb.n) {
		c = tok_cmp(&ta.v[i], &tb.v[j]);
		both += c == 0;
		i += c <= 0;
		j += c >= 0;
	}
	sim = ta.n == 0 || tb.n == 0 ? 0 :
	    (double)both / (ta.n + tb.n - both);
	if (ta.v != ta.buf)
		free(ta.v);
	if (tb.v != tb.buf)
		free(tb.v);
	return sim;
}

static int
key_qcmp(const void *x, const void *y)
{
	uint64_t u = *(const uint64_t *)x, v = *(const uint64_t *)y;

	return u < v ? -1 : u > v;
}

/*
 * The sorted q-gram keys of the code points v[0..n), padded: 21 bits a
 * code point, n + q - 1 of them into k.
 */
static size_t
qgram_keys(const int32_t *v, size_t n, unsigned q, uint64_t *k)
{
	size_t g, ng = n + q - 1, p, i, u;
	uint64_t key, x;
	unsigned e;

	for (g = 0; g < ng; g++) {
		key = 0;
		for (e = 0; e < q; e++) {
			/* Padded position g + e: q - 1 marks, then v. */
			p = g + e;
			if (p < q - 1)
				x = START;
			else if (p - (q - 1) < n)
				x = (uint32_t)v[p - (q - 1)];
			else
				x = END;
			key = key << 21 | x;
		}
		k[g] = key;
	}
	if (ng > 32)
		qsort(k, ng, sizeof(*k), key_qcmp);
	else
		for (i = 1; i < ng; i++) {
			key = k[i];
			for (u = i; u > 0 && k[u - 1] > key; u--)
				k[u] = k[u - 1];
			k[u] = key;
		}
	return ng;
}

double
strsim_qgram(const char *a, size_t na, const char *b, size_t nb,
    unsigned q)
{
	uint64_t kbuf[2 * (STRSIM_SHORT + 2)], *ka, *kb;
	struct cps ca, cb;
	size_t ga, gb, i = 0, j = 0, lo = 0, hi = 0;

	if (na == 0 || nb == 0)
		return 0;
	if (q < 1 || q > 3)
		q = 2;
	cps_decode(&ca, a, na);
	cps_decode(&cb, b, nb);
	ka = room(kbuf, sizeof(kbuf),
	    (ca.n + cb.n + 2 * (q - 1)) * sizeof(*ka));
	kb = ka + ca.n + q - 1;
	ga = qgram_keys(ca.v, ca.n, q, ka);
	gb = qgram_keys(cb.v, cb.n, q, kb);
	/*
	 * Walking two sorted multisets, a pair of equal keys is one in the
	 * intersection (the sum of the smaller counts) and one in the union;
	 * a key without a partner is one in the union (the larger counts).
	 */
	while (i < ga && j < gb) {
		hi++;
		if (ka[i] == kb[j]) {
			lo++;
			i++;
			j++;
		} else if (ka[i] < kb[j])
			i++;
		else
			j++;
	}
	hi += (ga - i) + (gb - j);
	unroom(ka, kbuf);
	cps_free(&ca);
	cps_free(&cb);
	return (double)lo / hi;
}

double
strsim_absdiff(double a, double b)
{
	return fabs(a - b);
}

double
strsim_reldiff(double a, double b)
{
	double m;

	if (!isfinite(a) || !isfinite(b))
		return NAN;
	m = fmax(fabs(a), fabs(b));
	return m == 0 ? 0 : fabs(a - b) / m;
}

/* A full-date read: its text, year, month and day. */
struct date {
	char		 s[11];		/* "YYYY-MM-DD" and a NUL */
	int		 y;		/* year */
	int		 m;		/* month, 1 to 12 */
	int		 d;		/* day of the month */
};

/* Read the full-date s[0..n) into *t; 0 when it is not a valid one. */
static int
date_read(const char *s, size_t n, struct date *t)
{
	if (s == NULL || n != 10 ||
	    !format_check(format_lookup("date"), s, n))
		return 0;
	memcpy(t->s, s, 10);
	t->s[10] = '\0';
	t->y = ((s[0] - '0') * 10 + (s[1] - '0')) * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0');
	t->m = (s[5] - '0') * 10 + (s[6] - '0');
	t->d = (s[8] - '0') * 10 + (s[9] - '0');
	return 1;
}

/* Whole days between two dates read. */
static double
date_apart(const struct date *x, const struct date *y)
{
	return fabs(rfc3339_seconds(y->s) - rfc3339_seconds(x->s)) / 86400;
}

double
strsim_date_days(const char *a, size_t na, const char *b, size_t nb)
{
	struct date x, y;

	if (!date_read(a, na, &x) || !date_read(b, nb, &y))
		return NAN;
	return date_apart(&x, &y);
}

/* Are two dates read a day-month swap of each other? */
static int
swapped(const struct date *x, const struct date *y)
{
	return x->y == y->y && x->m == y->d && x->d == y->m && x->m != x->d;
}

int
strsim_date_swapped(const char *a, size_t na, const char *b, size_t nb)
{
	struct date x, y;

	return date_read(a, na, &x) && date_read(b, nb, &y) &&
	    swapped(&x, &y);
}

int
strsim_date_level(const char *a, size_t na, const char *b, size_t nb,
    double maxdays)
{
	struct date x, y;

	if (!date_read(a, na, &x) || !date_read(b, nb, &y))
		return STRSIM_DATE_INVALID;
	if (x.y == y.y && x.m == y.m && x.d == y.d)
		return STRSIM_DATE_EXACT;
	if (swapped(&x, &y))
		return STRSIM_DATE_SWAP;
	if (x.m == y.m && x.d == y.d && abs(x.y - y.y) == 1)
		return STRSIM_DATE_YEAR;
	if (maxdays >= 0 && date_apart(&x, &y) <= maxdays)
		return STRSIM_DATE_NEAR;
	return STRSIM_DATE_OTHER;
}
