/* etv-index -- a persistent vector index file: build, upsert, sync, query */
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
#include "lib/json/jsonscan.h"
#include "lib/json/jsonx.h"
#include "lib/index/manifest.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/embed/vec.h"
#include "lib/index/vecfile.h"
#include "lib/index/vfilter.h"
#include "lib/base/xmem.h"

#define USAGE \
"usage: etv-index build|add|sync|delete|query [options] INDEX [file ...]\n" \
"       etv-index stats|dump|compact [options] INDEX\n" \
"       etv-index merge [options] OUT IN ...\n"

static const char help_text[] =
USAGE
"\n"
"etv-index -- a persistent vector index file: build, upsert, sync, query\n"
"\n"
"Verbs:\n"
"  build     new index from the records read (--force replaces INDEX)\n"
"  add       upsert records by id (creates INDEX when missing)\n"
"  sync      make the index hold exactly the records read for each group\n"
"  delete    remove the ids (records or JSON strings) read\n"
"  query     add 'hits' to each record, by its embedding\n"
"  stats     counts, dims, metric, model, segments, bytes; checks sums\n"
"  dump      the live records back as JSON-lines; --docs: documents\n"
"  compact   rewrite into one segment, reclaiming deleted rows\n"
"  merge     join the indexes IN ... into OUT\n"
"\n"
"Options:\n"
"  --metric M          cosine (default), dot or l2 (new index)\n"
"  --hnsw              HNSW graph for approximate search (default)\n"
"  --exact             build: no graph; query: scan every vector\n"
"  -M N                HNSW links per node (default 16)\n"
"  --ef-construction N HNSW build candidate list (default 200)\n"
"  --quantize i8       walk the graph on int8 codes, re-score in float32\n"
"  --store FIELDS      fields kept for results (default text,meta)\n"
"  --by FIELD          field grouping records for sync (default doc_id);\n"
"                      delete: the values read name whole groups\n"
"  --prune             sync: also remove groups not read at all\n"
"  --max-prune N|P%    sync: refuse to prune more groups (default 10%)\n"
"  --manifest FILE     sync: prune only groups absent from etv-extract's\n"
"                      --manifest FILE\n"
"  --force             build: replace INDEX; sync: no --max-prune bound\n"
"  -k N                hits per query (default 10)\n"
"  --ef N              query candidate list (default max(k, 64))\n"
"  --filter EXPR       query: FIELD=V, FIELD!=V, FIELD<V (<=, >, >=),\n"
"                      FIELD^=PREFIX, FIELD [not] in [V1,V2,...];\n"
"                      repeat to require all\n"
"  --verify-recall N   stats: recall@k of HNSW against exact search\n"
"                      on N sampled vectors\n"
"  --fields LIST       dump: only these members (the id is always kept)\n"
"  --no-embedding      dump: leave out embedding and embedding_model\n"
"  --docs              dump: one line per group with its row count\n"
"  -j N                threads (graph build, queries; default 1)\n"
"  --id-field NAME     field holding the identifier (default 'id')\n"
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum verb {
	V_BUILD = 1 << 0, V_ADD = 1 << 1, V_SYNC = 1 << 2,
	V_DELETE = 1 << 3, V_QUERY = 1 << 4, V_STATS = 1 << 5,
	V_DUMP = 1 << 6, V_COMPACT = 1 << 7, V_MERGE = 1 << 8
};

static const struct {
	const char	*name;		/* the verb as typed */
	int		 verb;		/* its bit */
} verbs[] = {
	{ "build", V_BUILD }, { "add", V_ADD }, { "sync", V_SYNC },
	{ "delete", V_DELETE }, { "query", V_QUERY }, { "stats", V_STATS },
	{ "dump", V_DUMP }, { "compact", V_COMPACT }, { "merge", V_MERGE }
};

/* Verbs that read records, and verbs that may create an index. */
#define V_READS		(V_BUILD | V_ADD | V_SYNC | V_DELETE | V_QUERY)
#define V_CREATES	(V_BUILD | V_ADD | V_SYNC)
#define V_GRAPH		(V_CREATES | V_COMPACT | V_MERGE)

enum {
	O_METRIC = OPT_TOOL_FIRST, O_HNSW, O_EXACT, O_EFC, O_STORE, O_BY,
	O_PRUNE, O_EF, O_FILTER, O_VERIFY, O_QUANTIZE, O_MAX_PRUNE, O_FORCE,
	O_MANIFEST, O_FIELDS, O_NO_EMBEDDING, O_DOCS
};

static const struct option longopts[] = {
	{ "metric",	required_argument,	NULL,	O_METRIC },
	{ "hnsw",	no_argument,		NULL,	O_HNSW },
	{ "exact",	no_argument,		NULL,	O_EXACT },
	{ "ef-construction", required_argument,	NULL,	O_EFC },
	{ "quantize",	required_argument,	NULL,	O_QUANTIZE },
	{ "store",	required_argument,	NULL,	O_STORE },
	{ "by",		required_argument,	NULL,	O_BY },
	{ "prune",	no_argument,		NULL,	O_PRUNE },
	{ "ef",		required_argument,	NULL,	O_EF },
	{ "filter",	required_argument,	NULL,	O_FILTER },
	{ "verify-recall", required_argument,	NULL,	O_VERIFY },
	{ "max-prune",	required_argument,	NULL,	O_MAX_PRUNE },
	{ "force",	no_argument,		NULL,	O_FORCE },
	{ "manifest",	required_argument,	NULL,	O_MANIFEST },
	{ "fields",	required_argument,	NULL,	O_FIELDS },
	{ "no-embedding", no_argument,		NULL,	O_NO_EMBEDDING },
	{ "docs",	no_argument,		NULL,	O_DOCS },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ "id-field",	required_argument,	NULL,	OPT_ID_FIELD },
	OPT_INPUT_LONGOPTS,
	OPT_COMMON_LONGOPTS,
	{ NULL,		0,			NULL,	0 }
};

/* Which verbs each of the tool's own options applies to. */
static const struct {
	int		 code;		/* option code */
	const char	*name;		/* as typed, for messages */
	int		 verbs;		/* V_* bits */
} applies[] = {
	{ O_METRIC, "--metric", V_CREATES },
	{ O_HNSW, "--hnsw", V_CREATES },
	{ 'M', "-M", V_CREATES },
	{ O_EFC, "--ef-construction", V_CREATES },
	{ O_QUANTIZE, "--quantize", V_CREATES },
	{ O_STORE, "--store", V_CREATES },
	{ O_BY, "--by", V_CREATES | V_DELETE },
	{ O_PRUNE, "--prune", V_SYNC },
	{ O_MAX_PRUNE, "--max-prune", V_SYNC },
	{ O_FORCE, "--force", V_BUILD | V_SYNC },
	{ O_MANIFEST, "--manifest", V_SYNC },
	{ O_FIELDS, "--fields", V_DUMP },
	{ O_NO_EMBEDDING, "--no-embedding", V_DUMP },
	{ O_DOCS, "--docs", V_DUMP },
	{ 'k', "-k", V_QUERY | V_STATS },
	{ O_EF, "--ef", V_QUERY | V_STATS },
	{ O_FILTER, "--filter", V_QUERY },
	{ O_VERIFY, "--verify-recall", V_STATS },
	{ O_EXACT, "--exact", V_CREATES | V_QUERY },
	{ 'j', "-j", V_GRAPH | V_QUERY }
};

/* One --filter clause: a field path and the values it may take. */
static struct {
	int		 verb;		/* V_* */
	const char	*path;		/* INDEX, or OUT for merge */
	int		 metric;	/* --metric, VF_COSINE by default */
	int		 exact;		/* --exact */
	long		 M;		/* -M */
	long		 efc;		/* --ef-construction */
	int		 quant;		/* --quantize: VF_QNONE or VF_QI8 */
	const char	*store;		/* --store */
	const char	*by;		/* --by, NULL when not given */
	int		 prune;		/* --prune */
	long		 k;		/* -k */
	long		 ef;		/* --ef, 0 = max(k, 64) */
	struct vfilter	*filters;	/* --filter clauses (root: 0 a stored
					   field, 1 the id, 2 the group);
					   owned */
	size_t		 nfilters;	/* their number */
	long		 verify;	/* --verify-recall */
	long		 jobs;		/* -j */
	int		 given;	/* creation options given (V_CREATES) */
	unsigned long	 max_prune;	/* --max-prune N */
	double		 max_prune_pct;	/* --max-prune P%, or -1 */
	int		 force;		/* --force */
	const char	*manifest;	/* --manifest, or NULL */
	const char	*fields;	/* --fields, or NULL: all */
	int		 no_embedding;	/* --no-embedding */
	int		 docs;		/* --docs */
} cfg = { 0, NULL, VF_COSINE, 0, 16, 200, VF_QNONE, "text,meta", NULL, 0,
    10, 0, NULL, 0, 0, 1, 0, 0, 10.0, 0, NULL, NULL, 0, 0 };

