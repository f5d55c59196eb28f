/* etv-index -- a persistent vector index file: build, upsert, sync, query */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"
#include "lib/index/index.h"
#include "lib/index/ixdump.h"
#include "lib/index/ixquery.h"
#include "lib/index/manifest.h"
#include "lib/index/vecfile.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"

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
"  --hnsw              HNSW graph for approximate search (default;\n"
"                      overrides an earlier --exact)\n"
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

enum {
	O_METRIC = OPT_TOOL_FIRST, O_HNSW, O_EXACT, O_EFC, O_STORE, O_BY,
	O_PRUNE, O_EF, O_FILTER, O_VERIFY, O_QUANTIZE, O_MAX_PRUNE, O_FORCE,
	O_MANIFEST, O_FIELDS, O_NO_EMBEDDING, O_DOCS,
	O_ELSEWHERE		/* an option of another verb */
};

/* Every short option; a verb that does not take one says so. */
#define SHORTOPTS	"j:k:M:" OPT_COMMON_SHORT

#define L_(name, has, code)	{ name, has, NULL, code }
#define L_METRIC	L_("metric", required_argument, O_METRIC)
#define L_HNSW		L_("hnsw", no_argument, O_HNSW)
#define L_EXACT		L_("exact", no_argument, O_EXACT)
#define L_EFC		L_("ef-construction", required_argument, O_EFC)
#define L_QUANTIZE	L_("quantize", required_argument, O_QUANTIZE)
#define L_STORE		L_("store", required_argument, O_STORE)
#define L_BY		L_("by", required_argument, O_BY)
#define L_JOBS		L_("jobs", required_argument, 'j')
#define L_TAIL		L_("id-field", required_argument, OPT_ID_FIELD), \
	OPT_INPUT_LONGOPTS, OPT_COMMON_LONGOPTS, L_(NULL, 0, 0)
#define L_CREATE	L_METRIC, L_HNSW, L_EXACT, L_EFC, L_QUANTIZE, \
	L_STORE, L_BY, L_JOBS

/* The options of each verb (and -M, -k, -j where they say). */
static const struct option build_opts[] = {
	L_CREATE, L_("force", no_argument, O_FORCE), L_TAIL
};
static const struct option add_opts[] = { L_CREATE, L_TAIL };
static const struct option sync_opts[] = {
	L_CREATE, L_("prune", no_argument, O_PRUNE),
	L_("max-prune", required_argument, O_MAX_PRUNE),
	L_("force", no_argument, O_FORCE),
	L_("manifest", required_argument, O_MANIFEST), L_TAIL
};
static const struct option delete_opts[] = { L_BY, L_TAIL };
static const struct option query_opts[] = {
	L_("ef", required_argument, O_EF),
	L_("filter", required_argument, O_FILTER), L_EXACT, L_JOBS, L_TAIL
};
static const struct option stats_opts[] = {
	L_("ef", required_argument, O_EF),
	L_("verify-recall", required_argument, O_VERIFY), L_TAIL
};
static const struct option dump_opts[] = {
	L_("fields", required_argument, O_FIELDS),
	L_("no-embedding", no_argument, O_NO_EMBEDDING),
	L_("docs", no_argument, O_DOCS), L_TAIL
};
static const struct option rewrite_opts[] = { L_JOBS, L_TAIL };
static const struct option main_opts[] = { L_TAIL };

static const struct option *const verb_tables[] = {
	build_opts, add_opts, sync_opts, delete_opts, query_opts,
	stats_opts, dump_opts, rewrite_opts
};

/* The verb being run (for messages), and its table with the others'. */
static const char *verb;
static struct option *table;

/* The settings of a new index: build, add, sync. */
struct create {
	int		 metric;	/* --metric */
	int		 exact;		/* --exact (no graph) */
	long		 M;		/* -M */
	long		 efc;		/* --ef-construction */
	int		 quant;		/* --quantize */
	const char	*store;		/* --store */
	const char	*by;		/* --by, NULL when not given */
	int		 given;		/* a setting was given */
	long		 jobs;		/* -j */
};

#define CREATE_INIT { VF_COSINE, 0, 16, 200, VF_QNONE, "text,meta", NULL, \
	0, 1 }

