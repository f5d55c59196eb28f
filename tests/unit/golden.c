/* golden.c -- unit tests of lib/resolve/golden: golden records */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/resolve/golden.h"
#include "tests/unit/unit.h"

/* Parse JSON text that the test itself wrote. */
static json_t *
parse(const char *s)
{
	json_error_t jerr;
	json_t *v = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (v == NULL) {
		fprintf(stderr, "bad test JSON '%s': %s\n", s, jerr.text);
		exit(2);
	}
	return v;
}

/*
 * Merge the members of the JSON array recs under the rules of the JSON
 * text spec (NULL: none) and compare the compact result with want.
 */
static int
merge_is(const char *spec, const char *source_field, const char *recs,
    const char *const *sources, const char *id_field, const char *want)
{
	struct buf err = BUF_INIT;
	struct golden *g;
	json_t *js = spec != NULL ? parse(spec) : NULL, *arr = parse(recs);
	json_t **r, *out;
	size_t n = json_array_size(arr), i;
	char *got;
	int ok;

	g = golden_new(js, source_field, &err);
	if (g == NULL) {
		fprintf(stderr, "%s: %s\n", spec, err.data);
		json_decref(js);
		json_decref(arr);
		buf_release(&err);
		return 0;
	}
	r = calloc(n + 1, sizeof(*r));
	for (i = 0; i < n; i++)
		r[i] = json_array_get(arr, i);
	out = golden_merge(g, "e1", r, sources, n, id_field);
	got = json_dumps(out, JSON_COMPACT);
	ok = strcmp(got, want) == 0;
	if (!ok)
		fprintf(stderr, "%s\n  got  %s\n  want %s\n", recs, got, want);
	free(got);
	free(r);
	json_decref(out);
	golden_free(g);
	json_decref(js);
	json_decref(arr);
	buf_release(&err);
	return ok;
}

/* Does golden_new refuse spec with a message holding each of a and b? */
static int
bad_spec(const char *spec, const char *a, const char *b)
{
	struct buf err = BUF_INIT;
	struct golden *g;
	json_t *js = parse(spec);
	int ok;

	g = golden_new(js, NULL, &err);
	ok = g == NULL && strstr(err.data, a) != NULL &&
	    (b == NULL || strstr(err.data, b) != NULL);
	if (!ok)
		fprintf(stderr, "%s: %s '%s'\n", spec, g != NULL ?
		    "accepted" : "refused with", err.data);
	golden_free(g);
	json_decref(js);
	buf_release(&err);
	return ok;
}

static void
test_shape(void)
{
	/* ids as they are, fields in order of first appearance. */
	CHECK(merge_is(NULL, NULL,
	    "[{\"id\":\"a\",\"name\":\"Ann\",\"entity_id\":\"e9\","
	    "\"match_score\":0.9},"
	    " {\"id\":7,\"city\":\"Oslo\",\"name\":\"Ann\"},"
	    " {\"name\":\"Anne\",\"ids\":[1],\"zip\":\"0150\"},"
	    " {\"id\":{\"x\":1},\"id2\":1.5}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[\"a\",7,null,null],"
	    "\"name\":\"Ann\",\"city\":\"Oslo\",\"zip\":\"0150\","
	    "\"id2\":1.5}"));
	/* Another id field: "id" is then an ordinary field. */
	CHECK(merge_is(NULL, NULL,
	    "[{\"id\":1,\"key\":\"k1\"},{\"id\":1,\"key\":\"k2\"}]", NULL,
	    "key", "{\"entity_id\":\"e1\",\"ids\":[\"k1\",\"k2\"],\"id\":1}"));
	/* No members; nulls and empty strings are no value. */
	CHECK(merge_is(NULL, NULL, "[]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[]}"));
	CHECK(merge_is(NULL, NULL,
	    "[{\"id\":\"a\",\"x\":null,\"y\":\"\"},{\"id\":\"b\",\"y\":null,"
	    "\"z\":false}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[\"a\",\"b\"],\"x\":null,"
	    "\"y\":null,\"z\":false}"));
}

