/* bpe.c -- unit tests of lib/chunk/bpe: rank files, merges, vectors */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/chunk/bpe.h"
#include "lib/base/diag.h"

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", \
	__FILE__, __LINE__, #c); failures++; } } while (0)

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
put64(FILE *f, const char *s, size_t n)
{
	size_t i;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)(unsigned char)s[i] << 16 |
		    (unsigned long)(unsigned char)s[i + 1] << 8 |
		    (unsigned char)s[i + 2];
		fprintf(f, "%c%c%c%c", b64[v >> 18], b64[(v >> 12) & 63],
		    b64[(v >> 6) & 63], b64[v & 63]);
	}
	if (n - i == 1) {
		v = (unsigned long)(unsigned char)s[i] << 16;
		fprintf(f, "%c%c==", b64[v >> 18], b64[(v >> 12) & 63]);
	} else if (n - i == 2) {
		v = (unsigned long)(unsigned char)s[i] << 16 |
		    (unsigned long)(unsigned char)s[i + 1] << 8;
		fprintf(f, "%c%c%c=", b64[v >> 18], b64[(v >> 12) & 63],
		    b64[(v >> 6) & 63]);
	}
}

/*
 * A small rank file: every byte at rank = its value, then the merges
 * listed, ranked 256, 257, ... in order.
 */
static const char *const merges[] = {
	"th", "he", "the", " t", " the", "in", "ing", "aa", "ab", "ba",
	"bb", "aab", "abab", "aaaa", "bab", "er", " th", "an", NULL
};

static void
write_small(const char *path)
{
	FILE *f;
	char c;
	int i;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < 256; i++) {
		c = (char)i;
		put64(f, &c, 1);
		fprintf(f, " %d\n", i);
	}
	for (i = 0; merges[i] != NULL; i++) {
		put64(f, merges[i], strlen(merges[i]));
		fprintf(f, " %d\n", 256 + i);
	}
	fclose(f);
}

static int
same(const uint32_t *a, size_t n, const uint32_t *want, size_t m)
{
	return n == m && (n == 0 || memcmp(a, want, n * sizeof(*a)) == 0);
}

static void
small_tests(void)
{
	char path[] = "/tmp/etv-cl100k-test-XXXXXX";
	struct buf err = BUF_INIT;
	struct bpe *b;
	struct bpe_work *w;
	const uint32_t *ids;
	uint32_t *lin;
	char s[300];
	size_t n, k, k2, i, round, np;
	const size_t *starts;
	const uint32_t *counts;
	int fd;
	static const uint32_t the[] = { 258 };
	static const uint32_t sp_the[] = { 260 };
	static const uint32_t thing[] = { 256, 262 };
	static const uint32_t aab[] = { 267 };

	if ((fd = mkstemp(path)) < 0) {
		perror("mkstemp");
		exit(1);
	}
	close(fd);
	write_small(path);
	b = bpe_load(path, &err);
	CHECK(b != NULL);
	if (b == NULL) {
		fprintf(stderr, "%s\n", err.data);
		unlink(path);
		return;
	}
	CHECK(strcmp(bpe_pattern_name(b), "cl100k_base") == 0);
	CHECK(bpe_vocab(b) == 256 + 18);
	w = bpe_work_new(b);

	/* "the" merges th (256), then the (258). */
	n = bpe_encode(w, "the", 3, &ids);
	CHECK(same(ids, n, the, 1));
	/* " the": th (256) first, then "the" (258) beats " th" (272),
	 * then " " + "the" is " the" (260). */
	n = bpe_encode(w, " the", 4, &ids);
	CHECK(same(ids, n, sp_the, 1));
	/* "thing": th (256), in (261), ing (262). */
	n = bpe_encode(w, "thing", 5, &ids);
	CHECK(same(ids, n, thing, 2));
	n = bpe_encode(w, "aab", 3, &ids);
	CHECK(same(ids, n, aab, 1));
	/* Pre-tokenizer: "the cat" is "the" and " cat". */
	CHECK(bpe_count(w, "the cat", 7) == 1 + 4);
	CHECK(bpe_count(w, "", 0) == 0);
	/* U+0085 is white space, as in tiktoken's engine: "a", NEL,
	 * NEL + "b" (a non-letter then letters). */
	np = bpe_pieces(w, "a\xc2\x85\xc2\x85" "b", 6, &starts, &counts);
	CHECK(np == 3 && starts[0] == 0 && starts[1] == 1 && starts[2] == 3);

	/* Linear and heap merges agree on long random a/b strings. */
	srand(7);
	lin = malloc(sizeof(*lin) * sizeof(s));
	for (round = 0; round < 2000; round++) {
		n = 1 + (size_t)rand() % (sizeof(s) - 1);
		for (i = 0; i < n; i++)
			s[i] = rand() % 3 == 0 ? 'b' : 'a';
		k = bpe_merge_piece(w, s, n, 1, &ids);
		memcpy(lin, ids, k * sizeof(*lin));
		k2 = bpe_merge_piece(w, s, n, 0, &ids);
		CHECK(same(lin, k, ids, k2));
		if (!same(lin, k, ids, k2))
			break;
	}
	free(lin);
	bpe_work_free(w);
	bpe_free(b);
	unlink(path);

	/* Bad files are refused with a message. */
	CHECK(bpe_load("/nonexistent/x.tiktoken", &err) == NULL);
	CHECK(strstr(err.data, "/nonexistent/x.tiktoken") != NULL);
	CHECK(errno == ENOENT);
	buf_release(&err);
}

