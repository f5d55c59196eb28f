/* record.c -- JSON-lines reader and writer, rejects, record counts */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/base/progress.h"
#include "lib/json/jsonx.h"
#include "lib/text/text.h"
#include "lib/json/record.h"
#include "lib/json/table.h"
#include "lib/base/xmem.h"

struct rec_reader {
	struct rec_config cfg;		/* how to read (rec_open's copy) */
	struct rec_reader *parent;	/* counts lines for this stream
					   reader, or NULL */
	int		 stream;	/* over one stream (rec_open_stream) */
	char		**names;	/* operands; borrowed from argv */
	int		 nnames;	/* number of operands */
	int		 next;		/* index of the next operand to open */
	FILE		*fp;		/* current input, NULL between files */
	const char	*file;		/* its display name */
	unsigned long	 lineno;	/* lines read from it so far */
	struct table	*table;		/* CSV reader over fp with --csv */
	char		*rbuf;		/* read buffer; owned */
	size_t		 rcap;		/* its size */
	size_t		 rpos, rend;	/* unread bytes are rbuf[rpos..rend) */
	int		 reof;		/* fp is at end of file */
	int		 rerr;		/* errno of a failed read, or 0 */
	int		 values;	/* rec_accept_values() */
	FILE		*rejects;	/* --rejects stream, or NULL */
	unsigned long	 nread, nout, nrej; /* counts for -v */
	unsigned long	 nbad;		/* of nrej, malformed lines */
	unsigned long long nbytes;	/* bytes read (rec_bytes) */
	int		 rej_status;	/* worst status of rejected records */
	struct rec_item	 cur;		/* rec_next()'s item */
	struct progress	*progress;	/* progress line, or NULL */
};

static const char stdin_name[] = "<stdin>";

/*
 * The counts of the run (rec_totals): the readers of rec_open closed so
 * far, and the one open now.
 */
static struct rec_totals closed;
static struct rec_reader *open_reader;

struct rec_reader *
rec_open(const struct rec_config *cfg, int argc, char **argv)
{
	static char *dash[] = { "-" };
	struct rec_reader *rd;
	unsigned long long total = 0;
	struct stat st;
	int i;

	/* Types given for JSON-lines would be ignored without a word. */
	if (cfg->types && !cfg->csv)
		diag_usage("option '--types' needs '--csv'");
	rd = xcalloc(1, sizeof(*rd));
	rd->cfg = *cfg;
	if (argc == 0) {
		argc = 1;
		argv = dash;
	}
	rd->names = argv;
	rd->nnames = argc;
	if (cfg->rejects && (rd->rejects = fopen(cfg->rejects, "w")) == NULL)
		diag_fail(ETV_SYS, "cannot create '%s': %s", cfg->rejects,
		    strerror(errno));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0 ? fstat(0, &st) == 0 :
		    stat(argv[i], &st) == 0) {
			if (S_ISREG(st.st_mode))
				total += (unsigned long long)st.st_size;
		}
	}
	rd->progress = progress_new(total);
	if (open_reader == NULL)
		open_reader = rd;
	return rd;
}

static void start_table(struct rec_reader *);

struct rec_reader *
rec_open_stream(const struct rec_config *cfg, FILE *fp, const char *name,
    struct rec_reader *parent)
{
	struct rec_reader *rd;

	rd = xcalloc(1, sizeof(*rd));
	rd->cfg = *cfg;
	rd->parent = parent;
	rd->stream = 1;
	rd->fp = fp;
	rd->file = name;
	start_table(rd);
	return rd;
}

const struct rec_config *
rec_config_of(const struct rec_reader *rd)
{
	return &rd->cfg;
}

void
rec_accept_values(struct rec_reader *rd)
{
	rd->values = 1;
}

unsigned long
rec_count(const struct rec_reader *rd)
{
	return rd->nread;
}

void
rec_totals(struct rec_totals *t)
{
	*t = closed;
	if (open_reader != NULL) {
		t->read += open_reader->nread;
		t->written += open_reader->nout;
		t->rejected += open_reader->nrej;
		t->malformed += open_reader->nbad;
	}
}

unsigned long long
rec_bytes(const struct rec_reader *rd)
{
	return rd->nbytes;
}