static void
test_most_frequent(void)
{
	CHECK(merge_is(NULL, NULL,
	    "[{\"id\":1,\"n\":\"Bob\"},{\"id\":2,\"n\":\"Rob\"},"
	    "{\"id\":3,\"n\":\"Rob\"},{\"id\":4,\"n\":\"Bob\"},"
	    "{\"id\":5,\"n\":\"Rob\"}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[1,2,3,4,5],\"n\":\"Rob\"}"));
	/* Ties: the value that appears first. */
	CHECK(merge_is("{\"default\":\"most_frequent\"}", NULL,
	    "[{\"n\":\"x\"},{\"n\":\"Bob\"},{\"n\":\"Rob\"},{\"n\":\"Rob\"},"
	    "{\"n\":\"Bob\"}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null,null],"
	    "\"n\":\"Bob\"}"));
	/* Empty strings and nulls are not counted. */
	CHECK(merge_is(NULL, NULL,
	    "[{\"n\":\"\"},{\"n\":null},{\"n\":\"\"},{\"n\":\"Al\"}]", NULL,
	    NULL, "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null],"
	    "\"n\":\"Al\"}"));
	/* JSON equality: 1 and 1.0, objects in any key order. */
	CHECK(merge_is(NULL, NULL,
	    "[{\"v\":2},{\"v\":1.0},{\"v\":1},{\"v\":\"1\"},{\"v\":\"1\"},"
	    "{\"v\":\"1\"}, {\"v\":1.5}, {\"v\":1}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null,null,null,"
	    "null,null],\"v\":1.0}"));
	CHECK(merge_is(NULL, NULL,
	    "[{\"a\":{\"x\":1,\"y\":[1,2]}},{\"a\":[1]},"
	    "{\"a\":{\"y\":[1,2.0],\"x\":1}},{\"a\":[1]},"
	    "{\"a\":{\"x\":1,\"y\":[2,1]}},{\"a\":{\"x\":1}},"
	    "{\"a\":{\"x\":1,\"y\":[1,2],\"z\":0}}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null,null,null,"
	    "null],\"a\":{\"x\":1,\"y\":[1,2]}}"));
	CHECK(merge_is(NULL, NULL,
	    "[{\"b\":false},{\"b\":true},{\"b\":true},{\"b\":0}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null],"
	    "\"b\":true}"));
	/* 2^53 and 2^53 + 1 are distinct integers, only one a real. */
	CHECK(merge_is(NULL, NULL,
	    "[{\"v\":9007199254740993},{\"v\":9007199254740992.0},"
	    "{\"v\":9007199254740992}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null],"
	    "\"v\":9007199254740992.0}"));
}

/* A large entity: the counts hold across many distinct values. */
static void
test_most_frequent_many(void)
{
	struct golden *g = golden_new(NULL, NULL, NULL);
	json_t *recs[3000], *out;
	size_t i;

	for (i = 0; i < 3000; i++)
		recs[i] = json_pack("{s:I,s:I}", "id", (json_int_t)i, "v",
		    (json_int_t)(i % 1000 == 999 ? 7 : i % 997));
	/* 7 occurs 4 times (i % 997) and 3 times (i % 1000 == 999). */
	out = golden_merge(g, NULL, recs, NULL, 3000, "id");
	CHECK(json_integer_value(json_object_get(out, "v")) == 7);
	CHECK(json_is_null(json_object_get(out, "entity_id")));
	CHECK(json_array_size(json_object_get(out, "ids")) == 3000);
	json_decref(out);
	for (i = 0; i < 3000; i++)
		json_decref(recs[i]);
	golden_free(g);
}

