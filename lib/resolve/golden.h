/* golden.h -- golden records: one record an entity, field by field */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_GOLDEN_H
#define ETV_GOLDEN_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"

/*
 * The golden record of an entity holds, for each top-level field of its
 * member records, the one value its rule picks among the members'
 * values (survivorship).  The rules:
 *
 *   most_frequent    the value held by the most members (JSON equality:
 *                    numbers by value, so 1 and 1.0 are one value;
 *                    objects whatever their key order)
 *   longest          the longest value: strings by code points, any
 *                    other value by the code points of its compact JSON
 *                    encoding (so 12345 is 5 long, like "12345")
 *   first            the first value in input order
 *   newest:FIELD     the value of the member whose FIELD is the latest
 *                    (see golden_merge)
 *   priority:S1,S2   the value of the member whose source comes first in
 *                    the list; sources not in it come after all that are
 *
 * Every rule looks only at the members that have a value: null, an
 * empty string and a missing member are no value.  Ties go to the
 * earliest member in input order.
 */
struct golden;

/*
 * Read the rules from spec, the model's "golden" member:
 *
 *   {"default": RULE, "fields": {FIELD: RULE, ...}}
 *
 * both members optional; the default rule is most_frequent when spec is
 * NULL or has no "default".  A source list is split at commas, white
 * space around each name trimmed.  source_field (may be NULL) is the
 * member that gives a record's source when golden_merge is given none.
 * Returns new rules the caller frees with golden_free, or NULL with a
 * message in err that names the field and the problem: an unknown rule,
 * a rule that is not a string, newest: without a field, priority:
 * without a source (or with an empty name), an unknown member of spec.
 */
struct golden *golden_new(const json_t *spec, const char *source_field,
	    struct buf *err);

/*
 * Does any rule (the default included) use the members' sources?  1 when
 * there is a priority: rule, else 0.
 */
int	 golden_uses_source(const struct golden *);

/*
 * The golden record of entity_id (may be NULL: null is written) from its
 * n member records recs[0..n) (objects, in input order, borrowed).
 * sources[i] is the source of recs[i] for priority: rules; sources may
 * be NULL, and so may any entry of it: then the record's source is the
 * string value of its source_field, if it has one, else it has none.
 * id_field names the members' id (NULL: "id").
 *
 * Returns a new object (a new reference; it shares nothing with recs):
 *
 *   {"entity_id": ID, "ids": [the members' ids, in input order],
 *    FIELD: VALUE, ...}
 *
 * An id that is a string or a number is written as it is; a member
 * without one (or with another type) contributes null.  Then come the
 * top-level fields of the members in the order they first appear
 * (member by member, each member's fields in its order), except
 * id_field, "entity_id", "match_score" and "ids", each with the value
 * its rule picks, or null when every member that has the field has it
 * null or empty.  A field no member has is absent.
 *
 * For newest:FIELD (FIELD may be a dotted path, as "meta.updated"), the
 * members' FIELDs rank as follows, the greatest winning: an RFC 3339
 * date-time (its offset counted; a space in place of the "T" is
 * accepted) or full-date, read as seconds since the epoch, and a
 * number, read as seconds too, all on one scale; below them any other
 * non-empty string, compared bytewise; below those, a member without
 * FIELD or with another value there.  Returns NULL only when jansson
 * runs out of memory.  Thread-safe: the rules are only read.
 */
json_t	*golden_merge(const struct golden *, const char *entity_id,
	    json_t *const *recs, const char *const *sources, size_t n,
	    const char *id_field);

/* Free rules; NULL is accepted. */
void	 golden_free(struct golden *);

#endif
