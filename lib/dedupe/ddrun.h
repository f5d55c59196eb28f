/* ddrun.h -- a dedupe run over records: one process or one stage */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_DDRUN_H
#define ETV_DDRUN_H

#include "lib/base/buf.h"
#include "lib/dedupe/dedupe.h"
#include "lib/json/record.h"

/* --keep */
enum {
	DDKEEP_FIRST,		/* the first record of a cluster */
	DDKEEP_LONGEST,		/* the most code points of text */
	DDKEEP_NEWEST,		/* the latest date-time (or number) */
	DDKEEP_FIELD		/* the largest value */
};

/* --stage */
enum {
	DDSTAGE_NONE,		/* the whole run in this process */
	DDSTAGE_KEYS,		/* records to band key lines */
	DDSTAGE_PAIRS,		/* sorted key lines to verified pairs */
	DDSTAGE_CLUSTERS,	/* pairs to decisions */
	DDSTAGE_APPLY		/* records and decisions to the output */
};

struct ddrun_config {
	struct dd_config dd;		/* method, signatures, threshold */
	const char	*text_field;	/* the text (or embedding's record) */
	const char	*id_field;	/* the id */
	int		 keep;		/* DDKEEP_* */
	const char	*keep_field;	/* FIELD of newest: and field: */
	const char	*removed;	/* --removed file, or NULL */
	int		 mark;		/* --mark */
	const char	*save;		/* --save-signatures file, or NULL */
	const char	*against;	/* --against file, or NULL */
	int		 stage;		/* DDSTAGE_* */
	unsigned long	 part;		/* --part */
	const char	*decisions;	/* --decisions file (apply) */
	int		 jobs;		/* threads */
};

#define DDRUN_CONFIG_INIT { { DD_MINHASH, { MH_NORM_BASIC, \
	MH_SHINGLE_AUTO, 5, 128, 0, 0, 1 }, 0.8, -1 }, "text", "id", \
	DDKEEP_FIRST, NULL, NULL, 0, NULL, NULL, DDSTAGE_NONE, 1, NULL, 1 }

/*
 * Check that the options of cfg go together; -1 with the reason in err
 * (a usage error) when they do not.
 */
int	 ddrun_check(const struct ddrun_config *, struct buf *err);

struct ddrun;

/*
 * A run (cfg copied; its strings borrowed).  Opens --removed, the
 * --against file (reading it: an unreadable or foreign file ends the
 * program with ETV_SYS or ETV_USAGE) and --decisions.  Never NULL.
 */
struct ddrun *ddrun_new(const struct ddrun_config *);

/*
 * Read every record of rd and write what the configuration asks for:
 * survivors (or every record, marked) on stdout, removed records to the
 * --removed file, a stage's lines; then the -v summary.
 */
void	 ddrun(struct ddrun *, struct rec_reader *rd);

/* Finish the files (the signature file is committed here) and free. */
void	 ddrun_free(struct ddrun *);

#endif
