/* jdoc.h -- a read-only JSON document in an arena, parsed fast */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JDOC_H
#define ETV_JDOC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/*
 * A JSON value as the validator reads it: no reference counts, no hash
 * tables, every node and string in one arena that is reset between
 * records, so that parsing a record costs a few allocations at most.
 * Object members keep their order; lookups are linear (records have few
 * members).  The parser accepts exactly what the record reader accepts
 * (one value, strict JSON, valid UTF-8, no U+0000, no duplicate keys,
 * 64-bit integers, finite reals, at most 2048 levels) and fails on
 * anything else, so that the caller can fall back to jansson for the
 * diagnostic.
 */
enum {
	JD_NULL, JD_FALSE, JD_TRUE, JD_INT, JD_REAL, JD_STRING, JD_ARRAY,
	JD_OBJECT
};

struct jdoc_mem;

struct jdoc_val {
	int		 type;		/* JD_* */
	size_t		 n;		/* string bytes, items or members */
	union {
		long long		 i;	/* JD_INT */
		double			 d;	/* JD_REAL */
		const char		*s;	/* JD_STRING; NUL-terminated */
		struct jdoc_val		*items;	/* JD_ARRAY */
		struct jdoc_mem		*mems;	/* JD_OBJECT */
	} u;
};

/* An object member. */
struct jdoc_mem {
	const char	*key;		/* NUL-terminated; in the arena */
	size_t		 klen;		/* its length */
	struct jdoc_val	 val;		/* the value */
};

/* An arena of values; init with JDOC_ARENA_INIT. */
struct jdoc_arena {
	char		*blk;		/* current block; owned */
	size_t		 used, cap;	/* bytes used in it, its size */
	char		*old;		/* chain of full blocks; owned */
	struct jdoc_val	*vstack;	/* parser scratch: items; owned */
	size_t		 vsp, vcap;	/* its use and size */
	struct jdoc_mem	*mstack;	/* parser scratch: members; owned */
	size_t		 msp, mcap;	/* its use and size */
};
#define JDOC_ARENA_INIT	{ NULL, 0, 0, NULL, NULL, 0, 0, NULL, 0, 0 }

/*
 * Parse p[0..n) into the arena.  Returns the value (valid until the next
 * reset), or NULL when the text is not accepted (see above).
 */
struct jdoc_val *jdoc_parse(struct jdoc_arena *, const char *p, size_t n);

/* Copy a jansson value into the arena.  Never NULL. */
struct jdoc_val *jdoc_from_json(struct jdoc_arena *, const json_t *);

/* Forget every value of the arena, keeping its memory. */
void	 jdoc_reset(struct jdoc_arena *);

/* Free the arena's memory; it is JDOC_ARENA_INIT again. */
void	 jdoc_release(struct jdoc_arena *);

/* The member called key (klen bytes) of an object, or NULL. */
const struct jdoc_val *jdoc_get(const struct jdoc_val *, const char *key,
	    size_t klen);

/* The value of a number as a double. */
double	 jdoc_number(const struct jdoc_val *);

#endif
