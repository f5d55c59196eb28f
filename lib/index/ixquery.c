/* ixquery.c -- searches of an etv index: filters, hits, recall */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/embed/vec.h"
#include "lib/index/index.h"
#include "lib/index/ixlex.h"
#include "lib/index/ixquery.h"
#include "lib/index/vecfile.h"
#include "lib/index/vfilter.h"
#include "lib/json/jsonscan.h"
#include "lib/json/jsonx.h"
#include "lib/json/record.h"

/* What the path of a clause names in a row. */
enum {
	ROOT_FIELD,		/* a stored field */
	ROOT_ID,		/* the id */
	ROOT_GROUP		/* the group key */
};

/* One --filter clause and what it reads. */
struct clause {
	struct vfilter	 f;		/* the parsed clause; owned */
	int		 root;		/* ROOT_* */
};

struct ixq_filters {
	struct clause	*c;		/* the clauses; owned */
	size_t		 n;		/* their number */
	size_t		 nfield;	/* those that read stored fields */
};

/*
 * What a worker keeps.  A row's verdict is cached (0 not yet known, 1
 * accepted, 2 refused), so each row's stored fields are decoded at most
 * once per worker, and only when a search reaches the row.
 */
struct worker {
	struct vf_search *vs;		/* search state; owned */
	uint8_t		**cache;	/* verdicts per segment; owned */
	struct vf_hit	*hits;		/* room for k hits; owned */
	struct buf	 hitbuf;	/* the hits array being written */
	struct buf	 scratch;	/* unescaped strings of a row */
	struct jsonscan	 fscan;		/* a row's stored fields, scanned */
	struct buf	 model;		/* its unescaped embedding_model */
	const struct ixq *q;		/* the run */
	struct ixlex_search *ls;	/* BM25 search state, or NULL */
	struct vf_hit	*list[FU_NLIST];	/* hybrid: candidates of
					   each retriever; owned */
	struct fu_hit	*fused;		/* hybrid: fused hits; owned */
	float		**bvec;		/* a batch's query vectors; owned */
	json_t		**brec;		/* ... their parsed records; owned */
	int		*bstate;	/* ... what query_vector said; owned */
	const float	**bq;		/* ... those to search; owned */
	size_t		*bn;		/* ... their hit counts; owned */
	struct vf_hit	*bhits;		/* ... their hits, k each; owned */
	size_t		 bcap;		/* queries room in the above */
};

struct ixq {
	const struct vf_index *ix;	/* the index; borrowed */
	const struct ixq_filters *f;	/* the filters, or NULL; borrowed */
	struct ixq_opts	 o;		/* k, ef, exact, jobs */
	struct worker	*w;		/* one per thread; owned */
	const struct ixlex *lx;		/* BM25 of a lexical index, or
					   NULL; borrowed */
};

struct ixq_filters *
ixq_filters_new(void)
{
	return xcalloc(1, sizeof(struct ixq_filters));
}

void
ixq_filters_free(struct ixq_filters *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++)
		vfilter_release(&fs->c[i].f);
	free(fs->c);
	free(fs);
}

int
ixq_filters_add(struct ixq_filters *fs, const char *expr, struct buf *err)
{
	struct vfilter f;

	if (vfilter_parse(&f, expr, err) == -1)
		return -1;
	fs->c = xreallocarray(fs->c, fs->n + 1, sizeof(*fs->c));
	fs->c[fs->n].f = f;
	fs->c[fs->n++].root = ROOT_FIELD;
	return 0;
}

size_t
ixq_filters_count(const struct ixq_filters *fs)
{
	return fs ? fs->n : 0;
}

/*
 * The stored fields p[0..n) of a row, as a new object that holds at
 * least the members the filters look at.  Rows are read with jsonscan,
 * and only those members decoded: a stored text is skipped, not decoded.
 * Returns NULL when the fields are damaged.
 */
static json_t *
filter_fields(const struct ixq_filters *fs, const char *p, size_t n,
    struct jsonscan *sc, struct buf *b)
{
	const struct jsonscan_member *m;
	json_t *o, *v;
	const char *t, *path;
	size_t i, j, k, tn;

