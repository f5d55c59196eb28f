/* minhash.c -- shingles, MinHash signatures and LSH bands of a text */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lib/base/clones.h"
#include "lib/base/hash.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/minhash.h"
#include "lib/text/text.h"

#define MAXGRAM	64		/* longest shingle, in words or code points */

struct minhash {
	struct mh_params p;		/* the parameters */
	uint64_t	*a;		/* num_perm odd multipliers; owned */
	uint64_t	*b;		/* num_perm addends; owned */
};

/* The probability that a pair of similarity s becomes a candidate. */
static double
mh_candidate(double s, unsigned b, unsigned r)
{
	return 1 - pow(1 - pow(s, r), b);
}

/* Simpson's rule for the candidate probability (or its complement). */
static double
mh_area(double lo, double hi, unsigned b, unsigned r, int miss)
{
	enum { STEPS = 256 };
	double h = (hi - lo) / STEPS, sum = 0, y;
	int i;

	for (i = 0; i <= STEPS; i++) {
		y = mh_candidate(lo + i * h, b, r);
		if (miss)
			y = 1 - y;
		sum += y * (i == 0 || i == STEPS ? 1 : i % 2 ? 4 : 2);
	}
	return sum * h / 3;
}

void
mh_optimal(double threshold, unsigned k, double fpw, unsigned maxbands,
    unsigned *bands, unsigned *rows)
{
	double err, best = INFINITY;
	unsigned b, r;

	*bands = 1;
	*rows = k;
	for (b = 1; b <= k && b <= maxbands; b++)
		for (r = 1; r <= k / b; r++) {
			err = fpw * mh_area(0, threshold, b, r, 0) +
			    (1 - fpw) * mh_area(threshold, 1, b, r, 1);
			if (err < best) {
				best = err;
				*bands = b;
				*rows = r;
			}
		}
}

/* ASCII white space, which also ends a run that is folded on its own. */
static inline int
mh_ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Is c white space?  ASCII bytes are decided without decoding. */
static inline int
mh_space(const char *p, size_t n, size_t *adv)
{
	unsigned char c = (unsigned char)*p;

	*adv = 1;
	if (c < 0x80)
		return mh_ascii_space(c);
	return text_is_space(utf8_decode(p, n, adv));
}

/* Does aggressive normalisation drop the code point c? */
static int
mh_dropped(int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD:
	case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
	case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_ND:
		return 1;
	default:
		return 0;
	}
}

/* Is p[0..n) all ASCII? */
static int
mh_ascii(const char *p, size_t n)
{
	uint64_t w, any = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		any |= w;
	}
	for (; i < n; i++)
		any |= (unsigned char)p[i];
	return (any & 0x8080808080808080ULL) == 0;
}

/*
 * Append the words of p[0..n), already folded, to out, which has room
 * for n + 1 more bytes: one space between words, ASCII lower-cased, and
 * for aggressive punctuation and digits dropped.  *gap says a word ended
 * before p.
 */
static void
mh_words(int mode, const char *p, size_t n, struct buf *out, int *gap)
{
	size_t i, adv;
	int32_t c;
	char *o;

	o = out->data + out->len;
	for (i = 0; i < n; i += adv) {
		if (mh_space(p + i, n - i, &adv)) {
			*gap = 1;
			continue;
		}
		if ((unsigned char)p[i] < 0x80) {
			c = (unsigned char)p[i];
			if (mode == MH_NORM_AGGRESSIVE &&
			    (text_is_digit(c) || (c > ' ' && c < 0x7f &&
			    !text_is_alnum(c) && mh_dropped(c))))
				continue;
		} else {
			c = utf8_decode(p + i, n - i, &adv);
			if (mode == MH_NORM_AGGRESSIVE && mh_dropped(c))
				continue;
		}
		if (*gap && o > out->data)
			*o++ = ' ';
		*gap = 0;
		if (adv == 1)
			*o++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		else
			memcpy(o, p + i, adv);
		o += adv > 1 ? adv : 0;
	}
	out->len = (size_t)(o - out->data);
	*o = '\0';
}

void
mh_normalize(int mode, const char *p, size_t n, struct buf *out)
{
	size_t i, j, k, len;
	char *folded, *o;
	int gap = 0, ascii;

	buf_reset(out);
	if (mode == MH_NORM_NONE) {
		buf_add(out, p, n);
		return;
	}
	/*
	 * NFKC and case folding leave ASCII as it is, lower case aside, and
	 * never reach across white space, which composes with nothing: only
	 * the runs with other characters go through utf8proc.
	 */
	buf_grow(out, n + 1);
	for (i = 0; i < n; i = j) {
		if (mh_ascii_space((unsigned char)p[i])) {
			gap = 1;
			j = i + 1;
			continue;
		}
		ascii = 1;
		for (j = i; j < n && !mh_ascii_space((unsigned char)p[j]); j++)
			ascii &= (unsigned char)p[j] < 0x80;
		if (ascii && mode == MH_NORM_BASIC) {
			/* The common case: an ASCII word, lower-cased. */
			o = out->data + out->len;
			if (gap && out->len > 0)
				*o++ = ' ';
			gap = 0;
			for (k = i; k < j; k++)
				*o++ = (char)(p[k] >= 'A' && p[k] <= 'Z' ?
				    p[k] + 32 : p[k]);
			*o = '\0';
			out->len = (size_t)(o - out->data);
			continue;
		}
		folded = ascii ? NULL : text_normalize(p + i, j - i,
		    TEXT_NFKC | TEXT_CASEFOLD, &len);
		if (folded != NULL) {
			/* Folding may lengthen: a ligature is two letters. */
			buf_grow(out, len + 1);
			mh_words(mode, folded, len, out, &gap);
			free(folded);
		} else {
			mh_words(mode, p + i, j - i, out, &gap);
		}
	}
}

