/* resolve.c -- etv-resolve: which records are the same real-world entity */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/resolve/rinit.h"
#include "lib/resolve/rmodel.h"
#include "lib/resolve/rrun.h"

#define USAGE \
"usage: etv-resolve [-hqvV] -c model [-j jobs] [-t threshold] [--block rule]\n" \
"                   [--link] [file ...]\n" \
"       etv-resolve -c model --stage stage [--part n] [--decisions file]\n" \
"                   [file ...]\n" \
"       etv-resolve --init [file ...]\n"

static const char help[] = USAGE "\n"
"etv-resolve -- which records are the same real-world entity\n"
"\n"
"Every record is written with entity_id and match_score.  Pairs that share\n"
"a blocking key are compared field by field and scored by a Fellegi-Sunter\n"
"model, trained on the input with no labels (EM) unless the model file\n"
"has its parameters; links above the threshold make the entities.\n"
"\n"
"  -c, --model FILE    the model: fields, normalisers, levels, blocking\n"
"      --init          print a starting model guessed from the input\n"
"  -t, --threshold P   match probability of a link (default: the model's,\n"
"                      or 0.9)\n"
"      --block RULE    a blocking rule, such as 'zip' or\n"
"                      'soundex(surname)+year(dob)' (repeatable; replaces\n"
"                      the model's rules)\n"
"      --max-pairs N   refuse blocking that makes more candidate pairs\n"
"                      (default 50000000)\n"
"      --max-cluster-size N  cut the weakest links that would make a\n"
"                      larger entity (default 1000; 0: no limit)\n"
"      --model-out FILE  write the model with its trained parameters\n"
"      --retrain       train even when the model has parameters\n"
"      --labels FILE   estimate m from pairs labelled {\"a\", \"b\", \"match\"}\n"
"                      (trains even a trained model)\n"
"      --seed N        of the random pairs that estimate u (default 1)\n"
"      --pairs FILE    write each compared pair with its levels and weights\n"
"      --pairs-min P   only pairs of at least this probability (default 0)\n"
"      --golden FILE   write one merged record for each entity\n"
"      --link          link two inputs: pairs cross from the first file to\n"
"                      the second\n"
"      --against FILE  link the input to the entities of an earlier run's\n"
"                      output, keeping their ids\n"
"      --stage S       one stage of a run split for sort(1) or a cluster:\n"
"                      keys, pairs, clusters or apply (pairs needs a\n"
"                      trained model)\n"
"      --part N        the number of this part of the input (keys, apply)\n"
"      --decisions FILE  the clusters stage's output (apply)\n"
"  -j, --jobs N        threads (0: one per processor; default 1)\n"
"      --id-field F    the records' id (default id)\n"
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum {
	OPT_INIT = OPT_TOOL_FIRST,
	OPT_BLOCK,
	OPT_MAX_PAIRS,
	OPT_MAX_CLUSTER,
	OPT_MODEL_OUT,
	OPT_RETRAIN,
	OPT_LABELS,
	OPT_SEED,
	OPT_PAIRS,
	OPT_PAIRS_MIN,
	OPT_GOLDEN,
	OPT_LINK,
	OPT_AGAINST,
	OPT_STAGE,
	OPT_PART,
	OPT_DECISIONS
};

static const struct option longopts[] = {
	OPT_COMMON_LONGOPTS,
	OPT_INPUT_LONGOPTS,
	{ "id-field",	required_argument,	NULL,	OPT_ID_FIELD },
	{ "model",	required_argument,	NULL,	'c' },
	{ "init",	no_argument,		NULL,	OPT_INIT },
	{ "threshold",	required_argument,	NULL,	't' },
	{ "block",	required_argument,	NULL,	OPT_BLOCK },
	{ "max-pairs",	required_argument,	NULL,	OPT_MAX_PAIRS },
	{ "max-cluster-size", required_argument, NULL,	OPT_MAX_CLUSTER },
	{ "model-out",	required_argument,	NULL,	OPT_MODEL_OUT },
	{ "retrain",	no_argument,		NULL,	OPT_RETRAIN },
	{ "labels",	required_argument,	NULL,	OPT_LABELS },
	{ "seed",	required_argument,	NULL,	OPT_SEED },
	{ "pairs",	required_argument,	NULL,	OPT_PAIRS },
	{ "pairs-min",	required_argument,	NULL,	OPT_PAIRS_MIN },
	{ "golden",	required_argument,	NULL,	OPT_GOLDEN },
	{ "link",	no_argument,		NULL,	OPT_LINK },
	{ "against",	required_argument,	NULL,	OPT_AGAINST },
	{ "stage",	required_argument,	NULL,	OPT_STAGE },
	{ "part",	required_argument,	NULL,	OPT_PART },
	{ "decisions",	required_argument,	NULL,	OPT_DECISIONS },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ NULL,		0,			NULL,	0 }
};

