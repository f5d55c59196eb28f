/* eval.c -- etv-eval: retrieval quality of a run against judgments */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/eval/evjudge.h"
#include "lib/eval/evreport.h"
#include "lib/eval/evrun.h"
#include "lib/json/jsonx.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"

#define USAGE \
"usage: etv-eval [-hqvV] [--qrels file] [-k cuts] [-m metrics] [--by field]\n" \
"                [--fail-under gates] [--fail-drop baseline gates]\n" \
"                [--save file] [file ...]\n" \
"       etv-eval --compare [options] run-a run-b\n"

static const char help[] = USAGE "\n"
"etv-eval -- retrieval quality of a run against relevance judgments\n"
"\n"
"A run is etv-index query's output (query records with hits) or a TREC\n"
"run file; judgments come from --qrels or from each query's 'relevant'\n"
"member.  Prints a JSON summary of the metrics, averaged over the judged\n"
"queries as trec_eval -c does.\n"
"\n"
"      --qrels FILE    judgments: JSON-lines {\"query_id\", \"id\",\n"
"                      \"relevance\"} or TREC qrels (qid 0 docid grade)\n"
"  -k, --cutoffs LIST  ranks the metrics are cut at (default 1,5,10,100)\n"
"  -m, --metrics LIST  recall, precision, hit_rate, mrr, map, ndcg,\n"
"                      r_precision (default all)\n"
"      --by FIELD      hits count for their document: the hit's FIELD,\n"
"                      else its id up to the last '#'; a document's\n"
"                      best-ranked chunk stands for it\n"
"      --gain G        nDCG gain: linear (the grade, as trec_eval;\n"
"                      default) or exp (2^grade - 1)\n"
"      --min-relevance N  lowest grade that counts as relevant (default 1)\n"
"      --per-query     a line for each query before the summary\n"
"      --format F      json (default) or table\n"
"      --save FILE     also write the summary to FILE, the next baseline\n"
"                      (not when a gate fails)\n"
"      --compare       compare run B (second file) with run A (first)\n"
"      --trials N      of the randomisation and bootstrap tests\n"
"                      (default 10000)\n"
"      --seed N        of those tests (default 42)\n"
"      --confidence C  of the bootstrap interval (default 0.95)\n"
"      --fail-under LIST   exit 1 when a metric is below its floor:\n"
"                      'recall@10=0.8,ndcg@10=0.6'\n"
"      --fail-drop BASELINE LIST  exit 1 when a metric fell more than\n"
"                      its margin below a saved summary: 'ndcg@10=0.02'\n"
"      --run-format F  auto (default: by each line's first byte), json\n"
"                      or trec\n"
"      --hits-field NAME  the hits of a query record (default 'hits')\n"
"      --relevant-field NAME  its judgments (default 'relevant')\n"
"      --id-field NAME the query's id (default 'id')\n"
"  -j, --jobs N        threads reading the run (0: one per processor;\n"
"                      default 1)\n"
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum {
	OPT_QRELS = OPT_TOOL_FIRST,
	OPT_BY,
	OPT_GAIN,
	OPT_MIN_REL,
	OPT_PER_QUERY,
	OPT_FORMAT,
	OPT_SAVE,
	OPT_COMPARE,
	OPT_TRIALS,
	OPT_SEED,
	OPT_CONFIDENCE,
	OPT_FAIL_UNDER,
	OPT_FAIL_DROP,
	OPT_RUN_FORMAT,
	OPT_HITS_FIELD,
	OPT_RELEVANT_FIELD
};