	if (!jsonscan_record(p, n, sc))
		return json_loadb(p, n, 0, NULL);
	o = json_object();
	for (i = 0; i < fs->n; i++) {
		if (fs->c[i].root != ROOT_FIELD)
			continue;
		path = fs->c[i].f.path;
		k = strcspn(path, ".");
		for (j = 0; j < sc->n; j++)
			if (sc->m[j].keylen == k &&
			    memcmp(sc->m[j].key, path, k) == 0)
				break;
		if (j == sc->n || json_object_getn(o, sc->m[j].key, k))
			continue;
		m = &sc->m[j];
		if (m->string)
			v = (t = jsonscan_text(m, b, &tn)) ?
			    json_stringn(t, tn) : NULL;
		else
			v = json_loadb(m->val, m->vallen, JSON_DECODE_ANY,
			    NULL);
		if (v == NULL) {
			json_decref(o);
			return NULL;
		}
		json_object_setn_new(o, m->key, m->keylen, v);
	}
	return o;
}

/* Whether row r of segment s passes every clause. */
static int
row_passes(const struct ixq_filters *fs, const struct vf_index *ix,
    uint32_t s, uint32_t r, struct worker *w)
{
	const struct clause *c;
	const char *p;
	json_t *fields = NULL, *v;
	size_t i, n;
	int ok = 1;

	for (i = 0; ok && i < fs->n; i++) {
		c = &fs->c[i];
		if (c->root != ROOT_FIELD) {
			p = vf_str(ix, s, c->root == ROOT_ID ? VF_ID :
			    VF_GROUP, r, &n);
			v = p ? json_stringn_nocheck(p, n) : NULL;
			ok = vfilter_match(&c->f, v);
			json_decref(v);
			continue;
		}
		if (fields == NULL &&
		    ((p = vf_str(ix, s, VF_FIELDS, r, &n)) == NULL ||
		    (fields = filter_fields(fs, p, n, &w->fscan,
		    &w->scratch)) == NULL))
			return 0;
		ok = vfilter_match(&c->f, jsonx_path(fields, c->f.path));
	}
	json_decref(fields);
	return ok;
}

/* The vf_accept of a filtered search: the cached verdict of the row. */
static int
filter_accept(const struct vf_index *ix, uint32_t s, uint32_t r, void *arg)
{
	struct worker *w = arg;

	if (w->cache[s] == NULL)
		w->cache[s] = xcalloc(vf_seg_rows(ix, s), 1);
	if (w->cache[s][r] == 0)
		w->cache[s][r] = row_passes(w->q->f, ix, s, r, w) ? 1 : 2;
	return w->cache[s][r] == 1;
}

/* Compare two C strings for qsort. */
static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Add to names the members of the object found at the longest leading
 * part of path (cut at dots) in fields: the names a user could have meant.
 */
static void
near_names(json_t *names, json_t *fields, const char *path)
{
	const char *k;
	char *pre;
	json_t *o, *v;
	size_t n;

	pre = xstrdup(path);
	for (n = strlen(pre); ; ) {
		while (n > 0 && pre[n] != '.')
			n--;
		pre[n] = '\0';
		o = n ? jsonx_path(fields, pre) : fields;
		if (json_is_object(o)) {
			json_object_foreach(o, k, v)
				if (json_object_size(names) < 1000)
					json_object_set(names, k, json_null());
			break;
		}
		if (n == 0)
			break;
	}
	free(pre);
}

/*
 * Add to names what the stored fields p[0..n) of a row hold near path:
 * its top-level names when it lacks path's root, else the names beside
 * the deepest part of path it has.
 */
