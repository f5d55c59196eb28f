/* index.c -- unit tests of lib/index/index, ixquery and ixdump */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/index/index.h"
#include "lib/index/ixdump.h"
#include "lib/index/ixquery.h"
#include "lib/index/vecfile.h"
#include "lib/json/opt.h"
#include "lib/json/record.h"
#include "tests/unit/unit.h"

static char input[64], index_path[64];

/* Write the records text to the input file. */
static void
put(const char *text)
{
	FILE *fp = fopen(input, "w");

	fputs(text, fp);
	fclose(fp);
}

/* Run a writing run of mode over the input file; returns its counts. */
static struct ix_counts
run(int mode, int build, const struct ix_prune *pr)
{
	struct ix_request rq = { 0 };
	struct buf err = BUF_INIT, warn = BUF_INIT;
	struct ix_write in;
	struct rec_reader *rd;
	struct ix_counts c;
	char *argv[] = { input };
	struct ix_prune none = { 0, 0, NULL, 0, -1, 0 };

	rq.mode = mode;
	rq.build = build;
	rq.force = 1;
	rq.want.metric = VF_COSINE;
	rq.want.efc = 200;
	rq.want.model = "";
	rq.want.store = "text,meta";
	rq.want.by = "doc_id";
	rq.want.lexical = "";
	rq.want.analyzer = "";
	rq.exact = 1;
	rq.id_field = "id";
	rq.jobs = 1;
	CHECK(ix_write_open(&in, index_path, &rq, &err) == ETV_OK);
	rd = rec_open(opt_reader(), 1, argv);
	none.nread = ix_write_read(&in, rd);
	rec_close(rd);
	if (pr)
		none = *pr;
	CHECK(ix_write_finish(&in, &none, &warn, &err) == ETV_OK);
	CHECK(ix_write_commit(&in, index_path, 1, &warn, &err) == 0);
	c = in.count;
	ix_write_release(&in);
	buf_release(&err);
	buf_release(&warn);
	return c;
}

static const char records[] =
    "{\"id\":\"a#0\",\"doc_id\":\"a\",\"text\":\"x\",\"meta\":{\"lang\":\"fr\"},"
    "\"embedding\":[1,0]}\n"
    "{\"id\":\"a#1\",\"doc_id\":\"a\",\"text\":\"y\",\"meta\":{\"lang\":\"en\"},"
    "\"embedding\":[0,1]}\n"
    "{\"id\":\"b#0\",\"doc_id\":\"b\",\"text\":\"z\",\"meta\":{\"lang\":\"fr\"},"
    "\"embedding\":[1,1]}\n"
    "{\"id\":\"c#0\",\"text\":\"w\",\"meta\":{\"lang\":\"de\"},"
    "\"embedding\":[-1,0]}\n";

/* Searches: filters bound to the index, and the hits they let through. */
static void
test_query(void)
{
	struct buf err = BUF_INIT, warn = BUF_INIT, b = BUF_INIT;
	struct ixq_filters *f;
	struct vf_search *vs;
	struct vf_index *ix;
	struct vf_hit h[4];
	const float q[2] = { 1, 0 };
	size_t n;

	CHECK((ix = ix_open(index_path, 0, 1, &err)) != NULL);
	if (ix == NULL)
		return;
	CHECK(vf_nlive(ix) == 4 && vf_meta(ix)->dims == 2);

	f = ixq_filters_new();
	CHECK(ixq_filters_add(f, "meta.lang=fr", &err) == 0);
	CHECK(ixq_filters_add(f, "nothing", &err) == -1 &&
	    strstr(err.data, "needs FIELD=VALUE") != NULL);
	CHECK(ixq_filters_count(f) == 1);
	CHECK(ixq_filters_bind(f, ix, "id", &warn, &err) == 0);
	CHECK(warn.len == 0);
	ixq_filters_free(f);

	/* A path that is not stored, one no row has, a value unlike. */
	f = ixq_filters_new();
	CHECK(ixq_filters_add(f, "other=1", &err) == 0);
	CHECK(ixq_filters_bind(f, ix, "id", &warn, &err) == -1 &&
	    strstr(err.data, "is not stored in the index") != NULL);
	ixq_filters_free(f);
	f = ixq_filters_new();
	CHECK(ixq_filters_add(f, "meta.langs=fr", &err) == 0);
	CHECK(ixq_filters_bind(f, ix, "id", &warn, &err) == -1 &&
	    strstr(err.data, "nearest stored names are: lang") != NULL);
	ixq_filters_free(f);
	f = ixq_filters_new();
	CHECK(ixq_filters_add(f, "meta.lang=3", &err) == 0);
	CHECK(ixq_filters_bind(f, ix, "id", &warn, &err) == 0 &&
	    strstr(warn.data, "the index holds string values") != NULL);
	ixq_filters_free(f);

	/* The hits encoder: id, score, group, stored fields. */
	vs = vf_search_new();
	n = vf_query(vs, ix, q, 1, 8, 1, NULL, NULL, h);
	CHECK(n == 1);
	CHECK(ixq_hits_json(&b, ix, h, n) == 0);
	CHECK(strcmp(b.data, "[{\"id\":\"a#0\",\"score\":1,\"doc_id\":\"a\","
	    "\"text\":\"x\",\"meta\":{\"lang\":\"fr\"}}]") == 0);
	CHECK(ixq_recall(ix, 2, 8, 4, &n) == 1.0 && n == 4);
	vf_search_free(vs);
	vf_close(ix);
	buf_release(&err);
	buf_release(&warn);
	buf_release(&b);
}