/* The lock file, when this run created it (see lock_cleanup). */
static char *lock_made;
static const char *lock_path;

/* Whether an option of table t is named name. */
static int
has_option(const struct option *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return 1;
	return 0;
}

/*
 * The next option of the verb whose table is own.  The options of the
 * other verbs are known too, so that giving one is a usage error that
 * names it rather than an unknown option.  Returns getopt_long's value.
 */
static int
next_option(int argc, char **argv, const struct option *own)
{
	const struct option *o;
	size_t i, n = 0, cap = 64;
	int ch, li = -1;

	if (table == NULL) {
		verb = argv[0];
		table = xcalloc(cap, sizeof(*table));
		for (o = own; o->name; o++)
			table[n++] = *o;
		for (i = 0; i < sizeof(verb_tables) / sizeof(*verb_tables); i++)
			for (o = verb_tables[i]; o->name; o++)
				if (!has_option(table, o->name) && n < cap - 1) {
					table[n] = *o;
					if (o->val >= 256)
						table[n].val = O_ELSEWHERE;
					n++;
				}
		optind = 0;
	}
	ch = getopt_long(argc, argv, SHORTOPTS, table, &li);
	if (ch == O_ELSEWHERE)
		diag_usage("option '--%s' does not apply to '%s'",
		    table[li].name, verb);
	return ch;
}

/* An option the verb does not handle itself: common, or a usage error. */
static void
other_option(int ch)
{
	if (ch == 'j' || ch == 'k' || ch == 'M')
		diag_usage("option '-%c' does not apply to '%s'", ch, verb);
	opt_common(ch, help_text);
}

/* Parse --store or --fields: a comma-separated list of field names. */
static void
check_list(const char *s, const char *name)
{
	const char *p;

	for (p = s; *p; p++)
		if (*p == ',' && (p == s || p[1] == '\0' || p[1] == ','))
			diag_usage("option '%s' has an empty field name", name);
}

/* -j N: 0 means one per CPU. */
static long
jobs_option(const char *arg)
{
	long j = opt_count("-j", arg, 0, 1024);

	return j == 0 ? pool_ncpu() : j;
}

/* Handle a setting of a new index; returns 0 when ch is none. */
static int
create_option(int ch, struct create *c)
{
	switch (ch) {
	case O_METRIC:
		if ((c->metric = vf_metric_parse(optarg)) < 0)
			diag_usage("option '--metric' needs cosine, dot or l2, "
			    "got '%s'", optarg);
		break;
	case O_HNSW:
		c->exact = 0;
		break;
	case O_EXACT:
		c->exact = 1;
		break;
	case 'M':
		c->M = opt_count("-M", optarg, 2, 1024);
		break;
	case O_EFC:
		c->efc = opt_count("--ef-construction", optarg, 1, 100000);
		break;
	case O_QUANTIZE:
		c->quant = (int[]){ VF_QI8, VF_QNONE }[opt_word("--quantize",
		    optarg, (const char *[]){ "i8", "none", NULL })];
		break;
	case O_STORE:
		check_list(optarg, "--store");
		c->store = optarg;
		break;
	case O_BY:
		if (*optarg == '\0')
			diag_usage("option '--by' needs a field name");
		c->by = optarg;
		return 2;	/* the grouping: checked on its own by sync */
	case 'j':
		c->jobs = jobs_option(optarg);
		return 3;	/* no setting of the index */
	default:
		return 0;
	}
	return 1;
}

/* The operands after the options: INDEX at least. */
static void
need_index(int argc, char **argv, int more)
{
	if (argc < 1)
		diag_usage("'%s' needs an INDEX file", verb);
	if (!more && argc > 1)
		diag_usage("'%s' takes no operand after INDEX", verb);
}

/* Exit for a failed vf_open of path. */
static void
fail_open(const char *path, int r, const struct buf *err)
{
	if (r == VF_ECORRUPT)
		diag_fail(ETV_SYS, "'%s': corrupt index: %s", path, err->data);
	diag_fail(ETV_SYS, "cannot open '%s': %s", path, strerror(errno));
}

