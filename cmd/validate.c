/* etv-validate -- data contracts as a filter: schema, dataset checks, PII */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/validate/contract.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/validate/jdoc.h"
#include "lib/validate/jsonschema.h"
#include "lib/json/opt.h"
#include "lib/validate/pii.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

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

enum { PII_OFF, PII_DETECT, PII_REDACT, PII_REJECT };
enum { NFC_OFF, NFC_CHECK, NFC_FIX };

/* Most errors listed for one rejected record. */
#define MAX_ERRORS	20

static struct {
	const char	*schema;	/* -s file, or NULL */
	const char	*schema_dir;	/* --schema-dir, or NULL */
	int		 draft7;	/* --draft7 */
	int		 formats;	/* --formats */
	int		 values;	/* --values */
	const char	*contract;	/* -c file, or NULL */
	const char	*report;	/* --report file, or NULL */
	int		 pii;		/* PII_* */
	char		**fields;	/* --pii-fields; owned */
	size_t		 nfields;	/* how many */
	unsigned	 pii_types;	/* PII_* mask of kinds */
	const char	*pii_key;	/* --pii-hash key (environment) */
	int		 nfc;		/* NFC_* */
	int		 jobs;		/* -j */
	struct js_schema *js;		/* the compiled schema, or NULL */
	struct contract	*ct;		/* the contract (sequential mode) */
	unsigned long	 rejected;	/* records rejected (sequential) */
} cfg = { .pii_types = PII_ALL, .jobs = 1 };

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

/* ---- schema loading ---- */

/* "file://" + the absolute path of a file; caller frees. */
static char *
file_uri(const char *path)
{
	char real[PATH_MAX];
	struct buf b = BUF_INIT;
	const char *p;

	if (realpath(path, real) == NULL)
		return NULL;
	buf_adds(&b, "file://");
	for (p = real; *p; p++) {
		if (*p == ' ' || *p == '#' || *p == '%' || *p == '?')
			buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

/*
 * Read a schema file.  A file that cannot be read is an I/O error
 * (ETV_SYS); one that is not JSON a bad schema (ETV_USAGE, but no "Try
 * --help": the command line was right).  With skip, a file that is not
 * JSON is NULL after a warning.
 */
static json_t *
load_json(const char *path, int skip)
{
	json_error_t jerr;
	json_t *doc;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		diag_fail(ETV_SYS, "cannot open schema '%s': %s", path,
		    strerror(errno));
	doc = json_loadf(fp, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (doc == NULL && ferror(fp))
		diag_fail(ETV_SYS, "cannot read schema '%s': %s", path,
		    strerror(errno));
	fclose(fp);
	if (doc == NULL && skip)
		diag_warn("%s:%d: %s; skipped", path, jerr.line, jerr.text);
	else if (doc == NULL)
		diag_fail(ETV_USAGE, "%s:%d: %s", path, jerr.line, jerr.text);
	return doc;
}

/* $ref to file: URIs reads local files; nothing else is fetched. */
static json_t *
loader(const char *uri, void *arg)
{
	struct buf path = BUF_INIT;
	const char *p;
	json_t *doc;
	int a, b;

	(void)arg;
	if (strncmp(uri, "file://", 7) != 0)
		return NULL;
	for (p = uri + 7; *p; p++) {
		if (*p == '%' && (a = p[1]) && (b = p[2]) &&
		    sscanf(p + 1, "%2x", (unsigned *)&a) == 1) {
			buf_addc(&path, a);
			p += 2;
			(void)b;
		} else
			buf_addc(&path, *p);
	}
	doc = json_load_file(path.data, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, NULL);
	buf_release(&path);
	return doc;
}

/* Add every *.json file under dir (recursively) to the schema set. */
static void
add_dir(struct js_schema *S, const char *dir)
{
	struct buf path = BUF_INIT, err = BUF_INIT;
	struct dirent **list, *de;
	struct stat st;
	json_t *doc;
	char *uri;
	size_t n;
	int i, nde;

	/* In name order, so that the warnings come out the same each run. */
	if ((nde = scandir(dir, &list, NULL, alphasort)) < 0)
		diag_fail(ETV_SYS, "cannot read schema directory '%s': %s",
		    dir, strerror(errno));
	for (i = 0; i < nde; free(list[i]), i++) {
		de = list[i];
		if (de->d_name[0] == '.')
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.data, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			add_dir(S, path.data);
			continue;
		}
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		/*
		 * A folder of schemas often holds some of other drafts, or
		 * files that are not schemas: skip them with a warning; a
		 * $ref to one of them still fails when it is compiled.
		 */
		if ((doc = load_json(path.data, 1)) == NULL)
			continue;
		uri = file_uri(path.data);
		buf_reset(&err);
		if (js_add(S, doc, uri, &err) != 0)
			diag_warn("schema '%s': %s; skipped", path.data,
			    err.data);
		free(uri);
		json_decref(doc);
	}
	free(list);
	buf_release(&path);
	buf_release(&err);
}

static struct js_schema *
load_schema(void)
{
	struct js_schema *S;
	struct buf err = BUF_INIT;
	json_t *doc;
	char *uri;

	S = js_new(JS_CHECK | (cfg.formats ? JS_FORMATS : 0) |
	    (cfg.draft7 ? JS_DRAFT7 : 0), loader, NULL);
	if (cfg.schema_dir != NULL)
		add_dir(S, cfg.schema_dir);
	doc = load_json(cfg.schema, 0);
	if ((uri = file_uri(cfg.schema)) == NULL)
		diag_fail(ETV_SYS, "cannot open schema '%s': %s", cfg.schema,
		    strerror(errno));
	/* uri is freed first: clang's LeakSanitizer sees it lost at exit. */
	if (js_add(S, doc, uri, &err) != 0 || js_compile(S, uri, &err) != 0) {
		free(uri);
		diag_fail(ETV_USAGE, "schema '%s': %s", cfg.schema, err.data);
	}
	free(uri);
	json_decref(doc);
	buf_release(&err);
	return S;
}

/* ---- per record ---- */

static void
add_error(struct js_errors *e, const char *field, const char *kw,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add_error(struct js_errors *e, const char *field, const char *kw,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	struct js_error *x;
	va_list ap;

	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xreallocarray(e->v, e->cap, sizeof(*e->v));
	}
	x = &e->v[e->n++];
	buf_addc(&b, '/');
	js_pointer_escape(&b, field, strlen(field));
	x->path = buf_detach(&b, NULL);
	x->keyword = xstrdup(kw);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	x->message = buf_detach(&b, NULL);
}

/* The first control character (not TAB, LF, CR) in s, or -1. */
static long
control_at(const char *s, size_t n)
{
	size_t i, adv;
	int32_t cp;

	for (i = 0; i < n; i += adv) {
		cp = utf8_decode(s + i, n - i, &adv);
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp < 0xa0))
			return (long)i;
	}
	return -1;
}

