/* rfs.c -- Fellegi-Sunter: estimating m, u and the prior; match weights */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hash.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/resolve/rcompare.h"
#include "lib/resolve/rfs.h"

#define EM_ITERATIONS	200	/* at most */
#define EM_TOLERANCE	1e-7	/* largest change of a parameter to stop */

static double
rfs_clamp(double p)
{
	return p < RFS_FLOOR ? RFS_FLOOR : p > 1 - RFS_FLOOR ? 1 - RFS_FLOOR :
	    p;
}

/* Scale p[0..n) to sum 1, each kept above the floor. */
static void
rfs_normal(double *p, int n)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += p[i] = p[i] < RFS_FLOOR ? RFS_FLOOR : p[i];
	for (i = 0; i < n; i++)
		p[i] = rfs_clamp(p[i] / sum);
}

/* The m to start EM from, and to keep when nothing estimates it. */
static void
rfs_default_m(const struct rm_field *f, double *m)
{
	int l, L = f->nlevel;

	m[0] = 0.9;
	for (l = 1; l < L; l++)
		m[l] = 0.08 / (L - 1);
	m[L] = L > 1 ? 0.02 : 0.1;
	rfs_normal(m, L + 1);
}

double
rfs_all_pairs(const struct rdata *d, int mode)
{
	double n = 0, one = 0, prior = 0;
	size_t r;

	for (r = 0; r < d->nrec; r++) {
		one += d->src[r] != 0;
		prior += (d->flags[r] & RDATA_PRIOR) != 0;
	}
	n = (double)d->nrec;
	if (mode == RBLOCK_LINK)
		return one * (n - one);
	return n * (n - 1) / 2 - prior * (prior - 1) / 2;
}

uint64_t *
rfs_sample(const struct rdata *d, int mode, uint64_t samples, uint64_t seed,
    size_t *np)
{
	uint32_t *side[2] = { NULL, NULL }, a, b, t;
	size_t nside[2] = { 0, 0 }, r, n = 0, i, j;
	uint64_t *p, state = seed;
	double all = rfs_all_pairs(d, mode);
	int k;

	for (r = 0; r < d->nrec; r++) {
		k = mode == RBLOCK_LINK ? d->src[r] != 0 : 0;
		if (nside[k] % 1024 == 0)
			side[k] = xreallocarray(side[k], nside[k] + 1024,
			    sizeof(*side[k]));
		side[k][nside[k]++] = (uint32_t)r;
	}
	if (all <= (double)samples) {
		/* Every pair, in order. */
		p = xmalloc(((size_t)all + 1) * sizeof(*p));
		for (i = 0; i < nside[0]; i++) {
			if (mode == RBLOCK_LINK) {
				for (j = 0; j < nside[1]; j++)
					p[n++] = side[0][i] < side[1][j] ?
					    RBLOCK_PAIR(side[0][i], side[1][j]) :
					    RBLOCK_PAIR(side[1][j], side[0][i]);
			} else {
				for (j = i + 1; j < nside[0]; j++)
					if (!(d->flags[side[0][i]] &
					    d->flags[side[0][j]] & RDATA_PRIOR))
						p[n++] = RBLOCK_PAIR(side[0][i],
						    side[0][j]);
			}
		}
	} else {
		p = xmalloc(samples * sizeof(*p));
		while (n < samples) {
			a = side[0][hash_splitmix64(&state) % nside[0]];
			k = mode == RBLOCK_LINK;
			b = side[k][hash_splitmix64(&state) % nside[k]];
			if (a == b)
				continue;
			if (a > b)
				t = a, a = b, b = t;
			p[n++] = RBLOCK_PAIR(a, b);
		}
	}
	free(side[0]);
	free(side[1]);
	*np = n;
	return p;
}

void
rfs_estimate_u(struct rmodel *m, const uint8_t *gamma, size_t n,
    const double *weight)
{
	double count[RM_MAX_FIELDS][RM_MAX_LEVELS + 1];
	size_t nf = (size_t)m->nfield, i;
	int f, l, g, k;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		for (f = 0; f < m->nfield; f++)
			if (gamma[i * nf + (size_t)f] != RCMP_NULL)
				count[f][gamma[i * nf + (size_t)f]] +=
				    weight != NULL ? weight[i] : 1;
	for (f = 0; f < m->nfield; f++) {
		struct rm_field *fd = &m->field[f];

		/* Add-one smoothing: a level never seen is not impossible. */
		for (l = 0; l <= fd->nlevel; l++)
			fd->u[l] = count[f][l] + 1;
		rfs_normal(fd->u, fd->nlevel + 1);
	}
	for (g = 0; g < m->ngroup; g++) {
		struct rm_group *gr = &m->group[g];
		unsigned char pat[RM_MAX_GROUP];

		rmodel_group_clear(gr);
		for (i = 0; i < n; i++) {
			for (k = 0; k < gr->n; k++)
				pat[k] = gamma[i * nf + (size_t)gr->field[k]];
			rmodel_group_add(gr, pat, weight != NULL ? weight[i] :
			    1);
		}
	}
}