/* Open an index, checking its data with verify, or exit with status 4. */
static struct vf_index *
open_or_die(const char *path, int verify)
{
	struct buf err = BUF_INIT;
	struct vf_index *ix;
	int r;

	if ((r = vf_open(&ix, path, 0, &err)) != VF_OK)
		fail_open(path, r, &err);
	if (verify && vf_verify(ix, &err) != VF_OK)
		diag_fail(ETV_SYS, "'%s': corrupt index: %s", path, err.data);
	buf_release(&err);
	return ix;
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

	if (lock_made && lstat(lock_path, &st) == -1 && errno == ENOENT)
		unlink(lock_made);
	free(lock_made);
	lock_made = NULL;
}

/* Take the writer lock of path, or exit. */
static int
take_lock(const char *path)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int lock;

	buf_printf(&b, "%s.lock", path);
	lock_path = path;
	if (lstat(b.data, &st) == -1 && errno == ENOENT) {
		lock_made = buf_detach(&b, NULL);
		atexit(lock_cleanup);
	} else
		buf_release(&b);
	if ((lock = iox_lock(path, 1)) == -1)
		diag_fail(ETV_SYS, "cannot lock '%s': %s", path,
		    strerror(errno));
	return lock;
}

/* delete --by: a group that has no row. */
static void
absent_group(const char *group, void *arg)
{
	const struct ix_write *in = arg;

	if (!diag_quiet)
		diag_at(ETV_OK, NULL, 0, "%s '%s' is not in the index",
		    in->meta.by, group);
}

/* Open INDEX for a writing run, or NULL when it is new. */
static struct vf_index *
open_for_write(const char *path, int mode, int build, int force)
{
	struct buf err = BUF_INIT;
	struct vf_index *ix = NULL;
	struct stat st;
	int r;

	if (build && !force && lstat(path, &st) == 0)
		diag_fail(ETV_USAGE, "'%s' exists: give --force to replace "
		    "it, or use add or sync to update it", path);
	if (build)
		return NULL;
	r = vf_open(&ix, path, VF_WRITE, &err);
	if (r != VF_OK && !(r == VF_ESYS && errno == ENOENT &&
	    mode != IX_DELETE))
		fail_open(path, r, &err);
	buf_release(&err);
	return ix;
}

/* Report what a writing run counted. */
static void
report_counts(const struct ix_write *in)
{
	const struct ix_counts *c = &in->count;

	if (c->absent > IX_ABSENT_SHOWN && !diag_quiet)
		diag_warn("%lu more %ss were not in the index",
		    c->absent - IX_ABSENT_SHOWN, in->by ? in->by : "id");
	if (c->baddims > 1)
		diag_error(ETV_REJECT, "%lu more records rejected: their "
		    "embeddings do not have the index's %u dimensions",
		    c->baddims - 1, in->meta.dims);
	if (c->badmodel > 1)
		diag_error(ETV_REJECT, "%lu more records rejected: their "
		    "embedding_model is not the index's '%s'",
		    c->badmodel - 1, in->meta.model);
}

/*
 * build, add, sync, delete: read the records into a new segment (a new
 * file for build) and commit it.  pr is sync's prune guard, or NULL.
 */
