/* index.c -- the rules of an etv index: upsert, sync, prune, delete, merge */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"
#include "lib/embed/vec.h"
#include "lib/index/index.h"
#include "lib/index/ixlex.h"
#include "lib/index/manifest.h"
#include "lib/index/vecfile.h"
#include "lib/json/jsonx.h"
#include "lib/json/record.h"

/*
 * Fields a row keeps whatever --store says, when the record has them:
 * where the chunk comes from, so that an answer can cite it.
 */
static const char *const provenance[] = {
	"doc_id", "start", "end", "page_start", "page_end", NULL
};

long
ix_record_vector(struct rec_item *it, const json_t *rec, float **vp)
{
	struct buf why = BUF_INIT;
	json_t *e;
	long d;

	if ((e = json_object_get(rec, IX_EMBEDDING)) == NULL)
		return rec_malformed(it, "field '%s' is missing (embed the "
		    "records first: etv embed)", IX_EMBEDDING), -1;
	if ((d = vec_from_json(e, vp, &why)) < 0)
		rec_malformed(it, "field '%s': %s", IX_EMBEDDING, why.data);
	buf_release(&why);
	return d;
}

const char *
ix_record_model(struct rec_item *it, const json_t *rec, int *bad)
{
	json_t *m = json_object_get(rec, IX_MODEL);

	*bad = 0;
	if (m == NULL)
		return NULL;
	if (!json_is_string(m)) {
		rec_malformed(it, "field '%s' is not a string", IX_MODEL);
		*bad = 1;
		return NULL;
	}
	return json_string_value(m);
}

int
ix_check_vector(struct rec_item *it, const struct vf_meta *m, long d,
    const char *model)
{
	if ((uint32_t)d != m->dims) {
		rec_reject(it, NULL, ETV_REJECT, "embedding has %ld "
		    "dimensions, the index has %u", d, m->dims);
		return -1;
	}
	if (model && *m->model && strcmp(model, m->model) != 0) {
		rec_reject(it, NULL, ETV_REJECT, "embedding_model '%s' does "
		    "not match the index's '%s'", model, m->model);
		return -1;
	}
	return 0;
}

void
ix_unit_vector(float *v, size_t n)
{
	if (fabs(vec_norm(v, n) - 1.0) > 1e-6)
		vec_normalize(v, n);
}

int
ix_in_list(const char *list, const char *name, size_t len)
{
	const char *p = list, *e;

	while (*p) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && memcmp(p, name, len) == 0)
			return 1;
		p = *e ? e + 1 : e;
	}
	return 0;
}

const char *
ix_group_of(const char *id, size_t idlen, const char *g, size_t glen,
    size_t *lenp)
{
	const char *h;

	if (glen > 0) {
		*lenp = glen;
		return g;
	}
	h = idlen ? memchr(id, '#', idlen) : NULL;
	while (h && memchr(h + 1, '#', idlen - (size_t)(h + 1 - id)))
		h = memchr(h + 1, '#', idlen - (size_t)(h + 1 - id));
	*lenp = h ? (size_t)(h - id) : idlen;
	return id;
}

int
ix_same_settings(const struct vf_meta *want, const struct vf_meta *have,
    int by_given)
{
	return want->metric == have->metric && want->M == have->M &&
	    !(have->M && want->efc != have->efc) &&
	    want->quant == have->quant &&
	    strcmp(want->store, have->store) == 0 &&
	    ix_same_lexical(want, have) &&
	    !(by_given && strcmp(want->by, have->by) != 0);
}

int
ix_same_lexical(const struct vf_meta *a, const struct vf_meta *b)
{
	return strcmp(a->lexical, b->lexical) == 0 && (*a->lexical == '\0' ||
	    (strcmp(a->analyzer, b->analyzer) == 0 && a->k1 == b->k1 &&
	    a->b == b->b));
}

