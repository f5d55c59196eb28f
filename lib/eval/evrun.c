/* evrun.c -- read a run of ranked hits and score each query */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/diag.h"
#include "lib/base/strmap.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/eval/evrun.h"
#include "lib/json/jsonscan.h"
#include "lib/json/pool.h"

/* What a worker leaves in an item's aux for the ordered step. */
enum {
	AUX_SCORED = 1,		/* a JSON query: its values follow */
	AUX_UNJUDGED,		/* a JSON query without judgments */
	AUX_TREC		/* a TREC line: query, document, score */
};

/* A hit while its query is ranked. */
struct hit {
	const char	*id;		/* document (or chunk) id */
	size_t		 idlen;		/* its length */
	const char	*doc;		/* the document it stands for */
	size_t		 doclen;	/* its length */
	double		 score;		/* the run's score, when scored */
	size_t		 order;		/* place in the input */
	int		 keep;		/* not a document seen before */
};

struct evrun {
	const struct evrun_config *cfg;
	size_t		 width;		/* values a query */
	struct strmap	*qids;		/* queries seen: slot numbers */
	double		*val;		/* values of each slot */
	unsigned char	*empty;		/* slot had no hits */
	unsigned char	*unjudged;	/* slot is a query without judgments */
	unsigned char	*norel;		/* slot has no relevant judgment */
	size_t		 cap;		/* room in the slot arrays */
	size_t		*sorted;	/* evaluated slots, by id */
	size_t		 nsorted;	/* their number */
	int		 form;		/* EVRUN_JSON or _TREC once seen */
	struct evrun_counts n;		/* the counts so far */
	/* TREC lines until the whole run is read. */
	struct buf	 docs;		/* document ids, each after its
					   length (uint32_t) */
	uint32_t	*tq;		/* slot of each line */
	size_t		*td;		/* its document's place in docs */
	double		*ts;		/* score of each line */
	size_t		 nt;		/* lines */
	size_t		 tcap;		/* room in tq, td, ts */
};

/*
 * Score descending, then the document's id descending (the run is one of
 * documents once they are folded, and trec_eval breaks ties on the ids
 * of what it ranks), then the hit's own id, then input order.
 */
static int
by_score(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	int c;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if ((c = evjudge_idcmp(a->doc, a->doclen, b->doc, b->doclen)) != 0)
		return -c;
	if ((c = evjudge_idcmp(a->id, a->idlen, b->id, b->idlen)) != 0)
		return -c;
	return (a->order > b->order) - (a->order < b->order);
}

static int
by_order(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;

	return (a->order > b->order) - (a->order < b->order);
}

/* Document, then rank (the order of the ranked list). */
static int
by_doc(const void *x, const void *y)
{
	const struct hit *a = *(const struct hit *const *)x;
	const struct hit *b = *(const struct hit *const *)y;
	int c = evjudge_idcmp(a->doc, a->doclen, b->doc, b->doclen);

	return c ? c : (a > b) - (a < b);
}

/* A hit's document under --by, when it has no member for it. */
static void
doc_of_id(struct hit *h)
{
	size_t i = h->idlen;

	while (i > 0 && h->id[i - 1] != '#')
		i--;
	h->doc = h->id;
	h->doclen = i > 0 ? i - 1 : h->idlen;
}

/*
 * Rank the hits h[0..n) (scored: by score; else in their order), drop a
 * document's later hits, grade them by the judgments of query q and score
 * them into out.  Returns the number of hits kept.
 */
