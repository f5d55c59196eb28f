/* rinit.h -- a starting model guessed from the records (--init) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RINIT_H
#define ETV_RINIT_H

#include <stdio.h>

#include <jansson.h>

#include "lib/json/record.h"

/* Records a guess looks at: a sample drawn evenly from the input. */
#define RINIT_SAMPLE	20000

/*
 * Read every record of rd and write to fp a model for them (the format
 * of rmodel.h), as JSON: for each top-level member but the id (and the
 * source, entity_id and match_score), a profile (its kind, the share of
 * records that have it, its distinct values in the sample), normalisers
 * and levels suited to its kind; blocking rules chosen from the sample
 * so that they make few pairs (at most about 20 a record together, by
 * the sample's counts scaled to the whole input) yet reach most records
 * through different fields.  The guess is a start, to be read and
 * edited: the profile says what it was based on.
 */
void	 rinit(struct rec_reader *rd, const char *id_field, FILE *fp);

/*
 * The guess from records already read: recs[0..n) (borrowed), total the
 * records they are a sample of.  A new reference.
 */
json_t	*rinit_guess(json_t *const *recs, size_t n, size_t total,
	    const char *id_field);

#endif
