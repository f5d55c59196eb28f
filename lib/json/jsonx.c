/* jsonx.c -- small jansson helpers */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/iox.h"
#include "lib/json/jsonx.h"
#include "lib/json/record.h"

json_t *
jsonx_path(const json_t *obj, const char *path)
{
	const char *dot;
	json_t *v;

	if ((v = json_object_get(obj, path)) != NULL)
		return v;
	for (dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
		v = json_object_getn(obj, path, (size_t)(dot - path));
		if (v && json_is_object(v) && (v = jsonx_path(v, dot + 1)))
			return v;
	}
	return NULL;
}

const char *
jsonx_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "object";
	case JSON_ARRAY:	return "array";
	case JSON_STRING:	return "string";
	case JSON_INTEGER:	return "integer";
	case JSON_REAL:		return "number";
	case JSON_TRUE:
	case JSON_FALSE:	return "boolean";
	default:		return "null";
	}
}

const char *
jsonx_string(const json_t *obj, const char *field, size_t *lenp,
    struct buf *err)
{
	json_t *v;

	v = jsonx_path(obj, field);
	if (v && json_is_string(v)) {
		if (lenp)
			*lenp = json_string_length(v);
		return json_string_value(v);
	}
	if (v == NULL)
		buf_fail(err, "field '%s' is missing", field);
	else
		buf_fail(err, "field '%s' is %s %s, not a string", field,
		    json_is_array(v) || json_is_object(v) ||
		    json_is_integer(v) ? "an" : "a", jsonx_type_name(v));
	return NULL;
}

int
jsonx_save(const char *path, const json_t *v, struct buf *err)
{
	struct iox_atomic a;
	struct buf text = BUF_INIT;
	struct stat st;
	FILE *fp;
	int e, ok;

	rec_dump_cells(&text, v);
	buf_addc(&text, '\n');
	/* A terminal, a pipe or a FIFO cannot be replaced: write to it. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) {
		if ((fp = fopen(path, "w")) == NULL)
			goto fail;
		ok = fwrite(text.data, 1, text.len, fp) == text.len;
		e = errno;
		if (fclose(fp) == EOF || !ok) {
			errno = ok ? errno : e;
			goto fail;
		}
	} else {
		if (iox_atomic_open(&a, path) == -1)
			goto fail;
		if (fwrite(text.data, 1, text.len, a.fp) != text.len) {
			e = errno;
			iox_atomic_abort(&a);
			errno = e;
			goto fail;
		}
		if (iox_atomic_commit(&a) == -1)
			goto fail;
	}
	buf_release(&text);
	return 0;
fail:
	e = errno;
	buf_release(&text);
	return buf_fail(err, "%s: %s", path, strerror(e));
}