static void
row_names(json_t *names, const struct ixq_filters *fs, const char *path,
    const char *p, size_t n, struct jsonscan *sc, struct buf *b)
{
	size_t i, j, root = strcspn(path, ".");
	json_t *fields;

	if (jsonscan_record(p, n, sc)) {
		for (j = 0; j < sc->n; j++)
			if (sc->m[j].keylen == root &&
			    memcmp(sc->m[j].key, path, root) == 0)
				break;
		for (i = 0; j == sc->n && i < sc->n; i++)
			json_object_setn(names, sc->m[i].key,
			    sc->m[i].keylen, json_null());
		if (j == sc->n)
			return;
	}
	if ((fields = filter_fields(fs, p, n, sc, b)) == NULL)
		return;
	near_names(names, fields, path);
	json_decref(fields);
}

/*
 * Write to err that the path of clause c is in no live row of ix, with
 * the names stored where it points.  Returns -1.
 */
static int
no_such_path(const struct ixq_filters *fs, const struct vf_index *ix,
    const struct clause *c, struct jsonscan *sc, struct buf *err)
{
	const char **list, *k, *p;
	struct buf b = BUF_INIT, s = BUF_INIT;
	json_t *names, *v;
	size_t i, n;
	uint32_t seg, r;

	names = json_object();
	for (seg = 0; seg < vf_nseg(ix); seg++)
		for (r = 0; r < vf_seg_rows(ix, seg); r++)
			if (!vf_dead(ix, seg, r) &&
			    (p = vf_str(ix, seg, VF_FIELDS, r, &n)) != NULL)
				row_names(names, fs, c->f.path, p, n, sc, &s);
	list = xcalloc(json_object_size(names) + 1, sizeof(*list));
	i = 0;
	json_object_foreach(names, k, v)
		list[i++] = k;
	qsort(list, i, sizeof(*list), cmp_names);
	for (n = 0; n < i && n < 30; n++)
		buf_printf(&b, "%s%s", n ? ", " : "", list[n]);
	if (n < i)
		buf_printf(&b, " ... (%zu names)", i);
	buf_fail(err, "filter field '%s' is in no row of '%s'; the nearest "
	    "stored names are: %s (stored fields: '%s'; see --store)",
	    c->f.path, vf_path(ix), i ? b.data : "none",
	    vf_meta(ix)->store);
	free(list);
	json_decref(names);
	buf_release(&b);
	buf_release(&s);
	return -1;
}

/*
 * Add to warn that clause f compares values of another kind than v, the
 * value of its path in the first row that has it.
 */
static void
unlike_warning(struct buf *warn, const struct vfilter *f, const json_t *v)
{
	int list = f->op == VFILTER_IN || f->op == VFILTER_NOTIN;
	char *vals;

	vals = json_dumps(list ? f->vals : json_array_get(f->vals, 0),
	    JSON_COMPACT | JSON_ENCODE_ANY);
	buf_printf(warn, "filter '%s%s%s%s%s': the index holds %s values "
	    "there, the filter gives %s%s\n", f->path, list ? " " : "",
	    vfilter_op_name(f->op), list ? " " : "", vals ? vals : "",
	    jsonx_type_name(v), jsonx_type_name(json_array_get(f->vals, 0)),
	    json_is_string(v) ? " (a value in double quotes is a string)" :
	    "");
	free(vals);
}

/* Resolve the roots of the clauses; -1 with err for an unstored path. */
static int
resolve_roots(struct ixq_filters *fs, const struct vf_meta *m,
    const char *id_field, struct buf *err)
{
	struct clause *c;
	size_t i, n;

	fs->nfield = 0;
	for (i = 0; i < fs->n; i++) {
		c = &fs->c[i];
		n = strcspn(c->f.path, ".");
		c->root = ROOT_FIELD;
		if (strcmp(c->f.path, id_field) == 0 ||
		    strcmp(c->f.path, "id") == 0)
			c->root = ROOT_ID;
		else if (strcmp(c->f.path, m->by) == 0 &&
		    !ix_in_list(m->store, c->f.path, n))
			c->root = ROOT_GROUP;
		else if (!ix_in_list(m->store, c->f.path, n))
			return buf_fail(err, "filter field '%s' is not stored "
			    "in the index (stored: '%s'; see --store)",
			    c->f.path, m->store);
		else
			fs->nfield++;
	}
	return 0;
}

