/* etv-extract -- files, directories and CSV into document records */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/crew.h"
#include "lib/base/diag.h"
#include "lib/text/cp1252.h"
#include "lib/text/doc.h"
#include "lib/base/hash.h"
#include "lib/text/html.h"
#include "lib/text/markdown.h"
#include "lib/text/rfc3339.h"
#include "lib/json/jsonx.h"
#include "lib/index/manifest.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/json/table.h"
#include "lib/text/text.h"
#include "lib/text/tpl.h"
#include "lib/base/walk.h"
#include "lib/base/xmem.h"

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
	int		 type;		/* --type, or -1: by extension */
	int		 latin1;	/* --encoding latin1 */
	size_t		 max_size;	/* --max-size */
	int		 null;		/* -0: NUL-separated path list */
	struct tpl	*tpl;		/* CSV text, or NULL: all columns */
	int		 id_field_set;	/* --id-field given */
	int		 jobs;		/* -j */
	struct stat	 out[2];	/* stdout and --rejects, when files */
	int		 nout;		/* how many of out are set */
} cfg = { .type = -1, .max_size = (size_t)64 << 20, .jobs = 1 };

/* Counts for the -v summary of a run over files. */
struct tally {
	unsigned long	 files;		/* files read */
	unsigned long	 by_type[DOC_CSV + 1]; /* files read, by type */
	unsigned long	 binary;	/* skipped: NUL bytes */
	unsigned long	 big;		/* skipped: over --max-size */
	unsigned long	 other;		/* skipped: links to nothing, loops */
	unsigned long	 nread;		/* records read */
	unsigned long long bytes;	/* bytes read */
};

static struct tally count;

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
	struct tally	 n;		/* its counts */
};

/* The item that carries streamed records through the reader. */
static struct rec_item item = REC_ITEM_INIT;

/* Make an item ready for the next input unit. */
static struct rec_item *
item_start(struct rec_item *it, const char *file, unsigned long lineno)
{
	rec_item_reset(it);
	it->file = file;
	it->lineno = lineno;
	rec_item_set(it, "", 0);
	return it;
}

/* Report an I/O error on the item's file: status 4, the run goes on. */
static void
item_error(struct rec_item *it, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vformat(&it->msg, it->file, 0, fmt, ap);
	va_end(ap);
	it->status = ETV_SYS;
}

/* Write the item out; a fatal item (malformed input) ends the run. */
static void
item_done(struct rec_reader *rd, struct rec_item *it)
{
	if (rec_flush(rd, it))
		exit(diag_finish());
}

static json_t *
jstr(const char *s)
{
	json_t *v;

	if ((v = json_string(s)) == NULL)
		diag_fail(ETV_SYS, "internal error: string is not UTF-8");
	return v;
}

static void
set(json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		diag_fail(ETV_SYS, "out of memory");
}

/* "base:LINE", the id of a record that has none. */
static json_t *
line_id(const char *base, unsigned long lineno)
{
	struct buf b = BUF_INIT;
	json_t *v;

	buf_printf(&b, "%s:%lu", base, lineno);
	v = jstr(b.data);
	buf_release(&b);
	return v;
}

/*
 * A JSON-lines record: check its text, add "id" (base:LINE) when it has
 * none and "hash" of its text, and write it keeping its own bytes.
 */
static void
jsonl_record(struct rec_item *it, json_t *rec, const char *base)
{
	char tag[HASH_TAG_LEN + 1];
	const char *text, *why;
	json_t *add, *id;
	size_t len;

	if ((text = jsonx_string(rec, opt.text_field, &len, &why)) == NULL) {
		rec_malformed(it, "%s", why);
		return;
	}
	add = json_object();
	if ((id = json_object_get(rec, opt.id_field)) == NULL)
		set(add, opt.id_field, line_id(base, it->lineno));
	else if (!json_is_string(id)) {
		json_decref(add);
		rec_malformed(it, "field '%s' is not a string", opt.id_field);
		return;
	}
	set(add, "hash", jstr(hash_tag(tag, text, len)));
	rec_emit_merged(it, rec, add);
	json_decref(add);
}

/*
 * A CSV row (an object of column -> string): build its text and id and
 * write {"id","text","hash","meta"}.  meta is the file's meta (borrowed;
 * NULL for stdin) to which the row's line and fields are added.
 */
