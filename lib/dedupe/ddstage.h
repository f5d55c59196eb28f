/* ddstage.h -- the lines of a staged dedupe run, and its middle stages */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_DDSTAGE_H
#define ETV_DDSTAGE_H

#include <stddef.h>

#include "lib/base/buf.h"
#include "lib/dedupe/dedupe.h"
#include "lib/json/record.h"

/*
 * A staged run writes tab-separated lines that LC_ALL=C sort groups:
 *
 *   k<band:4 hex><key:8 hex> POS DATA	a record's band key (one a band)
 *   r POS PRIOR VALUE ID		a record: prior is "p" or "-", its
 *					keep value, its id as a JSON string
 *   p LATER EARLIER SCORE		a verified pair
 *   d POS SCORE ID			a removed record, its survivor's id
 *
 * POS is "PART:SEQ" in fixed-width hex, so that positions sort in input
 * order; DATA is the verification data in hex; SCORE is written with 17
 * significant digits, so that every stage compares the same doubles.
 */
#define DDPOS_LEN	19

/* A keep value: kind 0 none, 1 number, 2 string (borrowed). */
struct ddvalue {
	int		 kind;		/* 0, 1 or 2 */
	double		 num;		/* the number */
	const char	*str;		/* the string; borrowed */
	size_t		 len;		/* its length */
};

/* Write the position of record seq of part into out (DDPOS_LEN + 1). */
void	 ddstage_pos(char *out, unsigned long part, unsigned long seq);

/*
 * Split a line at tabs into at most max fields (the tabs become NULs,
 * the last field keeps any further tabs); returns the count.
 */
size_t	 ddstage_split(char *line, char **f, size_t max);

/* Append a record's key lines and its record line to b. */
void	 ddstage_keys(struct buf *b, const struct dd *, const char *pos,
	    const void *sketch, size_t n, int prior, const struct ddvalue *,
	    const char *id, size_t idlen);

/*
 * The pairs stage: read key and record lines from rd, the lines of a key
 * together, and write, bucket by bucket, the verified pairs of each
 * record with the bucket's owner (its first record), and the record
 * lines as they are.
 */
void	 ddstage_pairs(const struct dd *, struct rec_reader *rd);

/*
 * The clusters stage: read record and pair lines (any order) from rd,
 * link each record to its best pair as dd_add does, choose survivors
 * (keep: KEEP_FIRST or KEEP_VALUE of forest.h) and write a decision line
 * for each removed record, in position order.
 */
void	 ddstage_clusters(int keep, struct rec_reader *rd);

/* The decisions of a clusters stage, for the apply stage. */
struct dd_decisions;

/* Read a decisions file: NULL with the reason in err (errno set). */
struct dd_decisions *ddstage_load(const char *path, struct buf *err);

/*
 * The decision about the record at pos, asked in increasing positions:
 * 1 with the survivor's id (a JSON string, borrowed) and score when it
 * is removed, 0 when it survives.
 */
int	 ddstage_decision(struct dd_decisions *, const char *pos,
	    const char **idjson, size_t *idlen, double *score);

void	 ddstage_free(struct dd_decisions *);

#endif