int
ixq_filters_bind(struct ixq_filters *fs, const struct vf_index *ix,
    const char *id_field, struct buf *warn, struct buf *err)
{
	struct jsonscan *sc;
	struct buf s = BUF_INIT;
	struct clause *c;
	json_t *fields, *v;
	const char *p;
	size_t i, n, left;
	uint32_t seg, r;
	char *seen;
	int ret = 0;

	if (resolve_roots(fs, vf_meta(ix), id_field, err) == -1)
		return -1;
	if ((left = fs->nfield) == 0 || vf_nlive(ix) == 0)
		return 0;
	seen = xcalloc(fs->n, 1);
	sc = xmalloc(sizeof(*sc));
	for (seg = 0; left > 0 && seg < vf_nseg(ix); seg++) {
		for (r = 0; left > 0 && r < vf_seg_rows(ix, seg); r++) {
			if (vf_dead(ix, seg, r) ||
			    (p = vf_str(ix, seg, VF_FIELDS, r, &n)) == NULL ||
			    (fields = filter_fields(fs, p, n, sc, &s)) == NULL)
				continue;
			for (i = 0; i < fs->n; i++) {
				c = &fs->c[i];
				if (c->root != ROOT_FIELD || seen[i] ||
				    (v = jsonx_path(fields, c->f.path)) ==
				    NULL)
					continue;
				seen[i] = 1;
				left--;
				if (vfilter_unlike(&c->f, v))
					unlike_warning(warn, &c->f, v);
			}
			json_decref(fields);
		}
	}
	for (i = 0; left > 0 && i < fs->n; i++)
		if (fs->c[i].root == ROOT_FIELD && !seen[i]) {
			ret = no_such_path(fs, ix, &fs->c[i], sc, err);
			break;
		}
	free(seen);
	free(sc);
	buf_release(&s);
	return ret;
}

struct ixq *
ixq_new(const struct vf_index *ix, const struct ixq_filters *f,
    const struct ixq_opts *o)
{
	struct ixq *q = xcalloc(1, sizeof(*q));
	struct worker *w;
	int i;

	q->ix = ix;
	q->f = ixq_filters_count(f) ? f : NULL;
	q->o = *o;
	if (q->o.ef == 0)
		q->o.ef = o->k > 64 ? o->k : 64;
	q->w = xcalloc((size_t)o->jobs, sizeof(*q->w));
	for (i = 0; i < o->jobs; i++) {
		w = &q->w[i];
		w->vs = vf_search_new();
		w->cache = xcalloc(vf_nseg(ix) + 1, sizeof(uint8_t *));
		w->hits = xcalloc(o->k, sizeof(struct vf_hit));
		buf_init(&w->hitbuf);
		buf_init(&w->scratch);
		buf_init(&w->model);
		w->q = q;
	}
	return q;
}

void
ixq_set_lexical(struct ixq *q, const struct ixlex *lx)
{
	struct worker *w;
	size_t nc;
	int i;

	q->lx = lx;
	if (q->o.candidates == 0)
		q->o.candidates = q->o.k > 100 ? q->o.k : 100;
	nc = q->o.candidates > q->o.k ? q->o.candidates : q->o.k;
	for (i = 0; i < q->o.jobs; i++) {
		w = &q->w[i];
		w->ls = ixlex_search_new(lx);
		w->list[FU_VECTOR] = xcalloc(nc, sizeof(struct vf_hit));
		w->list[FU_BM25] = xcalloc(nc, sizeof(struct vf_hit));
		w->fused = xcalloc(q->o.k, sizeof(struct fu_hit));
	}
}

void
ixq_free(struct ixq *q)
{
	struct worker *w;
	uint32_t s;
	int i;

	if (q == NULL)
		return;
	for (i = 0; i < q->o.jobs; i++) {
		w = &q->w[i];
		vf_search_free(w->vs);
		for (s = 0; s < vf_nseg(q->ix); s++)
			free(w->cache[s]);
		free(w->cache);
		free(w->hits);
		free(w->bvec);
		free(w->brec);
		free(w->bstate);
		free(w->bq);
		free(w->bn);
		free(w->bhits);
		buf_release(&w->hitbuf);
		buf_release(&w->scratch);
		buf_release(&w->model);
		ixlex_search_free(w->ls);
		free(w->list[FU_VECTOR]);
		free(w->list[FU_BM25]);
		free(w->fused);
	}
	free(q->w);
	free(q);
}

