/* etv-index -- a persistent search index file: vectors and BM25 */
/* SPDX-License-Identifier: MIT */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/index/fusion.h"
#include "lib/index/index.h"
#include "lib/index/ixlex.h"
#include "lib/index/ixdump.h"
#include "lib/index/ixquery.h"
#include "lib/index/ixverb.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"

#define USAGE \
"usage: etv-index build|add|sync|delete|query [options] INDEX [file ...]\n" \
"       etv-index stats|dump|compact [options] INDEX\n" \
"       etv-index merge [options] OUT IN ...\n"

static const char help_text[] =
USAGE
"\n"
"etv-index -- a persistent search index file: vectors and BM25\n"
"\n"
"Verbs:\n"
"  build     new index from the records read (--force replaces INDEX)\n"
"  add       upsert records by id (creates INDEX when missing)\n"
"  sync      make the index hold exactly the records read for each group\n"
"  delete    remove the ids (records or JSON strings) read\n"
"  query     add 'hits' to each record, by its embedding, text or both\n"
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
"  --lexical FIELD     also a BM25 index of FIELD (text, usually); an\n"
"                      index of records without embeddings is lexical only\n"
"  --language LANG     lexical: stop words and Snowball stemming of LANG\n"
"  --analyzer A        lexical: standard (default) or none (exact tokens)\n"
"  --k1 X, --b X       lexical: BM25 parameters (default 1.2 and 0.75)\n"
"  --by FIELD          field grouping records for sync (default doc_id);\n"
"                      delete: the values read name whole groups\n"
"  --prune             sync: also remove groups not read at all\n"
"  --max-prune N|P%    sync: refuse to prune more groups (default 10%)\n"
"  --manifest FILE     sync: prune only groups absent from etv-extract's\n"
"                      --manifest FILE\n"
"  --force             build: replace INDEX; sync: no --max-prune bound\n"
"  -k N                hits per query (default 10)\n"
"  --ef N              query candidate list (default max(k, 64))\n"
"  --mode M            query: vector, lexical or hybrid (default: by what\n"
"                      the record has: embedding, text, or both)\n"
"  --fusion F          hybrid: rrf (default), rrf:K, relative or dbsf\n"
"  --weights V,L       hybrid: weights of the vector and BM25 rankings\n"
"  --candidates N      hybrid: hits taken from each (default max(k, 100))\n"
"  --text-field NAME   query: field holding the query text (default text)\n"
"  --filter EXPR       query: FIELD=V, FIELD!=V, FIELD<V (<=, >, >=),\n"
"                      FIELD^=PREFIX, FIELD [not] in [V1,V2,...];\n"
"                      repeat to require all\n"
"  --verify-recall N   stats: recall@k of HNSW against exact search\n"
"                      on N sampled vectors\n"
"  --fields LIST       dump: only these members (the id is always kept)\n"
"  --no-embedding      dump: leave out embedding and embedding_model\n"
"  --docs              dump: one line per group with its row count\n"
"  --terms             dump: each row's analysed terms ('terms': {t: tf})\n"
"  -j N                threads (graph build, queries; default 1)\n"
"  --id-field NAME     field holding the identifier (default 'id')\n"
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum {
	O_METRIC = OPT_TOOL_FIRST, O_HNSW, O_EXACT, O_EFC, O_STORE, O_BY,
	O_PRUNE, O_EF, O_FILTER, O_VERIFY, O_QUANTIZE, O_MAX_PRUNE, O_FORCE,
	O_MANIFEST, O_FIELDS, O_NO_EMBEDDING, O_DOCS, O_LEXICAL, O_LANGUAGE,
	O_ANALYZER, O_K1, O_B, O_MODE, O_FUSION, O_WEIGHTS, O_CANDIDATES,
	O_TERMS, O_TEXT_FIELD,
	O_ELSEWHERE		/* an option of another verb */
};

/* Every short option; a verb that does not take one says so. */
#define SHORTOPTS	"j:k:M:" OPT_COMMON_SHORT