struct vf_index *
ix_open(const char *path, int flags, int verify, struct buf *err)
{
	struct vf_index *ix;
	struct buf why = BUF_INIT;
	int r, e;

	if ((r = vf_open(&ix, path, flags, &why)) == VF_ESYS) {
		e = errno;
		buf_fail(err, "cannot open '%s': %s", path, strerror(e));
		errno = e;
	} else if (r == VF_EOLD) {
		buf_fail(err, "'%s' is an index of format 1, which this etv "
		    "reads but does not write: 'etv-index compact %s' "
		    "rewrites it in format %d", path, path, VF_VERSION);
		errno = EROFS;
	} else if (r == VF_OK && verify && vf_verify(ix, &why) != VF_OK) {
		vf_close(ix);
		r = VF_ECORRUPT;
	}
	if (r == VF_ECORRUPT)
		buf_fail(err, "'%s': corrupt index: %s", path, why.data);
	buf_release(&why);
	return r == VF_OK ? ix : NULL;
}

/* The index and the lock file made by ix_lock, for lock_cleanup. */
static char *lock_index;
static char *lock_made;

/* At exit: remove the lock file ix_lock made when no index came of it. */
static void
lock_cleanup(void)
{
	struct stat st;

	if (lock_made && lstat(lock_index, &st) == -1 && errno == ENOENT)
		unlink(lock_made);
	free(lock_made);
	free(lock_index);
	lock_made = lock_index = NULL;
}

int
ix_lock(const char *path, struct buf *err)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int lock;

	buf_printf(&b, "%s.lock", path);
	if (lock_made == NULL && lstat(b.data, &st) == -1 &&
	    errno == ENOENT) {
		lock_made = buf_detach(&b, NULL);
		lock_index = xstrdup(path);
		atexit(lock_cleanup);
	} else
		buf_release(&b);
	if ((lock = iox_lock(path, 1)) == -1)
		return buf_fail(err, "cannot lock '%s': %s", path,
		    strerror(errno));
	return lock;
}

int
ix_next_row(const struct vf_index *ix, struct vf_rows *it, struct buf *err)
{
	int r;

	if ((r = vf_row_next(ix, it)) == -1)
		return buf_fail(err, "'%s': corrupt index: bad string table",
		    vf_path(ix));
	return r;
}

/* Copy the strings of a meta into dst. */
static void
meta_copy(struct vf_meta *dst, const struct vf_meta *src)
{
	*dst = *src;
	dst->model = xstrdup(src->model);
	dst->store = xstrdup(src->store);
	dst->by = xstrdup(src->by);
	dst->lexical = xstrdup(src->lexical);
	dst->analyzer = xstrdup(src->analyzer);
}

/* Set up a run of mode over ix (taken), or a new index like meta. */
static void
write_init(struct ix_write *in, struct vf_index *ix,
    const struct vf_meta *meta, int mode, const char *by,
    const char *id_field)
{
	memset(in, 0, sizeof(*in));
	buf_init(&in->fields);
	buf_init(&in->terms);
	in->lock = -1;
	in->ix = ix;
	in->mode = mode;
	in->by = by;
	in->id_field = id_field;
	meta_copy(&in->meta, ix ? vf_meta(ix) : meta);
	/*
	 * An empty index built from no records has no dimensions; nor has a
	 * lexical-only one, which has rows.
	 */
	in->create = in->meta.dims == 0 && (ix == NULL || vf_nrows(ix) == 0);
	if (!in->create)
		in->w = vf_writer_new(in->meta.dims);
	if (mode != IX_UPSERT) {
		in->ids = json_object();
		in->groups = json_object();
	}
}

/* Say that the index at path has other settings than asked: ETV_USAGE. */
static int
settings_differ(struct buf *err, const char *path, const struct vf_meta *m)
{
	struct buf lex = BUF_INIT;

	if (*m->lexical)
		buf_printf(&lex, "lexical '%s' %s k1 %g b %g", m->lexical,
		    m->analyzer, m->k1, m->b);
	else
		buf_adds(&lex, "not lexical");
	buf_fail(err, "'%s' exists with other settings (metric %s, M %u, "
	    "store '%s', by '%s', %s); they are fixed when an index is built",
	    path, vf_metric_name(m->metric), m->M, m->store, m->by, lex.data);
	buf_release(&lex);
	return ETV_USAGE;
}