/* Append p[0..n) as a JSON string; -1 when it is not UTF-8 (damage). */
static int
add_string(struct buf *b, const char *p, size_t n)
{
	if (utf8_invalid(p, n) != -1)
		return -1;
	rec_quote(b, p, n);
	return 0;
}

/* Append one hit to b; -1 when its row is damaged. */
static int
hit_json(struct buf *b, const struct vf_index *ix, const struct vf_hit *h)
{
	const struct vf_meta *m = vf_meta(ix);
	const char *p;
	size_t len;
	json_t *f;

	buf_adds(b, "{\"id\":");
	if ((p = vf_str(ix, h->seg, VF_ID, h->row, &len)) == NULL ||
	    add_string(b, p, len) == -1)
		return -1;
	/* Seven significant digits: one conversion, not a search. */
	if (isfinite(h->score))
		buf_printf(b, ",\"score\":%.7g", (double)h->score);
	else
		buf_adds(b, ",\"score\":null");
	/* The group (doc_id) too, so that a hit can be cited. */
	if ((p = vf_str(ix, h->seg, VF_GROUP, h->row, &len)) == NULL)
		return -1;
	if (len > 0 && !ix_in_list(m->store, m->by, strlen(m->by))) {
		buf_addc(b, ',');
		if (add_string(b, m->by, strlen(m->by)) == -1)
			return -1;
		buf_addc(b, ':');
		if (add_string(b, p, len) == -1)
			return -1;
	}
	if ((p = vf_str(ix, h->seg, VF_FIELDS, h->row, &len)) == NULL ||
	    len < 2)
		return -1;
	if (len > 2) {
		f = json_loadb(p, len, 0, NULL);
		if (!json_is_object(f)) {
			json_decref(f);
			return -1;
		}
		json_decref(f);
		buf_addc(b, ',');
		buf_add(b, p + 1, len - 2);
	}
	buf_addc(b, '}');
	return 0;
}

int
ixq_hits_json(struct buf *b, const struct vf_index *ix,
    const struct vf_hit *h, size_t n)
{
	size_t i;

	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		if (hit_json(b, ix, &h[i]) == -1)
			return -1;
	}
	buf_addc(b, ']');
	return 0;
}

/*
 * The embedding and embedding_model of a query record without "hits",
 * read in place with jsonscan: most queries are such records, and a full
 * parse would cost as much as a search.  Returns the dimensions, -1 after
 * reporting a bad embedding, or -2 for any other record (parse it).
 */
static long
fast_query(struct rec_item *it, struct worker *w, float **vec,
    const char **model)
{
	const struct jsonscan_member *e, *m;
	const struct jsonscan *sc;
	struct buf why = BUF_INIT;
	size_t n;
	long d;

	if ((sc = rec_scan(it)) == NULL ||
	    jsonscan_get(sc, "hits") != NULL ||
	    (e = jsonscan_get(sc, IX_EMBEDDING)) == NULL ||
	    !e->string || e->escaped)
		return -2;
	*model = NULL;
	if ((m = jsonscan_get(sc, IX_MODEL)) != NULL) {
		if (!m->string)
			return -2;
		buf_reset(&w->model);
		if ((*model = jsonscan_text(m, &w->model, &n)) == NULL)
			return -2;
		if (*model != w->model.data) {
			buf_add(&w->model, *model, n);
			*model = w->model.data;
		}
	}
	if ((d = vec_from_base64(e->val, e->vallen, vec, &why)) < 0)
		rec_malformed(it, "field '%s': %s", IX_EMBEDDING, why.data);
	buf_release(&why);
	return d;
}

/*
 * Append the fused hits of the candidates w->list[FU_VECTOR][0..nv) and
 * w->list[FU_BM25][0..nl) to b, each saying which retriever found it,
 * at what rank and with what score.  Returns -1 on a damaged row.
 */