#define L_(name, has, code)	{ name, has, NULL, code }
#define L_EXACT		L_("exact", no_argument, O_EXACT)
#define L_BY		L_("by", required_argument, O_BY)
#define L_JOBS		L_("jobs", required_argument, 'j')
#define L_TAIL		L_("id-field", required_argument, OPT_ID_FIELD), \
	OPT_INPUT_LONGOPTS, OPT_COMMON_LONGOPTS, L_(NULL, 0, 0)
#define L_CREATE	L_("metric", required_argument, O_METRIC), \
	L_("hnsw", no_argument, O_HNSW), L_EXACT, L_BY, L_JOBS, \
	L_("ef-construction", required_argument, O_EFC), \
	L_("quantize", required_argument, O_QUANTIZE), \
	L_("store", required_argument, O_STORE), \
	L_("lexical", required_argument, O_LEXICAL), \
	L_("language", required_argument, O_LANGUAGE), \
	L_("analyzer", required_argument, O_ANALYZER), \
	L_("k1", required_argument, O_K1), L_("b", required_argument, O_B)

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
	L_("filter", required_argument, O_FILTER), L_EXACT, L_JOBS,
	L_("mode", required_argument, O_MODE),
	L_("fusion", required_argument, O_FUSION),
	L_("weights", required_argument, O_WEIGHTS),
	L_("candidates", required_argument, O_CANDIDATES),
	L_("text-field", required_argument, O_TEXT_FIELD), L_TAIL
};
static const struct option stats_opts[] = {
	L_("ef", required_argument, O_EF),
	L_("verify-recall", required_argument, O_VERIFY), L_TAIL
};
static const struct option dump_opts[] = {
	L_("fields", required_argument, O_FIELDS),
	L_("no-embedding", no_argument, O_NO_EMBEDDING),
	L_("docs", no_argument, O_DOCS), L_("terms", no_argument, O_TERMS),
	L_TAIL
};
static const struct option rewrite_opts[] = { L_JOBS, L_TAIL };
static const struct option main_opts[] = { L_TAIL };

/* A verb: its function and its options. */
struct verb {
	const char	*name;		/* the verb as typed */
	int		(*fn)(int, char **, struct buf *);	/* runs it
					   on its operands: 0, or a status
					   and the message */
	const struct option *opts;	/* its long options */
	const char	*shorts;	/* its short options of -j, -k, -M */
	int		 more;		/* operands: 0 INDEX, 1 INDEX [file
					   ...], 2 OUT IN ... */
};

/* The verb being run, and its table with the others'. */
static const struct verb *verb;
static struct option *table;

/* The options read; each verb looks at those of its table. */
static struct {
	struct ix_request rq;		/* build, add, sync, delete */
	struct ix_prune	 prune;		/* sync --prune and its guard */
	int		 bound;		/* --max-prune given */
	struct ixq_opts	 q;		/* -k, --ef, --exact, -j */
	long		 verify;	/* --verify-recall */
	struct ixd_opts	 d;		/* --fields, --no-embedding, --docs */
	struct ixq_filters *filters;	/* --filter clauses; owned */
	const char	*analyzer;	/* --analyzer */
	const char	*language;	/* --language, or NULL */
	char		*spec;		/* the analysis they make; owned */
} cfg = {
	{ 0, 0, 0, { 0, VF_COSINE, 16, 200, 42, VF_QNONE, "", "text,meta",
	"doc_id", "", "", IXLEX_K1, IXLEX_B }, 0, NULL, NULL, 1, 0 },
	{ 0, 0, NULL, 0, 10.0, 0 }, 0,
	{ 10, 0, 0, 1, IXQ_AUTO, { FU_RRF, 60, { 1, 1 } }, 0, "text" }, 0,
	{ NULL, NULL, 0, 0, 0 }, NULL, "standard", NULL, NULL
};

