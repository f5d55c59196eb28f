/* rinit.c -- a starting model guessed from the records (--init) */
/* SPDX-License-Identifier: MIT */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/diag.h"
#include "lib/base/hash.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/resolve/rblock.h"
#include "lib/resolve/rdata.h"
#include "lib/resolve/rinit.h"
#include "lib/resolve/rmodel.h"
#include "lib/resolve/rnorm.h"

/* The kinds of field a guess knows. */
enum {
	K_FIRST,		/* a given name */
	K_SURNAME,		/* a family name */
	K_NAME,			/* a person's whole name */
	K_ORG,			/* an organisation's name */
	K_DATE,
	K_EMAIL,
	K_PHONE,
	K_URL,
	K_NUMBER,
	K_CODE,			/* a short code: postcode, zip, number */
	K_CITY,			/* a place: few words, many repeats */
	K_ADDRESS,		/* a street address */
	K_TEXT,			/* anything else */
	K_SKIP			/* not worth comparing */
};

static const char *const kind_names[] = { "first name", "surname",
	"person name", "organisation", "date", "email", "phone", "url",
	"number", "code", "place", "address", "text", "skipped" };

/* What the sample says of one member. */
struct prof {
	const char	*name;		/* borrowed from a record */
	size_t		 present;	/* records with a non-empty value */
	struct strmap	*distinct;	/* its values */
	size_t		 len;		/* bytes of the values, summed */
	size_t		 words;		/* values of several words */
	size_t		 date[3];	/* values read as dates: iso dmy mdy */
	size_t		 email, url, phone, number, legal;
	int		 kind;		/* K_* */
	int		 dateorder;	/* RNORM_DATE_* */
};

/* Does the (lower-cased) name contain one of the words? */
static int
rinit_hint(const char *name, const char *const *words)
{
	char low[128];
	size_t i;

	for (i = 0; name[i] != '\0' && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	for (; *words != NULL; words++)
		if (strstr(low, *words) != NULL)
			return 1;
	return 0;
}

/*
 * Does a value look like a URL: a scheme, "www.", or one word of a
 * host name ("acme.co.uk", "acme.com/about") with no "@"?
 */
static int
rinit_url(const char *v, size_t n)
{
	const char *dot = memchr(v, '.', n);
	size_t i;

	if ((n > 7 && strncmp(v, "http://", 7) == 0) || (n > 8 &&
	    strncmp(v, "https://", 8) == 0) || (n > 4 &&
	    strncmp(v, "www.", 4) == 0))
		return 1;
	if (dot == NULL || dot == v || memchr(v, '@', n) != NULL)
		return 0;
	for (i = 0; i < n && v[i] != '/'; i++)
		if (!(isalnum((unsigned char)v[i]) || v[i] == '.' ||
		    v[i] == '-'))
			return 0;
	/* The last label of the host: two letters or more. */
	for (dot = v + i - 1; dot > v && *dot != '.'; dot--)
		;
	return v + i - dot > 2 && isalpha((unsigned char)dot[1]);
}

/* Look at one value of a member. */
static void
rinit_look(struct prof *p, const char *v, size_t n)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	size_t i, digits = 0, other = 0;
	const char *at;
	char *end;
	int k;

	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	p->present++;
	p->len += n;
	strmap_intern(p->distinct, v, n, NULL);
	if (memchr(v, ' ', n) != NULL)
		p->words++;
	for (k = 0; k < 3; k++) {
		buf_reset(&out);
		if (rnorm_date(v, n, k == 0 ? RNORM_DATE_ISO : k == 1 ?
		    RNORM_DATE_DMY : RNORM_DATE_MDY, &out, &err) == 0)
			p->date[k]++;
	}
	at = memchr(v, '@', n);
	if (at != NULL && memchr(at, '.', (size_t)(v + n - at)) != NULL)
		p->email++;
	if (rinit_url(v, n))
		p->url++;
	for (i = 0; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else if (strchr(" +-().", v[i]) == NULL)
			other++;
	}
	if (other == 0 && digits >= 7)
		p->phone++;
	{
		char *s = xmemdup(v, n);

		strtod(s, &end);
		if (*end == '\0' && other <= 2)
			p->number++;
		free(s);
	}
	/* A legal form cut from the end of the name: an organisation. */
	buf_reset(&out);
	buf_reset(&err);
	if (rnorm_text(v, n, &out, &err) == 0) {
		size_t tlen = out.len;

		buf_reset(&out);
		if (rnorm_org(v, n, &out, &err) == 0 && out.len < tlen)
			p->legal++;
	}
	buf_release(&out);
	buf_release(&err);
}

