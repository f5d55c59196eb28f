/* table.c -- CSV with a header row, read as records (libcsv) */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/iox.h"
#include "lib/json/table.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

/*
 * libcsv's parser states (libcsv.c; the struct is public in csv.h): no
 * row begun yet, and inside a field.
 */
#define CSV_ROW_NOT_BEGUN	0
#define CSV_FIELD_BEGUN		2

/* Column types of --types; 0 is "not given" (a string). */
enum { T_STRING = 1, T_NUMBER, T_INTEGER, T_BOOLEAN, T_JSON, T_AUTO };

static const char *const type_names[] = {
	NULL, "string", "number", "integer", "boolean", "json", "auto"
};

struct table_types {
	char		**names;	/* column names; owned */
	int		*types;		/* their T_* */
	size_t		 n;		/* named columns */
	int		 rest;		/* T_* of the others, or 0 */
};

/* A row as libcsv hands it over: fields in one buffer, NUL-separated. */
struct row {
	struct buf	 bytes;		/* the fields, each NUL-terminated */
	size_t		*off;		/* start of each field in bytes; owned */
	size_t		*len;		/* length of each field; owned */
	unsigned char	*null;		/* field was empty and unquoted */
	size_t		 n, cap;	/* fields in use, allocated */
	const char	*why;		/* why the reader refused it, or NULL */
	FILE		*spill;		/* an over-long row's bytes, or NULL */
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
	int		 started;	/* first bytes read (byte order mark) */
	int		 unclosed;	/* input ended inside a quoted field */
	const struct table_types *types; /* table_set_types(); borrowed */
	int		*coltype;	/* T_* of each header column; owned */
	struct buf	 hdrwhy;	/* message for bad_header */
	struct buf	 why;		/* message of the last bad row */
	unsigned long	 row_line;	/* lines before the current row */
	size_t		 max;		/* longest row, or 0 */
	int		 keep;		/* keep over-long rows' bytes */
	size_t		 rowbytes;	/* bytes of the current row so far */
	int		 toolong;	/* the current row is over max */
	size_t		 tail;		/* line end of the piece being fed */
	struct buf	 rowraw;	/* the current row's bytes (keep) */
	FILE		*rowspill;	/* ... once it is over max; owned */
	FILE		*outspill;	/* for table_spill(); owned */
	char		 chunk[65536];	/* read buffer */
	size_t		 clen, cpos;	/* bytes in chunk, next to feed */
};

static void
row_field(void *data, size_t len, void *arg)
{
	struct table *t = arg;
	struct row *r = &t->cur;
	const char *p = data ? data : "";

	/* An over-long row is dropped as it goes. */
	if (t->toolong)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->off = xreallocarray(r->off, r->cap, sizeof(*r->off));
		r->len = xreallocarray(r->len, r->cap, sizeof(*r->len));
		r->null = xreallocarray(r->null, r->cap, sizeof(*r->null));
	}
	r->off[r->n] = r->bytes.len;
	r->len[r->n] = len;
	/* CSV_EMPTY_IS_NULL: an empty unquoted field comes as NULL. */
	r->null[r->n] = data == NULL;
	r->n++;
	buf_add(&r->bytes, p, len);
	buf_addc(&r->bytes, '\0');
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
	 * The row began on the line after t->row_line newlines (feed()
	 * notes it when a row begins; rows that share a line, with CR line
	 * ends, share it).
	 */
	t->ready_line[t->nready] = t->row_line;
	if (t->toolong) {
		r->why = "row is longer than --max-line";
		if (t->rowspill) {
			/*
			 * Leave out the line end that closed the row.  Should
			 * that fail, the rejects file keeps it: nothing lost.
			 */
			if (fflush(t->rowspill) == 0)
				(void)!ftruncate(fileno(t->rowspill),
				    ftell(t->rowspill) - (long)t->tail);
			r->spill = t->rowspill;
			t->rowspill = NULL;
		}
	} else if (t->unclosed)
		r->why = "quoted field is not closed at the end of the input";
	t->toolong = 0;
	t->ready[t->nready++] = *r;
	memset(r, 0, sizeof(*r));
}