/* NFC with control characters (but TAB, LF, CR) removed; caller frees. */
static char *
clean_text(const char *s, size_t n, size_t *lenp)
{
	struct buf b = BUF_INIT;
	size_t i, adv;
	int32_t cp;
	char *nfc;

	for (i = 0; i < n; i += adv) {
		cp = utf8_decode(s + i, n - i, &adv);
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp < 0xa0))
			continue;
		buf_add(&b, s + i, adv);
	}
	buf_addc(&b, '\0');
	nfc = text_normalize(b.data, b.len - 1, TEXT_NFC, lenp);
	buf_release(&b);
	return nfc;
}

/*
 * Text hygiene and PII over the chosen fields.  Returns 1 when v was
 * changed (fixed or redacted); findings in detect mode go to *found.
 */
static int
text_checks(json_t *v, struct js_errors *errs, json_t **found)
{
	struct pii_find *f;
	const char *s;
	size_t i, j, n, nf, len;
	char *t;
	json_t *fv;
	long at;
	int changed = 0;

	for (i = 0; i < cfg.nfields; i++) {
		fv = json_object_get(v, cfg.fields[i]);
		if ((s = json_string_value(fv)) == NULL)
			continue;
		n = json_string_length(fv);
		if (cfg.nfc == NFC_CHECK) {
			if (!text_is_nfc(s, n))
				add_error(errs, cfg.fields[i], "nfc",
				    "text is not in Unicode NFC");
			if ((at = control_at(s, n)) >= 0)
				add_error(errs, cfg.fields[i], "control",
				    "control character U+%04X at byte %ld",
				    (unsigned)utf8_decode(s + at, n - at,
				    &len), at);
		} else if (cfg.nfc == NFC_FIX && (!text_is_nfc(s, n) ||
		    control_at(s, n) >= 0)) {
			t = clean_text(s, n, &len);
			json_object_set_new(v, cfg.fields[i],
			    json_stringn(t, len));
			free(t);
			changed = 1;
			fv = json_object_get(v, cfg.fields[i]);
			s = json_string_value(fv);
			n = json_string_length(fv);
		}
		if (cfg.pii == PII_OFF)
			continue;
		if ((nf = pii_scan(s, n, cfg.pii_types, &f)) == 0)
			continue;
		switch (cfg.pii) {
		case PII_DETECT:
			if (*found == NULL)
				*found = json_array();
			for (j = 0; j < nf; j++)
				json_array_append_new(*found, json_pack(
				    "{s:s,s:s,s:I,s:I}",
				    "field", cfg.fields[i],
				    "type", pii_name(f[j].type),
				    "start", (json_int_t)f[j].start,
				    "end", (json_int_t)f[j].end));
			break;
		case PII_REDACT:
			t = pii_redact(s, n, f, nf, cfg.pii_key, &len);
			json_object_set_new(v, cfg.fields[i],
			    json_stringn(t, len));
			free(t);
			changed = 1;
			break;
		case PII_REJECT:
			for (j = 0; j < nf; j++)
				add_error(errs, cfg.fields[i], "pii",
				    "%s at bytes %zu-%zu", pii_name(f[j].type),
				    f[j].start, f[j].end);
			break;
		}
		free(f);
	}
	return changed;
}

