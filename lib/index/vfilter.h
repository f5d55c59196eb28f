/* vfilter.h -- query filters on stored fields: FIELD OP VALUE */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_VFILTER_H
#define ETV_VFILTER_H

#include <jansson.h>

#include "lib/base/buf.h"

/* The operators of a filter clause. */
enum vfilter_op {
	VFILTER_EQ,		/* FIELD=V */
	VFILTER_NE,		/* FIELD!=V */
	VFILTER_IN,		/* FIELD in [V1,V2,...] */
	VFILTER_NOTIN,		/* FIELD not in [V1,V2,...] */
	VFILTER_LT,		/* FIELD<V */
	VFILTER_LE,		/* FIELD<=V */
	VFILTER_GT,		/* FIELD>V */
	VFILTER_GE,		/* FIELD>=V */
	VFILTER_PREFIX		/* FIELD^=V: a string starting with V */
};

/*
 * One filter clause: the field it looks at, the operator and its values.
 * A value that reads as a JSON scalar is that scalar ("3", "true",
 * "\"x,y\""); anything else is the string as written (en, d0#0).  The
 * value of ^= is always a string ("12" is the string 12).
 */
struct vfilter {
	char		*path;		/* the field, dotted: "meta.lang"; owned */
	int		 op;		/* enum vfilter_op */
	json_t		*vals;		/* the values, an array; owned */
};

/*
 * Parse "PATH OP VALUE" into f.  OP is the first of =, !=, <, <=, >, >=,
 * ^=, " in " and " not in " in expr, so the path holds none of them and
 * the value may hold any.  The list of in and not in is in brackets or
 * parentheses (optional); commas inside double quotes do not split it,
 * and [] is the empty list.  <, <=, > and >= take a number or a string.
 * Returns 0, or -1 with what is wrong written to err and f left empty.
 */
int	 vfilter_parse(struct vfilter *f, const char *expr, struct buf *err);

/* Free what f owns.  An empty (zeroed) filter is accepted. */
void	 vfilter_release(struct vfilter *f);

/*
 * Whether the value v of a row's field passes f.  A missing value (NULL)
 * passes nothing, not even != or not in.  Numbers compare numerically
 * (3 equals 3.0), strings bytewise, and a number never equals, precedes
 * or follows a string.  When v is an array, =, in, the comparisons and
 * ^= hold when they hold for one of its elements, and != and not in when
 * = and in hold for none.
 */
int	 vfilter_match(const struct vfilter *f, const json_t *v);

/*
 * Whether a row value v is of a kind (number, string, boolean, null) that
 * none of f's values has, so that f compares unlike things: 0 for arrays,
 * objects, NULL and the empty list.  A hint for messages: "2024" quoted
 * or not makes a string or a number.
 */
int	 vfilter_unlike(const struct vfilter *f, const json_t *v);

/* The operator as written ("=", "not in"). */
const char *vfilter_op_name(int op);

#endif