static void
row_free(struct row *r)
{
	buf_release(&r->bytes);
	free(r->off);
	free(r->len);
	free(r->null);
	if (r->spill)
		fclose(r->spill);
	memset(r, 0, sizeof(*r));
}

struct table *
table_open(FILE *fp, int delim)
{
	struct table *t;

	t = xcalloc(1, sizeof(*t));
	t->fp = fp;
	t->delim = delim;
	if (csv_init(&t->p, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
		abort();
	csv_set_delim(&t->p, (unsigned char)delim);
	return t;
}

void
table_set_max(struct table *t, size_t max, int keep)
{
	t->max = max;
	t->keep = keep && max;
}

/*
 * Account for a piece of input about to be fed: note where a row
 * begins, and once the row is over the cap, stop holding it (its bytes
 * go to a temporary file when they are kept).
 */
static void
row_bytes(struct table *t, const char *p, size_t n)
{
	if (t->p.pstate == CSV_ROW_NOT_BEGUN) {
		t->row_line = t->line;
		t->rowbytes = 0;
		buf_reset(&t->rowraw);
		if (t->rowspill)
			fclose(t->rowspill);
		t->rowspill = NULL;
	}
	t->tail = n && p[n - 1] == '\n' ? (n > 1 && p[n - 2] == '\r' ?
	    2 : 1) : 0;
	t->rowbytes += n;
	if (t->max && !t->toolong && t->rowbytes - t->tail > t->max) {
		t->toolong = 1;
		row_free(&t->cur);
		if (t->keep && (t->rowspill = iox_tmpfile()) != NULL &&
		    t->rowraw.len && fwrite(t->rowraw.data, 1, t->rowraw.len,
		    t->rowspill) != t->rowraw.len) {
			fclose(t->rowspill);
			t->rowspill = NULL;
		}
		buf_release(&t->rowraw);
	}
	if (!t->keep)
		return;
	if (t->rowspill) {
		if (fwrite(p, 1, n, t->rowspill) != n) {
			fclose(t->rowspill);
			t->rowspill = NULL;
		}
	} else if (!t->toolong)
		buf_add(&t->rowraw, p, n);
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
			if (t->p.pstate == CSV_FIELD_BEGUN && t->p.quoted)
				t->unclosed = 1;
			t->tail = 0;
			csv_fini(&t->p, row_field, row_end, t);
			t->eof = 1;
			return 0;
		}
		/* Spreadsheets start CSV with a byte order mark. */
		if (!t->started && t->clen >= 3 &&
		    memcmp(t->chunk, "\xef\xbb\xbf", 3) == 0)
			t->cpos = 3;
		t->started = 1;
	}
	nl = memchr(t->chunk + t->cpos, '\n', t->clen - t->cpos);
	n = nl ? (size_t)(nl - (t->chunk + t->cpos)) + 1 : t->clen - t->cpos;
	row_bytes(t, t->chunk + t->cpos, n);
	if (csv_parse(&t->p, t->chunk + t->cpos, n, row_field, row_end, t) != n)
		return -2;
	/* The field libcsv is assembling for an over-long row: drop it. */
	if (t->toolong)
		t->p.entry_pos = 0;
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
		if (strpbrk(f, "\"\r\n") || memchr(f, delim, r->len[i]) ||
		    (r->len[i] == 0 && !r->null[i])) {
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

/* ---- types ---- */

static int
type_lookup(const char *name)
{
	int k;

	for (k = T_STRING; k <= T_AUTO; k++)
		if (strcmp(name, type_names[k]) == 0)
			return k;
	return 0;
}

struct table_types *
table_types_parse(const char *list, struct buf *err)
{
	struct table_types *ty;
	char *copy, *tok, *save, *colon;
	const char *whys = NULL, **why = &whys;
	size_t i;
	int k;

	ty = xcalloc(1, sizeof(*ty));
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok && *why == NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((colon = strrchr(tok, ':')) == NULL) {
			if ((k = type_lookup(tok)) == 0)
				*why = "unknown type (string, number, integer, "
				    "boolean, json or auto)";
			else if (ty->rest)
				*why = "more than one type for the other columns";
			ty->rest = k;
			continue;
		}
		*colon = '\0';
		if ((k = type_lookup(colon + 1)) == 0) {
			*why = "unknown type (string, number, integer, "
			    "boolean, json or auto)";
			break;
		}
		for (i = 0; i < ty->n; i++)
			if (strcmp(ty->names[i], tok) == 0)
				*why = "a column is named twice";
		ty->names = xreallocarray(ty->names, ty->n + 1,
		    sizeof(*ty->names));
		ty->types = xreallocarray(ty->types, ty->n + 1,
		    sizeof(*ty->types));
		ty->names[ty->n] = xstrdup(tok);
		ty->types[ty->n++] = k;
	}
	if (*why == NULL && ty->n == 0 && ty->rest == 0)
		*why = "no types given";
	free(copy);
	if (*why != NULL) {
		table_types_free(ty);
		buf_fail(err, "%s", *why);
		return NULL;
	}
	return ty;
}

void
table_types_free(struct table_types *ty)
{
	size_t i;

	if (ty == NULL)
		return;
	for (i = 0; i < ty->n; i++)
		free(ty->names[i]);
	free(ty->names);
	free(ty->types);
	free(ty);
}

void
table_set_types(struct table *t, const struct table_types *ty)
{
	t->types = ty;
}

/*
 * Is s[0..n) a JSON number?  Returns 2 for an integer (no fraction, no
 * exponent), 1 for another number, 0 when it is not one.
 */
static int
json_number(const char *s, size_t n)
{
	size_t i = 0;
	int integer = 1;

#define DIGIT(i)	((i) < n && s[i] >= '0' && s[i] <= '9')
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (DIGIT(i))
		while (DIGIT(i))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		integer = 0;
		if (!DIGIT(i))
			return 0;
		while (DIGIT(i))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		integer = 0;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!DIGIT(i))
			return 0;
		while (DIGIT(i))
			i++;
	}