static void
test_longest(void)
{
	static const char spec[] = "{\"default\":\"longest\"}";

	/* Code points: "Zoë" (4 bytes) ties "Zoe" and comes later. */
	CHECK(merge_is(spec, NULL,
	    "[{\"n\":\"Zoe\"},{\"n\":\"Zo\xc3\xab\"},{\"n\":\"Zo\"}]", NULL,
	    NULL, "{\"entity_id\":\"e1\",\"ids\":[null,null,null],"
	    "\"n\":\"Zoe\"}"));
	/* 日本語 is 3 code points (9 bytes): "abcd" is longer. */
	CHECK(merge_is(spec, NULL,
	    "[{\"n\":\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"},"
	    "{\"n\":\"abcd\"}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null],\"n\":\"abcd\"}"));
	/* Other values by their compact encoding: 12345, [1,2] are 5. */
	CHECK(merge_is(spec, NULL,
	    "[{\"n\":\"abcd\"},{\"n\":12345},{\"n\":[1, 2]},{\"n\":null}]",
	    NULL, NULL, "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null],"
	    "\"n\":12345}"));
	CHECK(merge_is(spec, NULL,
	    "[{\"n\":\"\"},{\"n\":{\"a\":\"\xc3\xab\xc3\xab\"}},"
	    "{\"n\":\"12345678\"}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null],"
	    "\"n\":{\"a\":\"\xc3\xab\xc3\xab\"}}"));
	/* A field rule beats the default. */
	CHECK(merge_is("{\"default\":\"longest\","
	    "\"fields\":{\"m\":\"first\"}}", NULL,
	    "[{\"n\":\"a\",\"m\":\"a\"},{\"n\":\"bb\",\"m\":\"bb\"}]",
	    NULL, NULL, "{\"entity_id\":\"e1\",\"ids\":[null,null],"
	    "\"n\":\"bb\",\"m\":\"a\"}"));
}

static void
test_first(void)
{
	CHECK(merge_is("{\"fields\":{\"p\":\"first\"}}", NULL,
	    "[{\"id\":\"a\"},{\"id\":\"b\",\"p\":null},{\"id\":\"c\","
	    "\"p\":\"\"},{\"id\":\"d\",\"p\":\"555\"},{\"id\":\"e\","
	    "\"p\":\"777\"},{\"id\":\"f\",\"p\":\"777\"}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[\"a\",\"b\",\"c\",\"d\",\"e\","
	    "\"f\"],\"p\":\"555\"}"));
	CHECK(merge_is("{\"default\":\"first\"}", NULL,
	    "[{\"p\":0},{\"p\":1}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null],\"p\":0}"));
}

static void
test_newest(void)
{
	static const char spec[] =
	    "{\"fields\":{\"email\":\"newest:updated_at\"}}";

	/* Instants: the offset counts (10:00+02:00 is 08:00Z). */
	CHECK(merge_is(spec, NULL,
	    "[{\"email\":\"a@x\","
	    "\"updated_at\":\"2024-01-01T10:00:00+02:00\"},"
	    "{\"email\":\"b@x\",\"updated_at\":\"2024-01-01T09:00:00Z\"},"
	    "{\"email\":\"c@x\",\"updated_at\":\"2023-12-31\"}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null],"
	    "\"email\":\"b@x\","
	    "\"updated_at\":\"2024-01-01T10:00:00+02:00\"}"));
	/* A full date is its midnight; a space may stand for the T. */
	CHECK(merge_is(spec, NULL,
	    "[{\"email\":\"a@x\",\"updated_at\":\"2024-01-02\"},"
	    "{\"email\":\"b@x\",\"updated_at\":\"2024-01-01 23:59:59Z\"}]",
	    NULL, NULL, "{\"entity_id\":\"e1\",\"ids\":[null,null],"
	    "\"email\":\"a@x\",\"updated_at\":\"2024-01-02\"}"));
	/* Numbers are seconds since the epoch, on the same scale. */
	CHECK(merge_is(spec, NULL,
	    "[{\"email\":\"a@x\",\"updated_at\":\"1970-01-01T00:01:00Z\"},"
	    "{\"email\":\"b@x\",\"updated_at\":59.5},"
	    "{\"email\":\"c@x\",\"updated_at\":61}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null],"
	    "\"email\":\"c@x\",\"updated_at\":\"1970-01-01T00:01:00Z\"}"));
	/* Lacking the field loses, even first; other strings come next. */
	CHECK(merge_is(spec, NULL,
	    "[{\"email\":\"a@x\"},{\"email\":\"b@x\",\"updated_at\":\"zzz\"},"
	    "{\"email\":\"c@x\",\"updated_at\":\"1999-01-01\"},"
	    "{\"email\":\"d@x\",\"updated_at\":true}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null],"
	    "\"email\":\"c@x\",\"updated_at\":\"zzz\"}"));
	CHECK(merge_is(spec, NULL,
	    "[{\"email\":\"a@x\",\"updated_at\":\"\"},"
	    "{\"email\":\"b@x\",\"updated_at\":\"v10\"},"
	    "{\"email\":\"c@x\",\"updated_at\":\"v2\"},"
	    "{\"email\":\"d@x\",\"updated_at\":\"v2\"}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null,null],"
	    "\"email\":\"c@x\",\"updated_at\":\"v2\"}"));
	/* Ties go to the earliest; a member without a value is skipped. */
	CHECK(merge_is(spec, NULL,
	    "[{\"email\":\"a@x\",\"updated_at\":\"2024-05-01\"},"
	    "{\"email\":null,\"updated_at\":\"2025-01-01\"},"
	    "{\"email\":\"c@x\",\"updated_at\":\"2024-05-01T00:00:00Z\"}]",
	    NULL, NULL, "{\"entity_id\":\"e1\",\"ids\":[null,null,null],"
	    "\"email\":\"a@x\",\"updated_at\":\"2024-05-01\"}"));
	/* Nobody has the field: the first member with a value. */
	CHECK(merge_is(spec, NULL,
	    "[{\"email\":\"\"},{\"email\":\"b@x\"},{\"email\":\"c@x\"}]",
	    NULL, NULL, "{\"entity_id\":\"e1\",\"ids\":[null,null,null],"
	    "\"email\":\"b@x\"}"));
	/* A dotted path. */
	CHECK(merge_is("{\"default\":\"newest:meta.t\"}", NULL,
	    "[{\"n\":\"a\",\"meta\":{\"t\":1}},"
	    "{\"n\":\"b\",\"meta\":{\"t\":3}},"
	    "{\"n\":\"c\",\"meta\":{\"t\":2}}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null],\"n\":\"b\","
	    "\"meta\":{\"t\":3}}"));
}