/* The analysis of a lexical index's rows; ETV_OK, or ETV_USAGE. */
static int
write_analyzer(struct ix_write *in, struct buf *err)
{
	if (*in->meta.lexical == '\0' ||
	    (in->an = an_new(in->meta.analyzer, err)) != NULL)
		return ETV_OK;
	return ETV_USAGE;
}

int
ix_write_open(struct ix_write *in, const char *path,
    const struct ix_request *rq, struct buf *err)
{
	struct vf_index *ix = NULL;
	const struct vf_meta *m;
	struct vf_meta want = rq->want;
	struct stat st;
	int lock;

	if (rq->exact) {
		want.M = 0;
		want.quant = VF_QNONE;
	}
	write_init(in, NULL, &want, rq->mode,
	    rq->mode == IX_DELETE ? rq->by : NULL, rq->id_field);
	if ((in->lock = ix_lock(path, err)) == -1)
		return ETV_SYS;
	if (rq->build && !rq->force && lstat(path, &st) == 0)
		return buf_fail(err, "'%s' exists: give --force to replace "
		    "it, or use add or sync to update it", path), ETV_USAGE;
	if (!rq->build && (ix = ix_open(path, VF_WRITE, 0, err)) == NULL &&
	    !(errno == ENOENT && rq->mode != IX_DELETE))
		return ETV_SYS;
	if (ix == NULL)
		return write_analyzer(in, err);
	lock = in->lock;
	in->lock = -1;
	ix_write_release(in);
	write_init(in, ix, NULL, rq->mode,
	    rq->mode == IX_DELETE ? rq->by : NULL, rq->id_field);
	in->lock = lock;
	m = &in->meta;
	if ((rq->given || (rq->mode == IX_UPSERT && rq->by)) &&
	    !ix_same_settings(&want, m, rq->by != NULL))
		return settings_differ(err, path, m);
	if (rq->mode != IX_UPSERT && rq->by && strcmp(rq->by, m->by) != 0)
		return buf_fail(err, "'%s' groups rows by '%s', not '%s'",
		    path, m->by, rq->by), ETV_USAGE;
	return write_analyzer(in, err);
}

void
ix_write_release(struct ix_write *in)
{
	vf_writer_free(in->w);
	vf_close(in->ix);
	vf_meta_release(&in->meta);
	json_decref(in->ids);
	json_decref(in->groups);
	in->w = NULL;
	in->ix = NULL;
	in->ids = in->groups = NULL;
	if (in->lock != -1)
		iox_unlock(in->lock);
	in->lock = -1;
	buf_release(&in->fields);
	buf_release(&in->terms);
	an_free(in->an);
	in->an = NULL;
}

/* Whether key is a provenance field kept beside the --store ones. */
static int
is_provenance(const char *key, const char *by)
{
	int i;

	if (strcmp(key, by) == 0)	/* kept as the group */
		return 0;
	for (i = 0; provenance[i] != NULL; i++)
		if (strcmp(key, provenance[i]) == 0)
			return 1;
	return 0;
}

/*
 * Stored fields of rec as a compact JSON object, into b: the --store
 * fields and the provenance ones, in the record's order.
 */
static void
stored_fields(struct buf *b, json_t *rec, const struct vf_meta *m)
{
	const char *key;
	json_t *v;
	int first = 1;

	buf_reset(b);
	buf_addc(b, '{');
	json_object_foreach(rec, key, v) {
		if (!ix_in_list(m->store, key, strlen(key)) &&
		    !is_provenance(key, m->by))
			continue;
		if (!first)
			buf_addc(b, ',');
		first = 0;
		rec_quote(b, key, strlen(key));
		buf_addc(b, ':');
		rec_dump(b, v);
	}
	buf_addc(b, '}');
}

/*
 * Whether an existing row holds the same content as the new one: the
 * same group, hash and stored fields (compared as the bytes the index
 * keeps, so that a change to anything a hit shows or a filter reads is
 * applied), and, for records without a hash, the same vector.  The
 * vector of a record with an unchanged hash is not compared: remote
 * models need not give the same last bits twice.  Rows written by an
 * index of before the provenance fields compare as changed once.
 */
