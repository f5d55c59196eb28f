/* record.c -- unit tests of lib/json/record.c: line reading, parsing, splicing */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/json/jsonscan.h"
#include "lib/json/record.h"
#include "tests/unit/unit.h"

static char path[] = "/tmp/etv-unit-recordXXXXXX";

static void
write_input(const char *bytes, size_t n)
{
	FILE *fp = fopen(path, "wb");

	fwrite(bytes, 1, n, fp);
	fclose(fp);
}

static struct rec_reader *
reader_with(const struct rec_config *cfg)
{
	static char *argv[] = { path };

	return rec_open(cfg, 1, argv);
}

static struct rec_reader *
reader(void)
{
	static const struct rec_config cfg = REC_CONFIG_INIT;

	return reader_with(&cfg);
}

static void
test_lines(void)
{
	static const char in[] = "{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}";
	struct rec_item it = REC_ITEM_INIT;
	struct rec_reader *rd;

	write_input(in, sizeof(in) - 1);
	rd = reader();
	CHECK(rec_getline(rd, &it) == 1);
	CHECK_MEM(it.line, it.len, "{\"a\":1}");	/* CR dropped */
	CHECK(it.lineno == 1);
	CHECK(rec_getline(rd, &it) == 1);
	CHECK(it.lineno == 4);				/* blanks counted */
	CHECK(rec_getline(rd, &it) == 1);
	CHECK_MEM(it.line, it.len, "{\"c\":3}");	/* no final \n */
	CHECK(rec_getline(rd, &it) == 0);
	CHECK(rec_count(rd) == 3);
	rec_item_release(&it);
	rec_close(rd);
}

static void
test_long_line(void)
{
	struct rec_item it = REC_ITEM_INIT;
	struct rec_reader *rd;
	char *big;
	json_t *v;
	struct rec_config cfg = REC_CONFIG_INIT;

	big = malloc(300001);
	memset(big, ' ', 300000);
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + 299990, "\"}\n{\"b\":1}", 10);
	write_input(big, 300000);
	cfg.max_line = 100000;
	cfg.rejects = "/dev/null";
	rd = reader_with(&cfg);
	CHECK(rec_getline(rd, &it) == 1);
	CHECK(it.bad != NULL && it.lineno == 1);
	CHECK(rec_parse(&it) == NULL);
	CHECK(it.nrej == 1 && !it.fatal);
	/* The line is kept, whole, for the rejects file. */
	CHECK(it.spill != NULL && it.spill_rej);
	CHECK(it.spill != NULL && fflush(it.spill) == 0 &&
	    ftell(it.spill) == 299990 + 2);
	CHECK(rec_getline(rd, &it) == 1);
	CHECK(it.spill == NULL);
	CHECK(it.lineno == 2);
	v = rec_parse(&it);
	CHECK(v != NULL);
	json_decref(v);
	rec_item_release(&it);
	rec_close(rd);
	free(big);
}

static void
test_parse(void)
{
	struct rec_item it = REC_ITEM_INIT;
	json_t *v;

	it.file = "t";
	it.lineno = 7;
	it.line = strdup("{\"a\":1,\"a\":2}");
	it.len = strlen(it.line);
	CHECK(rec_parse(&it) == NULL && it.fatal);
	CHECK(strstr(it.msg.data, ": t:7: ") != NULL);
	rec_item_release(&it);
	it.file = "t";
	it.line = strdup("\"just a string\"");
	it.len = strlen(it.line);
	CHECK(rec_parse(&it) == NULL);
	it.values = 1;
	it.fatal = 0;
	v = rec_parse(&it);
	CHECK(json_is_string(v));
	json_decref(v);
	rec_item_release(&it);
}

