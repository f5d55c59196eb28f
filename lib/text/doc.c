/* doc.c -- document types, Markdown titles, timestamps */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/base/buf.h"
#include "lib/text/doc.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

static const char *const type_names[] = {
	"text", "markdown", "html", "jsonl", "csv"
};

const char *
doc_type_name(enum doc_type t)
{
	return type_names[t];
}

int
doc_type_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(name, type_names[i]) == 0)
			return (int)i;
	return -1;
}

enum doc_type
doc_type_of(const char *path, int csv)
{
	static const struct {
		const char	*ext;	/* extension with its dot */
		enum doc_type	 type;	/* the type it means */
	} map[] = {
		{ ".md", DOC_MARKDOWN }, { ".markdown", DOC_MARKDOWN },
		{ ".mdown", DOC_MARKDOWN }, { ".mkd", DOC_MARKDOWN },
		{ ".html", DOC_HTML }, { ".htm", DOC_HTML },
		{ ".xhtml", DOC_HTML },
		{ ".jsonl", DOC_JSONL }, { ".ndjson", DOC_JSONL },
		{ ".csv", DOC_CSV }, { ".tsv", DOC_CSV }
	};
	const char *base, *dot;
	size_t i;

	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return DOC_TEXT;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(dot, map[i].ext) == 0)
			return map[i].type == DOC_CSV && !csv ? DOC_TEXT :
			    map[i].type;
	return DOC_TEXT;
}

/* Trim spaces and tabs at both ends of [*s, *e). */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* Is [s, e) made of one repeated character c (at least min), then blanks? */
static int
rule_of(const char *s, const char *e, char c, int min)
{
	int k = 0;

	trim(&s, &e);
	while (s < e && *s == c) {
		s++;
		k++;
	}
	return s == e && k >= min;
}

/* Indentation of a line in columns, tabs to multiples of 4. */
static int
indent(const char *s, const char *e)
{
	int col = 0;

	for (; s < e && (*s == ' ' || *s == '\t'); s++)
		col = *s == '\t' ? (col + 4) & ~3 : col + 1;
	return col;
}

/* A title from YAML front matter, or NULL; *body is set past it. */
static char *
front_matter(const char *p, const char *end, const char **body)
{
	const char *s = p, *e, *v, *ve;
	char *title = NULL;

	*body = p;
	if (end - p < 4 || memcmp(p, "---", 3) != 0 ||
	    (p[3] != '\n' && p[3] != '\r'))
		return NULL;
	for (s = memchr(p, '\n', (size_t)(end - p)); s && ++s < end;
	    s = memchr(s, '\n', (size_t)(end - s))) {
		e = memchr(s, '\n', (size_t)(end - s));
		e = e ? e : end;
		ve = e > s && e[-1] == '\r' ? e - 1 : e;
		if ((ve - s == 3 && (memcmp(s, "---", 3) == 0 ||
		    memcmp(s, "...", 3) == 0))) {
			*body = e;
			return title;
		}
		if (title == NULL && ve - s > 6 &&
		    memcmp(s, "title:", 6) == 0) {
			v = s + 6;
			trim(&v, &ve);
			if (ve - v >= 2 && (*v == '"' || *v == '\'') &&
			    ve[-1] == *v) {
				v++;
				ve--;
			}
			if (ve > v)
				title = xmemdup(v, (size_t)(ve - v));
		}
		s = e;
	}
	/* No closing line: not front matter after all. */
	free(title);
	return NULL;
}

char *
doc_md_title(const char *p, size_t n)
{
	const char *end = p + n, *s, *e, *h, *he, *para = NULL, *q, *qe;
	const char *body;
	struct buf b = BUF_INIT;
	char fence = 0, *t;
	int fence_len = 0, k, in_para = 0;

	if ((t = front_matter(p, end, &body)) != NULL)
		return t;
	for (s = body; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		he = e > s && e[-1] == '\r' ? e - 1 : e;
		h = s;
		trim(&h, &he);
		if (fence) {
			for (k = 0; h + k < he && h[k] == fence; k++)
				;
			if (k >= fence_len && h + k == he)
				fence = 0;
			continue;
		}
		if (h == he) {
			in_para = 0;
			continue;
		}
		if (indent(s, he) >= 4 && !in_para)
			continue;
		if (*h == '`' || *h == '~') {
			for (k = 0; h + k < he && h[k] == *h; k++)
				;
			if (k >= 3) {
				fence = *h;
				fence_len = k;
				in_para = 0;
				continue;
			}
		}
		if (*h == '#') {
			for (k = 0; h + k < he && h[k] == '#'; k++)
				;
			if (k <= 6 && (h + k == he || h[k] == ' ' ||
			    h[k] == '\t')) {
				h += k;
				trim(&h, &he);
				/* A closing run of '#' after a blank goes. */
				for (q = he; q > h && q[-1] == '#'; q--)
					;
				if (q == h || q[-1] == ' ' || q[-1] == '\t')
					he = q;
				trim(&h, &he);
				if (he > h)
					return xmemdup(h, (size_t)(he - h));
				in_para = 0;
				continue;
			}
		}
		if (in_para && indent(s, he) < 4 &&
		    (rule_of(h, he, '=', 1) || rule_of(h, he, '-', 1))) {
			/* Setext: the paragraph above is the heading. */
			for (q = para; q < s; q = qe + 1) {
				if ((qe = memchr(q, '\n', (size_t)(s - q))) ==
				    NULL)
					qe = s;
				h = q;
				he = qe > q && qe[-1] == '\r' ? qe - 1 : qe;
				trim(&h, &he);
				if (b.len)
					buf_addc(&b, ' ');
				buf_add(&b, h, (size_t)(he - h));
			}
			return buf_detach(&b, NULL);
		}
		if (!in_para) {
			in_para = 1;
			para = s;
		}
	}
	return NULL;
}