/* Member names the tool reads besides the id. */
static const char emb_field[] = "embedding";
static const char model_field[] = "embedding_model";
static const char hash_field[] = "hash";

/* Counts for -v. */
static struct {
	unsigned long	 added;		/* new ids */
	unsigned long	 replaced;	/* ids whose content changed */
	unsigned long	 unchanged;	/* ids already there, same content */
	unsigned long	 deleted;	/* rows removed */
	unsigned long	 absent;	/* ids to delete that were not there */
	unsigned long	 baddims;	/* records of other dimensions */
	unsigned long	 badmodel;	/* records of another model */
} count;

/* Unknown ids to delete reported one by one; the rest are summed up. */
#define ABSENT_SHOWN	10

/*
 * Fields a hit carries whatever --store says, when the record has them:
 * where the chunk comes from, so that an answer can cite it.
 */
static const char *const provenance[] = {
	"doc_id", "start", "end", "page_start", "page_end", NULL
};

/* The lock file, when this run created it (see lock_cleanup). */
static char *lock_made;

static void
fail_open(const char *path, int r, const char *why)
{
	if (r == VF_ECORRUPT)
		diag_fail(ETV_SYS, "'%s': corrupt index: %s", path, why);
	diag_fail(ETV_SYS, "cannot open '%s': %s", path, strerror(errno));
}

/* Open an index or exit: status 4 for a missing or corrupt file. */
static struct vf_index *
open_or_die(const char *path, int flags)
{
	struct vf_index *ix;
	const char *why = NULL;
	int r;

	if ((r = vf_open(&ix, path, flags, &why)) != VF_OK)
		fail_open(path, r, why);
	return ix;
}

static void
verify_or_die(const struct vf_index *ix)
{
	const char *why;

	if (vf_verify(ix, &why) != VF_OK)
		diag_fail(ETV_SYS, "'%s': corrupt index: %s", ix->path, why);
}

/* Parse --store or --fields: a comma-separated list of field names. */
static void
check_store(const char *s, const char *name)
{
	const char *p;

	for (p = s; *p; p++)
		if (*p == ',' && (p == s || p[1] == '\0' || p[1] == ','))
			diag_usage("option '%s' has an empty field name", name);
}

/* Whether name is in the comma-separated list. */
static int
in_list(const char *list, const char *name, size_t len)
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

/* Parse one --filter, or exit with a usage error. */
static void
parse_filter(const char *expr)
{
	struct vfilter f;
	const char *why;

	if (vfilter_parse(&f, expr, &why) == -1)
		diag_usage("option '--filter' %s: '%s'", why, expr);
	cfg.filters = xreallocarray(cfg.filters, cfg.nfilters + 1,
	    sizeof(*cfg.filters));
	cfg.filters[cfg.nfilters++] = f;
}

/*
 * Read a record's embedding into a new vector.  Returns its dimensions,
 * or -1 after reporting the record as malformed.
 */
static long
record_vector(struct rec_item *it, json_t *rec, float **vp)
{
	struct buf why = BUF_INIT;
	json_t *e;
	long d;

	if ((e = json_object_get(rec, emb_field)) == NULL)
		return rec_malformed(it, "field '%s' is missing (embed the "
		    "records first: etv embed)", emb_field), -1;
	if ((d = vec_from_json(e, vp, &why)) < 0)
		rec_malformed(it, "field '%s': %s", emb_field, why.data);
	buf_release(&why);
	return d;
}

/*
 * The record's embedding_model: NULL when absent, "" and a malformed
 * report when it is not a string.
 */
static const char *
record_model(struct rec_item *it, json_t *rec, int *bad)
{
	json_t *m = json_object_get(rec, model_field);

	*bad = 0;
	if (m == NULL)
		return NULL;
	if (!json_is_string(m)) {
		rec_malformed(it, "field '%s' is not a string", model_field);
		*bad = 1;
		return NULL;
	}
	return json_string_value(m);
}

/*
 * Check a vector against the index: dimensions and model.  Returns 0, or
 * -1 after rejecting the record (status 1, or the rejects file).
 */
static int
check_vector(struct rec_item *it, json_t *rec, const struct vf_meta *m,
    long d, const char *model)
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

/*
 * Normalise for cosine, leaving a vector that is already of unit length
 * as it is, so that dumped vectors rebuild the same index.
 */
static void
unit_vector(float *v, size_t n)
{
	if (fabs(vec_norm(v, n) - 1.0) > 1e-6)
		vec_normalize(v, n);
}

/*
 * At exit, remove the lock file when this run created it and no index
 * came of the run (a failed command on a missing index), so that no
 * "nope.etv.lock" stays behind.  The lock file of an index that exists
 * is kept: other writers may be waiting on it.
 */
static void
lock_cleanup(void)
{
	struct stat st;

	if (lock_made && lstat(cfg.path, &st) == -1 && errno == ENOENT)
		unlink(lock_made);
	free(lock_made);
	lock_made = NULL;
}

/* Take the writer lock of INDEX (OUT for merge), or exit. */
static int
take_lock(void)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int lock;

	buf_printf(&b, "%s.lock", cfg.path);
	if (lstat(b.data, &st) == -1 && errno == ENOENT) {
		lock_made = buf_detach(&b, NULL);
		atexit(lock_cleanup);
	} else
		buf_release(&b);
	if ((lock = iox_lock(cfg.path, 1)) == -1)
		diag_fail(ETV_SYS, "cannot lock '%s': %s", cfg.path,
		    strerror(errno));
	return lock;
}

/* State of a run that writes: build, add, sync, delete. */
struct ingest {
	struct vf_index	*ix;		/* the index, NULL when new */
	struct vf_meta	 meta;		/* what a new index will be */
	int		 create;	/* write a new file, not a segment */
	struct vf_writer *w;		/* the new rows; owned */
	json_t		*ids;		/* sync: ids read (a set) */
	json_t		*groups;	/* sync: groups read (a set) */
	struct buf	 fields;	/* scratch: stored fields */
};

/* The group of a row: its group field, else the id before its last '#'. */
static const char *
group_of(const char *id, size_t idlen, const char *g, size_t glen,
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
		if (!in_list(m->store, key, strlen(key)) &&
		    !is_provenance(key, m->by))
			continue;
		if (!first)
			buf_addc(b, ',');
		first = 0;
		{
			json_t *k = json_string(key);

			rec_dump(b, k);
			json_decref(k);
		}
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
    const struct buf *fields, const float *vec)
{
	const struct vf_seg *sg = &ix->seg[s];
	const char *p;
	size_t n;

	if ((p = vf_str(sg, VF_GROUP, r, &n)) == NULL || n != glen ||
	    memcmp(p, group, n) != 0)
		return 0;
	if ((p = vf_str(sg, VF_HASH, r, &n)) == NULL || n != hlen ||
	    memcmp(p, hash, n) != 0)
		return 0;
	if ((p = vf_str(sg, VF_FIELDS, r, &n)) == NULL || n != fields->len ||
	    memcmp(p, fields->data, n) != 0)
		return 0;
	if (hlen > 0)
		return 1;
	return memcmp(vf_vec(ix, s, r), vec, ix->meta.dims *
	    sizeof(float)) == 0;
}

/* Add a json set member. */
static void
set_add(json_t *set, const char *s, size_t n)
{
	json_object_setn_new_nocheck(set, s, n, json_true());
}

