/* manifest.h -- the list of documents a complete extract walk saw */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_MANIFEST_H
#define ETV_MANIFEST_H

#include <jansson.h>

#include "lib/base/buf.h"

/*
 * A manifest names every document that etv-extract found in a walk that
 * it finished: the documents it wrote, and those it rejected or skipped,
 * since their files still exist.  etv-index sync --prune --manifest never
 * prunes a document it names, so that a failure between extract and the
 * index cannot delete documents that are still there.
 *
 * The file is one JSON object, written atomically:
 *
 *   {"complete":true,"documents":[
 *   "a.txt",
 *   "sub/b.md"
 *   ]}
 *
 * A truncated file does not parse, so it is never taken for a complete
 * one.
 */

/*
 * Write the ids (a JSON array of strings; borrowed) as the manifest at
 * path, atomically.  Returns 0, or -1 with errno set (path untouched).
 */
int	 manifest_write(const char *path, const json_t *ids);

/*
 * Read the manifest at path.  Returns a new reference to an object whose
 * keys are the ids (a set), or NULL: with errno set and err left as it
 * was when the file cannot be read, with what is wrong written to err
 * when it is not a complete manifest.
 */
json_t	*manifest_load(const char *path, struct buf *err);

#endif
