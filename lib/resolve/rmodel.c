/* rmodel.c -- an entity resolution model: fields, levels, blocking, weights */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/resolve/golden.h"
#include "lib/resolve/rmodel.h"
#include "lib/resolve/rnorm.h"

/* The normalisers by name, with the argument a ":" suffix gives. */
static const struct {
	const char	*name;
	int		 kind;
	int		 arg;
} norms[] = {
	{ "none",	RN_NONE,	0 },
	{ "text",	RN_TEXT,	0 },
	{ "org",	RN_ORG,		0 },
	{ "digits",	RN_DIGITS,	0 },
	{ "email",	RN_EMAIL,	0 },
	{ "email:tag",	RN_EMAIL,	RNORM_EMAIL_TAG },
	{ "email:gmail", RN_EMAIL,	RNORM_EMAIL_GMAIL | RNORM_EMAIL_TAG },
	{ "url",	RN_URL,		0 },
	{ "url:noscheme", RN_URL,	RNORM_URL_NOSCHEME },
	{ "synonyms",	RN_SYNONYMS,	0 },
	{ "date",	RN_DATE,	RNORM_DATE_ISO },
	{ "date:dmy",	RN_DATE,	RNORM_DATE_DMY },
	{ "date:mdy",	RN_DATE,	RNORM_DATE_MDY }
};

/* The comparisons by name: kind of argument, derived forms needed. */
enum { ARG_TRUE, ARG_SIM, ARG_DIST, ARG_NUM, ARG_FIELD };

static const struct {
	const char	*name;
	int		 cmp;
	int		 arg;		/* ARG_* */
	unsigned	 views;		/* RV_* */
	const char	*op;		/* in the label */
} cmps[] = {
	{ "exact",		RC_EXACT,	ARG_TRUE,	0, "" },
	{ "jaro_winkler",	RC_JARO_WINKLER, ARG_SIM,	0, ">=" },
	{ "jaro",		RC_JARO,	ARG_SIM,	0, ">=" },
	{ "token_jaccard",	RC_TOKEN_JACCARD, ARG_SIM,	0, ">=" },
	{ "qgram",		RC_QGRAM,	ARG_SIM,	0, ">=" },
	{ "levenshtein",	RC_LEVENSHTEIN,	ARG_DIST,	0, "<=" },
	{ "damerau_levenshtein", RC_DAMERAU,	ARG_DIST,	0, "<=" },
	{ "absdiff",		RC_ABSDIFF,	ARG_NUM,	RV_NUMBER, "<=" },
	{ "reldiff",		RC_RELDIFF,	ARG_NUM,	RV_NUMBER, "<=" },
	{ "date_swap",		RC_DATE_SWAP,	ARG_TRUE,	RV_DATE, "" },
	{ "date_year",		RC_DATE_YEAR,	ARG_TRUE,	RV_DATE, "" },
	{ "date_days",		RC_DATE_DAYS,	ARG_DIST,	RV_DATE, "<=" },
	{ "soundex",		RC_SOUNDEX,	ARG_TRUE,	RV_SOUNDEX, "" },
	{ "dmetaphone",		RC_DMETAPHONE,	ARG_TRUE,	RV_DMETAPHONE,
	    "" },
	{ "initial",		RC_INITIAL,	ARG_TRUE,	0, "" },
	{ "swapped",		RC_SWAPPED,	ARG_FIELD,	0, ":" }
};

/* The functions of blocking terms. */
static const struct {
	const char	*name;
	int		 fn;
	unsigned	 views;
	int		 nargs;		/* 1, or 2 with a count */
} fns[] = {
	{ "soundex",	RB_SOUNDEX,	RV_SOUNDEX,	1 },
	{ "dmetaphone",	RB_DMETAPHONE,	RV_DMETAPHONE,	1 },
	{ "year",	RB_YEAR,	0,		1 },
	{ "first",	RB_FIRST,	0,		2 },
	{ "last",	RB_LAST,	0,		2 },
	{ "tokens",	RB_TOKENS,	0,		1 }
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
rmodel_free_field(struct rm_field *f)
{
	int i;

	free(f->name);
	free(f->synpath);
	rnorm_syn_free(f->syn);
	strmap_free(f->tfmap);
	free(f->tfcount);
	for (i = 0; i < f->nlevel; i++)
		free(f->level[i].label);
}

void
rmodel_clear_rules(struct rmodel *m)
{
	int i;

	for (i = 0; i < m->nrule; i++)
		free(m->rule[i].text);
	m->nrule = 0;
}

void
rmodel_free(struct rmodel *m)
{
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfield; i++)
		rmodel_free_field(&m->field[i]);
	for (i = 0; i < m->ngroup; i++) {
		rmodel_group_clear(&m->group[i]);
		strmap_free(m->group[i].pat);
		strmap_free(m->group[i].mask);
		free(m->group[i].name);
	}
	rmodel_clear_rules(m);
	free(m->id_field);
	free(m->source_field);
	json_decref(m->golden);
	json_decref(m->doc);
	free(m);
}