static void
csv_record(struct rec_item *it, json_t *row, const char *base,
    const json_t *fmeta)
{
	char tag[HASH_TAG_LEN + 1];
	struct buf text = BUF_INIT, num = BUF_INIT;
	const char *missing, *idv;
	json_t *rec, *meta, *id;

	if (tpl_render(cfg.tpl, row, &text, &missing) != 0) {
		rec_malformed(it, "column '%s' is not in the header", missing);
		goto out;
	}
	if ((id = json_object_get(row, opt.id_field)) != NULL) {
		if (json_is_number(id)) {
			/* A column typed (or inferred) as a number. */
			rec_dump_cells(&num, id);
			id = jstr(num.data);
			goto have_id;
		}
		idv = json_string_value(id);
		if (idv == NULL || *idv == '\0') {
			rec_malformed(it, "column '%s' is empty",
			    opt.id_field);
			goto out;
		}
		id = jstr(idv);
	} else if (cfg.id_field_set) {
		rec_malformed(it, "column '%s' is not in the header",
		    opt.id_field);
		goto out;
	} else
		id = line_id(base, it->lineno);
have_id:
	if (text.data == NULL)
		buf_grow(&text, 0), text.data[0] = '\0';
	rec = json_object();
	set(rec, "id", id);
	set(rec, "text", json_stringn(text.data, text.len));
	set(rec, "hash", jstr(hash_tag(tag, text.data, text.len)));
	meta = fmeta ? json_deep_copy(fmeta) : json_object();
	set(meta, "line", json_integer((json_int_t)it->lineno));
	set(meta, "type", jstr("csv"));
	set(meta, "fields", json_incref(row));
	set(rec, "meta", meta);
	rec_emit_cells(it, rec);
	json_decref(rec);
out:
	buf_release(&text);
	buf_release(&num);
}

/* One line of JSON-lines (or one CSV row) read from stdin. */
static void
stdin_item(struct rec_item *it, void *arg, int worker)
{
	json_t *rec;

	if ((rec = rec_parse(it)) == NULL)
		return;
	if (opt.csv)
		csv_record(it, rec, "<stdin>", NULL);
	else
		jsonl_record(it, rec, "<stdin>");
	json_decref(rec);
}

/*
 * The meta every record from a file starts with.  bytes is the size read,
 * or -1 for the size of a regular file (left out for a pipe).
 */
static json_t *
file_meta(const char *path, const struct stat *st, long long bytes)
{
	char when[RFC3339_LEN];
	json_t *meta;

	meta = json_object();
	set(meta, "path", jstr(path));
	if (bytes < 0 && S_ISREG(st->st_mode))
		bytes = (long long)st->st_size;
	if (bytes >= 0)
		set(meta, "bytes", json_integer((json_int_t)bytes));
	set(meta, "mtime", jstr(rfc3339_format(when, st->st_mtime)));
	return meta;
}

/* Is p[0..n) only blanks (a blank line, skipped but counted)? */
static int
blank(const char *p, size_t n)
{
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r')) {
		p++;
		n--;
	}
	return n == 0;
}

/* A line reader that never holds more than --max-line bytes of a line. */
struct lines {
	FILE		*fp;		/* borrowed input */
	char		*b;		/* buffer; owned */
	size_t		 cap;		/* its size */
	size_t		 pos, end;	/* unread bytes are b[pos..end) */
	int		 eof;		/* fp is exhausted */
};

/*
 * The next line, without its "\n": returns 1 with *p and *n set, 0 at the
 * end of input.  A line longer than max is read to its end but not kept:
 * *n is 0 and *skipped its length; with --rejects its bytes go to the
 * item's spill (rec_item_spill).  Bytes read go to *bytes.
 */
static int
next_line(struct lines *l, size_t max, const char **p, size_t *n,
    size_t *skipped, unsigned long long *bytes, struct rec_item *it)
{
	size_t scan = 0, got;
	char *nl;

	*skipped = 0;
	for (;;) {
		nl = l->end > l->pos + scan ? memchr(l->b + l->pos + scan, '\n',
		    l->end - l->pos - scan) : NULL;
		if (nl || (l->eof && l->pos + scan == l->end))
			break;
		scan = l->end - l->pos;
		if (scan > max) {
			/* Too long: forget it, look for its end. */
			if (opt.rejects)
				rec_item_spill(it, l->b + l->pos, scan);
			*skipped += scan;
			l->pos = l->end;
			scan = 0;
		}
		if (l->pos > 0) {
			memmove(l->b, l->b + l->pos, l->end - l->pos);
			l->end -= l->pos;
			l->pos = 0;
		}
		if (l->end == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 65536;
			l->b = xrealloc(l->b, l->cap);
		}
		got = fread(l->b + l->end, 1, l->cap - l->end, l->fp);
		*bytes += got;
		l->end += got;
		if (got == 0)
			l->eof = 1;
	}
	if (nl == NULL && scan == 0 && *skipped == 0)
		return 0;
	*p = l->b + l->pos;
	*n = nl ? (size_t)(nl - *p) : l->end - l->pos;
	l->pos += *n + (nl != NULL);
	if (*skipped || *n > max) {
		if (opt.rejects)
			rec_item_spill(it, *p, *n && (*p)[*n - 1] == '\r' ?
			    *n - 1 : *n);
		*skipped += *n;
		*n = 0;
	}
	return 1;
}

