/* rrun.c -- a resolve run: read, block, compare, train, score, cluster */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/crew.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/ddstage.h"
#include "lib/json/jsonscan.h"
#include "lib/json/jsonx.h"
#include "lib/json/pool.h"
#include "lib/json/runstats.h"
#include "lib/resolve/golden.h"
#include "lib/resolve/rblock.h"
#include "lib/resolve/rcluster.h"
#include "lib/resolve/rcompare.h"
#include "lib/resolve/rdata.h"
#include "lib/resolve/rfs.h"
#include "lib/resolve/rrun.h"
#include "lib/resolve/rstage.h"

#define MISSING	UINT32_MAX	/* a value's length in aux: none */
#define CHUNK	2048		/* pairs a comparing job */
#define WINDOW	64		/* comparing jobs in flight: the crew's
				   runners take them 8 at a time */

/* A worker's scratch space. */
struct rw {
	struct buf	 val;		/* a member's text */
	struct buf	 norm;		/* its normal form */
	struct buf	 scratch;	/* for the normalisers */
	struct buf	 err;		/* their complaints */
};

struct rrun {
	struct rrun_config cfg;
	struct rmodel	*m;		/* cfg.model */
	struct rdata	*d;		/* the records */
	int		 mode;		/* RBLOCK_* */
	int		 scan;		/* fields are top-level: jsonscan */
	int		 prior;		/* reading --against */
	struct rw	*w;		/* cfg.jobs workers */
	FILE		*spill;		/* the records' text, for output */
	uint64_t	*off;		/* where each record's text starts */
	uint64_t	 spilled;	/* bytes spilled */
	unsigned long	 seq;		/* records of a stage so far */
	struct rdecisions *dec;		/* --decisions (apply) */
	struct strmap	*ids;		/* the input's ids (rdata_key) */
	struct buf	 key;		/* one of them */
};

/*
 * The text of member name of the record (fast path sc, or parsed rec):
 * a string as it is, another scalar or an array or object as JSON; NULL
 * when it is missing or null.
 */
static const char *
rrun_member(const struct jsonscan *sc, const json_t *rec, const char *name,
    struct buf *tmp, size_t *len)
{
	const struct jsonscan_member *m;
	const json_t *v;