void
rec_add_read(struct rec_reader *rd, unsigned long n, unsigned long long bytes)
{
	rd->nread += n;
	rd->nbytes += bytes;
	progress_add(rd->progress, 0, bytes);
	if (rd->parent)
		rec_add_read(rd->parent, n, bytes);
}

/* With csv, a table reader over the current input. */
static void
start_table(struct rec_reader *rd)
{
	if (!rd->cfg.csv)
		return;
	rd->table = table_open(rd->fp, rd->cfg.delimiter);
	table_set_types(rd->table, rd->cfg.types);
	table_set_max(rd->table, rd->cfg.max_line, rd->cfg.rejects != NULL);
}

/* Open the next operand.  Returns 0, or -1 when there are none left. */
static int
next_file(struct rec_reader *rd)
{
	const char *name;

	while (rd->next < rd->nnames) {
		name = rd->names[rd->next++];
		rd->lineno = 0;
		rd->rpos = rd->rend = 0;
		rd->reof = 0;
		rd->rerr = 0;
		if (strcmp(name, "-") == 0) {
			rd->fp = stdin;
			rd->file = stdin_name;
		} else if ((rd->fp = fopen(name, "rb")) == NULL) {
			diag_error(ETV_SYS, "cannot open '%s': %s", name,
			    strerror(errno));
			continue;
		} else
			rd->file = name;
		start_table(rd);
		return 0;
	}
	return -1;
}

static void
close_file(struct rec_reader *rd)
{
	if (rd->fp && (rd->rerr || ferror(rd->fp)))
		diag_error(ETV_SYS, "%s: read error: %s", rd->file,
		    strerror(rd->rerr ? rd->rerr : errno));
	table_free(rd->table);
	rd->table = NULL;
	if (rd->stream)
		;	/* the caller's stream */
	else if (rd->fp && rd->fp != stdin)
		fclose(rd->fp);
	else if (rd->fp)
		clearerr(stdin);
	rd->fp = NULL;
}

void
rec_item_set(struct rec_item *it, const char *p, size_t n)
{
	if (it->cap < n + 1) {
		it->cap = n + 1 < 256 ? 256 : n + 1;
		free(it->line);
		it->line = xmalloc(it->cap);
	}
	memcpy(it->line, p, n);
	it->line[n] = '\0';
	it->len = n;
	it->scanned = 0;
}

void
rec_item_start(struct rec_reader *rd, struct rec_item *it, const char *file,
    unsigned long lineno)
{
	rec_item_reset(it);
	it->values = rd->values;
	it->rejects = rd->cfg.rejects != NULL;
	it->file = file;
	it->lineno = lineno;
	rec_item_set(it, "", 0);
}

void
rec_item_reset(struct rec_item *it)
{
	if (it->out.data == NULL) {
		/* A zeroed item (calloc), never used. */
		buf_init(&it->out);
		buf_init(&it->rej);
		buf_init(&it->msg);
		buf_init(&it->aux);
		buf_init(&it->badmsg);
	}
	json_decref(it->obj);
	it->obj = NULL;
	it->scanned = 0;
	buf_reset(&it->out);
	buf_reset(&it->rej);
	buf_reset(&it->msg);
	buf_reset(&it->aux);
	it->status = it->rej_status = it->fatal = 0;
	it->nout = it->nrej = it->nbad = 0;
	it->bad = NULL;
	if (it->spill)
		fclose(it->spill);
	it->spill = NULL;
	it->spill_rej = 0;
}

void
rec_item_spill(struct rec_item *it, const char *p, size_t n)
{
	if (it->spill == NULL && (it->spill = iox_tmpfile()) == NULL)
		diag_fail(ETV_SYS, "cannot create a temporary file: %s",
		    strerror(errno));
	if (n && fwrite(p, 1, n, it->spill) != n)
		diag_fail(ETV_SYS, "cannot write a temporary file: %s",
		    strerror(errno));
}

