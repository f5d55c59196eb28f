/* rdata.h -- the records of a resolve run, as interned field values */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RDATA_H
#define ETV_RDATA_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/resolve/rmodel.h"

struct strmap;

/*
 * What a resolve run keeps of each record: for each field of the model
 * the number of its normalised value in the field's dictionary (so that
 * two equal values are one number and each distinct value is stored,
 * coded and counted once), its id, its source and, for a record of an
 * earlier run (--against), its entity.  About 4 bytes a field and the
 * id's length a record, plus the distinct values.
 */

/* A distinct value of a field and what is derived from it. */
struct rval {
	double		 num;		/* as a number (RV_NUMBER), or NaN */
	double		 tf;		/* its share by the model's term
					   frequencies, or NaN: by count */
	uint32_t	 count;		/* records that have it */
	uint32_t	 sdx;		/* Soundex code (RV_SOUNDEX), in the
					   field's codes; RDATA_NONE if empty */
	uint32_t	 dm1, dm2;	/* Double Metaphone codes, as sdx */
};

#define RDATA_NONE	UINT32_MAX	/* no code */
#define RDATA_MISSING	0		/* a field's value is missing */

struct rdict {
	struct strmap	*vals;		/* the values; owned */
	struct rval	*v;		/* one per value */
	size_t		 cap;		/* allocated entries of v */
	struct strmap	*codes;		/* phonetic codes; owned */
	uint64_t	 nonnull;	/* records with a value */
};

/* Flags of a record. */
enum {
	RDATA_PRIOR = 1 << 0		/* read from --against: not written */
};

struct rdata {
	const struct rmodel *m;		/* borrowed */
	size_t		 nrec;		/* records */
	size_t		 cap;		/* allocated records */
	uint32_t	*vid;		/* nrec x nfield: value + 1, or
					   RDATA_MISSING */
	struct rdict	 dict[RM_MAX_FIELDS];
	uint8_t		*src;		/* source of each record (0, or 1 for
					   --link's second input) */
	uint8_t		*flags;		/* RDATA_* */
	size_t		*idoff;		/* where each id starts in ids */
	struct buf	 ids;		/* the ids, NUL after each */
	uint32_t	*prior;		/* entity of a prior record, an index
					   in entities, or RDATA_NONE */
	struct strmap	*entities;	/* prior entity ids; owned */
	int		 bysource;	/* --link: an id names a record of
					   its source only */
};

/* Empty records for model m (borrowed).  Never NULL. */
struct rdata *rdata_new(const struct rmodel *m);

/*
 * Add a record: its id (id[0..idlen)), its source, flags, the entity id
 * of a prior record (or NULL), and for each field f the normalised value
 * vals[f][0..lens[f]) or NULL when missing.  Returns its index.
 */
uint32_t rdata_add(struct rdata *, const char *id, size_t idlen, int src,
	    int flags, const char *entity, size_t entlen,
	    const char *const *vals, const size_t *lens);

/* The value (string) of record r in field f, or NULL when missing. */
const char *rdata_value(const struct rdata *, uint32_t r, int f,
	    size_t *lenp);

/* The distinct value of record r in field f, or NULL when missing. */
const struct rval *rdata_val(const struct rdata *, uint32_t r, int f);

/* The id of record r (NUL-terminated). */
const char *rdata_id(const struct rdata *, uint32_t r);

/*
 * What names record r among all records, appended to out: its id or,
 * when ids name records of their source only (--link: both systems may
 * have a record 1), its source and its id.  rdata_key_of is the same
 * for a record of source src and id id[0..idlen) not added yet.
 */
void	 rdata_key(const struct rdata *, uint32_t r, struct buf *out);
void	 rdata_key_of(const struct rdata *, int src, const char *id,
	    size_t idlen, struct buf *out);

/* A phonetic code of field f (sdx, dm1, dm2 of a struct rval). */
const char *rdata_code(const struct rdata *, int f, uint32_t code,
	    size_t *lenp);

/* The bytes held (for -v). */
size_t	 rdata_memory(const struct rdata *);

void	 rdata_free(struct rdata *);

#endif