	if (sc != NULL) {
		if ((m = jsonscan_get(sc, name)) == NULL)
			return NULL;
		if (m->string)
			return jsonscan_text(m, tmp, len);
		if (m->vallen == 4 && memcmp(m->val, "null", 4) == 0)
			return NULL;
		*len = m->vallen;
		return m->val;
	}
	if ((v = jsonx_path(rec, name)) == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	buf_reset(tmp);
	rec_dump(tmp, v);
	*len = tmp->len;
	return tmp->data;
}

static void
rrun_aux(struct buf *aux, const char *p, size_t n)
{
	uint32_t len = p == NULL ? MISSING : (uint32_t)n;

	buf_add(aux, &len, sizeof(len));
	if (p != NULL)
		buf_add(aux, p, n);
}

/*
 * The parallel step (a pool_fn): the record's id, its entity when it is
 * from --against, and each field's normal form, into it->aux.
 */
static void
rrun_item(struct rec_item *it, void *arg, int worker)
{
	struct rrun *r = arg;
	struct rw *w = &r->w[worker];
	const struct jsonscan *sc = NULL;
	json_t *rec = NULL;
	const char *v;
	size_t n = 0;
	int f, rc;

	if (r->scan)
		sc = rec_scan(it);
	if (sc == NULL && (rec = rec_parse(it)) == NULL)
		return;
	if ((v = rrun_member(sc, rec, r->cfg.id_field, &w->val, &n)) ==
	    NULL) {
		rec_malformed(it, "field '%s' (the id) is missing",
		    r->cfg.id_field);
		goto out;
	}
	rrun_aux(&it->aux, v, n);
	if (r->prior) {
		v = rrun_member(sc, rec, "entity_id", &w->val, &n);
		if (v == NULL) {
			rec_malformed(it, "field 'entity_id' is missing: "
			    "--against reads the output of an earlier run");
			buf_reset(&it->aux);
			goto out;
		}
		rrun_aux(&it->aux, v, n);
	}
	for (f = 0; f < r->m->nfield; f++) {
		const struct rm_field *fd = &r->m->field[f];

		v = rrun_member(sc, rec, fd->name, &w->val, &n);
		if (v == NULL) {
			rrun_aux(&it->aux, NULL, 0);
			continue;
		}
		buf_reset(&w->norm);
		buf_reset(&w->err);
		rc = rmodel_normalize(fd, v, n, &w->norm, &w->scratch,
		    &w->err);
		if (rc < 0) {
			rec_malformed(it, "field '%s': %s", fd->name,
			    w->err.data);
			buf_reset(&it->aux);
			goto out;
		}
		rrun_aux(&it->aux, rc == 0 ? w->norm.data : NULL, w->norm.len);
	}
out:
	json_decref(rec);
}

/* Take the next length-prefixed part of aux at *p. */
static const char *
rrun_unaux(const char **p, size_t *n)
{
	uint32_t len;
	const char *s;

	memcpy(&len, *p, sizeof(len));
	*p += sizeof(len);
	if (len == MISSING)
		return NULL;
	s = *p;
	*p += len;
	*n = len;
	return s;
}

/*
 * A record of the keys stage (its key lines) or of the apply stage (the
 * record with its entity).
 */
static void
rrun_stage_record(struct rrun *r, struct rec_item *it, const char *id,
    size_t idlen, const char *const *vals, const size_t *lens)
{
	char pos[DDPOS_LEN + 1];
	struct buf b = BUF_INIT, e = BUF_INIT;
	struct rec_member m[2] = {
		{ "entity_id", NULL, 0 },
		{ "match_score", "0.0000", 6 }
	};
	uint32_t rn;

	ddstage_pos(pos, r->cfg.part, r->seq++);
	if (r->cfg.stage == RSTAGE_KEYS) {
		if (r->d->nrec >= RSTAGE_BATCH) {
			rdata_free(r->d);
			r->d = rdata_new(r->m);
		}
		rn = rdata_add(r->d, id, idlen, 0, 0, NULL, 0, vals, lens);
		rstage_keys(r->d, rn, pos, &b);
		rstage_emit(it, &b);
	} else if (rstage_decision(r->dec, pos, &m[0].val, &m[0].vallen,
	    &m[1].val, &m[1].vallen)) {
		rec_emit_members(it, m, 2);
	} else {
		buf_add(&b, id, idlen);
		rcluster_id_of(b.data, &e);
		buf_reset(&b);
		rec_quote(&b, e.data, e.len);
		m[0].val = b.data;
		m[0].vallen = b.len;
		rec_emit_members(it, m, 2);
	}
	buf_release(&b);
	buf_release(&e);
}

/* The ordered step: keep the record's values and spill its text. */
static void
rrun_keep(struct rec_item *it, void *arg)
{
	struct rrun *r = arg;
	const char *vals[RM_MAX_FIELDS], *id, *ent = NULL, *p, *text;
	size_t lens[RM_MAX_FIELDS], idlen = 0, entlen = 0, n;
	uint32_t rn;
	int f, src, isnew;

	if (it->aux.len == 0)
		return;
	p = it->aux.data;
	id = rrun_unaux(&p, &idlen);
	if (r->prior)
		ent = rrun_unaux(&p, &entlen);
	for (f = 0; f < r->m->nfield; f++)
		vals[f] = rrun_unaux(&p, &lens[f]);
	src = r->cfg.link && strcmp(it->file, r->cfg.link_b) == 0;
	if (!r->prior) {
		/* An entity id derives from ids: they must name records. */
		buf_reset(&r->key);
		rdata_key_of(r->d, src, id, idlen, &r->key);
		strmap_intern(r->ids, r->key.data, r->key.len, &isnew);
		if (!isnew) {
			rec_malformed(it, "id '%.*s' is given twice%s: entity "
			    "ids derive from ids", (int)idlen, id,
			    r->cfg.link ? " in its input" : "");
			return;
		}
	}
	if (r->cfg.stage != RSTAGE_NONE) {
		rrun_stage_record(r, it, id, idlen, vals, lens);
		return;
	}
	rn = rdata_add(r->d, id, idlen, src, r->prior ? RDATA_PRIOR : 0, ent,
	    entlen, vals, lens);
	if (rn % 4096 == 0)
		r->off = xreallocarray(r->off, (size_t)rn + 4096,
		    sizeof(*r->off));
	r->off[rn] = r->spilled;
	text = rec_text(it, &n);
	iox_write_part(r->spill, text, n);
	r->spilled += sizeof(uint32_t) + n;
}

/* Read the records of rd into the run. */
static void
rrun_read(struct rrun *r, struct rec_reader *rd)
{
	pool_run_ordered(rd, r->cfg.jobs, rrun_item, rrun_keep, r);
}

/* Read the records of an earlier run (--against). */
static void
rrun_read_prior(struct rrun *r, struct rec_reader *parent)
{
	struct rec_config cfg = *rec_config_of(parent);
	struct rec_reader *rd;
	FILE *fp;

	if ((fp = fopen(r->cfg.against, "r")) == NULL)
		diag_fail(ETV_SYS, "%s: %s", r->cfg.against, strerror(errno));
	cfg.rejects = NULL;
	cfg.csv = 0;
	cfg.types = NULL;
	rd = rec_open_stream(&cfg, fp, r->cfg.against, NULL);
	r->prior = 1;
	rrun_read(r, rd);
	r->prior = 0;
	rec_close(rd);
	fclose(fp);
}

/* A comparing job: the levels of pairs [from, to). */
struct gjob {
	const struct rdata *d;
	const uint64_t	*pair;
	uint8_t		*gamma;
	size_t		 from, to;
};

static int
rrun_gamma_job(void *job, void *arg, int worker)
{
	struct gjob *j = job;
	size_t nf = (size_t)j->d->m->nfield, i;

	for (i = j->from; i < j->to; i++)
		rcmp_pair(j->d, RBLOCK_A(j->pair[i]), RBLOCK_B(j->pair[i]),
		    j->gamma + i * nf);
	return 0;
}

/* The levels of n pairs, compared with the run's threads.  New array. */
static uint8_t *
rrun_gammas(struct rrun *r, const uint64_t *pair, size_t n)
{
	size_t nf = (size_t)r->m->nfield, njob = (n + CHUNK - 1) / CHUNK, k;
	uint8_t *gamma = xmalloc(n * nf + 1);
	struct gjob *jb = xcalloc(njob + 1, sizeof(*jb));
	struct crew *c;

	c = crew_new(r->cfg.jobs - 1, WINDOW, rrun_gamma_job, NULL, NULL);
	for (k = 0; k < njob; k++) {
		jb[k].d = r->d;
		jb[k].pair = pair;
		jb[k].gamma = gamma;
		jb[k].from = k * CHUNK;
		jb[k].to = k + 1 == njob ? n : (k + 1) * CHUNK;
		if (crew_full(c))
			crew_take(c, 1);
		crew_submit(c, &jb[k]);
	}
	while (crew_take(c, 1) != NULL)
		;
	crew_free(c);
	free(jb);
	return gamma;
}

/* Read --labels: the levels of the pairs labelled a match.  New array. */
static uint8_t *
rrun_labels(struct rrun *r, size_t *nmatch)
{
	struct rec_config cfg = REC_CONFIG_INIT;
	struct strmap *ids = strmap_new();
	struct rec_reader *rd;
	struct rec_item *it;
	uint32_t *first = NULL, k, ab[2];
	size_t nf = (size_t)r->m->nfield, n = 0, cap = 0, unknown = 0, i;
	uint8_t *gamma = NULL;
	const char *v;
	json_t *rec, *x;
	FILE *fp;
	int isnew;

	for (i = 0; i < r->d->nrec; i++) {
		v = rdata_id(r->d, (uint32_t)i);
		k = strmap_intern(ids, v, strlen(v), &isnew);
		if (isnew) {
			first = xreallocarray(first, (size_t)k + 1,
			    sizeof(*first));
			first[k] = (uint32_t)i;
		}
	}
	if ((fp = fopen(r->cfg.labels, "r")) == NULL)
		diag_fail(ETV_SYS, "%s: %s", r->cfg.labels, strerror(errno));
	rd = rec_open_stream(&cfg, fp, r->cfg.labels, NULL);
	while ((rec = rec_next(rd)) != NULL) {
		it = rec_item_of(rd);
		x = json_object_get(rec, "match");
		if (!json_is_boolean(x)) {
			rec_malformed(it, "a label needs \"match\": true or "
			    "false");
			json_decref(rec);
			continue;
		}
		for (i = 0; i < 2; i++) {
			const json_t *id = json_object_get(rec, i ? "b" : "a");
			struct buf t = BUF_INIT;
			long at;

			if (json_is_string(id))
				buf_add(&t, json_string_value(id),
				    json_string_length(id));
			else if (id != NULL)
				rec_dump(&t, id);
			at = t.len ? strmap_find(ids, t.data, t.len) : -1;
			buf_release(&t);
			if (at < 0)
				break;
			ab[i] = first[at];
		}
		if (i < 2 || ab[0] == ab[1]) {
			unknown++;
		} else if (json_is_true(x)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				gamma = xreallocarray(gamma, cap, nf);
			}
			rcmp_pair(r->d, ab[0], ab[1], gamma + n * nf);
			n++;
		}
		json_decref(rec);
	}
	rec_close(rd);
	fclose(fp);
	if (unknown > 0)
		diag_verbose(1, "%s: %zu labels name records this run does "
		    "not have", r->cfg.labels, unknown);
	if (n == 0)
		diag_fail(ETV_USAGE, "%s: no pair labelled a match names two "
		    "records of the input", r->cfg.labels);
	strmap_free(ids);
	free(first);
	*nmatch = n;
	return gamma;
}