/* Decide the kind of a member from its name and what its values are. */
static void
rinit_kind(struct prof *p, size_t nrec)
{
	static const char *const stamp[] = { "_at", "updated", "created",
	    "modified", "timestamp", "time", "version", NULL };
	static const char *const first[] = { "first", "given", "fname",
	    "forename", NULL };
	static const char *const surname[] = { "surname", "last", "lname",
	    "family", NULL };
	static const char *const org[] = { "company", "org", "business",
	    "employer", "vendor", "supplier", "firm", NULL };
	static const char *const city[] = { "city", "town", "locality",
	    "county", "state", "region", "country", NULL };
	static const char *const code[] = { "zip", "post", "code", NULL };
	static const char *const addr[] = { "street", "address", "addr",
	    "road", NULL };
	size_t pr = p->present, distinct = strmap_count(p->distinct), k;
	double share = nrec ? (double)pr / (double)nrec : 0;

	p->kind = K_TEXT;
	if (pr == 0 || share < 0.05 || distinct < 2 ||
	    rinit_hint(p->name, stamp)) {
		/* Nothing to compare, or when a record was kept, not what
		 * it is about. */
		p->kind = K_SKIP;
		return;
	}
	for (k = 1, p->dateorder = 0; k < 3; k++)
		if (p->date[k] > p->date[p->dateorder])
			p->dateorder = (int)k;
	if (p->date[p->dateorder] * 10 >= pr * 8)
		p->kind = K_DATE;
	else if (p->email * 10 >= pr * 8)
		p->kind = K_EMAIL;
	else if (p->url * 10 >= pr * 8)
		p->kind = K_URL;
	else if (p->phone * 10 >= pr * 8)
		p->kind = K_PHONE;
	else if (rinit_hint(p->name, first))
		p->kind = K_FIRST;
	else if (rinit_hint(p->name, surname))
		p->kind = K_SURNAME;
	else if (rinit_hint(p->name, org) || p->legal * 10 >= pr)
		p->kind = K_ORG;
	else if (rinit_hint(p->name, city))
		p->kind = K_CITY;
	else if (rinit_hint(p->name, code) || (p->number * 10 >= pr * 8 &&
	    p->len / pr <= 10))
		p->kind = rinit_hint(p->name, addr) ? K_ADDRESS : K_CODE;
	else if (p->number * 10 >= pr * 8)
		p->kind = K_NUMBER;
	else if (rinit_hint(p->name, addr))
		p->kind = K_ADDRESS;
	else if (rinit_hint(p->name, (const char *const[]){ "name",
	    NULL }))
		p->kind = K_NAME;
	else if (p->len / pr > 200)
		p->kind = K_SKIP;	/* free text: a job for dedupe */
	else if (distinct <= 10 && nrec > 100)
		p->kind = K_SKIP;	/* a category says little */
}

/* Append a level {name: value} to levels. */
static void
rinit_level(json_t *levels, const char *name, json_t *v)
{
	json_t *l = json_object();

	json_object_set_new(l, name, v);
	json_array_append_new(levels, l);
}

/*
 * Records of different entities that share a place share more than one
 * field: the people of a household have its address, its phone and,
 * mostly, its surname; the firms of an office building its address.  So
 * these kinds go into one group, whose u is estimated as one.
 */
