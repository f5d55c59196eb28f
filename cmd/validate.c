/* etv-validate -- data contracts as a filter: schema, dataset checks, PII */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"
#include "lib/validate/check.h"
#include "lib/validate/contract.h"
#include "lib/validate/jdoc.h"
#include "lib/validate/jsfile.h"
#include "lib/validate/pii.h"

static const char usage_text[] =
"usage: etv-validate [-qvV] [-c contract] [-j jobs] [-s schema] [--draft7]\n"
"       [--formats] [--nfc check|fix] [--pii detect|redact|reject]\n"
"       [--pii-fields list] [--pii-hash] [--pii-types list] [--report file]\n"
"       [--schema-dir dir] [--values] [file ...]\n"
"\n"
"etv-validate -- check records against a JSON Schema and a data contract\n"
"\n"
"  -s, --schema FILE   validate each record against this JSON Schema\n"
"                      (draft 2020-12, or draft 7 by its $schema)\n"
"      --schema-dir DIR  schemas that $ref may name by their $id\n"
"      --draft7        read a schema without $schema as draft 7\n"
"      --formats       make 'format' an assertion (date-time, email, ...)\n"
"      --values        accept any JSON value per line, not only objects\n"
"  -c, --contract FILE check the dataset contract in FILE (JSON)\n"
"      --report FILE   write a JSON report of every check to FILE\n"
"      --pii MODE      find personal data in the --pii-fields: 'detect'\n"
"                      adds a 'pii' member, 'redact' masks it, 'reject'\n"
"                      rejects the record\n"
"      --pii-fields LIST  fields to scan, comma-separated (default: the\n"
"                      text field)\n"
"      --pii-types LIST   email,phone,card,iban,ip,ssn (default: all)\n"
"      --pii-hash      redact with keyed pseudonyms; the key is read from\n"
"                      the environment variable ETV_PII_KEY\n"
"      --nfc MODE      'check' rejects text of the --pii-fields that is not\n"
"                      NFC or holds control characters; 'fix' repairs it\n"
"  -j, --jobs N        worker threads (0: one per CPU; default 1)\n"
OPT_INPUT_HELP
OPT_FIELD_HELP
OPT_COMMON_HELP;

static struct {
	const char	*schema;	/* -s file, or NULL */
	const char	*schema_dir;	/* --schema-dir, or NULL */
	int		 draft7;	/* --draft7 */
	int		 formats;	/* --formats */
	const char	*contract;	/* -c file, or NULL */
	const char	*report;	/* --report file, or NULL */
	char		**fields;	/* --pii-fields; owned */
	size_t		 nfields;	/* how many */
	int		 jobs;		/* -j */
	struct check	 check;		/* what a record is checked for */
} cfg = { .check = { .pii_types = PII_ALL }, .jobs = 1 };

enum {
	OPT_SCHEMA_DIR = OPT_TOOL_FIRST,
	OPT_DRAFT7,
	OPT_FORMATS,
	OPT_VALUES,
	OPT_REPORT,
	OPT_PII,
	OPT_PII_FIELDS,
	OPT_PII_TYPES,
	OPT_PII_HASH,
	OPT_NFC
};

static const struct option longopts[] = {
	{ "schema",	required_argument,	NULL,	's' },
	{ "schema-dir",	required_argument,	NULL,	OPT_SCHEMA_DIR },
	{ "draft7",	no_argument,		NULL,	OPT_DRAFT7 },
	{ "formats",	no_argument,		NULL,	OPT_FORMATS },
	{ "values",	no_argument,		NULL,	OPT_VALUES },
	{ "contract",	required_argument,	NULL,	'c' },
	{ "report",	required_argument,	NULL,	OPT_REPORT },
	{ "pii",	required_argument,	NULL,	OPT_PII },
	{ "pii-fields",	required_argument,	NULL,	OPT_PII_FIELDS },
	{ "pii-types",	required_argument,	NULL,	OPT_PII_TYPES },
	{ "pii-hash",	no_argument,		NULL,	OPT_PII_HASH },
	{ "nfc",	required_argument,	NULL,	OPT_NFC },
	{ "jobs",	required_argument,	NULL,	'j' },
	OPT_INPUT_LONGOPTS,
	OPT_FIELD_LONGOPTS,
	OPT_COMMON_LONGOPTS,
	{ NULL,		0,			NULL,	0 }
};

/* Add the comma-separated field names of list to cfg.fields. */
static void
split_fields(const char *list)
{
	char *copy = xstrdup(list), *tok, *save;

	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		cfg.fields = xreallocarray(cfg.fields, cfg.nfields + 1,
		    sizeof(*cfg.fields));
		cfg.fields[cfg.nfields++] = xstrdup(tok);
	}
	free(copy);
	if (cfg.nfields == 0)
		diag_usage("option '--pii-fields' needs field names");
}

/* The PII_* mask of --pii-types list; a usage error when it is wrong. */
static unsigned
parse_types(const char *list)
{
	struct buf err = BUF_INIT;
	unsigned mask;

	if (pii_parse_types(list, &mask, &err) != 0)
		diag_usage("%s", err.data);
	if (mask == 0)
		diag_usage("option '--pii-types' needs type names");
	return mask;
}