static int
fused_json(struct buf *b, const struct ixq *q, struct worker *w, size_t nv,
    size_t nl)
{
	static const char *const name[FU_NLIST] = { "vector", "bm25" };
	const struct vf_hit *lists[FU_NLIST];
	const struct fu_hit *f;
	struct vf_hit h;
	size_t n, i, cnt[FU_NLIST];
	int up[FU_NLIST], l, first;

	lists[FU_VECTOR] = w->list[FU_VECTOR];
	lists[FU_BM25] = w->list[FU_BM25];
	cnt[FU_VECTOR] = nv;
	cnt[FU_BM25] = nl;
	up[FU_VECTOR] = vf_meta(q->ix)->metric != VF_L2;
	up[FU_BM25] = 1;
	n = fu_fuse(&q->o.fusion, lists, cnt, up, q->o.k, w->fused);
	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		f = &w->fused[i];
		h.score = (float)f->score;
		h.dist = -h.score;
		h.seg = f->seg;
		h.row = f->row;
		if (i)
			buf_addc(b, ',');
		if (hit_json(b, q->ix, &h) == -1)
			return -1;
		b->len--;	/* the closing brace */
		buf_adds(b, ",\"via\":{");
		for (first = 1, l = FU_NLIST; l-- > 0; ) {
			if (f->rank[l] == 0)
				continue;
			buf_printf(b, "%s\"%s\":[%u,%.7g]", first ? "" : ",",
			    name[l], f->rank[l], (double)f->raw[l]);
			first = 0;
		}
		buf_adds(b, "}}");
	}
	buf_addc(b, ']');
	return 0;
}

/*
 * Write the hits in w->hitbuf (made by ok == 0) to the item as its
 * "hits" member; ok == -1 means a damaged row: the run ends, status 4.
 */
static void
put_hits(struct rec_item *it, const struct vf_index *ix, struct worker *w,
    int ok)
{
	struct rec_member hits;

	if (ok == -1) {
		diag_format(&it->msg, NULL, 0, "'%s': corrupt index: "
		    "damaged id or stored fields", vf_path(ix));
		it->status = ETV_SYS;
		it->fatal = 1;
		return;
	}
	hits.key = "hits";
	hits.val = w->hitbuf.data;
	hits.vallen = w->hitbuf.len;
	rec_emit_members(it, &hits, 1);
}

/*
 * Check a query vector of d dimensions from model against the index, and
 * normalise it for cosine.  Returns 0, or -1 after rejecting the record.
 */
static int
fit_query_vector(struct rec_item *it, const struct vf_meta *meta, long d,
    const char *model, float *vec)
{
	if (ix_check_vector(it, meta, d, model) == -1)
		return -1;
	if (meta->metric == VF_COSINE)
		ix_unit_vector(vec, (size_t)d);
	return 0;
}

/*
 * The query vector of rec into *vec (normalised for cosine), checked
 * against the index.  Returns 0, or -1 after reporting the record.
 */
static int
record_query_vector(struct rec_item *it, const struct vf_meta *meta,
    json_t *rec, float **vec)
{
	const char *model;
	long d;
	int bad;

	if ((d = ix_record_vector(it, rec, vec)) < 0)
		return -1;
	model = ix_record_model(it, rec, &bad);
	return bad ? -1 : fit_query_vector(it, meta, d, model, *vec);
}

/*
 * A query on a lexical index: by its text (BM25), its embedding, or both
 * fused, as --mode says or, by default, as the record has them.
 */
