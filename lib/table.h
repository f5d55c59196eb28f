/* table.h -- CSV with a header row, read as records (libcsv) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_TABLE_H
#define ETV_TABLE_H

#include <stdio.h>

#include <jansson.h>

#include "lib/buf.h"

struct table;

/*
 * Start reading CSV from fp (borrowed; not closed by table_free) with the
 * given field delimiter.  The first row is the header: its fields name
 * the members of every record.  RFC 4180 quoting, embedded delimiters and
 * newlines, CRLF and a last row without a newline are accepted.  Never
 * returns NULL.
 */
struct table *table_open(FILE *fp, int delim);

/*
 * Read the next row.  Returns 1 with *rec set to a new object of
 * header-name -> string members and *lineno to the row's first line, 0 at
 * the end of input, or -1 for a bad row: then *rec is NULL, raw holds the
 * row re-encoded as CSV, and why says what is wrong (a read error sets
 * errno and why to "read error").  Empty rows are skipped.
 */
int	 table_next(struct table *, json_t **rec, unsigned long *lineno,
	    struct buf *raw, const char **why);

/* Free the reader.  NULL is accepted. */
void	 table_free(struct table *);

#endif
