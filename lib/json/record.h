/* record.h -- JSON-lines reader and writer, rejects, record counts */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RECORD_H
#define ETV_RECORD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/json/jsonscan.h"

struct table_types;

/*
 * The reader takes the operands of a command (none or "-" is stdin) and
 * reads them in order, a line at a time, as cat(1) would.  A struct
 * rec_config says how (a command fills it from its options, opt_reader()
 * in opt.h): with csv each CSV row is one record (a JSON object, handed
 * over as an object, never as text), max_line caps the length of a line,
 * rejects names the rejects file.
 *
 * Line rules: "\n" ends a line and a "\r" before it is dropped (CRLF); a
 * last line without "\n" is a line; blank lines (only white space) are
 * skipped but counted; a UTF-8 byte order mark is malformed.
 *
 * Parse rules (rec_parse): exactly one JSON value per line, which must be
 * an object; strings must be valid UTF-8 and free of U+0000; duplicate
 * keys are malformed (different parsers would keep different values).
 */
struct rec_reader;

/* How a reader reads and where its rejects go. */
struct rec_config {
	const char	*rejects;	/* rejects file, or NULL: the first
					   malformed line stops the run */
	unsigned long	 max_rejects;	/* rejects forgiven at the end */
	double		 max_rejects_pct; /* or this % of the records read,
					   when >= 0 */
	size_t		 max_line;	/* longest line (or CSV row) read */
	int		 csv;		/* input is CSV with a header row */
	int		 delimiter;	/* CSV field delimiter */
	const struct table_types *types; /* CSV column types, or NULL;
					   borrowed */
	int		 unbuffered;	/* flush stdout after every item */
};

/* The defaults: JSON-lines, lines up to 256 MiB, no rejects file. */
#define REC_CONFIG_INIT	{ NULL, 0, -1, (size_t)256 << 20, 0, ',', NULL, 0 }

/*
 * One unit of work: an input line and what processing it produced.  The
 * processing code fills out, rej and msg through the rec_* functions
 * below; rec_flush() then writes them out.  Items are processed in
 * worker threads (pool.h) and flushed in input order, so nothing here may
 * touch global state.
 */
struct rec_item {
	char		*line;		/* the raw line, no "\n"; NUL-terminated;
					   empty for a CSV row until
					   rec_text() encodes obj */
	size_t		 len;		/* its length */
	size_t		 cap;		/* allocated size of line */
	const char	*file;		/* operand name, "<stdin>" for stdin */
	unsigned long	 lineno;	/* 1-based line number in file */
	int		 values;	/* accept any JSON value, not only objects */
	int		 rejects;	/* a rejects file is kept: malformed
					   lines go to rej, the run goes on */
	json_t		*obj;		/* a CSV row as read (owned), or NULL */
	struct jsonscan	 scan;		/* the line's members, when scanned */
	int		 scanned;	/* rec_scan filled scan for this line */
	struct buf	 out;		/* bytes for stdout */
	struct buf	 rej;		/* bytes for the rejects file */
	struct buf	 msg;		/* lines for stderr */
	struct buf	 aux;		/* the tool's own bytes, carried from
					   the parallel step to the ordered
					   one (pool_run_ordered) */
	int		 status;	/* worst non-reject status of this item */
	int		 rej_status;	/* worst status of its rejected records */
	int		 fatal;		/* stop the run once this is flushed */
	unsigned long	 nout;		/* records written to out */
	unsigned long	 nrej;		/* records rejected */
	unsigned long	 nbad;		/* of which malformed lines */
	const char	*bad;		/* why the reader refused the line */
	struct buf	 badmsg;	/* bad, when it is not a static string */
	FILE		*spill;		/* an over-long line kept for the
					   rejects file (temporary), or NULL */
	int		 spill_rej;	/* write spill to the rejects file */
};

/*
 * An empty item.  An item zeroed otherwise (calloc) is made ready by its
 * first rec_item_reset (rec_getline, rec_item_start do one).
 */
#define REC_ITEM_INIT	{ .out = BUF_INIT, .rej = BUF_INIT, .msg = BUF_INIT, \
	.aux = BUF_INIT, .badmsg = BUF_INIT }

/*
 * Open a reader over the operands, configured by cfg (copied).  Exits
 * with ETV_USAGE for types without csv, with ETV_SYS when the rejects file
 * cannot be created; an operand that cannot be opened is reported when it
 * is reached (ETV_SYS) and the next one is read.  Never NULL.
 */
struct rec_reader *rec_open(const struct rec_config *cfg, int argc,
	    char **argv);

/*
 * Open a reader over one stream fp (borrowed, not closed), named name in
 * messages, with the line rules of cfg (copied; its rejects file is not
 * opened: rejects only says whether malformed lines are kept).  With a
 * parent, the lines read count in the parent's counts and progress line,
 * and the items are meant to be flushed through the parent, which owns
 * the output and the rejects file.  A read error is reported at
 * rec_close() (ETV_SYS).  Never NULL.
 */
struct rec_reader *rec_open_stream(const struct rec_config *cfg, FILE *fp,
	    const char *name, struct rec_reader *parent);

