/* rblock.c -- blocking: the pairs of records a resolve run compares */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/base/hash.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/resolve/rblock.h"

#define SEP	'\x1f'		/* between the terms of a key */

void
rblock_sort(uint64_t *k, uint32_t *val, size_t n)
{
	uint64_t *k2 = xmalloc((n ? n : 1) * sizeof(*k2)), *ks = k, *kd = k2,
	    *kt;
	uint32_t *v2 = val != NULL ? xmalloc((n ? n : 1) * sizeof(*v2)) : NULL,
	    *vs = val, *vd = v2, *vt;
	size_t count[65536], i, sum, c;
	unsigned shift;

	for (shift = 0; shift < 64; shift += 16) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(ks[i] >> shift) & 0xffff]++;
		/* A digit every number shares needs no pass. */
		if (n == 0 || count[(ks[0] >> shift) & 0xffff] == n)
			continue;
		for (i = 0, sum = 0; i < 65536; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			c = count[(ks[i] >> shift) & 0xffff]++;
			kd[c] = ks[i];
			if (vs != NULL)
				vd[c] = vs[i];
		}
		kt = ks, ks = kd, kd = kt;
		vt = vs, vs = vd, vd = vt;
	}
	if (ks != k) {
		memcpy(k, ks, n * sizeof(*k));
		if (val != NULL)
			memcpy(val, vs, n * sizeof(*val));
	}
	free(k2);
	free(v2);
}

/* Append term t of record r to out; 0 when it is empty. */
static int
rblock_term(const struct rdata *d, const struct rm_term *t, uint32_t r,
    struct buf *out)
{
	const struct rval *v = rdata_val(d, r, t->field);
	const char *p, *q;
	size_t n, len, adv, cps;
	uint32_t code;

	if ((p = rdata_value(d, r, t->field, &n)) == NULL)
		return 0;
	switch (t->fn) {
	case RB_SOUNDEX:
	case RB_DMETAPHONE:
		code = t->fn == RB_SOUNDEX ? v->sdx : v->dm1;
		if (code == RDATA_NONE)
			return 0;
		p = rdata_code(d, t->field, code, &n);
		break;
	case RB_YEAR:
		/* The first four digits: a normalised date's year. */
		for (q = p; q < p + n && !(*q >= '0' && *q <= '9'); q++)
			;
		for (len = 0; q + len < p + n && len < 4 && q[len] >= '0' &&
		    q[len] <= '9'; len++)
			;
		if (len < 4)
			return 0;
		p = q;
		n = 4;
		break;
	case RB_FIRST:
		for (len = 0, cps = 0; len < n && cps < t->n; cps++) {
			utf8_decode(p + len, n - len, &adv);
			len += adv;
		}
		n = len;
		break;
	case RB_LAST:
		for (cps = 0, q = p + n; q > p && cps < t->n; cps++)
			for (q--; q > p && (*q & 0xc0) == 0x80; q--)
				;
		n = (size_t)(p + n - q);
		p = q;
		break;
	}
	buf_add(out, p, n);
	return 1;
}

size_t
rblock_keys(const struct rdata *d, int k, uint32_t r, struct buf *out)
{
	const struct rm_rule *rule = &d->m->rule[k];
	size_t base = out->len, head, nkeys = 0, i, n;
	const char *w, *end, *s;
	struct buf tok = BUF_INIT;
	int t, tokens = -1;

	for (t = 0; t < rule->nterm; t++) {
		if (t > 0)
			buf_addc(out, SEP);
		if (rule->term[t].fn == RB_TOKENS) {
			/* A mark where the words go, filled in below. */
			tokens = t;
			if (rdata_value(d, r, rule->term[t].field, &n) == NULL)
				goto empty;
			continue;
		}
		if (!rblock_term(d, &rule->term[t], r, out))
			goto empty;
	}
	if (tokens < 0) {
		buf_addc(out, '\0');
		return 1;
	}
	/* One key a distinct word: the key with the word spliced in. */
	head = out->len;
	buf_add(&tok, out->data + base, head - base);
	out->len = base;
	w = rdata_value(d, r, rule->term[tokens].field, &n);
	end = w + n;
	while (w < end) {
		while (w < end && *w == ' ')
			w++;
		for (s = w; s < end && *s != ' '; s++)
			;
		if (s > w) {
			size_t cut = 0;

			/* Find the mark: the tokens term's separator. */
			for (i = 0, t = 0; i < tok.len && t < tokens; i++)
				if (tok.data[i] == SEP)
					t++;
			cut = i;
			buf_add(out, tok.data, cut);
			buf_add(out, w, (size_t)(s - w));
			buf_add(out, tok.data + cut, tok.len - cut);
			buf_addc(out, '\0');
			nkeys++;
		}
		w = s;
	}
	buf_release(&tok);
	return nkeys;
empty:
	out->len = base;
	if (out->cap > 0)
		out->data[base] = '\0';
	buf_release(&tok);
	return 0;
}

