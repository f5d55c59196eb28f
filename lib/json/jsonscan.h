/* jsonscan.h -- a fast path for JSON-lines records */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JSONSCAN_H
#define ETV_JSONSCAN_H

#include <stddef.h>

#include "lib/base/buf.h"

/* The most members a record (or an object in it) may have. */
#define JSONSCAN_MAX	32

/* How deep objects and arrays in a record may nest. */
#define JSONSCAN_DEPTH	16

/* One member of a scanned record: slices of the line. */
struct jsonscan_member {
	const char	*key;		/* its name, without quotes */
	size_t		 keylen;	/* length of the name */
	const char	*val;		/* its value (inside the quotes) */
	size_t		 vallen;	/* length of the value */
	int		 string;	/* 1 when the value is a string */
	int		 escaped;	/* 1 when that string has escapes */
};

/* A scanned record. */
struct jsonscan {
	struct jsonscan_member	 m[JSONSCAN_MAX]; /* members, in order */
	size_t			 n;	/* their number */
};

/*
 * Check that line[0..len) is a JSON object that any parser reads the same
 * way, and find its members: names without escapes and no name twice;
 * values that are strings (valid UTF-8, no control characters, no
 * \u0000, surrogates only in pairs), short numbers without an exponent,
 * true, false, null, or objects and arrays of such values (nested at most
 * JSONSCAN_DEPTH deep, each object with at most JSONSCAN_MAX names, none
 * twice or escaped); at most JSONSCAN_MAX members.  An object or array
 * member is its text, with string 0.  Fills sc and returns 1 when it is;
 * returns 0 for anything else, valid or not (long numbers, invalid
 * JSON...): the caller then parses the line with a full parser, which
 * also explains any error.
 */
int	 jsonscan_record(const char *line, size_t len, struct jsonscan *sc);

/*
 * jsonscan_record for an object that starts at p (white space before it
 * included) and may be followed by more: returns the address after its
 * closing brace, or NULL when it is not such an object.  For the objects
 * of an array member, read in place.
 */
const char *jsonscan_object(const char *p, const char *end,
	    struct jsonscan *sc);

/*
 * Skip one JSON value at p (white space before it included), checked as
 * jsonscan_record checks values, objects and arrays nested up to depth
 * levels.  Returns the address after it, or NULL when it is not such a
 * value (the caller then uses a full parser).
 */
const char *jsonscan_value(const char *p, const char *end, int depth);

/*
 * Scan a string whose opening quote is at p[-1], checked as above.
 * Returns the address of its closing quote, or NULL; sets *escaped when
 * it has escapes.
 */
const char *jsonscan_string(const char *p, const char *end, int *escaped);

/* The member named key (NUL-terminated), or NULL. */
const struct jsonscan_member *jsonscan_get(const struct jsonscan *,
	    const char *key);

/*
 * The text of a string member: its bytes when it has no escapes, else
 * its unescaped text written to b (reset first).  Stores the length in
 * *n.  Returns NULL for \u0000 or a lone surrogate, which
 * jsonscan_record has already refused.
 */
const char *jsonscan_text(const struct jsonscan_member *, struct buf *b,
	    size_t *n);

#endif
