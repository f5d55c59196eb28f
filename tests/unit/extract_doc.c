/* extract_doc.c -- unit tests of lib/text/doc.c and lib/text/tpl.c */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/text/doc.h"
#include "lib/text/tpl.h"

static int failures;

#define FAIL(...) do {							\
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	failures++;							\
} while (0)

static void
title(int line, const char *md, const char *want)
{
	char *got = doc_md_title(md, strlen(md));

	if ((want == NULL) != (got == NULL) ||
	    (want && strcmp(want, got) != 0)) {
		fprintf(stderr, "%s:%d: title of '%s': want '%s', got '%s'\n",
		    __FILE__, line, md, want ? want : "(none)",
		    got ? got : "(none)");
		failures++;
	}
	free(got);
}

#define TITLE(md, want)	title(__LINE__, md, want)

/* Render a template (or a column list with cols) over a JSON object. */
static void
render(int line, const char *spec, int cols, const char *json,
    const char *want)
{
	struct buf out = BUF_INIT;
	const char *why = NULL, *missing = NULL;
	struct tpl *t = NULL;
	json_t *rec;
	char got[512];

	rec = json_loads(json, 0, NULL);
	if (spec && (t = cols ? tpl_columns(spec, &why) :
	    tpl_parse(spec, &why)) == NULL)
		snprintf(got, sizeof(got), "!%s", why);
	else if (tpl_render(t, rec, &out, &missing) != 0)
		snprintf(got, sizeof(got), "?%s", missing);
	else
		snprintf(got, sizeof(got), "%s", out.data ? out.data : "");
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "%s:%d: render '%s': want '%s', got '%s'\n",
		    __FILE__, line, spec ? spec : "(all)", want, got);
		failures++;
	}
	tpl_free(t);
	json_decref(rec);
	buf_release(&out);
}

#define R(spec, json, want)	render(__LINE__, spec, 0, json, want)
#define C(spec, json, want)	render(__LINE__, spec, 1, json, want)

/* doc_stream_utf8 over pad bytes of 'a' then tail, with and without copy. */
static int
stream_utf8(size_t pad, const char *tail, size_t tlen)
{
	FILE *fp, *copy;
	size_t i;
	int v, c;

	fp = tmpfile();
	copy = tmpfile();
	for (i = 0; i < pad; i++)
		fputc('a', fp);
	fwrite(tail, 1, tlen, fp);
	rewind(fp);
	v = doc_stream_utf8(fp, copy);
	/* The copy holds every byte. */
	if (ftell(copy) != (long)(pad + tlen))
		v = -2;
	rewind(fp);
	c = doc_stream_utf8(fp, NULL);
	fclose(fp);
	fclose(copy);
	return v == c ? v : -3;
}

int
main(void)
{
	char when[DOC_TIME_LEN];

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
	if (strcmp(doc_time(when, 0), "1970-01-01T00:00:00Z") != 0 ||
	    strcmp(doc_time(when, 1735689599), "2024-12-31T23:59:59Z") != 0)
		FAIL("doc_time: %s", when);
	if (doc_line_of("a\nb\nc", 0) != 1 || doc_line_of("a\nb\nc", 2) != 2 ||
	    doc_line_of("a\nb\nc", 4) != 3)
		FAIL("doc_line_of");

	/* Windows-1252 as the Web reads Latin-1. */
	{
		size_t n;
		char *u = doc_latin1("a\xe9\x93\x80\x81\xff", 6, &n);

		if (n != 13 || strcmp(u, "a\xc3\xa9\xe2\x80\x9c\xe2\x82\xac"
		    "\xc2\x81\xc3\xbf") != 0)
			FAIL("doc_latin1: %zu '%s'", n, u);
		free(u);
	}

	/* UTF-8 checks of streams, with sequences cut by the 64 KiB reads. */
	if (stream_utf8(0, "", 0) != 1 ||
	    stream_utf8(65535, "\xc3\xa9z", 3) != 1 ||
	    stream_utf8(65534, "\xf0\x9f\x98\x80", 4) != 1 ||
	    stream_utf8(65533, "\xf0\x9f\x98\x80", 4) != 1 ||
	    stream_utf8(65535, "\xc3", 1) != 0 ||
	    stream_utf8(65535, "\xff\xfe\xfd\xfc", 4) != 0 ||
	    stream_utf8(10, "\xe9t\xe9", 3) != 0 ||
	    stream_utf8(200000, "ok", 2) != 1)
		FAIL("doc_stream_utf8");
	{
		FILE *in = tmpfile(), *out = tmpfile();
		char got[16] = "";

		fputs("caf\xe9 \xa3", in);
		rewind(in);
		if (doc_stream_latin1(in, out) != 0)
			FAIL("doc_stream_latin1");
		rewind(out);
		if (fgets(got, sizeof(got), out) == NULL ||
		    strcmp(got, "caf\xc3\xa9 \xc2\xa3") != 0)
			FAIL("doc_stream_latin1: '%s'", got);
		fclose(in);
		fclose(out);
	}

	/* Markdown titles: ATX, setext, front matter, code is not one. */
	TITLE("# Hello\n", "Hello");
	TITLE("intro\n\n## Second level ##\n", "Second level");
	TITLE("#No space is not a heading\n# Yes\n", "Yes");
	TITLE("   ### Indented three #   \n", "Indented three");
	TITLE("    # four spaces is code\n# Real\n", "Real");
	TITLE("# C# #\n", "C#");
	TITLE("#\n# \n# Non-empty\n", "Non-empty");
	TITLE("Setext one\n==========\n", "Setext one");
	TITLE("Two line\nsetext\n---\n", "Two line setext");
	TITLE("\n---\n", NULL);
	TITLE("```sh\n# a shell comment\n```\n# After fence\n",
	    "After fence");
	TITLE("~~~~\n# in\n~~~\nstill\n~~~~\n# out\n", "out");
	TITLE("# CRLF title\r\n", "CRLF title");
	TITLE("---\ntitle: \"From YAML\"\ndate: 2024\n---\n# Heading\n",
	    "From YAML");
	TITLE("---\ndate: 2024\n---\n# Heading\n", "Heading");
	TITLE("no heading at all\n", NULL);
	TITLE("", NULL);

	/* Templates and column lists. */
	R("{name}, {city}", "{\"name\":\"Ann\",\"city\":\"Rome\"}",
	    "Ann, Rome");
	R("{{literal}} {x}}}", "{\"x\":\"1\"}", "{literal} 1}");
	R("n={n} b={b} z={z}", "{\"n\":42,\"b\":true,\"z\":null}",
	    "n=42 b=true z=");
	R("{nope}", "{\"x\":\"1\"}", "?nope");
	R("{open", "{}", "!'{' is not closed (write '{{' for a brace)");
	R("close}", "{}", "!'}' without '{' (write '}}' for a brace)");
	R("{}", "{}", "!a placeholder needs a field name");
	R("", "{\"x\":\"1\"}", "");
	C("b,a", "{\"a\":\"1\",\"b\":\"2\"}", "2\n1");
	C("a,b,c", "{\"a\":\"1\",\"b\":\"\",\"c\":\"3\"}", "1\n3");
	C("a,,b", "{}", "!a column name is empty");
	C("a,missing", "{\"a\":\"1\"}", "?missing");
	R(NULL, "{\"name\":\"Ann\",\"note\":\"\",\"city\":\"Rome\"}",
	    "name: Ann\ncity: Rome");
	if (failures) {
		fprintf(stderr, "extract_doc: %d failures\n", failures);
		return 1;
	}
	return 0;
}