int
rmodel_field(const struct rmodel *m, const char *name)
{
	int i;

	for (i = 0; i < m->nfield; i++)
		if (strcmp(m->field[i].name, name) == 0)
			return i;
	return -1;
}

int
rmodel_tf_ready(const struct rmodel *m)
{
	int i;

	for (i = 0; i < m->nfield; i++)
		if (m->field[i].tf && m->field[i].tfmap == NULL)
			return 0;
	return 1;
}

int
rmodel_trained(const struct rmodel *m)
{
	int i;

	if (m->prior < 0)
		return 0;
	for (i = 0; i < m->nfield; i++)
		if (!m->field[i].trained)
			return 0;
	for (i = 0; i < m->ngroup; i++)
		if (strmap_count(m->group[i].pat) == 0)
			return 0;
	return 1;
}

/* Check that obj has no member but those of the NULL-ended list. */
static int
rmodel_keys(const json_t *obj, const char *const *known, const char *what,
    struct buf *err)
{
	const char *k, *const *p;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v) {
		for (p = known; *p != NULL; p++)
			if (strcmp(*p, k) == 0)
				break;
		if (*p == NULL)
			return buf_fail(err, "%s: unknown member '%s'", what,
			    k);
	}
	return 0;
}

/* One normaliser of field f, by name. */
static int
rmodel_norm(struct rm_field *f, const json_t *v, struct buf *err)
{
	const char *name = json_string_value(v);
	size_t i;
	long digits;
	char *end;

	if (name == NULL)
		return buf_fail(err, "field '%s': a normaliser is a string",
		    f->name);
	if (f->nnorm == RM_MAX_NORM)
		return buf_fail(err, "field '%s': more than %d normalisers",
		    f->name, RM_MAX_NORM);
	if (strncmp(name, "digits:", 7) == 0) {
		errno = 0;
		digits = strtol(name + 7, &end, 10);
		if (*end != '\0' || end == name + 7 || digits < 1 ||
		    digits > 64 || errno)
			return buf_fail(err, "field '%s': normaliser '%s' "
			    "needs a number of digits from 1 to 64", f->name,
			    name);
		f->norm[f->nnorm] = RN_DIGITS;
		f->normarg[f->nnorm++] = (int)digits;
		return 0;
	}
	for (i = 0; i < NELEM(norms); i++) {
		if (strcmp(norms[i].name, name) == 0) {
			f->norm[f->nnorm] = norms[i].kind;
			f->normarg[f->nnorm++] = norms[i].arg;
			return 0;
		}
	}
	return buf_fail(err, "field '%s': unknown normaliser '%s' (none, "
	    "text, org, digits[:N], email[:tag|:gmail], url[:noscheme], "
	    "synonyms, date[:dmy|:mdy])", f->name, name);
}

/* One level of field f: an object with one comparison (and "q"). */
static int
rmodel_level(struct rm_field *f, const json_t *v,
    const json_t *all, struct buf *err)
{
	struct rm_level *l;
	const char *k, *name = NULL;
	json_t *arg = NULL, *x;
	size_t i, n = 0;
	char num[32];

	if (!json_is_object(v))
		return buf_fail(err, "field '%s': a level is an object such "
		    "as {\"jaro_winkler\": 0.9}", f->name);
	if (f->nlevel == RM_MAX_LEVELS)
		return buf_fail(err, "field '%s': more than %d levels",
		    f->name, RM_MAX_LEVELS);
	l = &f->level[f->nlevel];
	memset(l, 0, sizeof(*l));
	l->q = 2;
	l->other = -1;
	json_object_foreach((json_t *)v, k, x) {
		if (strcmp(k, "q") == 0)
			continue;
		name = k;
		arg = x;
		n++;
	}
	if (n != 1)
		return buf_fail(err, "field '%s': level %d needs one "
		    "comparison, has %zu", f->name, f->nlevel + 1, n);
	for (i = 0; i < NELEM(cmps); i++)
		if (strcmp(cmps[i].name, name) == 0)
			break;
	if (i == NELEM(cmps))
		return buf_fail(err, "field '%s': unknown comparison '%s'",
		    f->name, name);
	l->cmp = cmps[i].cmp;
	f->views |= cmps[i].views;
	if ((x = json_object_get(v, "q")) != NULL) {
		if (l->cmp != RC_QGRAM || !json_is_integer(x) ||
		    json_integer_value(x) < 1 || json_integer_value(x) > 3)
			return buf_fail(err, "field '%s': \"q\" goes with "
			    "qgram and is 1, 2 or 3", f->name);
		l->q = (unsigned)json_integer_value(x);
	}
	switch (cmps[i].arg) {
	case ARG_TRUE:
		if (!json_is_true(arg))
			return buf_fail(err, "field '%s': level '%s' takes "
			    "true", f->name, name);
		break;
	case ARG_SIM:
		if (!json_is_number(arg) || json_number_value(arg) < 0 ||
		    json_number_value(arg) > 1)
			return buf_fail(err, "field '%s': level '%s' needs a "
			    "similarity from 0 to 1", f->name, name);
		l->arg = json_number_value(arg);
		break;
	case ARG_DIST:
	case ARG_NUM:
		if (!json_is_number(arg) || json_number_value(arg) < 0)
			return buf_fail(err, "field '%s': level '%s' needs a "
			    "number of 0 or more", f->name, name);
		l->arg = json_number_value(arg);
		break;
	case ARG_FIELD:
		/* Fields are all known once "fields" is read: the index is
		 * resolved then, by name, from the level's document. */
		if (!json_is_string(arg))
			return buf_fail(err, "field '%s': level 'swapped' "
			    "needs the name of another field", f->name);
		for (n = 0; n < json_array_size(all); n++) {
			x = json_object_get(json_array_get(all, n), "name");
			if (json_is_string(x) && strcmp(json_string_value(x),
			    json_string_value(arg)) == 0 &&
			    strcmp(json_string_value(x), f->name) != 0)
				l->other = (int)n;
		}
		if (l->other < 0)
			return buf_fail(err, "field '%s': level 'swapped' "
			    "names '%s', which is not another field of the "
			    "model", f->name, json_string_value(arg));
		break;
	}
	if (cmps[i].arg == ARG_TRUE)
		num[0] = '\0';
	else if (l->cmp == RC_QGRAM && l->q != 2)
		snprintf(num, sizeof(num), "%g,q=%u", l->arg, l->q);
	else if (cmps[i].arg == ARG_FIELD)
		snprintf(num, sizeof(num), "%s", json_string_value(arg));
	else
		snprintf(num, sizeof(num), "%g", l->arg);
	l->label = xmalloc(strlen(name) + strlen(cmps[i].op) +
	    strlen(num) + 1);
	sprintf(l->label, "%s%s%s", name, cmps[i].op, num);
	f->nlevel++;
	return 0;
}