static int
same_row(const struct vf_index *ix, uint32_t s, uint32_t r,
    const char *hash, size_t hlen, const char *group, size_t glen,
    const struct buf *fields, const struct buf *terms, const float *vec)
{
	const char *p;
	size_t n;

	if ((p = vf_str(ix, s, VF_GROUP, r, &n)) == NULL || n != glen ||
	    memcmp(p, group, n) != 0)
		return 0;
	if ((p = vf_str(ix, s, VF_HASH, r, &n)) == NULL || n != hlen ||
	    memcmp(p, hash, n) != 0)
		return 0;
	if ((p = vf_str(ix, s, VF_FIELDS, r, &n)) == NULL ||
	    n != fields->len || memcmp(p, fields->data, n) != 0)
		return 0;
	if ((p = vf_str(ix, s, VF_TERMS, r, &n)) == NULL ||
	    n != terms->len || (n > 0 && memcmp(p, terms->data, n) != 0))
		return 0;
	if (hlen > 0 || vf_meta(ix)->dims == 0)
		return 1;
	return memcmp(vf_vec(ix, s, r), vec, vf_meta(ix)->dims *
	    sizeof(float)) == 0;
}

/* Add a json set member. */
static void
set_add(json_t *set, const char *s, size_t n)
{
	json_object_setn_new_nocheck(set, s, n, json_true());
}

/*
 * The group field of rec into *g (a string, or an integer written into
 * num), "" when absent.  Returns 0, or -1 after rec_malformed.
 */
