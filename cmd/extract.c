/* etv-extract -- files, directories and CSV into document records */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/crew.h"
#include "lib/base/diag.h"
#include "lib/base/utf8.h"
#include "lib/base/walk.h"
#include "lib/base/xmem.h"
#include "lib/extract/extract.h"
#include "lib/index/manifest.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"
#include "lib/text/doc.h"
#include "lib/text/tpl.h"

static const char usage_text[] =
"usage: etv-extract [options] [path ...]\n"
"\n"
"etv-extract -- turn files, directories and CSV into document records\n"
"\n"
"Each path is a file, a directory (walked recursively, files sorted by\n"
"their path) or '-' (read a list of paths, one per line, from stdin).\n"
"Each file becomes {\"id\",\"text\",\"hash\",\"meta\"}; JSON-lines files\n"
"pass their records through with 'id' and 'hash' added, CSV files (with\n"
"--csv) give one record per row.  With no path, stdin is read as\n"
"JSON-lines (or CSV with --csv) and treated the same way.\n"
"\n"
"options:\n"
"  --include GLOB      read only files whose path or name matches GLOB\n"
"                      (repeatable)\n"
"  --exclude GLOB      skip files and directories matching GLOB (repeatable)\n"
"  --hidden            also enter files and directories named '.*'\n"
"  -L, --follow        follow symbolic links to directories\n"
"  -0, --null          the list read for '-' is NUL-separated (find -print0)\n"
"  --type TYPE         read every file as TYPE: text, markdown, html, jsonl,\n"
"                      csv (default: by extension)\n"
"  --encoding ENC      utf-8 (default: other files are malformed) or latin1\n"
"                      (a file that is not UTF-8 is read as Windows-1252)\n"
"  --max-size SIZE     skip documents larger than SIZE with a warning\n"
"                      (default 64M; not for JSON-lines and CSV)\n"
"  --text-template T   CSV: the text is T with {column} replaced by the\n"
"                      row's value ('{{' and '}}' for braces)\n"
"  --text-columns LIST CSV: the text is these columns (a,b,c), one per line\n"
"  -j, --jobs N        worker threads (default 1; 0 = one per processor)\n"
"  --manifest FILE     when the walk completes, write to FILE the ids of\n"
"                      the documents found (for etv-index sync --prune)\n"
"  --csv               read *.csv and *.tsv files (or, with no path, stdin)\n"
"                      as CSV with a header row: one record per row\n"
"  --delimiter C       CSV field delimiter (default ',', tab for *.tsv)\n"
"  --types LIST        CSV column types: name:number,name:boolean,... or\n"
"                      auto (see etv(7)); else strings, empty cells null\n"
"  --id-field NAME     CSV: the column holding the id (default 'id', else\n"
"                      FILE:LINE); JSON-lines: the member (default 'id')\n"
"  --text-field NAME   JSON-lines: the member holding the text (default\n"
"                      'text')\n"
"  --rejects FILE      write malformed input to FILE and go on, instead of\n"
"                      stopping at the first\n"
"  --max-rejects N|P%  exit 0 if at most N (or P% of) records were rejected\n"
"  --max-line SIZE     longest JSON-lines line or CSV row accepted\n"
"                      (default 256M)\n"
"  --unbuffered        flush the output after every record\n"
"  --progress          show progress even when stderr is not a terminal or\n"
"                      stdout is a pipe\n"
OPT_COMMON_HELP;

enum {
	OPT_INCLUDE = OPT_TOOL_FIRST,
	OPT_EXCLUDE,
	OPT_HIDDEN,
	OPT_TYPE,
	OPT_ENCODING,
	OPT_MAX_SIZE,
	OPT_TEXT_TEMPLATE,
	OPT_TEXT_COLUMNS,
	OPT_MANIFEST
};