static const struct option longopts[] = {
	OPT_COMMON_LONGOPTS,
	OPT_INPUT_LONGOPTS,
	{ "id-field",	required_argument,	NULL,	OPT_ID_FIELD },
	{ "qrels",	required_argument,	NULL,	OPT_QRELS },
	{ "cutoffs",	required_argument,	NULL,	'k' },
	{ "metrics",	required_argument,	NULL,	'm' },
	{ "by",		required_argument,	NULL,	OPT_BY },
	{ "gain",	required_argument,	NULL,	OPT_GAIN },
	{ "min-relevance", required_argument,	NULL,	OPT_MIN_REL },
	{ "per-query",	no_argument,		NULL,	OPT_PER_QUERY },
	{ "format",	required_argument,	NULL,	OPT_FORMAT },
	{ "save",	required_argument,	NULL,	OPT_SAVE },
	{ "compare",	no_argument,		NULL,	OPT_COMPARE },
	{ "trials",	required_argument,	NULL,	OPT_TRIALS },
	{ "seed",	required_argument,	NULL,	OPT_SEED },
	{ "confidence",	required_argument,	NULL,	OPT_CONFIDENCE },
	{ "fail-under",	required_argument,	NULL,	OPT_FAIL_UNDER },
	{ "fail-drop",	required_argument,	NULL,	OPT_FAIL_DROP },
	{ "run-format",	required_argument,	NULL,	OPT_RUN_FORMAT },
	{ "hits-field",	required_argument,	NULL,	OPT_HITS_FIELD },
	{ "relevant-field", required_argument,	NULL,	OPT_RELEVANT_FIELD },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ NULL,		0,			NULL,	0 }
};

#define MAX_GATES	32

/* What the command line asked for. */
struct eval_opts {
	struct evrun_config run;	/* how runs are read and scored */
	struct evreport_tests tests;	/* --compare's tests */
	const char	*qrels;		/* --qrels */
	const char	*save;		/* --save */
	const char	*baseline;	/* --fail-drop's file */
	int		 table;		/* --format table */
	int		 per_query;	/* --per-query */
	int		 compare;	/* --compare */
	struct evreport_gate under[MAX_GATES]; /* --fail-under */
	int		 nunder;
	struct evreport_gate drop[MAX_GATES]; /* --fail-drop */
	int		 ndrop;
};

/* -k 1,5,10 */
static void
parse_cuts(struct evm_spec *spec, const char *arg)
{
	struct buf err = BUF_INIT;
	const char *p;
	char *end;
	long k;

	spec->nk = 0;
	for (p = arg;; p = end + 1) {
		errno = 0;
		k = strtol(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0') || errno != 0 ||
		    k < 1 || k > EVM_MAX_K)
			diag_usage("option '-k' needs cut-offs from 1 to %d "
			    "separated by commas, got '%s'", EVM_MAX_K, arg);
		if (evm_add_cut(spec, k, &err) < 0)
			diag_usage("option '-k': %s", err.data);
		if (*end == '\0')
			break;
	}
	buf_release(&err);
}

/* -m recall,ndcg */
static void
parse_metrics(struct evm_spec *spec, const char *arg)
{
	const char *p = arg;
	char word[32];
	size_t n;
	int m;

	spec->metrics = 0;
	for (;;) {
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(word))
			diag_usage("option '-m' needs metrics separated by "
			    "commas, got '%s'", arg);
		memcpy(word, p, n);
		word[n] = '\0';
		if ((m = evm_metric(word)) < 0)
			diag_usage("option '-m': no metric '%s' (recall, "
			    "precision, hit_rate, mrr, map, ndcg, "
			    "r_precision)", word);
		spec->metrics |= 1u << m;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
}

static void
gates(const char *name, const char *arg, struct evm_spec *spec,
    struct evreport_gate *g, int *n)
{
	struct buf err = BUF_INIT;

	if ((*n = evreport_gates(arg, spec, g, MAX_GATES, &err)) < 0)
		diag_usage("option '%s': %s", name, err.data);
	buf_release(&err);
}

/* Print a JSON value on one line of stdout. */
static void
print_json(const json_t *v)
{
	struct buf b = BUF_INIT;

	rec_dump_cells(&b, v);
	buf_addc(&b, '\n');
	iox_write(stdout, b.data, b.len);
	buf_release(&b);
}

static void
print_report(const struct eval_opts *o, const json_t *report)
{
	struct buf b = BUF_INIT;

	if (!o->table) {
		print_json(report);
		return;
	}
	evreport_table(&b, report);
	iox_write(stdout, b.data, b.len);
	buf_release(&b);
}