/* Upsert one record (build, add, sync). */
static void
ingest_record(struct ingest *in, struct rec_item *it, json_t *rec)
{
	const char *id, *model, *hash = "", *group = "", *gk;
	char num[64];
	size_t idlen, hlen = 0, glen = 0, gklen, msglen;
	uint32_t s, r;
	float *vec = NULL;
	json_t *v;
	long d;
	int bad;

	if ((id = rec_string(it, rec, opt.id_field, &idlen)) == NULL)
		return;
	if ((v = jsonx_path(rec, in->meta.by)) != NULL) {
		if (json_is_string(v)) {
			group = json_string_value(v);
			glen = json_string_length(v);
		} else if (json_is_integer(v)) {
			glen = (size_t)snprintf(num, sizeof(num),
			    "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			group = num;
		} else {
			rec_malformed(it, "field '%s' is not a string",
			    in->meta.by);
			return;
		}
	}
	/*
	 * sync: a record read counts as seen even when it is rejected below,
	 * so that its old row is kept rather than pruned.
	 */
	if (in->ids) {
		set_add(in->ids, id, idlen);
		gk = group_of(id, idlen, group, glen, &gklen);
		set_add(in->groups, gk, gklen);
	}
	if ((d = record_vector(it, rec, &vec)) < 0)
		return;
	model = record_model(it, rec, &bad);
	if (bad)
		goto out;
	if ((v = json_object_get(rec, hash_field)) != NULL) {
		if (!json_is_string(v)) {
			rec_malformed(it, "field '%s' is not a string",
			    hash_field);
			goto out;
		}
		hash = json_string_value(v);
		hlen = json_string_length(v);
	}
	/* A new index takes its dimensions and model from the first record. */
	if (in->meta.dims == 0) {
		in->meta.dims = (uint32_t)d;
		if (model && *in->meta.model == '\0') {
			free(in->meta.model);
			in->meta.model = xstrdup(model);
		}
		in->w = vf_writer_new(in->meta.dims);
	}
	msglen = it->msg.len;
	if (check_vector(it, rec, &in->meta, d, model) == -1) {
		/*
		 * A whole run of another model gives one line, not one per
		 * record: the first is reported, the others are summed up
		 * by run_write.
		 */
		if ((uint32_t)d != in->meta.dims ? count.baddims++ > 0 :
		    count.badmodel++ > 0) {
			it->msg.len = msglen;
			if (it->msg.data)
				it->msg.data[msglen] = '\0';
		}
		goto out;
	}
	if (in->meta.metric == VF_COSINE)
		unit_vector(vec, (size_t)d);
	stored_fields(&in->fields, rec, &in->meta);
	if (!in->create && vf_find(in->ix, id, idlen, &s, &r)) {
		if (!vf_writer_has(in->w, id, idlen) &&
		    same_row(in->ix, s, r, hash, hlen, group, glen,
		    &in->fields, vec)) {
			count.unchanged++;
			goto out;
		}
		if (!vf_writer_has(in->w, id, idlen))
			count.replaced++;
		vf_writer_tomb(in->w, s, r);
	} else if (!vf_writer_has(in->w, id, idlen))
		count.added++;
	vf_writer_add(in->w, id, idlen, group, glen, hash, hlen,
	    in->fields.data, in->fields.len, vec);
out:
	free(vec);
}

/*
 * Remove one id (delete): a record with an id, or a JSON string; with
 * --by, a record with that field, or a JSON string naming a group.
 */
static void
delete_record(struct ingest *in, struct rec_item *it, json_t *rec)
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
		    "got %s", cfg.by ? "group" : "id", jsonx_type_name(rec));
		return;
	} else if (cfg.by) {
		if ((v = jsonx_path(rec, cfg.by)) == NULL ||
		    !json_is_string(v)) {
			rec_malformed(it, "field '%s' is %s", cfg.by,
			    v ? "not a string" : "missing");
			return;
		}
		id = json_string_value(v);
		idlen = json_string_length(v);
	} else if ((id = rec_string(it, rec, opt.id_field, &idlen)) == NULL)
		return;
	if (json_object_getn(in->ids, id, idlen) != NULL)
		return;		/* named twice */
	set_add(in->ids, id, idlen);
	if (cfg.by) {
		/* Whole groups: deleted by delete_groups once all are read. */
		json_object_setn_new_nocheck(in->groups, id, idlen,
		    json_false());
		return;
	}
	if (in->w && vf_find(in->ix, id, idlen, &s, &r)) {
		vf_writer_tomb(in->w, s, r);
		count.deleted++;
	} else if (++count.absent <= ABSENT_SHOWN)
		rec_warn(it, "id '%.*s' is not in the index", (int)idlen, id);
}

/*
 * delete --by: delete every live row whose group was read, and report
 * the groups that have no row.
 */
static void
delete_groups(struct ingest *in)
{
	const struct vf_seg *sg;
	const char *id, *g, *gk, *key;
	size_t idlen, glen, gklen;
	uint32_t s, r;
	json_t *v;

	for (s = 0; in->w && s < in->ix->nseg; s++) {
		sg = &in->ix->seg[s];
		for (r = 0; r < sg->n; r++) {
			if (vf_dead(sg, r))
				continue;
			if ((id = vf_str(sg, VF_ID, r, &idlen)) == NULL ||
			    (g = vf_str(sg, VF_GROUP, r, &glen)) == NULL)
				diag_fail(ETV_SYS, "'%s': corrupt index: "
				    "bad string table", in->ix->path);
			gk = group_of(id, idlen, g, glen, &gklen);
			if ((v = json_object_getn(in->groups, gk, gklen)) ==
			    NULL)
				continue;
			vf_writer_tomb(in->w, s, r);
			count.deleted++;
			if (!json_is_true(v))
				json_object_setn_nocheck(in->groups, gk, gklen,
				    json_true());
		}
	}
	json_object_foreach(in->groups, key, v) {
		if (json_is_true(v))
			continue;
		if (++count.absent <= ABSENT_SHOWN && !diag_quiet)
			diag_at(ETV_OK, NULL, 0, "%s '%s' is not in the index",
			    in->meta.by, key);
	}
}

/*
 * The documents (groups) of --manifest FILE, as a set, or NULL after a
 * message when the file cannot be read or is not a complete manifest.
 */
static json_t *
load_manifest(const char *path)
{
	const char *why;
	json_t *set;

	if ((set = manifest_load(path, &why)) != NULL)
		return set;
	if (why == NULL)
		diag_error(ETV_SYS, "cannot read manifest '%s': %s", path,
		    strerror(errno));
	else
		diag_error(ETV_REJECT, "manifest '%s': %s", path, why);
	return NULL;
}

/*
 * Step to the next live row of ix (vf_row_next), or exit with ETV_SYS
 * when its string table is corrupt.
 */
static int
next_row(const struct vf_index *ix, struct vf_rows *it)
{
	int r;

	if ((r = vf_row_next(ix, it)) == -1)
		diag_fail(ETV_SYS, "'%s': corrupt index: bad string table",
		    ix->path);
	return r;
}

/*
 * Whether the sync may prune ngone of nall groups: not when no record was
 * read (nread 0), when --manifest was given and could not be read
 * (manifest NULL), or when more groups would go than --max-prune allows
 * and --force was not given.  A refusal is reported with status 1.
 */
static int
prune_allowed(unsigned long nread, const json_t *manifest, size_t ngone,
    size_t nall)
{
	char bound[64];

	if (nread == 0) {
		diag_error(ETV_REJECT, "read no records: nothing pruned (%zu "
		    "of %zu documents would have gone)", ngone, nall);
		return 0;
	}
	if (cfg.manifest && manifest == NULL) {
		diag_error(ETV_REJECT, "without a complete manifest, nothing "
		    "pruned (%zu of %zu documents would have gone)", ngone,
		    nall);
		return 0;
	}
	if (cfg.force || (cfg.max_prune_pct >= 0 ? (double)ngone * 100.0 <=
	    cfg.max_prune_pct * (double)nall : ngone <= cfg.max_prune))
		return 1;
	if (cfg.max_prune_pct >= 0)
		snprintf(bound, sizeof(bound), "%g%%", cfg.max_prune_pct);
	else
		snprintf(bound, sizeof(bound), "%lu", cfg.max_prune);
	diag_error(ETV_REJECT, "--prune would delete %zu of %zu documents "
	    "(%.0f%%), more than --max-prune %s: nothing pruned, the rest of "
	    "the sync applied; if they are gone, run again with --force or "
	    "--max-prune 100%%", ngone, nall,
	    100.0 * (double)ngone / (double)nall, bound);
	return 0;
}