/* Print the trained model's weights. */
static void
rrun_report_model(const struct rmodel *m)
{
	int f, l;

	diag_verbose(1, "prior %.4g (one pair in %.0f)", m->prior,
	    1 / m->prior);
	for (f = 0; f < m->nfield; f++) {
		const struct rm_field *fd = &m->field[f];

		for (l = 0; l <= fd->nlevel; l++)
			diag_verbose(1, "  %-14s %-26s m %.4f  u %.6f  weight "
			    "%+.2f", l == 0 ? fd->name : "", l < fd->nlevel ?
			    fd->level[l].label : "else", fd->m[l], fd->u[l],
			    log2(fd->m[l] / fd->u[l]));
	}
}

/* Rounds of estimating u with the likely matches weighed out. */
#define U_ROUNDS	3

/*
 * Estimate the model's parameters: u from random pairs, m (by EM or
 * from labels) and the prior; then again, u from the random pairs that
 * the model takes for non-matches, until it settles.
 */
static void
rrun_train(struct rrun *r, const struct rcand *c, const uint8_t *gamma)
{
	struct buf report = BUF_INIT;
	uint64_t *sample;
	uint8_t *g, *lg = NULL;
	double *weight;
	size_t n, nl = 0;
	const char *p, *nl_;
	int round;

	sample = rfs_sample(r->d, r->mode, r->cfg.u_samples, r->cfg.seed, &n);
	g = rrun_gammas(r, sample, n);
	free(sample);
	weight = xmalloc((n + 1) * sizeof(*weight));
	if (r->cfg.labels != NULL)
		lg = rrun_labels(r, &nl);
	for (round = 0; round < U_ROUNDS; round++) {
		rfs_estimate_u(r->m, g, n, round > 0 ? weight : NULL);
		buf_reset(&report);
		if (lg != NULL)
			rfs_m_from_matches(r->m, lg, nl);
		else
			rfs_estimate_m(r->m, c, gamma, &report);
		rfs_estimate_prior(r->m, c, gamma, rfs_all_pairs(r->d,
		    r->mode));
		rfs_nonmatch(r->m, g, n, weight);
	}
	diag_verbose(1, "u from %zu random pairs", n);
	if (lg != NULL)
		diag_verbose(1, "m from %zu pairs labelled a match", nl);
	for (p = report.data; *p != '\0'; p = nl_ + 1) {
		nl_ = strchr(p, '\n');
		diag_verbose(1, "%.*s", (int)(nl_ - p), p);
	}
	rfs_tf_tables(r->m, r->d);
	r->m->records = (double)r->d->nrec;
	rrun_report_model(r->m);
	free(weight);
	free(lg);
	free(g);
	buf_release(&report);
}

