/* jsonschema.c -- the JSON Schema Test Suite against lib/validate/jsonschema */
/* SPDX-License-Identifier: MIT */

/*
 * Usage: jsonschema [-v] [SUITE_DIR]
 *
 * SUITE_DIR (or $ETV_JSONSCHEMA_SUITE, or ../../shared/data/... from the
 * tests directory, or ../shared/data/... from the repository) holds the
 * official JSON-Schema-Test-Suite: tests/draft2020-12, tests/draft7 and
 * remotes/.  Every test of draft 2020-12 and draft 7 is run; remotes are
 * served from disk for http://localhost:1234/.  The required tests must
 * all pass (exit 1 otherwise); optional ones and the format tests (run
 * with format assertion on) are counted and reported.  Without a suite
 * the program prints "skipped" and exits 0.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/validate/jsonschema.h"

static const char *suite;
static int verbose;

struct counts {
	unsigned long	 pass;		/* tests answered as expected */
	unsigned long	 fail;		/* tests that did not */
};

static json_t *
load_remote(const char *uri, void *arg)
{
	static const char prefix[] = "http://localhost:1234/";
	struct buf path = BUF_INIT;
	json_t *doc;

	(void)arg;
	if (strncmp(uri, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	buf_printf(&path, "%s/remotes/%s", suite, uri + sizeof(prefix) - 1);
	doc = json_load_file(path.data, JSON_ALLOW_NUL | JSON_DECODE_ANY,
	    NULL);
	buf_release(&path);
	return doc;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_file(const char *file, int flags, struct counts *c)
{
	json_t *groups, *g, *t;
	json_error_t jerr;
	struct js_schema *S;
	struct buf err = BUF_INIT;
	size_t i, j;
	int ok, want;

	if ((groups = json_load_file(file, JSON_ALLOW_NUL, &jerr)) == NULL) {
		/* jansson cannot hold some big numbers (bignum.json). */
		if (verbose)
			printf("FAIL %s: cannot load: %s\n", file, jerr.text);
		c->fail++;
		return;
	}
	json_array_foreach(groups, i, g) {
		json_t *tests = json_object_get(g, "tests");

		S = js_new(flags, load_remote, NULL);
		buf_reset(&err);
		if (js_add(S, json_object_get(g, "schema"), "urn:etv:root",
		    &err) != 0 || js_compile(S, "urn:etv:root", &err) != 0) {
			if (verbose)
				printf("FAIL %s: %s: schema: %s\n", file,
				    json_string_value(json_object_get(g,
				    "description")), err.data);
			c->fail += json_array_size(tests);
			js_free(S);
			continue;
		}
		json_array_foreach(tests, j, t) {
			want = json_is_true(json_object_get(t, "valid"));
			ok = js_validate(S, json_object_get(t, "data"), NULL,
			    0);
			if (ok == want)
				c->pass++;
			else {
				c->fail++;
				if (verbose)
					printf("FAIL %s: %s: %s\n", file,
					    json_string_value(json_object_get(
					    g, "description")),
					    json_string_value(json_object_get(
					    t, "description")));
			}
		}
		js_free(S);
	}
	buf_release(&err);
	json_decref(groups);
}

static void
run_dir(const char *dir, int flags, struct counts *c)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i, len;
	struct buf path = BUF_INIT;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]);
		run_file(path.data, flags, c);
		free(names[i]);
	}
	free(names);
	buf_release(&path);
}

int
main(int argc, char *argv[])
{
	static const struct {
		const char	*name;		/* directory under tests/ */
		int		 flags;		/* compile options */
	} drafts[] = {
		{ "draft2020-12", JS_CHECK },
		{ "draft7", JS_CHECK | JS_DRAFT7 },
	};
	static const char *const guesses[] = {
		"../../shared/data/json-schema-test-suite",
		"../shared/data/json-schema-test-suite",
		"../../../shared/data/json-schema-test-suite",
	};
	struct counts req, opt, fmt;
	struct buf dir = BUF_INIT;
	struct stat st;
	size_t i;
	int bad = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc > 1)
		suite = argv[1];
	else if ((suite = getenv("ETV_JSONSCHEMA_SUITE")) == NULL ||
	    *suite == '\0') {
		suite = NULL;
		for (i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++)
			if (stat(guesses[i], &st) == 0) {
				suite = guesses[i];
				break;
			}
	}
	if (suite == NULL || stat(suite, &st) != 0) {
		printf("skipped: no JSON Schema Test Suite found\n");
		return 0;
	}
	for (i = 0; i < sizeof(drafts) / sizeof(drafts[0]); i++) {
		memset(&req, 0, sizeof(req));
		memset(&opt, 0, sizeof(opt));
		memset(&fmt, 0, sizeof(fmt));
		buf_reset(&dir);
		buf_printf(&dir, "%s/tests/%s", suite, drafts[i].name);
		run_dir(dir.data, drafts[i].flags, &req);
		buf_adds(&dir, "/optional");
		run_dir(dir.data, drafts[i].flags, &opt);
		buf_adds(&dir, "/format");
		run_dir(dir.data, drafts[i].flags | JS_FORMATS, &fmt);
		printf("%s: required %lu/%lu, optional %lu/%lu, "
		    "format (asserted) %lu/%lu\n", drafts[i].name, req.pass,
		    req.pass + req.fail, opt.pass, opt.pass + opt.fail,
		    fmt.pass, fmt.pass + fmt.fail);
		if (req.fail > 0 || req.pass == 0)
			bad = 1;
	}
	buf_release(&dir);
	return bad;
}