static size_t
score(const struct evrun_config *c, const struct evjudge *j, uint32_t q,
    struct hit *h, size_t n, int scored, double *out,
    unsigned long long *dropped, unsigned char *norel)
{
	struct hit **p = xreallocarray(NULL, n + 1, sizeof(*p));
	long *grade = xreallocarray(NULL, n + 1, sizeof(*grade));
	const long *ideal;
	size_t i, kept = 0, nideal;

	if (n > 1)
		qsort(h, n, sizeof(*h), scored ? by_score : by_order);
	for (i = 0; i < n; i++) {
		p[i] = &h[i];
		h[i].keep = 1;
	}
	if (n > 1)
		qsort(p, n, sizeof(*p), by_doc);
	for (i = 1; i < n; i++)
		if (evjudge_idcmp(p[i]->doc, p[i]->doclen, p[i - 1]->doc,
		    p[i - 1]->doclen) == 0)
			p[i]->keep = 0;
	for (i = 0; i < n; i++) {
		if (!h[i].keep)
			continue;
		if (!evjudge_grade(j, q, h[i].doc, h[i].doclen,
		    &grade[kept]))
			grade[kept] = 0;
		kept++;
	}
	*dropped += n - kept;
	ideal = evjudge_ideal(j, q, &nideal);
	*norel = nideal == 0 || ideal[0] < c->spec.min_rel;
	evm_score(&c->spec, grade, kept, ideal, nideal, out);
	free(p);
	free(grade);
	return kept;
}

/* The judgments of a query record's relevant member, or NULL. */
static struct evjudge *
own_judgments(struct rec_item *it, const json_t *rec, const char *field)
{
	const json_t *rel = json_object_get(rec, field), *v;
	struct evjudge *j;
	const char *key, *d;
	char tmp[24];
	size_t i, dn;
	int bad = 0;

	if (!json_is_array(rel) && !json_is_object(rel)) {
		rec_malformed(it, "a query needs \"%s\": a list of relevant "
		    "ids or an object of ids and grades (or give --qrels)",
		    field);
		return NULL;
	}
	j = evjudge_new();
	json_array_foreach(rel, i, v) {
		if ((d = evjudge_id(v, tmp, &dn)) == NULL) {
			rec_malformed(it, "\"%s\" item %zu is not an id",
			    field, i + 1);
			bad = 1;
			break;
		}
		(void)evjudge_add(j, "", 0, d, dn, 1);
	}
	json_object_foreach((json_t *)rel, key, v) {
		if (!json_is_integer(v)) {
			rec_malformed(it, "\"%s\": the grade of '%s' is not "
			    "an integer", field, key);
			bad = 1;
			break;
		}
		(void)evjudge_add(j, "", 0, key, strlen(key),
		    (long)json_integer_value(v));
	}
	if (bad) {
		evjudge_free(j);
		return NULL;
	}
	evjudge_finish(j);
	return j;
}

/* Gather a JSON query's hits into h; 0, or -1 when malformed. */
static int
json_hits(const struct evrun_config *c, struct rec_item *it,
    const json_t *hits, struct hit *h, int *scored)
{
	const json_t *x, *s, *d;
	size_t i;

	*scored = 1;
	json_array_foreach(hits, i, x) {
		d = json_object_get(x, "id");
		if (!json_is_string(d)) {
			rec_malformed(it, "hit %zu needs \"id\", a string",
			    i + 1);
			return -1;
		}
		h[i].id = json_string_value(d);
		h[i].idlen = json_string_length(d);
		s = json_object_get(x, "score");
		if (json_is_number(s))
			h[i].score = json_number_value(s);
		else
			*scored = 0;
		h[i].order = i;
		if (c->by != NULL &&
		    json_is_string(d = json_object_get(x, c->by))) {
			h[i].doc = json_string_value(d);
			h[i].doclen = json_string_length(d);
		} else if (c->by != NULL) {
			doc_of_id(&h[i]);
		} else {
			h[i].doc = h[i].id;
			h[i].doclen = h[i].idlen;
		}
	}
	return 0;
}

/*
 * Write a query's outcome to it->aux: with q < 0 that it has no
 * judgment, else its values (the hits h[0..n) scored against query q of
 * j) and counts.
 */
static void
put_query(const struct evrun_config *c, struct rec_item *it, size_t width,
    const char *qid, size_t qn, const struct evjudge *j, long q,
    struct hit *h, size_t n, int scored)
{
	unsigned char kind = q < 0 ? AUX_UNJUDGED : AUX_SCORED, norel;
	unsigned long long dropped = 0, kept;
	uint32_t len = (uint32_t)qn;
	double *out;

