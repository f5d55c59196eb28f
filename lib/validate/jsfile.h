/* jsfile.h -- JSON Schemas read from files: a schema, a folder of them */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JSFILE_H
#define ETV_JSFILE_H

#include "lib/base/buf.h"
#include "lib/validate/jsonschema.h"

/*
 * Compile the schema in the file path with the js_new() flags, its URI
 * being "file://" and its absolute path.  When dir is not NULL, every
 * *.json file under it (recursively, in name order) is added first, so
 * that a $ref may name it by its $id; one that is not JSON or not a
 * schema is skipped with a warning (diag_warn).  A $ref to another
 * file: URI reads that file; nothing else is fetched.
 *
 * Returns the compiled schema (js_free), or NULL with a message in err
 * and in *status ETV_SYS (a file or folder cannot be read) or ETV_USAGE
 * (the schema is not JSON or not a valid schema).
 */
struct js_schema *jsfile_load(const char *path, const char *dir, int flags,
	    int *status, struct buf *err);

#endif
