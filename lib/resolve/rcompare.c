/* rcompare.c -- the level of agreement of two records in each field */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <string.h>

#include "lib/base/utf8.h"
#include "lib/resolve/rcompare.h"
#include "lib/resolve/strsim.h"

/* Is one of the values a single letter that starts the other? */
static int
rcmp_initial(const char *a, size_t na, const char *b, size_t nb)
{
	size_t la, lb;

	utf8_decode(a, na, &la);
	utf8_decode(b, nb, &lb);
	if (la == na && nb >= la)
		return memcmp(a, b, la) == 0;
	if (lb == nb && na >= lb)
		return memcmp(a, b, lb) == 0;
	return 0;
}

/*
 * For two ASCII strings, the bytes of a that b lacks (*more) and of b
 * that a lacks (*less), counted with repeats.  0 when either is not
 * ASCII.
 */
static int
rcmp_bag(const char *a, size_t na, const char *b, size_t nb, size_t *more,
    size_t *less)
{
	int count[128], c;
	size_t i;

	for (i = 0; i < na; i++)
		if (a[i] & 0x80)
			return 0;
	for (i = 0; i < nb; i++)
		if (b[i] & 0x80)
			return 0;
	/* Only the entries the strings touch are set, then read. */
	for (i = 0; i < na; i++)
		count[(int)a[i]] = 0;
	for (i = 0; i < nb; i++)
		count[(int)b[i]] = 0;
	for (i = 0; i < na; i++)
		count[(int)a[i]]++;
	for (i = 0; i < nb; i++)
		count[(int)b[i]]--;
	*more = *less = 0;
	for (i = 0; i < na; i++) {
		if ((c = count[(int)a[i]]) > 0)
			*more += (size_t)c;
		count[(int)a[i]] = 0;
	}
	for (i = 0; i < nb; i++) {
		if ((c = count[(int)b[i]]) < 0)
			*less += (size_t)-c;
		count[(int)b[i]] = 0;
	}
	return 1;
}

/*
 * Is the bag distance of two strings (the larger of *more and *less of
 * rcmp_bag) more than k?  It is a lower bound of the Levenshtein and
 * Damerau-Levenshtein distances (an edit, a transposition too, changes
 * it by one at most), so most pairs of different values are told apart
 * without a table.  0 when it is not known (a string not ASCII).
 */
static int
rcmp_bag_exceeds(const char *a, size_t na, const char *b, size_t nb,
    double k)
{
	size_t more, less;

	if ((double)(na > nb ? na - nb : nb - na) > k)
		return 1;
	if (!rcmp_bag(a, na, b, nb, &more, &less))
		return 0;
	return (double)(more > less ? more : less) > k;
}

/*
 * An upper bound of the Jaro (or, with winkler, Jaro-Winkler)
 * similarity of two strings: at most c code points can match, c being
 * the bytes they have in common counted with repeats (na less those of a
 * that b lacks), and the prefix boost is at most that of their common
 * prefix.  2 (no bound) when either is not ASCII.
 */
static double
rcmp_jaro_bound(const char *a, size_t na, const char *b, size_t nb,
    int winkler)
{
	size_t c, l, more, less;
	double j;

	if (!rcmp_bag(a, na, b, nb, &more, &less))
		return 2;
	if ((c = na - more) == 0)
		return 0;
	j = ((double)c / (double)na + (double)c / (double)nb + 1) / 3;
	if (!winkler || j <= 0.7)
		return j;
	for (l = 0; l < 4 && l < na && l < nb && a[l] == b[l]; l++)
		;
	return j + 0.1 * (double)l * (1 - j);
}

/* Similarities and distances of one pair, each computed once. */
struct memo {
	const char	*a, *b;			/* the two values */
	size_t		 na, nb;
	double		 v[RC_DAMERAU + 1];	/* by RC_*, NaN until known */
	double		 bound[2];		/* Jaro-Winkler and Jaro upper
						   bounds, NaN until known */
	unsigned	 q;			/* q of v[RC_QGRAM] */
};

/* Do the codes of two values meet (RDATA_NONE never does)? */
static int
rcmp_code(uint32_t a, uint32_t b)
{
	return a != RDATA_NONE && a == b;
}