/*
 * Read a JSON-lines file: every line is a record (jsonl_record), bad
 * lines are malformed as on stdin.
 */
static void
extract_jsonl(struct rec_reader *rd, FILE *fp, const char *path,
    const char *rel)
{
	struct lines l = { fp, NULL, 0, 0, 0, 0 };
	struct rec_item *it;
	unsigned long lineno = 0;
	unsigned long long bytes = 0;
	const char *line;
	size_t n, skipped;
	json_t *rec;

	/* The item is started first: an over-long line spills into it. */
	while (it = item_start(&item, path, 0), next_line(&l, opt.max_line,
	    &line, &n, &skipped, &bytes, it)) {
		lineno++;
		it->lineno = lineno;
		count.bytes += bytes;
		rec_add_read(rd, 0, bytes);
		bytes = 0;
		if (n && line[n - 1] == '\r')
			n--;
		if (!skipped && blank(line, n))
			continue;
		rec_add_read(rd, 1, 0);
		if (skipped)
			it->bad = "line is longer than --max-line";
		else {
			rec_item_set(it, line, n);
			if (lineno == 1 && n >= 3 &&
			    memcmp(line, "\xef\xbb\xbf", 3) == 0)
				it->bad = "byte order mark not allowed";
		}
		if ((rec = rec_parse(it)) != NULL) {
			jsonl_record(it, rec, rel);
			json_decref(rec);
		}
		item_done(rd, it);
	}
	count.bytes += bytes;
	if (ferror(fp))
		diag_at(ETV_SYS, path, 0, "read error: %s", strerror(errno));
	free(l.b);
}

/* Read a CSV file with a header row: one record per row. */
static void
extract_csv(struct rec_reader *rd, FILE *fp, const char *path,
    const char *rel, const struct stat *st, int latin1)
{
	struct buf raw = BUF_INIT, line = BUF_INIT;
	struct rec_item *it;
	struct table *t;
	unsigned long lineno = 0;
	const char *why;
	json_t *row, *meta;
	int r, delim = opt.delimiter;
	size_t n = strlen(path);

	if (delim == ',' && n >= 4 && strcmp(path + n - 4, ".tsv") == 0)
		delim = '\t';
	meta = file_meta(path, st, -1);
	if (latin1)
		set(meta, "encoding", jstr("latin1"));
	t = table_open(fp, delim);
	table_set_types(t, opt.types);
	table_set_max(t, opt.max_line, opt.rejects != NULL);
	while ((r = table_next(t, &row, &lineno, &raw, &why)) != 0) {
		it = item_start(&item, path, lineno);
		rec_add_read(rd, 1, 0);
		if (r < 0 && strcmp(why, "read error") == 0) {
			diag_at(ETV_SYS, path, 0, "read error: %s",
			    strerror(errno));
			break;
		}
		if (r < 0) {
			rec_item_set(it, raw.data ? raw.data : "", raw.len);
			it->spill = table_spill(t);
			rec_malformed(it, "%s", why);
		} else {
			buf_reset(&line);
			rec_dump_cells(&line, row);
			rec_item_set(it, line.data, line.len);
			csv_record(it, row, rel, meta);
			json_decref(row);
		}
		item_done(rd, it);
	}
	count.bytes += (unsigned long long)st->st_size;
	rec_add_read(rd, 0, (unsigned long long)st->st_size);
	table_free(t);
	json_decref(meta);
	buf_release(&raw);
	buf_release(&line);
}

/*
 * Read a whole document, at most cfg.max_size bytes.  Returns 0, 1 when
 * it is larger, or -1 with errno set.
 */