	buf_add(&it->aux, &kind, 1);
	buf_add(&it->aux, &len, sizeof(len));
	buf_add(&it->aux, qid, qn);
	if (q < 0)
		return;
	out = xreallocarray(NULL, width + 1, sizeof(*out));
	kept = score(c, j, (uint32_t)q, h, n, scored, out, &dropped, &norel);
	buf_add(&it->aux, out, width * sizeof(*out));
	free(out);
	buf_add(&it->aux, &dropped, sizeof(dropped));
	buf_add(&it->aux, &kept, sizeof(kept));
	buf_add(&it->aux, &norel, 1);
}

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* A hit's score from its member's text, when it is a number. */
static int
scan_score(const struct jsonscan_member *m, double *score)
{
	char tmp[64];

	if (m == NULL || m->string || m->vallen >= sizeof(tmp) ||
	    (m->val[0] != '-' && (m->val[0] < '0' || m->val[0] > '9')))
		return 0;
	memcpy(tmp, m->val, m->vallen);
	tmp[m->vallen] = '\0';
	*score = strtod(tmp, NULL);
	return 1;
}

/*
 * The fast path for runs judged by --qrels: a query record that jsonscan
 * reads, with ids free of escapes, is taken from its line without
 * building a tree.  Returns 1 when the query is done, 0 when it needs
 * the full parser (which also explains any fault).
 */
static int
scan_query(const struct evrun_config *c, struct rec_item *it, size_t width)
{
	const struct jsonscan *sc;
	const struct jsonscan_member *id, *hits, *m;
	struct jsonscan hs;
	const char *p, *end, *e;
	struct hit *h = NULL;
	size_t n = 0, cap = 0;
	int scored = 1, ok = 0;

	if (c->judge == NULL || (sc = rec_scan(it)) == NULL)
		return 0;
	id = jsonscan_get(sc, c->id_field);
	hits = jsonscan_get(sc, c->hits_field);
	if (id == NULL || !id->string || id->escaped || hits == NULL ||
	    hits->string || hits->val[0] != '[')
		return 0;
	p = hits->val + 1;
	end = hits->val + hits->vallen - 1;
	for (;;) {
		while (p < end && (is_space(*p) || *p == ','))
			p++;
		if (p == end)
			break;
		if ((e = jsonscan_object(p, end, &hs)) == NULL)
			goto out;
		if (n == cap) {
			cap = cap ? cap * 2 : 128;
			h = xreallocarray(h, cap, sizeof(*h));
		}
		m = jsonscan_get(&hs, "id");
		if (m == NULL || !m->string || m->escaped)
			goto out;
		h[n].id = m->val;
		h[n].idlen = m->vallen;
		h[n].order = n;
		if (!scan_score(jsonscan_get(&hs, "score"), &h[n].score))
			scored = 0;
		if (c->by == NULL) {
			h[n].doc = h[n].id;
			h[n].doclen = h[n].idlen;
		} else if ((m = jsonscan_get(&hs, c->by)) != NULL &&
		    m->string) {
			if (m->escaped)
				goto out;
			h[n].doc = m->val;
			h[n].doclen = m->vallen;
		} else {
			doc_of_id(&h[n]);
		}
		n++;
		p = e;
	}
	put_query(c, it, width, id->val, id->vallen, c->judge,
	    evjudge_query(c->judge, id->val, id->vallen), h, n, scored);
	ok = 1;
out:
	free(h);
	return ok;
}

/* A JSON query record, in a worker: its values to it->aux. */
static void
json_query(const struct evrun_config *c, struct rec_item *it, size_t width)
{
	const json_t *hits;
	struct evjudge *own = NULL;
	const struct evjudge *j = c->judge;
	struct hit *h;
	const char *qid;
	char tmp[24];
	size_t qn, n;
	long q = 0;
	json_t *rec;
	int scored;

	if (scan_query(c, it, width) || (rec = rec_parse(it)) == NULL)
		return;
	qid = evjudge_id(json_object_get(rec, c->id_field), tmp, &qn);
	hits = json_object_get(rec, c->hits_field);
	if (qid == NULL) {
		rec_malformed(it, "a query needs \"%s\", a string or an "
		    "integer", c->id_field);
		goto done;
	}
	if (!json_is_array(hits)) {
		rec_malformed(it, "a query needs \"%s\", an array",
		    c->hits_field);
		goto done;
	}
	if (j != NULL)
		q = evjudge_query(j, qid, qn);
	else if ((j = own = own_judgments(it, rec,
	    c->relevant_field)) == NULL)
		goto done;
	n = json_array_size(hits);
	h = xreallocarray(NULL, n + 1, sizeof(*h));
	if (json_hits(c, it, hits, h, &scored) == 0)
		put_query(c, it, width, qid, qn, j, q, h, n, scored);
	free(h);
	evjudge_free(own);
done:
	json_decref(rec);
}