#undef DIGIT
	return i == n ? 1 + integer : 0;
}

/*
 * A real as rows are written (TABLE_DUMP_FLAGS: 15 significant digits)
 * and read back, so that a row handed over as an object holds the values
 * its text would give.
 */
static double
real15(double d)
{
	char b[32];

	snprintf(b, sizeof(b), "%.15g", d);
	return strtod(b, NULL);
}

/* real15 on every real in v, in place. */
static void
round_reals(json_t *v)
{
	const char *key;
	json_t *e;
	size_t i;

	if (json_is_real(v))
		json_real_set(v, real15(json_real_value(v)));
	else if (json_is_array(v))
		json_array_foreach(v, i, e)
			round_reals(e);
	else if (json_is_object(v))
		json_object_foreach(v, key, e)
			round_reals(e);
}

/* A JSON number (s is NUL-terminated), or NULL when out of range. */
static json_t *
number(const char *s, int integer, int need_integer)
{
	long long ll;
	double d;

	errno = 0;
	if (integer) {
		ll = strtoll(s, NULL, 10);
		if (errno == 0)
			return json_integer((json_int_t)ll);
		if (need_integer)
			return NULL;
	}
	d = strtod(s, NULL);
	if (!isfinite(d))
		return NULL;
	return json_real(real15(d));
}

/*
 * Convert one cell (s NUL-terminated, n bytes, valid UTF-8) to the JSON
 * value of its type.  Returns a new reference, or NULL when it does not
 * fit.
 */
static json_t *
cell(int type, const char *s, size_t n, int null)
{
	json_t *v;
	int k;

	if (n == 0 && (null || (type != 0 && type != T_STRING &&
	    type != T_AUTO)))
		return json_null();
	switch (type) {
	case T_NUMBER:
	case T_INTEGER:
		if ((k = json_number(s, n)) == 0 || (type == T_INTEGER &&
		    k != 2))
			return NULL;
		return number(s, k == 2, type == T_INTEGER);
	case T_BOOLEAN:
		if (strcasecmp(s, "true") == 0)
			return json_true();
		if (strcasecmp(s, "false") == 0)
			return json_false();
		return NULL;
	case T_JSON:
		if ((v = json_loadb(s, n, JSON_DECODE_ANY |
		    JSON_REJECT_DUPLICATES, NULL)) != NULL)
			round_reals(v);
		return v;
	case T_AUTO:
		if ((k = json_number(s, n)) != 0)
			return number(s, k == 2, 0);
		if (strcmp(s, "true") == 0)
			return json_true();
		if (strcmp(s, "false") == 0)
			return json_false();
		return json_stringn_nocheck(s, n);
	default:
		return json_stringn_nocheck(s, n);
	}
}

