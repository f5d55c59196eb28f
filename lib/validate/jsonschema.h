/* jsonschema.h -- JSON Schema (2020-12 and draft 7) compiler and validator */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JSONSCHEMA_H
#define ETV_JSONSCHEMA_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"

/*
 * A schema is compiled once into a graph of nodes: every $ref resolved to
 * its target, every pattern compiled, every keyword decoded.  Validation
 * then walks the graph without looking at the schema's JSON again, and
 * never changes it, so one compiled schema serves many threads at once.
 *
 * Schemas are organised as in the specification: documents hold schema
 * resources (each with an absolute URI from $id, resolved against the
 * enclosing base URI); $ref and $dynamicRef are URI references resolved
 * against the base URI; a fragment is a JSON pointer or an anchor
 * ($anchor, $dynamicAnchor, or a draft 7 "#name" $id).  Documents come
 * from js_add() or, for URIs not yet known, from the loader; the
 * meta-schemas of draft 2020-12 and draft 7 are built in.  Nothing is
 * fetched from the network.
 */
struct js_schema;

/*
 * Load the document for an absolute URI (without fragment): return a new
 * reference, or NULL when it is unknown (then $ref to it is an error).
 */
typedef json_t *(*js_loader)(const char *uri, void *arg);

/* Compile options, or-ed. */
enum {
	JS_FORMATS = 1 << 0,	/* "format" is an assertion, not annotation */
	JS_CHECK = 1 << 1,	/* check the schema against its meta-schema */
	JS_DRAFT7 = 1 << 2	/* draft 7 when $schema is absent */
};

/* Drafts. */
enum {
	JS_D7 = 7,		/* http://json-schema.org/draft-07/schema# */
	JS_D2020 = 2020		/* .../draft/2020-12/schema */
};

/*
 * A new, empty set of documents with an optional loader (may be NULL).
 * Compile options apply to every schema compiled from it.  Free with
 * js_free.
 */
struct js_schema *js_new(int flags, js_loader, void *arg);

/*
 * Add a document under the retrieval URI uri (absolute; may be NULL when
 * the document has an absolute $id).  Its embedded resources and anchors
 * become known.  doc is borrowed; the schema keeps its own reference.
 * Returns 0, or -1 with a reason in err.
 */
int	 js_add(struct js_schema *, json_t *doc, const char *uri,
	    struct buf *err);

/*
 * Compile the schema at uri (absolute URI, with an optional fragment)
 * and make it the root that js_validate checks.  Returns 0, or -1 with a
 * message in err ("... at /json/pointer") when the schema is invalid or
 * a reference cannot be resolved.  May be called more than once; each
 * call replaces the root (compiled nodes are kept and shared).
 */
int	 js_compile(struct js_schema *, const char *uri, struct buf *err);

/* One validation error, as in the JSON Schema "basic" output format. */
struct js_error {
	char	*path;		/* instance location (JSON pointer); owned */
	char	*keyword;	/* keyword location (JSON pointer); owned */
	char	*message;	/* human-readable text; owned */
};

/* The errors of one validation; init with JS_ERRORS_INIT. */
struct js_errors {
	struct js_error	*v;	/* the errors; owned */
	size_t		 n;	/* how many */
	size_t		 cap;	/* allocated */
};
#define JS_ERRORS_INIT	{ NULL, 0, 0 }

/*
 * Append an error and return it for the caller to fill (its strings are
 * then owned by e).  Exits with ETV_SYS on OOM.
 */
struct js_error *js_errors_add(struct js_errors *e);

/* Forget the errors, keep the memory of the array. */
void	 js_errors_reset(struct js_errors *);
void	 js_errors_release(struct js_errors *);

/*
 * Validate an instance against the root.  Returns 1 when valid, 0 when
 * not.  When errs is not NULL and the instance is invalid, the errors
 * (at most max, 0 meaning 100) are appended to it.  Thread-safe.
 */
int	 js_validate(const struct js_schema *, const json_t *instance,
	    struct js_errors *errs, size_t max);

/*
 * The same on a parsed document (jdoc.h), the fast path: js_validate
 * copies its jansson value into one first.
 */
struct jdoc_val;
int	 js_validate_doc(const struct js_schema *, const struct jdoc_val *,
	    struct js_errors *errs, size_t max);

/* Free everything; NULL is accepted. */
void	 js_free(struct js_schema *);

/*
 * JSON equality as JSON Schema defines it (1 and 1.0 are equal; object
 * member order does not matter).
 */
int	 js_equal(const json_t *, const json_t *);

/* Append s[0..n) to b as a JSON pointer reference token (~0, ~1). */
void	 js_pointer_escape(struct buf *b, const char *s, size_t n);

#endif