static void
test_priority(void)
{
	static const char spec[] =
	    "{\"fields\":{\"addr\":\"priority: crm , erp\"}}";
	static const char recs[] =
	    "[{\"id\":1,\"addr\":\"web st\",\"source\":\"web\"},"
	    "{\"id\":2,\"addr\":\"erp st\",\"source\":\"erp\"},"
	    "{\"id\":3,\"addr\":\"\",\"source\":\"crm\"},"
	    "{\"id\":4,\"addr\":\"crm st\",\"source\":\"crm\"},"
	    "{\"id\":5,\"addr\":\"crm st 2\",\"source\":\"crm\"}]";
	static const char *const given[] = {
		"crm", NULL, "crm", "web", "erp"
	};
	static const char *const none[] = { NULL, NULL, NULL, NULL, NULL };

	/* From the source field: crm first, its empty value skipped. */
	CHECK(merge_is(spec, "source", recs, NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[1,2,3,4,5],\"addr\":\"crm st\","
	    "\"source\":\"crm\"}"));
	/* Given sources win; a NULL entry falls back on the field. */
	CHECK(merge_is(spec, "source", recs, given, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[1,2,3,4,5],\"addr\":\"web st\","
	    "\"source\":\"crm\"}"));
	CHECK(merge_is(spec, NULL, recs, given, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[1,2,3,4,5],\"addr\":\"web st\","
	    "\"source\":\"crm\"}"));
	/* No source anywhere: all unlisted, the earliest wins. */
	CHECK(merge_is(spec, NULL, recs, none, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[1,2,3,4,5],\"addr\":\"web st\","
	    "\"source\":\"crm\"}"));
	/* Listed sources before unlisted ones, in the list's order. */
	CHECK(merge_is("{\"default\":\"priority:erp,crm\"}", "source", recs,
	    NULL, NULL, "{\"entity_id\":\"e1\",\"ids\":[1,2,3,4,5],"
	    "\"addr\":\"erp st\",\"source\":\"erp\"}"));
	CHECK(merge_is("{\"default\":\"priority:x,y\"}", "source",
	    "[{\"a\":1,\"source\":\"w\"},{\"a\":2,\"source\":\"y\"},"
	    "{\"a\":3,\"source\":7}]", NULL, NULL,
	    "{\"entity_id\":\"e1\",\"ids\":[null,null,null],\"a\":2,"
	    "\"source\":\"y\"}"));
}

