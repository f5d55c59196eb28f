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

/* Do the codes of two values meet (RDATA_NONE never does)? */
static int
rcmp_code(uint32_t a, uint32_t b)
{
	return a != RDATA_NONE && a == b;
}

/* Does level l of field f hold for the values a and b (not missing)? */
static int
rcmp_holds(const struct rdata *d, int f, const struct rm_level *l,
    uint32_t ra, uint32_t rb)
{
	size_t nf = (size_t)d->m->nfield, na, nb, nc, nd;
	uint32_t va = d->vid[(size_t)ra * nf + (size_t)f];
	uint32_t vb = d->vid[(size_t)rb * nf + (size_t)f];
	const char *a, *b, *c, *e;
	const struct rval *x, *y;

	if (va == vb && l->cmp <= RC_DAMERAU)
		return 1;
	a = rdata_value(d, ra, f, &na);
	b = rdata_value(d, rb, f, &nb);
	switch (l->cmp) {
	case RC_EXACT:
		return 0;
	case RC_JARO_WINKLER:
		return strsim_jaro_winkler(a, na, b, nb) >= l->arg;
	case RC_JARO:
		return strsim_jaro(a, na, b, nb) >= l->arg;
	case RC_TOKEN_JACCARD:
		return strsim_token_jaccard(a, na, b, nb) >= l->arg;
	case RC_QGRAM:
		return strsim_qgram(a, na, b, nb, l->q) >= l->arg;
	case RC_LEVENSHTEIN:
		return strsim_levenshtein(a, na, b, nb) <= l->arg;
	case RC_DAMERAU:
		return strsim_damerau_levenshtein(a, na, b, nb) <= l->arg;
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
	int l;

	if (d->vid[(size_t)a * nf + (size_t)f] == RDATA_MISSING ||
	    d->vid[(size_t)b * nf + (size_t)f] == RDATA_MISSING)
		return RCMP_NULL;
	for (l = 0; l < fd->nlevel; l++)
		if (rcmp_holds(d, f, &fd->level[l], a, b))
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