static int
rinit_grouped(int kind)
{
	return kind == K_SURNAME || kind == K_ADDRESS || kind == K_CITY ||
	    kind == K_CODE || kind == K_PHONE;
}

/* The model's entry for a member. */
static json_t *
rinit_field(const struct prof *p, size_t nrec, const char *surname,
    const char *group)
{
	json_t *f = json_object(), *lv = json_array(), *pf = json_object();
	const char *norm = "text";
	int tf = 0;
	char dn[16];

	json_object_set_new(f, "name", json_string(p->name));
	rinit_level(lv, "exact", json_true());
	switch (p->kind) {
	case K_FIRST:
		rinit_level(lv, "jaro_winkler", json_real(0.92));
		rinit_level(lv, "dmetaphone", json_true());
		rinit_level(lv, "initial", json_true());
		if (surname != NULL)
			rinit_level(lv, "swapped", json_string(surname));
		rinit_level(lv, "jaro_winkler", json_real(0.8));
		tf = 1;
		break;
	case K_SURNAME:
	case K_NAME:
		rinit_level(lv, "jaro_winkler", json_real(0.92));
		rinit_level(lv, "dmetaphone", json_true());
		if (p->kind == K_NAME)
			rinit_level(lv, "token_jaccard", json_real(0.5));
		rinit_level(lv, "jaro_winkler", json_real(0.8));
		tf = 1;
		break;
	case K_ORG:
		/* A typo, the same words, then a long common prefix. */
		norm = "org";
		rinit_level(lv, "damerau_levenshtein", json_integer(1));
		rinit_level(lv, "token_jaccard", json_real(0.75));
		rinit_level(lv, "jaro_winkler", json_real(0.9));
		rinit_level(lv, "token_jaccard", json_real(0.4));
		tf = 1;
		break;
	case K_DATE:
		snprintf(dn, sizeof(dn), "date%s", p->dateorder == 1 ?
		    ":dmy" : p->dateorder == 2 ? ":mdy" : "");
		norm = dn;
		rinit_level(lv, "damerau_levenshtein", json_integer(1));
		rinit_level(lv, "date_swap", json_true());
		rinit_level(lv, "date_year", json_true());
		break;
	case K_EMAIL:
		norm = "email";
		rinit_level(lv, "damerau_levenshtein", json_integer(1));
		rinit_level(lv, "jaro_winkler", json_real(0.88));
		break;
	case K_PHONE:
		norm = "digits:10";
		rinit_level(lv, "damerau_levenshtein", json_integer(1));
		break;
	case K_URL:
		norm = "url:noscheme";
		rinit_level(lv, "jaro_winkler", json_real(0.9));
		break;
	case K_NUMBER:
		norm = "none";
		rinit_level(lv, "reldiff", json_real(0.01));
		rinit_level(lv, "reldiff", json_real(0.1));
		break;
	case K_CODE:
		rinit_level(lv, "damerau_levenshtein", json_integer(1));
		tf = 1;
		break;
	case K_CITY:
		rinit_level(lv, "jaro_winkler", json_real(0.9));
		tf = 1;
		break;
	case K_ADDRESS:
		rinit_level(lv, "token_jaccard", json_real(0.7));
		rinit_level(lv, "jaro_winkler", json_real(0.9));
		rinit_level(lv, "token_jaccard", json_real(0.4));
		break;
	default:
		rinit_level(lv, "jaro_winkler", json_real(0.9));
		rinit_level(lv, "token_jaccard", json_real(0.5));
		break;
	}
	json_object_set_new(f, "normalize", json_string(norm));
	json_object_set_new(f, "levels", lv);
	if (group != NULL && rinit_grouped(p->kind))
		json_object_set_new(f, "group", json_string(group));
	else if (tf)
		json_object_set_new(f, "tf", json_true());
	json_object_set_new(pf, "kind", json_string(kind_names[p->kind]));
	json_object_set_new(pf, "present", json_real((double)(long)((double)
	    p->present / (double)(nrec ? nrec : 1) * 1000 + 0.5) / 1000));
	json_object_set_new(pf, "distinct",
	    json_integer((json_int_t)strmap_count(p->distinct)));
	json_object_set_new(f, "profile", pf);
	return f;
}