/*
 * log2 of the Bayes factor of the levels g of a pair: for each field of
 * use[] (NULL: all) not in a group, log2(m / u) of its level; for each
 * group whose fields are all in use[], the sum of its fields' log2 m
 * less log2 of the group's u for their pattern; a missing value counts
 * nothing.  m comes from mm, or the model when mm is NULL.  With d, a
 * field with "tf" weighs an exact agreement by the share of record a's
 * value.  With fw, each field's part goes to fw[f]: a group's u is
 * shared among its fields with values in proportion to their own
 * -log2 u.
 */
static double
rfs_bf(const struct rmodel *m, const uint8_t *g,
    double mm[][RM_MAX_LEVELS + 1], const int *use, const struct rdata *d,
    uint32_t a, double *fw)
{
	unsigned char pat[RM_MAX_GROUP];
	double w = 0, x, lu, share;
	const struct rval *v;
	int f, k, gi, all;

	for (f = 0; f < m->nfield; f++) {
		const struct rm_field *fd = &m->field[f];
		const double *mf = mm != NULL ? mm[f] : fd->m;

		x = 0;
		if ((use == NULL || use[f]) && fd->group < 0 &&
		    g[f] != RM_NULL) {
			if (g[f] == 0 && fd->tf && d != NULL) {
				v = rdata_val(d, a, f);
				x = log2(mf[0] / (isnan(v->tf) ? (double)v->count /
				    (double)d->dict[f].nonnull : v->tf));
			} else {
				x = log2(mf[g[f]] / fd->u[g[f]]);
			}
		}
		if (fw != NULL)
			fw[f] = x;
		w += x;
	}
	for (gi = 0; gi < m->ngroup; gi++) {
		const struct rm_group *gr = &m->group[gi];

		for (k = 0, all = 1, share = 0; k < gr->n; k++) {
			f = gr->field[k];
			pat[k] = g[f];
			if (use != NULL && !use[f])
				break;
			if (g[f] != RM_NULL) {
				all = 0;
				share -= log2(m->field[f].u[g[f]]);
			}
		}
		if (k < gr->n || all)
			continue;
		lu = log2(rmodel_group_u(gr, pat));
		for (k = 0; k < gr->n; k++) {
			f = gr->field[k];
			if (g[f] == RM_NULL)
				continue;
			x = log2(mm != NULL ? mm[f][g[f]] :
			    m->field[f].m[g[f]]);
			w += x;
			if (fw != NULL)
				fw[f] = x - lu * -log2(m->field[f].u[g[f]]) /
				    share;
		}
		w -= lu;
	}
	return w;
}

/* Distinct level patterns of some fields, and how many pairs have each. */
struct rpat {
	struct strmap	*map;		/* the patterns, nfield bytes each */
	double		*count;		/* pairs of each pattern */
	size_t		 cap;
};

static void
rpat_add(struct rpat *pt, const uint8_t *g, size_t nf)
{
	uint32_t i = strmap_intern(pt->map, g, nf, NULL);

	if (i >= pt->cap) {
		size_t old = pt->cap;

		pt->cap = pt->cap ? pt->cap * 2 : 256;
		pt->count = xreallocarray(pt->count, pt->cap,
		    sizeof(*pt->count));
		memset(pt->count + old, 0, (pt->cap - old) *
		    sizeof(*pt->count));
	}
	pt->count[i]++;
}

/*
 * EM over the patterns: the posterior of each pattern, m of the fields
 * use[] (the others ignored), and the share of matches *lambda.  Returns
 * the iterations it took.
 */
