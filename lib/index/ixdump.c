/* ixdump.c -- an etv index read back: rows, documents, statistics */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/iox.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/embed/vec.h"
#include "lib/index/index.h"
#include "lib/index/ixdump.h"
#include "lib/index/ixlex.h"
#include "lib/index/ixquery.h"
#include "lib/index/vecfile.h"
#include "lib/json/record.h"

/* Whether dump writes member name: all of them, or those of --fields. */
static int
wants(const struct ixd_opts *o, const char *name)
{
	return o->fields == NULL || ix_in_list(o->fields, name, strlen(name));
}

/* Append "name": to b, after a comma unless it is the first member. */
static void
add_key(struct buf *b, size_t start, const char *name)
{
	if (b->len > start + 1)
		buf_addc(b, ',');
	rec_quote(b, name, strlen(name));
	buf_addc(b, ':');
}

/* Add the member "name":"p[0..n)". */
static void
add_string(struct buf *b, size_t start, const char *name, const char *p,
    size_t n)
{
	add_key(b, start, name);
	rec_quote(b, p, n);
}

/* Append the stored fields p[0..n) that dump writes. */
static int
add_fields(struct buf *b, size_t start, const struct vf_index *ix,
    const char *p, size_t n, const struct ixd_opts *o, struct buf *err)
{
	const char *key;
	json_t *f, *v;

	if (n <= 2)
		return 0;
	if (o->fields == NULL) {
		buf_addc(b, ',');
		buf_add(b, p + 1, n - 2);
		return 0;
	}
	if ((f = json_loadb(p, n, 0, NULL)) == NULL || !json_is_object(f)) {
		json_decref(f);
		return buf_fail(err, "'%s': corrupt index: bad stored fields",
		    vf_path(ix));
	}
	json_object_foreach(f, key, v) {
		if (!wants(o, key))
			continue;
		add_key(b, start, key);
		rec_dump(b, v);
	}
	json_decref(f);
	return 0;
}

/* Add the member "terms": {"term": tf, ...} of a row's terms p[0..n). */
static void
add_terms(struct buf *b, size_t start, const char *p, size_t n)
{
	const char *end = p + n, *term;
	unsigned long tf;
	size_t tlen;

	add_key(b, start, "terms");
	buf_addc(b, '{');
	while (ixlex_next_term(&p, end, &term, &tlen, &tf)) {
		if (b->data[b->len - 1] != '{')
			buf_addc(b, ',');
		rec_quote(b, term, tlen);
		buf_printf(b, ":%lu", tf);
	}
	buf_addc(b, '}');
}

int
ixd_row(struct buf *b, const struct vf_index *ix, const struct vf_rows *it,
    const struct ixd_opts *o, struct buf *err)
{
	const struct vf_meta *m = vf_meta(ix);
	const char *const *p = it->str;
	const size_t *n = it->len;
	size_t start = b->len;

	buf_addc(b, '{');
	add_string(b, start, o->id_field, p[VF_ID], n[VF_ID]);
	if (add_fields(b, start, ix, p[VF_FIELDS], n[VF_FIELDS], o,
	    err) == -1)
		return -1;
	if (n[VF_GROUP] > 0 && !ix_in_list(m->store, m->by, strlen(m->by)) &&
	    wants(o, m->by))
		add_string(b, start, m->by, p[VF_GROUP], n[VF_GROUP]);
	if (n[VF_HASH] > 0 && wants(o, IX_HASH))
		add_string(b, start, IX_HASH, p[VF_HASH], n[VF_HASH]);
	if (!o->no_embedding && m->dims > 0 && wants(o, IX_EMBEDDING)) {
		add_key(b, start, IX_EMBEDDING);
		vec_json_text(b, vf_vec(ix, it->seg, it->row), m->dims);
	}
	if (*m->model && !o->no_embedding && wants(o, IX_MODEL))
		add_string(b, start, IX_MODEL, m->model, strlen(m->model));
	if (o->terms)
		add_terms(b, start, p[VF_TERMS], n[VF_TERMS]);
	buf_adds(b, "}\n");
	return 0;
}

int
ixd_docs(struct buf *b, const struct vf_index *ix, struct buf *err)
{
	struct vf_rows it = VF_ROWS_INIT;
	const char *gk, *key, *by = vf_meta(ix)->by;
	size_t gklen;
	json_t *docs, *v;
	int r;

	docs = json_object();
	while ((r = ix_next_row(ix, &it, err)) == 1) {
		gk = ix_group_of(it.str[VF_ID], it.len[VF_ID],
		    it.str[VF_GROUP], it.len[VF_GROUP], &gklen);
		if ((v = json_object_getn(docs, gk, gklen)) == NULL)
			json_object_setn_new_nocheck(docs, gk, gklen,
			    json_integer(1));
		else
			json_integer_set(v, json_integer_value(v) + 1);
	}
	json_object_foreach(docs, key, v) {
		if (r == -1)
			break;
		if (utf8_invalid(key, strlen(key)) != -1) {
			r = buf_fail(err, "'%s': corrupt index: bad string "
			    "table", vf_path(ix));
			break;
		}
		buf_addc(b, '{');
		rec_quote(b, by, strlen(by));
		buf_addc(b, ':');
		rec_quote(b, key, strlen(key));
		buf_printf(b, ",\"chunks\":%" JSON_INTEGER_FORMAT "}\n",
		    json_integer_value(v));
	}
	json_decref(docs);
	return r == -1 ? -1 : 0;
}

int
ixd_dump(FILE *fp, const char *path, const struct ixd_opts *o,
    struct buf *err)
{
	struct vf_rows it = VF_ROWS_INIT;
	struct buf b = BUF_INIT;
	struct vf_index *ix;
	int r;

