/* opt.c -- the options every tool shares, usage printing, number parsing */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/progress.h"
#include "lib/json/opt.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"
#include "lib/json/table.h"

#ifndef ETV_VERSION
#define ETV_VERSION "0.0.0"
#endif

struct opt_shared opt = {
	.max_rejects_pct = -1,
	.text_field = "text",
	.id_field = "id",
	.delimiter = ',',
	.max_line = (size_t)256 << 20,
};

void
opt_version(void)
{
	printf("%s (etv) %s\n", diag_prog(), ETV_VERSION);
	exit(fflush(stdout) == EOF ? ETV_SYS : ETV_OK);
}

void
opt_limit(const char *name, const char *arg, unsigned long *np,
    double *pctp)
{
	size_t n = strlen(arg);
	char *tmp;

	if (n > 1 && arg[n - 1] == '%') {
		tmp = strndup(arg, n - 1);
		if (tmp == NULL)
			diag_fail(ETV_SYS, "out of memory");
		*pctp = opt_real(name, tmp, 0, 100);
		free(tmp);
	} else {
		*np = (unsigned long)opt_count(name, arg, 0, LONG_MAX);
		*pctp = -1;
	}
}

const struct rec_config *
opt_reader(void)
{
	static struct rec_config cfg;

	cfg.rejects = opt.rejects;
	cfg.max_rejects = opt.max_rejects;
	cfg.max_rejects_pct = opt.max_rejects_pct;
	cfg.max_line = opt.max_line;
	cfg.csv = opt.csv;
	cfg.delimiter = opt.delimiter;
	cfg.types = opt.types;
	cfg.unbuffered = opt.unbuffered;
	return &cfg;
}

void
opt_common(int ch, const char *help_text)
{
	struct buf err = BUF_INIT;

	switch (ch) {
	case 'h':
		fputs(help_text, stdout);
		exit(fflush(stdout) == EOF ? ETV_SYS : ETV_OK);
	case 'q':
		diag_quiet = 1;
		break;
	case 'v':
		diag_verbosity++;
		break;
	case 'V':
		opt_version();
	case OPT_REJECTS:
		opt.rejects = optarg;
		break;
	case OPT_MAX_REJECTS:
		opt_limit("--max-rejects", optarg, &opt.max_rejects,
		    &opt.max_rejects_pct);
		break;
	case OPT_TEXT_FIELD:
		opt.text_field = optarg;
		break;
	case OPT_ID_FIELD:
		opt.id_field = optarg;
		break;
	case OPT_CSV:
		opt.csv = 1;
		break;
	case OPT_DELIMITER:
		if (strcmp(optarg, "\\t") == 0 || strcmp(optarg, "tab") == 0)
			opt.delimiter = '\t';
		else if (strlen(optarg) == 1)
			opt.delimiter = (unsigned char)optarg[0];
		else
			diag_usage("option '--delimiter' needs one character, "
			    "got '%s'", optarg);
		break;
	case OPT_TYPES:
		table_types_free(opt.types);
		if ((opt.types = table_types_parse(optarg, &err)) == NULL)
			diag_usage("option '--types': %s, got '%s'", err.data,
			    optarg);
		break;
	case OPT_MAX_LINE:
		opt.max_line = opt_size("--max-line", optarg);
		break;
	case OPT_UNBUFFERED:
		opt.unbuffered = 1;
		break;
	case OPT_PROGRESS:
		progress_always(1);
		break;
	case OPT_STATS:
		runstats_start(optarg);
		break;
	case '?':
	case ':':
		/* getopt_long has already said what was wrong. */
		fprintf(stderr, "Try '%s --help'.\n", diag_prog());
		exit(ETV_USAGE);
	default:
		diag_fail(ETV_SYS, "internal error: unhandled option %d", ch);
	}
}

long
opt_count(const char *name, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno == ERANGE || v < min ||
	    v > max) {
		if (max == LONG_MAX)
			diag_usage("option '%s' needs an integer of at least "
			    "%ld, got '%s'", name, min, arg);
		diag_usage("option '%s' needs an integer from %ld to %ld, "
		    "got '%s'", name, min, max, arg);
	}
	return v;
}

int
opt_word(const char *name, const char *arg, const char *const words[])
{
	struct buf b = BUF_INIT;
	int i, n;

	for (n = 0; words[n] != NULL; n++)
		if (strcmp(arg, words[n]) == 0)
			return n;
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s'%s'", i == 0 ? "" : i == n - 1 ? " or " :
		    ", ", words[i]);
	diag_usage("option '%s' needs %s, got '%s'", name, b.data, arg);
}

size_t
opt_size(const char *name, const char *arg)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	errno = 0;
	if (*arg < '0' || *arg > '9')
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno == ERANGE)
		goto bad;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		goto bad;
	return (size_t)(v << shift);
bad:
	diag_usage("option '%s' needs a positive size (K, M or G suffix "
	    "allowed), got '%s'", name, arg);
}

double
opt_real(const char *name, const char *arg, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v) ||
	    v < min || v > max)
		diag_usage("option '%s' needs a number from %g to %g, got '%s'",
		    name, min, max, arg);
	return v;
}