/* Handle option ch (table[li] when long) of the verb. */
static void
option(int ch, int li)
{
	struct buf err = BUF_INIT;

	if (ch == O_ELSEWHERE)
		diag_usage("option '--%s' does not apply to '%s'",
		    table[li].name, verb->name);
	if (strchr("jkM", ch) && !strchr(verb->shorts, ch))
		diag_usage("option '-%c' does not apply to '%s'", ch,
		    verb->name);
	cfg.rq.given |= ch == O_METRIC || ch == O_HNSW || ch == 'M' ||
	    ch == O_EFC || ch == O_QUANTIZE || ch == O_STORE ||
	    ch == O_EXACT || ch == O_LEXICAL || ch == O_LANGUAGE ||
	    ch == O_ANALYZER || ch == O_K1 || ch == O_B;
	switch (ch) {
	case 'j':
		cfg.q.jobs = (int)opt_count("-j", optarg, 0, 1024);
		cfg.rq.jobs = cfg.q.jobs = cfg.q.jobs ? cfg.q.jobs :
		    pool_ncpu();
		break;
	case 'k':
		cfg.q.k = (size_t)opt_count("-k", optarg, 1, 100000);
		break;
	case 'M':
		cfg.rq.want.M = (uint32_t)opt_count("-M", optarg, 2, 1024);
		break;
	case O_METRIC:
		if ((cfg.rq.want.metric = vf_metric_parse(optarg)) < 0)
			diag_usage("option '--metric' needs cosine, dot or l2, "
			    "got '%s'", optarg);
		break;
	case O_HNSW:
	case O_EXACT:
		cfg.q.exact = ch == O_EXACT;
		break;
	case O_EFC:
		cfg.rq.want.efc = (uint32_t)opt_count("--ef-construction",
		    optarg, 1, 100000);
		break;
	case O_QUANTIZE:
		cfg.rq.want.quant = (int[]){ VF_QI8, VF_QNONE }[opt_word(
		    "--quantize", optarg, (const char *[]){ "i8", "none",
		    NULL })];
		break;
	case O_STORE:
	case O_FIELDS:
		if (!ix_list_ok(optarg))
			diag_usage("option '--%s' has an empty field name",
			    table[li].name);
		if (ch == O_STORE)
			cfg.rq.want.store = optarg;
		else
			cfg.d.fields = optarg;
		break;
	case O_BY:
		if (*optarg == '\0')
			diag_usage("option '--by' needs a field name");
		cfg.rq.by = cfg.rq.want.by = optarg;
		break;
	case O_FORCE:
		cfg.rq.force = cfg.prune.force = 1;
		break;
	case O_PRUNE:
		cfg.prune.prune = 1;
		break;
	case O_MAX_PRUNE:
		opt_limit("--max-prune", optarg, &cfg.prune.max,
		    &cfg.prune.max_pct);
		cfg.bound = 1;
		break;
	case O_MANIFEST:
		cfg.prune.manifest = optarg;
		break;
	case O_EF:
		cfg.q.ef = (size_t)opt_count("--ef", optarg, 1, 1000000);
		break;
	case O_FILTER:
		if (ixq_filters_add(cfg.filters, optarg, &err) == -1)
			diag_usage("option '--filter' %s: '%s'", err.data,
			    optarg);
		break;
	case O_VERIFY:
		cfg.verify = opt_count("--verify-recall", optarg, 1, 1000000);
		break;
	case O_NO_EMBEDDING:
		cfg.d.no_embedding = 1;
		break;
	case O_DOCS:
		cfg.d.docs = 1;
		break;
	case O_TERMS:
		cfg.d.terms = 1;
		break;
	case O_LEXICAL:
	case O_TEXT_FIELD:
		if (*optarg == '\0')
			diag_usage("option '--%s' needs a field name",
			    table[li].name);
		if (ch == O_LEXICAL)
			cfg.rq.want.lexical = optarg;
		else
			cfg.q.text_field = optarg;
		break;
	case O_LANGUAGE:
		cfg.language = optarg;
		break;
	case O_ANALYZER:
		cfg.analyzer = (const char *[]){ "standard", "none" }[opt_word(
		    "--analyzer", optarg, (const char *[]){ "standard",
		    "none", NULL })];
		break;
	case O_K1:
		cfg.rq.want.k1 = opt_real("--k1", optarg, 0, 1000);
		break;
	case O_B:
		cfg.rq.want.b = opt_real("--b", optarg, 0, 1);
		break;
	case O_MODE:
		cfg.q.mode = (int[]){ IXQ_VECTOR, IXQ_LEXICAL, IXQ_HYBRID }[
		    opt_word("--mode", optarg, (const char *[]){ "vector",
		    "lexical", "hybrid", NULL })];
		break;
	case O_FUSION:
		if (fu_parse(&cfg.q.fusion, optarg, &err) == -1)
			diag_usage("option '--fusion' %s", err.data);
		break;
	case O_WEIGHTS:
		if (fu_parse_weights(&cfg.q.fusion, optarg, &err) == -1)
			diag_usage("option '--weights' %s", err.data);
		break;
	case O_CANDIDATES:
		cfg.q.candidates = (size_t)opt_count("--candidates", optarg,
		    1, 100000);
		break;
	default:
		opt_common(ch, help_text);
	}
	buf_release(&err);
}