static json_t *
load_baseline(const char *path, const struct evreport_gate *g, int n)
{
	json_error_t jerr;
	json_t *b;
	FILE *fp;
	int i;

	if ((fp = fopen(path, "r")) == NULL)
		diag_fail(ETV_SYS, "%s: %s", path, strerror(errno));
	b = json_loadf(fp, JSON_REJECT_DUPLICATES, &jerr);
	fclose(fp);
	if (b == NULL || !json_is_object(json_object_get(b, "metrics")))
		diag_usage("%s: not a summary of etv-eval --save%s%s", path,
		    b == NULL ? ": " : "", b == NULL ? jerr.text : "");
	for (i = 0; i < n; i++)
		if (!json_is_number(json_object_get(json_object_get(b,
		    "metrics"), g[i].name)))
			diag_usage("%s: the baseline has no %s", path,
			    g[i].name);
	return b;
}

/* The run's counts, for --stats. */
static void
stats_counts(const struct evrun_counts *n)
{
	runstats_set_int("queries", (long long)n->queries);
	runstats_set_int("no_relevant", (long long)n->no_relevant);
	runstats_set_int("no_hits", (long long)n->no_hits);
	runstats_set_int("unjudged", (long long)n->unjudged);
	runstats_set_int("hits", (long long)n->hits);
	runstats_set_int("dropped", (long long)n->dropped);
}

static struct evrun *
read_run(const struct eval_opts *o, int argc, char **argv)
{
	struct rec_reader *rd = rec_open(opt_reader(), argc, argv);
	struct evrun *r = evrun_read(&o->run, rd);

	rec_close(rd);
	diag_verbose(1, "%s: %zu queries, %llu hits, %llu hits of a "
	    "document ranked higher dropped", argc > 0 ? argv[0] : "<stdin>",
	    evrun_counts(r)->queries, evrun_counts(r)->hits,
	    evrun_counts(r)->dropped);
	return r;
}

static void
compare(struct eval_opts *o, int argc, char **argv)
{
	struct evrun *a, *b;
	json_t *report;

	if (argc != 2)
		diag_usage("--compare needs two runs, got %d", argc);
	if (o->nunder > 0 || o->ndrop > 0 || o->save != NULL ||
	    o->per_query)
		diag_usage("option '--compare' works without --fail-under, "
		    "--fail-drop, --save and --per-query");
	if (opt.rejects != NULL)
		diag_usage("option '--compare' works without --rejects");
	a = read_run(o, 1, argv);
	b = read_run(o, 1, argv + 1);
	report = evreport_compare(a, b, &o->run.spec, &o->tests);
	print_report(o, report);
	if (runstats_on())
		runstats_set("compared", json_incref(json_object_get(
		    json_object_get(report, "compare"), "queries")));
	json_decref(report);
	evrun_free(a);
	evrun_free(b);
}

static void
evaluate(struct eval_opts *o, int argc, char **argv)
{
	struct evrun *r;
	json_t *summary, *base = NULL;
	struct buf err = BUF_INIT;
	size_t i;
	int bad = 0;

	if (o->baseline != NULL)
		base = load_baseline(o->baseline, o->drop, o->ndrop);
	r = read_run(o, argc, argv);
	for (i = 0; o->per_query && i < evrun_counts(r)->queries; i++) {
		json_t *q = evreport_query(r, &o->run.spec, i);

		print_json(q);
		json_decref(q);
	}
	summary = evreport_summary(r, &o->run.spec);
	print_report(o, summary);
	bad += evreport_check(summary, NULL, NULL, o->under, o->nunder);
	if (base != NULL)
		bad += evreport_check(summary, base, o->baseline, o->drop,
		    o->ndrop);
	if (o->save != NULL && bad == 0 &&
	    jsonx_save(o->save, summary, &err) < 0)
		diag_error(ETV_SYS, "%s", err.data);
	if (runstats_on()) {
		stats_counts(evrun_counts(r));
		runstats_set_int("gates_failed", bad);
		runstats_set("metrics", json_incref(json_object_get(summary,
		    "metrics")));
	}
	json_decref(summary);
	json_decref(base);
	evrun_free(r);
	buf_release(&err);
}