/* The reader's configuration (for code that handles its items). */
const struct rec_config *rec_config_of(const struct rec_reader *);

/* Make rec_parse() accept any JSON value, not only objects. */
void	 rec_accept_values(struct rec_reader *);

/*
 * Read the next non-blank line into it (replacing its line, resetting its
 * buffers).  Returns 1, or 0 at the end of input.  A line over --max-line
 * or with a byte order mark is reported through the item as malformed;
 * the caller sees it as a line that rec_parse() refuses.  With --rejects
 * an over-long line is kept (rec_item_spill) for the rejects file.
 */
int	 rec_getline(struct rec_reader *, struct rec_item *);

/*
 * Parse the item's line.  Returns a new reference, or NULL when the line
 * is malformed: then the message "FILE:LINE: ..." is in it->msg, the line
 * is in it->rej when --rejects was given (the run goes on) and otherwise
 * it->fatal is set (the run stops with ETV_DATA).  A CSV row is its
 * object (a new reference), with no parsing.
 */
json_t	*rec_parse(struct rec_item *);

/*
 * rec_parse without the reporting: the record, or NULL with the reason
 * (no FILE:LINE) in err (buf_fail).  For readers of files that are not records of
 * the run (a table a command loads).
 */
json_t	*rec_decode(struct rec_item *, struct buf *err);

/*
 * The fast path: when the item's line is an object that jsonscan reads
 * (jsonscan_record), return its members (the item's own, borrowed until
 * the item's next line).  Returns NULL for anything else (a malformed
 * line, a CSV row, a line jsonscan does not take): the caller then uses
 * rec_parse(), which also explains any error.  So a command never chooses
 * between parsers on its own.  rec_emit_members uses what it found to
 * write without reading the line again.
 */
const struct jsonscan *rec_scan(struct rec_item *);

/*
 * The item's record as text: its line, or for a CSV row its object
 * encoded as rec_dump_cells() writes it (made on the first call and kept
 * as the item's line).  Stores the length in *len.
 */
const char *rec_text(struct rec_item *, size_t *len);

/*
 * The string member field (a dotted path, jsonx_string) of rec, the
 * item's record: returns it (borrowed from rec) with its length in *len,
 * or NULL when it is missing or not a string, after reporting the item
 * malformed (rec_malformed) with the reason.
 */
const char *rec_string(struct rec_item *, const json_t *rec,
	    const char *field, size_t *len);

/*
 * Report the item's line as malformed for a reason found after parsing
 * (a required field missing or of the wrong type), with the same effect as
 * a parse failure.  Always returns ETV_DATA.
 */