static int
slurp(int fd, const struct stat *st, struct buf *b)
{
	ssize_t got;

	if (S_ISREG(st->st_mode) && (unsigned long long)st->st_size >
	    cfg.max_size)
		return 1;
	for (;;) {
		buf_grow(b, 65536);
		got = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		b->len += (size_t)got;
		if (b->len > cfg.max_size)
			return 1;
	}
	if (b->data == NULL)
		buf_grow(b, 0);
	b->data[b->len] = '\0';
	return 0;
}

/*
 * Refuse a document that is not UTF-8: the message gives the line of the
 * first bad byte, --rejects gets a record naming the file.
 */
static void
reject_encoding(struct rec_item *it, const char *rel, json_t *meta,
    const char *p, size_t off)
{
	struct buf msg = BUF_INIT;
	json_t *rec;
	char *s;

	it->lineno = doc_line_of(p, off);
	buf_printf(&msg, "not valid UTF-8 (byte %zu); try --encoding latin1",
	    off + 1);
	rec = json_object();
	set(rec, "id", jstr(rel));
	set(rec, "meta", json_incref(meta));
	set(rec, "error", jstr(msg.data));
	if ((s = json_dumps(rec, JSON_COMPACT)) == NULL)
		diag_fail(ETV_SYS, "out of memory");
	rec_item_set(it, s, strlen(s));
	free(s);
	json_decref(rec);
	rec_malformed(it, "%s", msg.data);
	buf_release(&msg);
}

/*
 * Is this file our own output (stdout or --rejects)?  Reading it would
 * read records as they are written, without end: "etv-extract docs >
 * docs/all.jsonl".
 */
static int
is_output(const struct stat *st)
{
	int i;

	for (i = 0; i < cfg.nout; i++)
		if (st->st_dev == cfg.out[i].st_dev &&
		    st->st_ino == cfg.out[i].st_ino)
			return 1;
	return 0;
}

/* Remember a regular file we write, so that the walk skips it. */
static void
note_output(int fd, const char *path)
{
	struct stat st;

	if ((path ? stat(path, &st) : fstat(fd, &st)) == 0 &&
	    S_ISREG(st.st_mode))
		cfg.out[cfg.nout++] = st;
}

/* Read a text, Markdown or HTML file into one record (any thread). */
static void
extract_doc(struct job *j, int fd, const struct stat *st)
{
	char tag[HASH_TAG_LEN + 1];
	struct rec_item *it = &j->it;
	struct buf b = BUF_INIT, line = BUF_INIT;
	char *conv = NULL, *html = NULL, *title = NULL;
	const char *text, *nul;
	size_t len, clen;
	ssize_t bad;
	json_t *meta;
	int r;

	if ((r = slurp(fd, st, &b)) < 0) {
		item_error(it, "read error: %s", strerror(errno));
		goto out;
	}
	if (r > 0) {
		rec_warn(it, "larger than --max-size (%zu bytes), skipped",
		    cfg.max_size);
		j->n.big++;
		goto out;
	}
	j->n.bytes += b.len;
	if ((nul = memchr(b.data, '\0', b.len)) != NULL) {
		rec_warn(it, "binary file (NUL byte at offset %zu), skipped",
		    (size_t)(nul - b.data));
		j->n.binary++;
		goto out;
	}
	j->n.files++;
	j->n.by_type[j->type]++;
	j->n.nread++;
	text = b.data;
	len = b.len;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	meta = file_meta(j->e->path, st, (long long)b.len);
	set(meta, "type", jstr(doc_type_name(j->type)));
	if ((bad = utf8_invalid(text, len)) >= 0) {
		/* A page that says it is Latin-1 is read as such. */
		if (!cfg.latin1 && !(j->type == DOC_HTML &&
		    html_latin1(text, len))) {
			reject_encoding(it, j->e->rel, meta, text,
			    (size_t)bad);
			json_decref(meta);
			goto out;
		}
		text = conv = cp1252_decode(text, len, &clen);
		len = clen;
		set(meta, "encoding", jstr("latin1"));
	}
	if (j->type == DOC_HTML)
		text = html = html_text(text, len, &len, &title);
	else if (j->type == DOC_MARKDOWN)
		title = md_title(text, len);
	if (title)
		set(meta, "title", jstr(title));
	/*
	 * The record is written here rather than by jansson, which encodes
	 * a long text a byte at a time; the bytes are the same.
	 */
	buf_adds(&line, "{\"id\":");
	doc_json_string(&line, j->e->rel, strlen(j->e->rel));
	buf_adds(&line, ",\"text\":");
	doc_json_string(&line, text, len);
	buf_printf(&line, ",\"hash\":\"%s\",\"meta\":",
	    hash_tag(tag, text, len));
	rec_dump(&line, meta);
	buf_addc(&line, '}');
	rec_emit_raw(it, line.data, line.len);
	json_decref(meta);
out:
	buf_release(&line);
	free(conv);
	free(html);
	free(title);
	buf_release(&b);
}