uint64_t
rblock_hash(int k, const char *p, size_t n)
{
	return hash64_seed(p, n, (uint64_t)k + 1);
}

void
rcand_free(struct rcand *c)
{
	free(c->pair);
	free(c->rules);
	memset(c, 0, sizeof(*c));
}

/* The keys of one rule, hashed, with their records, sorted by key. */
struct rkeys {
	uint64_t	*key;
	uint32_t	*rec;
	size_t		 n, cap;
};

static void
rblock_rule_keys(const struct rdata *d, int k, struct rkeys *ks)
{
	struct buf b = BUF_INIT;
	size_t n, i;
	const char *p;
	uint32_t r;

	memset(ks, 0, sizeof(*ks));
	for (r = 0; r < d->nrec; r++) {
		buf_reset(&b);
		n = rblock_keys(d, k, r, &b);
		for (i = 0, p = b.data; i < n; i++, p += strlen(p) + 1) {
			if (ks->n == ks->cap) {
				ks->cap = ks->cap ? ks->cap * 2 : 1024;
				ks->key = xreallocarray(ks->key, ks->cap,
				    sizeof(*ks->key));
				ks->rec = xreallocarray(ks->rec, ks->cap,
				    sizeof(*ks->rec));
			}
			ks->key[ks->n] = rblock_hash(k, p, strlen(p));
			ks->rec[ks->n++] = r;
		}
	}
	buf_release(&b);
	rblock_sort(ks->key, ks->rec, ks->n);
}

/* May records a and b (a < b) be a pair in this mode? */
static int
rblock_eligible(const struct rdata *d, int mode, uint32_t a, uint32_t b)
{
	if (mode == RBLOCK_LINK)
		return d->src[a] != d->src[b];
	return !(d->flags[a] & d->flags[b] & RDATA_PRIOR);
}

/* The pairs a block of n records makes: see rblock_candidates. */
static uint64_t
rblock_block_pairs(const struct rdata *d, int mode, const uint32_t *rec,
    size_t n)
{
	uint64_t one = 0, prior = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (mode == RBLOCK_LINK)
			one += d->src[rec[i]] != 0;
		else
			prior += (d->flags[rec[i]] & RDATA_PRIOR) != 0;
	}
	if (mode == RBLOCK_LINK)
		return one * (n - one);
	return (uint64_t)n * (n - 1) / 2 - prior * (prior ? prior - 1 : 0) / 2;
}

/* Pairs of the sorted keys of a rule, found so far in *pairs. */
static void
rblock_rule_pairs(const struct rdata *d, int mode, const struct rkeys *ks,
    uint64_t **pairs, size_t *npairs)
{
	size_t i, j, a, b, n = 0, cap = 0;
	uint64_t *p = NULL;
	uint32_t x, y;

	for (i = 0; i < ks->n; i = j) {
		for (j = i + 1; j < ks->n && ks->key[j] == ks->key[i]; j++)
			;
		for (a = i; a < j; a++) {
			for (b = a + 1; b < j; b++) {
				x = ks->rec[a];
				y = ks->rec[b];
				if (x == y || !rblock_eligible(d, mode, x, y))
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 4096;
					p = xreallocarray(p, cap, sizeof(*p));
				}
				p[n++] = RBLOCK_PAIR(x, y);
			}
		}
	}
	rblock_sort(p, NULL, n);
	/* A pair that shares two words of a tokens() rule comes twice. */
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || p[i] != p[j - 1])
			p[j++] = p[i];
	*pairs = p;
	*npairs = j;
}

