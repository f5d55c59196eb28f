/* wordpiece.c -- unit tests of lib/embed/wordpiece and safetensors */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/embed/safetensors.h"
#include "lib/embed/wordpiece.h"

static const char tokenizer[] =
    "{\"normalizer\":{\"type\":\"BertNormalizer\",\"lowercase\":true},"
    "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
    "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
    "\"vocab\":{\"[UNK]\":0,\"un\":1,\"##aff\":2,\"##able\":3,\"!\":4,"
    "\"cafe\":5,\"\\u4e2d\":6,\"a\":7,\"##b\":8}}}";

static int failed;

static void
expect(const struct wordpiece *wp, struct wordpiece_scratch *s,
    const char *text, int skip_unk, const char *want)
{
	int32_t ids[32];
	char got[128];
	size_t n, i, k = 0;

	n = wordpiece_encode(wp, s, text, strlen(text), skip_unk, ids, 32);
	got[0] = '\0';
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(got + k, sizeof(got) - k, "%s%d",
		    i ? " " : "", ids[i]);
	if (strcmp(got, want) != 0) {
		printf("'%s': got '%s', want '%s'\n", text, got, want);
		failed = 1;
	}
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
}

static void
expect_bad(const char *path, const void *p, size_t n, const char *why)
{
	struct safetensors *st;
	struct buf err = BUF_INIT;

	write_file(path, p, n);
	if ((st = safetensors_open(path, &err)) != NULL ||
	    strstr(err.data, why) == NULL) {
		printf("safetensors: want '%s', got '%s'\n", why,
		    st ? "success" : err.data);
		safetensors_close(st);
		failed = 1;
	}
	buf_release(&err);
}

int
main(void)
{
	char dir[] = "/tmp/etv-unit-XXXXXX", path[64];
	struct buf err = BUF_INIT;
	/* A 56-byte header (54 and two spaces), then two halves. */
	static const char good[] = "\x38\0\0\0\0\0\0\0"
	    "{\"e\":{\"dtype\":\"F16\",\"shape\":[2],"
	    "\"data_offsets\":[0,4]}}  \x00\x3c\x00\xc0";
	const struct safetensors_tensor *t;
	struct wordpiece_scratch *s;
	struct safetensors *st;
	struct wordpiece *wp;

	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(path, sizeof(path), "%s/tokenizer.json", dir);
	write_file(path, tokenizer, strlen(tokenizer));
	if ((wp = wordpiece_load(path, &err)) == NULL) {
		printf("%s\n", err.data);
		return 1;
	}
	s = wordpiece_scratch_new();
	expect(wp, s, "Unaffable!", 0, "1 2 3 4");
	expect(wp, s, "  UNAFF\tun!!", 0, "1 2 1 4 4");
	expect(wp, s, "Caf\xc3\xa9 \xe4\xb8\xad\xe4\xb8\xad", 0, "5 6 6");
	expect(wp, s, "ab zz abb", 0, "7 8 0 7 8 8");
	expect(wp, s, "ab zz abb", 1, "7 8 7 8 8");
	expect(wp, s, "a\x01" "b", 0, "7 8");
	expect(wp, s, "", 0, "");
	wordpiece_scratch_free(s);
	wordpiece_free(wp);

	if (safetensors_half(0x3c00) != 1.0f ||
	    safetensors_half(0xc000) != -2.0f ||
	    safetensors_half(0x0001) != 5.9604644775390625e-8f ||
	    safetensors_half(0x7bff) != 65504.0f) {
		printf("safetensors_half is wrong\n");
		failed = 1;
	}
	snprintf(path, sizeof(path), "%s/m.safetensors", dir);
	write_file(path, good, sizeof(good) - 1);
	if ((st = safetensors_open(path, &err)) == NULL ||
	    (t = safetensors_find(st, "e")) == NULL || t->count != 2 ||
	    t->dtype != SAFETENSORS_F16) {
		printf("safetensors: %s\n", st ? "bad tensor" : err.data);
		failed = 1;
	}
	safetensors_close(st);
	expect_bad(path, good, sizeof(good) - 3, "outside the file");
	expect_bad(path, "\xff\xff\0\0\0\0\0\0{}", 10, "header length");
	expect_bad(path, "\x02\0\0\0\0\0\0\0[]", 10, "not a JSON object");
	expect_bad(path, "\x15\0\0\0\0\0\0\0{\"e\":{\"dtype\":\"F32\"}}", 29,
	    "needs dtype, shape and data_offsets");
	unlink(path);
	snprintf(path, sizeof(path), "%s/tokenizer.json", dir);
	unlink(path);
	rmdir(dir);
	buf_release(&err);
	return failed;
}
