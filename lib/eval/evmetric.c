/* evmetric.c -- retrieval metrics of one ranked list, as trec_eval defines them */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eval/evmetric.h"

static const char *const names[EVM_NMETRIC] = {
	"recall", "precision", "hit_rate", "mrr", "map", "ndcg", "r_precision"
};

int
evm_metric(const char *name)
{
	int m;

	for (m = 0; m < EVM_NMETRIC; m++)
		if (strcmp(name, names[m]) == 0)
			return m;
	return -1;
}

const char *
evm_metric_name(int m)
{
	return names[m];
}

int
evm_add_cut(struct evm_spec *s, long k, struct buf *err)
{
	size_t i;

	for (i = 0; i < s->nk && s->k[i] < k; i++)
		continue;
	if (i < s->nk && s->k[i] == k)
		return 0;
	if (s->nk == EVM_MAX_CUTS)
		return buf_fail(err, "more than %d cut-offs", EVM_MAX_CUTS);
	memmove(s->k + i + 1, s->k + i, (s->nk - i) * sizeof(s->k[0]));
	s->k[i] = k;
	s->nk++;
	return 0;
}

/* Does metric m have an uncut value, and cut ones? */
static int
uncut(int m)
{
	return m == EVM_MRR || m == EVM_MAP || m == EVM_NDCG ||
	    m == EVM_R_PRECISION;
}

static int
cut(int m)
{
	return m != EVM_R_PRECISION;
}

/* The values metric m takes. */
static size_t
span(const struct evm_spec *s, int m)
{
	if (!(s->metrics & 1u << m))
		return 0;
	return (cut(m) ? s->nk : 0) + (uncut(m) ? 1 : 0);
}

size_t
evm_width(const struct evm_spec *s)
{
	size_t n = 0;
	int m;

	for (m = 0; m < EVM_NMETRIC; m++)
		n += span(s, m);
	return n;
}

void
evm_name(const struct evm_spec *s, size_t i, struct buf *b)
{
	int m;

	for (m = 0; m < EVM_NMETRIC; m++) {
		if (i >= span(s, m)) {
			i -= span(s, m);
			continue;
		}
		if (cut(m) && i < s->nk)
			buf_printf(b, "%s@%ld", names[m], s->k[i]);
		else
			buf_adds(b, names[m]);
		return;
	}
}

int
evm_parse_name(const char *name, int *metric, long *k, struct buf *err)
{
	const char *at = strchr(name, '@');
	char word[32], *end;
	size_t n = at != NULL ? (size_t)(at - name) : strlen(name);
	long v = 0;

	if (n >= sizeof(word))
		return buf_fail(err, "no metric '%s'", name);
	memcpy(word, name, n);
	word[n] = '\0';
	if ((*metric = evm_metric(word)) < 0)
		return buf_fail(err, "no metric '%s' (recall, precision, "
		    "hit_rate, mrr, map, ndcg, r_precision)", word);
	if (at != NULL) {
		errno = 0;
		v = strtol(at + 1, &end, 10);
		if (at[1] < '0' || at[1] > '9' || *end != '\0' || errno != 0 ||
		    v < 1 || v > EVM_MAX_K)
			return buf_fail(err, "'%s': the cut-off must be an "
			    "integer from 1 to %d", name, EVM_MAX_K);
		if (!cut(*metric))
			return buf_fail(err, "'%s': %s takes no cut-off",
			    name, word);
	} else if (!uncut(*metric)) {
		return buf_fail(err, "'%s' needs a cut-off, as in %s@10",
		    name, word);
	}
	*k = v;
	return 0;
}

long
evm_find(const struct evm_spec *s, const char *name)
{
	struct buf err = BUF_INIT;
	size_t at = 0, j;
	long k;
	int m, mm;

	if (evm_parse_name(name, &m, &k, &err) < 0) {
		buf_release(&err);
		return -1;
	}
	if (!(s->metrics & 1u << m))
		return -1;
	for (mm = 0; mm < m; mm++)
		at += span(s, mm);
	if (k == 0)
		return (long)(at + (cut(m) ? s->nk : 0));
	for (j = 0; j < s->nk; j++)
		if (s->k[j] == k)
			return (long)(at + j);
	return -1;
}

static double
gain(const struct evm_spec *s, long grade)
{
	if (grade <= 0)
		return 0;
	return s->exp_gain ? exp2((double)grade) - 1 : (double)grade;
}

/* The figures of a ranking's first n ranks. */
struct prefix {
	size_t	 nrel;		/* relevant documents among them */
	size_t	 first;		/* rank of the first relevant one, or 0 */
	double	 ap;		/* sum of precision at relevant ranks */
	double	 dcg;		/* discounted cumulative gain */
};

void
evm_score(const struct evm_spec *s, const long *grade, size_t nret,
    const long *ideal, size_t nideal, double *out)
{
	struct prefix at[EVM_MAX_CUTS], all = { 0, 0, 0, 0 };
	double idcg[EVM_MAX_CUTS], iall = 0, v;
	size_t R = 0, rel_at_R = 0, i, j, r;
	double *o = out;
	int m;

	for (i = 0; i < nideal && ideal[i] >= s->min_rel; i++)
		R++;
	for (i = 0, j = 0; i < nret; i++) {
		r = i + 1;
		while (j < s->nk && (size_t)s->k[j] < r)
			at[j++] = all;
		if (grade[i] >= s->min_rel) {
			all.nrel++;
			if (all.first == 0)
				all.first = r;
			all.ap += (double)all.nrel / (double)r;
		}
		all.dcg += gain(s, grade[i]) / log2((double)r + 1);
		if (r == R)
			rel_at_R = all.nrel;
	}
	while (j < s->nk)
		at[j++] = all;
	if (R > nret)
		rel_at_R = all.nrel;
	for (i = 0, j = 0; i < nideal; i++) {
		while (j < s->nk && (size_t)s->k[j] <= i)
			idcg[j++] = iall;
		iall += gain(s, ideal[i]) / log2((double)i + 2);
	}
	while (j < s->nk)
		idcg[j++] = iall;
	for (m = 0; m < EVM_NMETRIC; m++) {
		if (!(s->metrics & 1u << m))
			continue;
		for (j = 0; cut(m) && j < s->nk; j++) {
			const struct prefix *p = &at[j];

			switch (m) {
			case EVM_RECALL:
				v = R ? (double)p->nrel / (double)R : 0;
				break;
			case EVM_PRECISION:
				v = (double)p->nrel / (double)s->k[j];
				break;
			case EVM_HIT_RATE:
				v = p->nrel > 0;
				break;
			case EVM_MRR:
				v = p->first ? 1.0 / (double)p->first : 0;
				break;
			case EVM_MAP:
				v = R ? p->ap / (double)R : 0;
				break;
			default:
				v = idcg[j] > 0 ? p->dcg / idcg[j] : 0;
				break;
			}
			*o++ = v;
		}
		if (!uncut(m))
			continue;
		switch (m) {
		case EVM_MRR:
			v = all.first ? 1.0 / (double)all.first : 0;
			break;
		case EVM_MAP:
			v = R ? all.ap / (double)R : 0;
			break;
		case EVM_NDCG:
			v = iall > 0 ? all.dcg / iall : 0;
			break;
		default:
			v = R ? (double)rel_at_R / (double)R : 0;
			break;
		}
		*o++ = v;
	}
}
