/* index_vfilter.c -- parsing and matching of lib/vfilter query filters */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/vfilter.h"
#include "unit.h"

/* Parse expr; check the path and the values (compact JSON of the array). */
static void
parses(const char *expr, const char *path, const char *vals)
{
	struct vfilter f;
	const char *why = NULL;
	char *got;

	CHECK(vfilter_parse(&f, expr, &why) == 0);
	if (f.path == NULL)
		return;
	CHECK(strcmp(f.path, path) == 0);
	got = json_dumps(f.vals, JSON_COMPACT | JSON_ENCODE_ANY);
	CHECK(got != NULL && strcmp(got, vals) == 0);
	if (got && strcmp(got, vals) != 0)
		fprintf(stderr, "  %s: got %s, want %s\n", expr, got, vals);
	free(got);
	vfilter_release(&f);
}

static void
refused(const char *expr, const char *want)
{
	struct vfilter f;
	const char *why = NULL;

	CHECK(vfilter_parse(&f, expr, &why) == -1);
	CHECK(why != NULL && strcmp(why, want) == 0);
	CHECK(f.path == NULL && f.vals == NULL);
}

static int
matches(const char *expr, const char *value)
{
	struct vfilter f;
	const char *why;
	json_t *v;
	int m;

	if (vfilter_parse(&f, expr, &why) == -1)
		return -1;
	v = value ? json_loads(value, JSON_DECODE_ANY, NULL) : NULL;
	m = vfilter_match(&f, v);
	json_decref(v);
	vfilter_release(&f);
	return m;
}

int
main(void)
{
	/* Scalars read as JSON, anything else as the string written. */
	parses("meta.lang=en", "meta.lang", "[\"en\"]");
	parses(" meta.lang = en ", "meta.lang", "[\"en\"]");
	parses("n=3", "n", "[3]");
	parses("b=true", "b", "[true]");
	parses("x=null", "x", "[null]");
	parses("s=\"3\"", "s", "[\"3\"]");
	parses("id=d0#0", "id", "[\"d0#0\"]");
	parses("e=", "e", "[\"\"]");
	parses("o={\"a\":1}", "o", "[\"{\\\"a\\\":1}\"]");
	parses("a=x in y", "a=x", "[\"y\"]");
	parses("k=a=b", "k", "[\"a=b\"]");

	/* Lists, with brackets, parentheses or neither. */
	parses("meta.lang in [de, \"fr\"]", "meta.lang", "[\"de\",\"fr\"]");
	parses("n in (1,2, 3)", "n", "[1,2,3]");
	parses("n in 1,2", "n", "[1,2]");
	parses("s in [\"a,b\", c]", "s", "[\"a,b\",\"c\"]");
	parses("s in [\"a\\\",b\"]", "s", "[\"a\\\",b\"]");
	parses("s in [a", "s", "[\"[a\"]");
	parses("s in []", "s", "[\"\"]");

	refused("meta.lang", "needs FIELD=VALUE or FIELD in [V1,...]");
	refused("=en", "has no field name");
	refused("  in [a]", "has no field name");
	refused("s=\xff", "value is not UTF-8");

	/* Matching: equality, lists, arrays of values, missing fields. */
	CHECK(matches("lang=en", "\"en\"") == 1);
	CHECK(matches("lang=en", "\"fr\"") == 0);
	CHECK(matches("lang=en", NULL) == 0);
	CHECK(matches("n=3", "3") == 1);
	CHECK(matches("n=3", "\"3\"") == 0);
	CHECK(matches("lang in [de,fr]", "\"fr\"") == 1);
	CHECK(matches("tag=b", "[\"a\",\"b\"]") == 1);
	CHECK(matches("tag=b", "[\"a\",[\"b\"]]") == 1);
	CHECK(matches("tag=c", "[\"a\",\"b\"]") == 0);
	CHECK(matches("tag=x", "{\"tag\":\"x\"}") == 0);

	return unit_done("index_vfilter");
}