/* Write the model with its parameters (--model-out), atomically. */
static void
rrun_model_out(struct rrun *r)
{
	struct iox_atomic a;
	json_t *doc = rmodel_dump(r->m);

	int rc;

	if (iox_atomic_open(&a, r->cfg.model_out) < 0) {
		json_decref(doc);
		diag_fail(ETV_SYS, "%s: %s", r->cfg.model_out,
		    strerror(errno));
	}
	rc = json_dumpf(doc, a.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10)) < 0 || fputc('\n', a.fp) == EOF ||
	    iox_atomic_commit(&a) < 0;
	json_decref(doc);
	if (rc)
		diag_fail(ETV_SYS, "%s: %s", r->cfg.model_out,
		    strerror(errno));
}

/* Read record i's text from the spill file into b. */
static void
rrun_text(struct rrun *r, uint32_t i, struct buf *b)
{
	if (fflush(r->spill) == EOF ||
	    fseeko(r->spill, (off_t)r->off[i], SEEK_SET) != 0)
		diag_fail(ETV_SYS, "temporary file: %s", strerror(errno));
	iox_read_part(r->spill, b);
}

/* Open an output file named by an option. */
static FILE *
rrun_open(const char *path)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		diag_fail(ETV_SYS, "%s: %s", path, strerror(errno));
	return fp;
}

