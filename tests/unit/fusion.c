/* fusion.c -- unit tests of lib/index/fusion: RRF, relative, DBSF */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/index/fusion.h"
#include "tests/unit/unit.h"

/* Rows a, b, c, d are rows 0, 1, 2, 3 of segment 0. */
static const struct vf_hit va[] = {
	{ 0.9f, 0, 0, 0 }, { 0.5f, 0, 0, 1 }, { 0.1f, 0, 0, 2 }
};
static const struct vf_hit vb[] = { { 10, 0, 0, 1 }, { 5, 0, 0, 3 } };

/* Fuse va (vector) and vb (BM25) with o; the rows in order and scores. */
static size_t
fuse(const struct fu_opts *o, const int up[], struct fu_hit *out)
{
	const struct vf_hit *h[FU_NLIST] = { va, vb };
	size_t n[FU_NLIST] = { 3, 2 };

	return fu_fuse(o, h, n, up, 10, out);
}

#define NEAR(a, b)	(fabs((a) - (b)) < 1e-6)

static void
test_methods(void)
{
	struct fu_opts o = { FU_RRF, 60, { 1, 1 } };
	const int up[FU_NLIST] = { 1, 1 };
	struct fu_hit f[5];
	double sd;

	/* RRF: b 1/62 + 1/61, a 1/61, d 1/62, c 1/63. */
	CHECK(fuse(&o, up, f) == 4);
	CHECK(f[0].row == 1 && f[1].row == 0 && f[2].row == 3 &&
	    f[3].row == 2);
	CHECK(NEAR(f[0].score, 1.0 / 62 + 1.0 / 61));
	CHECK(f[0].rank[FU_VECTOR] == 2 && f[0].rank[FU_BM25] == 1);
	CHECK(f[0].raw[FU_BM25] == 10 && f[2].rank[FU_VECTOR] == 0);
	/* Weights scale each list. */
	o.w[FU_BM25] = 0.5;
	CHECK(fuse(&o, up, f) == 4 && NEAR(f[0].score, 1.0 / 62 + 0.5 / 61));
	o.w[FU_BM25] = 1;

	/* Relative: a 1, b 0.5 + 1, c 0, d 0; the tie at 0 goes to d (its
	 * rank 2 beats c's 3). */
	o.method = FU_RELATIVE;
	CHECK(fuse(&o, up, f) == 4);
	CHECK(f[0].row == 1 && NEAR(f[0].score, 1.5));
	CHECK(f[1].row == 0 && NEAR(f[1].score, 1));
	CHECK(f[2].row == 3 && f[3].row == 2 && f[2].score == 0);

	/* DBSF: mean +- 3 population sd to [0, 1]. */
	o.method = FU_DBSF;
	sd = sqrt((0.4 * 0.4 * 2) / 3);
	CHECK(fuse(&o, up, f) == 4);
	CHECK(f[0].row == 1 && NEAR(f[0].score, 0.5 + 10.0 / 15));
	CHECK(f[1].row == 0 &&
	    NEAR(f[1].score, (0.9 - (0.5 - 3 * sd)) / (6 * sd)));
	CHECK(f[2].row == 3 && NEAR(f[2].score, 5.0 / 15));

	/* Distances (l2): smaller is better, so c leads the vector list. */
	o.method = FU_RELATIVE;
	{
		const int down[FU_NLIST] = { 0, 1 };

		CHECK(fuse(&o, down, f) == 4);
		CHECK(f[0].row == 1 && NEAR(f[0].score, 1.5));
		CHECK(f[1].row == 2 && NEAR(f[1].score, 1));
	}
}

static void
test_parse(void)
{
	struct fu_opts o = { FU_RRF, 60, { 1, 1 } };
	struct buf err = BUF_INIT;

	CHECK(fu_parse(&o, "rrf:10", &err) == 0 && o.rrf_k == 10);
	CHECK(fu_parse(&o, "dbsf", &err) == 0 && o.method == FU_DBSF);
	CHECK(fu_parse(&o, "rrf:0", &err) == -1);
	CHECK(fu_parse(&o, "rrf:x", &err) == -1);
	CHECK(fu_parse(&o, "max", &err) == -1);
	CHECK(fu_parse_weights(&o, "0.3,1", &err) == 0 &&
	    o.w[FU_VECTOR] == 0.3 && o.w[FU_BM25] == 1);
	CHECK(fu_parse_weights(&o, "0,0", &err) == -1);
	CHECK(fu_parse_weights(&o, "1", &err) == -1);
	CHECK(fu_parse_weights(&o, "1,-1", &err) == -1);
	CHECK(fu_parse_weights(&o, "1,2x", &err) == -1);
	buf_release(&err);
}

int
main(void)
{
	test_methods();
	test_parse();
	return unit_done("fusion");
}