static int
record_group(struct rec_item *it, json_t *rec, const char *by,
    char num[64], const char **g, size_t *glen)
{
	json_t *v;

	*g = "";
	*glen = 0;
	if ((v = jsonx_path(rec, by)) == NULL)
		return 0;
	if (json_is_string(v)) {
		*g = json_string_value(v);
		*glen = json_string_length(v);
	} else if (json_is_integer(v)) {
		*glen = (size_t)snprintf(num, 64, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		*g = num;
	} else
		return rec_malformed(it, "field '%s' is not a string", by);
	return 0;
}

/*
 * The terms of rec's lexical field into in->terms (none when the index is
 * not lexical or the record lacks the field).  Returns 0, or -1 after
 * rec_malformed for a field that is not a string.
 */
static int
row_terms(struct ix_write *in, struct rec_item *it, const json_t *rec)
{
	json_t *v;

	buf_reset(&in->terms);
	if (in->an == NULL ||
	    (v = jsonx_path(rec, in->meta.lexical)) == NULL)
		return 0;
	if (!json_is_string(v))
		return rec_malformed(it, "field '%s' is not a string",
		    in->meta.lexical);
	ixlex_terms(in->an, json_string_value(v), json_string_length(v),
	    &in->terms);
	return 0;
}

/*
 * Whether a record of d dimensions from model goes into the index;
 * reports it otherwise.  A whole run of another model gives one line,
 * not one per record: the first is reported, the others counted for the
 * command to sum up.
 */
static int
vector_fits(struct ix_write *in, struct rec_item *it, long d,
    const char *model)
{
	size_t msglen = it->msg.len;

	if (ix_check_vector(it, &in->meta, d, model) == 0)
		return 1;
	if ((uint32_t)d != in->meta.dims ? in->count.baddims++ > 0 :
	    in->count.badmodel++ > 0) {
		if (it->msg.len > msglen) {	/* the message just added */
			it->msg.len = msglen;
			it->msg.data[msglen] = '\0';
		}
	}
	return 0;
}

void
ix_upsert(struct ix_write *in, struct rec_item *it, json_t *rec)
{
	const char *id, *model, *hash = "", *group, *gk;
	char num[64];
	size_t idlen, hlen = 0, glen, gklen;
	uint32_t s, r;
	float *vec = NULL;
	json_t *v;
	long d;
	int bad, known, had;

	if ((id = rec_string(it, rec, in->id_field, &idlen)) == NULL)
		return;
	if (record_group(it, rec, in->meta.by, num, &group, &glen) == -1)
		return;
	if (in->ids) {
		set_add(in->ids, id, idlen);
		gk = ix_group_of(id, idlen, group, glen, &gklen);
		set_add(in->groups, gk, gklen);
	}
	if (row_terms(in, it, rec) == -1)
		return;
	if (in->an && in->meta.dims == 0 &&
	    json_object_get(rec, IX_EMBEDDING) == NULL) {
		d = 0;		/* a lexical-only row */
	} else if ((d = ix_record_vector(it, rec, &vec)) < 0)
		return;
	model = ix_record_model(it, rec, &bad);
	if (bad)
		goto out;
	if ((v = json_object_get(rec, IX_HASH)) != NULL) {
		if (!json_is_string(v)) {
			rec_malformed(it, "field '%s' is not a string",
			    IX_HASH);
			goto out;
		}
		hash = json_string_value(v);
		hlen = json_string_length(v);
	}
	if (in->w != NULL && in->meta.dims == 0 && d > 0) {
		rec_reject(it, NULL, ETV_REJECT, "the index is lexical only: "
		    "it holds no embeddings");
		goto out;
	}
	/* A new index takes its dimensions and model from the first record. */
	if (in->w == NULL) {
		in->meta.dims = (uint32_t)d;
		if (model && *in->meta.model == '\0') {
			free(in->meta.model);
			in->meta.model = xstrdup(model);
		}
		in->w = vf_writer_new(in->meta.dims);
	}
	if (!vector_fits(in, it, d, model))
		goto out;
	if (in->meta.metric == VF_COSINE && d > 0)
		ix_unit_vector(vec, (size_t)d);
	stored_fields(&in->fields, rec, &in->meta);
	had = vf_writer_has(in->w, id, idlen);
	known = !in->create && vf_find(in->ix, id, idlen, &s, &r);
	if (known && !had && same_row(in->ix, s, r, hash, hlen, group, glen,
	    &in->fields, &in->terms, vec)) {
		in->count.unchanged++;
		goto out;
	}
	if (known)
		vf_writer_tomb(in->w, s, r);
	if (!had && known)
		in->count.replaced++;
	else if (!had)
		in->count.added++;
	vf_writer_add(in->w, id, idlen, group, glen, hash, hlen,
	    in->fields.data, in->fields.len, in->terms.len ? in->terms.data :
	    "", in->terms.len, vec);
out:
	free(vec);
}

void
ix_delete(struct ix_write *in, struct rec_item *it, json_t *rec)
{
	const char *id;
	size_t idlen;
	uint32_t s, r;
	json_t *v;

	if (json_is_string(rec)) {
		id = json_string_value(rec);
		idlen = json_string_length(rec);
	} else if (!json_is_object(rec)) {
		rec_malformed(it, "expected a record or a JSON string %s, "
		    "got %s", in->by ? "group" : "id", jsonx_type_name(rec));
		return;
	} else if (in->by) {
		if ((v = jsonx_path(rec, in->by)) == NULL ||
		    !json_is_string(v)) {
			rec_malformed(it, "field '%s' is %s", in->by,
			    v ? "not a string" : "missing");
			return;
		}
		id = json_string_value(v);
		idlen = json_string_length(v);
	} else if ((id = rec_string(it, rec, in->id_field, &idlen)) == NULL)
		return;
	if (json_object_getn(in->ids, id, idlen) != NULL)
		return;		/* named twice */
	set_add(in->ids, id, idlen);
	if (in->by) {
		/* Whole groups: ix_delete_groups deletes them at the end. */
		json_object_setn_new_nocheck(in->groups, id, idlen,
		    json_false());
		return;
	}
	if (in->w && vf_find(in->ix, id, idlen, &s, &r)) {
		vf_writer_tomb(in->w, s, r);
		in->count.deleted++;
	} else if (++in->count.absent <= IX_ABSENT_SHOWN)
		rec_warn(it, "id '%.*s' is not in the index", (int)idlen, id);
}

unsigned long
ix_write_read(struct ix_write *in, struct rec_reader *rd)
{
	json_t *rec;

	if (in->mode == IX_DELETE)
		rec_accept_values(rd);
	while ((rec = rec_next(rd)) != NULL) {
		if (in->mode == IX_DELETE)
			ix_delete(in, rec_item_of(rd), rec);
		else
			ix_upsert(in, rec_item_of(rd), rec);
		json_decref(rec);
	}
	return rec_count(rd);
}

int
ix_delete_groups(struct ix_write *in, struct buf *warn, struct buf *err)
{
	struct vf_rows it = VF_ROWS_INIT;
	const char *gk, *key;
	size_t gklen;
	json_t *v;
	int r;

	while (in->w && (r = ix_next_row(in->ix, &it, err)) != 0) {
		if (r == -1)
			return -1;
		gk = ix_group_of(it.str[VF_ID], it.len[VF_ID],
		    it.str[VF_GROUP], it.len[VF_GROUP], &gklen);
		if ((v = json_object_getn(in->groups, gk, gklen)) == NULL)
			continue;
		vf_writer_tomb(in->w, it.seg, it.row);
		in->count.deleted++;
		if (!json_is_true(v))
			json_object_setn_nocheck(in->groups, gk, gklen,
			    json_true());
	}
	json_object_foreach(in->groups, key, v)
		if (!json_is_true(v) &&
		    ++in->count.absent <= IX_ABSENT_SHOWN)
			buf_printf(warn, "%s '%s' is not in the index\n",
			    in->meta.by, key);
	return 0;
}

void
ix_write_summary(const struct ix_write *in, struct buf *warn,
    struct buf *rejected)
{
	const struct ix_counts *c = &in->count;

	if (c->absent > IX_ABSENT_SHOWN)
		buf_printf(warn, "%lu more %ss were not in the index\n",
		    c->absent - IX_ABSENT_SHOWN, in->by ? in->by : "id");
	if (c->baddims > 1)
		buf_printf(rejected, "%lu more records rejected: their "
		    "embeddings do not have the index's %u dimensions\n",
		    c->baddims - 1, in->meta.dims);
	if (c->badmodel > 1)
		buf_printf(rejected, "%lu more records rejected: their "
		    "embedding_model is not the index's '%s'\n",
		    c->badmodel - 1, in->meta.model);
}

/*
 * Whether the sync may prune ngone of nall groups (see ix_sync); writes
 * the refusal to err.
 */
static int
prune_allowed(const struct ix_prune *pr, const json_t *manifest,
    size_t ngone, size_t nall, struct buf *err)
{
	char bound[64];

	if (pr->nread == 0)
		return buf_fail(err, "read no records: nothing pruned (%zu "
		    "of %zu documents would have gone)", ngone, nall) + 1;
	if (pr->manifest && manifest == NULL)
		return buf_fail(err, "without a complete manifest, nothing "
		    "pruned (%zu of %zu documents would have gone)", ngone,
		    nall) + 1;
	if (pr->force || (pr->max_pct >= 0 ? (double)ngone * 100.0 <=
	    pr->max_pct * (double)nall : ngone <= pr->max))
		return 1;
	if (pr->max_pct >= 0)
		snprintf(bound, sizeof(bound), "%g%%", pr->max_pct);
	else
		snprintf(bound, sizeof(bound), "%lu", pr->max);
	return buf_fail(err, "--prune would delete %zu of %zu documents "
	    "(%.0f%%), more than --max-prune %s: nothing pruned, the rest of "
	    "the sync applied; if they are gone, run again with --force or "
	    "--max-prune 100%%", ngone, nall,
	    100.0 * (double)ngone / (double)nall, bound) + 1;
}

/* Tombstone the live rows of the groups in gone. */
static int
prune_groups(struct ix_write *in, const json_t *gone, struct buf *err)
{
	struct vf_rows it = VF_ROWS_INIT;
	const char *gk;
	size_t gklen;
	int r;

	while ((r = ix_next_row(in->ix, &it, err)) == 1) {
		gk = ix_group_of(it.str[VF_ID], it.len[VF_ID],
		    it.str[VF_GROUP], it.len[VF_GROUP], &gklen);
		if (json_object_getn(gone, gk, gklen) != NULL) {
			vf_writer_tomb(in->w, it.seg, it.row);
			in->count.deleted++;
		}
	}
	return r;
}

/*
 * The groups of pr's manifest (a set), or NULL after a line in err:
 * *st is ETV_SYS when it cannot be read, ETV_REJECT when incomplete.
 */
static json_t *
load_manifest(const char *path, struct buf *err, int *st)
{
	struct buf why = BUF_INIT;
	json_t *set;

	if ((set = manifest_load(path, &why)) == NULL && why.len == 0) {
		buf_printf(err, "cannot read manifest '%s': %s\n", path,
		    strerror(errno));
		*st = ETV_SYS;
	} else if (set == NULL) {
		buf_printf(err, "manifest '%s': %s\n", path, why.data);
		*st = ETV_REJECT;
	}
	buf_release(&why);
	return set;
}

int
ix_sync(struct ix_write *in, const struct ix_prune *pr, struct buf *err)
{
	struct vf_rows it = VF_ROWS_INIT;
	const char *gk;
	size_t gklen;
	struct buf msg = BUF_INIT;
	json_t *all, *gone, *manifest = NULL;
	int r, st = ETV_OK;

	if (in->ix == NULL || in->create)
		return ETV_OK;
	if (pr->prune && pr->manifest)
		manifest = load_manifest(pr->manifest, err, &st);
	all = json_object();
	gone = json_object();
	while ((r = ix_next_row(in->ix, &it, &msg)) == 1) {
		gk = ix_group_of(it.str[VF_ID], it.len[VF_ID],
		    it.str[VF_GROUP], it.len[VF_GROUP], &gklen);
		set_add(all, gk, gklen);
		if (json_object_getn(in->groups, gk, gklen) != NULL) {
			if (json_object_getn(in->ids, it.str[VF_ID],
			    it.len[VF_ID]) == NULL) {
				vf_writer_tomb(in->w, it.seg, it.row);
				in->count.deleted++;
			}
		} else if (pr->prune && (manifest == NULL ||
		    json_object_getn(manifest, gk, gklen) == NULL))
			set_add(gone, gk, gklen);
	}
	if (r == 0 && json_object_size(gone) > 0) {
		if (prune_allowed(pr, manifest, json_object_size(gone),
		    json_object_size(all), &msg) == 1)
			r = prune_groups(in, gone, &msg);
		else if (st < ETV_REJECT)
			st = ETV_REJECT;
	}
	if (r == -1)
		st = ETV_SYS;
	if (msg.len > 0)
		buf_printf(err, "%s\n", msg.data);
	buf_release(&msg);
	json_decref(all);
	json_decref(gone);
	json_decref(manifest);
	return st;
}

int
ix_write_finish(struct ix_write *in, const struct ix_prune *pr,
    struct buf *warn, struct buf *err)
{
	struct buf msg = BUF_INIT;
	int st = ETV_OK;

	if (in->mode == IX_SYNC)
		st = ix_sync(in, pr, err);
	if (in->mode == IX_DELETE && in->by &&
	    ix_delete_groups(in, warn, &msg) == -1) {
		buf_printf(err, "%s\n", msg.data);
		st = ETV_SYS;
	}
	buf_release(&msg);
	ix_write_summary(in, warn, err);
	if (st == ETV_OK && (in->count.baddims > 1 || in->count.badmodel > 1))
		st = ETV_REJECT;
	return st;
}

int
ix_list_ok(const char *list)
{
	const char *p;

	for (p = list; *p; p++)
		if (*p == ',' && (p == list || p[1] == '\0' || p[1] == ','))
			return 0;
	return 1;
}

int
ix_write_commit(struct ix_write *in, const char *path, int jobs,
    struct buf *warn, struct buf *err)
{
	int r;

	if (in->create) {
		if (in->w == NULL) {
			buf_printf(warn, "no record to index: '%s' is an "
			    "empty index; its dimensions come from the first "
			    "add\n", path);
			in->w = vf_writer_new(in->meta.dims);
		}
		r = vf_create(path, &in->meta, in->w, jobs);
	} else {
		if (in->w == NULL || (vf_writer_rows(in->w) == 0 &&
		    vf_writer_tombs(in->w) == 0))
			return 0;
		r = vf_append(in->ix, in->w, jobs);
	}
	if (r != VF_OK)
		return buf_fail(err, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

/* Whether in[n] may join in[0]: 0, or -1 with what differs in err. */
static int
merge_check(struct vf_index *const *in, char *const *names, int n,
    struct buf *err)
{
	const struct vf_meta *a = vf_meta(in[0]), *b = vf_meta(in[n]);

	if (!ix_same_lexical(a, b))
		return buf_fail(err, "'%s' and '%s' differ in their lexical "
		    "index (field, analysis or BM25 parameters)", names[n],
		    names[0]);
	if (b->dims != a->dims && ((b->dims && a->dims) ||
	    (vf_nrows(in[0]) > 0 && vf_nrows(in[n]) > 0)))
		return buf_fail(err, "'%s' has %u dimensions, '%s' has %u",
		    names[n], b->dims, names[0], a->dims);
	if (b->metric != a->metric)
		return buf_fail(err, "'%s' uses metric %s, '%s' %s", names[n],
		    vf_metric_name(b->metric), names[0],
		    vf_metric_name(a->metric));
	if (*b->model && *a->model && strcmp(b->model, a->model) != 0)
		return buf_fail(err, "'%s' holds embeddings of '%s', '%s' of "
		    "'%s'", names[n], b->model, names[0], a->model);
	return 0;
}

/* Write the live rows of in[0..n) to path as one new index. */
static int
rewrite(const char *path, struct vf_index *const *in, int n, int jobs,
    unsigned long *rows, struct buf *err)
{
	struct vf_rows it;
	struct vf_writer *w;
	struct vf_meta m;
	const struct vf_meta *b;
	int i, r = 0;

	meta_copy(&m, vf_meta(in[0]));
	for (i = 1; i < n; i++) {
		b = vf_meta(in[i]);
		if (m.dims == 0)
			m.dims = b->dims;
		if (*m.model == '\0' && *b->model) {
			free(m.model);
			m.model = xstrdup(b->model);
		}
	}
	w = vf_writer_new(m.dims);
	for (i = 0; r == 0 && i < n; i++) {
		memset(&it, 0, sizeof(it));
		while ((r = ix_next_row(in[i], &it, err)) == 1)
			vf_writer_add(w, it.str[0], it.len[0], it.str[1],
			    it.len[1], it.str[2], it.len[2], it.str[3],
			    it.len[3], it.str[4], it.len[4],
			    vf_vec(in[i], it.seg, it.row));
	}
	if (r == 0 && vf_create(path, &m, w, jobs) != VF_OK)
		r = buf_fail(err, "cannot write '%s': %s", path,
		    strerror(errno));
	*rows = vf_writer_rows(w);
	vf_writer_free(w);
	vf_meta_release(&m);
	return r;
}

int
ix_rewrite(const char *path, char *const *names, int n, int jobs,
    unsigned long *rows, struct buf *err)
{
	struct vf_index **in;
	int i, lock, st = ETV_OK;

	*rows = 0;
	if ((lock = ix_lock(path, err)) == -1)
		return ETV_SYS;
	in = xcalloc((size_t)n, sizeof(*in));
	for (i = 0; st == ETV_OK && i < n; i++)
		if ((in[i] = ix_open(names[i], 0, 1, err)) == NULL)
			st = ETV_SYS;
		else if (i > 0 && merge_check(in, names, i, err) == -1)
			st = ETV_REJECT;
	if (st == ETV_OK && rewrite(path, in, n, jobs, rows, err) == -1)
		st = ETV_SYS;
	for (i = 0; i < n; i++)
		vf_close(in[i]);
	free(in);
	iox_unlock(lock);
	return st;
}
