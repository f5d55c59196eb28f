/* jsonx.h -- small jansson helpers: typed field getters with good messages */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JSONX_H
#define ETV_JSONX_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"

/*
 * Jansson's ownership rules, stated once for the whole project:
 * - json_object_get() and json_array_get() return borrowed references;
 * - json_object_set_new() and json_array_append_new() steal the value;
 * - rec_next() and rec_parse() return new references that the caller
 *   releases with json_decref().
 */

/*
 * Look up a member by a dotted path ("meta.lang"): each dot descends into
 * an object.  A name containing a dot is found too when no shorter prefix
 * matches.  Returns a borrowed reference, or NULL when absent.
 */
json_t	*jsonx_path(const json_t *obj, const char *path);

/*
 * Get a string member (field is a dotted path).  Returns the string
 * (borrowed; valid while obj lives) and its length in *lenp (may be
 * NULL), or NULL when the member is missing or not a string; then err
 * says which ("field 'text' is missing", "field 'text' is an integer, not
 * a string"), as buf_fail does.
 */
const char *jsonx_string(const json_t *obj, const char *field, size_t *lenp,
	    struct buf *err);

/* The name of a JSON type for messages: "object", "string", ... */
const char *jsonx_type_name(const json_t *);

/*
 * Write v to path as one line, encoded as records are (rec_dump_cells),
 * replacing a regular file atomically (iox_atomic_open); a terminal, a
 * pipe or a FIFO, which cannot be replaced, is written in place.
 * Returns 0, or -1 with "path: reason" in err.
 */
int	 jsonx_save(const char *path, const json_t *v, struct buf *err);

#endif
