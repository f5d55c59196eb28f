/* evjudge.c -- relevance judgments: which documents answer which query */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/strmap.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/eval/evjudge.h"
#include "lib/json/jsonscan.h"
#include "lib/json/record.h"

struct evjudge {
	struct strmap	*queries;	/* query ids */
	struct strmap	*pairs;		/* query number (4 bytes) + doc id */
	long		*grade;		/* grade of each pair */
	uint32_t	*query;		/* query of each pair */
	size_t		 cap;		/* room in grade and query */
	size_t		*first;		/* query q's grades: ideal[first[q]
					   .. first[q + 1]) */
	long		*ideal;		/* grades by query, descending */
	uint32_t	*bydoc;		/* pairs by query, then by document */
	struct buf	 key;		/* scratch pair key */
};

struct evjudge *
evjudge_new(void)
{
	struct evjudge *j = xcalloc(1, sizeof(*j));

	j->queries = strmap_new();
	j->pairs = strmap_new();
	buf_init(&j->key);
	return j;
}

static void
pair_key(struct buf *b, uint32_t q, const char *doc, size_t dn)
{
	buf_reset(b);
	buf_add(b, &q, sizeof(q));
	buf_add(b, doc, dn);
}

int
evjudge_add(struct evjudge *j, const char *q, size_t qn, const char *doc,
    size_t dn, long grade)
{
	uint32_t qi, pi;
	int isnew;

	qi = strmap_intern(j->queries, q, qn, NULL);
	pair_key(&j->key, qi, doc, dn);
	pi = strmap_intern(j->pairs, j->key.data, j->key.len, &isnew);
	if (!isnew)
		return -1;
	if (pi == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 256;
		j->grade = xreallocarray(j->grade, j->cap, sizeof(*j->grade));
		j->query = xreallocarray(j->query, j->cap, sizeof(*j->query));
	}
	j->grade[pi] = grade;
	j->query[pi] = qi;
	return 0;
}

static int
desc(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x < y) - (x > y);
}

int
evjudge_idcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

static const struct strmap *sort_pairs;

/* Pairs by their document (the key past the query number). */
static int
by_doc(const void *x, const void *y)
{
	size_t an, bn;
	const char *a = strmap_key(sort_pairs, *(const uint32_t *)x, &an);
	const char *b = strmap_key(sort_pairs, *(const uint32_t *)y, &bn);

	return evjudge_idcmp(a + sizeof(uint32_t), an - sizeof(uint32_t),
	    b + sizeof(uint32_t), bn - sizeof(uint32_t));
}

void
evjudge_finish(struct evjudge *j)
{
	size_t nq = strmap_count(j->queries), np = strmap_count(j->pairs);
	size_t *at, q, p;

	free(j->first);
	free(j->ideal);
	free(j->bydoc);
	j->first = xcalloc(nq + 1, sizeof(*j->first));
	j->ideal = xreallocarray(NULL, np + 1, sizeof(*j->ideal));
	j->bydoc = xreallocarray(NULL, np + 1, sizeof(*j->bydoc));
	for (p = 0; p < np; p++)
		j->first[j->query[p] + 1]++;
	for (q = 0; q < nq; q++)
		j->first[q + 1] += j->first[q];
	at = xreallocarray(NULL, nq + 1, sizeof(*at));
	memcpy(at, j->first, (nq + 1) * sizeof(*at));
	for (p = 0; p < np; p++) {
		j->bydoc[at[j->query[p]]] = (uint32_t)p;
		j->ideal[at[j->query[p]]++] = j->grade[p];
	}
	sort_pairs = j->pairs;
	for (q = 0; q < nq; q++) {
		qsort(j->ideal + j->first[q], j->first[q + 1] - j->first[q],
		    sizeof(*j->ideal), desc);
		qsort(j->bydoc + j->first[q], j->first[q + 1] - j->first[q],
		    sizeof(*j->bydoc), by_doc);
	}
	sort_pairs = NULL;
	free(at);
}

size_t
evjudge_count(const struct evjudge *j)
{
	return strmap_count(j->queries);
}

long
evjudge_query(const struct evjudge *j, const char *q, size_t qn)
{
	return strmap_find(j->queries, q, qn);
}

const char *
evjudge_qid(const struct evjudge *j, uint32_t q, size_t *n)
{
	return strmap_key(j->queries, q, n);
}