/*
 * Do the field's levels suit what its last normaliser leaves?  Numbers
 * need their sign and point (none or digits), dates the YYYY-MM-DD form
 * (a date normaliser, or none for values already in it).
 */
static int
rmodel_suits(const struct rm_field *f, struct buf *err)
{
	int last = f->norm[f->nnorm - 1], i, cmp;

	for (i = 0; i < f->nlevel; i++) {
		cmp = f->level[i].cmp;
		if ((cmp == RC_ABSDIFF || cmp == RC_RELDIFF) &&
		    last != RN_NONE && last != RN_DIGITS)
			return buf_fail(err, "field '%s': level '%s' compares "
			    "numbers, which its normaliser does not keep "
			    "(\"normalize\": \"none\" keeps them)", f->name,
			    f->level[i].label);
		if ((cmp == RC_DATE_SWAP || cmp == RC_DATE_YEAR ||
		    cmp == RC_DATE_DAYS) && last != RN_DATE && last != RN_NONE)
			return buf_fail(err, "field '%s': level '%s' compares "
			    "dates, and needs the normaliser 'date' (or "
			    "'none' for values written YYYY-MM-DD)", f->name,
			    f->level[i].label);
	}
	return 0;
}

/* Read the trained m or u of a field: one probability per level. */
static int
rmodel_probs(const struct rm_field *f, const json_t *a, double *p,
    const char *what, struct buf *err)
{
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != (size_t)f->nlevel + 1)
		return buf_fail(err, "parameters of field '%s': \"%s\" needs "
		    "%d probabilities (one for each level and one for "
		    "else)", f->name, what, f->nlevel + 1);
	for (i = 0; i < json_array_size(a); i++) {
		const json_t *x = json_array_get(a, i);

		if (!json_is_number(x) || json_number_value(x) <= 0 ||
		    json_number_value(x) > 1)
			return buf_fail(err, "parameters of field '%s': "
			    "\"%s\" holds probabilities above 0, at most 1",
			    f->name, what);
		p[i] = json_number_value(x);
	}
	return 0;
}

/* Put field f (the last one read) in the group named name. */
static int
rmodel_join(struct rmodel *m, struct rm_field *f, const char *name,
    struct buf *err)
{
	struct rm_group *g;
	int i;

	for (i = 0; i < m->ngroup; i++)
		if (strcmp(m->group[i].name, name) == 0)
			break;
	g = &m->group[i];
	if (i == m->ngroup) {
		memset(g, 0, sizeof(*g));
		g->name = xstrdup(name);
		g->pat = strmap_new();
		g->mask = strmap_new();
		m->ngroup++;
	}
	if (g->n == RM_MAX_GROUP)
		return buf_fail(err, "group '%s' has more than %d fields",
		    name, RM_MAX_GROUP);
	g->field[g->n++] = (int)(f - m->field);
	f->group = i;
	return 0;
}

