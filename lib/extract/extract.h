/* extract.h -- files and records into document records (etv-extract) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_EXTRACT_H
#define ETV_EXTRACT_H

#include <sys/stat.h>

#include <stddef.h>

#include "lib/base/walk.h"
#include "lib/json/record.h"
#include "lib/text/doc.h"
#include "lib/text/tpl.h"

/*
 * A document record is {"id","text","hash","meta"}: a text, Markdown or
 * HTML file is one (its id the path relative to the operand), a CSV row
 * is one (its text from a template or all its columns), and a JSON-lines
 * record passes through with "id" (base:LINE when it has none) and
 * "hash" (of its text) set, keeping its own bytes.  All of it is written
 * through lib/json/record.
 */

/* How files and records are read. */
struct extract_opts {
	int		 type;		/* every file is this doc_type, or -1:
					   by extension */
	int		 csv;		/* *.csv and *.tsv are CSV (--csv) */
	int		 latin1;	/* a file that is not UTF-8 is read as
					   Windows-1252 */
	size_t		 max_size;	/* larger documents are skipped */
	const struct tpl *tpl;		/* CSV text, or NULL: all columns;
					   borrowed */
	const char	*text_field;	/* JSON-lines: the member of the text */
	const char	*id_field;	/* the id's member (CSV: column) */
	int		 id_field_set;	/* the CSV header must hold id_field */
	struct stat	 out[2];	/* the files written (stdout, rejects) */
	int		 nout;		/* how many of out are set */
};

/* Counts for the -v summary of a run over files. */
struct extract_tally {
	unsigned long	 files;		/* files read */
	unsigned long	 by_type[DOC_CSV + 1]; /* files read, by type */
	unsigned long	 binary;	/* skipped: NUL bytes */
	unsigned long	 big;		/* skipped: over max_size */
	unsigned long	 other;		/* skipped: links to nothing, loops */
	unsigned long	 nread;		/* records read */
	unsigned long long bytes;	/* bytes read */
};

/*
 * Remember a regular file the run writes (fd, or path when not NULL),
 * so that the walk skips it instead of reading its own output.
 */
void	 extract_note_output(struct extract_opts *, int fd, const char *path);

/* How the file at path is read: o->type, or by its extension. */
enum doc_type extract_type_of(const struct extract_opts *, const char *path);

/*
 * One record read from stdin (JSON-lines, or a CSV row when csv is
 * set): parse it and write its document record to the item.  Any thread.
 */
void	 extract_record(const struct extract_opts *, struct rec_item *,
	    int csv);

/*
 * One entry of a walk that is not a JSON-lines or CSV file: read a text,
 * Markdown or HTML file of type into one document record, or report the
 * problem the walk met.  Everything goes to the item it (started by the
 * caller) and the counts to n; any thread.
 */
void	 extract_file(const struct extract_opts *, const struct walk_entry *,
	    enum doc_type type, struct rec_item *it, struct extract_tally *n);

/*
 * A JSON-lines or CSV file of a walk: stream its records through a
 * reader over the file (rec_open_stream) with the rules of rd, writing
 * each through rd (rec_flush; a malformed record without rejects ends the
 * run).  Counts go to n.  Main thread.
 */
void	 extract_stream(const struct extract_opts *, struct rec_reader *rd,
	    const struct walk_entry *, enum doc_type type,
	    struct extract_tally *n);

/* Add the counts of from to to. */
void	 extract_tally_add(struct extract_tally *to,
	    const struct extract_tally *from);

#endif
