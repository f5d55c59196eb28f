/* chunker.c -- unit tests of lib/chunk/chunker: boundaries, sizes, overlap */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "lib/chunk/chunker.h"
#include "lib/base/diag.h"
#include "lib/text/text.h"

static int failures;

/*
 * Chunk text and compare the chunk texts, joined by '|', with want.
 */
static void
expect(enum chunk_unit unit, size_t size, size_t min, size_t overlap,
    int md, const char *text, const char *want)
{
	struct chunk_opts o = { unit, size, min, overlap, NULL };
	struct chunker *c = chunker_new(&o);
	const struct chunk *ch;
	char got[4096];
	size_t n, i, g = 0;

	n = chunker_split(c, text, strlen(text), md, &ch);
	got[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			got[g++] = '|';
		memcpy(got + g, text + ch[i].start, ch[i].end - ch[i].start);
		g += ch[i].end - ch[i].start;
		got[g] = '\0';
		if (ch[i].size > size && !ch[i].forced) {
			fprintf(stderr, "chunk %zu over the size\n", i);
			failures++;
		}
	}
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "chunks of '%s':\n  got  '%s'\n  want '%s'\n",
		    text, got, want);
		failures++;
	}
	chunker_free(c);
}

/*
 * The size of every chunk of pseudo-random texts, mixing what the scan's
 * ASCII fast paths take (words, single spaces, runs of white space,
 * "\r\n", control bytes) with what they must leave to the general path
 * (a combining mark after an ASCII byte, CJK next to ASCII, non-ASCII
 * space), must be its text's own count in the unit.
 */
static void
sizes_agree(enum chunk_unit unit, size_t size, size_t overlap)
{
	static const char *const pieces[] = {
		"word", "a", "longerwordsthaneight", " ", " ", " ", "  ",
		"\n", "\r\n", "\n\n", "\t", ". ", ", ", "e\xcc\x81",
		"x\xcc\x81y", "\xe4\xb8\xad", "\xe6\x96\x87", "\x01",
		"\x7f", "\xc2\xa0", "\xe3\x80\x80", "Mr. ", "1. ", "!\" ",
		"abcdefghijklmnop\xcc\x81", " \xcc\x81", "Ab9", "a_b",
		"\xd0\xb6\xd0\xb8"
	};
	struct chunk_opts big = { unit, CHUNKER_MAX_TEXT, 0, 0, NULL };
	struct chunker *alone = chunker_new(&big);
	const struct chunk *ach;
	struct chunk_opts o = { unit, size, 0, overlap, NULL };
	struct chunker *c = chunker_new(&o);
	const struct chunk *ch;
	char text[2048];
	size_t t, k, len, n, i, want, np;
	unsigned long r = 12345;
	const char *q;

	np = sizeof(pieces) / sizeof(pieces[0]);
	for (t = 0; t < 200; t++) {
		len = 0;
		for (k = 0; k < 60; k++) {
			r = r * 6364136223846793005UL + 1442695040888963407UL;
			q = pieces[(r >> 33) % np];
			memcpy(text + len, q, strlen(q));
			len += strlen(q);
		}
		n = chunker_split(c, text, len, 0, &ch);
		for (i = 0; i < n; i++) {
			q = text + ch[i].start;
			k = ch[i].end - ch[i].start;
			if (unit == CHUNK_CHARS)
				want = text_cp_count(q, k);
			else if (unit == CHUNK_GRAPHEMES)
				want = text_grapheme_count(q, k);
			else {
				/* The chunk's text alone, as one chunk. */
				want = chunker_split(alone, q, k, 0, &ach) ==
				    1 ? ach[0].size : 0;
			}
			if (ch[i].size != want) {
				fprintf(stderr, "unit %d, text %zu, chunk %zu: "
				    "size %zu, counted %zu\n", (int)unit, t, i,
				    ch[i].size, want);
				failures++;
			}
			if (ch[i].size > size && !ch[i].forced) {
				fprintf(stderr, "unit %d, text %zu, chunk %zu "
				    "over the size\n", (int)unit, t, i);
				failures++;
			}
		}
	}
	chunker_free(c);
	chunker_free(alone);
}

