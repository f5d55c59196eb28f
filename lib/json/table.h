/* table.h -- CSV with a header row, read as records (libcsv) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_TABLE_H
#define ETV_TABLE_H

#include <stdio.h>

#include <jansson.h>

#include "lib/base/buf.h"

struct table;

struct table_types;

/*
 * Start reading CSV from fp (borrowed; not closed by table_free) with the
 * given field delimiter.  The first row is the header: its fields name
 * the members of every record.  RFC 4180 quoting, embedded delimiters and
 * newlines, CRLF and a last row without a newline are accepted; a UTF-8
 * byte order mark at the start of the input is dropped (spreadsheets
 * write one).  Never returns NULL.
 *
 * Cells: an empty unquoted cell is JSON null; a quoted empty cell ("")
 * is the empty string (as PostgreSQL's COPY reads CSV).  Other cells are
 * strings unless table_set_types() says otherwise.
 */
struct table *table_open(FILE *fp, int delim);

/*
 * Parse a --types list: comma-separated NAME:TYPE items, TYPE one of
 * string, number, integer, boolean, json or auto; an item that is a bare
 * TYPE applies to every column not named (so "auto,zip:string" infers
 * all but zip).  The name is split at its last ':'.  Returns a new set
 * (free with table_types_free), or NULL with the reason in err for a bad
 * list.
 *
 * Conversions: number is a JSON number (an integer when it has no
 * fraction or exponent and fits in 64 bits); integer is a JSON integer;
 * boolean is true or false in any case; json is one JSON value; auto
 * makes a JSON number a number and lowercase true and false booleans
 * and keeps anything else a string (so "007" and "1,5" stay strings).
 */
struct table_types *table_types_parse(const char *list, struct buf *err);
void	 table_types_free(struct table_types *);

/*
 * Apply a set of types (borrowed; it must outlive the reader) to the
 * rows read from now on.  A cell that does not convert to its column's
 * type makes the row bad; a named column that is not in the header makes
 * every row bad.  NULL is accepted (all strings).
 */
void	 table_set_types(struct table *, const struct table_types *);

/*
 * Cap the length of a row at max bytes as read (its quoted newlines
 * included): a longer row is bad ("row is longer than --max-line")
 * and never held in memory.  With keep set, its bytes are kept in a
 * temporary file for table_spill().  0 is no cap.
 */
void	 table_set_max(struct table *, size_t max, int keep);

/*
 * The jansson flags to write a row with: reals with 15 significant
 * digits, which give back the text of any number of up to 15 digits
 * ("9.95", not the 17-digit "9.9499999999999993").
 */
#define TABLE_DUMP_FLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(15))

/*
 * Read the next row.  Returns 1 with *rec set to a new object of
 * header-name -> value members and *lineno to the row's first line, 0 at
 * the end of input, or -1 for a bad row: then *rec is NULL, raw holds the
 * row re-encoded as CSV, and err says what is wrong (buf_fail; a read
 * error sets errno and err to "read error").  A quoted
 * field still open at the end of the input is a bad row at the line of
 * its row.  Empty rows are skipped.
 */
int	 table_next(struct table *, json_t **rec, unsigned long *lineno,
	    struct buf *raw, struct buf *err);

/*
 * After table_next() returned an over-long row read with keep set: its
 * bytes as read (without the final line end), in a temporary file that
 * the caller now owns and closes.  NULL otherwise.
 */
FILE	*table_spill(struct table *);

/* Free the reader.  NULL is accepted. */
void	 table_free(struct table *);

#endif
