/* doc.h -- document types, Markdown titles, timestamps */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_DOC_H
#define ETV_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

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
 * The title of a Markdown document: a "title:" line in YAML front matter,
 * or else the first ATX ("# Title #") or setext (underlined with '=' or
 * '-') heading outside fenced code blocks, trimmed.  Returns a new string
 * the caller frees with free(3), or NULL when there is none.
 */
char	*doc_md_title(const char *p, size_t n);

/*
 * The code point of a Windows-1252 byte: the Latin-1 meaning, except that
 * 0x80-0x9F are the printable characters Windows-1252 puts there (the
 * five it leaves undefined stay C1 controls), as the WHATWG Encoding
 * standard reads "iso-8859-1" and "latin1".
 */
int32_t	 doc_cp1252(int byte);

/*
 * Convert n bytes of Windows-1252 (read as above) to UTF-8.  Returns a new
 * NUL-terminated string the caller frees with free(3) and its length in
 * *lenp.  Exits with ETV_SYS on OOM.
 */
char	*doc_latin1(const char *p, size_t n, size_t *lenp);

/*
 * Read fp to its end and say whether it is all valid UTF-8: 1 yes, 0 no,
 * -1 on a read error (errno set).  When copy is not NULL every byte read
 * is written to it too (for input that cannot be read twice); a write
 * error there is -1 as well.
 */
int	 doc_stream_utf8(FILE *fp, FILE *copy);

/*
 * Copy in to out, converting it as doc_latin1 does.  Returns 0, or -1
 * on a read or write error (errno set).
 */
int	 doc_stream_latin1(FILE *in, FILE *out);

/* Room for an RFC 3339 UTC time "2025-01-31T23:59:59Z" and its NUL. */
#define DOC_TIME_LEN	21

/* Format t as an RFC 3339 UTC time into out.  Returns out. */
char	*doc_time(char *out, time_t t);

/*
 * Append p[0..n), which must be valid UTF-8, to out as a JSON string with
 * its quotes, escaped byte for byte as jansson escapes it (\" \\ \b \f
 * \n \r \t, other control characters as \u00XX, the rest as is): the
 * fast path for large texts, which jansson encodes a byte at a time.
 */
void	 doc_json_string(struct buf *out, const char *p, size_t n);

/*
 * The line (1-based) on which byte offset off of p lies: for messages
 * about a position in a whole file.
 */
unsigned long doc_line_of(const char *p, size_t off);

#endif