static void
test_merged(void)
{
	struct rec_item it = REC_ITEM_INIT;
	json_t *orig, *add;

	it.line = strdup("{\"x\":1.50,\"s\":\"\\u00e9\"} ");
	it.len = strlen(it.line);
	orig = rec_parse(&it);
	add = json_pack("{s:s,s:i}", "h", "v", "n", 2);
	rec_emit_merged(&it, orig, add);
	/* Original bytes kept: 1.50 and the \u escape survive. */
	CHECK(strcmp(it.out.data,
	    "{\"x\":1.50,\"s\":\"\\u00e9\",\"h\":\"v\",\"n\":2}\n") == 0);
	buf_reset(&it.out);
	json_decref(add);
	/* A key that exists keeps its place; the other bytes are kept. */
	add = json_pack("{s:i}", "x", 3);
	rec_emit_merged(&it, orig, add);
	CHECK(strcmp(it.out.data, "{\"x\":3,\"s\":\"\\u00e9\"}\n") == 0);
	json_decref(add);
	json_decref(orig);
	free(it.line);
	it.line = strdup("{}");
	it.len = 2;
	buf_reset(&it.out);
	orig = rec_parse(&it);
	add = json_pack("{s:i}", "n", 1);
	rec_emit_merged(&it, orig, add);
	CHECK(strcmp(it.out.data, "{\"n\":1}\n") == 0);
	json_decref(add);
	json_decref(orig);
	rec_item_release(&it);
}

/* rec_quote writes every string as jansson's encoder does. */
static void
test_quote(void)
{
	static const char *const cases[] = { "", "plain", "caf\xc3\xa9",
	    "q\"b\\s/", "\x7f\xe2\x80\xa8", "tab\tnl\ncr\rbs\bff\f",
	    "abcdefgh\x1fijklmnop\"qrstuvwx\\yz0123456789\xc3\xa9longer tail" };
	struct buf b = BUF_INIT;
	char s[2], *want;
	json_t *v;
	size_t i;

	for (i = 0; i < 0x80 + sizeof(cases) / sizeof(cases[0]); i++) {
		const char *in = s;
		size_t n = 1;

		if (i == 0)
			continue;	/* U+0000: refused by the reader */
		if (i < 0x80)
			s[0] = (char)i, s[1] = '\0';
		else
			in = cases[i - 0x80], n = strlen(in);
		v = json_stringn(in, n);
		want = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		buf_reset(&b);
		rec_quote(&b, in, n);
		CHECK(strcmp(b.data, want) == 0);
		free(want);
		json_decref(v);
	}
	buf_release(&b);
}

/* rec_splice: replace in place, append the rest, keep every other byte. */
static void
test_splice(void)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "{}", "{\"e\":[1],\"m\":\"x\"}" },
		{ " { } ", " { \"e\":[1],\"m\":\"x\"}" },
		{ "{\"a\":1e3 , \"b\":{\"e\":\"}\"}}",
		  "{\"a\":1e3 , \"b\":{\"e\":\"}\"},\"e\":[1],\"m\":\"x\"}" },
		{ "{\"e\":[2,[3]],\"z\":\"\\\"\"}\t",
		  "{\"e\":[1],\"z\":\"\\\"\",\"m\":\"x\"}" },
		{ "{\"m\" : null,\"k\":true,\"e\":{}}",
		  "{\"m\" : \"x\",\"k\":true,\"e\":[1]}" },
		{ "{\"\\u0065\":0}", "{\"\\u0065\":[1],\"m\":\"x\"}" },
		{ "{\"a\":\"{\" }\t ", "{\"a\":\"{\" ,\"e\":[1],\"m\":\"x\"}" },
		{ "{\"a\":\"say \\\"e\\\"\"}",
		  "{\"a\":\"say \\\"e\\\"\",\"e\":[1],\"m\":\"x\"}" },
	};
	static const struct rec_member m[] = {
		{ "e", "[1]", 3 }, { "m", "\"x\"", 3 },
	};
	struct rec_item it = REC_ITEM_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		rec_splice(&b, cases[i].line, strlen(cases[i].line), m, 2);
		CHECK(strcmp(b.data, cases[i].want) == 0);
		/* The same through a scanned item (its own shortcut). */
		rec_item_reset(&it);
		rec_item_set(&it, cases[i].line, strlen(cases[i].line));
		(void)rec_scan(&it);
		rec_emit_members(&it, m, 2);
		CHECK(it.out.len == strlen(cases[i].want) + 1 &&
		    memcmp(it.out.data, cases[i].want, it.out.len - 1) == 0);
	}
	rec_item_release(&it);
	buf_release(&b);
}