/* Is c in a script written without spaces between words? */
static int
mh_unspaced_cp(int32_t c)
{
	return (c >= 0x0e00 && c <= 0x0eff) ||	/* Thai, Lao */
	    (c >= 0x1000 && c <= 0x109f) ||	/* Myanmar */
	    (c >= 0x1780 && c <= 0x17ff) ||	/* Khmer */
	    (c >= 0x3040 && c <= 0x30ff) ||	/* Hiragana, Katakana */
	    (c >= 0x3400 && c <= 0x4dbf) ||	/* Han extension A */
	    (c >= 0x4e00 && c <= 0x9fff) ||	/* Han */
	    (c >= 0xf900 && c <= 0xfaff) ||	/* Han compatibility */
	    (c >= 0x20000 && c <= 0x3ffff);	/* Han supplements */
}

int
mh_unspaced(const char *p, size_t n)
{
	size_t i, adv, letters = 0, unspaced = 0;
	int32_t c;

	if (mh_ascii(p, n))
		return 0;
	for (i = 0; i < n; i += adv) {
		if ((unsigned char)p[i] < 0x80) {
			adv = 1;
			letters += text_is_alpha((unsigned char)p[i]);
			continue;
		}
		c = utf8_decode(p + i, n - i, &adv);
		if (mh_unspaced_cp(c)) {
			unspaced++;
			letters++;
		} else if (utf8proc_category(c) <= UTF8PROC_CATEGORY_LO) {
			letters++;
		}
	}
	return unspaced * 2 > letters;
}

/* Append one hash to *sh. */
static void
mh_push(uint64_t **sh, size_t *cap, size_t *n, uint64_t h)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*sh = xrealloc(*sh, *cap * sizeof(**sh));
	}
	(*sh)[(*n)++] = h;
}

size_t
mh_shingles(const char *p, size_t n, unsigned ngram, int chars,
    uint64_t **sh, size_t *cap)
{
	size_t start[MAXGRAM];		/* where the last ngram units begin */
	size_t i, j, adv, units = 0, count = 0, end = 0, at = 0;
	unsigned char c;

	if (ngram < 1)
		ngram = 1;
	if (ngram > MAXGRAM)
		ngram = MAXGRAM;
	for (i = 0; i < n; i += adv) {
		c = (unsigned char)p[i];
		if (chars) {
			adv = c < 0x80 ? 1 :
			    utf8_decode(p + i, n - i, &adv) >= 0 ? adv : 1;
			end = i + adv;
		} else {
			if (mh_space(p + i, n - i, &adv))
				continue;
			for (j = i + adv; j < n && !mh_space(p + j, n - j, &adv);
			    j += adv)
				;
			end = j;
			adv = j - i;
		}
		/* start[at] is the oldest of the last ngram units. */
		start[at] = i;
		at = at + 1 == ngram ? 0 : at + 1;
		if (++units >= ngram)
			mh_push(sh, cap, &count, hash64(p + start[at],
			    end - start[at]));
	}
	if (units > 0 && units < ngram)
		mh_push(sh, cap, &count, hash64(p + start[0], end - start[0]));
	return count;
}

struct minhash *
mh_new(const struct mh_params *p)
{
	struct minhash *m = xcalloc(1, sizeof(*m));
	uint64_t state = p->seed;
	unsigned i;

	m->p = *p;
	m->a = xcalloc(p->num_perm, sizeof(*m->a));
	m->b = xcalloc(p->num_perm, sizeof(*m->b));
	for (i = 0; i < p->num_perm; i++) {
		m->a[i] = hash_splitmix64(&state) | 1;
		m->b[i] = hash_splitmix64(&state);
	}
	return m;
}

void
mh_free(struct minhash *m)
{
	if (m == NULL)
		return;
	free(m->a);
	free(m->b);
	free(m);
}

const struct mh_params *
mh_params_of(const struct minhash *m)
{
	return &m->p;
}

typedef uint64_t v8u64 __attribute__((vector_size(64)));

/* The helpers are inlined: the ABI note about passing vectors does not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"

/*
 * Sixteen functions at a time, over every shingle: the multipliers,
 * addends and minima stay in registers, and with AVX-512 the 64-bit
 * multiplies go eight to an instruction.
 */