/* A TREC run line, in a worker: query, document and score to it->aux. */
static void
trec_line(struct rec_item *it)
{
	const char *f[6];
	size_t fl[6];
	unsigned char kind = AUX_TREC;
	uint32_t len;
	double score;
	char tmp[64], *end;

	if (it->bad) {
		rec_malformed(it, "%s", it->bad);
		return;
	}
	if (utf8_invalid(it->line, it->len) >= 0) {
		rec_malformed(it, "invalid UTF-8");
		return;
	}
	if (evjudge_split(it->line, it->len, f, fl, 6) != 6) {
		rec_malformed(it, "a TREC run line has 6 fields: query Q0 "
		    "document rank score tag");
		return;
	}
	if (fl[4] < sizeof(tmp)) {
		memcpy(tmp, f[4], fl[4]);
		tmp[fl[4]] = '\0';
		score = strtod(tmp, &end);
	}
	if (fl[4] >= sizeof(tmp) || end == tmp || *end != '\0' ||
	    !isfinite(score)) {
		rec_malformed(it, "the score '%.*s' is not a number",
		    (int)fl[4], f[4]);
		return;
	}
	buf_add(&it->aux, &kind, 1);
	len = (uint32_t)fl[0];
	buf_add(&it->aux, &len, sizeof(len));
	buf_add(&it->aux, f[0], fl[0]);
	len = (uint32_t)fl[2];
	buf_add(&it->aux, &len, sizeof(len));
	buf_add(&it->aux, f[2], fl[2]);
	buf_add(&it->aux, &score, sizeof(score));
}

static void
work(struct rec_item *it, void *arg, int worker)
{
	struct evrun *r = arg;
	size_t i;

	(void)worker;
	for (i = 0; i < it->len && (it->line[i] == ' ' ||
	    it->line[i] == '\t'); i++)
		continue;
	/*
	 * A line is a TREC line when it must be (--run-format trec) or may
	 * be: it has the six fields and does not open a JSON value.  Any
	 * other line is JSON, whose parser explains what is wrong with it.
	 */
	if (r->cfg->format == EVRUN_TREC || (r->cfg->format == EVRUN_AUTO &&
	    it->obj == NULL && !it->bad && i < it->len &&
	    it->line[i] != '{' && it->line[i] != '[' &&
	    evjudge_split(it->line, it->len, NULL, NULL, 0) == 6))
		trec_line(it);
	else
		json_query(r->cfg, it, r->width);
}

/* The slot of query q[0..n), made when new; *isnew says which. */
static size_t
slot(struct evrun *r, const char *q, size_t n, int *isnew)
{
	size_t s = strmap_intern(r->qids, q, n, isnew);

	if (s == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->val = xreallocarray(r->val, r->cap,
		    r->width * sizeof(double));
		r->empty = xreallocarray(r->empty, r->cap, 1);
		r->unjudged = xreallocarray(r->unjudged, r->cap, 1);
		r->norel = xreallocarray(r->norel, r->cap, 1);
	}
	if (*isnew) {
		memset(r->val + s * r->width, 0, r->width * sizeof(double));
		r->empty[s] = 1;
		r->unjudged[s] = 0;
		r->norel[s] = 1;
	}
	return s;
}