/* The group key of the current row of it (group_of). */
static const char *
row_group(const struct vf_rows *it, size_t *gklen)
{
	return group_of(it->str[VF_ID], it->len[VF_ID], it->str[VF_GROUP],
	    it->len[VF_GROUP], gklen);
}

/*
 * sync: every live row whose group was read but whose id was not is
 * deleted.  With --prune, so are the rows of the groups not read at all,
 * unless prune_allowed() says no: a short input is more often a failure
 * upstream than documents deleted.  A group the manifest names is never
 * pruned.
 */
static void
sync_prune(struct ingest *in, unsigned long nread, const json_t *manifest)
{
	struct vf_rows it = VF_ROWS_INIT, again = VF_ROWS_INIT;
	const char *gk;
	size_t gklen;
	json_t *all, *gone;

	all = json_object();
	gone = json_object();
	while (next_row(in->ix, &it)) {
		gk = row_group(&it, &gklen);
		set_add(all, gk, gklen);
		if (json_object_getn(in->groups, gk, gklen) != NULL) {
			if (json_object_getn(in->ids, it.str[VF_ID],
			    it.len[VF_ID]) == NULL) {
				vf_writer_tomb(in->w, it.seg, it.row);
				count.deleted++;
			}
		} else if (cfg.prune && (cfg.manifest == NULL ||
		    json_object_getn(manifest, gk, gklen) == NULL))
			set_add(gone, gk, gklen);
	}
	if (json_object_size(gone) > 0 && prune_allowed(nread, manifest,
	    json_object_size(gone), json_object_size(all)))
		while (next_row(in->ix, &again)) {
			gk = row_group(&again, &gklen);
			if (json_object_getn(gone, gk, gklen) != NULL) {
				vf_writer_tomb(in->w, again.seg, again.row);
				count.deleted++;
			}
		}
	json_decref(all);
	json_decref(gone);
}

/* Write out what an ingest collected. */
static void
ingest_commit(struct ingest *in)
{
	int r;

	if (in->create) {
		if (in->w == NULL) {
			diag_warn("no record to index: '%s' is an empty index; "
			    "its dimensions come from the first add",
			    cfg.path);
			in->w = vf_writer_new(in->meta.dims);
		}
		r = vf_create(cfg.path, &in->meta, in->w, (int)cfg.jobs);
	} else {
		if (in->w == NULL || (vf_writer_rows(in->w) == 0 &&
		    vf_writer_tombs(in->w) == 0))
			return;
		r = vf_append(in->ix, in->w, (int)cfg.jobs);
	}
	if (r != VF_OK)
		diag_fail(ETV_SYS, "cannot write '%s': %s", cfg.path,
		    strerror(errno));
}

/* Copy every live row of ix into w (compact, merge). */
static void
copy_rows(struct vf_writer *w, const struct vf_index *ix)
{
	struct vf_rows it = VF_ROWS_INIT;

	while (next_row(ix, &it))
		vf_writer_add(w, it.str[0], it.len[0], it.str[1], it.len[1],
		    it.str[2], it.len[2], it.str[3], it.len[3],
		    vf_vec(ix, it.seg, it.row));
}

static void
meta_copy(struct vf_meta *dst, const struct vf_meta *src)
{
	*dst = *src;
	dst->model = xstrdup(src->model);
	dst->store = xstrdup(src->store);
	dst->by = xstrdup(src->by);
}

/* The creation options must agree with an existing index. */
static void
check_given(const struct vf_meta *m)
{
	if (!(cfg.given & V_CREATES))
		return;
	if (cfg.metric != m->metric || (cfg.exact ? 0 : (uint32_t)cfg.M) !=
	    m->M || (m->M && (uint32_t)cfg.efc != m->efc) ||
	    (cfg.exact ? VF_QNONE : cfg.quant) != m->quant ||
	    strcmp(cfg.store, m->store) != 0 ||
	    (cfg.by && strcmp(cfg.by, m->by) != 0))
		diag_usage("'%s' exists with other settings (metric %s, M %u, "
		    "store '%s', by '%s'); they are fixed when an index is "
		    "built", cfg.path, vf_metric_name(m->metric), m->M,
		    m->store, m->by);
}

/* build, add, sync, delete. */
static void
run_write(int argc, char **argv)
{
	struct rec_reader *rd;
	struct ingest in;
	const char *why = NULL;
	json_t *rec, *manifest = NULL;
	struct stat st;
	unsigned long nread;
	int lock, r;

	memset(&in, 0, sizeof(in));
	lock = take_lock();
	if (cfg.verb == V_BUILD && !cfg.force && lstat(cfg.path, &st) == 0)
		diag_fail(ETV_USAGE, "'%s' exists: give --force to replace "
		    "it, or use add or sync to update it", cfg.path);
	if (cfg.verb != V_BUILD) {
		r = vf_open(&in.ix, cfg.path, VF_WRITE, &why);
		if (r == VF_ESYS && errno == ENOENT && cfg.verb != V_DELETE)
			in.ix = NULL;
		else if (r == VF_ESYS && errno == ENOENT)
			diag_fail(ETV_SYS, "cannot open '%s': %s", cfg.path,
			    strerror(errno));
		else if (r != VF_OK)
			fail_open(cfg.path, r, why);
	}
	if (in.ix) {
		check_given(&in.ix->meta);
		meta_copy(&in.meta, &in.ix->meta);
		/* An empty index built from no records has no dimensions. */
		in.create = in.ix->meta.dims == 0;
		if (!in.create)
			in.w = vf_writer_new(in.meta.dims);
	} else {
		in.create = 1;
		in.meta.metric = cfg.metric;
		in.meta.M = cfg.exact ? 0 : (uint32_t)cfg.M;
		in.meta.efc = (uint32_t)cfg.efc;
		in.meta.seed = 42;
		in.meta.quant = cfg.exact ? VF_QNONE : cfg.quant;
		in.meta.model = xstrdup("");
		in.meta.store = xstrdup(cfg.store);
		in.meta.by = xstrdup(cfg.by ? cfg.by : "doc_id");
	}
	if (cfg.verb == V_DELETE) {
		if (cfg.by && strcmp(cfg.by, in.meta.by) != 0)
			diag_usage("'%s' groups rows by '%s', not '%s'",
			    cfg.path, in.meta.by, cfg.by);
		in.ids = json_object();
		in.groups = json_object();
	}
	if (cfg.verb == V_SYNC) {
		if (cfg.by && strcmp(cfg.by, in.meta.by) != 0)
			diag_usage("'%s' groups rows by '%s', not '%s'",
			    cfg.path, in.meta.by, cfg.by);
		in.ids = json_object();
		in.groups = json_object();
	}
	rd = rec_open(opt_reader(), argc, argv);
	if (cfg.verb == V_DELETE)
		rec_accept_values(rd);
	while ((rec = rec_next(rd)) != NULL) {
		if (cfg.verb == V_DELETE)
			delete_record(&in, rec_item_of(rd), rec);
		else
			ingest_record(&in, rec_item_of(rd), rec);
		json_decref(rec);
	}
	nread = rec_count(rd);
	rec_close(rd);
	if (cfg.verb == V_SYNC && in.ix && !in.create) {
		if (in.w == NULL)
			in.w = vf_writer_new(in.meta.dims);
		if (cfg.prune && cfg.manifest)
			manifest = load_manifest(cfg.manifest);
		sync_prune(&in, nread, manifest);
	}
	if (cfg.verb == V_DELETE && cfg.by)
		delete_groups(&in);
	if (count.absent > ABSENT_SHOWN && !diag_quiet)
		diag_warn("%lu more %ss were not in the index",
		    count.absent - ABSENT_SHOWN, cfg.by ? cfg.by : "id");
	if (count.baddims > 1)
		diag_error(ETV_REJECT, "%lu more records rejected: their "
		    "embeddings do not have the index's %u dimensions",
		    count.baddims - 1, in.meta.dims);
	if (count.badmodel > 1)
		diag_error(ETV_REJECT, "%lu more records rejected: their "
		    "embedding_model is not the index's '%s'",
		    count.badmodel - 1, in.meta.model);
	/*
	 * A malformed record without --rejects has ended the run already,
	 * before anything was written; an input that could not be read
	 * stops it here.
	 */
	if (diag_worst() < ETV_SYS && !(cfg.verb == V_DELETE && in.create))
		ingest_commit(&in);
	diag_verbose(1, "added %lu, replaced %lu, unchanged %lu, deleted %lu"
	    ", not found %lu", count.added, count.replaced, count.unchanged,
	    count.deleted, count.absent);
	vf_writer_free(in.w);
	vf_close(in.ix);
	vf_meta_release(&in.meta);
	json_decref(in.ids);
	json_decref(in.groups);
	json_decref(manifest);
	buf_release(&in.fields);
	iox_unlock(lock);
}