/* Parse "[1, 2, 3]" into ids; returns the count. */
static size_t
parse_ids(const char *p, uint32_t *ids, size_t max)
{
	size_t n = 0;
	char *end;

	while (*p != '\0' && *p != ']') {
		if (*p >= '0' && *p <= '9' && n < max) {
			ids[n++] = (uint32_t)strtoul(p, &end, 10);
			p = end;
		} else
			p++;
	}
	return n;
}

/*
 * The reference vectors of gpt-tokenizer's data/TestPlans.txt: blocks of
 * "EncodingName: X", "Sample: TEXT", "Encoded: [ids]".
 */
static void
vector_tests(const char *dir)
{
	static const char *const names[] = {
		"r50k_base", "p50k_base", "cl100k_base", "o200k_base"
	};
	struct bpe *b[4];
	struct bpe_work *w[4];
	char path[4096], *line = NULL, *sample = NULL;
	struct buf err = BUF_INIT;
	size_t cap = 0, n, k, want, checked = 0;
	ssize_t len;
	uint32_t ids[4096];
	const uint32_t *got;
	FILE *f;
	int e, cur = -1;

	for (e = 0; e < 4; e++) {
		snprintf(path, sizeof(path), "%s/%s.tiktoken", dir, names[e]);
		if ((b[e] = bpe_load(path, &err)) == NULL) {
			fprintf(stderr, "%s\n", err.data);
			exit(1);
		}
		w[e] = bpe_work_new(b[e]);
	}
	snprintf(path, sizeof(path), "%s/TestPlans.txt", dir);
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(1);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (strncmp(line, "EncodingName: ", 14) == 0) {
			cur = -1;
			for (e = 0; e < 4; e++)
				if (strncmp(line + 14, names[e], 4) == 0)
					cur = e;
		} else if (strncmp(line, "Sample: ", 8) == 0) {
			free(sample);
			sample = strdup(line + 8);
		} else if (strncmp(line, "Encoded: ", 9) == 0 && cur >= 0 &&
		    sample != NULL) {
			want = parse_ids(line + 9, ids, 4096);
			n = strlen(sample);
			k = bpe_encode(w[cur], sample, n, &got);
			CHECK(same(got, k, ids, want));
			if (!same(got, k, ids, want))
				fprintf(stderr, "  %s: '%s'\n", names[cur],
				    sample);
			CHECK(bpe_count(w[cur], sample, n) == want);
			checked++;
		}
	}
	free(line);
	free(sample);
	fclose(f);
	for (e = 0; e < 4; e++) {
		bpe_work_free(w[e]);
		bpe_free(b[e]);
	}
	CHECK(checked > 250);
	printf("%zu reference vectors checked\n", checked);
}

int
main(int argc, char **argv)
{
	diag_init("bpe");
	small_tests();
	if (argc > 1)
		vector_tests(argv[1]);
	return failures == 0 ? 0 : 1;
}