static void
ordered(struct rec_item *it, void *arg)
{
	struct evrun *r = arg;
	const char *p = it->aux.data, *q, *d;
	unsigned char kind;
	unsigned long long dropped, kept;
	uint32_t qn, dn;
	size_t s;
	int form, isnew;

	if (it->aux.len == 0)
		return;
	kind = (unsigned char)*p++;
	memcpy(&qn, p, sizeof(qn));
	q = p + sizeof(qn);
	p = q + qn;
	form = kind == AUX_TREC ? EVRUN_TREC : EVRUN_JSON;
	if (r->form != EVRUN_AUTO && r->form != form) {
		rec_malformed(it, form == EVRUN_TREC ? "a TREC run line in "
		    "a JSON-lines run" : "a JSON-lines query in a TREC run");
		return;
	}
	if (form == EVRUN_TREC && r->cfg->judge == NULL)
		diag_usage("a TREC run needs judgments: --qrels FILE");
	r->form = form;
	if (kind == AUX_TREC) {
		memcpy(&dn, p, sizeof(dn));
		d = p + sizeof(dn);
		if (r->nt == r->tcap) {
			r->tcap = r->tcap ? r->tcap * 2 : 4096;
			r->tq = xreallocarray(r->tq, r->tcap, sizeof(*r->tq));
			r->td = xreallocarray(r->td, r->tcap, sizeof(*r->td));
			r->ts = xreallocarray(r->ts, r->tcap, sizeof(*r->ts));
		}
		r->tq[r->nt] = (uint32_t)slot(r, q, qn, &isnew);
		r->td[r->nt] = r->docs.len;
		buf_add(&r->docs, &dn, sizeof(dn));
		buf_add(&r->docs, d, dn);
		memcpy(&r->ts[r->nt], d + dn, sizeof(double));
		r->nt++;
		return;
	}
	s = slot(r, q, qn, &isnew);
	if (!isnew) {
		rec_malformed(it, "query '%.*s' is given twice", (int)qn, q);
		return;
	}
	if (kind == AUX_UNJUDGED) {
		r->unjudged[s] = 1;
		return;
	}
	memcpy(r->val + s * r->width, p, r->width * sizeof(double));
	p += r->width * sizeof(double);
	memcpy(&dropped, p, sizeof(dropped));
	memcpy(&kept, p + sizeof(dropped), sizeof(kept));
	r->n.dropped += dropped;
	r->n.hits += kept;
	r->empty[s] = kept == 0;
	r->norel[s] = (unsigned char)p[2 * sizeof(kept)];
}

/* Score the queries of a TREC run, once it is all read. */
static void
score_trec(struct evrun *r)
{
	size_t nq = strmap_count(r->qids), *first, *at, *line, i, s, n;
	struct hit *h = NULL, *x;
	unsigned long long kept;
	const char *qid;
	uint32_t dn;
	long q;

	/* The lines of each query together, in input order. */
	first = xcalloc(nq + 1, sizeof(*first));
	for (i = 0; i < r->nt; i++)
		first[r->tq[i] + 1]++;
	for (s = 0; s < nq; s++)
		first[s + 1] += first[s];
	at = xreallocarray(NULL, nq + 1, sizeof(*at));
	memcpy(at, first, (nq + 1) * sizeof(*at));
	line = xreallocarray(NULL, r->nt + 1, sizeof(*line));
	for (i = 0; i < r->nt; i++)
		line[at[r->tq[i]]++] = i;
	for (s = 0; s < nq; s++) {
		qid = strmap_key(r->qids, (uint32_t)s, &n);
		if ((q = evjudge_query(r->cfg->judge, qid, n)) < 0) {
			r->unjudged[s] = 1;
			continue;
		}
		n = first[s + 1] - first[s];
		h = xreallocarray(h, n + 1, sizeof(*h));
		for (i = 0; i < n; i++) {
			x = &h[i];
			memcpy(&dn, r->docs.data + r->td[line[first[s] + i]],
			    sizeof(dn));
			x->id = r->docs.data + r->td[line[first[s] + i]] +
			    sizeof(dn);
			x->idlen = dn;
			x->score = r->ts[line[first[s] + i]];
			x->order = i;
			if (r->cfg->by != NULL) {
				doc_of_id(x);
			} else {
				x->doc = x->id;
				x->doclen = x->idlen;
			}
		}
		kept = score(r->cfg, r->cfg->judge, (uint32_t)q, h, n, 1,
		    r->val + s * r->width, &r->n.dropped, &r->norel[s]);
		r->n.hits += kept;
		r->empty[s] = kept == 0;
	}
	free(h);
	free(line);
	free(at);
	free(first);
}