static void
rrun_close(FILE *fp, const char *path)
{
	if (fflush(fp) == EOF || ferror(fp) || fclose(fp) == EOF)
		diag_fail(ETV_SYS, "%s: %s", path, strerror(errno ? errno :
		    EIO));
}

/* --pairs: each pair compared, with the levels and weights behind it. */
static void
rrun_pairs(struct rrun *r, FILE *fp, const struct rcand *c,
    const uint8_t *gamma, const float *prob)
{
	size_t nf = (size_t)r->m->nfield, i;
	double fw[RM_MAX_FIELDS], w;
	struct buf b = BUF_INIT;
	const char *v;
	uint32_t a, bb;
	size_t n;
	int f, k, first;

	for (i = 0; i < c->n; i++) {
		if (prob[i] < r->cfg.pairs_min)
			continue;
		a = RBLOCK_A(c->pair[i]);
		bb = RBLOCK_B(c->pair[i]);
		w = rfs_weight(r->m, r->d, a, gamma + i * nf, fw);
		buf_reset(&b);
		buf_adds(&b, "{\"a\":");
		v = rdata_id(r->d, a);
		rec_quote(&b, v, strlen(v));
		buf_adds(&b, ",\"b\":");
		v = rdata_id(r->d, bb);
		rec_quote(&b, v, strlen(v));
		buf_printf(&b, ",\"match_probability\":%.6g,"
		    "\"match_weight\":%.4f,\"rules\":[", rfs_probability(w), w);
		for (k = 0, first = 1; k < r->m->nrule; k++) {
			if (!(c->rules[i] & (1u << k)))
				continue;
			if (!first)
				buf_addc(&b, ',');
			first = 0;
			rec_quote(&b, r->m->rule[k].text,
			    strlen(r->m->rule[k].text));
		}
		buf_adds(&b, "],\"fields\":{");
		for (f = 0; f < r->m->nfield; f++) {
			const struct rm_field *fd = &r->m->field[f];
			unsigned l = gamma[i * nf + (size_t)f];

			if (f > 0)
				buf_addc(&b, ',');
			rec_quote(&b, fd->name, strlen(fd->name));
			buf_adds(&b, ":{\"a\":");
			if ((v = rdata_value(r->d, a, f, &n)) != NULL)
				rec_quote(&b, v, n);
			else
				buf_adds(&b, "null");
			buf_adds(&b, ",\"b\":");
			if ((v = rdata_value(r->d, bb, f, &n)) != NULL)
				rec_quote(&b, v, n);
			else
				buf_adds(&b, "null");
			v = l == RCMP_NULL ? "null" : l == (unsigned)fd->nlevel ?
			    "else" : fd->level[l].label;
			buf_adds(&b, ",\"level\":");
			rec_quote(&b, v, strlen(v));
			buf_printf(&b, ",\"weight\":%.4f}", fw[f]);
		}
		buf_adds(&b, "}}\n");
		iox_write(fp, b.data, b.len);
	}
	buf_release(&b);
	rrun_close(fp, r->cfg.pairs);
}