static int
rmodel_field_parse(struct rmodel *m, const json_t *v, const json_t *all,
    const char *dir, struct buf *err)
{
	static const char *const known[] = { "name", "normalize", "synonyms",
	    "levels", "tf", "group", "profile", NULL };
	struct rm_field *f;
	const json_t *x, *n;
	struct buf why = BUF_INIT;
	size_t i;
	char *path;

	if (!json_is_object(v) || !json_is_string(json_object_get(v,
	    "name")))
		return buf_fail(err, "field %d: an object with a \"name\"",
		    m->nfield + 1);
	if (m->nfield == RM_MAX_FIELDS)
		return buf_fail(err, "more than %d fields", RM_MAX_FIELDS);
	f = &m->field[m->nfield++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(json_string_value(json_object_get(v, "name")));
	if (rmodel_field(m, f->name) != m->nfield - 1)
		return buf_fail(err, "field '%s' is named twice", f->name);
	if (rmodel_keys(v, known, "", &why) < 0) {
		buf_fail(err, "field '%s'%s", f->name, why.data);
		buf_release(&why);
		return -1;
	}
	n = json_object_get(v, "normalize");
	if (n == NULL) {
		f->norm[f->nnorm++] = RN_TEXT;
	} else if (json_is_array(n)) {
		json_array_foreach(n, i, x)
			if (rmodel_norm(f, x, err) < 0)
				return -1;
		if (f->nnorm == 0)		/* [] keeps the value */
			f->norm[f->nnorm++] = RN_NONE;
	} else if (rmodel_norm(f, n, err) < 0) {
		return -1;
	}
	for (i = 0; i < (size_t)f->nnorm; i++)
		if (f->norm[i] == RN_SYNONYMS)
			break;
	x = json_object_get(v, "synonyms");
	if ((i < (size_t)f->nnorm) != (x != NULL))
		return buf_fail(err, "field '%s': the normaliser 'synonyms' "
		    "and a \"synonyms\" file go together", f->name);
	if (x != NULL) {
		if (!json_is_string(x))
			return buf_fail(err, "field '%s': \"synonyms\" names "
			    "a file", f->name);
		path = xmalloc(strlen(dir) + json_string_length(x) + 2);
		if (json_string_value(x)[0] == '/' || dir[0] == '\0')
			strcpy(path, json_string_value(x));
		else
			sprintf(path, "%s/%s", dir, json_string_value(x));
		f->syn = rnorm_syn_load(path, &why);
		/* A trained model may be written to another directory. */
		f->synpath = realpath(path, NULL);
		if (f->synpath == NULL)
			f->synpath = xstrdup(path);
		free(path);
		if (f->syn == NULL) {
			buf_fail(err, "field '%s': synonyms: %s", f->name,
			    why.data);
			buf_release(&why);
			return -1;
		}
	}
	x = json_object_get(v, "levels");
	if (x != NULL && !json_is_array(x))
		return buf_fail(err, "field '%s': \"levels\" is an array",
		    f->name);
	if (x == NULL || json_array_size(x) == 0) {
		json_t *exact = json_pack("{s:b}", "exact", 1);
		int rc = rmodel_level(f, exact, all, err);

		json_decref(exact);
		if (rc < 0)
			return -1;
	} else {
		json_array_foreach(x, i, n)
			if (rmodel_level(f, n, all, err) < 0)
				return -1;
	}
	x = json_object_get(v, "tf");
	if (x != NULL && !json_is_boolean(x))
		return buf_fail(err, "field '%s': \"tf\" is true or false",
		    f->name);
	f->tf = json_is_true(x);
	if (rmodel_suits(f, err) < 0)
		return -1;
	if (f->tf && f->level[0].cmp != RC_EXACT)
		return buf_fail(err, "field '%s': \"tf\" adjusts an exact "
		    "first level, and the first level is '%s'", f->name,
		    f->level[0].label);
	f->group = -1;
	if ((x = json_object_get(v, "group")) != NULL) {
		if (!json_is_string(x) || json_string_length(x) == 0)
			return buf_fail(err, "field '%s': \"group\" is a "
			    "name", f->name);
		if (f->tf)
			return buf_fail(err, "field '%s': a field of a group "
			    "has no \"tf\" (the group's patterns stand for "
			    "the frequencies)", f->name);
		if (rmodel_join(m, f, json_string_value(x), err) < 0)
			return -1;
	}
	buf_release(&why);
	return 0;
}

/* Read a group's patterns: [level or null, ..., count] each. */
static int
rmodel_group_params(struct rm_group *g, const struct rmodel *m,
    const json_t *a, struct buf *err)
{
	unsigned char pat[RM_MAX_GROUP];
	const json_t *p, *x;
	size_t i;
	int k, lv;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return buf_fail(err, "parameters of group '%s': an array of "
		    "patterns", g->name);
	json_array_foreach(a, i, p) {
		if (!json_is_array(p) || json_array_size(p) != (size_t)g->n + 1)
			return buf_fail(err, "parameters of group '%s': a "
			    "pattern is %d levels and a count", g->name, g->n);
		for (k = 0; k < g->n; k++) {
			x = json_array_get(p, (size_t)k);
			lv = json_is_null(x) ? RM_NULL : json_is_integer(x) ?
			    (int)json_integer_value(x) : -1;
			if (lv != RM_NULL && (lv < 0 ||
			    lv > m->field[g->field[k]].nlevel))
				return buf_fail(err, "parameters of group "
				    "'%s': pattern %zu has no level %d of "
				    "field '%s'", g->name, i + 1, k + 1,
				    m->field[g->field[k]].name);
			pat[k] = (unsigned char)lv;
		}
		x = json_array_get(p, (size_t)g->n);
		if (!json_is_number(x) || json_number_value(x) <= 0)
			return buf_fail(err, "parameters of group '%s': "
			    "pattern %zu needs a count above 0", g->name,
			    i + 1);
		rmodel_group_add(g, pat, json_number_value(x));
	}
	return 0;
}

void
rmodel_group_clear(struct rm_group *g)
{
	strmap_free(g->pat);
	strmap_free(g->mask);
	free(g->count);
	free(g->total);
	g->pat = strmap_new();
	g->mask = strmap_new();
	g->count = g->total = NULL;
	g->cap = g->tcap = 0;
}

/* Add n to entry i of the counts c (of *cap entries, grown as needed). */
static void
rmodel_count(double **c, size_t *cap, uint32_t i, double n)
{
	size_t old = *cap;

	if (i >= *cap) {
		*cap = *cap ? *cap * 2 : 64;
		while (*cap <= i)
			*cap *= 2;
		*c = xreallocarray(*c, *cap, sizeof(**c));
		memset(*c + old, 0, (*cap - old) * sizeof(**c));
	}
	(*c)[i] += n;
}

void
rmodel_tf_begin(struct rm_field *f, double records)
{
	strmap_free(f->tfmap);
	free(f->tfcount);
	f->tfmap = strmap_new();
	f->tfcount = NULL;
	f->tfrecords = records;
}

void
rmodel_tf_add(struct rm_field *f, const char *val, size_t len, double count)
{
	size_t cap = strmap_count(f->tfmap);
	uint32_t i = strmap_intern(f->tfmap, val, len, NULL);

	if ((i & (i - 1)) == 0 && i >= cap)	/* 0, 1, 2, 4, ...: grow */
		f->tfcount = xreallocarray(f->tfcount, i ? 2 * (size_t)i : 1,
		    sizeof(*f->tfcount));
	f->tfcount[i] = count;
}

double
rmodel_tf_share(const struct rm_field *f, const char *val, size_t len)
{
	long i;

	if (f->tfmap == NULL || f->tfrecords <= 0)
		return NAN;
	i = strmap_find(f->tfmap, val, len);
	return (i < 0 ? 1 : f->tfcount[i]) / f->tfrecords;
}

void
rmodel_group_add(struct rm_group *g, const unsigned char *pat, double n)
{
	unsigned char mask[RM_MAX_GROUP];
	int k;

	for (k = 0; k < g->n; k++)
		mask[k] = pat[k] == RM_NULL;
	rmodel_count(&g->count, &g->cap, strmap_intern(g->pat, pat,
	    (size_t)g->n, NULL), n);
	rmodel_count(&g->total, &g->tcap, strmap_intern(g->mask, mask,
	    (size_t)g->n, NULL), n);
}

double
rmodel_group_u(const struct rm_group *g, const unsigned char *pat)
{
	unsigned char mask[RM_MAX_GROUP];
	long i, j;
	double c, t;
	int k;

	for (k = 0; k < g->n; k++)
		mask[k] = pat[k] == RM_NULL;
	i = strmap_find(g->pat, pat, (size_t)g->n);
	j = strmap_find(g->mask, mask, (size_t)g->n);
	c = (i < 0 ? 0 : g->count[i]) + 0.5;
	t = (j < 0 ? 0 : g->total[j]) + 1;
	return c / t > 1 ? 1 : c / t;
}

/* Read "parameters": the prior and each field's m and u. */
static int
rmodel_params(struct rmodel *m, const json_t *p, struct buf *err)
{
	static const char *const known[] = { "prior", "records", "fields",
	    "groups", "tf", NULL };
	static const char *const fknown[] = { "m", "u", NULL };
	const json_t *fs, *x;
	const char *k;
	json_t *v;
	int i;

	if (!json_is_object(p) || rmodel_keys(p, known, "parameters", err) <
	    0)
		return json_is_object(p) ? -1 : buf_fail(err, "\"parameters\" "
		    "is an object");
	x = json_object_get(p, "prior");
	if (!json_is_number(x) || json_number_value(x) <= 0 ||
	    json_number_value(x) >= 1)
		return buf_fail(err, "parameters: \"prior\" is a probability "
		    "above 0, below 1");
	m->prior = json_number_value(x);
	x = json_object_get(p, "records");
	if (x != NULL && (!json_is_number(x) || json_number_value(x) < 0))
		return buf_fail(err, "parameters: \"records\" is a count");
	m->records = x != NULL ? json_number_value(x) : 0;
	fs = json_object_get(p, "fields");
	if (!json_is_object(fs))
		return buf_fail(err, "parameters: \"fields\" is an object");
	json_object_foreach((json_t *)fs, k, v) {
		if ((i = rmodel_field(m, k)) < 0)
			return buf_fail(err, "parameters: '%s' is not a field "
			    "of the model", k);
		if (!json_is_object(v) || rmodel_keys(v, fknown, "", err) < 0)
			return buf_fail(err, "parameters of field '%s': an "
			    "object of \"m\" and \"u\"", k);
		if (rmodel_probs(&m->field[i], json_object_get(v, "m"),
		    m->field[i].m, "m", err) < 0 ||
		    rmodel_probs(&m->field[i], json_object_get(v, "u"),
		    m->field[i].u, "u", err) < 0)
			return -1;
		m->field[i].trained = 1;
	}
	for (i = 0; i < m->nfield; i++)
		if (!m->field[i].trained)
			return buf_fail(err, "parameters: field '%s' has "
			    "none", m->field[i].name);
	fs = json_object_get(p, "tf");
	if (fs != NULL && !json_is_object(fs))
		return buf_fail(err, "parameters: \"tf\" is an object of the "
		    "fields' term frequencies");
	json_object_foreach((json_t *)fs, k, v) {
		const json_t *vals = json_object_get(v, "values");
		const char *val;
		json_t *c;

		x = json_object_get(v, "records");
		if ((i = rmodel_field(m, k)) < 0 || !m->field[i].tf)
			return buf_fail(err, "parameters: \"tf\" of '%s', "
			    "which is not a field with \"tf\"", k);
		if (!json_is_number(x) || json_number_value(x) <= 0 ||
		    !json_is_object(vals))
			return buf_fail(err, "parameters: \"tf\" of '%s' is "
			    "{\"records\": N, \"values\": {...}}", k);
		rmodel_tf_begin(&m->field[i], json_number_value(x));
		json_object_foreach((json_t *)vals, val, c) {
			if (!json_is_number(c) || json_number_value(c) < 1)
				return buf_fail(err, "parameters: \"tf\" of "
				    "'%s': value '%s' needs a count of 1 or "
				    "more", k, val);
			rmodel_tf_add(&m->field[i], val, strlen(val),
			    json_number_value(c));
		}
	}
	fs = json_object_get(p, "groups");
	if (m->ngroup > 0 && !json_is_object(fs))
		return buf_fail(err, "parameters: \"groups\" is an object of "
		    "the groups' patterns");
	for (i = 0; i < m->ngroup; i++)
		if (rmodel_group_params(&m->group[i], m, json_object_get(fs,
		    m->group[i].name), err) < 0)
			return -1;
	return 0;
}

struct rmodel *
rmodel_parse(const json_t *doc, const char *dir, struct buf *err)
{
	static const char *const known[] = { "id_field", "source_field",
	    "blocking", "threshold", "fields", "golden", "parameters",
	    "comment", NULL };
	struct rmodel *m = xcalloc(1, sizeof(*m));
	const json_t *fields, *x;
	struct golden *g;
	size_t i;

	m->threshold = -1;
	m->prior = -1;
	m->doc = json_deep_copy(doc);
	if (!json_is_object(doc)) {
		buf_fail(err, "a model is a JSON object");
		goto fail;
	}
	if (rmodel_keys(doc, known, "model", err) < 0)
		goto fail;
	x = json_object_get(doc, "id_field");
	if (x != NULL && !json_is_string(x)) {
		buf_fail(err, "\"id_field\" is a string");
		goto fail;
	}
	m->id_field = x != NULL ? xstrdup(json_string_value(x)) : NULL;
	x = json_object_get(doc, "source_field");
	if (x != NULL && !json_is_string(x)) {
		buf_fail(err, "\"source_field\" is a string");
		goto fail;
	}
	m->source_field = xstrdup(x != NULL ? json_string_value(x) :
	    "source");
	fields = json_object_get(doc, "fields");
	if (!json_is_array(fields) || json_array_size(fields) == 0) {
		buf_fail(err, "\"fields\" is an array of at least one field");
		goto fail;
	}
	json_array_foreach(fields, i, x)
		if (rmodel_field_parse(m, x, fields, dir, err) < 0)
			goto fail;
	for (i = 0; i < (size_t)m->ngroup; i++) {
		if (m->group[i].n < 2) {
			buf_fail(err, "group '%s' has one field: a group is "
			    "of fields that depend on each other",
			    m->group[i].name);
			goto fail;
		}
	}
	x = json_object_get(doc, "threshold");
	if (x != NULL) {
		if (!json_is_number(x) || json_number_value(x) < 0 ||
		    json_number_value(x) > 1) {
			buf_fail(err, "\"threshold\" is a match probability "
			    "from 0 to 1");
			goto fail;
		}
		m->threshold = json_number_value(x);
	}
	x = json_object_get(doc, "blocking");
	if (x != NULL) {
		const json_t *r;

		if (!json_is_array(x)) {
			buf_fail(err, "\"blocking\" is an array of rules");
			goto fail;
		}
		json_array_foreach(x, i, r) {
			if (!json_is_string(r)) {
				buf_fail(err, "blocking rule %zu is not a "
				    "string", i + 1);
				goto fail;
			}
			if (rmodel_add_rule(m, json_string_value(r), err) < 0)
				goto fail;
		}
	}
	x = json_object_get(doc, "golden");
	if (x != NULL) {
		if (!json_is_object(x)) {
			buf_fail(err, "\"golden\" is an object");
			goto fail;
		}
		m->golden = json_incref((json_t *)x);
		/* Checked now, not when --golden comes to use it. */
		if ((g = golden_new(x, m->source_field, err)) == NULL)
			goto fail;
		golden_free(g);
	}
	x = json_object_get(doc, "parameters");
	if (x != NULL && rmodel_params(m, x, err) < 0)
		goto fail;
	return m;
fail:
	rmodel_free(m);
	return NULL;
}

struct rmodel *
rmodel_load(const char *path, struct buf *err)
{
	json_error_t je;
	json_t *doc;
	struct rmodel *m;
	struct buf why = BUF_INIT;
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL)
		slash[slash == dir] = '\0';
	else
		dir[0] = '\0';
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		free(dir);
		if (je.line > 0)
			buf_fail(err, "%s:%d: %s", path, je.line, je.text);
		else
			buf_fail(err, "%s: %s", path, je.text);
		return NULL;
	}
	m = rmodel_parse(doc, dir, &why);
	if (m == NULL)
		buf_fail(err, "%s: %s", path, why.data);
	json_decref(doc);
	buf_release(&why);
	free(dir);
	return m;
}