static void
run_write(int argc, char **argv, int mode, const struct create *c,
    int build, int force, struct ix_prune *pr, const char *manifest)
{
	struct buf err = BUF_INIT;
	struct rec_reader *rd;
	struct ix_write in;
	struct vf_meta m;
	json_t *rec, *mset = NULL;
	int lock, r;

	lock = take_lock(argv[0]);
	m.metric = c->metric;
	m.M = c->exact ? 0 : (uint32_t)c->M;
	m.efc = (uint32_t)c->efc;
	m.seed = 42;
	m.quant = c->exact ? VF_QNONE : c->quant;
	m.dims = 0;
	m.model = "";
	m.store = (char *)c->store;
	m.by = (char *)(c->by ? c->by : "doc_id");
	ix_write_init(&in, open_for_write(argv[0], mode, build, force), &m,
	    mode, mode == IX_DELETE ? c->by : NULL, opt.id_field);
	if (in.ix && c->given && !ix_same_settings(&m, &in.meta, c->by != 0))
		diag_usage("'%s' exists with other settings (metric %s, M %u, "
		    "store '%s', by '%s'); they are fixed when an index is "
		    "built", argv[0], vf_metric_name(in.meta.metric),
		    in.meta.M, in.meta.store, in.meta.by);
	if (mode != IX_UPSERT && c->by && strcmp(c->by, in.meta.by) != 0)
		diag_usage("'%s' groups rows by '%s', not '%s'", argv[0],
		    in.meta.by, c->by);
	rd = rec_open(argc - 1, argv + 1);
	if (mode == IX_DELETE)
		rec_accept_values(rd);
	while ((rec = rec_next(rd)) != NULL) {
		(mode == IX_DELETE ? ix_delete : ix_upsert)(&in,
		    rec_item_of(rd), rec);
		json_decref(rec);
	}
	if (pr)
		pr->nread = rec_count(rd);
	rec_close(rd);
	if (pr && in.ix && !in.create) {
		if (pr->prune && manifest &&
		    (pr->groups = mset = manifest_load(manifest, &err)) ==
		    NULL) {
			if (err.len == 0)
				diag_error(ETV_SYS, "cannot read manifest "
				    "'%s': %s", manifest, strerror(errno));
			else
				diag_error(ETV_REJECT, "manifest '%s': %s",
				    manifest, err.data);
			buf_reset(&err);
		}
		if ((r = ix_sync(&in, pr, &err)) != 0)
			diag_error(r == 1 ? ETV_REJECT : ETV_SYS, "%s",
			    err.data);
		if (r == -1)
			diag_finish();
	}
	if (mode == IX_DELETE && c->by &&
	    ix_delete_groups(&in, absent_group, &in, &err) == -1)
		diag_fail(ETV_SYS, "%s", err.data);
	report_counts(&in);
	/*
	 * A malformed record without --rejects has ended the run already,
	 * before anything was written; an input that could not be read
	 * stops it here.
	 */
	if (diag_worst() < ETV_SYS && !(mode == IX_DELETE && in.create)) {
		if (in.create && in.w == NULL)
			diag_warn("no record to index: '%s' is an empty index; "
			    "its dimensions come from the first add",
			    argv[0]);
		if (ix_write_commit(&in, argv[0], (int)c->jobs, &err) == -1)
			diag_fail(ETV_SYS, "%s", err.data);
	}
	diag_verbose(1, "added %lu, replaced %lu, unchanged %lu, deleted %lu"
	    ", not found %lu", in.count.added, in.count.replaced,
	    in.count.unchanged, in.count.deleted, in.count.absent);
	ix_write_release(&in);
	json_decref(mset);
	buf_release(&err);
	iox_unlock(lock);
}

/* build and add: upsert the records read. */
static int
cmd_upsert(int argc, char **argv, const struct option *own, int build)
{
	struct create c = CREATE_INIT;
	int ch, force = 0, k;

	while ((ch = next_option(argc, argv, own)) != -1) {
		if ((k = create_option(ch, &c)) != 0)
			c.given |= k != 3;
		else if (ch == O_FORCE)
			force = 1;
		else
			other_option(ch);
	}
	argc -= optind;
	argv += optind;
	need_index(argc, argv, 1);
	run_write(argc, argv, IX_UPSERT, &c, build, force, NULL, NULL);
	return 0;
}

static int
cmd_build(int argc, char **argv)
{
	return cmd_upsert(argc, argv, build_opts, 1);
}

static int
cmd_add(int argc, char **argv)
{
	return cmd_upsert(argc, argv, add_opts, 0);
}

static int
cmd_sync(int argc, char **argv)
{
	struct create c = CREATE_INIT;
	struct ix_prune pr = { 0, 0, 0, NULL, 0, 10.0, 0 };
	const char *manifest = NULL;
	int ch, bound = 0;

	while ((ch = next_option(argc, argv, sync_opts)) != -1) {
		if (create_option(ch, &c) == 1)
			c.given = 1;
		else if (ch == O_PRUNE)
			pr.prune = 1;
		else if (ch == O_MAX_PRUNE) {
			opt_limit("--max-prune", optarg, &pr.max, &pr.max_pct);
			bound = 1;
		} else if (ch == O_FORCE)
			pr.force = 1;
		else if (ch == O_MANIFEST)
			manifest = optarg;
		else if (ch != O_BY && ch != 'j')
			other_option(ch);
	}
	argc -= optind;
	argv += optind;
	need_index(argc, argv, 1);
	if (pr.force && !pr.prune)
		diag_usage("option '--force' applies to 'sync --prune'");
	if ((bound || manifest) && !pr.prune)
		diag_usage("options '--max-prune' and '--manifest' apply to "
		    "'sync --prune'");
	pr.manifest = manifest != NULL;
	run_write(argc, argv, IX_SYNC, &c, 0, 0, &pr, manifest);
	return 0;
}