int
main(int argc, char **argv)
{
	static struct eval_opts o;
	struct evjudge *judge = NULL;
	int ch;

	diag_init(argv[0]);
	o.run.spec.metrics = (1u << EVM_NMETRIC) - 1;
	o.run.spec.min_rel = 1;
	parse_cuts(&o.run.spec, "1,5,10,100");
	o.run.id_field = "id";
	o.run.hits_field = "hits";
	o.run.relevant_field = "relevant";
	o.run.jobs = 1;
	o.tests.trials = 10000;
	o.tests.seed = 42;
	o.tests.confidence = 0.95;
	while ((ch = getopt_long(argc, argv, OPT_COMMON_SHORT "j:k:m:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ID_FIELD:
			o.run.id_field = optarg;
			break;
		case OPT_QRELS:
			o.qrels = optarg;
			break;
		case 'k':
			parse_cuts(&o.run.spec, optarg);
			break;
		case 'm':
			parse_metrics(&o.run.spec, optarg);
			break;
		case OPT_BY:
			o.run.by = optarg;
			break;
		case OPT_GAIN:
			o.run.spec.exp_gain = opt_word("--gain", optarg,
			    (const char *[]){ "linear", "exp", NULL });
			break;
		case OPT_MIN_REL:
			o.run.spec.min_rel = opt_count("--min-relevance",
			    optarg, 1, 1000000);
			break;
		case OPT_PER_QUERY:
			o.per_query = 1;
			break;
		case OPT_FORMAT:
			o.table = opt_word("--format", optarg,
			    (const char *[]){ "json", "table", NULL });
			break;
		case OPT_SAVE:
			o.save = optarg;
			break;
		case OPT_COMPARE:
			o.compare = 1;
			break;
		case OPT_TRIALS:
			o.tests.trials = (unsigned long)opt_count("--trials",
			    optarg, 1, 100000000);
			break;
		case OPT_SEED:
			o.tests.seed = (uint64_t)opt_count("--seed", optarg,
			    0, 0x7fffffffL);
			break;
		case OPT_CONFIDENCE:
			o.tests.confidence = opt_real("--confidence", optarg,
			    0.5, 0.9999);
			break;
		case OPT_FAIL_UNDER:
			gates("--fail-under", optarg, &o.run.spec, o.under,
			    &o.nunder);
			break;
		case OPT_FAIL_DROP:
			if (optind >= argc || argv[optind][0] == '-')
				diag_usage("option '--fail-drop' needs a "
				    "baseline and gates: --fail-drop "
				    "base.json 'ndcg@10=0.02'");
			o.baseline = optarg;
			gates("--fail-drop", argv[optind++], &o.run.spec,
			    o.drop, &o.ndrop);
			break;
		case OPT_RUN_FORMAT:
			o.run.format = opt_word("--run-format", optarg,
			    (const char *[]){ "auto", "json", "trec", NULL });
			break;
		case OPT_HITS_FIELD:
			o.run.hits_field = optarg;
			break;
		case OPT_RELEVANT_FIELD:
			o.run.relevant_field = optarg;
			break;
		case 'j':
			o.run.jobs = (int)opt_count("--jobs", optarg, 0, 256);
			break;
		default:
			opt_common(ch, help);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.run.jobs == 0)
		o.run.jobs = pool_ncpu();
	if (o.run.spec.metrics == 0)
		diag_usage("no metric to compute");
	if (o.qrels != NULL) {
		judge = evjudge_new();
		evjudge_read(judge, o.qrels, opt.max_line);
		evjudge_finish(judge);
		o.run.judge = judge;
	}
	if (o.compare)
		compare(&o, argc, argv);
	else
		evaluate(&o, argc, argv);
	evjudge_free(judge);
	return diag_finish();
}