/* --golden: one record an entity, in the order of its first record. */
static void
rrun_golden(struct rrun *r, FILE *fp, const struct rclusters *cl,
    const uint32_t *rep)
{
	struct golden *g;
	struct buf err = BUF_INIT, text = BUF_INIT, eid = BUF_INIT;
	uint32_t *next, *last, *head, i, x, k;
	json_t **recs = NULL, *out;
	const char **srcs = NULL;
	size_t n, cap = 0;

	g = golden_new(r->m->golden, r->m->source_field, &err);
	if (g == NULL)
		diag_fail(ETV_USAGE, "%s", err.data);
	/* Members of each entity, chained in input order. */
	next = xmalloc((r->d->nrec + 1) * sizeof(*next));
	last = xmalloc((r->d->nrec + 1) * sizeof(*last));
	head = xmalloc((r->d->nrec + 1) * sizeof(*head));
	for (i = 0; i < r->d->nrec; i++)
		head[i] = last[i] = next[i] = RDATA_NONE;
	for (i = 0; i < r->d->nrec; i++) {
		x = cl->root[i];
		if (head[x] == RDATA_NONE)
			head[x] = i;
		else
			next[last[x]] = i;
		last[x] = i;
	}
	for (i = 0; i < r->d->nrec; i++) {
		x = cl->root[i];
		if (head[x] != i)
			continue;
		for (k = i, n = 0; k != RDATA_NONE; k = next[k], n++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				recs = xreallocarray(recs, cap, sizeof(*recs));
				srcs = xreallocarray(srcs, cap, sizeof(*srcs));
			}
			rrun_text(r, k, &text);
			recs[n] = json_loadb(text.data, text.len, 0, NULL);
			srcs[n] = NULL;
			if (r->cfg.link)
				srcs[n] = r->d->src[k] ? r->cfg.link_b :
				    r->cfg.link_a;
		}
		buf_reset(&eid);
		rcluster_id(r->d, cl, rep, i, &eid);
		out = golden_merge(g, eid.data, recs, srcs, n, r->cfg.id_field);
		buf_reset(&text);
		rec_dump(&text, out);
		buf_addc(&text, '\n');
		iox_write(fp, text.data, text.len);
		json_decref(out);
		while (n > 0)
			json_decref(recs[--n]);
	}
	golden_free(g);
	free(recs);
	free(srcs);
	free(next);
	free(last);
	free(head);
	buf_release(&err);
	buf_release(&text);
	buf_release(&eid);
	rrun_close(fp, r->cfg.golden);
}

