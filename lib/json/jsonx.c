/* jsonx.c -- small jansson helpers */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/json/jsonx.h"

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
