/* opt.h -- the options every tool shares, usage printing, number parsing */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_OPT_H
#define ETV_OPT_H

#include <getopt.h>
#include <stddef.h>

/*
 * Long-only options get codes above any character.  A tool includes the
 * rows it supports in its getopt_long table and passes every code it does
 * not handle itself to opt_common().
 */
enum {
	OPT_REJECTS = 256,
	OPT_MAX_REJECTS,
	OPT_TEXT_FIELD,
	OPT_ID_FIELD,
	OPT_CSV,
	OPT_DELIMITER,
	OPT_UNBUFFERED,
	OPT_PROGRESS,
	OPT_MAX_LINE,
	OPT_TYPES,
	OPT_STATS,
	OPT_TOOL_FIRST = 300	/* first code free for a tool's own options */
};

/* -h -q -v -V and --stats: every tool. */
#define OPT_COMMON_SHORT	"hqvV"
#define OPT_COMMON_LONGOPTS \
	{ "help",	no_argument,		NULL,	'h' }, \
	{ "quiet",	no_argument,		NULL,	'q' }, \
	{ "verbose",	no_argument,		NULL,	'v' }, \
	{ "version",	no_argument,		NULL,	'V' }, \
	{ "stats",	required_argument,	NULL,	OPT_STATS }

/* The record-input options: every tool that reads records. */
#define OPT_INPUT_LONGOPTS \
	{ "rejects",	required_argument,	NULL,	OPT_REJECTS }, \
	{ "max-rejects", required_argument,	NULL,	OPT_MAX_REJECTS }, \
	{ "csv",	no_argument,		NULL,	OPT_CSV }, \
	{ "delimiter",	required_argument,	NULL,	OPT_DELIMITER }, \
	{ "types",	required_argument,	NULL,	OPT_TYPES }, \
	{ "max-line",	required_argument,	NULL,	OPT_MAX_LINE }, \
	{ "unbuffered",	no_argument,		NULL,	OPT_UNBUFFERED }, \
	{ "progress",	no_argument,		NULL,	OPT_PROGRESS }

/* Field names: tools that read a text or an id. */
#define OPT_FIELD_LONGOPTS \
	{ "text-field",	required_argument,	NULL,	OPT_TEXT_FIELD }, \
	{ "id-field",	required_argument,	NULL,	OPT_ID_FIELD }

/* The help text for the shared options, for a tool's --help. */
#define OPT_INPUT_HELP \
"  --rejects FILE      write malformed lines (and rejected records) to FILE\n" \
"                      and go on, instead of stopping at the first one\n" \
"  --max-rejects N|P%  exit 0 when at most N (or P% of) records were rejected\n" \
"  --csv               read CSV with a header row instead of JSON-lines\n" \
"  --delimiter C       CSV field delimiter (default ',')\n" \
"  --types LIST        CSV column types: name:number,name:boolean,...\n" \
"                      (string, number, integer, boolean, json, auto;\n" \
"                      a bare type applies to the other columns)\n" \
"  --max-line SIZE     longest input line accepted (default 256M)\n" \
"  --unbuffered        flush the output after every record\n" \
"  --progress          show progress even when stderr is not a terminal or\n" \
"                      stdout is a pipe\n"
#define OPT_FIELD_HELP \
"  --text-field NAME   field holding the text (default 'text')\n" \
"  --id-field NAME     field holding the identifier (default 'id')\n"
#define OPT_COMMON_HELP \
"  -q, --quiet         no warnings and no progress\n" \
"  -v, --verbose       print counts (read, wrote, rejected) at the end\n" \
"      --stats FILE    at the end, write the run's figures and status to\n" \
"                      FILE as JSON (replaced atomically)\n" \
"  -h, --help          print this help and exit\n" \
"  -V, --version       print the version and exit\n"

struct rec_config;
struct table_types;

/* The values of the shared options, set by opt_common(). */
struct opt_shared {
	const char	*rejects;	/* --rejects file, or NULL */
	unsigned long	 max_rejects;	/* --max-rejects count */
	double		 max_rejects_pct; /* --max-rejects P%, or -1 */
	const char	*text_field;	/* --text-field, default "text" */
	const char	*id_field;	/* --id-field, default "id" */
	int		 csv;		/* --csv */
	int		 delimiter;	/* --delimiter, default ',' */
	struct table_types *types;	/* --types, or NULL; never freed */
	size_t		 max_line;	/* --max-line, default 256 MiB */
	int		 unbuffered;	/* --unbuffered */
};

extern struct opt_shared opt;

/*
 * The reader's configuration from the shared options (--rejects,
 * --max-rejects, --csv, --delimiter, --types, --max-line, --unbuffered),
 * for rec_open().  The struct is static: filled again on each call.
 */
const struct rec_config *opt_reader(void);

/*
 * Handle a shared option code from getopt_long: -h prints help_text on
 * stdout and exits 0, -V prints the version and exits 0, '?' and ':' are
 * usage errors (exit 2); the other shared codes set fields of opt
 * (--progress calls progress_always(), --stats runstats_start()).  Any
 * other code is a programming error in the caller and exits 4.
 */
void	 opt_common(int ch, const char *help_text);

/*
 * Strict number parsing for option arguments; name is the option as the
 * user wrote it ("--size").  On a bad value they print
 * "option '--size' needs ..., got 'x'" and exit with ETV_USAGE.
 *   opt_count: an integer in [min, max].
 *   opt_size:  a byte count with an optional K, M or G suffix (powers of
 *              1024), at least 1.
 *   opt_real:  a finite real number in [min, max].
 */
long	 opt_count(const char *name, const char *arg, long min, long max);
size_t	 opt_size(const char *name, const char *arg);
double	 opt_real(const char *name, const char *arg, double min, double max);

/*
 * Parse a bound given as "N" or "P%" (--max-rejects, --max-prune): a
 * count into *n with *pct set to -1, or a percentage in [0, 100] into
 * *pct (*n untouched).  A bad value is a usage error, as above.
 */
void	 opt_limit(const char *name, const char *arg, unsigned long *n,
	    double *pct);

/*
 * Turn an option's word into its index in words (a NULL-terminated list):
 * opt_word("--pii", arg, (const char *[]){ "detect", "redact", NULL }).
 * Any other word is a usage error, "option '--pii' needs 'detect' or
 * 'redact', got 'x'" (exit 2).
 */
int	 opt_word(const char *name, const char *arg,
	    const char *const words[]);

/* Print "prog (etv) VERSION" on stdout and exit 0. */
void	 opt_version(void) __attribute__((noreturn));

#endif
