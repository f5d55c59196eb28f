/* ddrun.c -- a dedupe run over records: one process or one stage */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/ddrun.h"
#include "lib/dedupe/ddstage.h"
#include "lib/dedupe/forest.h"
#include "lib/dedupe/semantic.h"
#include "lib/dedupe/sigfile.h"
#include "lib/embed/vec.h"
#include "lib/json/jsonscan.h"
#include "lib/json/jsonx.h"
#include "lib/json/pool.h"
#include "lib/json/runstats.h"
#include "lib/text/rfc3339.h"
#include "lib/text/text.h"
#include "lib/validate/format.h"

/*
 * What the parallel step leaves in an item's aux for the ordered one: this
 * head, then the sketch (or the embedding's floats), the id, the keep
 * value's string and the embedding model, each as long as the head says.
 */
struct aux {
	uint32_t	 sketch;	/* bytes of sketch */
	uint32_t	 id;		/* bytes of id */
	uint32_t	 str;		/* bytes of the keep value's string */
	uint32_t	 model;		/* bytes of the embedding model */
	uint8_t		 kind;		/* keep value: 0 none, 1 num, 2 str */
	double		 num;		/* keep value when a number */
};

/* Per-thread scratch. */
struct ddw {
	struct dd_work	 work;		/* for dd_sketch */
	struct buf	 text;		/* an unescaped text */
	struct buf	 id;		/* an unescaped id */
	struct buf	 val;		/* an unescaped keep value */
};

struct ddrun {
	struct ddrun_config cfg;	/* the options */
	struct dd	*dd;		/* the detector (not semantic); owned */
	struct forest	*forest;	/* links and survivors; owned */
	struct ddw	*w;		/* cfg.jobs scratch; owned */
	FILE		*removed;	/* --removed, or NULL */
	struct sigfile	*save;		/* --save-signatures, or NULL */
	int		 batch;		/* decide at the end (spill) */
	int		 scan;		/* the fields are top-level members:
					   records may be read by jsonscan */
	FILE		*spill;		/* lines (and sketches) held for the
					   end, when batch; temporary */
	unsigned long	 seq;		/* items seen: a record's position */
	unsigned long	 nprior;	/* records of --against */
	unsigned long	 nremoved;	/* records removed */
	float		*vec;		/* semantic: the embeddings; owned */
	size_t		 nvec;		/* rows */
	size_t		 capvec;	/* room, in rows */
	size_t		 dims;		/* floats a row, 0 until the first */
	char		*model;		/* the first embedding_model seen */
	struct dd_decisions *dec;	/* apply: the decisions; owned */
	struct buf	 priorids;	/* semantic: the ids of --against,
					   each followed by a NUL */
	struct buf	 line;		/* scratch for written lines */
	struct buf	 one;		/* scratch */
};

int
ddrun_check(const struct ddrun_config *c, struct buf *err)
{
	if (c->mark && c->removed != NULL)
		return buf_fail(err, "options '--mark' and '--removed' do not "
		    "go together: --mark removes nothing");
	if (c->dd.method == DD_SEMANTIC && c->stage != DDSTAGE_NONE)
		return buf_fail(err, "option '--stage' works with --method "
		    "exact and minhash");
	if (c->dd.method != DD_MINHASH && c->dd.verify_exact)
		return buf_fail(err, "option '--verify exact' is for --method "
		    "minhash");
	if (c->stage == DDSTAGE_APPLY && c->decisions == NULL)
		return buf_fail(err, "option '--stage apply' needs "
		    "'--decisions FILE'");
	if (c->stage != DDSTAGE_APPLY && c->decisions != NULL)
		return buf_fail(err, "option '--decisions' is for --stage "
		    "apply");
	if (c->save != NULL && c->stage != DDSTAGE_NONE)
		return buf_fail(err, "option '--save-signatures' works "
		    "without --stage");
	if (c->against != NULL && c->stage != DDSTAGE_NONE &&
	    c->stage != DDSTAGE_KEYS)
		return buf_fail(err, "option '--against' goes to the run or "
		    "to its keys stage");
	return 0;
}

/*
 * The signature file being written, abandoned (its temporary file
 * removed) when the program ends before ddrun_free commits it.
 */
static struct sigfile *unsaved;