static const struct option longopts[] = {
	{ "include",	required_argument,	NULL,	OPT_INCLUDE },
	{ "exclude",	required_argument,	NULL,	OPT_EXCLUDE },
	{ "hidden",	no_argument,		NULL,	OPT_HIDDEN },
	{ "follow",	no_argument,		NULL,	'L' },
	{ "null",	no_argument,		NULL,	'0' },
	{ "type",	required_argument,	NULL,	OPT_TYPE },
	{ "encoding",	required_argument,	NULL,	OPT_ENCODING },
	{ "max-size",	required_argument,	NULL,	OPT_MAX_SIZE },
	{ "text-template", required_argument,	NULL,	OPT_TEXT_TEMPLATE },
	{ "text-columns", required_argument,	NULL,	OPT_TEXT_COLUMNS },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ "manifest",	required_argument,	NULL,	OPT_MANIFEST },
	OPT_INPUT_LONGOPTS,
	OPT_FIELD_LONGOPTS,
	OPT_COMMON_LONGOPTS,
	{ NULL,		0,			NULL,	0 }
};

static struct {
	struct walk_opts walk;		/* globs, --hidden, --follow */
	struct extract_opts x;		/* how files and records are read */
	int		 null;		/* -0: NUL-separated path list */
	int		 jobs;		/* -j */
} cfg = { .x = { .type = -1, .max_size = (size_t)64 << 20 }, .jobs = 1 };

/* Counts for the -v summary of a run over files. */
static struct extract_tally count;

/*
 * --manifest: the file, and the ids of the documents of the walk in
 * order (json array; owned).
 */
static const char *manifest_path;
static json_t *manifest_ids;

/*
 * One file of a walk and what reading it produced.  Documents are read
 * by worker threads into it; JSON-lines and CSV files, which can be of any
 * size, are streamed by the main thread when their turn comes.
 */
struct job {
	const struct walk_entry *e;	/* the file; borrowed from the list */
	enum doc_type	 type;		/* how it is read */
	int		 stream;	/* JSON-lines or CSV: main thread */
	struct rec_item	 it;		/* its output, messages and status */
	struct extract_tally n;		/* its counts */
};

/* One line of JSON-lines (or one CSV row) read from stdin. */
static void
stdin_item(struct rec_item *it, void *arg, int worker)
{
	extract_record(&cfg.x, it, opt.csv);
}

/* Process a job of the walk that is not streamed (any thread). */
static void
run_job(struct job *j)
{
	extract_file(&cfg.x, j->e, j->type, &j->it, &j->n);
}

/* Add a job's counts to the run's and write its output. */
static void
finish_job(struct rec_reader *rd, struct job *j)
{
	if (j->stream) {
		extract_stream(&cfg.x, rd, j->e, j->type, &count);
		return;
	}
	/*
	 * A document read, rejected or skipped still exists: the manifest
	 * names it, so that etv-index does not prune it.
	 */
	if (manifest_ids && j->e->kind == WALK_FILE &&
	    utf8_invalid(j->e->rel, strlen(j->e->rel)) < 0)
		json_array_append_new(manifest_ids, json_string(j->e->rel));
	extract_tally_add(&count, &j->n);
	rec_add_read(rd, j->n.nread, j->n.bytes);
	if (rec_flush(rd, &j->it))
		exit(diag_finish());
	/* A slot that held a large document gives its memory back. */
	if (j->it.out.cap > (1u << 20))
		buf_release(&j->it.out);
	if (j->it.rej.cap > (1u << 20))
		buf_release(&j->it.rej);
}

/*
 * -j: documents are read by a crew of threads in rounds of ROUND_JOBS
 * files (or about ROUND_BYTES), and written out in order.
 */
#define ROUND_JOBS	64
#define ROUND_BYTES	((long long)32 << 20)

static struct crew *crew;		/* with -j 2 or more */
static struct job *jobs;		/* the round; ROUND_JOBS of them */

/* The crew's work: a job that is not streamed by the main thread. */
static int
crew_job(void *job, void *arg, int worker)
{
	struct job *j = job;

	(void)arg;	/* no shared state */
	(void)worker;	/* no per-thread state */
	if (!j->stream)
		run_job(j);
	return 0;
}

/* Make a job of an entry. */
static void
job_init(struct rec_reader *rd, struct job *j, const struct walk_entry *e)
{
	j->e = e;
	j->type = extract_type_of(&cfg.x, e->path);
	j->stream = e->kind == WALK_FILE &&
	    (j->type == DOC_JSONL || j->type == DOC_CSV);
	memset(&j->n, 0, sizeof(j->n));
	rec_item_start(rd, &j->it, e->path, 0);
}