/* compact and merge: rewrite live rows into one new file. */
static void
run_rewrite(int argc, char **argv)
{
	struct vf_index **in;
	struct vf_writer *w;
	struct vf_meta m;
	int lock, i, n;

	lock = take_lock();
	n = cfg.verb == V_COMPACT ? 1 : argc;
	in = xcalloc((size_t)n, sizeof(*in));
	for (i = 0; i < n; i++) {
		in[i] = open_or_die(cfg.verb == V_COMPACT ? cfg.path :
		    argv[i], 0);
		verify_or_die(in[i]);
		if (i == 0)
			continue;
		if (in[i]->meta.dims != in[0]->meta.dims && in[i]->meta.dims &&
		    in[0]->meta.dims)
			diag_fail(ETV_REJECT, "'%s' has %u dimensions, '%s' "
			    "has %u", argv[i], in[i]->meta.dims, argv[0],
			    in[0]->meta.dims);
		if (in[i]->meta.metric != in[0]->meta.metric)
			diag_fail(ETV_REJECT, "'%s' uses metric %s, '%s' %s",
			    argv[i], vf_metric_name(in[i]->meta.metric),
			    argv[0], vf_metric_name(in[0]->meta.metric));
		if (*in[i]->meta.model && *in[0]->meta.model &&
		    strcmp(in[i]->meta.model, in[0]->meta.model) != 0)
			diag_fail(ETV_REJECT, "'%s' holds embeddings of '%s', "
			    "'%s' of '%s'", argv[i], in[i]->meta.model,
			    argv[0], in[0]->meta.model);
	}
	meta_copy(&m, &in[0]->meta);
	for (i = 1; i < n; i++) {
		if (m.dims == 0)
			m.dims = in[i]->meta.dims;
		if (*m.model == '\0' && *in[i]->meta.model) {
			free(m.model);
			m.model = xstrdup(in[i]->meta.model);
		}
	}
	w = vf_writer_new(m.dims);
	for (i = 0; i < n; i++)
		copy_rows(w, in[i]);
	if (vf_create(cfg.path, &m, w, (int)cfg.jobs) != VF_OK)
		diag_fail(ETV_SYS, "cannot write '%s': %s", cfg.path,
		    strerror(errno));
	diag_verbose(1, "wrote %u rows", vf_writer_rows(w));
	vf_writer_free(w);
	for (i = 0; i < n; i++)
		vf_close(in[i]);
	free(in);
	vf_meta_release(&m);
	iox_unlock(lock);
}

/*
 * Query filters.  A row's verdict is cached per worker (0 not yet known,
 * 1 accepted, 2 refused), so each stored record is parsed at most once
 * per run and only when a search reaches it.
 */
struct worker {
	struct vf_search *vs;		/* search state; owned */
	uint8_t		**cache;	/* per segment verdicts; owned */
	struct vf_hit	*hits;		/* room for k hits; owned */
	struct buf	 out;		/* scratch for the output line */
	struct jsonscan	 scan;		/* a query record, scanned */
	struct jsonscan	 fscan;		/* a row's stored fields, scanned */
	struct buf	 model;		/* its unescaped embedding_model */
};

struct query {
	const struct vf_index *ix;	/* the index */
	struct worker	*w;		/* one per thread; owned */
	int		 nw;		/* their number */
	size_t		 ef;		/* candidate list */
};

/*
 * The stored fields p[0..n) of a row, as a new object that holds at
 * least the members the filters look at.  Rows are read with jsonscan,
 * and only those members parsed: a stored text is skipped, not decoded.
 * Returns NULL when the fields are damaged.
 */
static json_t *
filter_fields(const char *p, size_t n, struct jsonscan *sc)
{
	const struct jsonscan_member *m;
	struct buf b = BUF_INIT;
	json_t *o, *v;
	const char *t;
	size_t i, j, k, tn;

	if (!jsonscan_record(p, n, sc))
		return json_loadb(p, n, 0, NULL);
	o = json_object();
	for (i = 0; i < cfg.nfilters; i++) {
		if (cfg.filters[i].root != 0)
			continue;
		k = strcspn(cfg.filters[i].path, ".");
		for (j = 0; j < sc->n; j++)
			if (sc->m[j].keylen == k && memcmp(sc->m[j].key,
			    cfg.filters[i].path, k) == 0)
				break;
		if (j == sc->n || json_object_getn(o, sc->m[j].key, k))
			continue;
		m = &sc->m[j];
		if (m->string)
			v = (t = jsonscan_text(m, &b, &tn)) ?
			    json_stringn(t, tn) : NULL;
		else
			v = json_loadb(m->val, m->vallen, JSON_DECODE_ANY,
			    NULL);
		if (v == NULL) {
			json_decref(o);
			o = NULL;
			break;
		}
		json_object_setn_new(o, m->key, m->keylen, v);
	}
	buf_release(&b);
	return o;
}

static int
row_passes(const struct vf_index *ix, uint32_t s, uint32_t r,
    struct jsonscan *sc)
{
	const struct vf_seg *sg = &ix->seg[s];
	const char *p;
	json_t *fields = NULL, *v;
	size_t i, n;
	int ok = 1;

	for (i = 0; ok && i < cfg.nfilters; i++) {
		if (cfg.filters[i].root != 0) {
			p = vf_str(sg, cfg.filters[i].root == 1 ? VF_ID :
			    VF_GROUP, r, &n);
			v = p ? json_stringn_nocheck(p, n) : NULL;
			ok = vfilter_match(&cfg.filters[i], v);
			json_decref(v);
			continue;
		}
		if (fields == NULL) {
			if ((p = vf_str(sg, VF_FIELDS, r, &n)) == NULL ||
			    (fields = filter_fields(p, n, sc)) == NULL)
				return 0;
		}
		v = jsonx_path(fields, cfg.filters[i].path);
		ok = vfilter_match(&cfg.filters[i], v);
	}
	json_decref(fields);
	return ok;
}