static void
ddrun_abandon(void)
{
	sigfile_close(unsaved);
	unsaved = NULL;
}

/* The params line of a signature file: what must agree between runs. */
static void
ddrun_params(const struct ddrun *r, struct buf *b)
{
	const struct mh_params *p = &r->cfg.dd.mh;

	buf_reset(b);
	if (r->cfg.dd.method == DD_EXACT)
		buf_printf(b, "exact normalize=%d", p->normalize);
	else if (r->cfg.dd.method == DD_MINHASH)
		buf_printf(b, "minhash normalize=%d shingle=%d ngram=%u "
		    "num_perm=%u bands=%u rows=%u seed=%llu verify=%s",
		    p->normalize, p->shingle, p->ngram, p->num_perm, p->bands,
		    p->rows, (unsigned long long)p->seed,
		    r->cfg.dd.verify_exact ? "exact" : "estimate");
	else
		buf_printf(b, "semantic");
}

static void
ddrun_grow_vec(struct ddrun *r)
{
	if (r->nvec == r->capvec) {
		r->capvec = r->capvec ? r->capvec + r->capvec / 2 : 1024;
		r->vec = xrealloc(r->vec, r->capvec * r->dims * sizeof(float));
	}
}

/*
 * File one record (of the input, or of --against when prior): its
 * sketch, or for the semantic method its embedding, kept until the end.
 * Returns its number in the forest; with batch the link is made at the
 * end.
 */
static uint32_t
ddrun_file(struct ddrun *r, const void *sk, size_t n, int prior)
{
	uint32_t parent = FOREST_NONE;
	float score = 0;

	if (r->cfg.dd.method == DD_SEMANTIC) {
		ddrun_grow_vec(r);
		memcpy(r->vec + r->nvec * r->dims, sk, r->dims *
		    sizeof(float));
		r->nvec++;
		return (uint32_t)(r->nvec - 1);
	}
	parent = dd_add(r->dd, sk, n, &score);
	return forest_add(r->forest, parent, score, prior);
}

/* Add the records of the --against file before any input. */
static void
ddrun_against(struct ddrun *r)
{
	struct buf params = BUF_INIT, want = BUF_INIT, err = BUF_INIT,
	    id = BUF_INIT, sk = BUF_INIT;
	struct sigfile *sf;
	char pos[DDPOS_LEN + 1];
	struct ddvalue none = { 0, 0, NULL, 0 };
	uint32_t i;
	int rv;

	if ((sf = sigfile_open(r->cfg.against, &params, &err)) == NULL)
		diag_fail(errno == EINVAL ? ETV_USAGE : ETV_SYS, "%s",
		    err.data);
	ddrun_params(r, &want);
	if (r->cfg.dd.method == DD_SEMANTIC) {
		if (sscanf(params.data, "semantic dims=%zu", &r->dims) != 1 ||
		    strstr(params.data, " model=") == NULL)
			diag_fail(ETV_USAGE, "%s: made with '%s', not by "
			    "--method semantic", r->cfg.against, params.data);
		r->model = xstrdup(strstr(params.data, " model=") + 7);
	} else if (strcmp(params.data, want.data) != 0) {
		diag_fail(ETV_USAGE, "%s: made with '%s', this run uses '%s'",
		    r->cfg.against, params.data, want.data);
	}
	while ((rv = sigfile_next(sf, &id, &sk, &err)) > 0) {
		if (r->cfg.dd.method == DD_SEMANTIC ? sk.len != r->dims *
		    sizeof(float) : !dd_sketch_ok(r->dd, sk.data, sk.len))
			diag_fail(ETV_USAGE, "%s: a sketch of %zu bytes does "
			    "not fit '%s'", r->cfg.against, sk.len,
			    params.data);
		if (r->cfg.stage == DDSTAGE_KEYS) {
			ddstage_pos(pos, 0, r->nprior);
			buf_reset(&r->line);
			ddstage_keys(&r->line, r->dd, pos, sk.data, sk.len, 1,
			    &none, id.data, id.len);
			iox_write(stdout, r->line.data, r->line.len);
		} else {
			i = ddrun_file(r, sk.data, sk.len, 1);
			buf_reset(&r->line);
			rec_quote(&r->line, id.data, id.len);
			if (r->cfg.dd.method != DD_SEMANTIC)
				forest_set_id(r->forest, i, r->line.data,
				    r->line.len);
			else
				buf_add(&r->priorids, id.data, id.len + 1);
			if (r->save != NULL && r->cfg.dd.method != DD_SEMANTIC)
				sigfile_add(r->save, id.data, id.len, sk.data,
				    sk.len);
		}
		r->nprior++;
	}
	if (rv < 0)
		diag_fail(ETV_SYS, "%s", err.data);
	sigfile_close(sf);
	buf_release(&params);
	buf_release(&want);
	buf_release(&err);
	buf_release(&id);
	buf_release(&sk);
}