static int
rfs_em(struct rmodel *m, const struct rpat *pt, const int *use,
    double mm[][RM_MAX_LEVELS + 1], double *lambda)
{
	size_t np = strmap_count(pt->map), i;
	double acc[RM_MAX_FIELDS][RM_MAX_LEVELS + 1], tot, w, p, change;
	double dm[RM_MAX_LEVELS + 1];
	int it, f, l, nf = m->nfield;
	const uint8_t *g;

	for (it = 1; it <= EM_ITERATIONS; it++) {
		memset(acc, 0, sizeof(acc));
		tot = 0;
		for (i = 0; i < np; i++) {
			g = (const uint8_t *)strmap_key(pt->map, (uint32_t)i,
			    NULL);
			w = log2(*lambda / (1 - *lambda)) +
			    rfs_bf(m, g, mm, use, NULL, 0, NULL);
			p = rfs_probability(w) * pt->count[i];
			tot += p;
			for (f = 0; f < nf; f++)
				if (use[f] && g[f] != RCMP_NULL)
					acc[f][g[f]] += p;
		}
		change = 0;
		for (f = 0; f < nf; f++) {
			if (!use[f])
				continue;
			/*
			 * A pair's worth of the default m: on a few hundred
			 * pairs a level no match happened to have is not
			 * made impossible (one disagreement would veto).
			 */
			rfs_default_m(&m->field[f], dm);
			for (l = 0; l <= m->field[f].nlevel; l++)
				acc[f][l] += dm[l];
			rfs_normal(acc[f], m->field[f].nlevel + 1);
			for (l = 0; l <= m->field[f].nlevel; l++) {
				change = fmax(change, fabs(acc[f][l] -
				    mm[f][l]));
				mm[f][l] = acc[f][l];
			}
		}
		p = 0;
		for (i = 0; i < np; i++)
			p += pt->count[i];
		p = rfs_clamp(tot / p);
		change = fmax(change, fabs(p - *lambda));
		*lambda = p;
		if (change < EM_TOLERANCE)
			break;
	}
	return it > EM_ITERATIONS ? EM_ITERATIONS : it;
}

void
rfs_estimate_m(struct rmodel *m, const struct rcand *c, const uint8_t *gamma,
    struct buf *report)
{
	double mm[RM_MAX_FIELDS][RM_MAX_LEVELS + 1];
	double sum[RM_MAX_FIELDS][RM_MAX_LEVELS + 1], lambda;
	int use[RM_MAX_FIELDS], runs[RM_MAX_FIELDS], k, f, l, t, it;
	size_t nf = (size_t)m->nfield, i;
	struct rpat pt;
	uint8_t g[RM_MAX_FIELDS];

	memset(sum, 0, sizeof(sum));
	memset(runs, 0, sizeof(runs));
	for (k = 0; k < m->nrule; k++) {
		for (f = 0; f < m->nfield; f++)
			use[f] = 1;
		for (t = 0; t < m->rule[k].nterm; t++)
			use[m->rule[k].term[t].field] = 0;
		/* A group's pattern is whole or not used. */
		for (f = 0; f < m->nfield; f++)
			if (!use[f] && m->field[f].group >= 0)
				for (t = 0; t < m->nfield; t++)
					if (m->field[t].group ==
					    m->field[f].group)
						use[t] = 0;
		memset(&pt, 0, sizeof(pt));
		pt.map = strmap_new();
		for (i = 0; i < c->n; i++) {
			if (!(c->rules[i] & (1u << k)))
				continue;
			for (f = 0; f < m->nfield; f++)
				g[f] = use[f] ? gamma[i * nf + (size_t)f] :
				    RCMP_NULL;
			rpat_add(&pt, g, nf);
		}
		for (f = 0; f < m->nfield; f++)
			rfs_default_m(&m->field[f], mm[f]);
		lambda = 0.1;
		it = strmap_count(pt.map) > 0 ? rfs_em(m, &pt, use, mm,
		    &lambda) : 0;
		buf_printf(report, "rule '%s': %llu pairs, %zu patterns, EM "
		    "%d iterations, %.4g of the pairs match\n",
		    m->rule[k].text, (unsigned long long)c->count[k],
		    strmap_count(pt.map), it, lambda);
		if (it > 0) {
			for (f = 0; f < m->nfield; f++) {
				if (!use[f])
					continue;
				runs[f]++;
				for (l = 0; l <= m->field[f].nlevel; l++)
					sum[f][l] += mm[f][l];
			}
		}
		strmap_free(pt.map);
		free(pt.count);
	}
	for (f = 0; f < m->nfield; f++) {
		struct rm_field *fd = &m->field[f];

		if (runs[f] == 0) {
			rfs_default_m(fd, fd->m);
			buf_printf(report, "field '%s': every rule blocks on "
			    "it, so m keeps its default\n", fd->name);
		} else {
			for (l = 0; l <= fd->nlevel; l++)
				fd->m[l] = sum[f][l] / runs[f];
			rfs_normal(fd->m, fd->nlevel + 1);
		}
		fd->trained = 1;
	}
}

