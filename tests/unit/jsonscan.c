/* jsonscan.c -- the record fast path against jansson */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/json/jsonscan.h"

static uint64_t rng = 88172645463325252ULL;

static unsigned
pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Pieces that records are made of, valid and not. */
static const char *const piece[] = { "{", "}", "\"", "\"text\"",
	"\"id\"", ":", ",", " ", "\t", "\"a b\"", "\"\\n\\t\\\"\\\\\\/\"",
	"\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\u0000\"",
	"\"\\x\"", "\"\xc3\xa9\"", "\"\xc3\"", "\"\xed\xa0\x80\"", "\x01",
	"0", "-0", "12", "1.5", "1e5", "01", "-", "1.", "123456789012345678",
	"true", "false", "null", "nul", "[1]", "{\"x\":1}", "\"text\":\"x\"",
	"\"id\":\"a\"", "\"n\":1", ",\"text\":\"hello world\"", "\xef\xbb\xbf",
	"\"long text with many words to go past eight bytes\"", "[", "]",
	"[]", "{}", "[1,{\"a\":[true]}]", "{\"x\":1,\"x\":2}",
	"{\"\\u0078\":1,\"x\":2}", "{\"x\":{\"x\":[{}]},\"y\":[]}",
	"\"meta\":{\"path\":\"a/b\",\"h\":[\"A\",\"B\"]}" };

/* Does the scan agree with jansson about the line? */
static int
check(const char *line, size_t len)
{
	struct buf b = BUF_INIT;
	struct jsonscan sc;
	const char *t;
	json_t *v, *x;
	size_t i, n;
	int bad = 0;

	if (!jsonscan_record(line, len, &sc))
		return 0;
	v = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	if (v == NULL || !json_is_object(v) || json_object_size(v) != sc.n) {
		printf("'%.*s': scanned, jansson disagrees\n", (int)len, line);
		json_decref(v);
		return 1;
	}
	for (i = 0; i < sc.n && !bad; i++) {
		x = json_object_getn(v, sc.m[i].key, sc.m[i].keylen);
		if (x == NULL || (json_is_string(x) != sc.m[i].string))
			bad = 1;
		else if (sc.m[i].string) {
			t = jsonscan_text(&sc.m[i], &b, &n);
			/* NULL: left to the full parser, which then fails. */
			if (t != NULL && (n != json_string_length(x) ||
			    memcmp(t, json_string_value(x), n) != 0))
				bad = 1;
		}
	}
	if (bad)
		printf("'%.*s': member %zu differs\n", (int)len, line, i);
	json_decref(v);
	buf_release(&b);
	return bad;
}

/* A value jsonscan_value() takes whole must be one for jansson too. */
static int
check_value(const char *line, size_t len)
{
	const char *end = line + len, *q;
	json_t *v;

	if ((q = jsonscan_value(line, end, 4)) == NULL)
		return 0;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q != end)
		return 0;
	v = json_loadb(line, len, JSON_DECODE_ANY, NULL);
	if (v == NULL) {
		printf("'%.*s': skipped as a value, jansson disagrees\n",
		    (int)len, line);
		return 1;
	}
	json_decref(v);
	return 0;
}

int
main(void)
{
	static const char *const fixed[] = { "{}", " { } ",
	    "{\"id\":\"a\",\"text\":\"hello\"}",
	    "{\"text\":\"caf\\u00e9 \\ud83d\\ude00\",\"n\":-1.25,"
	    "\"b\":null}",
	    "{\"id\":\"d#0\",\"text\":\"x\",\"meta\":{\"path\":\"a\","
	    "\"heading\":[\"A\",\"B\"],\"n\":{\"m\":[1,[2,{}]]}},\"seq\":0}" };
	static const char *const dup[] = { "{\"a\":1,\"a\":2}",
	    "{\"m\":{\"a\":1,\"a\":2}}", "{\"m\":[{\"a\":1,\"b\":{},\"a\":2}]}",
	    "{\"m\":{\"\\u0061\":1,\"a\":2}}" };
	struct jsonscan sc;
	char line[512];
	size_t i, len, k, parts, scanned = 0;
	int bad = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!jsonscan_record(fixed[i], strlen(fixed[i]), &sc)) {
			printf("'%s' not scanned\n", fixed[i]);
			bad = 1;
		}
		bad |= check(fixed[i], strlen(fixed[i]));
	}
	/* Objects one after another, as the items of an array. */
	{
		const char *arr = " {\"id\":\"a\",\"s\":1} ,{\"id\":\"b\"}]";
		const char *end = arr + strlen(arr), *p;
		const char *a1 = "[1]", *a2 = "{\"a\":1,";

		p = jsonscan_object(arr, end, &sc);
		if (p == NULL || *p != ' ' || sc.n != 2 ||
		    memcmp(sc.m[0].val, "a", 1) != 0) {
			printf("first object of '%s' not scanned\n", arr);
			bad = 1;
		}
		p = p != NULL ? jsonscan_object(p + 2, end, &sc) : NULL;
		if (p == NULL || *p != ']' || sc.n != 1) {
			printf("second object of '%s' not scanned\n", arr);
			bad = 1;
		}
		if (jsonscan_object(a1, a1 + strlen(a1), &sc) != NULL ||
		    jsonscan_object(a2, a2 + strlen(a2), &sc) != NULL) {
			printf("jsonscan_object took what is no object\n");
			bad = 1;
		}
	}
	/* A duplicate name is left to the full parser, nested too. */
	for (i = 0; i < sizeof(dup) / sizeof(dup[0]); i++)
		if (jsonscan_record(dup[i], strlen(dup[i]), &sc)) {
			printf("'%s': duplicate names scanned\n", dup[i]);
			bad = 1;
		}
	for (i = 0; i < 400000 && !bad; i++) {
		len = 0;
		parts = 1 + pick(12);
		/* Most lines start like a record, to go deep. */
		if (i % 3)
			line[len++] = '{';
		for (k = 0; k < parts; k++) {
			const char *p = piece[pick(sizeof(piece) /
			    sizeof(piece[0]))];
			size_t n = strlen(p);

			if (len + n >= sizeof(line))
				break;
			memcpy(line + len, p, n);
			len += n;
		}
		if (i % 2 && len < sizeof(line))
			line[len++] = '}';
		if (jsonscan_record(line, len, &sc))
			scanned++;
		bad |= check(line, len);
		bad |= check_value(line, len);
	}
	if (!bad && scanned < 1000) {
		printf("only %zu lines scanned: the test goes nowhere\n",
		    scanned);
		bad = 1;
	}
	return bad;
}