/* A blocking rule the guess may propose, and what the sample says. */
struct cand {
	char		 text[256];	/* the rule */
	int		 field[2];	/* the comparable fields it uses */
	int		 loose[2];	/* a term that is not the exact value */
	int		 nterm;		/* 1 or 2 */
	double		 pairs;		/* estimated for the whole input */
};

/*
 * How often two records of one entity agree on a field of a kind: on
 * the exact normal form, and on a looser key of it (its sound, its
 * year, its first letters).  Guesses from the errors such data has
 * (typos, nicknames, moves, new phone numbers); they only rank rules.
 */
static const struct {
	double		 exact, loose;
} agree[] = {
	[K_FIRST] = { 0.80, 0.88 }, [K_SURNAME] = { 0.85, 0.92 },
	[K_NAME] = { 0.75, 0.85 }, [K_ORG] = { 0.70, 0.85 },
	[K_DATE] = { 0.85, 0.92 }, [K_EMAIL] = { 0.70, 0.75 },
	[K_PHONE] = { 0.70, 0.75 }, [K_URL] = { 0.70, 0.75 },
	[K_NUMBER] = { 0.80, 0.85 }, [K_CODE] = { 0.80, 0.85 },
	[K_CITY] = { 0.85, 0.90 }, [K_ADDRESS] = { 0.60, 0.75 },
	[K_TEXT] = { 0.60, 0.70 }, [K_SKIP] = { 0, 0 }
};

/*
 * The chance that a pair of one entity shares no key of the rules c[0..n)
 * (and of extra, when not NULL): each field, independently, agrees
 * exactly (pe), only loosely (pl) or not, and a rule finds the pair when
 * all its terms agree.
 */
static double
rinit_miss(const struct cand *const *c, size_t n, const struct cand *extra,
    const double *pe, const double *pl)
{
	const struct cand *r[8];
	int fl[16], nfl = 0, st[16], i, t, k, found;
	size_t nr = 0, j, code, codes = 1;
	double p, miss = 0;

	for (j = 0; j < n && nr < 7; j++)
		r[nr++] = c[j];
	if (extra != NULL)
		r[nr++] = extra;
	for (j = 0; j < nr; j++)
		for (t = 0; t < r[j]->nterm; t++) {
			for (i = 0; i < nfl && fl[i] != r[j]->field[t]; i++)
				;
			if (i == nfl && nfl < 16)
				fl[nfl++] = r[j]->field[t];
		}
	for (i = 0; i < nfl; i++)
		codes *= 3;
	for (code = 0; code < codes; code++) {
		size_t x = code;

		for (i = 0, p = 1; i < nfl; i++, x /= 3) {
			st[i] = (int)(x % 3);	/* 0 exact, 1 loose, 2 no */
			p *= st[i] == 0 ? pe[fl[i]] : st[i] == 1 ? pl[fl[i]] :
			    1 - pe[fl[i]] - pl[fl[i]];
		}
		for (j = 0, found = 0; j < nr && !found; j++) {
			for (t = 0, found = 1; t < r[j]->nterm; t++) {
				for (k = 0; fl[k] != r[j]->field[t]; k++)
					;
				if (st[k] == 2 || (st[k] == 1 &&
				    !r[j]->loose[t]))
					found = 0;
			}
		}
		if (!found)
			miss += p;
	}
	return miss;
}

