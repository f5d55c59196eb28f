/* doc.c -- document types and positions in a whole document */
/* SPDX-License-Identifier: MIT */

#include <string.h>
#include <strings.h>

#include "lib/base/buf.h"
#include "lib/text/doc.h"

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