/* Parse one term "FIELD", "FUNC(FIELD)" or "FUNC(FIELD,N)". */
static int
rmodel_term(struct rmodel *m, struct rm_term *t, const char *s, size_t n,
    const char *rule, struct buf *err)
{
	const char *open = memchr(s, '(', n), *comma, *name = s;
	size_t i, namelen = n;
	char field[256], *end;
	long count = 0;

	memset(t, 0, sizeof(*t));
	t->fn = RB_VALUE;
	if (open != NULL) {
		if (s[n - 1] != ')')
			return buf_fail(err, "blocking rule '%s': a term "
			    "FUNC(FIELD) ends with ')'", rule);
		for (i = 0; i < NELEM(fns); i++)
			if (strlen(fns[i].name) == (size_t)(open - s) &&
			    memcmp(fns[i].name, s, (size_t)(open - s)) == 0)
				break;
		if (i == NELEM(fns))
			return buf_fail(err, "blocking rule '%s': unknown "
			    "function '%.*s' (soundex, dmetaphone, year, "
			    "first, last, tokens)", rule, (int)(open - s), s);
		t->fn = fns[i].fn;
		name = open + 1;
		namelen = (size_t)(s + n - 1 - name);
		comma = memchr(name, ',', namelen);
		if ((comma != NULL) != (fns[i].nargs == 2))
			return buf_fail(err, "blocking rule '%s': %s() takes "
			    "%s", rule, fns[i].name, fns[i].nargs == 2 ?
			    "a field and a count, first(name,3)" :
			    "one field");
		if (comma != NULL) {
			errno = 0;
			count = strtol(comma + 1, &end, 10);
			if (end != s + n - 1 || count < 1 || count > 1000 ||
			    errno)
				return buf_fail(err, "blocking rule '%s': "
				    "%s() needs a count from 1 to 1000", rule,
				    fns[i].name);
			t->n = (unsigned)count;
			namelen = (size_t)(comma - name);
		}
	}
	if (namelen == 0 || namelen >= sizeof(field))
		return buf_fail(err, "blocking rule '%s': a term names a "
		    "field", rule);
	memcpy(field, name, namelen);
	field[namelen] = '\0';
	if ((t->field = rmodel_field(m, field)) < 0)
		return buf_fail(err, "blocking rule '%s': '%s' is not a "
		    "field of the model", rule, field);
	for (i = 0; i < NELEM(fns); i++)
		if (fns[i].fn == t->fn)
			m->field[t->field].views |= fns[i].views;
	return 0;
}