/* The terms a field can give a rule; loose[] says which are not exact. */
static int
rinit_terms(const struct prof *p, char terms[][96], int *loose)
{
	int n = 0, i;

	switch (p->kind) {
	case K_FIRST:
	case K_SURNAME:
		snprintf(terms[n++], 96, "dmetaphone(%s)", p->name);
		snprintf(terms[n++], 96, "%s", p->name);
		break;
	case K_DATE:
		snprintf(terms[n++], 96, "%s", p->name);
		snprintf(terms[n++], 96, "year(%s)", p->name);
		break;
	case K_ORG:
	case K_NAME:
		snprintf(terms[n++], 96, "%s", p->name);
		snprintf(terms[n++], 96, "dmetaphone(%s)", p->name);
		break;
	case K_ADDRESS:
		snprintf(terms[n++], 96, "first(%s,6)", p->name);
		break;
	case K_EMAIL:
	case K_PHONE:
	case K_URL:
	case K_CODE:
	case K_CITY:
	case K_NUMBER:
		snprintf(terms[n++], 96, "%s", p->name);
		break;
	default:
		break;
	}
	for (i = 0; i < n; i++)
		loose[i] = strchr(terms[i], '(') != NULL;
	return n;
}

/* Estimate a rule's pairs on the sample, scaled to total records. */
static int
rinit_measure(struct rmodel *m, const struct rdata *d, struct cand *c,
    size_t total)
{
	struct buf err = BUF_INIT, keys = BUF_INIT;
	struct strmap *km = strmap_new();
	size_t *count = NULL, cap = 0, i, n;
	double pairs = 0, scale;
	const char *p;
	uint32_t r, k;
	int isnew, rc = -1;

	if (rmodel_add_rule(m, c->text, &err) < 0)
		goto out;
	for (r = 0; r < d->nrec; r++) {
		buf_reset(&keys);
		n = rblock_keys(d, m->nrule - 1, r, &keys);
		for (i = 0, p = keys.data; i < n; i++, p += strlen(p) + 1) {
			k = strmap_intern(km, p, strlen(p), &isnew);
			if (k >= cap) {
				cap = cap ? cap * 2 : 1024;
				count = xreallocarray(count, cap,
				    sizeof(*count));
			}
			if (isnew)
				count[k] = 0;
			count[k]++;
		}
	}
	for (k = 0; k < strmap_count(km); k++)
		pairs += (double)count[k] * (double)(count[k] - 1) / 2;
	scale = d->nrec ? (double)total / (double)d->nrec : 1;
	c->pairs = pairs * scale * scale;
	rc = 0;
	free(m->rule[--m->nrule].text);
out:
	free(count);
	strmap_free(km);
	buf_release(&err);
	buf_release(&keys);
	return rc;
}