	if ((ix = ix_open(path, 0, 1, err)) == NULL)
		return -1;
	if (o->docs) {
		if ((r = ixd_docs(&b, ix, err)) == 0)
			iox_write(fp, b.data, b.len);
	} else
		while ((r = ix_next_row(ix, &it, err)) == 1 &&
		    (r = ixd_row(&b, ix, &it, o, err)) == 0) {
			iox_write(fp, b.data, b.len);
			buf_reset(&b);
		}
	buf_release(&b);
	vf_close(ix);
	return r;
}

/* The list of stored fields as a JSON array. */
static json_t *
store_list(const char *store)
{
	json_t *a = json_array();
	const char *p, *e;

	for (p = store; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		json_array_append_new(a, json_stringn(p, (size_t)(e - p)));
	}
	return a;
}

/* The segments of ix as a JSON array of their counts. */
static json_t *
segment_list(const struct vf_index *ix)
{
	struct vf_seginfo si;
	json_t *a = json_array(), *sj;
	uint32_t s;

	for (s = 0; s < vf_nseg(ix); s++) {
		vf_seg_info(ix, s, &si);
		sj = json_object();
		json_object_set_new(sj, "rows", json_integer(si.rows));
		json_object_set_new(sj, "deleted", json_integer(si.deleted));
		json_object_set_new(sj, "tombstones", json_integer(si.tombs));
		json_object_set_new(sj, "bytes",
		    json_integer((json_int_t)si.bytes));
		json_array_append_new(a, sj);
	}
	return a;
}

/* The "lexical" member of stats.  Returns 0, or -1 with err set. */
static int
lexical_stats(json_t *o, const struct vf_index *ix, struct buf *err)
{
	const struct vf_meta *m = vf_meta(ix);
	struct buf why = BUF_INIT;
	struct ixlex *lx;
	uint64_t terms, postings, bytes, tbytes;
	json_t *l;

	if ((lx = ixlex_open(ix, &why)) == NULL) {
		buf_fail(err, "'%s': %s", vf_path(ix), why.data);
		buf_release(&why);
		return -1;
	}
	ixlex_sizes(lx, &terms, &postings, &bytes, &tbytes);
	l = json_object();
	json_object_set_new(l, "field", json_string(m->lexical));
	json_object_set_new(l, "analyzer", json_string(m->analyzer));
	json_object_set_new(l, "k1", json_real(m->k1));
	json_object_set_new(l, "b", json_real(m->b));
	json_object_set_new(l, "documents",
	    json_integer((json_int_t)ixlex_docs(lx)));
	json_object_set_new(l, "avgdl", json_real(ixlex_avgdl(lx)));
	json_object_set_new(l, "terms", json_integer((json_int_t)terms));
	json_object_set_new(l, "postings",
	    json_integer((json_int_t)postings));
	json_object_set_new(l, "index_bytes", json_integer((json_int_t)bytes));
	json_object_set_new(l, "term_list_bytes",
	    json_integer((json_int_t)tbytes));
	json_object_set_new(o, "lexical", l);
	ixlex_free(lx);
	return 0;
}

int
ixd_stats(FILE *fp, const char *path, size_t verify, size_t k, size_t ef,
    struct buf *err)
{
	const struct vf_meta *m;
	struct vf_index *ix;
	struct buf key = BUF_INIT;
	json_t *o;
	char *text;
	size_t used;
	double rc;
	int r = 0;

	if ((ix = ix_open(path, 0, 1, err)) == NULL)
		return -1;
	m = vf_meta(ix);
	o = json_object();
	json_object_set_new(o, "index", json_string(path));
	json_object_set_new(o, "format", json_integer(VF_VERSION));
	json_object_set_new(o, "vectors",
	    json_integer((json_int_t)vf_nlive(ix)));
	json_object_set_new(o, "deleted",
	    json_integer((json_int_t)(vf_nrows(ix) - vf_nlive(ix))));
	json_object_set_new(o, "dims", json_integer(m->dims));
	json_object_set_new(o, "metric",
	    json_string(vf_metric_name(m->metric)));
	json_object_set_new(o, "embedding_model", json_string(m->model));
	json_object_set_new(o, "search", json_string(m->M ? "hnsw" :
	    "exact"));
	if (m->M) {
		json_object_set_new(o, "M", json_integer(m->M));
		json_object_set_new(o, "ef_construction",
		    json_integer(m->efc));
		json_object_set_new(o, "quantize", json_string(
		    m->quant == VF_QI8 ? "i8" : "none"));
	}
	json_object_set_new(o, "store", store_list(m->store));
	json_object_set_new(o, "by", json_string(m->by));
	json_object_set_new(o, "segments", json_integer(vf_nseg(ix)));
	json_object_set_new(o, "segment_list", segment_list(ix));
	json_object_set_new(o, "bytes",
	    json_integer((json_int_t)vf_length(ix)));
	json_object_set_new(o, "commit",
	    json_integer((json_int_t)vf_seq(ix)));
	if (*m->lexical && (r = lexical_stats(o, ix, err)) == -1)
		goto out;
	if (verify > 0 && m->dims > 0) {
		rc = ixq_recall(ix, k, ef ? ef : k > 64 ? k : 64, verify,
		    &used);
		buf_printf(&key, "recall_at_%zu", k);
		json_object_set_new(o, key.data, json_real(rc));
		json_object_set_new(o, "recall_queries",
		    json_integer((json_int_t)used));
	}
	/* Six digits: a recall reads 0.9997, not 0.99970000000000003. */
	text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	if (text == NULL)
		xmem_oom();
	iox_write(fp, text, strlen(text));
	iox_write(fp, "\n", 1);
	free(text);
out:
	buf_release(&key);
	json_decref(o);
	vf_close(ix);
	return r;
}