/* Does level l of field f hold for the values a and b (not missing)? */
static int
rcmp_holds(const struct rdata *d, int f, const struct rm_level *l,
    uint32_t ra, uint32_t rb, struct memo *mo)
{
	size_t nf = (size_t)d->m->nfield, na, nb, nc, nd;
	uint32_t va = d->vid[(size_t)ra * nf + (size_t)f];
	uint32_t vb = d->vid[(size_t)rb * nf + (size_t)f];
	const char *a, *b, *c, *e;
	const struct rval *x, *y;

	if (va == vb && l->cmp <= RC_DAMERAU)
		return 1;
	a = mo->a;
	b = mo->b;
	na = mo->na;
	nb = mo->nb;
	if (l->cmp == RC_EXACT)
		return 0;
	if (l->cmp <= RC_DAMERAU) {
		double *v = &mo->v[l->cmp];

		if (l->cmp == RC_QGRAM && mo->q != l->q) {
			*v = NAN;
			mo->q = l->q;
		}
		if (l->cmp >= RC_LEVENSHTEIN && isnan(*v) &&
		    rcmp_bag_exceeds(a, na, b, nb, l->arg))
			return 0;	/* v stays unknown: k may grow */
		if (l->cmp <= RC_JARO && isnan(*v)) {
			double *ub = &mo->bound[l->cmp == RC_JARO];

			if (isnan(*ub))
				*ub = rcmp_jaro_bound(a, na, b, nb,
				    l->cmp == RC_JARO_WINKLER);
			if (*ub < l->arg)
				return 0;
		}
		if (isnan(*v)) {
			switch (l->cmp) {
			case RC_JARO_WINKLER:
				*v = strsim_jaro_winkler(a, na, b, nb);
				break;
			case RC_JARO:
				*v = strsim_jaro(a, na, b, nb);
				break;
			case RC_TOKEN_JACCARD:
				*v = strsim_token_jaccard(a, na, b, nb);
				break;
			case RC_QGRAM:
				*v = strsim_qgram(a, na, b, nb, l->q);
				break;
			case RC_LEVENSHTEIN:
				*v = strsim_levenshtein(a, na, b, nb);
				break;
			default:
				*v = strsim_damerau_levenshtein(a, na, b, nb);
				break;
			}
		}
		return l->cmp >= RC_LEVENSHTEIN ? *v <= l->arg : *v >= l->arg;
	}
	switch (l->cmp) {
	case RC_ABSDIFF:
	case RC_RELDIFF:
		x = &d->dict[f].v[va - 1];
		y = &d->dict[f].v[vb - 1];
		if (isnan(x->num) || isnan(y->num))
			return 0;
		return (l->cmp == RC_ABSDIFF ? strsim_absdiff(x->num, y->num) :
		    strsim_reldiff(x->num, y->num)) <= l->arg;
	case RC_DATE_SWAP:
		return strsim_date_swapped(a, na, b, nb);
	case RC_DATE_YEAR:
		return strsim_date_level(a, na, b, nb, -1) == STRSIM_DATE_YEAR;
	case RC_DATE_DAYS:
		return strsim_date_days(a, na, b, nb) <= l->arg;
	case RC_SOUNDEX:
		x = &d->dict[f].v[va - 1];
		y = &d->dict[f].v[vb - 1];
		return rcmp_code(x->sdx, y->sdx);
	case RC_DMETAPHONE:
		x = &d->dict[f].v[va - 1];
		y = &d->dict[f].v[vb - 1];
		return rcmp_code(x->dm1, y->dm1) || rcmp_code(x->dm1, y->dm2) ||
		    rcmp_code(x->dm2, y->dm1) || rcmp_code(x->dm2, y->dm2);
	case RC_INITIAL:
		return rcmp_initial(a, na, b, nb);
	default:		/* RC_SWAPPED */
		c = rdata_value(d, ra, l->other, &nc);
		e = rdata_value(d, rb, l->other, &nd);
		return c != NULL && e != NULL && na == nd && nb == nc &&
		    memcmp(a, e, na) == 0 && memcmp(b, c, nb) == 0;
	}
}

unsigned
rcmp_level(const struct rdata *d, int f, uint32_t a, uint32_t b)
{
	const struct rm_field *fd = &d->m->field[f];
	size_t nf = (size_t)d->m->nfield;
	struct memo mo;
	int l;

	if (d->vid[(size_t)a * nf + (size_t)f] == RDATA_MISSING ||
	    d->vid[(size_t)b * nf + (size_t)f] == RDATA_MISSING)
		return RCMP_NULL;
	for (l = 0; l <= RC_DAMERAU; l++)
		mo.v[l] = NAN;
	mo.bound[0] = mo.bound[1] = NAN;
	mo.q = 0;
	mo.a = rdata_value(d, a, f, &mo.na);
	mo.b = rdata_value(d, b, f, &mo.nb);
	for (l = 0; l < fd->nlevel; l++)
		if (rcmp_holds(d, f, &fd->level[l], a, b, &mo))
			return (unsigned)l;
	return (unsigned)fd->nlevel;
}

void
rcmp_pair(const struct rdata *d, uint32_t a, uint32_t b, uint8_t *gamma)
{
	int f;

	for (f = 0; f < d->m->nfield; f++)
		gamma[f] = (uint8_t)rcmp_level(d, f, a, b);
}
