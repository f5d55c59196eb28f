/* jsfile.c -- JSON Schemas read from files: a schema, a folder of them */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/validate/jsfile.h"

/* "file://" + the absolute path of a file; caller frees. */
static char *
file_uri(const char *path)
{
	char real[PATH_MAX];
	struct buf b = BUF_INIT;
	const char *p;

	if (realpath(path, real) == NULL)
		return NULL;
	buf_adds(&b, "file://");
	for (p = real; *p; p++) {
		if (*p == ' ' || *p == '#' || *p == '%' || *p == '?')
			buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

/*
 * Read a schema file.  A file that cannot be read is an I/O error
 * (ETV_SYS); one that is not JSON a bad schema (ETV_USAGE).  With skip,
 * a file that is not JSON is NULL after a warning, with *status 0.
 */
static json_t *
load_json(const char *path, int skip, int *status, struct buf *err)
{
	json_error_t jerr;
	json_t *doc;
	FILE *fp;

	*status = ETV_SYS;
	if ((fp = fopen(path, "rb")) == NULL) {
		buf_fail(err, "cannot open schema '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	doc = json_loadf(fp, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (doc == NULL && ferror(fp)) {
		buf_fail(err, "cannot read schema '%s': %s", path,
		    strerror(errno));
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	if (doc == NULL && skip) {
		diag_warn("%s:%d: %s; skipped", path, jerr.line, jerr.text);
		*status = 0;
	} else if (doc == NULL) {
		buf_fail(err, "%s:%d: %s", path, jerr.line, jerr.text);
		*status = ETV_USAGE;
	}
	return doc;
}

/* $ref to file: URIs reads local files; nothing else is fetched. */
static json_t *
loader(const char *uri, void *arg)
{
	struct buf path = BUF_INIT;
	const char *p;
	json_t *doc;
	unsigned a;

	(void)arg;
	if (strncmp(uri, "file://", 7) != 0)
		return NULL;
	for (p = uri + 7; *p; p++) {
		if (*p == '%' && p[1] && p[2] && sscanf(p + 1, "%2x", &a) ==
		    1) {
			buf_addc(&path, (char)a);
			p += 2;
		} else
			buf_addc(&path, *p);
	}
	doc = json_load_file(path.data, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, NULL);
	buf_release(&path);
	return doc;
}

/* Add every *.json file under dir (recursively) to the schema set. */
static int
add_dir(struct js_schema *S, const char *dir, int *status, struct buf *err)
{
	struct buf path = BUF_INIT, why = BUF_INIT;
	struct dirent **list, *de;
	struct stat st;
	json_t *doc;
	char *uri;
	size_t n;
	int i, nde, rc = 0;

	/* In name order, so that the warnings come out the same each run. */
	if ((nde = scandir(dir, &list, NULL, alphasort)) < 0) {
		*status = ETV_SYS;
		return buf_fail(err, "cannot read schema directory '%s': %s",
		    dir, strerror(errno));
	}
	for (i = 0; i < nde; free(list[i]), i++) {
		de = list[i];
		if (rc != 0 || de->d_name[0] == '.')
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.data, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = add_dir(S, path.data, status, err);
			continue;
		}
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		/*
		 * A folder of schemas often holds some of other drafts, or
		 * files that are not schemas: skip them with a warning; a
		 * $ref to one of them still fails when it is compiled.
		 */
		if ((doc = load_json(path.data, 1, status, err)) == NULL) {
			rc = *status != 0 ? -1 : 0;
			continue;
		}
		uri = file_uri(path.data);
		if (js_add(S, doc, uri, &why) != 0)
			diag_warn("schema '%s': %s; skipped", path.data,
			    why.data);
		free(uri);
		json_decref(doc);
	}
	free(list);
	buf_release(&path);
	buf_release(&why);
	return rc;
}

struct js_schema *
jsfile_load(const char *path, const char *dir, int flags, int *status,
    struct buf *err)
{
	struct js_schema *S;
	struct buf why = BUF_INIT;
	json_t *doc = NULL;
	char *uri = NULL;

	S = js_new(flags, loader, NULL);
	if ((dir != NULL && add_dir(S, dir, status, err) != 0) ||
	    (doc = load_json(path, 0, status, err)) == NULL)
		goto fail;
	if ((uri = file_uri(path)) == NULL) {
		*status = ETV_SYS;
		buf_fail(err, "cannot open schema '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	if (js_add(S, doc, uri, &why) != 0 || js_compile(S, uri, &why) != 0) {
		*status = ETV_USAGE;
		buf_fail(err, "schema '%s': %s", path, why.data);
		goto fail;
	}
	free(uri);
	json_decref(doc);
	buf_release(&why);
	return S;
fail:
	free(uri);
	json_decref(doc);
	buf_release(&why);
	js_free(S);
	return NULL;
}