int
main(int argc, char *argv[])
{
	char dir[] = "/tmp/etv-index-ops-XXXXXX", lock[80];
	struct ix_prune pr = { 1, 1, NULL, 0, 100.0, 0 };
	struct ix_counts c;
	struct buf b = BUF_INIT, err = BUF_INIT;
	struct vf_index *ix;
	const char *g;
	size_t n;

	(void)argc;
	diag_init(argv[0]);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(input, sizeof(input), "%s/in.jsonl", dir);
	snprintf(index_path, sizeof(index_path), "%s/x.etv", dir);

	/* The group of a row: its field, else the id before its last '#'. */
	g = ix_group_of("d#1#2", 5, "", 0, &n);
	CHECK_MEM(g, n, "d#1");
	g = ix_group_of("d#1", 3, "doc", 3, &n);
	CHECK_MEM(g, n, "doc");
	g = ix_group_of("plain", 5, "", 0, &n);
	CHECK_MEM(g, n, "plain");
	CHECK(ix_in_list("text,meta", "meta", 4));
	CHECK(!ix_in_list("text,meta", "met", 3));
	CHECK(ix_list_ok("a,b") && !ix_list_ok("a,,b") && !ix_list_ok(",a") &&
	    !ix_list_ok("a,"));

	/* build, then add the same records: nothing changes. */
	put(records);
	c = run(IX_UPSERT, 1, NULL);
	CHECK(c.added == 4 && c.replaced == 0 && c.unchanged == 0);
	c = run(IX_UPSERT, 0, NULL);
	CHECK(c.added == 0 && c.unchanged == 4);
	test_query();

	/*
	 * sync --prune with one record of a: a#1 goes (its group was read),
	 * and so do the groups b and c#0 (not read; 100% allowed).
	 */
	put("{\"id\":\"a#0\",\"doc_id\":\"a\",\"text\":\"x2\","
	    "\"meta\":{\"lang\":\"fr\"},\"embedding\":[1,0]}\n");
	c = run(IX_SYNC, 0, &pr);
	CHECK(c.replaced == 1 && c.deleted == 3);
	CHECK((ix = ix_open(index_path, 0, 1, &err)) != NULL);
	if (ix) {
		CHECK(ixd_docs(&b, ix, &err) == 0);
		CHECK(strcmp(b.data, "{\"doc_id\":\"a\",\"chunks\":1}\n") == 0);
		vf_close(ix);
	}

	/* A guard that refuses: no record read. */
	put("");
	pr.nread = 0;
	{
		struct ix_request rq = { IX_SYNC, 0, 0, { 0 }, 0, NULL, "id",
		    1, 1 };
		struct ix_write in;
		struct buf warn = BUF_INIT;

		rq.want.model = rq.want.store = rq.want.by = "";
		rq.want.lexical = rq.want.analyzer = "";
		CHECK(ix_write_open(&in, index_path, &rq, &err) == ETV_OK);
		buf_reset(&err);
		CHECK(ix_write_finish(&in, &pr, &warn, &err) == ETV_REJECT);
		CHECK(strncmp(err.data, "read no records: nothing pruned",
		    31) == 0);
		ix_write_release(&in);
		buf_release(&warn);
	}

	buf_release(&b);
	buf_release(&err);
	unlink(input);
	unlink(index_path);
	snprintf(lock, sizeof(lock), "%s.lock", index_path);
	unlink(lock);
	rmdir(dir);
	return unit_done("index");
}
