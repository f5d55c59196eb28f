/* doc.c -- unit tests of lib/text/doc: document types, positions */
/* SPDX-License-Identifier: MIT */

#include <string.h>

#include "lib/base/buf.h"
#include "lib/text/doc.h"
#include "tests/unit/unit.h"

int
main(void)
{
	struct buf b = BUF_INIT;

	/* Types by extension. */
	CHECK(doc_type_of("a/b.MD", 0) == DOC_MARKDOWN);
	CHECK(doc_type_of("x.markdown", 0) == DOC_MARKDOWN);
	CHECK(doc_type_of("x.htm", 0) == DOC_HTML);
	CHECK(doc_type_of("x.ndjson", 0) == DOC_JSONL);
	CHECK(doc_type_of("x.csv", 0) == DOC_TEXT);
	CHECK(doc_type_of("x.csv", 1) == DOC_CSV);
	CHECK(doc_type_of("x.tsv", 1) == DOC_CSV);
	CHECK(doc_type_of(".md", 0) == DOC_TEXT);
	CHECK(doc_type_of("dir.md/README", 0) == DOC_TEXT);
	CHECK(doc_type_of("Makefile", 0) == DOC_TEXT);
	CHECK(doc_type_parse("html") == DOC_HTML);
	CHECK(doc_type_parse("htm") == -1);

	/* JSON strings as jansson writes them. */
	doc_json_string(&b, "a\"\\\n\x1f\xc3\xa9", 7);
	CHECK(strcmp(b.data, "\"a\\\"\\\\\\n\\u001F\xc3\xa9\"") == 0);
	buf_release(&b);

	CHECK(doc_line_of("a\nb\nc", 0) == 1);
	CHECK(doc_line_of("a\nb\nc", 2) == 2);
	CHECK(doc_line_of("a\nb\nc", 4) == 3);
	return unit_done("doc");
}
