/* table.c -- unit tests of lib/json/table.c: CSV rows, quoting, line numbers */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/json/table.h"

static int failures;

/* Types and row cap for the next rows() (none by default). */
static struct table_types *types;
static size_t max_row;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		failures++;						\
	}								\
} while (0)

/*
 * Read all of csv and describe every row, one per line:
 *   "LINE {json}" for a good row, "LINE !why [raw]" for a bad one.
 */
static char *
rows(const char *csv, size_t n, int delim)
{
	struct buf out = BUF_INIT, raw = BUF_INIT, why = BUF_INIT;
	unsigned long line;
	json_t *rec;
	char *s;
	FILE *fp;
	int r, guard = 0;

	fp = fmemopen((void *)csv, n, "r");
	if (fp == NULL) {
		perror("fmemopen");
		exit(1);
	}
	struct table *t = table_open(fp, delim);
	table_set_types(t, types);
	table_set_max(t, max_row, 0);
	while ((r = table_next(t, &rec, &line, &raw, &why)) != 0 &&
	    guard++ < 100000) {
		if (r == 1) {
			s = json_dumps(rec, JSON_COMPACT);
			buf_printf(&out, "%lu %s\n", line, s);
			free(s);
			json_decref(rec);
		} else
			buf_printf(&out, "%lu !%s [%.*s]\n", line, why.data,
			    (int)raw.len, raw.data);
	}
	table_free(t);
	fclose(fp);
	buf_release(&raw);
	buf_release(&why);
	buf_adds(&out, "");
	return buf_detach(&out, NULL);
}

static void
expect(int line, const char *csv, size_t n, int delim, const char *want)
{
	char *got = rows(csv, n, delim);

	if (strcmp(got, want) != 0) {
		fprintf(stderr, "%s:%d: CSV %.*s\n--- want\n%s--- got\n%s",
		    __FILE__, line, (int)n, csv, want, got);
		failures++;
	}
	free(got);
}

#define T(csv, want)	expect(__LINE__, csv, sizeof(csv) - 1, ',', want)

/* A CSV of many rows, longer than the reader's 64 KiB chunks. */
static void
big(void)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	char *got;
	int i;

	buf_adds(&in, "k,v\n");
	for (i = 0; i < 5000; i++) {
		if (i % 100 == 7) {
			buf_printf(&in, "%d,\"multi\nline %d\"\n", i, i);
		} else
			buf_printf(&in, "%d,value number %d padded out "
			    "to be long\n", i, i);
	}
	got = rows(in.data, in.len, ',');
	/* Line numbers: each multi-line row takes two lines. */
	{
		unsigned long line = 2;
		char *p = got, *nl;
		int bad = 0;

		for (i = 0; i < 5000 && p && *p; i++) {
			if (strtoul(p, NULL, 10) != line)
				bad++;
			line += i % 100 == 7 ? 2 : 1;
			nl = strchr(p, '\n');
			p = nl ? nl + 1 : NULL;
		}
		CHECK(i == 5000 && bad == 0, "rows %d, wrong lines %d", i,
		    bad);
	}
	free(got);
	buf_release(&in);
	buf_release(&want);
}

