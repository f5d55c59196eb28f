/* ixverb.c -- the verbs of etv-index over the record path */
/* SPDX-License-Identifier: MIT */

#include <string.h>

#include "lib/base/diag.h"
#include "lib/index/ixlex.h"
#include "lib/index/ixverb.h"
#include "lib/index/vecfile.h"
#include "lib/json/pool.h"
#include "lib/json/runstats.h"

/* Write each line of b as a message: a warning, or an error of status. */
static void
say_lines(struct buf *b, int status)
{
	char *p, *nl;

	for (p = b->data; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if (status != ETV_OK || !diag_quiet)
			diag_at(status, NULL, 0, "%.*s", (int)(nl - p), p);
	buf_reset(b);
}

void
ixv_stats(const char *path)
{
	struct buf err = BUF_INIT;
	struct vf_index *ix;

	if (!runstats_on())
		return;
	if ((ix = ix_open(path, 0, 0, &err)) != NULL) {
		runstats_set_int("live", (long long)vf_nlive(ix));
		runstats_set_int("segments", (long long)vf_nseg(ix));
		vf_close(ix);
	}
	buf_release(&err);
}

int
ixv_write(const char *path, const struct rec_config *cfg, int argc,
    char **argv, struct ix_request *rq, struct ix_prune *prune,
    struct buf *err)
{
	struct buf warn = BUF_INIT;
	struct rec_reader *rd;
	struct ix_write in;
	int st;

	if ((st = ix_write_open(&in, path, rq, err)) != ETV_OK)
		goto out;
	rd = rec_open(cfg, argc, argv);
	prune->nread = ix_write_read(&in, rd);
	rec_close(rd);
	st = ix_write_finish(&in, prune, &warn, err);
	say_lines(&warn, ETV_OK);
	say_lines(err, st);
	/*
	 * A malformed record without --rejects has ended the run already,
	 * before anything was written; an input that could not be read
	 * stops it here.
	 */
	st = diag_worst() < ETV_SYS && !(rq->mode == IX_DELETE &&
	    in.create) && ix_write_commit(&in, path, rq->jobs, &warn,
	    err) == -1 ? ETV_SYS : ETV_OK;
	say_lines(&warn, ETV_OK);
	diag_verbose(1, "added %lu, replaced %lu, unchanged %lu, deleted %lu"
	    ", not found %lu", in.count.added, in.count.replaced,
	    in.count.unchanged, in.count.deleted, in.count.absent);
	runstats_set_int("added", (long long)in.count.added);
	runstats_set_int("replaced", (long long)in.count.replaced);
	runstats_set_int("unchanged", (long long)in.count.unchanged);
	runstats_set_int("deleted", (long long)in.count.deleted);
	runstats_set_int("not_found", (long long)in.count.absent);
	if (st == ETV_OK)
		ixv_stats(path);
out:
	ix_write_release(&in);
	buf_release(&warn);
	return st;
}

/*
 * Whether ix can be searched in mode: lexical and hybrid need a lexical
 * index, vector and hybrid vectors.  Returns 0, or -1 with err set.
 */
static int
query_mode_ok(const struct vf_index *ix, int mode, struct buf *err)
{
	const struct vf_meta *m = vf_meta(ix);

	if ((mode == IXQ_LEXICAL || mode == IXQ_HYBRID) && !*m->lexical)
		return buf_fail(err, "'%s' has no lexical index (build it "
		    "with --lexical FIELD)", vf_path(ix));
	if ((mode == IXQ_VECTOR || mode == IXQ_HYBRID) && m->dims == 0 &&
	    vf_nrows(ix) > 0)
		return buf_fail(err, "'%s' is lexical only: it holds no "
		    "embeddings", vf_path(ix));
	return 0;
}

int
ixv_query(const char *path, const struct rec_config *cfg, int argc,
    char **argv, struct ixq_filters *filters, const struct ixq_opts *opts,
    const char *id_field, struct buf *err)
{
	struct buf warn = BUF_INIT;
	struct rec_reader *rd;
	struct vf_index *ix;
	struct ixlex *lx = NULL;
	struct ixq_opts o;
	struct ixq *q;
	int r = 0;

	if ((ix = ix_open(path, 0, 0, err)) == NULL)
		return ETV_SYS;
	if (ixq_filters_count(filters) > 0)
		r = ixq_filters_bind(filters, ix, id_field, &warn, err);
	say_lines(&warn, ETV_OK);
	buf_release(&warn);
	if (r == -1)
		diag_usage("%s", err->data);
	if (query_mode_ok(ix, opts->mode, err) == -1) {
		vf_close(ix);
		diag_usage("%s", err->data);
	}
	if (*vf_meta(ix)->lexical && (lx = ixlex_open(ix, err)) == NULL) {
		vf_close(ix);
		return ETV_SYS;
	}
	/* An index without graphs is searched by scans: exact. */
	o = *opts;
	o.exact |= vf_meta(ix)->M == 0;
	q = ixq_new(ix, filters, &o);
	if (lx != NULL)
		ixq_set_lexical(q, lx);
	rd = rec_open(cfg, argc, argv);
	/* Exact search reads every vector: once for a batch of queries. */
	if (o.exact)
		pool_run_batch(rd, opts->jobs, IXQ_BATCH, ixq_batch, q);
	else
		pool_run(rd, opts->jobs, ixq_item, q);
	rec_close(rd);
	ixq_free(q);
	ixlex_free(lx);
	vf_close(ix);
	return 0;
}

int
ixv_rewrite(const char *out, int n, char **names, int jobs,
    struct buf *err)
{
	unsigned long rows;
	int st;

	if ((st = ix_rewrite(out, names, n, jobs, &rows, err)) == 0) {
		diag_verbose(1, "wrote %lu rows", rows);
		runstats_set_int("rows", (long long)rows);
		ixv_stats(out);
	}
	return st;
}