int
rmodel_add_rule(struct rmodel *m, const char *text, struct buf *err)
{
	struct rm_rule *r;
	const char *p = text, *plus;
	int tokens = 0, i;

	if (m->nrule == RM_MAX_RULES)
		return buf_fail(err, "more than %d blocking rules",
		    RM_MAX_RULES);
	r = &m->rule[m->nrule];
	memset(r, 0, sizeof(*r));
	for (;;) {
		const char *q;
		size_t n;

		plus = strchr(p, '+');
		n = plus != NULL ? (size_t)(plus - p) : strlen(p);
		/* White space around a term is allowed. */
		while (n > 0 && (*p == ' ' || *p == '\t'))
			p++, n--;
		for (q = p + n; q > p && (q[-1] == ' ' || q[-1] == '\t');
		    q--)
			n--;
		if (n == 0)
			return buf_fail(err, "blocking rule '%s' has an empty "
			    "term", text);
		if (r->nterm == RM_MAX_TERMS)
			return buf_fail(err, "blocking rule '%s' has more "
			    "than %d terms", text, RM_MAX_TERMS);
		if (rmodel_term(m, &r->term[r->nterm], p, n, text, err) < 0)
			return -1;
		tokens += r->term[r->nterm++].fn == RB_TOKENS;
		if (plus == NULL)
			break;
		p = plus + 1;
	}
	if (tokens > 1)
		return buf_fail(err, "blocking rule '%s' has more than one "
		    "tokens() term", text);
	for (i = 0; i < m->nrule; i++)
		if (strcmp(m->rule[i].text, text) == 0)
			return buf_fail(err, "blocking rule '%s' is given "
			    "twice", text);
	r->text = xstrdup(text);
	m->nrule++;
	return 0;
}