static void
test_copies(void)
{
	struct golden *g = golden_new(NULL, NULL, NULL);
	json_t *r[2], *out, *a;

	r[0] = parse("{\"id\":\"a\",\"addr\":{\"city\":\"Oslo\"}}");
	r[1] = parse("{\"id\":\"b\",\"addr\":{\"city\":\"Oslo\"}}");
	out = golden_merge(g, "e2", r, NULL, 2, NULL);
	a = json_object_get(out, "addr");
	CHECK(a != NULL && a != json_object_get(r[0], "addr") &&
	    a != json_object_get(r[1], "addr"));
	json_object_set_new(a, "city", json_string("Bergen"));
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(r[0],
	    "addr"), "city")), "Oslo") == 0);
	a = json_object_get(out, "ids");
	CHECK(json_array_size(a) == 2 && strcmp(json_string_value(
	    json_array_get(a, 1)), "b") == 0);
	CHECK(strcmp(json_string_value(json_object_get(out, "entity_id")),
	    "e2") == 0);
	json_decref(out);
	json_decref(r[0]);
	json_decref(r[1]);
	golden_free(g);
}

static void
test_spec(void)
{
	struct golden *g;
	json_t *js;

	CHECK(bad_spec("{\"fields\":{\"email\":\"newst:updated_at\"}}",
	    "field 'email'", "unknown rule 'newst:updated_at'"));
	CHECK(bad_spec("{\"default\":\"most-frequent\"}", "default",
	    "unknown rule"));
	CHECK(bad_spec("{\"default\":\"first:x\"}", "default",
	    "unknown rule"));
	CHECK(bad_spec("{\"fields\":{\"n\":3}}", "field 'n'",
	    "an integer, not a string"));
	CHECK(bad_spec("{\"fields\":{\"n\":null}}", "field 'n'",
	    "null, not a string"));
	CHECK(bad_spec("{\"default\":[\"first\"]}", "default",
	    "an array, not a string"));
	CHECK(bad_spec("{\"fields\":{\"email\":\"newest:\"}}",
	    "field 'email'", "needs a field"));
	CHECK(bad_spec("{\"fields\":{\"email\":\"newest\"}}",
	    "field 'email'", "needs a field"));
	CHECK(bad_spec("{\"fields\":{\"addr\":\"priority:\"}}",
	    "field 'addr'", "needs a source"));
	CHECK(bad_spec("{\"fields\":{\"addr\":\"priority\"}}",
	    "field 'addr'", "needs sources"));
	CHECK(bad_spec("{\"fields\":{\"addr\":\"priority:crm,,erp\"}}",
	    "field 'addr'", "empty source name"));
	CHECK(bad_spec("{\"fields\":{\"addr\":\"priority:crm, \"}}",
	    "field 'addr'", "empty source name"));
	CHECK(bad_spec("{\"default\":\"first\",\"field\":{}}",
	    "unknown member 'field'", NULL));
	CHECK(bad_spec("{\"fields\":[\"first\"]}", "'fields'",
	    "an array, not an object"));
	CHECK(bad_spec("\"longest\"", "a string, not an object", NULL));
	CHECK(bad_spec("{\"fields\":{\"a\":\"first\",\"b\":\"last\"}}",
	    "field 'b'", "unknown rule 'last'"));
	CHECK(bad_spec("{\"fields\":{\"a\":\"fir\\u0000st\"}}",
	    "field 'a'", "NUL"));
	/* Good specs, and which use sources. */
	g = golden_new(NULL, NULL, NULL);
	CHECK(g != NULL && !golden_uses_source(g));
	golden_free(g);
	js = parse("{\"default\":\"longest\",\"fields\":{\"a\":\"first\","
	    "\"b\":\"newest:t\",\"c\":\"most_frequent\"}}");
	g = golden_new(js, "src", NULL);
	CHECK(g != NULL && !golden_uses_source(g));
	golden_free(g);
	json_decref(js);
	js = parse("{\"fields\":{\"a\":\"first\",\"b\":\"priority:x\"}}");
	g = golden_new(js, NULL, NULL);
	CHECK(g != NULL && golden_uses_source(g));
	golden_free(g);
	json_decref(js);
	js = parse("{\"default\":\"priority:x\",\"fields\":{}}");
	g = golden_new(js, NULL, NULL);
	CHECK(g != NULL && golden_uses_source(g));
	golden_free(g);
	json_decref(js);
	golden_free(NULL);
}

int
main(void)
{
	test_shape();
	test_most_frequent();
	test_most_frequent_many();
	test_longest();
	test_first();
	test_newest();
	test_priority();
	test_copies();
	test_spec();
	return unit_done("golden");
}
