/* runstats.c -- unit tests of lib/json/runstats.c and rec_totals */
/* SPDX-License-Identifier: MIT */

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/iox.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"
#include "tests/unit/unit.h"

/* The common keys, in the order they are written. */
static const char *const common[] = {
	"tool", "version", "status", "started", "seconds", "cpu_seconds",
	"max_rss_kb", "read", "written", "rejected", "malformed", NULL
};

/* The integer member key of o, or -1. */
static long long
num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* Whether x is a whole number of milliseconds. */
static int
whole_ms(const json_t *v)
{
	double x = json_real_value(v);

	return json_is_real(v) && x >= 0 &&
	    fabs(x * 1000 - round(x * 1000)) < 1e-6;
}

/* Without runstats_start, setting figures does nothing. */
static void
test_off(void)
{
	json_t *o;

	CHECK(!runstats_on());
	runstats_set_int("early", 1);
	runstats_set(NULL, json_integer(2));	/* stolen, and freed */
	o = runstats_json(0);
	CHECK(o != NULL && json_object_get(o, "early") == NULL);
	CHECK(json_object_size(o) == 11);
	json_decref(o);
}

/* Read a file of three lines, one malformed, keeping rejects. */
static void
read_three(const char *dir)
{
	struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_reader *rd;
	char in[512], *argv[1];
	json_t *v;
	FILE *fp;
	int fd, err;

	snprintf(in, sizeof(in), "%s/in.jsonl", dir);
	fp = fopen(in, "w");
	fputs("{\"id\":\"a\"}\nnot json\n{\"id\":\"c\"}\n", fp);
	fclose(fp);
	argv[0] = in;
	cfg.rejects = "/dev/null";
	/* The malformed line's message is not this test's output. */
	fflush(stderr);
	err = dup(2);
	fd = open("/dev/null", O_WRONLY);
	dup2(fd, 2);
	close(fd);
	rd = rec_open(&cfg, 1, argv);
	while ((v = rec_next(rd)) != NULL)
		json_decref(v);
	rec_close(rd);
	dup2(err, 2);
	close(err);
	unlink(in);
}

static void
test_figures(const char *dir)
{
	const char *key;
	json_t *o;
	void *it;
	size_t i;

	runstats_start("unused");
	CHECK(runstats_on());
	runstats_set_int("b", 1);
	runstats_set_real("a", 0.5);
	runstats_set_str("name", "caf\xc3\xa9");
	runstats_set_int("status", 99);		/* a common key: left out */
	runstats_set_int("b", 2);		/* keeps its place */
	runstats_set("by", json_pack("{s:i}", "x", 3));
	runstats_set_str("bad", "\xff");	/* not UTF-8: left out */
	read_three(dir);
	o = runstats_json(3);
	CHECK(o != NULL);
	it = json_object_iter(o);
	for (i = 0; common[i] != NULL && it != NULL; i++) {
		key = json_object_iter_key(it);
		CHECK(strcmp(key, common[i]) == 0);
		it = json_object_iter_next(o, it);
	}
	CHECK(common[i] == NULL);
	CHECK(it != NULL && strcmp(json_object_iter_key(it), "b") == 0);
	it = json_object_iter_next(o, it);
	CHECK(it != NULL && strcmp(json_object_iter_key(it), "a") == 0);
	CHECK(json_object_size(o) == 15);
	CHECK(num(o, "status") == 3);
	CHECK(num(o, "b") == 2);
	CHECK(json_real_value(json_object_get(o, "a")) == 0.5);
	CHECK(strcmp(json_string_value(json_object_get(o, "name")),
	    "caf\xc3\xa9") == 0);
	CHECK(num(json_object_get(o, "by"), "x") == 3);
	CHECK(strcmp(json_string_value(json_object_get(o, "tool")),
	    "runstats") == 0);
	/* Counts of the reader, closed now. */
	CHECK(num(o, "read") == 3);
	CHECK(num(o, "written") == 0);
	CHECK(num(o, "rejected") == 1);
	CHECK(num(o, "malformed") == 1);
	CHECK(num(o, "max_rss_kb") > 0);
	CHECK(whole_ms(json_object_get(o, "seconds")));
	CHECK(whole_ms(json_object_get(o, "cpu_seconds")));
	/* 2025-03-01T06:00:00Z */
	key = json_string_value(json_object_get(o, "started"));
	CHECK(key != NULL && strlen(key) == 20 && key[10] == 'T' &&
	    key[19] == 'Z');
	json_decref(o);
}

/* The names in dir other than . and .. and keep. */
static int
others(const char *dir, const char *keep)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, keep))
			n++;
	closedir(d);
	return n;
}

static void
test_write(const char *dir)
{
	struct buf err = BUF_INIT;
	char path[512], bad[600];
	json_t *o;
	char *s;
	size_t n;

	snprintf(path, sizeof(path), "%s/stats.json", dir);
	CHECK(runstats_write(path, 0, &err) == 0);
	CHECK(runstats_write(path, 4, &err) == 0);
	s = iox_slurp(path, &n);
	CHECK(s != NULL && n > 0 && s[n - 1] == '\n' &&
	    strchr(s, '\n') == s + n - 1);
	o = s ? json_loads(s, 0, NULL) : NULL;
	CHECK(num(o, "status") == 4);
	json_decref(o);
	free(s);
	/* Replaced by rename: nothing else is left in the directory. */
	CHECK(others(dir, "stats.json") == 0);

	snprintf(bad, sizeof(bad), "%s/no/stats.json", dir);
	CHECK(runstats_write(bad, 0, &err) == -1);
	CHECK(strncmp(err.data, bad, strlen(bad)) == 0 &&
	    strstr(err.data, ": No such file or directory") != NULL);
	CHECK(runstats_write(dir, 0, &err) == -1);
	CHECK(strstr(err.data, "Is a directory") != NULL);
	/* A device is written in place. */
	CHECK(runstats_write("/dev/null", 0, &err) == 0);
	CHECK(others(dir, "stats.json") == 0);
	unlink(path);
	buf_release(&err);
}

int
main(int argc, char *argv[])
{
	char dir[] = "/tmp/etv-unit-runstatsXXXXXX";

	diag_init(argv[0]);
	if (mkdtemp(dir) == NULL)
		return 2;
	test_off();
	test_figures(dir);
	test_write(dir);
	rmdir(dir);
	return unit_done("runstats");
}
