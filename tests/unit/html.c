/* html.c -- unit tests of lib/text/html.c: HTML to text, entities */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/text/html.h"

static int failures;

/* Convert html; compare the text and the title (NULL: none expected). */
static void
expect(int line, const char *html, const char *text, const char *title)
{
	char *got, *gtitle;
	size_t len;

	got = html_text(html, strlen(html), &len, &gtitle);
	if (strlen(got) != len || strcmp(got, text) != 0) {
		fprintf(stderr, "%s:%d: text\n--- want\n%s\n--- got\n%s\n",
		    __FILE__, line, text, got);
		failures++;
	}
	if ((title == NULL) != (gtitle == NULL) ||
	    (title && strcmp(title, gtitle) != 0)) {
		fprintf(stderr, "%s:%d: title: want '%s', got '%s'\n",
		    __FILE__, line, title ? title : "(none)",
		    gtitle ? gtitle : "(none)");
		failures++;
	}
	free(got);
	free(gtitle);
}

#define T(html, text, title)	expect(__LINE__, html, text, title)
#define L(s)	html_latin1(s, strlen(s))

/* Decode one reference; compare the bytes consumed and the output. */
static void
entity(int line, const char *in, size_t want_used, const char *want)
{
	struct buf b = BUF_INIT;
	size_t used;

	used = html_entity(in, strlen(in), &b);
	if (used != want_used || strcmp(b.data ? b.data : "", want) != 0) {
		fprintf(stderr, "%s:%d: entity '%s': want %zu '%s', got %zu "
		    "'%s'\n", __FILE__, line, in, want_used, want, used,
		    b.data ? b.data : "");
		failures++;
	}
	buf_release(&b);
}

#define E(in, used, want)	entity(__LINE__, in, used, want)

int
main(void)
{
	/* References: named, decimal, hex, without ';', bad values. */
	E("&amp;", 5, "&");
	E("&lt;x", 4, "<");
	E("&eacute;", 8, "\xc3\xa9");
	E("&hellip;", 8, "\xe2\x80\xa6");
	E("&apos;", 6, "'");
	E("&Alpha;", 7, "\xce\x91");
	E("&alpha;", 7, "\xce\xb1");
	E("&#65;", 5, "A");
	E("&#x41;", 6, "A");
	E("&#X1F600;", 9, "\xf0\x9f\x98\x80");
	E("&#65 ", 4, "A");
	E("&#0;", 4, "\xef\xbf\xbd");
	E("&#xD800;", 8, "\xef\xbf\xbd");
	E("&#99999999999;", 14, "\xef\xbf\xbd");
	E("&#150;", 6, "\xe2\x80\x93");
	E("&#x80;", 6, "\xe2\x82\xac");
	E("&amp", 0, "");
	E("&nosuch;", 0, "");
	E("&#;", 0, "");
	E("&#x;", 0, "");
	E("& x", 0, "");
	E("&", 0, "");

	/* Declared Latin-1 charsets, in <meta charset> or http-equiv. */
	if (!L("<meta charset=\"ISO-8859-1\">") ||
	    !L("<meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=windows-1252\">") ||
	    !L("<META CHARSET='latin1'>") ||
	    L("<meta charset=\"utf-8\">") ||
	    L("<p>no charset here</p>") ||
	    L("<meta charset=\"iso-8859-15\">")) {
		fprintf(stderr, "%s:%d: html_latin1\n", __FILE__, __LINE__);
		failures++;
	}

	/* Tags stripped, white space collapsed, no ends. */
	T("  <b>bold</b>   and\n\t<i>it</i>  ", "bold and it", NULL);
	T("", "", NULL);
	T("<p></p><div> </div>", "", NULL);
	/* Title: decoded and collapsed, not part of the text. */
	T("<html><head><title>\n A &amp; B\n</title></head>"
	    "<body>x</body></html>", "x", "A & B");
	T("<TITLE>Up</TITLE>y", "y", "Up");
	T("<title> </title>z", "z", NULL);
	T("<title>first</title><title>second</title>", "", "first");
	/* Script, style and comments go, with '<' inside them. */
	T("a<script>if (x < 1) { document.write('<p>'); }</script>b"
	    "<style>p { color: red }</style>c<!-- <p>gone</p> -->d",
	    "abcd", NULL);
	T("a<SCRIPT type=x>1</script >b", "ab", NULL);
	T("a<script>never closed", "a", NULL);
	T("a<!-- never closed", "a", NULL);
	T("<!DOCTYPE html><?xml version=\"1.0\"?>x", "x", NULL);
	/* A '<' that starts no tag is text. */
	T("1 < 2 and 3<4 <", "1 < 2 and 3<4 <", NULL);
	/* '>' inside a quoted attribute does not end the tag. */
	T("<a title=\"x > y\" href='>'>link</a>", "link", NULL);
	/* Blocks: paragraphs, headings, line breaks. */
	T("<h1>Title</h1><p>One\ntwo.</p><p>Three.</p>",
	    "Title\n\nOne two.\n\nThree.", NULL);
	T("a<br>b<br/><br>c<br><br><br>d", "a\nb\n\nc\n\nd", NULL);
	T("<div>a</div><div>b</div>", "a\nb", NULL);
	/* Lists: bullets, numbers, nesting. */
	T("<ul><li>one<li>two</ul>", "- one\n- two", NULL);
	T("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two", NULL);
	T("<p>x</p><ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><p>y</p>",
	    "x\n\n- a\n- b\n- c\n\ny", NULL);
	/* Tables: cells joined, rows on lines, empty cells dropped. */
	T("<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td>"
	    "</tr><tr><td>&nbsp;</td><td>2</td></tr></table>",
	    "k | v\na | 1\n2", NULL);
	/* <pre> keeps its white space; its first newline goes. */
	T("<p>x</p><pre>\n  a  b\n\tc\n</pre><p>y   z</p>",
	    "x\n\n  a  b\n\tc\n\ny z", NULL);
	T("<pre>open\n\n", "open", NULL);
	T("<pre></pre><pre>\n</pre>x", "x", NULL);
	/* Entities in text; a no-break space is white space. */
	T("caf&eacute;&nbsp;&nbsp;au&#160;lait &lt;tag&gt; &amp;amp; &bogus;",
	    "caf\xc3\xa9 au lait <tag> &amp; &bogus;", NULL);
	/* CDATA is text. */
	T("a<![CDATA[<b>]]>c", "a<b>c", NULL);
	/* An unclosed tag runs to the end. */
	T("text<a href=\"x", "text", NULL);
	/* UTF-8 passes through. */
	T("<p>Zürich – 東京</p>", "Zürich – 東京", NULL);
	if (failures) {
		fprintf(stderr, "html: %d failures\n", failures);
		return 1;
	}
	return 0;
}
