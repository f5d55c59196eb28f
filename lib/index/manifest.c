/* manifest.c -- the list of documents a complete extract walk saw */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/iox.h"
#include "lib/index/manifest.h"
#include "lib/json/record.h"

int
manifest_write(const char *path, const json_t *ids)
{
	struct iox_atomic a;
	struct buf b = BUF_INIT;
	const json_t *v;
	size_t i;
	int e;

	buf_adds(&b, "{\"complete\":true,\"documents\":[\n");
	json_array_foreach(ids, i, v) {
		rec_dump(&b, v);
		buf_adds(&b, i + 1 < json_array_size(ids) ? ",\n" : "\n");
	}
	buf_adds(&b, "]}\n");
	if (iox_atomic_open(&a, path) == -1) {
		e = errno;
		buf_release(&b);
		errno = e;
		return -1;
	}
	if (fwrite(b.data, 1, b.len, a.fp) != b.len) {
		e = errno;
		iox_atomic_abort(&a);
		buf_release(&b);
		errno = e;
		return -1;
	}
	buf_release(&b);
	return iox_atomic_commit(&a);
}

json_t *
manifest_load(const char *path, struct buf *err)
{
	json_error_t jerr;
	json_t *m, *docs, *set, *v;
	size_t i;

	if (access(path, R_OK) == -1)
		return NULL;
	if ((m = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		buf_fail(err, "not a complete manifest (it does not "
		    "parse)");
		return NULL;
	}
	docs = json_object_get(m, "documents");
	if (!json_is_true(json_object_get(m, "complete")) ||
	    !json_is_array(docs)) {
		buf_fail(err, "not a complete manifest of etv-extract "
		    "--manifest");
		json_decref(m);
		return NULL;
	}
	set = json_object();
	json_array_foreach(docs, i, v) {
		if (!json_is_string(v)) {
			buf_fail(err, "a document id of the manifest is not "
			    "a string");
			json_decref(set);
			json_decref(m);
			return NULL;
		}
		json_object_setn_new_nocheck(set, json_string_value(v),
		    json_string_length(v), json_true());
	}
	json_decref(m);
	return set;
}