/* Advice for a rule that makes too many pairs. */
static int
rblock_explodes(const struct rdata *d, int k, const struct rkeys *ks,
    uint64_t pairs, uint64_t total, uint64_t max, struct buf *err)
{
	const struct rmodel *m = d->m;
	size_t i, j, best = 0, bestn = 0, n;
	struct buf keys = BUF_INIT;
	const char *p = "", *q, *other = NULL;
	int f, t;

	for (i = 0; i < ks->n; i = j) {
		for (j = i + 1; j < ks->n && ks->key[j] == ks->key[i]; j++)
			;
		if (j - i > bestn) {
			bestn = j - i;
			best = i;
		}
	}
	/* The key of the largest block, among its first record's keys. */
	if (bestn > 0) {
		n = rblock_keys(d, k, ks->rec[best], &keys);
		for (i = 0, q = keys.data; i < n; i++, q += strlen(q) + 1)
			if (rblock_hash(k, q, strlen(q)) == ks->key[best])
				p = q;
		for (q = p; *q != '\0'; q++)
			if (*q == SEP)
				*(char *)q = '+';
	}
	/* A field the rule does not use, to suggest. */
	for (f = 0; f < m->nfield && other == NULL; f++) {
		for (t = 0; t < m->rule[k].nterm; t++)
			if (m->rule[k].term[t].field == f)
				break;
		if (t == m->rule[k].nterm)
			other = m->field[f].name;
	}
	buf_fail(err, "blocking would make %llu candidate pairs (the pairs "
	    "of each rule, summed), more than --max-pairs %llu; rule '%s' "
	    "makes %llu of them, and its largest block, key '%s', has %zu "
	    "records: add a term that splits it (such as '%s+first(%s,3)'), "
	    "or raise --max-pairs", (unsigned long long)total,
	    (unsigned long long)max, m->rule[k].text,
	    (unsigned long long)pairs, p, bestn, m->rule[k].text,
	    other != NULL ? other : "FIELD");
	buf_release(&keys);
	return -1;
}

int
rblock_candidates(const struct rdata *d, int mode, uint64_t max_pairs,
    struct rcand *c, struct buf *err)
{
	struct rkeys ks[RM_MAX_RULES];
	uint64_t total = 0, *p, *merged;
	uint16_t *mrules;
	size_t i, j, np, n, worst = 0;
	int k, rc = 0;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < d->m->nrule; k++) {
		rblock_rule_keys(d, k, &ks[k]);
		for (i = 0; i < ks[k].n; i = j) {
			for (j = i + 1; j < ks[k].n &&
			    ks[k].key[j] == ks[k].key[i]; j++)
				;
			c->count[k] += rblock_block_pairs(d, mode,
			    ks[k].rec + i, j - i);
		}
		total += c->count[k];
		if (c->count[k] > c->count[worst])
			worst = (size_t)k;
	}
	if (total > max_pairs) {
		rc = rblock_explodes(d, (int)worst, &ks[worst],
		    c->count[worst], total, max_pairs, err);
		goto done;
	}
	for (k = 0; k < d->m->nrule; k++) {
		rblock_rule_pairs(d, mode, &ks[k], &p, &np);
		c->count[k] = np;
		/* Merge the rule's pairs into those found so far. */
		merged = xmalloc((c->n + np + 1) * sizeof(*merged));
		mrules = xmalloc((c->n + np + 1) * sizeof(*mrules));
		for (i = 0, j = 0, n = 0; i < c->n || j < np; n++) {
			if (j == np || (i < c->n && c->pair[i] < p[j])) {
				merged[n] = c->pair[i];
				mrules[n] = c->rules[i++];
			} else if (i == c->n || p[j] < c->pair[i]) {
				merged[n] = p[j++];
				mrules[n] = (uint16_t)(1u << k);
			} else {
				merged[n] = p[j++];
				mrules[n] = (uint16_t)(c->rules[i++] |
				    1u << k);
			}
		}
		free(c->pair);
		free(c->rules);
		free(p);
		c->pair = merged;
		c->rules = mrules;
		c->n = n;
	}
done:
	for (k = 0; k < d->m->nrule; k++) {
		free(ks[k].key);
		free(ks[k].rec);
	}
	return rc;
}