json_t *
rmodel_dump(const struct rmodel *m)
{
	json_t *doc = json_deep_copy(m->doc), *rules, *params, *fs, *f,
	    *a, *b;
	int i, l;

	for (i = 0; i < m->nfield; i++)
		if (m->field[i].synpath != NULL)
			json_object_set_new(json_array_get(json_object_get(doc,
			    "fields"), (size_t)i), "synonyms",
			    json_string(m->field[i].synpath));
	rules = json_array();
	for (i = 0; i < m->nrule; i++)
		json_array_append_new(rules, json_string(m->rule[i].text));
	json_object_set_new(doc, "blocking", rules);
	if (m->threshold >= 0)
		json_object_set_new(doc, "threshold",
		    json_real(m->threshold));
	if (!rmodel_trained(m)) {
		json_object_del(doc, "parameters");
		return doc;
	}
	params = json_object();
	json_object_set_new(params, "prior", json_real(m->prior));
	if (m->records > 0)
		json_object_set_new(params, "records",
		    json_integer((json_int_t)m->records));
	fs = json_object();
	for (i = 0; i < m->nfield; i++) {
		f = json_object();
		a = json_array();
		b = json_array();
		for (l = 0; l <= m->field[i].nlevel; l++) {
			json_array_append_new(a, json_real(m->field[i].m[l]));
			json_array_append_new(b, json_real(m->field[i].u[l]));
		}
		json_object_set_new(f, "m", a);
		json_object_set_new(f, "u", b);
		json_object_set_new(fs, m->field[i].name, f);
	}
	json_object_set_new(params, "fields", fs);
	fs = json_object();
	for (i = 0; i < m->nfield; i++) {
		const struct rm_field *fd = &m->field[i];
		size_t k;

		if (fd->tfmap == NULL)
			continue;
		a = json_object();
		for (k = 0; k < strmap_count(fd->tfmap); k++)
			json_object_set_new(a, strmap_key(fd->tfmap,
			    (uint32_t)k, NULL), json_integer((json_int_t)
			    fd->tfcount[k]));
		f = json_object();
		json_object_set_new(f, "records",
		    json_integer((json_int_t)fd->tfrecords));
		json_object_set_new(f, "values", a);
		json_object_set_new(fs, fd->name, f);
	}
	if (json_object_size(fs) > 0)
		json_object_set_new(params, "tf", fs);
	else
		json_decref(fs);
	if (m->ngroup > 0) {
		fs = json_object();
		for (i = 0; i < m->ngroup; i++) {
			const struct rm_group *g = &m->group[i];
			size_t k;

			a = json_array();
			for (k = 0; k < strmap_count(g->pat); k++) {
				const unsigned char *pat = (const unsigned char
				    *)strmap_key(g->pat, (uint32_t)k, NULL);

				b = json_array();
				for (l = 0; l < g->n; l++)
					json_array_append_new(b, pat[l] ==
					    RM_NULL ? json_null() :
					    json_integer(pat[l]));
				json_array_append_new(b,
				    json_real(g->count[k]));
				json_array_append_new(a, b);
			}
			json_object_set_new(fs, g->name, a);
		}
		json_object_set_new(params, "groups", fs);
	}
	json_object_set_new(doc, "parameters", params);
	return doc;
}