int
main(int argc, char *argv[])
{
	struct check *c = &cfg.check;
	struct rec_reader *rd;
	struct buf err = BUF_INIT, summary = BUF_INIT;
	struct iox_atomic rep;
	struct check_pool work;
	struct rec_totals tot;
	const char *p, *nl;
	json_t *v;
	size_t i;
	int ch, pii_hash = 0, st;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "c:j:s:" OPT_COMMON_SHORT,
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			cfg.schema = optarg;
			break;
		case OPT_SCHEMA_DIR:
			cfg.schema_dir = optarg;
			break;
		case OPT_DRAFT7:
			cfg.draft7 = 1;
			break;
		case OPT_FORMATS:
			cfg.formats = 1;
			break;
		case OPT_VALUES:
			c->values = 1;
			break;
		case 'c':
			cfg.contract = optarg;
			break;
		case OPT_REPORT:
			cfg.report = optarg;
			break;
		case OPT_PII:
			/* The words in the order of enum check_pii. */
			c->pii = CHECK_PII_DETECT + opt_word("--pii", optarg,
			    (const char *[]){ "detect", "redact", "reject",
			    NULL });
			break;
		case OPT_PII_FIELDS:
			split_fields(optarg);
			break;
		case OPT_PII_TYPES:
			c->pii_types = parse_types(optarg);
			break;
		case OPT_PII_HASH:
			pii_hash = 1;
			break;
		case OPT_NFC:
			c->nfc = CHECK_NFC_CHECK + opt_word("--nfc", optarg,
			    (const char *[]){ "check", "fix", NULL });
			break;
		case 'j':
			cfg.jobs = (int)opt_count("--jobs", optarg, 0, 256);
			break;
		default:
			opt_common(ch, usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (cfg.jobs == 0)
		cfg.jobs = pool_ncpu();
	if (pii_hash) {
		if (c->pii != CHECK_PII_REDACT)
			diag_usage("option '--pii-hash' needs '--pii redact'");
		if ((c->pii_key = getenv("ETV_PII_KEY")) == NULL ||
		    *c->pii_key == '\0')
			diag_usage("'--pii-hash' needs a key in ETV_PII_KEY");
	}
	if (cfg.nfields == 0 && (c->pii != CHECK_PII_OFF ||
	    c->nfc != CHECK_NFC_OFF))
		split_fields(opt.text_field);
	if (c->values && (c->pii != CHECK_PII_OFF || c->nfc != CHECK_NFC_OFF))
		diag_usage("'--values' does not go with '--pii' or '--nfc'");
	if (cfg.schema != NULL && (c->js = jsfile_load(cfg.schema,
	    cfg.schema_dir, JS_CHECK | (cfg.formats ? JS_FORMATS : 0) |
	    (cfg.draft7 ? JS_DRAFT7 : 0), &st, &err)) == NULL)
		diag_fail(st, "%s", err.data);
	c->fields = cfg.fields;
	c->nfields = cfg.nfields;
	if (cfg.contract != NULL || cfg.report != NULL) {
		if (cfg.contract != NULL && access(cfg.contract, R_OK) != 0)
			diag_fail(ETV_SYS, "cannot open contract '%s': %s",
			    cfg.contract, strerror(errno));
		/* An error in the file: no "Try --help". */
		if ((c->ct = contract_load(cfg.contract, &err)) == NULL)
			diag_fail(ETV_USAGE, "contract %s", err.data);
	}

	rd = rec_open(opt_reader(), argc, argv);
	if (c->values)
		rec_accept_values(rd);
	if (c->ct == NULL) {
		work.c = c;
		work.arenas = xcalloc(cfg.jobs, sizeof(*work.arenas));
		pool_run(rd, cfg.jobs, check_item, &work);
		for (i = 0; i < (size_t)cfg.jobs; i++)
			jdoc_release(&work.arenas[i]);
		free(work.arenas);
	} else {
		/* Dataset checks keep state: one record at a time. */
		while ((v = rec_next(rd)) != NULL) {
			check_record(c, rec_item_of(rd), v);
			json_decref(v);
		}
	}
	rec_close(rd);
	/* Rejected records that were well-formed failed a check. */
	rec_totals(&tot);
	runstats_set_int("valid", (long long)tot.written);
	runstats_set_int("invalid", (long long)(tot.rejected - tot.malformed));
	if (c->ct != NULL) {
		if (cfg.report != NULL) {
			if (iox_atomic_open(&rep, cfg.report) != 0)
				diag_fail(ETV_SYS, "cannot create '%s'",
				    cfg.report);
			st = contract_finish(c->ct, rep.fp, c->rejected,
			    &summary);
			if (st == ETV_SYS || iox_atomic_commit(&rep) != 0)
				diag_error(ETV_SYS, "cannot write '%s'",
				    cfg.report);
			else
				diag_status(st);
		} else
			diag_status(contract_finish(c->ct, NULL,
			    c->rejected, &summary));
		for (p = summary.data; (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1)
			diag_warn("%.*s", (int)(nl - p), p);
		buf_release(&summary);
	}
	contract_free(c->ct);
	js_free(c->js);
	for (i = 0; i < cfg.nfields; i++)
		free(cfg.fields[i]);
	free(cfg.fields);
	buf_release(&err);
	return diag_finish();
}