/* The string or number member name of the item (fast path or parsed). */
static const char *
ddrun_member(const struct jsonscan *sc, json_t *rec, const char *name,
    struct buf *tmp, size_t *len, int *isnum, double *num)
{
	const struct jsonscan_member *m;
	const json_t *v;

	*isnum = 0;
	if (sc != NULL) {
		if ((m = jsonscan_get(sc, name)) == NULL)
			return NULL;
		if (m->string)
			return jsonscan_text(m, tmp, len);
		if (m->vallen > 0 && (m->val[0] == '-' ||
		    (m->val[0] >= '0' && m->val[0] <= '9'))) {
			*isnum = 1;
			*num = strtod(m->val, NULL);
		}
		return NULL;
	}
	v = jsonx_path(rec, name);
	if (json_is_number(v)) {
		*isnum = 1;
		*num = json_number_value(v);
	}
	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

/* The keep value of a record into h and the item's aux. */
static void
ddrun_value(const struct ddrun *r, const struct jsonscan *sc, json_t *rec,
    struct ddw *w, const char *text, size_t len, struct aux *h)
{
	const char *s;
	size_t n = 0;
	int isnum;
	double num, t;

	h->kind = 0;
	if (r->cfg.keep == DDKEEP_LONGEST) {
		h->kind = 1;
		h->num = (double)text_cp_count(text, len);
		return;
	}
	if (r->cfg.keep == DDKEEP_FIRST)
		return;
	s = ddrun_member(sc, rec, r->cfg.keep_field, &w->val, &n, &isnum,
	    &num);
	if (isnum) {
		h->kind = 1;
		h->num = num;
	} else if (s != NULL && r->cfg.keep == DDKEEP_NEWEST) {
		if ((format_check(format_lookup("date-time"), s, n) ||
		    format_check(format_lookup("date"), s, n)) &&
		    !isnan(t = rfc3339_seconds(s))) {
			h->kind = 1;
			h->num = t;
		}
	} else if (s != NULL) {
		h->kind = 2;
		h->str = (uint32_t)n;
		if (s != w->val.data) {
			buf_reset(&w->val);
			buf_add(&w->val, s, n);
		}
	}
}

/*
 * The parallel step (a pool_fn): read the record's text, id and keep
 * value, and leave its sketch (or embedding) with them in it->aux.
 */
static void
ddrun_item(struct rec_item *it, void *arg, int worker)
{
	struct ddrun *r = arg;
	struct ddw *w = &r->w[worker];
	const struct jsonscan *sc = NULL;
	const char *text, *id, *model = NULL;
	json_t *rec = NULL, *emb;
	struct aux h;
	size_t len = 0, idlen = 0, mlen = 0;
	float *v = NULL;
	struct buf err = BUF_INIT;
	long dims;
	int isnum;
	double num;

	memset(&h, 0, sizeof(h));
	if (r->scan)
		sc = rec_scan(it);
	if (sc == NULL && (rec = rec_parse(it)) == NULL)
		return;
	if (r->cfg.dd.method == DD_SEMANTIC) {
		emb = jsonx_path(rec, "embedding");
		dims = emb == NULL ? -1 : json_is_string(emb) ?
		    vec_from_base64(json_string_value(emb),
		    json_string_length(emb), &v, &err) :
		    vec_from_json(emb, &v, &err);
		if (dims <= 0) {
			rec_malformed(it, "field 'embedding': %s", emb == NULL ?
			    "missing" : err.len ? err.data : "empty");
			goto out;
		}
		vec_normalize(v, (size_t)dims);
		model = ddrun_member(NULL, rec, "embedding_model", &w->text,
		    &mlen, &isnum, &num);
		text = ddrun_member(NULL, rec, r->cfg.text_field, &w->text,
		    &len, &isnum, &num);
		if (text == NULL)
			text = "";
		buf_add(&it->aux, &h, sizeof(h));
		buf_add(&it->aux, v, (size_t)dims * sizeof(float));
		h.sketch = (uint32_t)((size_t)dims * sizeof(float));
	} else {
		if (sc != NULL && (text = ddrun_member(sc, NULL,
		    r->cfg.text_field, &w->text, &len, &isnum, &num)) == NULL) {
			/* Let the parser explain. */
			if ((rec = rec_parse(it)) == NULL)
				return;
			sc = NULL;
		}
		if (sc == NULL && (text = rec_string(it, rec,
		    r->cfg.text_field, &len)) == NULL)
			goto out;
		buf_add(&it->aux, &h, sizeof(h));
		dd_sketch(r->dd, &w->work, text, len, &it->aux);
		h.sketch = (uint32_t)(it->aux.len - sizeof(h));
	}
	id = ddrun_member(sc, rec, r->cfg.id_field, &w->id, &idlen, &isnum,
	    &num);
	if (id == NULL) {
		rec_malformed(it, "field '%s' is missing or not a string",
		    r->cfg.id_field);
		buf_reset(&it->aux);
		goto out;
	}
	h.id = (uint32_t)idlen;
	buf_add(&it->aux, id, idlen);
	ddrun_value(r, sc, rec, w, text, len, &h);
	if (h.kind == 2)
		buf_add(&it->aux, w->val.data, h.str);
	if (model != NULL) {
		h.model = (uint32_t)mlen;
		buf_add(&it->aux, model, mlen);
	}
	memcpy(it->aux.data, &h, sizeof(h));
out:
	free(v);
	buf_release(&err);
	json_decref(rec);
}

/*
 * Write a record: a survivor as it came (or marked), a removed one
 * marked, to the --removed file, or only counted.  idjson is the
 * record's id, sid its survivor's, both as JSON.
 */
static void
ddrun_emit(struct ddrun *r, struct rec_item *it, const char *idjson,
    size_t idlen, int removed, const char *sid, size_t sidlen, double score)
{
	struct rec_member m[3] = {
		{ "dup_cluster", idjson, idlen },
		{ "dup_of", "null", 4 },
		{ "dup_score", "null", 4 }
	};
	char num[32];
	const char *t;
	size_t n;

	if (!removed) {
		if (r->cfg.mark)
			rec_emit_members(it, m, 3);
		else
			rec_emit_same(it);
		return;
	}
	r->nremoved++;
	snprintf(num, sizeof(num), "%.4f", score);
	m[0].val = m[1].val = sid;
	m[0].vallen = m[1].vallen = sidlen;
	m[2].val = num;
	m[2].vallen = strlen(num);
	if (r->cfg.mark) {
		rec_emit_members(it, m, 3);
	} else if (r->removed != NULL) {
		t = rec_text(it, &n);
		buf_reset(&r->line);
		rec_splice(&r->line, t, n, m + 1, 2);
		buf_addc(&r->line, '\n');
		iox_write(r->removed, r->line.data, r->line.len);
	}
}

/* Check an embedding against the first: same dimensions, same model. */
static int
ddrun_semantic_ok(struct ddrun *r, struct rec_item *it, const struct aux *h,
    const char *model)
{
	const char *have = r->model != NULL ? r->model : "";

	if (r->dims == 0)
		r->dims = h->sketch / sizeof(float);
	if (h->sketch != r->dims * sizeof(float)) {
		rec_malformed(it, "an embedding of %zu dimensions; the first "
		    "had %zu", h->sketch / sizeof(float), r->dims);
		return 0;
	}
	if (r->model == NULL) {
		r->model = xmalloc(h->model + 1);
		memcpy(r->model, model, h->model);
		r->model[h->model] = '\0';
		return 1;
	}
	if (strlen(have) != h->model || memcmp(have, model, h->model) != 0) {
		rec_malformed(it, "embedding_model '%.*s' differs from '%s' "
		    "of the records before", (int)h->model, model, have);
		return 0;
	}
	return 1;
}

/* The ordered step (pool_ordered_fn): file, decide and write a record. */
static void
ddrun_take(struct rec_item *it, void *arg)
{
	struct ddrun *r = arg;
	const char *sk, *id, *str, *model, *sid;
	char pos[DDPOS_LEN + 1];
	struct ddvalue val;
	struct aux h;
	unsigned long seq = r->seq++;
	uint32_t i, s;
	size_t sidlen;
	double score;
	uint8_t kind;

	if (it->aux.len < sizeof(h))
		return;
	memcpy(&h, it->aux.data, sizeof(h));
	sk = it->aux.data + sizeof(h);
	id = sk + h.sketch;
	str = id + h.id;
	model = str + (h.kind == 2 ? h.str : 0);
	buf_reset(&r->one);
	rec_quote(&r->one, id, h.id);
	ddstage_pos(pos, r->cfg.part, seq);
	switch (r->cfg.stage) {
	case DDSTAGE_KEYS:
		val.kind = h.kind;
		val.num = h.num;
		val.str = str;
		val.len = h.str;
		buf_reset(&r->line);
		ddstage_keys(&r->line, r->dd, pos, sk, h.sketch, 0, &val, id,
		    h.id);
		/* The lines end in a newline, which rec_emit_raw adds. */
		rec_emit_raw(it, r->line.data, r->line.len - 1);
		return;
	case DDSTAGE_APPLY:
		if (ddstage_decision(r->dec, pos, &sid, &sidlen, &score))
			ddrun_emit(r, it, r->one.data, r->one.len, 1, sid,
			    sidlen, (float)score);
		else
			ddrun_emit(r, it, r->one.data, r->one.len, 0, NULL,
			    0, 0);
		return;
	}
	if (r->cfg.dd.method == DD_SEMANTIC &&
	    !ddrun_semantic_ok(r, it, &h, model))
		return;
	i = ddrun_file(r, sk, h.sketch, 0);
	if (r->batch) {
		sk = rec_text(it, &sidlen);
		iox_write_part(r->spill, sk, sidlen);
		iox_write_part(r->spill, it->aux.data + sizeof(h), h.sketch);
		iox_write_part(r->spill, r->one.data, r->one.len);
		kind = h.kind;
		iox_write_part(r->spill, &kind, 1);
		iox_write_part(r->spill, &h.num, sizeof(h.num));
		iox_write_part(r->spill, str, h.kind == 2 ? h.str : 0);
		return;
	}
	s = forest_survivor(r->forest, i);
	if (s == i) {
		forest_set_id(r->forest, i, r->one.data, r->one.len);
		ddrun_emit(r, it, r->one.data, r->one.len, 0, NULL, 0, 0);
		if (r->save != NULL)
			sigfile_add(r->save, id, h.id, sk, h.sketch);
		return;
	}
	sid = forest_id(r->forest, s, &sidlen);
	ddrun_emit(r, it, r->one.data, r->one.len, 1, sid, sidlen,
	    forest_score(r->forest, i));
}

/* semantic: link every record now that all are in. */
static void
ddrun_link_all(struct ddrun *r)
{
	struct sem_link *l = xcalloc(r->nvec ? r->nvec : 1, sizeof(*l));
	const char *p = r->priorids.data;
	size_t i;

	sem_links(r->vec, r->nvec, r->dims, r->cfg.dd.threshold,
	    SEM_EXACT_MAX, r->cfg.jobs, l);
	for (i = 0; i < r->nvec; i++) {
		forest_add(r->forest, l[i].parent == SEM_NONE ? FOREST_NONE :
		    l[i].parent, l[i].score, i < r->nprior);
		if (i < r->nprior) {
			buf_reset(&r->line);
			rec_quote(&r->line, p, strlen(p));
			forest_set_id(r->forest, (uint32_t)i, r->line.data,
			    r->line.len);
			p += strlen(p) + 1;
		}
	}
	free(l);
}

/* Open the signature file (semantic: its line names the model). */
static void
ddrun_save_open(struct ddrun *r)
{
	struct buf params = BUF_INIT, err = BUF_INIT;

	ddrun_params(r, &params);
	if (r->cfg.dd.method == DD_SEMANTIC)
		buf_printf(&params, " dims=%zu model=%s", r->dims,
		    r->model != NULL ? r->model : "");
	if ((r->save = sigfile_create(r->cfg.save, params.data, &err)) ==
	    NULL)
		diag_fail(ETV_SYS, "%s", err.data);
	unsaved = r->save;
	atexit(ddrun_abandon);
	buf_release(&params);
	buf_release(&err);
}

/*
 * The end of a batch run: every record is in, so choose the survivors,
 * then write the spilled records in input order.
 */
static void
ddrun_finish(struct ddrun *r, struct rec_reader *rd)
{
	struct rec_item it = REC_ITEM_INIT;
	struct buf line = BUF_INIT, sk = BUF_INIT, id = BUF_INIT,
	    v = BUF_INIT, str = BUF_INIT, raw = BUF_INIT;
	const char *p, *sid;
	size_t n = forest_count(r->forest), i, sidlen;
	double num;
	uint32_t s;
	int pass;

	if (r->cfg.dd.method == DD_SEMANTIC) {
		ddrun_link_all(r);
		n = r->nvec;
	}
	if (r->cfg.save != NULL && r->save == NULL) {
		ddrun_save_open(r);
		for (i = 0, p = r->priorids.data; i < r->nprior; i++) {
			sigfile_add(r->save, p, strlen(p), r->vec + i *
			    r->dims, r->dims * sizeof(float));
			p += strlen(p) + 1;
		}
	}
	for (pass = 0; pass < 2; pass++) {
		if (fflush(r->spill) == EOF || fseek(r->spill, 0, SEEK_SET))
			diag_fail(ETV_SYS, "temporary file: %s",
			    strerror(errno));
		for (i = r->nprior; i < n; i++) {
			iox_read_part(r->spill, &line);
			iox_read_part(r->spill, &sk);
			iox_read_part(r->spill, &id);
			iox_read_part(r->spill, &v);
			iox_read_part(r->spill, &raw);
			memcpy(&num, raw.data, sizeof(num));
			iox_read_part(r->spill, &str);
			if (pass == 0) {
				forest_set_id(r->forest, (uint32_t)i, id.data,
				    id.len);
				if (v.data[0] == 1 && r->cfg.keep != DDKEEP_FIRST)
					forest_set_number(r->forest,
					    (uint32_t)i, num);
				else if (v.data[0] == 2)
					forest_set_string(r->forest,
					    (uint32_t)i, str.data, str.len);
				continue;
			}
			rec_item_start(rd, &it, "-", 0);
			rec_item_set(&it, line.data, line.len);
			s = forest_survivor(r->forest, (uint32_t)i);
			sid = forest_id(r->forest, s, &sidlen);
			ddrun_emit(r, &it, id.data, id.len, s != i, sid, sidlen,
			    forest_score(r->forest, (uint32_t)i));
			if (s == i && r->save != NULL) {
				/* The raw id: the JSON string, decoded. */
				json_t *j = json_loadb(id.data, id.len,
				    JSON_DECODE_ANY, NULL);

				sigfile_add(r->save, json_string_value(j),
				    json_string_length(j), sk.data, sk.len);
				json_decref(j);
			}
			if (rec_flush(rd, &it))
				exit(diag_finish());
		}
		if (pass == 0)
			forest_decide(r->forest);
	}
	rec_item_release(&it);
	buf_release(&line);
	buf_release(&sk);
	buf_release(&id);
	buf_release(&v);
	buf_release(&str);
	buf_release(&raw);
}

struct ddrun *
ddrun_new(const struct ddrun_config *cfg)
{
	struct ddrun *r = xcalloc(1, sizeof(*r));
	struct buf err = BUF_INIT;
	int i;

	r->cfg = *cfg;
	buf_init(&r->line);
	buf_init(&r->one);
	buf_init(&r->priorids);
	r->w = xcalloc((size_t)cfg->jobs, sizeof(*r->w));
	for (i = 0; i < cfg->jobs; i++) {
		buf_init(&r->w[i].work.norm);
		buf_init(&r->w[i].text);
		buf_init(&r->w[i].id);
		buf_init(&r->w[i].val);
	}
	if (cfg->dd.method != DD_SEMANTIC)
		r->dd = dd_new(&cfg->dd);
	r->forest = forest_new(cfg->keep == DDKEEP_FIRST ? KEEP_FIRST :
	    KEEP_VALUE);
	/* jsonscan sees top-level members only, not dotted paths. */
	r->scan = strchr(cfg->text_field, '.') == NULL &&
	    strchr(cfg->id_field, '.') == NULL && (cfg->keep_field == NULL ||
	    strchr(cfg->keep_field, '.') == NULL) &&
	    cfg->dd.method != DD_SEMANTIC;
	r->batch = cfg->stage == DDSTAGE_NONE &&
	    (cfg->keep != DDKEEP_FIRST || cfg->dd.method == DD_SEMANTIC);
	if (r->batch && (r->spill = iox_tmpfile()) == NULL)
		diag_fail(ETV_SYS, "temporary file: %s", strerror(errno));
	if (cfg->removed != NULL && (cfg->stage == DDSTAGE_NONE ||
	    cfg->stage == DDSTAGE_APPLY) &&
	    (r->removed = fopen(cfg->removed, "w")) == NULL)
		diag_fail(ETV_SYS, "%s: %s", cfg->removed, strerror(errno));
	if (cfg->stage == DDSTAGE_APPLY &&
	    (r->dec = ddstage_load(cfg->decisions, &err)) == NULL)
		diag_fail(errno == EINVAL ? ETV_DATA : ETV_SYS, "%s",
		    err.data);
	if (cfg->save != NULL && cfg->dd.method != DD_SEMANTIC)
		ddrun_save_open(r);
	if (cfg->against != NULL)
		ddrun_against(r);
	buf_release(&err);
	return r;
}

void
ddrun(struct ddrun *r, struct rec_reader *rd)
{
	size_t lsh = 0, data = 0, disk = 0, n;

	if (r->cfg.stage == DDSTAGE_PAIRS) {
		ddstage_pairs(r->dd, rd);
		return;
	}
	if (r->cfg.stage == DDSTAGE_CLUSTERS) {
		ddstage_clusters(r->cfg.keep == DDKEEP_FIRST ? KEEP_FIRST :
		    KEEP_VALUE, rd);
		return;
	}
	pool_run_ordered(rd, r->cfg.jobs, ddrun_item, ddrun_take, r);
	if (r->batch)
		ddrun_finish(r, rd);
	if (r->cfg.stage == DDSTAGE_KEYS)
		return;
	if (r->dd != NULL)
		n = dd_memory(r->dd, &lsh, &data, &disk);
	else
		data = r->capvec * r->dims * sizeof(float), n = r->nvec;
	n = n ? n : 1;
	diag_verbose(1, "removed %lu in %zu clusters; LSH index %.1f "
	    "bytes/record, signatures %.1f bytes/record, clusters %.1f "
	    "bytes/record; shingle sets on disk %.1f bytes/record",
	    r->nremoved, forest_clusters(r->forest), (double)lsh / n,
	    (double)data / n, (double)forest_bytes(r->forest) / n,
	    (double)disk / n);
	runstats_set_int("removed", (long long)r->nremoved);
	runstats_set_int("clusters", (long long)forest_clusters(r->forest));
	if (r->nremoved > 0 && !r->cfg.mark && r->removed == NULL)
		diag_warn("removed %lu duplicate%s (keep them with --removed "
		    "FILE)", r->nremoved, r->nremoved == 1 ? "" : "s");
}

void
ddrun_free(struct ddrun *r)
{
	struct buf err = BUF_INIT;
	int i;

	/* A run that stopped early never gets here: the atexit handler
	 * leaves the old signature file. */
	if (r->save != NULL && sigfile_commit(r->save, &err) < 0)
		diag_fail(ETV_SYS, "%s", err.data);
	sigfile_close(r->save);
	unsaved = NULL;
	if (r->removed != NULL && fclose(r->removed) == EOF)
		diag_fail(ETV_SYS, "%s: %s", r->cfg.removed, strerror(errno));
	if (r->spill != NULL)
		fclose(r->spill);
	for (i = 0; i < r->cfg.jobs; i++) {
		dd_work_release(&r->w[i].work);
		buf_release(&r->w[i].text);
		buf_release(&r->w[i].id);
		buf_release(&r->w[i].val);
	}
	free(r->w);
	dd_free(r->dd);
	forest_free(r->forest);
	ddstage_free(r->dec);
	free(r->vec);
	free(r->model);
	buf_release(&r->priorids);
	buf_release(&r->line);
	buf_release(&r->one);
	buf_release(&err);
	free(r);
}