/* Walk one operand and read its files in order. */
static void
extract_operand(struct rec_reader *rd, const char *operand)
{
	static struct job one;
	struct walk_list l = WALK_LIST_INIT;
	long long bytes;
	size_t i, k, n;

	walk_operand(operand, &cfg.walk, &l);
	if (crew == NULL) {
		for (i = 0; i < l.n; i++) {
			job_init(rd, &one, &l.v[i]);
			if (!one.stream)
				run_job(&one);
			finish_job(rd, &one);
		}
		rec_item_release(&one.it);
		walk_list_free(&l);
		return;
	}
	for (i = 0; i < l.n; i += n) {
		bytes = 0;
		for (n = 0; i + n < l.n && n < ROUND_JOBS &&
		    (n == 0 || bytes < ROUND_BYTES); n++) {
			job_init(rd, &jobs[n], &l.v[i + n]);
			bytes += l.v[i + n].size;
		}
		for (k = 0; k < n; k++)
			crew_submit(crew, &jobs[k]);
		for (k = 0; k < n; k++)
			finish_job(rd, crew_take(crew, 1));
	}
	walk_list_free(&l);
}

/* '-': read paths from stdin, one per line (or NUL-terminated with -0). */
static void
extract_list(struct rec_reader *rd)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int sep = cfg.null ? '\0' : '\n';

	while ((n = getdelim(&line, &cap, sep, stdin)) != -1) {
		if (n && line[n - 1] == sep)
			line[--n] = '\0';
		if (n == 0)
			continue;
		extract_operand(rd, line);
	}
	if (ferror(stdin))
		diag_error(ETV_SYS, "<stdin>: read error: %s",
		    strerror(errno));
	free(line);
}

/* The figures of a walk for --stats: those of the -v summary. */
static void
set_stats(void)
{
	json_t *types;
	int t;

	if (!runstats_on())
		return;
	runstats_set_int("files", (long long)count.files);
	runstats_set_int("bytes", (long long)count.bytes);
	types = json_object();
	for (t = DOC_TEXT; t <= DOC_CSV; t++)
		json_object_set_new(types, doc_type_name((enum doc_type)t),
		    json_integer((json_int_t)count.by_type[t]));
	runstats_set("files_by_type", types);
	runstats_set_int("skipped_binary", (long long)count.binary);
	runstats_set_int("skipped_too_big", (long long)count.big);
	runstats_set_int("skipped_other", (long long)count.other);
}

/*
 * Write --manifest when the walk completed: a file or folder that could
 * not be read (status 4) leaves the list short, and then no manifest is
 * written.
 */
static void
write_manifest(void)
{
	if (manifest_ids == NULL)
		return;
	if (diag_worst() >= ETV_SYS)
		diag_warn("some files could not be read: no manifest written "
		    "to '%s'", manifest_path);
	else if (manifest_write(manifest_path, manifest_ids) == -1)
		diag_error(ETV_SYS, "cannot write '%s': %s", manifest_path,
		    strerror(errno));
	json_decref(manifest_ids);
	manifest_ids = NULL;
}

static void
add_glob(char ***v, size_t *n, const char *pat)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = (char *)pat;
}