int
evjudge_grade(const struct evjudge *j, uint32_t q, const char *doc,
    size_t dn, long *grade)
{
	size_t lo, hi, mid, kn;
	const char *k;
	int c;

	if (q >= strmap_count(j->queries))
		return 0;
	/* A binary search of the query's few judgments: no hashing. */
	lo = j->first[q];
	hi = j->first[q + 1];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		k = strmap_key(j->pairs, j->bydoc[mid], &kn);
		c = evjudge_idcmp(doc, dn, k + sizeof(q), kn - sizeof(q));
		if (c == 0) {
			*grade = j->grade[j->bydoc[mid]];
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

const long *
evjudge_ideal(const struct evjudge *j, uint32_t q, size_t *n)
{
	if (q >= strmap_count(j->queries)) {
		*n = 0;
		return NULL;
	}
	*n = j->first[q + 1] - j->first[q];
	return j->ideal + j->first[q];
}

void
evjudge_free(struct evjudge *j)
{
	if (j == NULL)
		return;
	strmap_free(j->queries);
	strmap_free(j->pairs);
	free(j->grade);
	free(j->query);
	free(j->first);
	free(j->ideal);
	free(j->bydoc);
	buf_release(&j->key);
	free(j);
}

const char *
evjudge_id(const json_t *v, char tmp[24], size_t *n)
{
	if (json_is_string(v)) {
		*n = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_integer(v)) {
		*n = (size_t)snprintf(tmp, 24, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return tmp;
	}
	return NULL;
}

size_t
evjudge_split(const char *line, size_t len, const char **f, size_t *fl,
    size_t max)
{
	const char *p = line, *end = line + len, *s;
	size_t n = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			return n;
		for (s = p; p < end && *p != ' ' && *p != '\t'; p++)
			continue;
		if (n < max) {
			f[n] = s;
			fl[n] = (size_t)(p - s);
		}
		n++;
	}
}

/* A whole integer grade from text, or -1 with errno set. */
static int
parse_grade(const char *s, size_t n, long *grade)
{
	char tmp[24], *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*grade = strtol(tmp, &end, 10);
	if (*end != '\0' || errno != 0 || *grade < -1000000 ||
	    *grade > 1000000)
		return -1;
	return 0;
}

/*
 * An id member as jsonscan found it: a string without escapes, or an
 * integer's digits.  NULL for anything else (the full parser decides).
 */
static const char *
scan_id(const struct jsonscan_member *m, size_t *n)
{
	size_t i;

	if (m == NULL || m->vallen == 0 || (m->string && m->escaped))
		return NULL;
	for (i = m->val[0] == '-'; !m->string && i < m->vallen; i++)
		if (m->val[i] < '0' || m->val[i] > '9')
			return NULL;
	*n = m->vallen;
	return m->val;
}

/* One JSON-lines judgment; 0, or -1 with the reason in err. */
static int
json_line(struct evjudge *j, struct rec_item *it, struct buf *err)
{
	const struct jsonscan *sc;
	const struct jsonscan_member *m;
	const char *q, *d;
	char tq[24], td[24];
	size_t qn, dn;
	json_t *rec, *g;
	long grade;
	int ret = -1;

	/* The fast path: plain ids and an integer grade, read in place. */
	if ((sc = rec_scan(it)) != NULL &&
	    (q = scan_id(jsonscan_get(sc, "query_id"), &qn)) != NULL &&
	    (d = scan_id(jsonscan_get(sc, "id"), &dn)) != NULL &&
	    (m = jsonscan_get(sc, "relevance")) != NULL && !m->string &&
	    parse_grade(m->val, m->vallen, &grade) == 0) {
		if (evjudge_add(j, q, qn, d, dn, grade) == 0)
			return 0;
		return buf_fail(err, "document '%.*s' judged twice for query "
		    "'%.*s'", (int)dn, d, (int)qn, q);
	}
	if ((rec = rec_decode(it, err)) == NULL)
		return -1;
	q = evjudge_id(json_object_get(rec, "query_id"), tq, &qn);
	d = evjudge_id(json_object_get(rec, "id"), td, &dn);
	g = json_object_get(rec, "relevance");
	if (q == NULL)
		buf_fail(err, "a judgment needs \"query_id\", a string or "
		    "an integer");
	else if (d == NULL)
		buf_fail(err, "a judgment needs \"id\", a string or an "
		    "integer");
	else if (!json_is_integer(g))
		buf_fail(err, "a judgment needs \"relevance\", an integer");
	else if (evjudge_add(j, q, qn, d, dn, (long)json_integer_value(g)))
		buf_fail(err, "document '%s' judged twice for query '%s'",
		    d, q);
	else
		ret = 0;
	json_decref(rec);
	return ret;
}

/* One TREC qrels line; 0, or -1 with the reason in err. */
static int
trec_line(struct evjudge *j, struct rec_item *it, struct buf *err)
{
	const char *f[4];
	size_t fl[4];
	long grade;

	if (it->bad)
		return buf_fail(err, "%s", it->bad);
	if (utf8_invalid(it->line, it->len) >= 0)
		return buf_fail(err, "invalid UTF-8");
	if (evjudge_split(it->line, it->len, f, fl, 4) != 4)
		return buf_fail(err, "a TREC qrels line has 4 fields: query "
		    "iteration document grade");
	if (parse_grade(f[3], fl[3], &grade) < 0)
		return buf_fail(err, "the grade '%.*s' is not an integer",
		    (int)fl[3], f[3]);
	if (evjudge_add(j, f[0], fl[0], f[2], fl[2], grade))
		return buf_fail(err, "document '%.*s' judged twice for query "
		    "'%.*s'", (int)fl[2], f[2], (int)fl[0], f[0]);
	return 0;
}

void
evjudge_read(struct evjudge *j, const char *path, size_t max_line)
{
	struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_item it = REC_ITEM_INIT;
	struct rec_reader *rd;
	struct buf err = BUF_INIT;
	FILE *fp;
	size_t i;
	int bad = 0;

	if ((fp = fopen(path, "r")) == NULL)
		diag_fail(ETV_SYS, "%s: %s", path, strerror(errno));
	cfg.max_line = max_line;
	rd = rec_open_stream(&cfg, fp, path, NULL);
	while (!bad && rec_getline(rd, &it)) {
		for (i = 0; i < it.len && (it.line[i] == ' ' ||
		    it.line[i] == '\t'); i++)
			continue;
		buf_reset(&err);
		if (i < it.len && it.line[i] == '{' ? json_line(j, &it, &err) :
		    trec_line(j, &it, &err)) {
			diag_at(ETV_DATA, path, it.lineno, "%s", err.data);
			bad = 1;
		}
	}
	rec_close(rd);
	rec_item_release(&it);
	fclose(fp);
	buf_release(&err);
	if (bad)
		exit(diag_finish());
}