int	 rec_malformed(struct rec_item *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Reject a well-formed record on its merits: the message goes to it->msg,
 * the record (rec, or the raw line when rec is NULL) to it->rej when
 * --rejects was given, and the item's reject status becomes at least
 * status (usually ETV_REJECT).  The run goes on.
 */
void	 rec_reject(struct rec_item *, const json_t *rec, int status,
	    const char *, ...) __attribute__((format(printf, 4, 5)));

/* Add "prog: FILE:LINE: message" to it->msg unless -q was given. */
void	 rec_warn(struct rec_item *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Write a record to it->out: rec_emit encodes it compactly (key order
 * kept, whole record encoded first); rec_emit_raw copies bytes as they
 * are, for records that pass through unchanged.
 */
void	 rec_emit(struct rec_item *, const json_t *);
void	 rec_emit_raw(struct rec_item *, const char *, size_t);

/* Write the item's record as it came: its line, or a CSV row's text. */
void	 rec_emit_same(struct rec_item *);

/*
 * Write orig with the members of add set, through rec_emit_members: the
 * item's line keeps its own bytes, so numbers and escapes the tool does
 * not own pass through byte for byte.  When the item has no line of its
 * own that holds the record, orig is updated and encoded.  orig and add
 * are borrowed.
 */
void	 rec_emit_merged(struct rec_item *, json_t *orig, const json_t *add);

/*
 * Write what the item produced (stdout, rejects, stderr), count it and
 * record its statuses.  Returns 1 when the run must stop (it->fatal).
 */
int	 rec_flush(struct rec_reader *, struct rec_item *);

/*
 * For code that writes many lines through one item (a stage's output):
 * once the item's output holds 64 KiB or more, flush it and start it
 * again.  A fatal item ends the program (diag_finish).
 */
void	 rec_flush_batch(struct rec_reader *, struct rec_item *);

/*
 * Is the output written line by line (--unbuffered)?  Then a reader of
 * items reads a line only once everything before it is written.
 */
int	 rec_unbuffered(const struct rec_reader *);

/*
 * Finish: print "read N, wrote N, rejected N" with -v, forgive reject
 * statuses within --max-rejects, close the rejects file (ETV_SYS on a
 * failed write) and free the reader.  NULL is accepted.
 */
void	 rec_close(struct rec_reader *);

/* Records read so far (non-blank lines). */
unsigned long rec_count(const struct rec_reader *);

/* The counts of a run, as -v prints them. */
struct rec_totals {
	unsigned long	 read;		/* records read (non-blank lines) */
	unsigned long	 written;	/* records written to stdout */
	unsigned long	 rejected;	/* records rejected, malformed ones
					   included */
	unsigned long	 malformed;	/* of which malformed lines */
};

/*
 * The counts of the run so far into *t: those of the readers opened
 * with rec_open (not the stream readers) and already closed, and of the
 * first one still open.  For the run's statistics (lib/json/runstats).
 */
void	 rec_totals(struct rec_totals *t);

/* Input bytes read so far (JSON-lines input; CSV is read by lib/table). */
unsigned long long rec_bytes(const struct rec_reader *);

/*
 * Count n records and bytes that the caller read from inputs of its own
 * (a tool that reads whole files rather than lines, and uses the reader
 * only to write items): they count in the -v summary, --max-rejects P%
 * and the progress line, as lines read by rec_getline() do.
 */
void	 rec_add_read(struct rec_reader *, unsigned long n,
	    unsigned long long bytes);

/*
 * For tools that make items of their own (from whole files, say):
 * rec_item_start makes the item ready for the next input of rd, at
 * file:lineno, with an empty line; rec_item_set replaces the item's line
 * with a copy of p[0..n); rec_item_reset empties its buffers and statuses
 * for the next input.
 */
void	 rec_item_start(struct rec_reader *rd, struct rec_item *,
	    const char *file, unsigned long lineno);
void	 rec_item_set(struct rec_item *, const char *p, size_t n);
void	 rec_item_reset(struct rec_item *);

/*
 * Keep bytes of a line that is longer than --max-line, so that the
 * rejects file gets the line verbatim without holding it in memory:
 * p[0..n) is appended to a temporary file of the item (made on first
 * use), which rec_malformed() sends to the rejects file in place of the
 * line.  Line readers call it only when --rejects was given.  Exits with
 * ETV_SYS when the temporary file cannot be written.
 */
void	 rec_item_spill(struct rec_item *, const char *p, size_t n);

/* Free an item's memory; it is REC_ITEM_INIT again. */
void	 rec_item_release(struct rec_item *);

/*
 * The simple loop for tools that keep state between records: the next
 * record as a new reference, or NULL at the end of input.  Malformed
 * lines are handled as rec_parse() says (the program exits with ETV_DATA
 * on the first one without --rejects).  rec_item_of() returns the item of
 * the record last returned, whose line, file and lineno stay valid until
 * the next call; output written through it is flushed on the next call
 * or at rec_close().
 */
json_t	*rec_next(struct rec_reader *);
struct rec_item *rec_item_of(struct rec_reader *);

/*
 * The one JSON string encoder: append s[0..n) (valid UTF-8) to b as a
 * JSON string literal, quotes included, byte for byte as jansson writes
 * it: '"' and '\\' escaped, \b \f \n \r \t for those controls, \u00XX
 * (upper-case hex) for the other bytes below 0x20, everything else as it
 * is.
 */
void	 rec_quote(struct buf *b, const char *s, size_t n);

/* A member to set in a record: its key and its value, already JSON. */
struct rec_member {
	const char	*key;		/* the member name (NUL-terminated) */
	const char	*val;		/* its value, encoded as JSON */
	size_t		 vallen;	/* length of val */
};

/*
 * The one splice: append to b the JSON object line[0..len) with the
 * members m[0..n) set.  A member whose key the object has keeps its place
 * and gets the new value; the others are appended, in order, before the
 * closing brace.  Every other byte of the line (numbers, escapes, white
 * space) is kept as it is; bytes after the closing brace are dropped.  The
 * line must be a JSON object as the reader checked it (rec_parse or
 * jsonscan accepted it).  Adds no newline.
 */
void	 rec_splice(struct buf *b, const char *line, size_t len,
	    const struct rec_member *m, size_t n);

/*
 * Write the item's record with the members m[0..n) set: its line (or a
 * CSV row's text, rec_text) spliced as rec_splice says, then a newline,
 * to it->out.
 */
void	 rec_emit_members(struct rec_item *, const struct rec_member *m,
	    size_t n);

/*
 * A new record written member by member (a chunk of a document): rec_begin
 * opens it on the item's output; before each value, rec_key writes the
 * separator (none after the opening brace or into an empty buffer) and
 * the quoted name, then the caller writes the value into the same buffer
 * with rec_quote, rec_dump or rec_uint; rec_members appends members
 * written so into a buffer of their own; rec_end closes the record, ends
 * its line and counts it.
 */
void	 rec_begin(struct rec_item *);
void	 rec_key(struct buf *, const char *key);
void	 rec_uint(struct buf *, unsigned long long);
void	 rec_members(struct buf *, const struct buf *members);
void	 rec_end(struct rec_item *);

/* Encode a value compactly into b, as records are written. */
void	 rec_dump(struct buf *, const json_t *);

/*
 * rec_dump and rec_emit for records made of CSV cells: reals are written
 * with 15 significant digits (TABLE_DUMP_FLAGS), so that a cell of 9.95
 * is written 9.95, not 9.9499999999999993.
 */
void	 rec_dump_cells(struct buf *, const json_t *);
void	 rec_emit_cells(struct rec_item *, const json_t *);

#endif