/* build, add, sync, delete. */
static int
run_write(int argc, char **argv, int mode, int build, struct buf *err)
{
	cfg.rq.mode = mode;
	cfg.rq.build = build;
	cfg.rq.exact = cfg.q.exact;
	cfg.rq.id_field = opt.id_field;
	return ixv_write(argv[0], opt_reader(), argc - 1, argv + 1, &cfg.rq,
	    &cfg.prune, err);
}

static int
cmd_build(int argc, char **argv, struct buf *err)
{
	return run_write(argc, argv, IX_UPSERT, 1, err);
}

static int
cmd_add(int argc, char **argv, struct buf *err)
{
	return run_write(argc, argv, IX_UPSERT, 0, err);
}

static int
cmd_sync(int argc, char **argv, struct buf *err)
{
	return run_write(argc, argv, IX_SYNC, 0, err);
}

static int
cmd_delete(int argc, char **argv, struct buf *err)
{
	return run_write(argc, argv, IX_DELETE, 0, err);
}

static int
cmd_query(int argc, char **argv, struct buf *err)
{
	return ixv_query(argv[0], opt_reader(), argc - 1, argv + 1,
	    cfg.filters, &cfg.q, opt.id_field, err);
}

static int
cmd_stats(int argc, char **argv, struct buf *err)
{
	if (ixd_stats(stdout, argv[0], (size_t)cfg.verify, cfg.q.k, cfg.q.ef,
	    err) == -1)
		return ETV_SYS;
	ixv_stats(argv[0]);
	return 0;
}

static int
cmd_dump(int argc, char **argv, struct buf *err)
{
	cfg.d.id_field = opt.id_field;
	if (ixd_dump(stdout, argv[0], &cfg.d, err) == -1)
		return ETV_SYS;
	ixv_stats(argv[0]);
	return 0;
}

static int
cmd_compact(int argc, char **argv, struct buf *err)
{
	return ixv_rewrite(argv[0], 1, argv, cfg.q.jobs, err);
}

static int
cmd_merge(int argc, char **argv, struct buf *err)
{
	return ixv_rewrite(argv[0], argc - 1, argv + 1, cfg.q.jobs, err);
}

static const struct verb verbs[] = {
	{ "build", cmd_build, build_opts, "jM", 1 },
	{ "add", cmd_add, add_opts, "jM", 1 },
	{ "sync", cmd_sync, sync_opts, "jM", 1 },
	{ "delete", cmd_delete, delete_opts, "", 1 },
	{ "query", cmd_query, query_opts, "jk", 1 },
	{ "stats", cmd_stats, stats_opts, "k", 0 },
	{ "dump", cmd_dump, dump_opts, "", 0 },
	{ "compact", cmd_compact, rewrite_opts, "j", 0 },
	{ "merge", cmd_merge, rewrite_opts, "j", 2 }
};

#define NVERBS	(sizeof(verbs) / sizeof(verbs[0]))

