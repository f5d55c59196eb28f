/* table.c -- CSV with a header row, read as records (libcsv) */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "lib/buf.h"
#include "lib/table.h"
#include "lib/xmem.h"

/* A row as libcsv hands it over: fields in one buffer, NUL-separated. */
struct row {
	struct buf	 bytes;		/* the fields, each NUL-terminated */
	size_t		*off;		/* start of each field in bytes; owned */
	size_t		*len;		/* length of each field; owned */
	size_t		 n, cap;	/* fields in use, allocated */
	unsigned long	 nl;		/* newlines inside the row's fields */
};

struct table {
	FILE		*fp;		/* borrowed input */
	struct csv_parser p;		/* libcsv state */
	struct row	 cur;		/* row being assembled */
	struct row	*ready;		/* complete rows; owned */
	unsigned long	*ready_line;	/* first line of each ready row */
	size_t		 nready, head, rcap; /* queue of ready rows */
	char		**names;	/* header names; owned */
	size_t		 nnames;	/* header fields */
	int		 have_header;	/* header row read */
	const char	*bad_header;	/* why every row is bad, or NULL */
	unsigned long	 line;		/* lines fed to the parser so far */
	int		 eof;		/* input exhausted, parser finished */
	int		 delim;		/* field delimiter */
	char		 chunk[65536];	/* read buffer */
	size_t		 clen, cpos;	/* bytes in chunk, next to feed */
};

static void
row_field(void *data, size_t len, void *arg)
{
	struct table *t = arg;
	struct row *r = &t->cur;
	const char *p = data ? data : "";

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->off = xreallocarray(r->off, r->cap, sizeof(*r->off));
		r->len = xreallocarray(r->len, r->cap, sizeof(*r->len));
	}
	r->off[r->n] = r->bytes.len;
	r->len[r->n] = len;
	r->n++;
	buf_add(&r->bytes, p, len);
	buf_addc(&r->bytes, '\0');
	while (len && (p = memchr(p, '\n', len)) != NULL) {
		r->nl++;
		len -= (size_t)(p - (const char *)data) + 1;
		data = (char *)p + 1;
		p++;
	}
}

static void
row_end(int c, void *arg)
{
	struct table *t = arg;
	struct row *r = &t->cur;

	if (t->nready == t->rcap) {
		t->rcap = t->rcap ? t->rcap * 2 : 8;
		t->ready = xreallocarray(t->ready, t->rcap, sizeof(*t->ready));
		t->ready_line = xreallocarray(t->ready_line, t->rcap,
		    sizeof(*t->ready_line));
	}
	/*
	 * t->line newlines came before the line being fed, on which the row
	 * ends; it began r->nl lines earlier.  (c is the terminator, or -1
	 * at the end of input: the same line either way.)
	 */
	t->ready_line[t->nready] = t->line - r->nl;
	t->ready[t->nready++] = *r;
	memset(r, 0, sizeof(*r));
}

static void
row_free(struct row *r)
{
	buf_release(&r->bytes);
	free(r->off);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

struct table *
table_open(FILE *fp, int delim)
{
	struct table *t;

	t = xcalloc(1, sizeof(*t));
	t->fp = fp;
	t->delim = delim;
	if (csv_init(&t->p, CSV_APPEND_NULL) != 0)
		abort();
	csv_set_delim(&t->p, (unsigned char)delim);
	return t;
}

/* Feed input one line at a time, so that t->line is the line being fed. */
static int
feed(struct table *t)
{
	const char *nl;
	size_t n;

	if (t->cpos == t->clen) {
		t->clen = fread(t->chunk, 1, sizeof(t->chunk), t->fp);
		t->cpos = 0;
		if (t->clen == 0) {
			if (ferror(t->fp))
				return -1;
			csv_fini(&t->p, row_field, row_end, t);
			t->eof = 1;
			return 0;
		}
	}
	nl = memchr(t->chunk + t->cpos, '\n', t->clen - t->cpos);
	n = nl ? (size_t)(nl - (t->chunk + t->cpos)) + 1 : t->clen - t->cpos;
	if (csv_parse(&t->p, t->chunk + t->cpos, n, row_field, row_end, t) != n)
		return -2;
	t->cpos += n;
	if (nl)
		t->line++;
	return 0;
}

static void
row_csv(const struct row *r, int delim, struct buf *out)
{
	size_t i, j;
	const char *f;

	buf_reset(out);
	for (i = 0; i < r->n; i++) {
		f = r->bytes.data + r->off[i];
		if (i)
			buf_addc(out, delim);
		if (strpbrk(f, "\"\r\n") || memchr(f, delim, r->len[i])) {
			buf_addc(out, '"');
			for (j = 0; j < r->len[i]; j++) {
				if (f[j] == '"')
					buf_addc(out, '"');
				buf_addc(out, f[j]);
			}
			buf_addc(out, '"');
		} else
			buf_add(out, f, r->len[i]);
	}
}

int
table_next(struct table *t, json_t **rec, unsigned long *lineno,
    struct buf *raw, const char **why)
{
	struct row r;
	json_t *o, *s;
	size_t i;
	int e;

	*rec = NULL;
	for (;;) {
		while (t->head == t->nready && !t->eof) {
			t->head = t->nready = 0;
			if ((e = feed(t)) == -1) {
				*why = "read error";
				return -1;
			} else if (e == -2) {
				*why = csv_strerror(csv_error(&t->p));
				*lineno = t->line + 1;
				buf_reset(raw);
				t->eof = 1;
				return -1;
			}
		}
		if (t->head == t->nready)
			return 0;
		r = t->ready[t->head];
		*lineno = t->ready_line[t->head] + 1;
		t->head++;
		if (r.n == 1 && r.len[0] == 0) {
			row_free(&r);
			continue;
		}
		break;
	}
	if (!t->have_header) {
		t->have_header = 1;
		t->names = xcalloc(r.n, sizeof(*t->names));
		t->nnames = r.n;
		for (i = 0; i < r.n; i++) {
			t->names[i] = xstrdup(r.bytes.data + r.off[i]);
			if (strlen(t->names[i]) != r.len[i])
				t->bad_header =
				    "header field contains a NUL byte";
		}
		if (t->bad_header) {
			/* Every name must be set: rows are still read. */
			*why = t->bad_header;
			goto bad;
		}
		row_free(&r);
		return table_next(t, rec, lineno, raw, why);
	}
	if (t->bad_header) {
		*why = t->bad_header;
		goto bad;
	}
	if (r.n != t->nnames) {
		*why = r.n > t->nnames ? "row has more fields than the header" :
		    "row has fewer fields than the header";
		goto bad;
	}
	o = json_object();
	for (i = 0; i < r.n; i++) {
		s = json_stringn(r.bytes.data + r.off[i], r.len[i]);
		if (s == NULL) {
			json_decref(o);
			*why = "field is not valid UTF-8";
			goto bad;
		}
		if (json_object_set_new(o, t->names[i], s) != 0) {
			json_decref(o);
			*why = "header name is not valid UTF-8";
			goto bad;
		}
	}
	if (json_object_size(o) != r.n) {
		json_decref(o);
		*why = "header has duplicate names";
		goto bad;
	}
	row_free(&r);
	*rec = o;
	return 1;
bad:
	row_csv(&r, t->delim, raw);
	row_free(&r);
	return -1;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	csv_free(&t->p);
	row_free(&t->cur);
	for (i = t->head; i < t->nready; i++)
		row_free(&t->ready[i]);
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->ready);
	free(t->ready_line);
	free(t);
}