static void
lexical_item(struct rec_item *it, const struct ixq *q, struct worker *w)
{
	const struct vf_index *ix = q->ix;
	const struct vf_meta *meta = vf_meta(ix);
	vf_accept acc = q->f ? filter_accept : NULL;
	const char *text = NULL;
	size_t tlen = 0, nl = 0, nv = 0, kk;
	float *vec = NULL;
	json_t *rec, *t;
	int mode = q->o.mode, ok;

	if ((rec = rec_parse(it)) == NULL)
		return;
	if ((t = jsonx_path(rec, q->o.text_field)) != NULL) {
		if (!json_is_string(t)) {
			rec_malformed(it, "field '%s' is not a string",
			    q->o.text_field);
			goto out;
		}
		text = json_string_value(t);
		tlen = json_string_length(t);
	}
	if (mode == IXQ_AUTO)
		mode = text == NULL ? IXQ_VECTOR : meta->dims > 0 &&
		    json_object_get(rec, IX_EMBEDDING) ? IXQ_HYBRID :
		    IXQ_LEXICAL;
	if (mode != IXQ_VECTOR && text == NULL) {
		rec_malformed(it, "field '%s' is missing (the query text)",
		    q->o.text_field);
		goto out;
	}
	if (mode == IXQ_VECTOR && meta->dims == 0 && vf_nrows(ix) > 0) {
		rec_malformed(it, "field '%s' is missing (the index is "
		    "lexical only: it searches by text)", q->o.text_field);
		goto out;
	}
	if (mode != IXQ_LEXICAL && meta->dims > 0 &&
	    record_query_vector(it, meta, rec, &vec) == -1)
		goto out;
	kk = mode == IXQ_HYBRID ? q->o.candidates : q->o.k;
	if (mode != IXQ_VECTOR)
		nl = ixlex_query(w->ls, q->lx, text, tlen, kk, acc, w,
		    w->list[FU_BM25]);
	if (mode != IXQ_LEXICAL && vec != NULL)
		nv = vf_query(w->vs, ix, vec, kk, q->o.ef > kk ? q->o.ef : kk,
		    q->o.exact, acc, w, w->list[FU_VECTOR]);
	buf_reset(&w->hitbuf);
	if (mode == IXQ_HYBRID)
		ok = fused_json(&w->hitbuf, q, w, nv, nl);
	else if (mode == IXQ_LEXICAL)
		ok = ixq_hits_json(&w->hitbuf, ix, w->list[FU_BM25], nl);
	else
		ok = ixq_hits_json(&w->hitbuf, ix, w->list[FU_VECTOR], nv);
	put_hits(it, ix, w, ok);
out:
	free(vec);
	json_decref(rec);
}

/*
 * The query vector of item it, in *vec (unit length for VF_COSINE), and
 * the record in *rec when the line had to be parsed (the caller frees
 * both, also on failure).  Returns 1 with a vector to search with, 0 when
 * the index is empty (no hits for anyone), or -1 when the item is done: it
 * was malformed or rejected, and that has been reported.
 */
static int
query_vector(struct rec_item *it, struct worker *w, float **vec,
    json_t **rec)
{
	const struct vf_meta *meta = vf_meta(w->q->ix);
	const char *model;
	long d;
	int bad = 0;

	*vec = NULL;
	*rec = NULL;
	if ((d = fast_query(it, w, vec, &model)) == -1)
		return -1;
	if (d == -2) {
		if ((*rec = rec_parse(it)) == NULL)
			return -1;
		if ((d = ix_record_vector(it, *rec, vec)) < 0)
			return -1;
		model = ix_record_model(it, *rec, &bad);
	}
	if (bad)
		return -1;
	/* An empty index (built from no record) has no hits for anyone. */
	if (meta->dims == 0)
		return 0;
	return fit_query_vector(it, meta, d, model, *vec) == -1 ? -1 : 1;
}

/* Write item it with "hits" set to h[0..n). */
static void
write_hits(struct rec_item *it, struct worker *w, const struct vf_hit *h,
    size_t n)
{
	const struct vf_index *ix = w->q->ix;

	buf_reset(&w->hitbuf);
	put_hits(it, ix, w, ixq_hits_json(&w->hitbuf, ix, h, n));
}