/* Write every record of this run's input with its entity and score. */
static void
rrun_output(struct rrun *r, struct rec_reader *rd, const struct rclusters *cl,
    const uint32_t *rep)
{
	struct rec_item it = REC_ITEM_INIT;
	struct buf text = BUF_INIT, eid = BUF_INIT, score = BUF_INIT,
	    id = BUF_INIT;
	struct rec_member m[2] = {
		{ "entity_id", NULL, 0 },
		{ "match_score", NULL, 0 }
	};
	uint32_t i;

	/* The records are read back in the order they were spilled. */
	if (r->d->nrec > 0)
		rrun_text(r, 0, &text);
	for (i = 0; i < r->d->nrec; i++) {
		if (i > 0)
			iox_read_part(r->spill, &text);
		if (r->d->flags[i] & RDATA_PRIOR)
			continue;
		buf_reset(&id);
		buf_reset(&eid);
		buf_reset(&score);
		rcluster_id(r->d, cl, rep, i, &id);
		rec_quote(&eid, id.data, id.len);
		buf_printf(&score, "%.4f", cl->score[i]);
		m[0].val = eid.data;
		m[0].vallen = eid.len;
		m[1].val = score.data;
		m[1].vallen = score.len;
		rec_item_start(rd, &it, "-", 0);
		rec_item_set(&it, text.data, text.len);
		rec_emit_members(&it, m, 2);
		if (rec_flush(rd, &it))
			exit(diag_finish());
	}
	rec_item_release(&it);
	buf_release(&text);
	buf_release(&eid);
	buf_release(&score);
	buf_release(&id);
}

/* With -vv, the seconds a step of the run took. */
static void
rrun_lap(const char *step)
{
	static struct timespec last;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec != 0)
		diag_verbose(2, "%s: %.2f s", step, (double)(now.tv_sec -
		    last.tv_sec) + (double)(now.tv_nsec - last.tv_nsec) / 1e9);
	last = now;
}

/*
 * A trained model's prior is the chance of a match between two records
 * of the input it was trained on: say so when this one is of another
 * size.
 */
static void
rrun_check_scale(const struct rrun *r)
{
	double n = (double)r->d->nrec, t = r->m->records;

	if (t <= 0 || (n <= 2 * t && 2 * n >= t))
		return;
	diag_warn("the model was trained on %.0f records and this run has "
	    "%.0f: its prior (one match in %.0f pairs) is that of the input "
	    "it was trained on, so links come %s easily here (--retrain "
	    "trains it on this input)", t, n, 1 / r->m->prior, n > t ?
	    "more" : "less");
}

/* Run a stage; 0 when the run is not staged. */
static int
rrun_stages(struct rrun *r, struct rec_reader *rd)
{
	struct buf err = BUF_INIT;

	switch (r->cfg.stage) {
	case RSTAGE_KEYS:
		rrun_read(r, rd);
		break;
	case RSTAGE_PAIRS:
		rstage_pairs(r->m, r->mode, r->cfg.threshold, rd);
		break;
	case RSTAGE_CLUSTERS:
		rstage_clusters(r->m, r->cfg.threshold, r->cfg.max_cluster,
		    rd);
		break;
	case RSTAGE_APPLY:
		if ((r->dec = rstage_load(r->cfg.decisions, &err)) == NULL)
			diag_fail(errno == ENOENT || errno == EACCES ?
			    ETV_SYS : ETV_DATA, "%s", err.data);
		rrun_read(r, rd);
		break;
	default:
		return 0;
	}
	buf_release(&err);
	return 1;
}