/*
 * Refuse a file whose name cannot be written as JSON: the item says why.
 * Returns 1 when the name is fine.
 */
static int
name_ok(struct rec_item *it, const char *path)
{
	static const char why[] = "file name is not valid UTF-8";

	if (utf8_invalid(path, strlen(path)) < 0)
		return 1;
	rec_item_set(it, "{\"error\":\"file name is not valid UTF-8\"}", 40);
	rec_malformed(it, "%s", why);
	return 0;
}

/*
 * Process a job of the walk that is not streamed: a document, or a
 * problem met by the walk.  Runs in worker threads: everything goes into
 * the job.
 */
static void
run_job(struct job *j)
{
	const struct walk_entry *e = j->e;
	struct rec_item *it = &j->it;
	struct stat st;
	int fd;

	if (e->kind == WALK_SKIP) {
		j->n.other++;
		if (e->err)
			rec_warn(it, "%s (%s), skipped", e->why,
			    strerror(e->err));
		else
			rec_warn(it, "%s, skipped", e->why);
		return;
	}
	if (e->kind == WALK_ERROR) {
		item_error(it, "%s: %s", e->why, strerror(e->err));
		return;
	}
	if (!name_ok(it, e->path)) {
		j->n.nread++;
		return;
	}
	if ((fd = open(e->path, O_RDONLY)) < 0) {
		item_error(it, "cannot open: %s", strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0)
		item_error(it, "cannot stat: %s", strerror(errno));
	else if (is_output(&st)) {
		rec_warn(it, "is the output, skipped");
		j->n.other++;
	} else if (!S_ISDIR(st.st_mode))
		extract_doc(j, fd, &st);
	close(fd);
}

/*
 * --encoding latin1 for a JSON-lines or CSV file: check that fp is UTF-8
 * and, when it is not, convert it as a whole into a temporary file.
 * Returns the stream to read from (fp rewound, or another; fp is closed
 * then) with *conv set when converted, or NULL after an error message
 * (fp is closed).
 */
static FILE *
to_utf8(FILE *fp, const struct stat *st, const char *path, int *conv)
{
	FILE *copy = NULL, *out = NULL;
	int valid;

	*conv = 0;
	/* A pipe cannot be read twice: keep what the check reads. */
	if (!S_ISREG(st->st_mode) && (copy = tmpfile()) == NULL)
		goto fail;
	if ((valid = text_stream_is_utf8(fp, copy)) < 0)
		goto fail;
	if (copy) {
		fclose(fp);
		fp = copy;
		copy = NULL;
	}
	if (fseek(fp, 0, SEEK_SET) != 0)
		goto fail;
	if (valid)
		return fp;
	if ((out = tmpfile()) == NULL || cp1252_stream(fp, out) != 0 ||
	    fseek(out, 0, SEEK_SET) != 0)
		goto fail;
	fclose(fp);
	*conv = 1;
	return out;
fail:
	diag_at(ETV_SYS, path, 0, "cannot read: %s", strerror(errno));
	fclose(fp);
	if (copy)
		fclose(copy);
	if (out)
		fclose(out);
	return NULL;
}

/* Stream a JSON-lines or CSV file of the walk (main thread). */
static void
stream_file(struct rec_reader *rd, const struct walk_entry *e,
    enum doc_type type)
{
	struct rec_item *it;
	struct stat st;
	FILE *fp;
	int fd, conv = 0;

	it = item_start(&item, e->path, 0);
	if (!name_ok(it, e->path)) {
		rec_add_read(rd, 1, 0);
		item_done(rd, it);
		return;
	}
	if ((fd = open(e->path, O_RDONLY)) < 0) {
		diag_at(ETV_SYS, e->path, 0, "cannot open: %s",
		    strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || (fp = fdopen(fd, "rb")) == NULL) {
		diag_at(ETV_SYS, e->path, 0, "cannot read: %s",
		    strerror(errno));
		close(fd);
		return;
	}
	if (is_output(&st)) {
		if (!diag_quiet)
			diag_at(ETV_OK, e->path, 0, "is the output, skipped");
		count.other++;
		fclose(fp);
		return;
	}
	if (cfg.latin1 && (fp = to_utf8(fp, &st, e->path, &conv)) == NULL)
		return;
	count.files++;
	count.by_type[type]++;
	if (type == DOC_JSONL)
		extract_jsonl(rd, fp, e->path, e->rel);
	else
		extract_csv(rd, fp, e->path, e->rel, &st, conv);
	fclose(fp);
}

/* Add a job's counts to the run's and write its output. */
static void
finish_job(struct rec_reader *rd, struct job *j)
{
	size_t k;

	if (j->stream) {
		stream_file(rd, j->e, j->type);
		return;
	}
	/*
	 * A document read, rejected or skipped still exists: the manifest
	 * names it, so that etv-index does not prune it.
	 */
	if (manifest_ids && j->e->kind == WALK_FILE &&
	    utf8_invalid(j->e->rel, strlen(j->e->rel)) < 0)
		json_array_append_new(manifest_ids, jstr(j->e->rel));
	count.files += j->n.files;
	for (k = 0; k <= DOC_CSV; k++)
		count.by_type[k] += j->n.by_type[k];
	count.binary += j->n.binary;
	count.big += j->n.big;
	count.other += j->n.other;
	count.bytes += j->n.bytes;
	rec_add_read(rd, j->n.nread, j->n.bytes);
	item_done(rd, &j->it);
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
job_init(struct job *j, const struct walk_entry *e)
{
	j->e = e;
	j->type = cfg.type >= 0 ? (enum doc_type)cfg.type :
	    doc_type_of(e->path, opt.csv);
	j->stream = e->kind == WALK_FILE &&
	    (j->type == DOC_JSONL || j->type == DOC_CSV);
	memset(&j->n, 0, sizeof(j->n));
	item_start(&j->it, e->path, 0);
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
			job_init(&one, &l.v[i]);
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
			job_init(&jobs[n], &l.v[i + n]);
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
			cfg.type = t;
			break;
		case OPT_ENCODING:
			if (strcasecmp(optarg, "latin1") == 0 ||
			    strcasecmp(optarg, "iso-8859-1") == 0)
				cfg.latin1 = 1;
			else if (strcasecmp(optarg, "utf-8") == 0 ||
			    strcasecmp(optarg, "utf8") == 0)
				cfg.latin1 = 0;
			else
				diag_usage("option '--encoding' needs utf-8 "
				    "or latin1, got '%s'", optarg);
			break;
		case OPT_MAX_SIZE:
			cfg.max_size = opt_size("--max-size", optarg);
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
			cfg.id_field_set = 1;
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
	if (template && (cfg.tpl = tpl_parse(template, &why)) == NULL)
		diag_usage("option '--text-template': %s", why.data);
	if (columns && (cfg.tpl = tpl_columns(columns, &why)) == NULL)
		diag_usage("option '--text-columns': %s", why.data);
	if (cfg.type == DOC_CSV)
		opt.csv = 1;
	if (argc == 0 && manifest_path)
		diag_usage("option '--manifest' lists the documents of the "
		    "paths walked; name them");
	if (argc == 0) {
		if (cfg.type >= 0 && cfg.type != DOC_JSONL &&
		    cfg.type != DOC_CSV)
			diag_usage("with no path, stdin is JSON-lines or CSV; "
			    "to read it as one document, name it: --type %s "
			    "/dev/stdin", doc_type_name((enum doc_type)
			    cfg.type));
		rd = rec_open(0, NULL);
		pool_run(rd, cfg.jobs, stdin_item, NULL);
		rec_close(rd);
	} else {
		/*
		 * The reader is used only to write: it owns --rejects, the
		 * counts and --max-rejects.  It is given /dev/null so that it
		 * never looks at stdin, which may be the list of paths.
		 */
		rd = rec_open(1, devnull);
		note_output(STDOUT_FILENO, NULL);
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
			note_output(-1, opt.rejects);
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
		crew_free(crew);
		for (i = 0; jobs && i < ROUND_JOBS; i++)
			rec_item_release(&jobs[i].it);
		free(jobs);
		rec_close(rd);
		write_manifest();
	}
	rec_item_release(&item);
	tpl_free(cfg.tpl);
	free(cfg.walk.include);
	free(cfg.walk.exclude);
	return diag_finish();
}