void
rfs_m_from_matches(struct rmodel *m, const uint8_t *gamma, size_t n)
{
	double count[RM_MAX_FIELDS][RM_MAX_LEVELS + 1];
	size_t nf = (size_t)m->nfield, i;
	int f, l, seen;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		for (f = 0; f < m->nfield; f++)
			if (gamma[i * nf + (size_t)f] != RCMP_NULL)
				count[f][gamma[i * nf + (size_t)f]]++;
	for (f = 0; f < m->nfield; f++) {
		struct rm_field *fd = &m->field[f];

		for (l = 0, seen = 0; l <= fd->nlevel; l++)
			seen += count[f][l] > 0;
		if (!seen) {
			rfs_default_m(fd, fd->m);
		} else {
			/* Half a pair for each level: small label sets. */
			for (l = 0; l <= fd->nlevel; l++)
				fd->m[l] = count[f][l] + 0.5;
			rfs_normal(fd->m, fd->nlevel + 1);
		}
		fd->trained = 1;
	}
}

void
rfs_estimate_prior(struct rmodel *m, const struct rcand *c,
    const uint8_t *gamma, double all)
{
	size_t nf = (size_t)m->nfield, i, np;
	double lambda = 1e-4, w0, p, tot, *base;
	struct rpat pt;
	int it;
	const uint8_t *g;

	memset(&pt, 0, sizeof(pt));
	pt.map = strmap_new();
	for (i = 0; i < c->n; i++)
		rpat_add(&pt, gamma + i * nf, nf);
	np = strmap_count(pt.map);
	base = xmalloc((np ? np : 1) * sizeof(*base));
	for (i = 0; i < np; i++) {
		g = (const uint8_t *)strmap_key(pt.map, (uint32_t)i, NULL);
		base[i] = rfs_bf(m, g, NULL, NULL, NULL, 0, NULL);
	}
	if (all < 1)
		all = 1;
	for (it = 0; it < EM_ITERATIONS; it++) {
		w0 = log2(lambda / (1 - lambda));
		for (i = 0, tot = 0; i < np; i++)
			tot += rfs_probability(w0 + base[i]) * pt.count[i];
		p = tot / all;
		p = p < 1e-12 ? 1e-12 : p > 0.5 ? 0.5 : p;
		if (fabs(p - lambda) <= lambda * 1e-6) {
			lambda = p;
			break;
		}
		lambda = p;
	}
	m->prior = lambda;
	free(base);
	strmap_free(pt.map);
	free(pt.count);
}

void
rfs_tf_tables(struct rmodel *m, struct rdata *d)
{
	struct rdict *dc;
	const char *val;
	size_t len;
	uint32_t i;
	int f;

	for (f = 0; f < m->nfield; f++) {
		if (!m->field[f].tf)
			continue;
		dc = &d->dict[f];
		rmodel_tf_begin(&m->field[f], (double)dc->nonnull);
		for (i = 0; i < strmap_count(dc->vals); i++) {
			if (dc->v[i].count < 2)
				continue;
			val = strmap_key(dc->vals, i, &len);
			rmodel_tf_add(&m->field[f], val, len, dc->v[i].count);
		}
		/* The records' values weigh by the new table from now on
		 * (a model trained again had another). */
		for (i = 0; i < strmap_count(dc->vals); i++) {
			val = strmap_key(dc->vals, i, &len);
			dc->v[i].tf = rmodel_tf_share(&m->field[f], val, len);
		}
	}
}

void
rfs_nonmatch(const struct rmodel *m, const uint8_t *gamma, size_t n,
    double *weight)
{
	size_t nf = (size_t)m->nfield, i;
	double w0 = log2(m->prior / (1 - m->prior));

	for (i = 0; i < n; i++)
		weight[i] = 1 - rfs_probability(w0 + rfs_bf(m, gamma + i * nf,
		    NULL, NULL, NULL, 0, NULL));
}

double
rfs_weight(const struct rmodel *m, const struct rdata *d, uint32_t a,
    const uint8_t *gamma, double *fw)
{
	return log2(m->prior / (1 - m->prior)) + rfs_bf(m, gamma, NULL, NULL,
	    d, a, fw);
}

double
rfs_probability(double weight)
{
	return 1 / (1 + exp2(-weight));
}