static const struct evrun *sort_run;

static int
by_qid(const void *x, const void *y)
{
	size_t an, bn;
	const char *a = strmap_key(sort_run->qids,
	    (uint32_t)*(const size_t *)x, &an);
	const char *b = strmap_key(sort_run->qids,
	    (uint32_t)*(const size_t *)y, &bn);

	return evjudge_idcmp(a, an, b, bn);
}

struct evrun *
evrun_read(const struct evrun_config *cfg, struct rec_reader *rd)
{
	struct evrun *r = xcalloc(1, sizeof(*r));
	const struct evjudge *j = cfg->judge;
	const char *qid;
	size_t s, nq, n, i;
	int isnew;

	r->cfg = cfg;
	r->width = evm_width(&cfg->spec);
	r->qids = strmap_new();
	buf_init(&r->docs);
	r->form = EVRUN_AUTO;
	pool_run_ordered(rd, cfg->jobs, work, ordered, r);
	if (r->nt > 0)
		score_trec(r);
	/* Judged queries the run lacks score 0 (trec_eval -c). */
	for (s = 0; j != NULL && s < evjudge_count(j); s++) {
		const long *ideal;

		qid = evjudge_qid(j, (uint32_t)s, &n);
		i = slot(r, qid, n, &isnew);
		if (isnew) {
			ideal = evjudge_ideal(j, (uint32_t)s, &n);
			r->norel[i] = n == 0 || ideal[0] < cfg->spec.min_rel;
		}
	}
	nq = strmap_count(r->qids);
	r->sorted = xreallocarray(NULL, nq + 1, sizeof(*r->sorted));
	for (s = 0; s < nq; s++) {
		if (r->unjudged[s]) {
			r->n.unjudged++;
			continue;
		}
		r->sorted[r->nsorted++] = s;
		r->n.no_hits += r->empty[s];
		r->n.no_relevant += r->norel[s];
	}
	r->n.queries = r->nsorted;
	sort_run = r;
	qsort(r->sorted, r->nsorted, sizeof(*r->sorted), by_qid);
	sort_run = NULL;
	buf_release(&r->docs);
	free(r->tq);
	free(r->td);
	free(r->ts);
	r->tq = NULL;
	r->td = NULL;
	r->ts = NULL;
	return r;
}

const struct evrun_counts *
evrun_counts(const struct evrun *r)
{
	return &r->n;
}

const char *
evrun_qid(const struct evrun *r, size_t i)
{
	return strmap_key(r->qids, (uint32_t)r->sorted[i], NULL);
}

const double *
evrun_values(const struct evrun *r, size_t i)
{
	return r->val + r->sorted[i] * r->width;
}

const double *
evrun_find(const struct evrun *r, const char *qid)
{
	long s = strmap_find(r->qids, qid, strlen(qid));

	if (s < 0 || r->unjudged[s])
		return NULL;
	return r->val + (size_t)s * r->width;
}

void
evrun_mean(const struct evrun *r, double *out)
{
	size_t i, k;

	memset(out, 0, r->width * sizeof(*out));
	for (i = 0; i < r->nsorted; i++)
		for (k = 0; k < r->width; k++)
			out[k] += r->val[r->sorted[i] * r->width + k];
	for (k = 0; r->nsorted > 0 && k < r->width; k++)
		out[k] /= (double)r->nsorted;
}

void
evrun_free(struct evrun *r)
{
	if (r == NULL)
		return;
	strmap_free(r->qids);
	buf_release(&r->docs);
	free(r->val);
	free(r->empty);
	free(r->unjudged);
	free(r->norel);
	free(r->sorted);
	free(r->tq);
	free(r->td);
	free(r->ts);
	free(r);
}