void
rrun(const struct rrun_config *cfg, struct rec_reader *rd)
{
	struct rrun run, *r = &run;
	FILE *pairs = NULL, *golden = NULL;
	struct rcand c;
	struct rclusters cl;
	struct buf err = BUF_INIT;
	uint8_t *gamma;
	uint32_t *rep;
	float *prob;
	size_t nf, i, nprior = 0;
	int f, k;

	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	r->m = cfg->model;
	r->mode = cfg->link ? RBLOCK_LINK : RBLOCK_DEDUPE;
	r->d = rdata_new(r->m);
	r->d->bysource = cfg->link;
	r->ids = strmap_new();
	buf_init(&r->key);
	r->w = xcalloc((size_t)cfg->jobs, sizeof(*r->w));
	for (k = 0; k < cfg->jobs; k++) {
		buf_init(&r->w[k].val);
		buf_init(&r->w[k].norm);
		buf_init(&r->w[k].scratch);
		buf_init(&r->w[k].err);
	}
	nf = (size_t)r->m->nfield;
	/* jsonscan sees top-level members only, not dotted paths. */
	r->scan = strchr(cfg->id_field, '.') == NULL;
	for (f = 0; f < r->m->nfield; f++)
		if (strchr(r->m->field[f].name, '.') != NULL)
			r->scan = 0;
	if ((r->spill = iox_tmpfile()) == NULL)
		diag_fail(ETV_SYS, "temporary file: %s", strerror(errno));
	if (rrun_stages(r, rd))
		goto done;

	/* Files that cannot be written fail the run before it starts. */
	if (cfg->pairs != NULL)
		pairs = rrun_open(cfg->pairs);
	if (cfg->golden != NULL)
		golden = rrun_open(cfg->golden);
	rrun_lap(NULL);
	if (cfg->against != NULL)
		rrun_read_prior(r, rd);
	nprior = r->d->nrec;
	rrun_read(r, rd);
	rrun_lap("reading");
	diag_verbose(1, "%zu records (%zu of an earlier run), %zu bytes of "
	    "field values", r->d->nrec, nprior, rdata_memory(r->d));

	if (rblock_candidates(r->d, r->mode, cfg->max_pairs, &c, &err) < 0)
		diag_fail(ETV_USAGE, "%s", err.data);
	rrun_lap("blocking");
	for (k = 0; k < r->m->nrule; k++)
		diag_verbose(1, "blocking rule '%s': %llu pairs",
		    r->m->rule[k].text, (unsigned long long)c.count[k]);
	diag_verbose(1, "%zu candidate pairs to compare (of %.0f)", c.n,
	    rfs_all_pairs(r->d, r->mode));
	gamma = rrun_gammas(r, c.pair, c.n);
	rrun_lap("comparing");
	/* Labels are there to train with. */
	if (!rmodel_trained(r->m) || cfg->retrain || cfg->labels != NULL)
		rrun_train(r, &c, gamma);
	else
		rrun_check_scale(r);
	rrun_lap("training");
	if (cfg->model_out != NULL)
		rrun_model_out(r);

	prob = xmalloc((c.n + 1) * sizeof(*prob));
	for (i = 0; i < c.n; i++)
		prob[i] = (float)rfs_probability(rfs_weight(r->m, r->d,
		    RBLOCK_A(c.pair[i]), gamma + i * nf, NULL));
	rrun_lap("scoring");
	rcluster(r->d, c.pair, prob, c.n, cfg->threshold, cfg->max_cluster,
	    &cl);
	rrun_lap("clustering");
	diag_verbose(1, "links at %g or more: %zu followed, %zu cut by the "
	    "guards; %zu entities, the largest of %zu records",
	    cfg->threshold, cl.links, cl.cut, cl.entities, cl.largest);
	runstats_set_int("records", (long long)r->d->nrec);
	runstats_set_int("prior_records", (long long)nprior);
	runstats_set_int("pairs", (long long)c.n);
	runstats_set_int("links", (long long)cl.links);
	runstats_set_int("links_cut", (long long)cl.cut);
	runstats_set_int("entities", (long long)cl.entities);
	runstats_set_int("largest_entity", (long long)cl.largest);
	rep = rcluster_representatives(r->d, &cl);
	rrun_output(r, rd, &cl, rep);
	rrun_lap("writing");
	if (pairs != NULL)
		rrun_pairs(r, pairs, &c, gamma, prob);
	if (golden != NULL)
		rrun_golden(r, golden, &cl, rep);

	free(rep);
	rcluster_free(&cl);
	free(prob);
	free(gamma);
	rcand_free(&c);
done:
	rstage_free(r->dec);
	strmap_free(r->ids);
	buf_release(&r->key);
	for (k = 0; k < cfg->jobs; k++) {
		buf_release(&r->w[k].val);
		buf_release(&r->w[k].norm);
		buf_release(&r->w[k].scratch);
		buf_release(&r->w[k].err);
	}
	free(r->w);
	free(r->off);
	fclose(r->spill);
	rdata_free(r->d);
	buf_release(&err);
}