/*
 * The table of the verb: its own options, and those of the other verbs,
 * so that giving one is a usage error that names it, not an unknown one.
 */
static void
set_table(void)
{
	const struct option *o;
	size_t i, j, n = 0;

	table = xcalloc(64, sizeof(*table));
	for (o = verb->opts; o->name; o++)
		table[n++] = *o;
	for (i = 0; i < NVERBS; i++)
		for (o = verbs[i].opts; o->name && n < 63; o++) {
			for (j = 0; j < n; j++)
				if (strcmp(table[j].name, o->name) == 0)
					break;
			if (j < n)
				continue;
			table[n] = *o;
			table[n++].val = o->val < 256 ? o->val : O_ELSEWHERE;
		}
}

/*
 * The analysis of a new lexical index, from --analyzer and --language,
 * checked now: an unknown language is a usage error, not a failed run.
 */
static void
lexical_spec(void)
{
	struct buf err = BUF_INIT;

	if (*cfg.rq.want.lexical == '\0') {
		if (cfg.language || strcmp(cfg.analyzer, "standard") != 0 ||
		    cfg.rq.want.k1 != IXLEX_K1 || cfg.rq.want.b != IXLEX_B)
			diag_usage("options '--language', '--analyzer', "
			    "'--k1' and '--b' apply to a lexical index: "
			    "give '--lexical FIELD'");
		return;
	}
	if ((cfg.spec = ixlex_spec(cfg.analyzer, cfg.language, &err)) ==
	    NULL)
		diag_usage("%s", err.data);
	cfg.rq.want.analyzer = cfg.spec;
	buf_release(&err);
}

/*
 * Read the options of the verb and leave *argcp and *argvp at the
 * operands: INDEX at least; only INDEX when the verb reads no records
 * (more 0); OUT and IN ... for merge (more 2).
 */
static void
parse(int *argcp, char ***argvp)
{
	int ch, li = -1, more = verb->more;

	set_table();
	(*argvp)[0] = (char *)diag_prog();	/* for getopt's messages */
	optind = 0;
	while ((ch = getopt_long(*argcp, *argvp, SHORTOPTS, table, &li)) !=
	    -1)
		option(ch, li);
	*argcp -= optind;
	*argvp += optind;
	if (*argcp < 1 || (more == 2 && *argcp < 2))
		diag_usage("'%s' needs %s", verb->name, more == 2 ? "OUT and "
		    "at least one IN" : "an INDEX file");
	if (cfg.d.docs && (cfg.d.fields || cfg.d.no_embedding))
		diag_usage("option '--docs' lists documents; it does not take "
		    "'--fields' or '--no-embedding'");
	if (cfg.prune.force && verb->opts == sync_opts && !cfg.prune.prune)
		diag_usage("option '--force' applies to 'sync --prune'");
	if ((cfg.bound || cfg.prune.manifest) && !cfg.prune.prune)
		diag_usage("options '--max-prune' and '--manifest' apply to "
		    "'sync --prune'");
	if (!more && *argcp > 1)
		diag_usage("'%s' takes no operand after INDEX", verb->name);
	lexical_spec();
}

int
main(int argc, char *argv[])
{
	struct buf err = BUF_INIT;
	size_t i;
	int ch, st;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "+" OPT_COMMON_SHORT, main_opts,
	    NULL)) != -1)
		opt_common(ch, help_text);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		diag_usage("a verb is needed: build, add, sync, delete, "
		    "query, stats, dump, compact or merge");
	for (i = 0; i < NVERBS; i++)
		if (strcmp(argv[0], verbs[i].name) == 0)
			break;
	if (i == NVERBS)
		diag_usage("unknown verb '%s'", argv[0]);
	verb = &verbs[i];
	cfg.filters = ixq_filters_new();
	parse(&argc, &argv);
	runstats_set_str("verb", verb->name);
	if ((st = verb->fn(argc, argv, &err)) != 0)
		diag_fail(st, "%s", err.data);
	ixq_filters_free(cfg.filters);
	free(cfg.spec);
	buf_release(&err);
	free(table);
	return diag_finish();
}