/* Copy an item's spilled line to the rejects file, with its newline. */
static void
spill_out(struct rec_item *it, FILE *to)
{
	char b[65536];
	size_t n;

	if (fflush(it->spill) == EOF || fseek(it->spill, 0, SEEK_SET) != 0)
		diag_fail(ETV_SYS, "cannot read a temporary file: %s",
		    strerror(errno));
	while ((n = fread(b, 1, sizeof(b), it->spill)) > 0)
		iox_write(to, b, n);
	if (ferror(it->spill))
		diag_fail(ETV_SYS, "cannot read a temporary file: %s",
		    strerror(errno));
	iox_write(to, "\n", 1);
}

static void
fill(struct rec_reader *rd)
{
	ssize_t n;

	if (rd->rpos > 0) {
		memmove(rd->rbuf, rd->rbuf + rd->rpos, rd->rend - rd->rpos);
		rd->rend -= rd->rpos;
		rd->rpos = 0;
	}
	if (rd->rend == rd->rcap) {
		rd->rcap = rd->rcap ? rd->rcap * 2 : 1 << 16;
		rd->rbuf = xrealloc(rd->rbuf, rd->rcap);
	}
	/*
	 * read(2), not fread: it returns what a pipe holds now, so that an
	 * interactive producer's line is handled (and, with --unbuffered,
	 * written) at once instead of after 64 KiB more.
	 */
	do
		n = read(fileno(rd->fp), rd->rbuf + rd->rend,
		    rd->rcap - rd->rend);
	while (n == -1 && errno == EINTR);
	if (n <= 0) {
		rd->reof = 1;
		if (n == -1)
			rd->rerr = errno;
		return;
	}
	rd->rend += (size_t)n;
	rec_add_read(rd, 0, (unsigned long long)n);
}

/*
 * Read one raw line of the current file into the item.  Returns 1, or 0
 * at its end.  A line longer than --max-line is skipped up to its newline
 * and handed over as malformed.
 */
static int
read_line(struct rec_reader *rd, struct rec_item *it)
{
	size_t scanned = 0, len, skipped = 0;
	char *nl;

	for (;;) {
		nl = rd->rend > rd->rpos + scanned ? memchr(rd->rbuf + rd->rpos +
		    scanned, '\n', rd->rend - rd->rpos - scanned) : NULL;
		if (nl)
			break;
		scanned = rd->rend - rd->rpos;
		if (scanned > rd->cfg.max_line) {
			/* Too long: drop what we have, keep looking for \n. */
			if (rd->cfg.rejects)
				rec_item_spill(it, rd->rbuf + rd->rpos,
				    scanned);
			skipped += scanned;
			rd->rpos = rd->rend;
			scanned = 0;
		}
		if (rd->reof)
			break;
		fill(rd);
	}
	if (nl == NULL && rd->rpos == rd->rend && skipped == 0)
		return 0;
	len = nl ? (size_t)(nl - (rd->rbuf + rd->rpos)) :
	    rd->rend - rd->rpos;
	rd->lineno++;
	if (skipped || len > rd->cfg.max_line) {
		/* Verbatim, as other rejected lines: without a CRLF's CR. */
		if (rd->cfg.rejects)
			rec_item_spill(it, rd->rbuf + rd->rpos, len && rd->rbuf[
			    rd->rpos + len - 1] == '\r' ? len - 1 : len);
		rec_item_set(it, "", 0);
		it->bad = "line is longer than --max-line";
	} else {
		if (len && rd->rbuf[rd->rpos + len - 1] == '\r')
			rec_item_set(it, rd->rbuf + rd->rpos, len - 1);
		else
			rec_item_set(it, rd->rbuf + rd->rpos, len);
		if (rd->lineno == 1 && it->len >= 3 &&
		    memcmp(it->line, "\xef\xbb\xbf", 3) == 0)
			it->bad = "byte order mark not allowed";
	}
	rd->rpos += len + (nl != NULL);
	return 1;
}

/* Read one CSV row: its object, or the raw row when it is bad. */
static int
read_row(struct rec_reader *rd, struct rec_item *it)
{
	struct buf raw = BUF_INIT;
	json_t *o;
	int r;

	r = table_next(rd->table, &o, &rd->lineno, &raw, &it->badmsg);
	if (r == 1) {
		it->obj = o;
		rec_item_set(it, "", 0);
	} else if (r == -1) {
		rec_item_set(it, raw.data, raw.len);
		it->bad = it->badmsg.data;
		/* An over-long row, kept for the rejects file. */
		it->spill = table_spill(rd->table);
	}
	buf_release(&raw);
	return r != 0;
}

