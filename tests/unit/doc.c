/* doc.c -- unit tests of lib/text/doc: document types, positions */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/text/doc.h"

static int failures;

#define FAIL(...) do {							\
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	failures++;							\
} while (0)

/* doc_json_string as jansson writes a string. */
static void
quote(const char *s, size_t n, const char *want)
{
	struct buf b = BUF_INIT;

	doc_json_string(&b, s, n);
	if (strcmp(b.data, want) != 0)
		FAIL("doc_json_string: %s", b.data);
	buf_release(&b);
}

int
main(void)
{
	/* Types by extension. */
	if (doc_type_of("a/b.MD", 0) != DOC_MARKDOWN ||
	    doc_type_of("x.markdown", 0) != DOC_MARKDOWN ||
	    doc_type_of("x.htm", 0) != DOC_HTML ||
	    doc_type_of("x.ndjson", 0) != DOC_JSONL ||
	    doc_type_of("x.csv", 0) != DOC_TEXT ||
	    doc_type_of("x.csv", 1) != DOC_CSV ||
	    doc_type_of("x.tsv", 1) != DOC_CSV ||
	    doc_type_of(".md", 0) != DOC_TEXT ||
	    doc_type_of("dir.md/README", 0) != DOC_TEXT ||
	    doc_type_of("Makefile", 0) != DOC_TEXT)
		FAIL("doc_type_of");
	if (doc_type_parse("html") != DOC_HTML || doc_type_parse("htm") != -1)
		FAIL("doc_type_parse");
	quote("a\"\\\n\x1f\xc3\xa9", 7, "\"a\\\"\\\\\\n\\u001F\xc3\xa9\"");
	if (doc_line_of("a\nb\nc", 0) != 1 || doc_line_of("a\nb\nc", 2) != 2 ||
	    doc_line_of("a\nb\nc", 4) != 3)
		FAIL("doc_line_of");

	if (failures) {
		fprintf(stderr, "doc: %d failures\n", failures);
		return 1;
	}
	return 0;
}