/* Windows-1252 0x80-0x9F. */
static const uint16_t cp1252[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178
};

int32_t
doc_cp1252(int byte)
{
	return byte >= 0x80 && byte <= 0x9f ? cp1252[byte - 0x80] : byte;
}

char *
doc_latin1(const char *p, size_t n, size_t *lenp)
{
	char *out, *q;
	size_t i, len = 0;
	int32_t cp;

	for (i = 0; i < n; i++) {
		cp = doc_cp1252((unsigned char)p[i]);
		len += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
	}
	out = q = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x80)
			*q++ = (char)c;
		else
			q += utf8_encode(doc_cp1252(c), q);
	}
	*q = '\0';
	*lenp = (size_t)(q - out);
	return out;
}

int
doc_stream_utf8(FILE *fp, FILE *copy)
{
	char b[65536];
	size_t have = 0, got, keep;
	ssize_t bad;
	int valid = 1;

	for (;;) {
		got = fread(b + have, 1, sizeof(b) - have, fp);
		if (got == 0 && ferror(fp))
			return -1;
		if (copy && got && fwrite(b + have, 1, got, copy) != got)
			return -1;
		have += got;
		if (have == 0)
			break;
		keep = 0;
		if (valid && (bad = utf8_invalid(b, have)) >= 0) {
			/*
			 * A sequence cut by the end of the buffer is not bad
			 * yet: keep its bytes for the next round.
			 */
			if (got > 0 && have - (size_t)bad < 4)
				keep = have - (size_t)bad;
			else
				valid = 0;
		}
		if (got == 0)
			break;
		memmove(b, b + have - keep, keep);
		have = keep;
	}
	return valid;
}

int
doc_stream_latin1(FILE *in, FILE *out)
{
	char b[32768], *u;
	size_t got, n;

	while ((got = fread(b, 1, sizeof(b), in)) > 0) {
		u = doc_latin1(b, got, &n);
		if (fwrite(u, 1, n, out) != n) {
			free(u);
			return -1;
		}
		free(u);
	}
	if (ferror(in))
		return -1;
	return fflush(out) == EOF ? -1 : 0;
}

char *
doc_time(char *out, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, DOC_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
	return out;
}

void
doc_json_string(struct buf *out, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)p;
	char esc[6] = "\\u00";
	size_t i = 0, run;

	buf_grow(out, n + n / 8 + 2);
	buf_addc(out, '"');
	while (i < n) {
		for (run = i; run < n && s[run] >= 0x20 && s[run] != '"' &&
		    s[run] != '\\'; run++)
			;
		buf_add(out, s + i, run - i);
		if ((i = run) == n)
			break;
		switch (s[i]) {
		case '"': buf_add(out, "\\\"", 2); break;
		case '\\': buf_add(out, "\\\\", 2); break;
		case '\b': buf_add(out, "\\b", 2); break;
		case '\f': buf_add(out, "\\f", 2); break;
		case '\n': buf_add(out, "\\n", 2); break;
		case '\r': buf_add(out, "\\r", 2); break;
		case '\t': buf_add(out, "\\t", 2); break;
		default:
			esc[4] = hex[s[i] >> 4];
			esc[5] = hex[s[i] & 15];
			buf_add(out, esc, 6);
		}
		i++;
	}
	buf_addc(out, '"');
}

unsigned long
doc_line_of(const char *p, size_t off)
{
	unsigned long line = 1;
	const char *q = p, *end = p + off;

	while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		line++;
		q++;
	}
	return line;
}