/* Choose blocking rules: few pairs, most records, different fields. */
static json_t *
rinit_blocking(const json_t *doc, struct prof *pf, size_t nf,
    json_t *const *recs, size_t n, size_t total)
{
	struct buf err = BUF_INIT, out = BUF_INIT, scratch = BUF_INIT;
	struct rmodel *m = rmodel_parse(doc, "", &err);
	struct rdata *d;
	struct cand *c = NULL;
	size_t nc = 0, i, j, a, b;
	char terms[RM_MAX_FIELDS][2][96];
	int nt[RM_MAX_FIELDS], loose[RM_MAX_FIELDS][2], f, ta, tb;
	double budget = 20.0 * (double)total, spent = 0, miss = 1, share;
	double pe[RM_MAX_FIELDS], pl[RM_MAX_FIELDS];
	const struct cand **chosen;
	size_t nchosen = 0;
	json_t *rules = json_array();

	if (m == NULL)
		diag_fail(ETV_SYS, "--init made a model it cannot read: %s",
		    err.data);
	/* Every function a rule may use, derived for the sample. */
	for (f = 0; f < m->nfield; f++)
		m->field[f].views |= RV_SOUNDEX | RV_DMETAPHONE;
	d = rdata_new(m);
	for (i = 0; i < n; i++) {
		const char *vals[RM_MAX_FIELDS];
		size_t lens[RM_MAX_FIELDS], off[RM_MAX_FIELDS];

		buf_reset(&out);
		for (f = 0; f < m->nfield; f++) {
			const json_t *v = json_object_get(recs[i],
			    m->field[f].name);
			const char *s = json_string_value(v);
			struct buf t = BUF_INIT;

			vals[f] = NULL;
			if (v == NULL || json_is_null(v))
				continue;
			if (s == NULL) {
				rec_dump(&t, v);
				s = t.data;
			}
			off[f] = out.len;
			if (rmodel_normalize(&m->field[f], s, s == t.data ?
			    t.len : json_string_length(v), &out, &scratch,
			    &err) == 0) {
				lens[f] = out.len - off[f];
				vals[f] = "";
			}
			buf_release(&t);
		}
		for (f = 0; f < m->nfield; f++)
			if (vals[f] != NULL)
				vals[f] = out.data + off[f];
		rdata_add(d, "", 0, 0, 0, NULL, 0, vals, lens);
	}
	/* Candidates: one term, or two of different fields. */
	for (i = 0, j = 0; i < nf; i++) {
		if (pf[i].kind == K_SKIP)
			continue;
		nt[j] = rinit_terms(&pf[i], terms[j], loose[j]);
		share = n ? (double)pf[i].present / (double)n : 0;
		pe[j] = agree[pf[i].kind].exact * share * share;
		pl[j] = (agree[pf[i].kind].loose - agree[pf[i].kind].exact) *
		    share * share;
		j++;
	}
	for (a = 0; a < j; a++) {
		for (ta = 0; ta < nt[a]; ta++) {
			for (b = a; b < j; b++) {
				for (tb = -1; tb < (b == a ? 0 : nt[b]); tb++) {
					if ((b == a) != (tb < 0))
						continue;
					c = xreallocarray(c, nc + 1,
					    sizeof(*c));
					if (tb < 0)
						snprintf(c[nc].text,
						    sizeof(c[nc].text), "%.95s",
						    terms[a][ta]);
					else
						snprintf(c[nc].text,
						    sizeof(c[nc].text),
						    "%.95s+%.95s", terms[a][ta],
						    terms[b][tb]);
					c[nc].nterm = tb < 0 ? 1 : 2;
					c[nc].field[0] = (int)a;
					c[nc].loose[0] = loose[a][ta];
					c[nc].field[1] = (int)b;
					c[nc].loose[1] = tb < 0 ? 0 :
					    loose[b][tb];
					if (rinit_measure(m, d, &c[nc],
					    total) == 0)
						nc++;
				}
			}
		}
	}
	/*
	 * Greedy: the rule that most lowers the chance that a pair of one
	 * entity shares no key, within the budget of pairs, until no rule
	 * lowers it by a thousandth.
	 */
	chosen = xcalloc(nc + 1, sizeof(*chosen));
	while (nchosen < 6) {
		size_t best = nc;
		double bm = miss - 0.001, x;

		for (i = 0; i < nc; i++) {
			if (c[i].pairs > budget / 2 ||
			    spent + c[i].pairs > budget)
				continue;
			x = rinit_miss(chosen, nchosen, &c[i], pe, pl);
			if (x < bm || (x == bm && best < nc &&
			    c[i].pairs < c[best].pairs)) {
				bm = x;
				best = i;
			}
		}
		if (best == nc)
			break;
		json_array_append_new(rules, json_string(c[best].text));
		chosen[nchosen++] = &c[best];
		spent += c[best].pairs;
		miss = bm;
	}
	free(chosen);
	free(c);
	rdata_free(d);
	rmodel_free(m);
	buf_release(&err);
	buf_release(&out);
	buf_release(&scratch);
	return rules;
}

