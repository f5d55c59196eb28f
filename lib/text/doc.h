/* doc.h -- document types and positions in a whole document */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_DOC_H
#define ETV_DOC_H

#include <stddef.h>

#include "lib/base/buf.h"

/* How a file is read. */
enum doc_type {
	DOC_TEXT,	/* plain text: the file is the text */
	DOC_MARKDOWN,	/* Markdown: the file, a heading the title */
	DOC_HTML,	/* HTML: converted to text (html.h), <title> */
	DOC_JSONL,	/* JSON-lines: one record per line, passed through */
	DOC_CSV		/* CSV with a header row: one record per row */
};

/* The name of a type ("text", "markdown", ...). */
const char *doc_type_name(enum doc_type);

/* The type named name, or -1 when there is none. */
int	 doc_type_parse(const char *name);

/*
 * The type of a file by the extension of its name, case-insensitively:
 * .md .markdown .mdown .mkd -> markdown; .html .htm .xhtml -> html;
 * .jsonl .ndjson -> jsonl; .csv .tsv -> csv when csv is set, otherwise
 * text; anything else -> text.
 */
enum doc_type doc_type_of(const char *path, int csv);

/*
 * Append p[0..n), which must be valid UTF-8, to out as a JSON string with
 * its quotes, escaped byte for byte as jansson escapes it (\" \\ \b \f
 * \n \r \t, other control characters as \u00XX, the rest as is): the
 * fast path for large texts, which jansson encodes a byte at a time.
 * To go: rec_quote (lib/json/record.h) is the one JSON string writer;
 * this stays only until cmd/extract.c writes through it.
 */
void	 doc_json_string(struct buf *out, const char *p, size_t n);

/*
 * The line (1-based) on which byte offset off of p lies: for messages
 * about a position in a whole file.
 */
unsigned long doc_line_of(const char *p, size_t off);

#endif