int
rec_getline(struct rec_reader *rd, struct rec_item *it)
{
	rec_item_reset(it);
	it->values = rd->values;
	it->rejects = rd->cfg.rejects != NULL;
	for (;;) {
		if (rd->fp == NULL && (rd->stream || next_file(rd) == -1))
			return 0;
		if (rd->table ? read_row(rd, it) : read_line(rd, it)) {
			if (it->bad == NULL && it->obj == NULL &&
			    text_blank_line(it->line, it->len))
				continue;
			it->file = rd->file;
			it->lineno = rd->lineno;
			rec_add_read(rd, 1, 0);
			return 1;
		}
		close_file(rd);
	}
}

/* Add the item's record as it came (rec_text) to its rejects. */
static void
reject_text(struct rec_item *it)
{
	size_t n;
	const char *p = rec_text(it, &n);

	buf_add(&it->rej, p, n);
	buf_addc(&it->rej, '\n');
}

int
rec_malformed(struct rec_item *it, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vformat(&it->msg, it->file, it->lineno, fmt, ap);
	va_end(ap);
	if (it->rejects) {
		if (it->spill)
			it->spill_rej = 1;
		else
			reject_text(it);
		it->nrej++;
		it->nbad++;
		if (it->rej_status < ETV_DATA)
			it->rej_status = ETV_DATA;
	} else {
		it->fatal = 1;
		it->status = ETV_DATA;
	}
	return ETV_DATA;
}

const char *
rec_string(struct rec_item *it, const json_t *rec, const char *field,
    size_t *len)
{
	struct buf why = BUF_INIT;
	const char *s;

	if ((s = jsonx_string(rec, field, len, &why)) == NULL)
		rec_malformed(it, "%s", why.data);
	buf_release(&why);
	return s;
}

/*
 * A JSON array (a whole file of records as one array, or its first line
 * when it is pretty-printed) is a common mistake with a known remedy.
 */
static const char array_hint[] = " (a JSON array: for one record per "
    "element, convert it with jq -c '.[]')";

static int
array_start(const char *p, size_t n)
{
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	return n > 0 && *p == '[';
}

json_t *
rec_decode(struct rec_item *it, struct buf *err)
{
	json_error_t jerr;
	json_t *v;

	if (it->bad) {
		buf_fail(err, "%s", it->bad);
		return NULL;
	}
	if (it->obj)
		return json_incref(it->obj);
	v = json_loadb(it->line, it->len, JSON_REJECT_DUPLICATES |
	    (it->values ? JSON_DECODE_ANY : 0), &jerr);
	if (v == NULL) {
		buf_fail(err, "invalid JSON: %s (column %d)%s", jerr.text,
		    jerr.column, array_start(it->line, it->len) ?
		    array_hint : "");
		return NULL;
	}
	if (!it->values && !json_is_object(v)) {
		buf_fail(err, "record is not a JSON object%s",
		    json_is_array(v) ? array_hint : "");
		json_decref(v);
		return NULL;
	}
	return v;
}

json_t *
rec_parse(struct rec_item *it)
{
	struct buf why = BUF_INIT;
	json_t *v;

	if ((v = rec_decode(it, &why)) == NULL)
		rec_malformed(it, "%s", why.data);
	buf_release(&why);
	return v;
}

const struct jsonscan *
rec_scan(struct rec_item *it)
{
	it->scanned = it->bad == NULL && it->obj == NULL &&
	    jsonscan_record(it->line, it->len, &it->scan);
	return it->scanned ? &it->scan : NULL;
}

const char *
rec_text(struct rec_item *it, size_t *len)
{
	struct buf b = BUF_INIT;

	if (it->obj && it->len == 0) {
		rec_dump_cells(&b, it->obj);
		rec_item_set(it, b.data, b.len);
		buf_release(&b);
	}
	*len = it->len;
	return it->line;
}

