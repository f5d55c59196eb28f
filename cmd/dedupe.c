/* dedupe.c -- etv-dedupe: drop or mark exact, near and semantic duplicates */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/ddrun.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"

#define USAGE \
"usage: etv-dedupe [-hqvV] [-j jobs] [-k keep] [-m method] [-n ngram] " \
"[-t threshold] [file ...]\n"

static const char help[] = USAGE "\n"
"etv-dedupe -- drop or mark exact, near and semantic duplicates\n"
"\n"
"Survivors are written in input order; each record links to the earlier\n"
"record it is most like among those that pass the threshold, and the\n"
"links make the clusters.\n"
"\n"
"  -m, --method M      exact, minhash (the default) or semantic\n"
"  -t, --threshold T   lowest similarity of a duplicate: Jaccard for\n"
"                      minhash (default 0.8), cosine for semantic\n"
"                      (default 0.9)\n"
"      --normalize N   none, basic (the default: NFKC, case folding,\n"
"                      white space collapsed) or aggressive (basic, and\n"
"                      punctuation and digits dropped)\n"
"  -n, --ngram N       words a shingle (default 5)\n"
"      --shingle S     words or chars (default: words, chars for text in\n"
"                      scripts written without spaces)\n"
"      --num-perm N    MinHash values a signature (default 128)\n"
"      --bands B, --rows R  LSH bands and rows (default: datasketch's rule\n"
"                      for the threshold, false negatives weighing 0.8,\n"
"                      at most 9 bands)\n"
"      --seed N        seed of the hash functions (default 1)\n"
"      --verify V      exact (the true Jaccard of the shingle sets, kept\n"
"                      in a temporary file; the default) or estimate (the\n"
"                      signatures alone, in memory)\n"
"  -k, --keep K        the survivor of a cluster: first (the default),\n"
"                      longest, newest:FIELD or field:FIELD\n"
"      --removed FILE  write the removed records there, with dup_of and\n"
"                      dup_score\n"
"      --mark          write every record, with dup_cluster, dup_of and\n"
"                      dup_score, and remove none\n"
"      --save-signatures FILE  keep the survivors' signatures for --against\n"
"      --against FILE  remove duplicates of the records a previous run\n"
"                      saved with --save-signatures\n"
"      --stage S       one stage of a run split for sort(1) or a cluster:\n"
"                      keys, pairs, clusters or apply\n"
"      --part N        the number of this part of the input (keys, apply)\n"
"      --decisions FILE  the clusters stage's output (apply)\n"
"  -j, --jobs N        threads for the signatures (0: one per processor;\n"
"                      default 1)\n"
OPT_FIELD_HELP
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum {
	OPT_NORMALIZE = OPT_TOOL_FIRST,
	OPT_SHINGLE,
	OPT_NUM_PERM,
	OPT_BANDS,
	OPT_ROWS,
	OPT_SEED,
	OPT_VERIFY,
	OPT_REMOVED,
	OPT_MARK,
	OPT_SAVE,
	OPT_AGAINST,
	OPT_STAGE,
	OPT_PART,
	OPT_DECISIONS
};

static const struct option longopts[] = {
	OPT_COMMON_LONGOPTS,
	OPT_INPUT_LONGOPTS,
	OPT_FIELD_LONGOPTS,
	{ "method",	required_argument,	NULL,	'm' },
	{ "threshold",	required_argument,	NULL,	't' },
	{ "normalize",	required_argument,	NULL,	OPT_NORMALIZE },
	{ "ngram",	required_argument,	NULL,	'n' },
	{ "shingle",	required_argument,	NULL,	OPT_SHINGLE },
	{ "num-perm",	required_argument,	NULL,	OPT_NUM_PERM },
	{ "bands",	required_argument,	NULL,	OPT_BANDS },
	{ "rows",	required_argument,	NULL,	OPT_ROWS },
	{ "seed",	required_argument,	NULL,	OPT_SEED },
	{ "verify",	required_argument,	NULL,	OPT_VERIFY },
	{ "keep",	required_argument,	NULL,	'k' },
	{ "removed",	required_argument,	NULL,	OPT_REMOVED },
	{ "mark",	no_argument,		NULL,	OPT_MARK },
	{ "save-signatures", required_argument,	NULL,	OPT_SAVE },
	{ "against",	required_argument,	NULL,	OPT_AGAINST },
	{ "stage",	required_argument,	NULL,	OPT_STAGE },
	{ "part",	required_argument,	NULL,	OPT_PART },
	{ "decisions",	required_argument,	NULL,	OPT_DECISIONS },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ NULL,		0,			NULL,	0 }
};