static int
filter_accept(const struct vf_index *ix, uint32_t s, uint32_t r, void *arg)
{
	struct worker *w = arg;

	if (w->cache[s] == NULL)
		w->cache[s] = xcalloc(ix->seg[s].n, 1);
	if (w->cache[s][r] == 0)
		w->cache[s][r] = row_passes(ix, s, r, &w->fscan) ? 1 : 2;
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
 * Exit with a usage error naming filter f's path, which no live row of
 * ix has, and the names stored where it points.
 */
static void
no_such_path(const struct vf_index *ix, const struct vfilter *f)
{
	static char msg[2048];
	const struct vf_seg *sg;
	const char **list, *k;
	struct buf b = BUF_INIT;
	struct jsonscan *sc;
	json_t *names, *fields, *v;
	const char *p;
	size_t i, j, n, root;
	uint32_t s, r;

	sc = xmalloc(sizeof(*sc));
	names = json_object();
	root = strcspn(f->path, ".");
	for (s = 0; s < ix->nseg; s++) {
		sg = &ix->seg[s];
		for (r = 0; r < sg->n; r++) {
			if (vf_dead(sg, r) ||
			    (p = vf_str(sg, VF_FIELDS, r, &n)) == NULL)
				continue;
			/* A row without the root: its top-level names. */
			if (jsonscan_record(p, n, sc)) {
				for (j = 0; j < sc->n; j++)
					if (sc->m[j].keylen == root &&
					    memcmp(sc->m[j].key, f->path,
					    root) == 0)
						break;
				for (i = 0; j == sc->n && i < sc->n; i++)
					json_object_setn(names, sc->m[i].key,
					    sc->m[i].keylen, json_null());
				if (j == sc->n)
					continue;
			}
			if ((fields = filter_fields(p, n, sc)) == NULL)
				continue;
			near_names(names, fields, f->path);
			json_decref(fields);
		}
	}
	list = xcalloc(json_object_size(names) + 1, sizeof(*list));
	i = 0;
	json_object_foreach(names, k, v)
		list[i++] = k;
	qsort(list, i, sizeof(*list), cmp_names);
	for (n = 0; n < i && n < 30; n++)
		buf_printf(&b, "%s%s", n ? ", " : "", list[n]);
	if (n < i)
		buf_printf(&b, " ... (%zu names)", i);
	snprintf(msg, sizeof(msg), "filter field '%s' is in no row of '%s'; "
	    "the nearest stored names are: %s (stored fields: '%s'; see "
	    "--store)", f->path, ix->path, i ? b.data : "none",
	    ix->meta.store);
	free(list);
	json_decref(names);
	buf_release(&b);
	free(sc);
	diag_usage("%s", msg);
}

/*
 * Warn that filter f compares values of another kind than v, the value
 * of its path in the first row that has it.
 */
static void
unlike_warning(const struct vfilter *f, const json_t *v)
{
	int list = f->op == VFILTER_IN || f->op == VFILTER_NOTIN;
	char *vals;

	vals = json_dumps(list ? f->vals : json_array_get(f->vals, 0),
	    JSON_COMPACT | JSON_ENCODE_ANY);
	diag_warn("filter '%s%s%s%s%s': the index holds %s values there, "
	    "the filter gives %s%s", f->path, list ? " " : "",
	    vfilter_op_name(f->op), list ? " " : "", vals ? vals : "",
	    jsonx_type_name(v), jsonx_type_name(json_array_get(f->vals, 0)),
	    json_is_string(v) ? " (a value in double quotes is a string)" :
	    "");
	free(vals);
}

/*
 * Resolve the filters' roots (a stored field, the id or the group field)
 * and check their paths: a path that is not stored, or that no live row
 * of the index has, is a usage error, for such a filter can only ever
 * refuse every row.  The rows are read until each path is found: the
 * first row usually has them all.  A path that some rows lack is fine:
 * those rows pass no clause on it.
 */
static void
check_filters(const struct vf_index *ix)
{
	const struct vf_meta *m = &ix->meta;
	const struct vf_seg *sg;
	struct jsonscan *sc;
	struct vfilter *f;
	json_t *fields, *v;
	const char *p;
	size_t i, n, left = 0;
	uint32_t s, r;
	char *seen;

	for (i = 0; i < cfg.nfilters; i++) {
		f = &cfg.filters[i];
		n = strcspn(f->path, ".");
		if (strcmp(f->path, opt.id_field) == 0 ||
		    strcmp(f->path, "id") == 0)
			f->root = 1;
		else if (strcmp(f->path, m->by) == 0 &&
		    !in_list(m->store, f->path, n))
			f->root = 2;
		else if (!in_list(m->store, f->path, n))
			diag_usage("filter field '%s' is not stored in the "
			    "index (stored: '%s'; see --store)", f->path,
			    m->store);
		else
			left++;
	}
	if (left == 0 || ix->live == 0)
		return;
	seen = xcalloc(cfg.nfilters, 1);
	sc = xmalloc(sizeof(*sc));
	for (s = 0; left > 0 && s < ix->nseg; s++) {
		sg = &ix->seg[s];
		for (r = 0; left > 0 && r < sg->n; r++) {
			if (vf_dead(sg, r) ||
			    (p = vf_str(sg, VF_FIELDS, r, &n)) == NULL ||
			    (fields = filter_fields(p, n, sc)) == NULL)
				continue;
			for (i = 0; i < cfg.nfilters; i++) {
				f = &cfg.filters[i];
				if (f->root != 0 || seen[i] ||
				    (v = jsonx_path(fields, f->path)) == NULL)
					continue;
				seen[i] = 1;
				left--;
				if (vfilter_unlike(f, v))
					unlike_warning(f, v);
			}
			json_decref(fields);
		}
	}
	for (i = 0; left > 0 && i < cfg.nfilters; i++)
		if (cfg.filters[i].root == 0 && !seen[i])
			break;
	free(seen);
	free(sc);
	if (left > 0)
		no_such_path(ix, &cfg.filters[i]);
}

/*
 * Append s as a JSON string.  Ids seldom need escapes: copy those that
 * do not, let jansson encode the others.  Returns -1 when s is not UTF-8
 * (a damaged file).
 */
static int
add_json_string(struct buf *b, const char *p, size_t n)
{
	json_t *s;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == '"' ||
		    p[i] == '\\' || (unsigned char)p[i] >= 0x7f)
			break;
	if (i == n) {
		buf_addc(b, '"');
		buf_add(b, p, n);
		buf_addc(b, '"');
		return 0;
	}
	if ((s = json_stringn(p, n)) == NULL)
		return -1;
	rec_dump(b, s);
	json_decref(s);
	return 0;
}

/*
 * Append the hits array for one query to b.  The data of a file is
 * checked by stats, not by every query, so what goes out is checked
 * here: returns -1 when a row's id or stored fields are damaged.
 */