void
rec_reject(struct rec_item *it, const json_t *rec, int status,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vformat(&it->msg, it->file, it->lineno, fmt, ap);
	va_end(ap);
	if (it->rejects) {
		if (rec) {
			rec_dump(&it->rej, rec);
			buf_addc(&it->rej, '\n');
		} else
			reject_text(it);
	}
	it->nrej++;
	if (it->rej_status < status)
		it->rej_status = status;
}

void
rec_warn(struct rec_item *it, const char *fmt, ...)
{
	va_list ap;

	if (diag_quiet)
		return;
	va_start(ap, fmt);
	diag_vformat(&it->msg, it->file, it->lineno, fmt, ap);
	va_end(ap);
}

static int
dump_cb(const char *p, size_t n, void *arg)
{
	buf_add(arg, p, n);
	return 0;
}

static void
dump_with(struct buf *b, const json_t *v, size_t flags)
{
	if (json_dump_callback(v, dump_cb, b, flags | JSON_ENCODE_ANY) != 0)
		diag_fail(ETV_SYS, "cannot encode record");
}

void
rec_dump(struct buf *b, const json_t *v)
{
	dump_with(b, v, JSON_COMPACT);
}

void
rec_dump_cells(struct buf *b, const json_t *v)
{
	dump_with(b, v, TABLE_DUMP_FLAGS);
}

void
rec_emit(struct rec_item *it, const json_t *rec)
{
	rec_dump(&it->out, rec);
	buf_addc(&it->out, '\n');
	it->nout++;
}

void
rec_emit_cells(struct rec_item *it, const json_t *rec)
{
	rec_dump_cells(&it->out, rec);
	buf_addc(&it->out, '\n');
	it->nout++;
}

void
rec_emit_raw(struct rec_item *it, const char *p, size_t n)
{
	buf_add(&it->out, p, n);
	buf_addc(&it->out, '\n');
	it->nout++;
}

void
rec_emit_same(struct rec_item *it)
{
	size_t n;

	rec_text(it, &n);
	rec_emit_raw(it, it->line, n);
}

/*
 * Are the 8 bytes of v plain (no control character, '"' or '\\')?  The
 * classic "has a byte less than n" tests, for 0x20 and for a zero byte
 * after an exclusive or with '"' and with '\\'.
 */
static int
plain8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = ones << 7;
	uint64_t q, b;

	q = v ^ (ones * '"');
	b = v ^ (ones * '\\');
	return (((v - ones * 0x20) & ~v) | ((q - ones) & ~q) |
	    ((b - ones) & ~b)) & highs ? 0 : 1;
}

