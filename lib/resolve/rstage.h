/* rstage.h -- a resolve run split into stages for sort(1) or a cluster */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RSTAGE_H
#define ETV_RSTAGE_H

#include "lib/base/buf.h"
#include "lib/json/record.h"
#include "lib/resolve/rdata.h"

/*
 * A staged run needs a trained model (its parameters and term
 * frequencies do not depend on the part of the input a stage sees), and
 * writes tab-separated lines that LC_ALL=C sort groups:
 *
 *   k<rule:2 hex><key:16 hex> POS DATA   a blocking key of a record
 *   p POS POS PROB ID ID                 a link: two records, their match
 *                                        probability (%.9g: the float
 *                                        every stage compares) and ids
 *   d POS ENTITY SCORE                   a record's entity and score
 *
 * POS is the record's place, "PART:SEQ" in fixed-width hex (as etv-dedupe
 * writes it), so that positions sort in input order.  DATA is a JSON
 * array: the record's id, its source, its normalised values (null when
 * missing) and, for each rule, its keys (16 hex digits each), so that
 * the pairs stage can compare two records and tell whether an earlier
 * rule already paired them.  The stages give byte for byte what one
 * process gives with the same model.
 */

/*
 * Records a stage keeps in one rdata before it starts a new one: a stage
 * compares only what one key groups, so its memory need not grow with
 * the input.
 */
#define RSTAGE_BATCH	65536

/*
 * The keys stage for record r of d (whose values it reads), at pos:
 * append its key lines to out.
 */
void	 rstage_keys(const struct rdata *, uint32_t r, const char *pos,
	    struct buf *out);

/* Write lines (each ending in a newline) to the item's output. */
void	 rstage_emit(struct rec_item *, const struct buf *lines);

/*
 * The pairs stage: read the sorted key lines of rd, and write a link
 * line for each pair of records that share a key and whose match
 * probability is threshold or more; each pair once, under the first rule
 * and key the two records share.
 */
void	 rstage_pairs(const struct rmodel *, int mode, double threshold,
	    struct rec_reader *rd);

/*
 * The clusters stage: read every link line of rd (in any order) and write
 * a decision line for each record they name, as rcluster decides, in
 * position order.
 */
void	 rstage_clusters(const struct rmodel *, double threshold,
	    unsigned long max_size, struct rec_reader *rd);

/* The decisions of a clusters stage, for the apply stage. */
struct rdecisions;

/* Read a decisions file: NULL with the reason in err. */
struct rdecisions *rstage_load(const char *path, struct buf *err);

/*
 * The entity id (as JSON) and score (text) of the record at pos, or 0
 * when it is in no decision: a record alone.
 */
int	 rstage_decision(const struct rdecisions *, const char *pos,
	    const char **entity, size_t *elen, const char **score,
	    size_t *slen);

void	 rstage_free(struct rdecisions *);

#endif