static void
test_escape(void)
{
	struct buf b = BUF_INIT;

	diag_format(&b, "a\nb\033[2J\xff.jsonl", 3, "field '%s' \xc2\x9b ok "
	    "\xe2\x80\xae caf\xc3\xa9", "x\ty\r\001");
	CHECK(strcmp(b.data, "etv: a\\nb\\x1b[2J\\xff.jsonl:3: field "
	    "'x\\ty\\r\\x01' \\u009b ok \\u202e caf\xc3\xa9\n") == 0);
	buf_release(&b);
}

/* CSV rows come as objects; their text is made only when asked for. */
static void
test_csv(void)
{
	static const char in[] = "a,b,c\n1,x y,9.95\n2,\"q\"\"\",\n3,4\n";
	struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_item it = REC_ITEM_INIT;
	struct rec_member m = { "n", "1.50", 4 };
	struct rec_reader *rd;
	const char *p;
	size_t n;
	json_t *v;

	write_input(in, sizeof(in) - 1);
	cfg.csv = 1;
	cfg.rejects = "/dev/null";
	rd = reader_with(&cfg);
	CHECK(rec_getline(rd, &it) == 1);
	CHECK(it.obj != NULL && it.len == 0 && it.lineno == 2);
	CHECK(rec_scan(&it) == NULL);		/* no line to scan */
	v = rec_parse(&it);
	CHECK(v == it.obj && json_object_size(v) == 3);
	json_decref(v);
	rec_emit_members(&it, &m, 1);
	CHECK_MEM(it.out.data, it.out.len,
	    "{\"a\":\"1\",\"b\":\"x y\",\"c\":\"9.95\",\"n\":1.50}\n");
	CHECK(rec_getline(rd, &it) == 1);
	p = rec_text(&it, &n);
	CHECK_MEM(p, n, "{\"a\":\"2\",\"b\":\"q\\\"\",\"c\":null}");
	/* A bad row keeps its raw text for the rejects file. */
	CHECK(rec_getline(rd, &it) == 1);
	CHECK(it.obj == NULL && it.bad != NULL && it.lineno == 4);
	CHECK(rec_parse(&it) == NULL && it.nrej == 1);
	CHECK(rec_getline(rd, &it) == 0);
	rec_item_release(&it);
	rec_close(rd);
}

/* The fast path, and a reader over a stream counting in its parent. */
static void
test_scan_stream(void)
{
	static const char in[] = "{\"t\":\"a\\nb\"}\n{\"t\":1e400}\n";
	struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_item it = REC_ITEM_INIT;
	struct rec_reader *rd, *in_rd;
	const struct jsonscan *sc;
	struct buf err = BUF_INIT;
	FILE *fp;

	write_input(in, sizeof(in) - 1);
	rd = reader();
	fp = fopen(path, "rb");
	in_rd = rec_open_stream(&cfg, fp, "x.jsonl", rd);
	CHECK(rec_getline(in_rd, &it) == 1);
	CHECK(strcmp(it.file, "x.jsonl") == 0);
	CHECK((sc = rec_scan(&it)) != NULL && sc->n == 1 && sc->m[0].escaped);
	CHECK(rec_getline(in_rd, &it) == 1);
	CHECK(rec_scan(&it) == NULL);		/* jansson decides */
	CHECK(rec_getline(in_rd, &it) == 0);
	CHECK(rec_count(rd) == 2 && rec_bytes(in_rd) == sizeof(in) - 1);
	rec_item_set(&it, "{\"a\":1,\"a\":2}", 13);
	CHECK(rec_decode(&it, &err) == NULL);
	CHECK(strstr(err.data, "duplicate") != NULL);
	buf_release(&err);
	rec_close(in_rd);
	fclose(fp);
	rec_item_release(&it);
	rec_close(rd);
}

int
main(void)
{
	int fd;

	if ((fd = mkstemp(path)) == -1)
		return 2;
	close(fd);
	test_lines();
	test_long_line();
	test_parse();
	test_merged();
	test_quote();
	test_splice();
	test_escape();
	test_csv();
	test_scan_stream();
	unlink(path);
	return unit_done("record");
}