/* Cut b back to its first len bytes. */
static void
rmodel_cut(struct buf *b, size_t len)
{
	b->len = len;
	if (b->cap > 0)
		b->data[len] = '\0';
}

/* Append the normaliser kind(arg) of p[0..n) to out; as rmodel_normalize. */
static int
rmodel_norm1(const struct rm_field *f, int kind, int arg, const char *p,
    size_t n, struct buf *out, struct buf *err)
{
	switch (kind) {
	case RN_NONE:
		buf_add(out, p, n);
		return 0;
	case RN_TEXT:
		return rnorm_text(p, n, out, err);
	case RN_ORG:
		return rnorm_org(p, n, out, err);
	case RN_DIGITS:
		rnorm_digits(p, n, (size_t)arg, out);
		return 0;
	case RN_EMAIL:
		return rnorm_email(p, n, arg, out, err);
	case RN_URL:
		return rnorm_url(p, n, arg, out, err);
	case RN_SYNONYMS:
		return rnorm_syn_apply(f->syn, p, n, out, err);
	default:
		return rnorm_date(p, n, arg, out, err);
	}
}

int
rmodel_normalize(const struct rm_field *f, const char *p, size_t n,
    struct buf *out, struct buf *scratch, struct buf *err)
{
	size_t base = out->len;
	int i, rc;

	buf_reset(scratch);
	buf_add(scratch, p, n);
	for (i = 0; i < f->nnorm; i++) {
		rc = rmodel_norm1(f, f->norm[i], f->normarg[i], scratch->data,
		    scratch->len, out, err);
		if (rc != 0) {
			rmodel_cut(out, base);
			return rc;
		}
		if (i + 1 < f->nnorm) {
			buf_reset(scratch);
			buf_add(scratch, out->data + base, out->len - base);
			rmodel_cut(out, base);
		}
	}
	return out->len == base ? 1 : 0;
}
