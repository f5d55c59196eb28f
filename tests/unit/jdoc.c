/* jdoc.c -- lib/validate/jdoc accepts exactly what the record reader does */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/validate/jdoc.h"
#include "lib/validate/jsonschema.h"

static const char *const cases[] = {
	"{}", "[]", "1", "-0", "1.5e3", "1E400", "-1e-400", "01", "1.", ".5",
	"9223372036854775807", "9223372036854775808", "\"a\\u00e9\"",
	"\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\udc00x\"", "\"\\u0000\"",
	"\"tab\there\"", "\"\\x\"", "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":2}",
	"{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "true", "tru", "nul",
	" \t{\"k\" : [ true , false , null ] } \r", "{} x", "\"\xc3\xa9\"",
	"\"\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xc0\xaf\"",
	"[[[[[]]]]]", "{\"\":0}", "\"\\/\\b\\f\\n\\r\\t\\\\\\\"\"", "",
	"  ", "[\"a\",{\"b\":[1,2,{\"c\":null}]}]",
};

int
main(void)
{
	struct jdoc_arena a = JDOC_ARENA_INIT;
	struct jdoc_val *d, *e;
	json_error_t jerr;
	json_t *j;
	size_t i;
	int bad = 0, ours, theirs;
	char deep[5000];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jdoc_reset(&a);
		d = jdoc_parse(&a, cases[i], strlen(cases[i]));
		j = json_loadb(cases[i], strlen(cases[i]),
		    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
		ours = d != NULL;
		theirs = j != NULL;
		if (ours != theirs) {
			printf("'%s': jdoc %d, jansson %d\n", cases[i], ours,
			    theirs);
			bad = 1;
		}
		if (d != NULL && j != NULL) {
			/* Same value both ways. */
			struct js_schema *S = js_new(0, NULL, NULL);
			json_t *schema = json_pack("{s:O}", "const", j);
			struct buf err = BUF_INIT;

			e = jdoc_from_json(&a, j);
			if (js_add(S, schema, "urn:t", &err) != 0 ||
			    js_compile(S, "urn:t", &err) != 0 ||
			    !js_validate_doc(S, d, NULL, 0) ||
			    !js_validate_doc(S, e, NULL, 0)) {
				printf("'%s': values differ\n", cases[i]);
				bad = 1;
			}
			buf_release(&err);
			json_decref(schema);
			js_free(S);
		}
		json_decref(j);
	}
	/* Nesting: 2048 levels are accepted, 2049 are not. */
	memset(deep, '[', 2049);
	memset(deep + 2049, ']', 2049);
	jdoc_reset(&a);
	if (jdoc_parse(&a, deep + 1, 4096) == NULL ||
	    jdoc_parse(&a, deep, 4098) != NULL) {
		printf("nesting limit differs\n");
		bad = 1;
	}
	jdoc_release(&a);
	return bad;
}