/*
 * Check a parsed record and write it out or reject it.  It runs in
 * worker threads unless a contract is checked (cfg.ct), and only then
 * touches the contract and cfg.rejected.
 */
static void
check_record(struct rec_item *it, json_t *v)
{
	struct js_errors errs = JS_ERRORS_INIT;
	json_t *found = NULL, *arr, *add, *ex;
	const char *kind = NULL;
	size_t i, nschema = 0;
	int changed = 0, ok = 1;

	if (cfg.js != NULL && !js_validate(cfg.js, v, &errs, MAX_ERRORS)) {
		ok = 0;
		nschema = errs.n;
		kind = "schema";
	}
	if ((cfg.pii != PII_OFF || cfg.nfc != NFC_OFF) && json_is_object(v))
		changed = text_checks(v, &errs, &found);
	if (errs.n > nschema && kind == NULL)
		kind = strcmp(errs.v[nschema].keyword, "pii") == 0 ? "pii" :
		    "text";
	if (cfg.ct != NULL && contract_record(cfg.ct, v, it->file,
	    it->lineno, &errs) && kind == NULL)
		kind = "contract";
	if (errs.n > 0 || !ok) {
		if (cfg.ct != NULL) {
			cfg.rejected++;
			if (strcmp(kind, "contract") != 0) {
				/* The first error is the report's example. */
				ex = errs.n == 0 ? NULL : json_pack(
				    "{s:s,s:s,s:s}", "path", errs.v[0].path,
				    "keyword", errs.v[0].keyword,
				    "message", errs.v[0].message);
				contract_external(cfg.ct, kind, it->file,
				    it->lineno, ex);
				json_decref(ex);
			}
		}
		if (errs.n == 0) {
			rec_reject(it, NULL, ETV_REJECT,
			    "record is not valid");
		} else if (cfg.values || !json_is_object(v)) {
			rec_reject(it, NULL, ETV_REJECT, "%s: %s",
			    errs.v[0].path[0] ? errs.v[0].path : "/",
			    errs.v[0].message);
		} else {
			arr = json_array();
			for (i = 0; i < errs.n; i++)
				json_array_append_new(arr, json_pack(
				    "{s:s,s:s,s:s}", "path", errs.v[i].path,
				    "keyword", errs.v[i].keyword,
				    "message", errs.v[i].message));
			json_object_set_new(v, "errors", arr);
			rec_reject(it, v, ETV_REJECT, "%s: %s",
			    errs.v[0].path[0] ? errs.v[0].path : "/",
			    errs.v[0].message);
		}
		/* Every error of the record, one line each. */
		for (i = 1; i < errs.n; i++)
			diag_format(&it->msg, it->file, it->lineno, "%s: %s",
			    errs.v[i].path[0] ? errs.v[i].path : "/",
			    errs.v[i].message);
		if (errs.n >= MAX_ERRORS)
			diag_format(&it->msg, it->file, it->lineno,
			    "more errors not listed (at most %d)", MAX_ERRORS);
	} else if (changed) {
		if (found != NULL)
			json_object_set(v, "pii", found);
		rec_emit(it, v);
	} else if (found != NULL) {
		add = json_pack("{s:O}", "pii", found);
		rec_emit_merged(it, v, add);
		json_decref(add);
	} else
		rec_emit_same(it);
	json_decref(found);
	js_errors_release(&errs);
}

static void
validate_item(struct rec_item *it, void *arg, int worker)
{
	struct jdoc_arena *a = (struct jdoc_arena *)arg + worker;
	struct jdoc_val *d;
	json_t *v;

	/*
	 * The fast path: parse into the worker's arena and write the
	 * original bytes of a valid record.  Anything else (a record to
	 * reject, text to fix, a line the fast parser refuses) takes the
	 * jansson path, which has the diagnostics.
	 */
	if (cfg.pii == PII_OFF && cfg.nfc == NFC_OFF && it->bad == NULL) {
		jdoc_reset(a);
		d = jdoc_parse(a, it->line, it->len);
		if (d != NULL && (cfg.values || d->type == JD_OBJECT) &&
		    (cfg.js == NULL || js_validate_doc(cfg.js, d, NULL, 0))) {
			rec_emit_same(it);
			return;
		}
	}
	if ((v = rec_parse(it)) == NULL)
		return;
	check_record(it, v);
	json_decref(v);
}

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

