/* vfilter.c -- parsing and matching of lib/index/vfilter query filters */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/index/vfilter.h"
#include "unit.h"

/*
 * Parse expr; check the path, the operator and the values (compact JSON
 * of the array).
 */
static void
parses_op(const char *expr, const char *path, int op, const char *vals)
{
	struct vfilter f;
	char *got;

	CHECK(vfilter_parse(&f, expr, NULL) == 0);
	if (f.path == NULL)
		return;
	CHECK(strcmp(f.path, path) == 0);
	CHECK(f.op == op);
	if (f.op != op)
		fprintf(stderr, "  %s: operator %s\n", expr,
		    vfilter_op_name(f.op));
	got = json_dumps(f.vals, JSON_COMPACT | JSON_ENCODE_ANY);
	CHECK(got != NULL && strcmp(got, vals) == 0);
	if (got && strcmp(got, vals) != 0)
		fprintf(stderr, "  %s: got %s, want %s\n", expr, got, vals);
	free(got);
	vfilter_release(&f);
}

static void
parses(const char *expr, const char *path, const char *vals)
{
	parses_op(expr, path, strstr(expr, " in ") ? VFILTER_IN : VFILTER_EQ,
	    vals);
}

static void
refused(const char *expr, const char *want)
{
	struct vfilter f;
	struct buf why = BUF_INIT;

	CHECK(vfilter_parse(&f, expr, &why) == -1);
	CHECK(strcmp(why.data, want) == 0);
	CHECK(f.path == NULL && f.vals == NULL);
	buf_release(&why);
}

static int
matches(const char *expr, const char *value)
{
	struct vfilter f;
	json_t *v;
	int m;

	if (vfilter_parse(&f, expr, NULL) == -1)
		return -1;
	v = value ? json_loads(value, JSON_DECODE_ANY, NULL) : NULL;
	m = vfilter_match(&f, v);
	json_decref(v);
	vfilter_release(&f);
	return m;
}

