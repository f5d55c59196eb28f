/* extract.c -- files and records into document records (etv-extract) */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/hash.h"
#include "lib/base/utf8.h"
#include "lib/extract/extract.h"
#include "lib/json/jsonx.h"
#include "lib/json/record.h"
#include "lib/text/cp1252.h"
#include "lib/text/doc.h"
#include "lib/text/html.h"
#include "lib/text/markdown.h"
#include "lib/text/rfc3339.h"
#include "lib/text/text.h"
#include "lib/text/tpl.h"

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

void
extract_note_output(struct extract_opts *o, int fd, const char *path)
{
	struct stat st;

	if ((path ? stat(path, &st) : fstat(fd, &st)) == 0 &&
	    S_ISREG(st.st_mode) && o->nout < 2)
		o->out[o->nout++] = st;
}

/*
 * Is this file our own output (stdout or --rejects)?  Reading it would
 * read records as they are written, without end: "etv-extract docs >
 * docs/all.jsonl".
 */
static int
is_output(const struct extract_opts *o, const struct stat *st)
{
	int i;

	for (i = 0; i < o->nout; i++)
		if (st->st_dev == o->out[i].st_dev &&
		    st->st_ino == o->out[i].st_ino)
			return 1;
	return 0;
}

enum doc_type
extract_type_of(const struct extract_opts *o, const char *path)
{
	return o->type >= 0 ? (enum doc_type)o->type :
	    doc_type_of(path, o->csv);
}

void
extract_tally_add(struct extract_tally *to, const struct extract_tally *from)
{
	size_t k;

	to->files += from->files;
	for (k = 0; k <= DOC_CSV; k++)
		to->by_type[k] += from->by_type[k];
	to->binary += from->binary;
	to->big += from->big;
	to->other += from->other;
	to->nread += from->nread;
	to->bytes += from->bytes;
}

/*
 * A JSON-lines record: check its text, add "id" (base:LINE) when it has
 * none and "hash" of its text, and write it keeping its own bytes.
 */
static void
jsonl_record(const struct extract_opts *o, struct rec_item *it, json_t *rec,
    const char *base)
{
	char tag[HASH_TAG_LEN + 1];
	const char *text;
	json_t *add, *id;
	size_t len;

	if ((text = rec_string(it, rec, o->text_field, &len)) == NULL)
		return;
	add = json_object();
	if ((id = json_object_get(rec, o->id_field)) == NULL)
		set(add, o->id_field, line_id(base, it->lineno));
	else if (!json_is_string(id)) {
		json_decref(add);
		rec_malformed(it, "field '%s' is not a string", o->id_field);
		return;
	}
	set(add, "hash", jstr(hash_tag(tag, text, len)));
	rec_emit_merged(it, rec, add);
	json_decref(add);
}

/*
 * A CSV row (an object of column -> value): build its text and id and
 * write {"id","text","hash","meta"}.  fmeta is the file's meta
 * (borrowed; NULL for stdin) to which the row's line and fields are
 * added.
 */