/*
 * The header is read: give each column its type.  Returns 0, or -1 when
 * the types name a column that is not in the header (t->hdrwhy says).
 */
static int
resolve_types(struct table *t)
{
	const struct table_types *ty = t->types;
	size_t i, j;

	t->coltype = xcalloc(t->nnames ? t->nnames : 1, sizeof(*t->coltype));
	if (ty == NULL)
		return 0;
	for (i = 0; i < t->nnames; i++)
		t->coltype[i] = ty->rest;
	for (j = 0; j < ty->n; j++) {
		for (i = 0; i < t->nnames; i++)
			if (strcmp(t->names[i], ty->names[j]) == 0)
				break;
		if (i == t->nnames) {
			buf_reset(&t->hdrwhy);
			buf_printf(&t->hdrwhy, "column '%s' of --types is not "
			    "in the header", ty->names[j]);
			return -1;
		}
		t->coltype[i] = ty->types[j];
	}
	return 0;
}

FILE *
table_spill(struct table *t)
{
	FILE *fp = t->outspill;

	t->outspill = NULL;
	if (fp != NULL && (fflush(fp) != 0 || fseek(fp, 0, SEEK_END) != 0)) {
		fclose(fp);
		return NULL;
	}
	return fp;
}

static int
next_row(struct table *t, json_t **rec, unsigned long *lineno,
    struct buf *raw, const char **why)
{
	struct row r;
	json_t *o, *s;
	const char *f;
	size_t i;
	int e;

	*rec = NULL;
	if (t->outspill) {
		fclose(t->outspill);
		t->outspill = NULL;
	}
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
		if (r.why == NULL && r.n == 1 && r.len[0] == 0) {
			row_free(&r);
			continue;
		}
		break;
	}
	if (r.why != NULL) {
		if (!t->have_header) {
			t->have_header = 1;
			t->bad_header = "the header row is malformed";
		}
		*why = r.why;
		t->outspill = r.spill;
		r.spill = NULL;
		goto bad;
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
		if (t->bad_header == NULL && resolve_types(t) != 0)
			t->bad_header = t->hdrwhy.data;
		if (t->bad_header) {
			/* Every name must be set: rows are still read. */
			*why = t->bad_header;
			goto bad;
		}
		row_free(&r);
		return next_row(t, rec, lineno, raw, why);
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
		f = r.bytes.data + r.off[i];
		if (utf8_invalid(f, r.len[i]) >= 0) {
			json_decref(o);
			*why = "field is not valid UTF-8";
			goto bad;
		}
		/* U+0000, which records never hold (record.h). */
		if (strlen(f) != r.len[i]) {
			json_decref(o);
			*why = "field contains a NUL byte";
			goto bad;
		}
		s = cell(t->coltype[i], f, r.len[i], r.null[i]);
		if (s == NULL) {
			json_decref(o);
			buf_reset(&t->why);
			buf_printf(&t->why, "column '%s': '%.40s%s' is not %s",
			    t->names[i], f, r.len[i] > 40 ? "..." : "",
			    t->coltype[i] == T_INTEGER ? "an integer" :
			    t->coltype[i] == T_NUMBER ? "a number" :
			    t->coltype[i] == T_BOOLEAN ? "true or false" :
			    "a JSON value");
			*why = t->why.data;
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

int
table_next(struct table *t, json_t **rec, unsigned long *lineno,
    struct buf *raw, struct buf *err)
{
	const char *why = NULL;
	int r;

	if ((r = next_row(t, rec, lineno, raw, &why)) == -1)
		buf_fail(err, "%s", why);
	return r;
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
	free(t->coltype);
	free(t->ready);
	free(t->ready_line);
	buf_release(&t->hdrwhy);
	buf_release(&t->why);
	buf_release(&t->rowraw);
	if (t->rowspill)
		fclose(t->rowspill);
	if (t->outspill)
		fclose(t->outspill);
	free(t);
}