json_t *
rinit_guess(json_t *const *recs, size_t n, size_t total, const char *id_field)
{
	struct prof pf[RM_MAX_FIELDS];
	size_t nf = 0, i, j;
	const char *k, *surname = NULL, *group = NULL;
	size_t ngrouped = 0;
	json_t *v, *doc = json_object(), *fields = json_array(), *x;
	struct buf t = BUF_INIT;

	memset(pf, 0, sizeof(pf));
	for (i = 0; i < n; i++) {
		json_object_foreach(recs[i], k, v) {
			if (strcmp(k, id_field) == 0 || strcmp(k, "source") ==
			    0 || strcmp(k, "entity_id") == 0 ||
			    strcmp(k, "match_score") == 0 ||
			    json_is_object(v) || json_is_array(v) ||
			    json_is_null(v))
				continue;
			for (j = 0; j < nf; j++)
				if (strcmp(pf[j].name, k) == 0)
					break;
			if (j == nf) {
				if (nf == RM_MAX_FIELDS)
					continue;
				pf[nf].name = k;
				pf[nf++].distinct = strmap_new();
			}
			if (json_is_string(v)) {
				rinit_look(&pf[j], json_string_value(v),
				    json_string_length(v));
			} else {
				buf_reset(&t);
				rec_dump(&t, v);
				rinit_look(&pf[j], t.data, t.len);
			}
		}
	}
	for (j = 0; j < nf; j++) {
		rinit_kind(&pf[j], n);
		if (pf[j].kind == K_SURNAME && surname == NULL)
			surname = pf[j].name;
		ngrouped += rinit_grouped(pf[j].kind);
	}
	if (ngrouped >= 2)
		group = surname != NULL ? "household" : "address";
	json_object_set_new(doc, "id_field", json_string(id_field));
	for (j = 0, ngrouped = 0; j < nf; j++) {
		if (pf[j].kind == K_SKIP)
			continue;
		/* A group holds RM_MAX_GROUP fields: the first ones. */
		ngrouped += rinit_grouped(pf[j].kind);
		json_array_append_new(fields, rinit_field(&pf[j], n, surname,
		    ngrouped <= RM_MAX_GROUP ? group : NULL));
	}
	json_object_set_new(doc, "fields", fields);
	json_object_set_new(doc, "blocking", json_array());
	json_object_set_new(doc, "threshold", json_real(0.9));
	if (json_array_size(fields) > 0) {
		x = rinit_blocking(doc, pf, nf, recs, n, total);
		json_object_set_new(doc, "blocking", x);
	}
	for (j = 0; j < nf; j++)
		strmap_free(pf[j].distinct);
	buf_release(&t);
	return doc;
}

void
rinit(struct rec_reader *rd, const char *id_field, FILE *fp)
{
	json_t **recs = xcalloc(RINIT_SAMPLE, sizeof(*recs)), *rec, *doc;
	uint64_t state = 1, j;
	size_t n = 0, total = 0;

	/* A reservoir sample (Vitter's algorithm R), with a fixed seed. */
	while ((rec = rec_next(rd)) != NULL) {
		if (n < RINIT_SAMPLE) {
			recs[n++] = rec;
		} else if ((j = hash_splitmix64(&state) % (total + 1)) <
		    RINIT_SAMPLE) {
			json_decref(recs[j]);
			recs[j] = rec;
		} else {
			json_decref(rec);
		}
		total++;
	}
	doc = rinit_guess(recs, n, total, id_field);
	if (json_array_size(json_object_get(doc, "fields")) == 0) {
		json_decref(doc);
		while (n > 0)
			json_decref(recs[--n]);
		free(recs);
		diag_fail(ETV_DATA, "--init found no member to compare in %zu "
		    "records (the id, constant members and free text are "
		    "left out)", total);
	}
	if (json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6)) < 0 || fputc('\n', fp) == EOF)
		diag_write_failed();
	json_decref(doc);
	while (n > 0)
		json_decref(recs[--n]);
	free(recs);
}