static int
unlike(const char *expr, const char *value)
{
	struct vfilter f;
	json_t *v;
	int u;

	if (vfilter_parse(&f, expr, NULL) == -1)
		return -1;
	v = value ? json_loads(value, JSON_DECODE_ANY, NULL) : NULL;
	u = vfilter_unlike(&f, v);
	json_decref(v);
	vfilter_release(&f);
	return u;
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
	parses_op("a=x in y", "a", VFILTER_EQ, "[\"x in y\"]");
	parses("k=a=b", "k", "[\"a=b\"]");

	/* Lists, with brackets, parentheses or neither. */
	parses("meta.lang in [de, \"fr\"]", "meta.lang", "[\"de\",\"fr\"]");
	parses("n in (1,2, 3)", "n", "[1,2,3]");
	parses("n in 1,2", "n", "[1,2]");
	parses("s in [\"a,b\", c]", "s", "[\"a,b\",\"c\"]");
	parses("s in [\"a\\\",b\"]", "s", "[\"a\\\",b\"]");
	parses("s in [a", "s", "[\"[a\"]");
	parses("s in []", "s", "[]");
	parses("s in [ ]", "s", "[]");
	parses("s in [\"\"]", "s", "[\"\"]");
	parses_op("s in[a]", "s", VFILTER_IN, "[\"a\"]");

	/* The other operators: the first one in the expression wins. */
	parses_op("category!=kitchen", "category", VFILTER_NE,
	    "[\"kitchen\"]");
	parses_op("category != kitchen", "category", VFILTER_NE,
	    "[\"kitchen\"]");
	parses_op("price<10", "price", VFILTER_LT, "[10]");
	parses_op("price <= 9.5", "price", VFILTER_LE, "[9.5]");
	parses_op("price>0", "price", VFILTER_GT, "[0]");
	parses_op("day>=2024-01-01", "day", VFILTER_GE, "[\"2024-01-01\"]");
	parses_op("n<\"10\"", "n", VFILTER_LT, "[\"10\"]");
	parses_op("meta.path^=docs/", "meta.path", VFILTER_PREFIX,
	    "[\"docs/\"]");
	parses_op("id^=12", "id", VFILTER_PREFIX, "[\"12\"]");
	parses_op("id^=\"a b\"", "id", VFILTER_PREFIX, "[\"a b\"]");
	parses_op("lang not in [en, de]", "lang", VFILTER_NOTIN,
	    "[\"en\",\"de\"]");
	parses_op("lang  not  in(en)", "lang", VFILTER_NOTIN, "[\"en\"]");
	parses_op("note=a<b", "note", VFILTER_EQ, "[\"a<b\"]");
	parses_op("note!=x=y", "note", VFILTER_NE, "[\"x=y\"]");
	parses_op("a!b=1", "a!b", VFILTER_EQ, "[1]");
	parses_op("t=\"a, [b] c\"", "t", VFILTER_EQ, "[\"a, [b] c\"]");
	parses_op("notes in [x]", "notes", VFILTER_IN, "[\"x\"]");
	parses_op("x inside=1", "x inside", VFILTER_EQ, "[1]");

	refused("meta.lang", "needs FIELD=VALUE, FIELD!=VALUE, FIELD<VALUE "
	    "(<=, >, >=), FIELD^=PREFIX or FIELD [not] in [V1,...]");
	refused("category!kitchen", "needs FIELD=VALUE, FIELD!=VALUE, "
	    "FIELD<VALUE (<=, >, >=), FIELD^=PREFIX or FIELD [not] in [V1,...]");
	refused("!=x", "has no field name");
	refused("n<true", "compares with a number or a string only");
	refused("n>=null", "compares with a number or a string only");
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

	CHECK(matches("n=3", "3.0") == 1);
	CHECK(matches("n in [1,3.0]", "3") == 1);
	CHECK(matches("lang in []", "\"en\"") == 0);

	/* != and not in: present values only; arrays when no element is. */
	CHECK(matches("category!=kitchen", "\"garden\"") == 1);
	CHECK(matches("category!=kitchen", "\"kitchen\"") == 0);
	CHECK(matches("category!=kitchen", NULL) == 0);
	CHECK(matches("category!=kitchen", "null") == 1);
	CHECK(matches("n!=3", "3.0") == 0);
	CHECK(matches("tag!=b", "[\"a\",\"b\"]") == 0);
	CHECK(matches("tag!=c", "[\"a\",\"b\"]") == 1);
	CHECK(matches("tag!=c", "[]") == 1);
	CHECK(matches("lang not in [en,de]", "\"fr\"") == 1);
	CHECK(matches("lang not in [en,de]", "\"de\"") == 0);
	CHECK(matches("lang not in [en,de]", NULL) == 0);
	CHECK(matches("lang not in []", "\"de\"") == 1);

	/* Comparisons: numbers numerically, strings bytewise, never mixed. */
	CHECK(matches("price<10", "9") == 1);
	CHECK(matches("price<10", "9.99") == 1);
	CHECK(matches("price<10", "10") == 0);
	CHECK(matches("price<=10", "10.0") == 1);
	CHECK(matches("price>10", "100") == 1);
	CHECK(matches("price>10", "\"100\"") == 0);
	CHECK(matches("price<10", "\"1\"") == 0);
	CHECK(matches("price>=10", "10") == 1);
	CHECK(matches("price>=10", "true") == 0);
	CHECK(matches("price>=10", "null") == 0);
	CHECK(matches("price<10", NULL) == 0);
	CHECK(matches("big>9007199254740992", "9007199254740993") == 1);
	CHECK(matches("day>=2024-01-01", "\"2024-01-01T00:00:00Z\"") == 1);
	CHECK(matches("day<2024-01-01", "\"2023-12-31\"") == 1);
	CHECK(matches("day<2024-01-01", "\"2024-01-01\"") == 0);
	CHECK(matches("s<b", "\"a\"") == 1);
	CHECK(matches("s<b", "\"ba\"") == 0);
	CHECK(matches("s<ba", "\"b\"") == 1);
	CHECK(matches("s>\u00e9", "\"z\"") == 0);
	CHECK(matches("s>z", "\"\u00e9\"") == 1);
	CHECK(matches("n>5", "[1,7]") == 1);
	CHECK(matches("n>5", "[1,2]") == 0);

	/* Prefix: strings only. */
	CHECK(matches("meta.path^=docs/", "\"docs/a.md\"") == 1);
	CHECK(matches("meta.path^=docs/", "\"docs/\"") == 1);
	CHECK(matches("meta.path^=docs/", "\"doc\"") == 0);
	CHECK(matches("meta.path^=docs/", "\"x/docs/a\"") == 0);
	CHECK(matches("id^=12", "123") == 0);
	CHECK(matches("id^=12", "\"123\"") == 1);
	CHECK(matches("p^=", "\"\"") == 1);
	CHECK(matches("tag^=ki", "[\"garden\",\"kitchen\"]") == 1);

	/* Unlike kinds, the hint for a value that was meant quoted. */
	CHECK(unlike("mtime>=2024", "\"2024-05-01\"") == 1);
	CHECK(unlike("mtime>=\"2024\"", "\"2024-05-01\"") == 0);
	CHECK(unlike("n=3", "3.5") == 0);
	CHECK(unlike("n in [3, x]", "\"y\"") == 0);
	CHECK(unlike("b=true", "false") == 0);
	CHECK(unlike("b=true", "\"true\"") == 1);
	CHECK(unlike("t=x", "[1]") == 0);
	CHECK(unlike("t=x", NULL) == 0);
	CHECK(unlike("t in []", "1") == 0);

	return unit_done("vfilter");
}