void
ixq_item(struct rec_item *it, void *arg, int worker)
{
	struct ixq *q = arg;
	struct worker *w = &q->w[worker];
	float *vec;
	json_t *rec;
	size_t n = 0;
	int r;

	if (q->lx != NULL && q->o.mode != IXQ_VECTOR) {
		lexical_item(it, q, w);
		return;
	}
	if ((r = query_vector(it, w, &vec, &rec)) == 1)
		n = vf_query(w->vs, q->ix, vec, q->o.k, q->o.ef, q->o.exact,
		    q->f ? filter_accept : NULL, w, w->hits);
	if (r >= 0)
		write_hits(it, w, w->hits, n);
	free(vec);
	json_decref(rec);
}

/* Make room in w for a batch of n queries of k hits. */
static void
batch_room(struct worker *w, size_t n, size_t k)
{
	if (w->bcap >= n)
		return;
	w->bcap = n;
	w->bvec = xreallocarray(w->bvec, n, sizeof(*w->bvec));
	w->brec = xreallocarray(w->brec, n, sizeof(*w->brec));
	w->bstate = xreallocarray(w->bstate, n, sizeof(*w->bstate));
	w->bq = xreallocarray(w->bq, n, sizeof(*w->bq));
	w->bn = xreallocarray(w->bn, n, sizeof(*w->bn));
	w->bhits = xreallocarray(w->bhits, n * (k ? k : 1),
	    sizeof(*w->bhits));
}

void
ixq_batch(struct rec_item *items, size_t n, void *arg, int worker)
{
	struct ixq *q = arg;
	struct worker *w = &q->w[worker];
	size_t i, m = 0, k = q->o.k;

	/* Graph searches, and queries by text, one at a time. */
	if (!q->o.exact || (q->lx != NULL && q->o.mode != IXQ_VECTOR)) {
		for (i = 0; i < n; i++)
			ixq_item(&items[i], arg, worker);
		return;
	}
	batch_room(w, n, k);
	for (i = 0; i < n; i++) {
		w->bstate[i] = query_vector(&items[i], w, &w->bvec[i],
		    &w->brec[i]);
		if (w->bstate[i] == 1)
			w->bq[m++] = w->bvec[i];
	}
	if (m > 0)
		vf_query_batch(w->vs, q->ix, w->bq, m, k, q->f ?
		    filter_accept : NULL, w, w->bhits, w->bn);
	for (i = 0, m = 0; i < n; i++) {
		if (w->bstate[i] == 1) {
			write_hits(&items[i], w, w->bhits + m * k, w->bn[m]);
			m++;
		} else if (w->bstate[i] == 0)
			write_hits(&items[i], w, NULL, 0);
		free(w->bvec[i]);
		json_decref(w->brec[i]);
	}
}

double
ixq_recall(const struct vf_index *ix, size_t k, size_t ef, size_t nq,
    size_t *used)
{
	struct vf_search *vs = vf_search_new();
	struct vf_hit *a, *e;
	size_t na, ne, j, hit = 0, tot = 0;
	uint64_t step, pos = 0, seen = 0;
	const float *v;
	uint32_t s, r;

	a = xcalloc(k, sizeof(*a));
	e = xcalloc(k, sizeof(*e));
	*used = 0;
	step = vf_nlive(ix) / (uint64_t)nq;
	if (step == 0)
		step = 1;
	for (s = 0; s < vf_nseg(ix) && *used < nq; s++) {
		for (r = 0; r < vf_seg_rows(ix, s) && *used < nq; r++) {
			if (vf_dead(ix, s, r) || seen++ != pos)
				continue;
			pos += step;
			v = vf_vec(ix, s, r);
			na = vf_query(vs, ix, v, k, ef, 0, NULL, NULL, a);
			ne = vf_query(vs, ix, v, k, ef, 1, NULL, NULL, e);
			/*
			 * A graph hit counts when it is as near as the k-th
			 * exact one: with duplicates in the corpus, which of
			 * several equal vectors comes back is a tie, not a
			 * miss.  Both searches compute the same distances.
			 */
			for (j = 0; j < na && ne > 0; j++)
				if (a[j].dist <= e[ne - 1].dist)
					hit++;
			tot += ne;
			(*used)++;
		}
	}
	free(a);
	free(e);
	vf_search_free(vs);
	return tot ? (double)hit / (double)tot : 1.0;
}