int
main(void)
{
	struct buf why = BUF_INIT;

	/* Plain rows; the header names the members. */
	T("a,b\n1,2\n3,4\n",
	    "2 {\"a\":\"1\",\"b\":\"2\"}\n3 {\"a\":\"3\",\"b\":\"4\"}\n");
	/* Empty input and a header alone give no rows. */
	T("", "");
	T("a,b\n", "");
	T("a,b", "");
	/* No final newline. */
	T("a,b\n1,2", "2 {\"a\":\"1\",\"b\":\"2\"}\n");
	/* Quoting: delimiters, doubled quotes, empty quoted fields. */
	T("a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n\"\",z\n",
	    "2 {\"a\":\"x,y\",\"b\":\"he said \\\"hi\\\"\"}\n"
	    "3 {\"a\":\"\",\"b\":\"z\"}\n");
	/* Embedded newlines: the row's first line, then the right next. */
	T("a,b\n\"l1\nl2\nl3\",z\n3,4\n",
	    "2 {\"a\":\"l1\\nl2\\nl3\",\"b\":\"z\"}\n"
	    "5 {\"a\":\"3\",\"b\":\"4\"}\n");
	/* CRLF, with a CRLF inside a quoted field kept as is. */
	T("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n",
	    "2 {\"a\":\"1\",\"b\":\"2\"}\n"
	    "3 {\"a\":\"x\\r\\ny\",\"b\":\"3\"}\n"
	    "5 {\"a\":\"4\",\"b\":\"5\"}\n");
	/* Blank lines are skipped but counted. */
	T("a,b\n\n1,2\n\n\n3,4\n\n",
	    "3 {\"a\":\"1\",\"b\":\"2\"}\n6 {\"a\":\"3\",\"b\":\"4\"}\n");
	T("a,b\r\n\r\n1,2\r\n", "3 {\"a\":\"1\",\"b\":\"2\"}\n");
	/* Too many and too few fields: bad rows, and the next row is read. */
	T("a,b\n1,2,3\n4\n5,6\n",
	    "2 !row has more fields than the header [1,2,3]\n"
	    "3 !row has fewer fields than the header [4]\n"
	    "4 {\"a\":\"5\",\"b\":\"6\"}\n");
	/* A bad row's raw text is CSV again, quoted where it must be. */
	T("a\n\"x,y\",\"q\"\"\"\n",
	    "2 !row has more fields than the header [\"x,y\",\"q\"\"\"]\n");
	/* Duplicate header names would lose a column. */
	T("a,a\n1,2\n",
	    "2 !header has duplicate names [1,2]\n");
	/* Invalid UTF-8 in a field or in the header. */
	T("a,b\n\xff,2\n3,4\n",
	    "2 !field is not valid UTF-8 [\xff,2]\n"
	    "3 {\"a\":\"3\",\"b\":\"4\"}\n");
	T("\xc3,b\n1,2\n",
	    "2 !header name is not valid UTF-8 [1,2]\n");
	/*
	 * Blanks around unquoted fields are trimmed (libcsv's default), and
	 * so a blank after a closing quote is harmless: keeping blanks
	 * would turn '"x" ,y' into an unterminated field that swallows the
	 * rows after it.
	 */
	T("a, b\n  x  ,y\t\n\"q\" ,z\n",
	    "2 {\"a\":\"x\",\"b\":\"y\"}\n3 {\"a\":\"q\",\"b\":\"z\"}\n");
	/*
	 * A quote that is never closed runs to the end of the input: a bad
	 * row at the line where it began, never a silent one.
	 */
	T("a,b\n\"open,y\n1,2\n",
	    "2 !quoted field is not closed at the end of the input "
	    "[\"open,y\n1,2\n\"]\n");
	T("a,b\n1,2\n3,\"open\n4,5\n6,7",
	    "2 {\"a\":\"1\",\"b\":\"2\"}\n"
	    "3 !quoted field is not closed at the end of the input "
	    "[3,\"open\n4,5\n6,7\"]\n");
	/* Empty cells are null; a quoted empty cell is the empty string. */
	T("a,b,c\n,\"\",x\n",
	    "2 {\"a\":null,\"b\":\"\",\"c\":\"x\"}\n");
	/* A byte order mark (Excel's "CSV UTF-8") is not in the name. */
	T("\xef\xbb\xbfid,b\n1,2\n", "2 {\"id\":\"1\",\"b\":\"2\"}\n");
	/* Types, and inference for the other columns. */
	types = table_types_parse("price:number,n:integer,ok:boolean,j:json",
	    &why);
	CHECK(types != NULL, "parse: %s", why.data);
	T("price,n,ok,j,s\n1.5,7,TRUE,\"{\"\"x\"\":[1]}\",007\n"
	    "-2e3,,false,null,\n",
	    "2 {\"price\":1.5,\"n\":7,\"ok\":true,\"j\":{\"x\":[1]},"
	    "\"s\":\"007\"}\n"
	    "3 {\"price\":-2000.0,\"n\":null,\"ok\":false,\"j\":null,"
	    "\"s\":null}\n");
	T("price,n,ok,j\n1,5,2,3\n1,2.5,yes,x\nabc,1,true,1\n"
	    "1,99999999999999999999,true,1\n",
	    "2 !column 'ok': '2' is not true or false [1,5,2,3]\n"
	    "3 !column 'n': '2.5' is not an integer [1,2.5,yes,x]\n"
	    "4 !column 'price': 'abc' is not a number [abc,1,true,1]\n"
	    "5 !column 'n': '99999999999999999999' is not an integer "
	    "[1,99999999999999999999,true,1]\n");
	T("price,x\n1,2\n",
	    "1 !column 'n' of --types is not in the header [price,x]\n"
	    "2 !column 'n' of --types is not in the header [1,2]\n");
	table_types_free(types);
	types = table_types_parse("auto,zip:string", &why);
	CHECK(types != NULL, "parse: %s", why.data);
	T("a,b,c,zip\n-0.5,true,007,01234\n",
	    "2 {\"a\":-0.5,\"b\":true,\"c\":\"007\",\"zip\":\"01234\"}\n");
	table_types_free(types);
	/* Reals hold what their 15-digit text gives; no NUL in a field. */
	types = table_types_parse("a:number,b:json", &why);
	T("a,b,c\n3.14159265358979323846,\"[0.12345678901234567]\",x\n"
	    "1,2,x\0y\n",
	    "2 {\"a\":3.14159265358979,\"b\":[0.123456789012346],"
	    "\"c\":\"x\"}\n"
	    "3 !field contains a NUL byte [1,2,x]\n");
	table_types_free(types);
	types = NULL;
	buf_release(&why);
	CHECK(table_types_parse("a:float", &why) == NULL, "float accepted");
	CHECK(strstr(why.data, "unknown type") != NULL, "why: %s", why.data);
	CHECK(table_types_parse("auto,string", &why) == NULL, "two rests");
	CHECK(table_types_parse("a:number,a:string", &why) == NULL,
	    "a column named twice");
	/* A row over the cap is bad at its line, and the next is read. */
	max_row = 10;
	T("a,b\n1,2\n\"0123456789\n0123\",x\n3,4\n",
	    "2 {\"a\":\"1\",\"b\":\"2\"}\n"
	    "3 !row is longer than --max-line []\n"
	    "5 {\"a\":\"3\",\"b\":\"4\"}\n");
	T("a,b\n123456789,1\n", "2 !row is longer than --max-line []\n");
	T("a,b\n12345678,1\r\n", "2 {\"a\":\"12345678\",\"b\":\"1\"}\n");
	max_row = 0;
	/* UTF-8 passes through. */
	T("名前,city\nÅsa,Zürich\n",
	    "2 {\"名前\":\"Åsa\",\"city\":\"Zürich\"}\n");
	/* A tab delimiter. */
	expect(__LINE__, "a\tb\nx,y\tz\n", 10, '\t',
	    "2 {\"a\":\"x,y\",\"b\":\"z\"}\n");
	/* A NUL byte in a header name makes every row bad, for that reason. */
	expect(__LINE__, "a\0x,b\n1,2\n3,4\n", 14, ',',
	    "1 !header field contains a NUL byte [a]\n"
	    "2 !header field contains a NUL byte [1,2]\n"
	    "3 !header field contains a NUL byte [3,4]\n");
	big();
	buf_release(&why);
	if (failures) {
		fprintf(stderr, "table: %d failures\n", failures);
		return 1;
	}
	return 0;
}