static void
csv_record(const struct extract_opts *o, struct rec_item *it, json_t *row,
    const char *base, const json_t *fmeta)
{
	char tag[HASH_TAG_LEN + 1];
	struct buf text = BUF_INIT, num = BUF_INIT;
	const char *missing, *idv;
	json_t *rec, *meta, *id;

	if (tpl_render(o->tpl, row, &text, &missing) != 0) {
		rec_malformed(it, "column '%s' is not in the header", missing);
		goto out;
	}
	if ((id = json_object_get(row, o->id_field)) != NULL) {
		if (json_is_number(id)) {
			/* A column typed (or inferred) as a number. */
			rec_dump_cells(&num, id);
			id = jstr(num.data);
			goto have_id;
		}
		idv = json_string_value(id);
		if (idv == NULL || *idv == '\0') {
			rec_malformed(it, "column '%s' is empty", o->id_field);
			goto out;
		}
		id = jstr(idv);
	} else if (o->id_field_set) {
		rec_malformed(it, "column '%s' is not in the header",
		    o->id_field);
		goto out;
	} else
		id = line_id(base, it->lineno);
have_id:
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

void
extract_record(const struct extract_opts *o, struct rec_item *it, int csv)
{
	json_t *rec;

	if ((rec = rec_parse(it)) == NULL)
		return;
	if (csv)
		csv_record(o, it, rec, "<stdin>", NULL);
	else
		jsonl_record(o, it, rec, "<stdin>");
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

/*
 * Read a whole document, at most max bytes.  Returns 0, 1 when it is
 * larger, or -1 with errno set.
 */
static int
slurp(int fd, const struct stat *st, size_t max, struct buf *b)
{
	ssize_t got;

	if (S_ISREG(st->st_mode) && (unsigned long long)st->st_size > max)
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
		if (b->len > max)
			return 1;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* Write {"error": why} as the item's line and report it as malformed. */
static void
malformed_as(struct rec_item *it, const char *rel, const json_t *meta,
    const char *why)
{
	struct buf line = BUF_INIT;

	buf_addc(&line, '{');
	if (rel) {
		buf_adds(&line, "\"id\":");
		rec_quote(&line, rel, strlen(rel));
		buf_adds(&line, ",\"meta\":");
		rec_dump(&line, meta);
		buf_addc(&line, ',');
	}
	buf_adds(&line, "\"error\":");
	rec_quote(&line, why, strlen(why));
	buf_addc(&line, '}');
	rec_item_set(it, line.data, line.len);
	buf_release(&line);
	rec_malformed(it, "%s", why);
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

	it->lineno = doc_line_of(p, off);
	buf_printf(&msg, "not valid UTF-8 (byte %zu); try --encoding latin1",
	    off + 1);
	malformed_as(it, rel, meta, msg.data);
	buf_release(&msg);
}

/* Report an I/O error on the item's file: status 4, the run goes on. */
static void
item_error(struct rec_item *it, const char *what, int err)
{
	diag_format(&it->msg, it->file, 0, "%s: %s", what, strerror(err));
	it->status = ETV_SYS;
}

/* Write a document's record: the bytes jansson would write, faster. */
static void
emit_doc(struct rec_item *it, const char *rel, const char *text, size_t len,
    const json_t *meta)
{
	char tag[HASH_TAG_LEN + 1];
	struct buf line = BUF_INIT;

	buf_adds(&line, "{\"id\":");
	rec_quote(&line, rel, strlen(rel));
	buf_adds(&line, ",\"text\":");
	rec_quote(&line, text, len);
	buf_adds(&line, ",\"hash\":");
	rec_quote(&line, hash_tag(tag, text, len), HASH_TAG_LEN);
	buf_adds(&line, ",\"meta\":");
	rec_dump(&line, meta);
	buf_addc(&line, '}');
	rec_emit_raw(it, line.data, line.len);
	buf_release(&line);
}

/* Read a text, Markdown or HTML file into one record (any thread). */
static void
extract_doc(const struct extract_opts *o, const struct walk_entry *e,
    enum doc_type type, int fd, const struct stat *st, struct rec_item *it,
    struct extract_tally *n)
{
	struct buf b = BUF_INIT;
	char *conv = NULL, *html = NULL, *title = NULL;
	const char *text, *nul;
	size_t len, clen;
	ssize_t bad;
	json_t *meta;
	int r;

	if ((r = slurp(fd, st, o->max_size, &b)) < 0) {
		item_error(it, "read error", errno);
		goto out;
	}
	if (r > 0) {
		rec_warn(it, "larger than --max-size (%zu bytes), skipped",
		    o->max_size);
		n->big++;
		goto out;
	}
	n->bytes += b.len;
	if ((nul = memchr(b.data, '\0', b.len)) != NULL) {
		rec_warn(it, "binary file (NUL byte at offset %zu), skipped",
		    (size_t)(nul - b.data));
		n->binary++;
		goto out;
	}
	n->files++;
	n->by_type[type]++;
	n->nread++;
	text = b.data;
	len = b.len;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	meta = file_meta(e->path, st, (long long)b.len);
	set(meta, "type", jstr(doc_type_name(type)));
	if ((bad = utf8_invalid(text, len)) >= 0) {
		/* A page that says it is Latin-1 is read as such. */
		if (!o->latin1 && !(type == DOC_HTML &&
		    html_latin1(text, len))) {
			reject_encoding(it, e->rel, meta, text, (size_t)bad);
			json_decref(meta);
			goto out;
		}
		text = conv = cp1252_decode(text, len, &clen);
		len = clen;
		set(meta, "encoding", jstr("latin1"));
	}
	if (type == DOC_HTML)
		text = html = html_text(text, len, &len, &title);
	else if (type == DOC_MARKDOWN)
		title = md_title(text, len);
	if (title)
		set(meta, "title", jstr(title));
	emit_doc(it, e->rel, text, len, meta);
	json_decref(meta);
out:
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
	if (utf8_invalid(path, strlen(path)) < 0)
		return 1;
	malformed_as(it, NULL, NULL, "file name is not valid UTF-8");
	return 0;
}

void
extract_file(const struct extract_opts *o, const struct walk_entry *e,
    enum doc_type type, struct rec_item *it, struct extract_tally *n)
{
	struct stat st;
	int fd;

	if (e->kind == WALK_SKIP) {
		n->other++;
		if (e->err)
			rec_warn(it, "%s (%s), skipped", e->why,
			    strerror(e->err));
		else
			rec_warn(it, "%s, skipped", e->why);
		return;
	}
	if (e->kind == WALK_ERROR) {
		item_error(it, e->why, e->err);
		return;
	}
	if (!name_ok(it, e->path)) {
		n->nread++;
		return;
	}
	if ((fd = open(e->path, O_RDONLY)) < 0) {
		item_error(it, "cannot open", errno);
		return;
	}
	if (fstat(fd, &st) != 0)
		item_error(it, "cannot stat", errno);
	else if (is_output(o, &st)) {
		rec_warn(it, "is the output, skipped");
		n->other++;
	} else if (!S_ISDIR(st.st_mode))
		extract_doc(o, e, type, fd, &st, it, n);
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
	if (!S_ISREG(st->st_mode) && (copy = iox_tmpfile()) == NULL)
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
	if ((out = iox_tmpfile()) == NULL || cp1252_stream(fp, out) != 0 ||
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

/*
 * Read the records of a JSON-lines or CSV file through a reader over fp
 * and write them through rd.  meta is the file's meta for CSV rows.
 */
static void
read_records(const struct extract_opts *o, struct rec_reader *rd, FILE *fp,
    const struct walk_entry *e, enum doc_type type, const json_t *meta,
    struct extract_tally *n)
{
	struct rec_item it = REC_ITEM_INIT;
	struct rec_config cfg = *rec_config_of(rd);
	struct rec_reader *in;
	size_t plen = strlen(e->path);
	json_t *rec;

	cfg.csv = type == DOC_CSV;
	if (cfg.csv && cfg.delimiter == ',' && plen >= 4 &&
	    strcmp(e->path + plen - 4, ".tsv") == 0)
		cfg.delimiter = '\t';
	in = rec_open_stream(&cfg, fp, e->path, rd);
	while (rec_getline(in, &it)) {
		if ((rec = rec_parse(&it)) != NULL) {
			if (cfg.csv)
				csv_record(o, &it, rec, e->rel, meta);
			else
				jsonl_record(o, &it, rec, e->rel);
			json_decref(rec);
		}
		if (rec_flush(rd, &it))
			exit(diag_finish());
	}
	n->bytes += rec_bytes(in);
	rec_close(in);
	rec_item_release(&it);
}

void
extract_stream(const struct extract_opts *o, struct rec_reader *rd,
    const struct walk_entry *e, enum doc_type type, struct extract_tally *n)
{
	struct rec_item it = REC_ITEM_INIT;
	json_t *meta = NULL;
	struct stat st;
	FILE *fp;
	int fd, conv = 0;

	rec_item_start(rd, &it, e->path, 0);
	if (!name_ok(&it, e->path)) {
		rec_add_read(rd, 1, 0);
		if (rec_flush(rd, &it))
			exit(diag_finish());
		rec_item_release(&it);
		return;
	}
	rec_item_release(&it);
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
	if (is_output(o, &st)) {
		if (!diag_quiet)
			diag_at(ETV_OK, e->path, 0, "is the output, skipped");
		n->other++;
		fclose(fp);
		return;
	}
	if (o->latin1 && (fp = to_utf8(fp, &st, e->path, &conv)) == NULL)
		return;
	n->files++;
	n->by_type[type]++;
	if (type == DOC_CSV) {
		meta = file_meta(e->path, &st, -1);
		if (conv)
			set(meta, "encoding", jstr("latin1"));
	}
	read_records(o, rd, fp, e, type, meta, n);
	if (type == DOC_CSV) {
		/* lib/table reads the file: count it as a whole. */
		n->bytes += (unsigned long long)st.st_size;
		rec_add_read(rd, 0, (unsigned long long)st.st_size);
	}
	json_decref(meta);
	fclose(fp);
}