CLONES static void
mh_minimise(const uint64_t *restrict a, const uint64_t *restrict b,
    unsigned k, const uint64_t *sh, size_t n, uint32_t *restrict sig)
{
	v8u64 a0, a1, b0, b1, m0, m1, v0, v1, c0, c1;
	unsigned i, l;
	size_t j;
	uint64_t v;

	for (i = 0; i + 16 <= k; i += 16) {
		memcpy(&a0, a + i, sizeof(a0));
		memcpy(&a1, a + i + 8, sizeof(a1));
		memcpy(&b0, b + i, sizeof(b0));
		memcpy(&b1, b + i + 8, sizeof(b1));
		m0 = m1 = (v8u64){ 0 } + UINT32_MAX;
		for (j = 0; j < n; j++) {
			v0 = (a0 * sh[j] + b0) >> 32;
			v1 = (a1 * sh[j] + b1) >> 32;
			c0 = (v8u64)(v0 < m0);
			c1 = (v8u64)(v1 < m1);
			m0 = (v0 & c0) | (m0 & ~c0);
			m1 = (v1 & c1) | (m1 & ~c1);
		}
		for (l = 0; l < 8; l++) {
			sig[i + l] = (uint32_t)m0[l];
			sig[i + 8 + l] = (uint32_t)m1[l];
		}
	}
	for (; i < k; i++) {
		sig[i] = UINT32_MAX;
		for (j = 0; j < n; j++) {
			v = (a[i] * sh[j] + b[i]) >> 32;
			sig[i] = v < sig[i] ? (uint32_t)v : sig[i];
		}
	}
}

void
mh_signature(const struct minhash *m, const uint64_t *sh, size_t n,
    uint32_t *sig)
{
	mh_minimise(m->a, m->b, m->p.num_perm, sh, n, sig);
}

void
mh_bands(const struct minhash *m, const uint32_t *sig, uint32_t *keys)
{
	unsigned j, i, r = m->p.rows;
	unsigned char bytes[4 * 256];
	const uint32_t *v;

	for (j = 0; j < m->p.bands; j++) {
		/* Little-endian bytes: the keys are the same on any host. */
		v = sig + (size_t)j * r;
		for (i = 0; i < r && i < 256; i++) {
			bytes[4 * i] = (unsigned char)v[i];
			bytes[4 * i + 1] = (unsigned char)(v[i] >> 8);
			bytes[4 * i + 2] = (unsigned char)(v[i] >> 16);
			bytes[4 * i + 3] = (unsigned char)(v[i] >> 24);
		}
		keys[j] = (uint32_t)hash64_seed(bytes, 4 * (size_t)i, j);
	}
}

void
mh_compact(const uint32_t *sig, unsigned k, uint8_t *out)
{
	unsigned i;

	for (i = 0; i + 1 < k; i += 2)
		out[i / 2] = (uint8_t)((sig[i] & 15) | (sig[i + 1] & 15) << 4);
}

unsigned
mh_matches(const uint8_t *a, const uint8_t *b, unsigned k)
{
	const uint64_t lo = 0x1111111111111111ULL;
	unsigned i, n = k / 2, diff = 0;
	uint64_t x, y;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		x ^= y;
		diff += __builtin_popcountll((x | x >> 1 | x >> 2 | x >> 3) &
		    lo);
	}
	for (; i < n; i++) {
		diff += (a[i] & 15) != (b[i] & 15);
		diff += (a[i] >> 4) != (b[i] >> 4);
	}
	return 2 * n - diff;
}

double
mh_estimate(unsigned m, unsigned k)
{
	double j;

	if (k == 0)
		return 0;
	j = ((double)m / k - 1.0 / 16) / (15.0 / 16);
	return j < 0 ? 0 : j > 1 ? 1 : j;
}

/*
 * Sort n 32-bit values: insertion for a few, else least significant
 * byte first through tmp (four counting passes, no comparisons).
 */
static void
mh_sort32(uint32_t *v, size_t n, uint32_t *tmp)
{
	size_t count[256], i, k, sum;
	uint32_t x, *from = v, *to = tmp, *t;
	unsigned shift;

	if (n < 64) {
		for (i = 1; i < n; i++) {
			x = v[i];
			for (k = i; k > 0 && v[k - 1] > x; k--)
				v[k] = v[k - 1];
			v[k] = x;
		}
		return;
	}
	for (shift = 0; shift < 32; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[from[i] >> shift & 255]++;
		for (i = sum = 0; i < 256; i++) {
			k = count[i];
			count[i] = sum;
			sum += k;
		}
		for (i = 0; i < n; i++)
			to[count[from[i] >> shift & 255]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	/* Four passes: the values are back in v. */
}

size_t
mh_set32(const uint64_t *sh, size_t n, uint32_t *out)
{
	uint32_t *tmp = n >= 64 ? xmalloc(n * sizeof(*tmp)) : NULL;
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		out[i] = (uint32_t)sh[i];
	mh_sort32(out, n, tmp);
	free(tmp);
	for (i = 0; i < n; i++)
		if (m == 0 || out[m - 1] != out[i])
			out[m++] = out[i];
	return m;
}

double
mh_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, both = 0;

	if (na + nb == 0)
		return 1;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			both++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)both / (double)(na + nb - both);
}