void
rec_quote(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, run = 0;
	unsigned char c;
	uint64_t v;

	buf_grow(b, n + 2);
	b->data[b->len++] = '"';
	for (;;) {
		/* Plain text goes 8 bytes at a time. */
		while (i + 8 <= n) {
			memcpy(&v, s + i, 8);
			if (!plain8(v))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = (unsigned char)s[i++];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - 1 - run);
		run = i;
		switch (c) {
		case '"':  buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\b': buf_adds(b, "\\b"); break;
		case '\f': buf_adds(b, "\\f"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default:
			buf_adds(b, "\\u00");
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
	buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

/*
 * The walk of rec_splice over an object already known to be valid JSON:
 * no checks, only where each token ends.
 */
static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * p is after an opening quote; returns the address after the closing one:
 * the first quote not escaped by an odd run of backslashes.
 */
static const char *
skip_string(const char *p, const char *end)
{
	const char *q;
	size_t bs;

	while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		for (bs = 0; q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\'; bs++)
			;
		if (bs % 2 == 0)
			return q + 1;
		p = q + 1;
	}
	return end;
}

static const char *
skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (*p == '"')
		return skip_string(p + 1, end);
	if (*p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']' &&
		    *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		return p;
	}
	do {
		if (*p == '"') {
			p = skip_string(p + 1, end);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		p++;
	} while (depth > 0 && p < end);
	return p;
}

/* Does the key k[0..n) (its bytes between the quotes) spell name? */
static int
same_key(const char *k, size_t n, const char *name)
{
	json_t *v;
	int same;

	if (memchr(k, '\\', n) == NULL)
		return strlen(name) == n && memcmp(k, name, n) == 0;
	/* An escaped name: let jansson decode it (rare). */
	if ((v = json_loadb(k - 1, n + 2, JSON_DECODE_ANY, NULL)) == NULL)
		return 0;
	same = strcmp(json_string_value(v), name) == 0;
	json_decref(v);
	return same;
}

/* Append a member, after a comma when it follows another. */
static void
add_member(struct buf *b, const struct rec_member *m, int comma)
{
	if (comma)
		buf_addc(b, ',');
	rec_quote(b, m->key, strlen(m->key));
	buf_addc(b, ':');
	buf_add(b, m->val, m->vallen);
}

void
rec_splice(struct buf *b, const char *line, size_t len,
    const struct rec_member *m, size_t n)
{
	const char *end = line + len, *from, *p, *k, *v;
	unsigned long long done = 0;
	size_t i, members = 0;

	assert(n <= 64);
	p = skip_space(line, end) + 1;		/* after '{' */
	from = line;
	for (;;) {
		p = skip_space(p, end);
		if (p >= end || *p == '}')
			break;
		if (*p == ',')
			p = skip_space(p + 1, end);
		k = p + 1;
		p = skip_string(k, end);
		i = 0;
		while (i < n && ((done >> i & 1) ||
		    !same_key(k, (size_t)(p - 1 - k), m[i].key)))
			i++;
		p = skip_space(skip_space(p, end) + 1, end);	/* ':' */
		v = p;
		p = skip_value(p, end);
		members++;
		if (i < n) {
			buf_add(b, from, (size_t)(v - from));
			buf_add(b, m[i].val, m[i].vallen);
			from = p;
			done |= 1ULL << i;
		}
	}
	buf_add(b, from, (size_t)(p - from));
	for (i = 0; i < n; i++) {
		if (done >> i & 1)
			continue;
		add_member(b, &m[i], members++ > 0);
	}
	buf_addc(b, '}');
}

/* Do none of the members' keys name a member of the scanned line? */
static int
keys_absent(const struct jsonscan *sc, const struct rec_member *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (jsonscan_get(sc, m[i].key) != NULL)
			return 0;
	return 1;
}

/*
 * rec_splice when none of the keys is in the line: the members go before
 * its closing brace, the last '}' of the line.
 */
static void
append_members(struct buf *b, const char *line, size_t len, int members,
    const struct rec_member *m, size_t n)
{
	const char *brace = line + len;
	size_t i;

	while (brace > line && brace[-1] != '}')
		brace--;
	buf_add(b, line, (size_t)(brace - 1 - line));
	for (i = 0; i < n; i++)
		add_member(b, &m[i], members || i > 0);
	buf_addc(b, '}');
}

void
rec_begin(struct rec_item *it)
{
	buf_addc(&it->out, '{');
}

/* Start a member: a comma unless b is empty or just opened an object. */
static void
separate(struct buf *b)
{
	if (b->len > 0 && b->data[b->len - 1] != '{')
		buf_addc(b, ',');
}

void
rec_key(struct buf *b, const char *key)
{
	separate(b);
	rec_quote(b, key, strlen(key));
	buf_addc(b, ':');
}

void
rec_uint(struct buf *b, unsigned long long v)
{
	char d[24], *e = d + sizeof(d), *q = e;

	do
		*--q = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	buf_add(b, q, (size_t)(e - q));
}

void
rec_members(struct buf *b, const struct buf *members)
{
	if (members->len == 0)
		return;
	separate(b);
	buf_add(b, members->data, members->len);
}

void
rec_end(struct rec_item *it)
{
	buf_add(&it->out, "}\n", 2);
	it->nout++;
}

void
rec_emit_members(struct rec_item *it, const struct rec_member *m, size_t n)
{
	size_t len;

	/*
	 * A CSV row is encoded and spliced rather than updated and encoded:
	 * the members' values keep their own bytes, as for a line.
	 */
	(void)rec_text(it, &len);
	if (it->scanned && keys_absent(&it->scan, m, n))
		append_members(&it->out, it->line, it->len, it->scan.n > 0,
		    m, n);
	else
		rec_splice(&it->out, it->line, it->len, m, n);
	buf_addc(&it->out, '\n');
	it->nout++;
}

void
rec_emit_merged(struct rec_item *it, json_t *orig, const json_t *add)
{
	struct rec_member m[64];
	struct buf vals = BUF_INIT;
	size_t off[64], n = 0, i;
	const char *key;
	json_t *v;

	if (it->bad || json_object_size(add) > 64) {
		json_object_update(orig, (json_t *)add);
		rec_emit(it, orig);
		return;
	}
	json_object_foreach((json_t *)add, key, v) {
		m[n].key = key;
		off[n] = vals.len;
		rec_dump(&vals, v);
		m[n].vallen = vals.len - off[n];
		n++;
	}
	for (i = 0; i < n; i++)
		m[i].val = vals.data + off[i];
	rec_emit_members(it, m, n);
	buf_release(&vals);
}

void
rec_flush_batch(struct rec_reader *rd, struct rec_item *it)
{
	if (it->out.len < 65536)
		return;
	if (rec_flush(rd, it))
		exit(diag_finish());
	rec_item_start(rd, it, "-", 0);
}

int
rec_unbuffered(const struct rec_reader *rd)
{
	return rd->cfg.unbuffered;
}

int
rec_flush(struct rec_reader *rd, struct rec_item *it)
{
	if (it->msg.len)
		diag_puts(it->msg.data);
	if (it->out.len) {
		progress_hide(rd->progress);
		iox_write(stdout, it->out.data, it->out.len);
		if (rd->cfg.unbuffered && fflush(stdout) == EOF)
			diag_write_failed();
	}
	if (it->rej.len && rd->rejects)
		iox_write(rd->rejects, it->rej.data, it->rej.len);
	if (it->spill_rej && rd->rejects)
		spill_out(it, rd->rejects);
	rd->nout += it->nout;
	rd->nrej += it->nrej;
	rd->nbad += it->nbad;
	if (it->rej_status > rd->rej_status)
		rd->rej_status = it->rej_status;
	diag_status(it->status);
	progress_add(rd->progress, 1, 0);
	return it->fatal;
}

json_t *
rec_next(struct rec_reader *rd)
{
	json_t *v;

	for (;;) {
		if (rec_flush(rd, &rd->cur))
			exit(diag_finish());
		rec_item_reset(&rd->cur);
		if (!rec_getline(rd, &rd->cur))
			return NULL;
		if ((v = rec_parse(&rd->cur)) != NULL)
			return v;
	}
}

struct rec_item *
rec_item_of(struct rec_reader *rd)
{
	return &rd->cur;
}

void
rec_item_release(struct rec_item *it)
{
	if (it->spill)
		fclose(it->spill);
	json_decref(it->obj);
	free(it->line);
	buf_release(&it->badmsg);
	buf_release(&it->out);
	buf_release(&it->rej);
	buf_release(&it->msg);
	buf_release(&it->aux);
	*it = (struct rec_item)REC_ITEM_INIT;
}

void
rec_close(struct rec_reader *rd)
{
	int forgive;

	if (rd == NULL)
		return;
	if (rec_flush(rd, &rd->cur))
		exit(diag_finish());
	rec_item_release(&rd->cur);
	close_file(rd);
	progress_free(rd->progress);
	if (rd->stream) {
		/* Its items were flushed, and counted, by the parent. */
		free(rd->rbuf);
		free(rd);
		return;
	}
	forgive = rd->cfg.max_rejects_pct >= 0 ? rd->nrej * 100.0 <=
	    rd->cfg.max_rejects_pct * (double)rd->nread :
	    rd->nrej <= rd->cfg.max_rejects;
	if (!forgive)
		diag_status(rd->rej_status);
	if (rd->rejects && (fflush(rd->rejects) == EOF ||
	    ferror(rd->rejects) || fclose(rd->rejects) == EOF))
		diag_error(ETV_SYS, "cannot write '%s': %s", rd->cfg.rejects,
		    strerror(errno));
	diag_verbose(1, "read %lu, wrote %lu, rejected %lu", rd->nread,
	    rd->nout, rd->nrej);
	closed.read += rd->nread;
	closed.written += rd->nout;
	closed.rejected += rd->nrej;
	closed.malformed += rd->nbad;
	if (open_reader == rd)
		open_reader = NULL;
	free(rd->rbuf);
	free(rd);
}