static int
cmd_delete(int argc, char **argv)
{
	struct create c = CREATE_INIT;
	int ch;

	while ((ch = next_option(argc, argv, delete_opts)) != -1)
		if (ch != O_BY || create_option(ch, &c) == 0)
			other_option(ch);
	argc -= optind;
	argv += optind;
	need_index(argc, argv, 1);
	run_write(argc, argv, IX_DELETE, &c, 0, 0, NULL, NULL);
	return 0;
}

static int
cmd_query(int argc, char **argv)
{
	struct ixq_opts o = { 10, 0, 0, 1 };
	struct ixq_filters *f = ixq_filters_new();
	struct buf err = BUF_INIT, warn = BUF_INIT;
	struct rec_reader *rd;
	struct vf_index *ix;
	struct ixq *q;
	char *p, *nl;
	int ch;

	while ((ch = next_option(argc, argv, query_opts)) != -1) {
		if (ch == 'k')
			o.k = (size_t)opt_count("-k", optarg, 1, 100000);
		else if (ch == O_EF)
			o.ef = (size_t)opt_count("--ef", optarg, 1, 1000000);
		else if (ch == O_FILTER && ixq_filters_add(f, optarg,
		    &err) == -1)
			diag_usage("option '--filter' %s: '%s'", err.data,
			    optarg);
		else if (ch == O_EXACT)
			o.exact = 1;
		else if (ch == 'j')
			o.jobs = (int)jobs_option(optarg);
		else if (ch != O_FILTER)
			other_option(ch);
	}
	argc -= optind;
	argv += optind;
	need_index(argc, argv, 1);
	ix = open_or_die(argv[0], 0);
	if (ixq_filters_count(f) > 0) {
		ch = ixq_filters_bind(f, ix, opt.id_field, &warn, &err);
		for (p = warn.data; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			diag_warn("%.*s", (int)(nl - p), p);
		if (ch == -1)
			diag_usage("%s", err.data);
	}
	if (o.ef == 0)
		o.ef = o.k > 64 ? o.k : 64;
	q = ixq_new(ix, f, &o);
	rd = rec_open(argc - 1, argv + 1);
	pool_run(rd, o.jobs, ixq_item, q);
	rec_close(rd);
	ixq_free(q);
	ixq_filters_free(f);
	vf_close(ix);
	buf_release(&err);
	buf_release(&warn);
	return 0;
}

static int
cmd_stats(int argc, char **argv)
{
	struct buf b = BUF_INIT;
	struct vf_index *ix;
	long k = 10, ef = 0, verify = 0;
	int ch;

	while ((ch = next_option(argc, argv, stats_opts)) != -1) {
		if (ch == 'k')
			k = opt_count("-k", optarg, 1, 100000);
		else if (ch == O_EF)
			ef = opt_count("--ef", optarg, 1, 1000000);
		else if (ch == O_VERIFY)
			verify = opt_count("--verify-recall", optarg, 1,
			    1000000);
		else
			other_option(ch);
	}
	argc -= optind;
	argv += optind;
	need_index(argc, argv, 0);
	ix = open_or_die(argv[0], 1);
	ixd_stats(&b, ix, argv[0], (size_t)verify, (size_t)k,
	    (size_t)(ef ? ef : k > 64 ? k : 64));
	iox_write(stdout, b.data, b.len);
	buf_release(&b);
	vf_close(ix);
	return 0;
}

static int
cmd_dump(int argc, char **argv)
{
	struct ixd_opts o = { NULL, NULL, 0 };
	struct vf_rows it = VF_ROWS_INIT;
	struct buf b = BUF_INIT, err = BUF_INIT;
	struct vf_index *ix;
	int ch, docs = 0, r;

	while ((ch = next_option(argc, argv, dump_opts)) != -1) {
		if (ch == O_FIELDS) {
			check_list(optarg, "--fields");
			o.fields = optarg;
		} else if (ch == O_NO_EMBEDDING)
			o.no_embedding = 1;
		else if (ch == O_DOCS)
			docs = 1;
		else
			other_option(ch);
	}
	argc -= optind;
	argv += optind;
	need_index(argc, argv, 1);
	if (docs && (o.fields || o.no_embedding))
		diag_usage("option '--docs' lists documents; it does not take "
		    "'--fields' or '--no-embedding'");
	need_index(argc, argv, 0);
	o.id_field = opt.id_field;
	ix = open_or_die(argv[0], 1);
	if (docs) {
		if ((r = ixd_docs(&b, ix, &err)) == 0)
			iox_write(stdout, b.data, b.len);
	} else
		while ((r = ix_next_row(ix, &it, &err)) == 1 &&
		    (r = ixd_row(&b, ix, &it, &o, &err)) == 0) {
			iox_write(stdout, b.data, b.len);
			buf_reset(&b);
		}
	if (r == -1)
		diag_fail(ETV_SYS, "%s", err.data);
	buf_release(&b);
	buf_release(&err);
	vf_close(ix);
	return 0;
}

/* compact and merge: rewrite the live rows of in into one new file. */
static int
rewrite(const char *out, int n, char **names, int jobs)
{
	struct buf err = BUF_INIT;
	struct vf_index **in;
	unsigned long rows;
	int lock, i;

	lock = take_lock(out);
	in = xcalloc((size_t)n, sizeof(*in));
	for (i = 0; i < n; i++) {
		in[i] = open_or_die(names[i], 1);
		if (ix_merge_check(in, (const char *const *)names, i + 1,
		    &err) == -1)
			diag_fail(ETV_REJECT, "%s", err.data);
	}
	if (ix_rewrite(out, in, n, jobs, &rows, &err) == -1)
		diag_fail(ETV_SYS, "%s", err.data);
	diag_verbose(1, "wrote %lu rows", rows);
	for (i = 0; i < n; i++)
		vf_close(in[i]);
	free(in);
	buf_release(&err);
	iox_unlock(lock);
	return 0;
}

/* compact and merge take -j only. */
static int
rewrite_jobs(int argc, char **argv)
{
	long jobs = 1;
	int ch;

	while ((ch = next_option(argc, argv, rewrite_opts)) != -1) {
		if (ch == 'j')
			jobs = jobs_option(optarg);
		else
			other_option(ch);
	}
	return (int)jobs;
}

static int
cmd_compact(int argc, char **argv)
{
	int jobs = rewrite_jobs(argc, argv);

	argc -= optind;
	argv += optind;
	need_index(argc, argv, 0);
	return rewrite(argv[0], 1, argv, jobs);
}

static int
cmd_merge(int argc, char **argv)
{
	int jobs = rewrite_jobs(argc, argv);

	argc -= optind;
	argv += optind;
	if (argc < 2)
		diag_usage("'merge' needs OUT and at least one IN");
	return rewrite(argv[0], argc - 1, argv + 1, jobs);
}

static const struct {
	const char	*name;		/* the verb as typed */
	int		(*fn)(int, char **);	/* runs it */
} verbs[] = {
	{ "build", cmd_build }, { "add", cmd_add }, { "sync", cmd_sync },
	{ "delete", cmd_delete }, { "query", cmd_query },
	{ "stats", cmd_stats }, { "dump", cmd_dump },
	{ "compact", cmd_compact }, { "merge", cmd_merge }
};

int
main(int argc, char *argv[])
{
	size_t i;
	int ch;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "+" OPT_COMMON_SHORT, main_opts,
	    NULL)) != -1)
		opt_common(ch, help_text);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		diag_usage("a verb is needed: build, add, sync, delete, "
		    "query, stats, dump, compact or merge");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[0], verbs[i].name) == 0)
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0]))
		diag_usage("unknown verb '%s'", argv[0]);
	verbs[i].fn(argc, argv);
	free(table);
	return diag_finish();
}