static int
hits_json(struct buf *b, const struct vf_index *ix, const struct vf_hit *h,
    size_t n)
{
	const struct vf_seg *sg;
	const char *p;
	char num[32];
	size_t i, len;
	json_t *f;

	buf_adds(b, "\"hits\":[");
	for (i = 0; i < n; i++) {
		sg = &ix->seg[h[i].seg];
		if (i)
			buf_addc(b, ',');
		buf_adds(b, "{\"id\":");
		p = vf_str(sg, VF_ID, h[i].row, &len);
		if (p == NULL || add_json_string(b, p, len) == -1)
			return -1;
		/* Seven significant digits: one conversion, not a search. */
		if (isfinite(h[i].score))
			snprintf(num, sizeof(num), "%.7g",
			    (double)h[i].score);
		else
			snprintf(num, sizeof(num), "null");
		buf_printf(b, ",\"score\":%s", num);
		/* The group (doc_id) too, so that a hit can be cited. */
		if ((p = vf_str(sg, VF_GROUP, h[i].row, &len)) == NULL)
			return -1;
		if (len > 0 && !in_list(ix->meta.store, ix->meta.by,
		    strlen(ix->meta.by))) {
			buf_addc(b, ',');
			if (add_json_string(b, ix->meta.by,
			    strlen(ix->meta.by)) == -1)
				return -1;
			buf_addc(b, ':');
			if (add_json_string(b, p, len) == -1)
				return -1;
		}
		if ((p = vf_str(sg, VF_FIELDS, h[i].row, &len)) == NULL ||
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
	struct buf why = BUF_INIT;
	size_t n;
	long d;

	if (!rec_scan(it, &w->scan) ||
	    jsonscan_get(&w->scan, "hits") != NULL ||
	    (e = jsonscan_get(&w->scan, emb_field)) == NULL || !e->string ||
	    e->escaped)
		return -2;
	*model = NULL;
	if ((m = jsonscan_get(&w->scan, model_field)) != NULL) {
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
		rec_malformed(it, "field '%s': %s", emb_field, why.data);
	buf_release(&why);
	return d;
}

static void
query_item(struct rec_item *it, void *arg, int worker)
{
	struct query *qy = arg;
	struct worker *w = &qy->w[worker];
	const struct vf_index *ix = qy->ix;
	const char *model, *end, *line;
	size_t n, len;
	float *vec = NULL;
	json_t *rec = NULL;
	long d;
	int bad = 0;

	if ((d = fast_query(it, w, &vec, &model)) == -1)
		return;
	if (d == -2) {
		if ((rec = rec_parse(it)) == NULL)
			return;
		if ((d = record_vector(it, rec, &vec)) < 0)
			goto out;
		model = record_model(it, rec, &bad);
	}
	if (bad)
		goto out;
	/* An empty index (built from no record) has no hits for anyone. */
	if (ix->meta.dims == 0)
		n = 0;
	else if (check_vector(it, rec, &ix->meta, d, model) == -1)
		goto out;
	else {
		if (ix->meta.metric == VF_COSINE)
			unit_vector(vec, (size_t)d);
		n = vf_query(w->vs, ix, vec, (size_t)cfg.k, qy->ef,
		    cfg.exact, cfg.nfilters ? filter_accept : NULL, w,
		    w->hits);
	}
	/* Splice "hits" into the original bytes (replacing an old one). */
	buf_reset(&w->out);
	line = rec_text(it, &len);
	if (rec != NULL && json_object_get(rec, "hits") != NULL) {
		json_object_del(rec, "hits");
		rec_dump(&w->out, rec);
		line = w->out.data;
		len = w->out.len;
	}
	end = line + len;
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	{
		struct buf o = BUF_INIT;

		buf_add(&o, line, (size_t)(end - 1 - line));
		if (rec == NULL || json_object_size(rec) > 0)
			buf_addc(&o, ',');
		if (hits_json(&o, ix, w->hits, n) == -1) {
			diag_format(&it->msg, NULL, 0, "'%s': corrupt index: "
			    "damaged id or stored fields", ix->path);
			it->status = ETV_SYS;
			it->fatal = 1;
		} else {
			buf_addc(&o, '}');
			rec_emit_raw(it, o.data, o.len);
		}
		buf_release(&o);
	}
out:
	free(vec);
	json_decref(rec);
}

static void
run_query(int argc, char **argv)
{
	struct rec_reader *rd;
	struct query qy;
	int i;

	qy.ix = open_or_die(cfg.path, 0);
	check_filters(qy.ix);
	qy.ef = cfg.ef ? (size_t)cfg.ef : (size_t)(cfg.k > 64 ? cfg.k : 64);
	qy.nw = (int)cfg.jobs;
	qy.w = xcalloc((size_t)qy.nw, sizeof(*qy.w));
	for (i = 0; i < qy.nw; i++) {
		qy.w[i].vs = vf_search_new();
		qy.w[i].cache = xcalloc(qy.ix->nseg + 1, sizeof(uint8_t *));
		qy.w[i].hits = xcalloc((size_t)cfg.k, sizeof(struct vf_hit));
	}
	rd = rec_open(opt_reader(), argc, argv);
	pool_run(rd, qy.nw, query_item, &qy);
	rec_close(rd);
	for (i = 0; i < qy.nw; i++) {
		uint32_t s;

		vf_search_free(qy.w[i].vs);
		for (s = 0; s < qy.ix->nseg; s++)
			free(qy.w[i].cache[s]);
		free(qy.w[i].cache);
		free(qy.w[i].hits);
		buf_release(&qy.w[i].out);
		buf_release(&qy.w[i].model);
	}
	free(qy.w);
	vf_close((struct vf_index *)qy.ix);
}

/*
 * recall@k of the graph search against exact search, on n live rows
 * taken at even steps as queries.
 */
static double
verify_recall(const struct vf_index *ix, long nq, size_t *used)
{
	struct vf_search *vs = vf_search_new();
	struct vf_hit *a, *e;
	size_t k = (size_t)cfg.k, ef, na, ne, j, hit = 0, tot = 0;
	uint64_t step, pos = 0, seen = 0;
	uint32_t s, r;

	ef = cfg.ef ? (size_t)cfg.ef : k > 64 ? k : 64;
	a = xcalloc(k, sizeof(*a));
	e = xcalloc(k, sizeof(*e));
	*used = 0;
	step = ix->live / (uint64_t)nq;
	if (step == 0)
		step = 1;
	for (s = 0; s < ix->nseg && *used < (size_t)nq; s++) {
		for (r = 0; r < ix->seg[s].n && *used < (size_t)nq; r++) {
			if (vf_dead(&ix->seg[s], r))
				continue;
			if (seen++ != pos)
				continue;
			pos += step;
			na = vf_query(vs, ix, vf_vec(ix, s, r), k, ef, 0,
			    NULL, NULL, a);
			ne = vf_query(vs, ix, vf_vec(ix, s, r), k, ef, 1,
			    NULL, NULL, e);
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

static void
run_stats(void)
{
	struct vf_index *ix = open_or_die(cfg.path, 0);
	struct buf b = BUF_INIT;
	json_t *o, *store, *segs;
	const char *p, *e;
	char *text;
	size_t used;
	uint32_t s;
	double rc;

	verify_or_die(ix);
	o = json_object();
	json_object_set_new(o, "index", json_string(cfg.path));
	json_object_set_new(o, "format", json_integer(VF_VERSION));
	json_object_set_new(o, "vectors", json_integer((json_int_t)ix->live));
	json_object_set_new(o, "deleted",
	    json_integer((json_int_t)(ix->rows - ix->live)));
	json_object_set_new(o, "dims", json_integer(ix->meta.dims));
	json_object_set_new(o, "metric",
	    json_string(vf_metric_name(ix->meta.metric)));
	json_object_set_new(o, "embedding_model",
	    json_string(ix->meta.model));
	json_object_set_new(o, "search",
	    json_string(ix->meta.M ? "hnsw" : "exact"));
	if (ix->meta.M) {
		json_object_set_new(o, "M", json_integer(ix->meta.M));
		json_object_set_new(o, "ef_construction",
		    json_integer(ix->meta.efc));
		json_object_set_new(o, "quantize", json_string(
		    ix->meta.quant == VF_QI8 ? "i8" : "none"));
	}
	store = json_array();
	for (p = ix->meta.store; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		json_array_append_new(store, json_stringn(p, (size_t)(e - p)));
	}
	json_object_set_new(o, "store", store);
	json_object_set_new(o, "by", json_string(ix->meta.by));
	json_object_set_new(o, "segments", json_integer(ix->nseg));
	segs = json_array();
	for (s = 0; s < ix->nseg; s++) {
		json_t *sj = json_object();

		json_object_set_new(sj, "rows", json_integer(ix->seg[s].n));
		json_object_set_new(sj, "deleted",
		    json_integer(ix->seg[s].ndead));
		json_object_set_new(sj, "tombstones",
		    json_integer(ix->seg[s].ntomb));
		json_object_set_new(sj, "bytes",
		    json_integer((json_int_t)ix->seg[s].size));
		json_array_append_new(segs, sj);
	}
	json_object_set_new(o, "segment_list", segs);
	json_object_set_new(o, "bytes", json_integer((json_int_t)ix->length));
	json_object_set_new(o, "commit", json_integer((json_int_t)ix->seq));
	if (cfg.verify > 0) {
		rc = verify_recall(ix, cfg.verify, &used);
		buf_printf(&b, "recall_at_%ld", cfg.k);
		json_object_set_new(o, b.data, json_real(rc));
		json_object_set_new(o, "recall_queries",
		    json_integer((json_int_t)used));
	}
	/* Six digits, so that a recall reads 0.9997, not 0.99970000000000003. */
	if ((text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6))) ==
	    NULL)
		diag_fail(ETV_SYS, "out of memory");
	iox_write(stdout, text, strlen(text));
	iox_write(stdout, "\n", 1);
	free(text);
	buf_release(&b);
	json_decref(o);
	vf_close(ix);
}

/* Whether dump writes member name: all of them, or those of --fields. */
static int
dump_wants(const char *name)
{
	return cfg.fields == NULL || in_list(cfg.fields, name, strlen(name));
}

/* Append ",\"name\":" (or without the comma first) to b. */
static void
dump_key(struct buf *b, const char *name)
{
	json_t *j = json_string(name);

	if (b->len > 1)
		buf_addc(b, ',');
	rec_dump(b, j);
	json_decref(j);
	buf_addc(b, ':');
}

/* Add the member "name":"p[0..n)" as dump_key() and rec_dump() write it. */
static void
dump_string(struct buf *b, const char *name, const char *p, size_t n)
{
	json_t *j;

	dump_key(b, name);
	j = json_stringn_nocheck(p, n);
	rec_dump(b, j);
	json_decref(j);
}

/* Append the stored fields that dump writes, from their JSON object. */
static void
dump_fields(struct buf *b, const struct vf_index *ix, const char *p,
    size_t n)
{
	const char *key;
	json_t *f, *v;

	if (n <= 2)
		return;
	if (cfg.fields == NULL) {
		buf_addc(b, ',');
		buf_add(b, p + 1, n - 2);
		return;
	}
	if ((f = json_loadb(p, n, 0, NULL)) == NULL || !json_is_object(f))
		diag_fail(ETV_SYS, "'%s': corrupt index: bad stored fields",
		    ix->path);
	json_object_foreach(f, key, v) {
		if (!dump_wants(key))
			continue;
		dump_key(b, key);
		rec_dump(b, v);
	}
	json_decref(f);
}

/*
 * dump --docs: one line per group (document) with its live rows, in the
 * order the groups first appear in the file.
 */
static void
dump_docs(const struct vf_index *ix)
{
	struct vf_rows it = VF_ROWS_INIT;
	const char *gk, *key;
	struct buf b = BUF_INIT;
	size_t gklen;
	json_t *docs, *v, *j;

	docs = json_object();
	while (next_row(ix, &it)) {
		gk = row_group(&it, &gklen);
		if ((v = json_object_getn(docs, gk, gklen)) == NULL)
			json_object_setn_new_nocheck(docs, gk, gklen,
			    json_integer(1));
		else
			json_integer_set(v, json_integer_value(v) + 1);
	}
	json_object_foreach(docs, key, v) {
		buf_reset(&b);
		buf_addc(&b, '{');
		dump_key(&b, ix->meta.by);
		if ((j = json_string(key)) == NULL)
			diag_fail(ETV_SYS, "'%s': corrupt index: bad string "
			    "table", ix->path);
		rec_dump(&b, j);
		json_decref(j);
		buf_printf(&b, ",\"chunks\":%" JSON_INTEGER_FORMAT "}\n",
		    json_integer_value(v));
		iox_write(stdout, b.data, b.len);
	}
	buf_release(&b);
	json_decref(docs);
}

static void
run_dump(void)
{
	struct vf_index *ix = open_or_die(cfg.path, 0);
	struct vf_rows it = VF_ROWS_INIT;
	struct buf b = BUF_INIT;
	const char **p = it.str;
	size_t *n = it.len;

	verify_or_die(ix);
	if (cfg.docs) {
		dump_docs(ix);
		vf_close(ix);
		return;
	}
	while (next_row(ix, &it)) {
		buf_reset(&b);
		buf_addc(&b, '{');
		dump_string(&b, opt.id_field, p[VF_ID], n[VF_ID]);
		dump_fields(&b, ix, p[VF_FIELDS], n[VF_FIELDS]);
		if (n[VF_GROUP] > 0 && !in_list(ix->meta.store, ix->meta.by,
		    strlen(ix->meta.by)) && dump_wants(ix->meta.by))
			dump_string(&b, ix->meta.by, p[VF_GROUP], n[VF_GROUP]);
		if (n[VF_HASH] > 0 && dump_wants(hash_field))
			dump_string(&b, hash_field, p[VF_HASH], n[VF_HASH]);
		if (!cfg.no_embedding && dump_wants(emb_field)) {
			dump_key(&b, emb_field);
			vec_json_text(&b, vf_vec(ix, it.seg, it.row),
			    ix->meta.dims);
		}
		if (*ix->meta.model && !cfg.no_embedding &&
		    dump_wants(model_field))
			dump_string(&b, model_field, ix->meta.model,
			    strlen(ix->meta.model));
		buf_adds(&b, "}\n");
		iox_write(stdout, b.data, b.len);
	}
	buf_release(&b);
	vf_close(ix);
}

int
main(int argc, char *argv[])
{
	size_t i;
	int ch, given = 0, verb = 0, max_prune_given = 0;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "j:k:M:" OPT_COMMON_SHORT,
	    longopts, NULL)) != -1) {
		for (i = 0; i < sizeof(applies) / sizeof(applies[0]); i++)
			if (applies[i].code == ch)
				given |= 1 << i;
		switch (ch) {
		case O_METRIC:
			if ((cfg.metric = vf_metric_parse(optarg)) < 0)
				diag_usage("option '--metric' needs cosine, "
				    "dot or l2, got '%s'", optarg);
			break;
		case O_HNSW:
			break;
		case O_QUANTIZE:
			cfg.quant = (int[]){ VF_QI8, VF_QNONE }[opt_word(
			    "--quantize", optarg, (const char *[]){ "i8", "none",
			    NULL })];
			break;
		case O_EXACT:
			cfg.exact = 1;
			break;
		case 'M':
			cfg.M = opt_count("-M", optarg, 2, 1024);
			break;
		case O_EFC:
			cfg.efc = opt_count("--ef-construction", optarg, 1,
			    100000);
			break;
		case O_STORE:
			check_store(optarg, "--store");
			cfg.store = optarg;
			break;
		case O_BY:
			if (*optarg == '\0')
				diag_usage("option '--by' needs a field name");
			cfg.by = optarg;
			break;
		case O_PRUNE:
			cfg.prune = 1;
			break;
		case O_MAX_PRUNE:
			opt_limit("--max-prune", optarg, &cfg.max_prune,
			    &cfg.max_prune_pct);
			max_prune_given = 1;
			break;
		case O_FORCE:
			cfg.force = 1;
			break;
		case O_MANIFEST:
			cfg.manifest = optarg;
			break;
		case O_FIELDS:
			check_store(optarg, "--fields");
			cfg.fields = optarg;
			break;
		case O_NO_EMBEDDING:
			cfg.no_embedding = 1;
			break;
		case O_DOCS:
			cfg.docs = 1;
			break;
		case 'k':
			cfg.k = opt_count("-k", optarg, 1, 100000);
			break;
		case O_EF:
			cfg.ef = opt_count("--ef", optarg, 1, 1000000);
			break;
		case O_FILTER:
			parse_filter(optarg);
			break;
		case O_VERIFY:
			cfg.verify = opt_count("--verify-recall", optarg, 1,
			    1000000);
			break;
		case 'j':
			cfg.jobs = opt_count("-j", optarg, 0, 1024);
			if (cfg.jobs == 0)
				cfg.jobs = pool_ncpu();
			break;
		default:
			opt_common(ch, help_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		diag_usage("a verb is needed: build, add, sync, delete, "
		    "query, stats, dump, compact or merge");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[0], verbs[i].name) == 0)
			verb = verbs[i].verb;
	if (verb == 0)
		diag_usage("unknown verb '%s'", argv[0]);
	cfg.verb = verb;
	for (i = 0; i < sizeof(applies) / sizeof(applies[0]); i++) {
		if (!(given & (1 << i)))
			continue;
		if (!(applies[i].verbs & verb))
			diag_usage("option '%s' does not apply to '%s'",
			    applies[i].name, argv[0]);
		/*
		 * sync --by names the grouping and delete --by what is
		 * deleted; they are checked on their own.  --force is no
		 * setting of the index.
		 */
		if (applies[i].code != 'j' && applies[i].code != O_EXACT &&
		    applies[i].code != O_FORCE &&
		    (applies[i].verbs & V_CREATES) &&
		    !(applies[i].code == O_BY && verb != V_BUILD &&
		    verb != V_ADD))
			cfg.given |= V_CREATES;
		if (applies[i].code == O_EXACT && (verb & V_CREATES))
			cfg.given |= V_CREATES;
	}
	if (argc < 2)
		diag_usage("'%s' needs %s", argv[0], verb == V_MERGE ?
		    "OUT and at least one IN" : "an INDEX file");
	cfg.path = argv[1];
	if (verb == V_MERGE && argc < 3)
		diag_usage("'merge' needs OUT and at least one IN");
	if (cfg.docs && (cfg.fields || cfg.no_embedding))
		diag_usage("option '--docs' lists documents; it does not take "
		    "'--fields' or '--no-embedding'");
	if (cfg.force && cfg.verb == V_SYNC && !cfg.prune)
		diag_usage("option '--force' applies to 'sync --prune'");
	if ((max_prune_given || cfg.manifest) && !cfg.prune)
		diag_usage("options '--max-prune' and '--manifest' apply to "
		    "'sync --prune'");
	if (!(verb & (V_READS | V_MERGE)) && argc > 2)
		diag_usage("'%s' takes no operand after INDEX", argv[0]);

	switch (verb) {
	case V_BUILD:
	case V_ADD:
	case V_SYNC:
	case V_DELETE:
		run_write(argc - 2, argv + 2);
		break;
	case V_QUERY:
		run_query(argc - 2, argv + 2);
		break;
	case V_STATS:
		run_stats();
		break;
	case V_DUMP:
		run_dump();
		break;
	case V_COMPACT:
		run_rewrite(0, NULL);
		break;
	case V_MERGE:
		run_rewrite(argc - 2, argv + 2);
		break;
	}
	for (i = 0; i < cfg.nfilters; i++)
		vfilter_release(&cfg.filters[i]);
	free(cfg.filters);
	return diag_finish();
}