static unsigned
parse_types(const char *list)
{
	char *copy = xstrdup(list), *tok, *save;
	unsigned mask = 0;
	int t;

	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((t = pii_lookup(tok)) == 0)
			diag_usage("unknown PII type '%s' (email, phone, "
			    "card, iban, ip, ssn)", tok);
		mask |= t;
	}
	free(copy);
	if (mask == 0)
		diag_usage("option '--pii-types' needs type names");
	return mask;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct buf err = BUF_INIT;
	struct iox_atomic rep;
	struct jdoc_arena *arenas;
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
			cfg.values = 1;
			break;
		case 'c':
			cfg.contract = optarg;
			break;
		case OPT_REPORT:
			cfg.report = optarg;
			break;
		case OPT_PII:
			cfg.pii = (int[]){ PII_DETECT, PII_REDACT, PII_REJECT }[
			    opt_word("--pii", optarg, (const char *[]){ "detect",
			    "redact", "reject", NULL })];
			break;
		case OPT_PII_FIELDS:
			split_fields(optarg);
			break;
		case OPT_PII_TYPES:
			cfg.pii_types = parse_types(optarg);
			break;
		case OPT_PII_HASH:
			pii_hash = 1;
			break;
		case OPT_NFC:
			cfg.nfc = (int[]){ NFC_CHECK, NFC_FIX }[opt_word("--nfc",
			    optarg, (const char *[]){ "check", "fix", NULL })];
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
		if (cfg.pii != PII_REDACT)
			diag_usage("option '--pii-hash' needs '--pii redact'");
		if ((cfg.pii_key = getenv("ETV_PII_KEY")) == NULL ||
		    *cfg.pii_key == '\0')
			diag_usage("'--pii-hash' needs a key in ETV_PII_KEY");
	}
	if (cfg.nfields == 0 && (cfg.pii != PII_OFF || cfg.nfc != NFC_OFF))
		split_fields(opt.text_field);
	if (cfg.values && (cfg.pii != PII_OFF || cfg.nfc != NFC_OFF))
		diag_usage("'--values' does not go with '--pii' or '--nfc'");
	if (cfg.schema != NULL)
		cfg.js = load_schema();
	if (cfg.contract != NULL || cfg.report != NULL) {
		if (cfg.contract != NULL && access(cfg.contract, R_OK) != 0)
			diag_fail(ETV_SYS, "cannot open contract '%s': %s",
			    cfg.contract, strerror(errno));
		/* An error in the file: no "Try --help". */
		if ((cfg.ct = contract_load(cfg.contract, &err)) == NULL)
			diag_fail(ETV_USAGE, "contract %s", err.data);
	}

	rd = rec_open(opt_reader(), argc, argv);
	if (cfg.values)
		rec_accept_values(rd);
	if (cfg.ct == NULL) {
		arenas = xcalloc(cfg.jobs, sizeof(*arenas));
		pool_run(rd, cfg.jobs, validate_item, arenas);
		for (i = 0; i < (size_t)cfg.jobs; i++)
			jdoc_release(&arenas[i]);
		free(arenas);
	} else {
		/* Dataset checks keep state: one record at a time. */
		while ((v = rec_next(rd)) != NULL) {
			check_record(rec_item_of(rd), v);
			json_decref(v);
		}
	}
	rec_close(rd);
	if (cfg.ct != NULL) {
		if (cfg.report != NULL) {
			if (iox_atomic_open(&rep, cfg.report) != 0)
				diag_fail(ETV_SYS, "cannot create '%s'",
				    cfg.report);
			st = contract_finish(cfg.ct, rep.fp, cfg.rejected,
			    diag_quiet);
			if (st == ETV_SYS || iox_atomic_commit(&rep) != 0)
				diag_error(ETV_SYS, "cannot write '%s'",
				    cfg.report);
			else
				diag_status(st);
		} else
			diag_status(contract_finish(cfg.ct, NULL,
			    cfg.rejected, diag_quiet));
	}
	contract_free(cfg.ct);
	js_free(cfg.js);
	for (i = 0; i < cfg.nfields; i++)
		free(cfg.fields[i]);
	free(cfg.fields);
	buf_release(&err);
	return diag_finish();
}