/* Options that do not go together. */
static void
rrun_check(const struct rrun_config *rc, int part_set)
{
	if (part_set && rc->stage != RSTAGE_KEYS && rc->stage != RSTAGE_APPLY)
		diag_usage("option '--part' is for --stage keys and apply");
	if ((rc->stage == RSTAGE_APPLY) != (rc->decisions != NULL))
		diag_usage("options '--stage apply' and '--decisions' go "
		    "together");
	if (rc->stage == RSTAGE_NONE)
		return;
	if (rc->link || rc->against != NULL || rc->labels != NULL ||
	    rc->pairs != NULL || rc->golden != NULL ||
	    rc->model_out != NULL || rc->retrain)
		diag_usage("option '--stage' works without --link, "
		    "--against, --labels, --pairs, --golden, --model-out "
		    "and --retrain");
	if (rc->stage == RSTAGE_PAIRS && (!rmodel_trained(rc->model) ||
	    !rmodel_tf_ready(rc->model)))
		diag_usage("option '--stage pairs' needs a trained model: "
		    "write one with --model-out in a run of one process");
}

int
main(int argc, char **argv)
{
	struct rrun_config rc = RRUN_CONFIG_INIT;
	const char *model = NULL, *thr = NULL, *idf = NULL;
	const char *blocks[RM_MAX_RULES + 1];
	struct rec_reader *rd;
	struct buf err = BUF_INIT;
	int ch, init = 0, nblock = 0, i, part_set = 0;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, OPT_COMMON_SHORT "c:j:t:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ID_FIELD:
			idf = optarg;
			break;
		case 'c':
			model = optarg;
			break;
		case OPT_INIT:
			init = 1;
			break;
		case 't':
			thr = optarg;
			break;
		case OPT_BLOCK:
			if (nblock == RM_MAX_RULES)
				diag_usage("more than %d blocking rules",
				    RM_MAX_RULES);
			blocks[nblock++] = optarg;
			break;
		case OPT_MAX_PAIRS:
			rc.max_pairs = (uint64_t)opt_count("--max-pairs",
			    optarg, 1, 0x7fffffffffffffffL);
			break;
		case OPT_MAX_CLUSTER:
			rc.max_cluster = (unsigned long)opt_count(
			    "--max-cluster-size", optarg, 0, 0x7fffffffL);
			break;
		case OPT_MODEL_OUT:
			rc.model_out = optarg;
			break;
		case OPT_RETRAIN:
			rc.retrain = 1;
			break;
		case OPT_LABELS:
			rc.labels = optarg;
			break;
		case OPT_SEED:
			rc.seed = (uint64_t)opt_count("--seed", optarg, 0,
			    0x7fffffffL);
			break;
		case OPT_PAIRS:
			rc.pairs = optarg;
			break;
		case OPT_PAIRS_MIN:
			rc.pairs_min = opt_real("--pairs-min", optarg, 0, 1);
			break;
		case OPT_GOLDEN:
			rc.golden = optarg;
			break;
		case OPT_LINK:
			rc.link = 1;
			break;
		case OPT_AGAINST:
			rc.against = optarg;
			break;
		case OPT_STAGE:
			rc.stage = 1 + opt_word("--stage", optarg,
			    (const char *[]){ "keys", "pairs", "clusters",
			    "apply", NULL });
			break;
		case OPT_PART:
			rc.part = (unsigned long)opt_count("--part", optarg, 1,
			    0x7fffffffL);
			part_set = 1;
			break;
		case OPT_DECISIONS:
			rc.decisions = optarg;
			break;
		case 'j':
			rc.jobs = (int)opt_count("--jobs", optarg, 0, 256);
			break;
		default:
			opt_common(ch, help);
		}
	}
	argc -= optind;
	argv += optind;
	if (rc.jobs == 0)
		rc.jobs = pool_ncpu();
	if (init) {
		if (model != NULL)
			diag_usage("options '--init' and '-c' do not go "
			    "together");
		rd = rec_open(opt_reader(), argc, argv);
		rinit(rd, idf != NULL ? idf : "id", stdout);
		rec_close(rd);
		return diag_finish();
	}
	if (model == NULL)
		diag_usage("a model is needed: -c model.json (etv-resolve "
		    "--init proposes one)");
	if (access(model, R_OK) != 0)
		diag_fail(ETV_SYS, "%s: %s", model, strerror(errno));
	if ((rc.model = rmodel_load(model, &err)) == NULL)
		diag_usage("%s", err.data);
	for (i = 0; i < nblock; i++) {
		if (i == 0)
			rmodel_clear_rules(rc.model);
		if (rmodel_add_rule(rc.model, blocks[i], &err) < 0)
			diag_usage("--block: %s", err.data);
	}
	if (rc.model->nrule == 0)
		diag_usage("no blocking rule: give --block or \"blocking\" in "
		    "the model");
	rc.threshold = thr != NULL ? opt_real("--threshold", thr, 0, 1) :
	    rc.model->threshold >= 0 ? rc.model->threshold : 0.9;
	rc.id_field = idf != NULL ? idf :
	    rc.model->id_field != NULL ? rc.model->id_field : "id";
	rrun_check(&rc, part_set);
	if (rc.link) {
		if (argc != 2)
			diag_usage("--link needs two inputs, got %d", argc);
		if (strcmp(argv[0], argv[1]) == 0)
			diag_usage("--link needs two different inputs");
		if (rc.against != NULL)
			diag_usage("options '--link' and '--against' do not "
			    "go together");
		rc.link_a = argv[0];
		rc.link_b = argv[1];
	}
	rd = rec_open(opt_reader(), argc, argv);
	rrun(&rc, rd);
	rec_close(rd);
	rmodel_free(rc.model);
	buf_release(&err);
	return diag_finish();
}
