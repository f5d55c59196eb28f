/* rcompare.h -- the level of agreement of two records in each field */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RCOMPARE_H
#define ETV_RCOMPARE_H

#include <stdint.h>

#include "lib/resolve/rdata.h"

/* The level of a pair with a value missing in the field: neutral. */
#define RCMP_NULL	RM_NULL

/*
 * The level of records a and b in field f: the first of the field's
 * levels that holds (0, 1, ...), the field's nlevel when none does
 * ("else"), or RCMP_NULL when either value is missing.  Thread-safe.
 */
unsigned rcmp_level(const struct rdata *, int f, uint32_t a, uint32_t b);

/* The levels of every field of the pair, into gamma[0..nfield). */
void	 rcmp_pair(const struct rdata *, uint32_t a, uint32_t b,
	    uint8_t *gamma);

#endif