/* Parse --keep into the run's keep policy and field. */
static void
parse_keep(struct ddrun_config *rc, const char *arg)
{
	const char *colon = strchr(arg, ':');

	if (strcmp(arg, "first") == 0) {
		rc->keep = DDKEEP_FIRST;
	} else if (strcmp(arg, "longest") == 0) {
		rc->keep = DDKEEP_LONGEST;
	} else if (colon != NULL && colon[1] != '\0' &&
	    strncmp(arg, "newest:", 7) == 0) {
		rc->keep = DDKEEP_NEWEST;
		rc->keep_field = colon + 1;
	} else if (colon != NULL && colon[1] != '\0' &&
	    strncmp(arg, "field:", 6) == 0) {
		rc->keep = DDKEEP_FIELD;
		rc->keep_field = colon + 1;
	} else {
		diag_usage("option '--keep' needs first, longest, newest:FIELD "
		    "or field:FIELD, got '%s'", arg);
	}
}

int
main(int argc, char **argv)
{
	struct ddrun_config rc = DDRUN_CONFIG_INIT;
	struct mh_params *mh = &rc.dd.mh;
	const char *thr = NULL, *bands = NULL, *rows = NULL;
	struct ddrun *run;
	struct rec_reader *rd;
	struct buf err = BUF_INIT;
	int ch, part_set = 0;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, OPT_COMMON_SHORT "j:k:m:n:t:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			rc.dd.method = opt_word("--method", optarg,
			    (const char *[]){ "exact", "minhash", "semantic",
			    NULL });
			break;
		case 't':
			thr = optarg;
			break;
		case OPT_NORMALIZE:
			mh->normalize = opt_word("--normalize", optarg,
			    (const char *[]){ "none", "basic", "aggressive",
			    NULL });
			break;
		case 'n':
			mh->ngram = (unsigned)opt_count("--ngram", optarg, 1,
			    64);
			break;
		case OPT_SHINGLE:
			mh->shingle = 1 + opt_word("--shingle", optarg,
			    (const char *[]){ "words", "chars", NULL });
			break;
		case OPT_NUM_PERM:
			mh->num_perm = (unsigned)opt_count("--num-perm",
			    optarg, 2, 1024);
			if (mh->num_perm % 2)
				diag_usage("option '--num-perm' needs an even "
				    "number, got '%s'", optarg);
			break;
		case OPT_BANDS:
			bands = optarg;
			break;
		case OPT_ROWS:
			rows = optarg;
			break;
		case OPT_SEED:
			mh->seed = (uint64_t)opt_count("--seed", optarg, 0,
			    0x7fffffffL);
			break;
		case OPT_VERIFY:
			rc.dd.verify_exact = opt_word("--verify", optarg,
			    (const char *[]){ "estimate", "exact", NULL });
			break;
		case 'k':
			parse_keep(&rc, optarg);
			break;
		case OPT_REMOVED:
			rc.removed = optarg;
			break;
		case OPT_MARK:
			rc.mark = 1;
			break;
		case OPT_SAVE:
			rc.save = optarg;
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

	rc.dd.threshold = thr != NULL ? opt_real("--threshold", thr, 0, 1) :
	    rc.dd.method == DD_SEMANTIC ? 0.9 : 0.8;
	/* The true Jaccard by default: the estimate misjudges pairs near
	 * the threshold (one standard deviation is 0.035 at 0.8). */
	if (rc.dd.verify_exact < 0)
		rc.dd.verify_exact = rc.dd.method == DD_MINHASH;
	if ((bands == NULL) != (rows == NULL))
		diag_usage("options '--bands' and '--rows' go together");
	if (bands != NULL) {
		mh->bands = (unsigned)opt_count("--bands", bands, 1, 256);
		mh->rows = (unsigned)opt_count("--rows", rows, 1, 1024);
		if (mh->bands * mh->rows > mh->num_perm)
			diag_usage("--bands %u times --rows %u is more than "
			    "--num-perm %u", mh->bands, mh->rows,
			    mh->num_perm);
	} else if (rc.dd.method == DD_MINHASH) {
		mh_optimal(rc.dd.threshold, mh->num_perm, MH_FP_WEIGHT,
		    MH_MAX_BANDS, &mh->bands, &mh->rows);
	}
	if (rc.jobs == 0)
		rc.jobs = pool_ncpu();
	if (part_set && rc.stage != DDSTAGE_KEYS && rc.stage != DDSTAGE_APPLY)
		diag_usage("option '--part' is for --stage keys and apply");
	rc.text_field = opt.text_field;
	rc.id_field = opt.id_field;
	if (ddrun_check(&rc, &err) < 0)
		diag_usage("%s", err.data);
	diag_verbose(2, "%s, threshold %g, %u bands of %u rows",
	    rc.dd.method == DD_EXACT ? "exact" : rc.dd.method == DD_MINHASH ?
	    "minhash" : "semantic", rc.dd.threshold, mh->bands, mh->rows);

	run = ddrun_new(&rc);
	rd = rec_open(opt_reader(), argc, argv);
	ddrun(run, rd);
	rec_close(rd);
	ddrun_free(run);
	buf_release(&err);
	return diag_finish();
}