int
main(int argc, char *argv[])
{
	static char *devnull[] = { "/dev/null" };
	struct rec_reader *rd;
	const char *template = NULL, *columns = NULL;
	struct buf why = BUF_INIT;
	struct tpl *tpl = NULL;
	int ch, i, t;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "0j:L" OPT_COMMON_SHORT,
	    longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_INCLUDE:
			add_glob(&cfg.walk.include, &cfg.walk.ninclude,
			    optarg);
			break;
		case OPT_EXCLUDE:
			add_glob(&cfg.walk.exclude, &cfg.walk.nexclude,
			    optarg);
			break;
		case OPT_HIDDEN:
			cfg.walk.hidden = 1;
			break;
		case 'L':
			cfg.walk.follow = 1;
			break;
		case '0':
			cfg.null = 1;
			break;
		case OPT_TYPE:
			if ((t = doc_type_parse(optarg)) < 0)
				diag_usage("option '--type' needs text, "
				    "markdown, html, jsonl or csv, got '%s'",
				    optarg);
			cfg.x.type = t;
			break;
		case OPT_ENCODING:
			if (strcasecmp(optarg, "latin1") == 0 ||
			    strcasecmp(optarg, "iso-8859-1") == 0)
				cfg.x.latin1 = 1;
			else if (strcasecmp(optarg, "utf-8") == 0 ||
			    strcasecmp(optarg, "utf8") == 0)
				cfg.x.latin1 = 0;
			else
				diag_usage("option '--encoding' needs utf-8 "
				    "or latin1, got '%s'", optarg);
			break;
		case OPT_MAX_SIZE:
			cfg.x.max_size = opt_size("--max-size", optarg);
			break;
		case OPT_TEXT_TEMPLATE:
			template = optarg;
			break;
		case OPT_TEXT_COLUMNS:
			columns = optarg;
			break;
		case 'j':
			cfg.jobs = (int)opt_count("-j", optarg, 0, 256);
			break;
		case OPT_MANIFEST:
			manifest_path = optarg;
			break;
		case OPT_ID_FIELD:
			cfg.x.id_field_set = 1;
			opt_common(ch, usage_text);
			break;
		default:
			opt_common(ch, usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (cfg.jobs == 0)
		cfg.jobs = pool_ncpu();
	if (template && columns)
		diag_usage("options '--text-template' and '--text-columns' "
		    "cannot be used together");
	if (template && (tpl = tpl_parse(template, &why)) == NULL)
		diag_usage("option '--text-template': %s", why.data);
	if (columns && (tpl = tpl_columns(columns, &why)) == NULL)
		diag_usage("option '--text-columns': %s", why.data);
	if (cfg.x.type == DOC_CSV)
		opt.csv = 1;
	cfg.x.tpl = tpl;
	cfg.x.csv = opt.csv;
	cfg.x.text_field = opt.text_field;
	cfg.x.id_field = opt.id_field;
	if (argc == 0 && manifest_path)
		diag_usage("option '--manifest' lists the documents of the "
		    "paths walked; name them");
	if (argc == 0) {
		if (cfg.x.type >= 0 && cfg.x.type != DOC_JSONL &&
		    cfg.x.type != DOC_CSV)
			diag_usage("with no path, stdin is JSON-lines or CSV; "
			    "to read it as one document, name it: --type %s "
			    "/dev/stdin", doc_type_name((enum doc_type)
			    cfg.x.type));
		rd = rec_open(opt_reader(), 0, NULL);
		pool_run(rd, cfg.jobs, stdin_item, NULL);
		rec_close(rd);
	} else {
		/*
		 * The reader is used only to write: it owns --rejects, the
		 * counts and --max-rejects.  It is given /dev/null so that it
		 * never looks at stdin, which may be the list of paths.
		 */
		rd = rec_open(opt_reader(), 1, devnull);
		extract_note_output(&cfg.x, STDOUT_FILENO, NULL);
		/*
		 * The manifest of an earlier run goes first: a run that
		 * does not finish leaves none.
		 */
		if (manifest_path) {
			if (unlink(manifest_path) == -1 && errno != ENOENT)
				diag_fail(ETV_SYS, "cannot remove '%s': %s",
				    manifest_path, strerror(errno));
			manifest_ids = json_array();
		}
		if (opt.rejects)
			extract_note_output(&cfg.x, -1, opt.rejects);
		if (cfg.jobs > 1) {
			crew = crew_new(cfg.jobs - 1, ROUND_JOBS, crew_job,
			    NULL, NULL);
			jobs = xcalloc(ROUND_JOBS, sizeof(*jobs));
		}
		for (i = 0; i < argc; i++) {
			if (strcmp(argv[i], "-") == 0)
				extract_list(rd);
			else
				extract_operand(rd, argv[i]);
		}
		diag_verbose(1, "files %lu (text %lu, markdown %lu, html %lu, "
		    "jsonl %lu, csv %lu), %.1f MB; skipped: binary %lu, "
		    "over --max-size %lu, other %lu", count.files,
		    count.by_type[DOC_TEXT], count.by_type[DOC_MARKDOWN],
		    count.by_type[DOC_HTML], count.by_type[DOC_JSONL],
		    count.by_type[DOC_CSV], (double)count.bytes / 1e6,
		    count.binary, count.big, count.other);
		set_stats();
		crew_free(crew);
		for (i = 0; jobs && i < ROUND_JOBS; i++)
			rec_item_release(&jobs[i].it);
		free(jobs);
		rec_close(rd);
		write_manifest();
	}
	tpl_free(tpl);
	free(cfg.walk.include);
	free(cfg.walk.exclude);
	return diag_finish();
}