int
main(void)
{
	struct chunk_opts o = { CHUNK_CHARS, 30, 0, 0, NULL };
	struct chunker *c;
	const struct chunk *ch;
	const struct chunk_span *sp;
	const char *md;
	size_t n;

	diag_init("chunker");
	/* Nothing to chunk. */
	expect(CHUNK_CHARS, 10, 0, 0, 0, "", "");
	expect(CHUNK_CHARS, 10, 0, 0, 0, " \n\t \r\n", "");
	/* Everything fits: one chunk, white space trimmed. */
	expect(CHUNK_CHARS, 100, 50, 0, 0, "  One two.  ", "One two.");
	/* Paragraph beats sentence beats word when it leaves min-size. */
	expect(CHUNK_CHARS, 40, 10, 0, 0,
	    "First para here.\n\nSecond one is longer than that.",
	    "First para here.|Second one is longer than that.");
	expect(CHUNK_CHARS, 30, 10, 0, 0,
	    "One sentence here. Another one follows it.",
	    "One sentence here.|Another one follows it.");
	/* Below min-size the best boundary yields to a fuller chunk. */
	expect(CHUNK_CHARS, 30, 20, 0, 0,
	    "Short. And then a long sentence goes on and on.",
	    "Short. And then a long|sentence goes on and on.");
	/* A line break inside a sentence of wrapped prose is white space,
	 * so the sentence end beats it; a short line's break is a line. */
	expect(CHUNK_CHARS, 70, 0, 0, 0,
	    "This is a long line of wrapped prose text that goes\non and on. "
	    "Then more words follow here.",
	    "This is a long line of wrapped prose text that goes\non and on.|"
	    "Then more words follow here.");
	expect(CHUNK_CHARS, 20, 0, 0, 0, "short line\nnext one. Then",
	    "short line|next one. Then");
	/* Clause before word. */
	expect(CHUNK_CHARS, 25, 5, 0, 0, "alpha beta, gamma delta epsilon",
	    "alpha beta,|gamma delta epsilon");
	/* Overlap: the longest tail of at most 8 chars, at a word start. */
	expect(CHUNK_CHARS, 15, 0, 8, 0, "aa bb cc dd ee ff gg hh",
	    "aa bb cc dd ee|cc dd ee ff gg|ee ff gg hh");
	expect(CHUNK_CHARS, 15, 0, 7, 0, "aa bb cc dd ee ff gg hh",
	    "aa bb cc dd ee|dd ee ff gg hh");
	/* A word over the size is cut at graphemes and flagged. */
	expect(CHUNK_CHARS, 4, 0, 0, 0, "abcdefghij xy", "abcd|efgh|ij|xy");
	/* Combining marks stay with their base: e + U+0301 is one grapheme,
	 * two chars; at size 3 a chunk holds one and a half of them. */
	expect(CHUNK_CHARS, 3, 0, 0, 0, "e\xcc\x81" "e\xcc\x81" "e\xcc\x81",
	    "e\xcc\x81|e\xcc\x81|e\xcc\x81");
	expect(CHUNK_GRAPHEMES, 2, 0, 0, 0, "e\xcc\x81" "e\xcc\x81" "e\xcc\x81",
	    "e\xcc\x81" "e\xcc\x81|e\xcc\x81");
	/* CJK: boundaries between characters, best at 。 */
	expect(CHUNK_CHARS, 5, 0, 0, 0,
	    "\xe4\xbb\x8a\xe6\x97\xa5\xe3\x80\x82\xe6\x98\x8e\xe6\x97\xa5"
	    "\xe3\x82\x82\xe3\x80\x82",
	    "\xe4\xbb\x8a\xe6\x97\xa5\xe3\x80\x82|\xe6\x98\x8e\xe6\x97\xa5"
	    "\xe3\x82\x82\xe3\x80\x82");
	/* Words and the token estimate. */
	expect(CHUNK_WORDS, 3, 0, 0, 0, "a b c d e f g", "a b c|d e f|g");
	expect(CHUNK_TOKENS, 3, 0, 0, 0, "abcd efgh ijkl", "abcd|efgh|ijkl");
	/* A space and the combining mark after it are one cluster, in a
	 * chunk like any other character. */
	expect(CHUNK_CHARS, 5, 0, 0, 0, "alpha \xcc\x81 beta",
	    "alpha| \xcc\x81|beta");
	/* Right after a word it is part of that word (no white space). */
	expect(CHUNK_CHARS, 8, 0, 0, 0, "alpha \xcc\x81" "beta",
	    "alpha \xcc\x81" "b|eta");
	/* Markdown: a code block that fits stays whole. */
	expect(CHUNK_CHARS, 30, 20, 0, 1,
	    "Intro text.\n```\nline one\nline two\n```\nAfter.",
	    "Intro text.|```\nline one\nline two\n```|After.");
	expect(CHUNK_CHARS, 30, 20, 0, 0,
	    "Intro text.\n```\nline one\nline two\n```\nAfter.",
	    "Intro text.\n```\nline one|line two\n```\nAfter.");
	/* Front matter is skipped. */
	expect(CHUNK_CHARS, 100, 0, 0, 1, "---\ntitle: t\n---\nBody.", "Body.");

	/* Heading paths. */
	md = "# A\n\ntext a\n\n## B\n\ntext b\n\n# C\n\ntext c";
	c = chunker_new(&o);
	o.size = 12;
	chunker_free(c);
	c = chunker_new(&o);
	n = chunker_split(c, md, strlen(md), 1, &ch);
	if (n != 3 || ch[1].npath != 2 || ch[2].npath != 1) {
		fprintf(stderr, "heading paths: %zu chunks\n", n);
		failures++;
	} else {
		sp = chunker_path(c, &ch[1]);
		if (sp[0].len != 1 || md[sp[0].off] != 'A' ||
		    md[sp[1].off] != 'B') {
			fprintf(stderr, "heading path of chunk 1\n");
			failures++;
		}
		sp = chunker_path(c, &ch[2]);
		if (md[sp[0].off] != 'C') {
			fprintf(stderr, "heading path of chunk 2\n");
			failures++;
		}
	}
	chunker_free(c);

	sizes_agree(CHUNK_CHARS, 7, 2);
	sizes_agree(CHUNK_CHARS, 40, 10);
	sizes_agree(CHUNK_GRAPHEMES, 9, 3);
	sizes_agree(CHUNK_TOKENS, 8, 2);
	return failures == 0 ? 0 : 1;
}
