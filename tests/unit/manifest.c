/* manifest.c -- unit tests of lib/index/manifest.c */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/index/manifest.h"
#include "tests/unit/unit.h"

/* Write s as the whole file path. */
static void
put(const char *path, const char *s)
{
	FILE *fp = fopen(path, "w");

	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	fputs(s, fp);
	fclose(fp);
}

int
main(int argc, char *argv[])
{
	char dir[] = "/tmp/etv-manifest-XXXXXX", path[512], *text;
	struct buf why = BUF_INIT;
	json_t *ids, *set;
	size_t n;

	(void)argc;
	diag_init(argv[0]);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/m.json", dir);

	/* What is written reads back as the same set, one id per line. */
	ids = json_array();
	json_array_append_new(ids, json_string("a.txt"));
	json_array_append_new(ids, json_string("sub/b \"q\".md"));
	json_array_append_new(ids, json_string("caf\xc3\xa9.txt"));
	CHECK(manifest_write(path, ids) == 0);
	if ((text = iox_slurp(path, &n)) == NULL)
		return 1;
	CHECK(strcmp(text, "{\"complete\":true,\"documents\":[\n"
	    "\"a.txt\",\n\"sub/b \\\"q\\\".md\",\n\"caf\xc3\xa9.txt\"\n]}\n")
	    == 0);
	set = manifest_load(path, &why);
	CHECK(set != NULL && json_object_size(set) == 3);
	CHECK(json_object_get(set, "sub/b \"q\".md") != NULL);
	json_decref(set);

	/* An empty walk is a complete manifest of no documents. */
	json_array_clear(ids);
	CHECK(manifest_write(path, ids) == 0);
	set = manifest_load(path, &why);
	CHECK(set != NULL && json_object_size(set) == 0);
	json_decref(set);

	/* A truncated file, another object, a bad id: refused with a why. */
	text[40] = '\0';
	put(path, text);
	CHECK(manifest_load(path, &why) == NULL && why.len > 0 &&
	    (buf_reset(&why), 1));
	put(path, "{\"documents\":[\"a\"]}");
	CHECK(manifest_load(path, &why) == NULL && why.len > 0 &&
	    (buf_reset(&why), 1));
	put(path, "{\"complete\":true,\"documents\":[\"a\",3]}");
	CHECK(manifest_load(path, &why) == NULL && why.len > 0 &&
	    (buf_reset(&why), 1));

	/* A missing file: errno, no why. */
	unlink(path);
	errno = 0;
	CHECK(manifest_load(path, &why) == NULL && why.len == 0 &&
	    errno == ENOENT);
	buf_release(&why);

	free(text);
	json_decref(ids);
	rmdir(dir);
	return unit_done("manifest");
}
