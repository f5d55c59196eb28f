/* pool.c -- unit tests of lib/json/pool.c: -j N output equals -j 1 output */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/base/hash.h"
#include "lib/base/iox.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "tests/unit/unit.h"

static char in[] = "/tmp/etv-unit-poolXXXXXX";

/* Uneven work: records emit 0, 1 or 2 lines and some hash their text. */
static void
work(struct rec_item *it, void *arg, int worker)
{
	json_t *r, *add;
	char tag[HASH_TAG_LEN + 1];
	int i, n;

	(void)arg;
	(void)worker;
	if ((r = rec_parse(it)) == NULL)
		return;
	n = (int)(json_integer_value(json_object_get(r, "i")) % 3);
	for (i = 0; i < n; i++) {
		hash_tag(tag, it->line, it->len);
		add = json_pack("{s:s,s:i}", "h", tag, "k", i);
		rec_emit_merged(it, r, add);
		json_decref(add);
	}
	json_decref(r);
}

/* The largest batch seen, and whether one came with items out of order. */
static size_t maxbatch;
static int disorder;

/* The batch form: the items one after the other, consecutive. */
static void
work_batch(struct rec_item *items, size_t n, void *arg, int worker)
{
	size_t i, m = __atomic_load_n(&maxbatch, __ATOMIC_RELAXED);

	while (n > m && !__atomic_compare_exchange_n(&maxbatch, &m, n, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	for (i = 0; i < n; i++) {
		if (i > 0 && items[i].lineno != items[i - 1].lineno + 1)
			__atomic_store_n(&disorder, 1, __ATOMIC_RELAXED);
		work(&items[i], arg, worker);
	}
}

/*
 * Run the pool with jobs threads (in batches of batch items unless it is
 * 0), stdout captured; return the output.
 */
static char *
run(int jobs, size_t batch, size_t *len)
{
	static char *argv[] = { in };
	static const struct rec_config cfg = REC_CONFIG_INIT;
	char out[] = "/tmp/etv-unit-pooloutXXXXXX";
	struct rec_reader *rd;
	int fd, saved;
	char *s;

	fd = mkstemp(out);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	rd = rec_open(&cfg, 1, argv);
	if (batch == 0)
		pool_run(rd, jobs, work, NULL);
	else
		pool_run_batch(rd, jobs, batch, work_batch, NULL);
	rec_close(rd);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	s = iox_slurp(out, len);
	unlink(out);
	return s;
}

int
main(void)
{
	char *a, *b;
	size_t na, nb;
	FILE *fp;
	static const size_t batches[] = { 1, 7, 256, 5000 };
	size_t bi;
	int fd, i, jobs;

	fd = mkstemp(in);
	fp = fdopen(fd, "w");
	for (i = 0; i < 20000; i++)
		fprintf(fp, "{\"i\":%d,\"pad\":\"%*s\"}\n", i, i % 97, "");
	fclose(fp);
	a = run(1, 0, &na);
	CHECK(a != NULL && na > 0);
	for (jobs = 2; jobs <= 5; jobs += 3) {
		b = run(jobs, 0, &nb);
		CHECK(b != NULL && na == nb && memcmp(a, b, na) == 0);
		free(b);
	}
	for (bi = 0; bi < sizeof(batches) / sizeof(batches[0]); bi++)
		for (jobs = 1; jobs <= 5; jobs += 1 + (jobs > 1)) {
			maxbatch = 0;
			b = run(jobs, batches[bi], &nb);
			CHECK(b != NULL && na == nb && memcmp(a, b, na) == 0);
			CHECK(maxbatch >= 1 && maxbatch <= batches[bi]);
			CHECK(batches[bi] > 1 || maxbatch == 1);
			free(b);
		}
	CHECK(!disorder);
	CHECK(pool_ncpu() >= 1);
	free(a);
	unlink(in);
	return unit_done("pool");
}
