/* evmetric.c -- unit tests of lib/eval/evmetric and lib/eval/evsig */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/eval/evmetric.h"
#include "lib/eval/evsig.h"
#include "tests/unit/unit.h"

#define NEAR(a, b)	(fabs((a) - (b)) < 1e-9)

/* The value named name of the last scoring. */
static double
value(const struct evm_spec *s, const double *v, const char *name)
{
	long i = evm_find(s, name);

	if (i < 0) {
		fprintf(stderr, "no value %s\n", name);
		return -1;
	}
	return v[i];
}

static void
names(void)
{
	struct evm_spec s = { 0 };
	struct buf b = BUF_INIT, err = BUF_INIT;
	int m;
	long k;

	s.metrics = 1u << EVM_RECALL | 1u << EVM_MAP | 1u << EVM_R_PRECISION;
	CHECK(evm_add_cut(&s, 10, &err) == 0);
	CHECK(evm_add_cut(&s, 1, &err) == 0);
	CHECK(evm_add_cut(&s, 10, &err) == 0);
	CHECK(s.nk == 2 && s.k[0] == 1 && s.k[1] == 10);
	/* recall@1 recall@10 map@1 map@10 map r_precision */
	CHECK(evm_width(&s) == 6);
	evm_name(&s, 0, &b);
	CHECK(strcmp(b.data, "recall@1") == 0);
	buf_reset(&b);
	evm_name(&s, 4, &b);
	CHECK(strcmp(b.data, "map") == 0);
	buf_reset(&b);
	evm_name(&s, 5, &b);
	CHECK(strcmp(b.data, "r_precision") == 0);
	CHECK(evm_find(&s, "map@10") == 3);
	CHECK(evm_find(&s, "recall@5") == -1);
	CHECK(evm_find(&s, "ndcg@10") == -1);
	CHECK(evm_find(&s, "recall") == -1);
	CHECK(evm_parse_name("ndcg@10", &m, &k, &err) == 0 &&
	    m == EVM_NDCG && k == 10);
	CHECK(evm_parse_name("mrr", &m, &k, &err) == 0 && k == 0);
	CHECK(evm_parse_name("recall", &m, &k, &err) < 0);
	CHECK(evm_parse_name("r_precision@5", &m, &k, &err) < 0);
	CHECK(evm_parse_name("ndcg@0", &m, &k, &err) < 0);
	CHECK(evm_parse_name("ndcg@1x", &m, &k, &err) < 0);
	CHECK(evm_parse_name("bpref", &m, &k, &err) < 0);
	buf_release(&b);
	buf_release(&err);
}

/*
 * Binary judgments: relevant documents at ranks 2 and 4 of 5, and a
 * third relevant document the run missed (R = 3).  By hand:
 * AP = (1/2 + 2/4) / 3; DCG = 1/log2(3) + 1/log2(5) = 1.0616063;
 * IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.1309298.
 */
static void
binary(void)
{
	struct evm_spec s = { 0 };
	struct buf err = BUF_INIT;
	long grade[] = { 0, 1, 0, 1, 0 }, ideal[] = { 1, 1, 1 };
	double v[64], dcg3 = 1 / log2(3.0), dcg = dcg3 + 1 / log2(5.0);
	double idcg = 1 + 1 / log2(3.0) + 0.5;

	s.metrics = (1u << EVM_NMETRIC) - 1;
	s.min_rel = 1;
	evm_add_cut(&s, 1, &err);
	evm_add_cut(&s, 3, &err);
	evm_add_cut(&s, 5, &err);
	evm_add_cut(&s, 10, &err);
	CHECK(evm_width(&s) < 64);
	evm_score(&s, grade, 5, ideal, 3, v);
	CHECK(NEAR(value(&s, v, "recall@1"), 0));
	CHECK(NEAR(value(&s, v, "recall@3"), 1.0 / 3));
	CHECK(NEAR(value(&s, v, "recall@5"), 2.0 / 3));
	CHECK(NEAR(value(&s, v, "recall@10"), 2.0 / 3));
	CHECK(NEAR(value(&s, v, "precision@3"), 1.0 / 3));
	CHECK(NEAR(value(&s, v, "precision@5"), 2.0 / 5));
	/* Past the end of the ranking, precision still divides by k. */
	CHECK(NEAR(value(&s, v, "precision@10"), 2.0 / 10));
	CHECK(NEAR(value(&s, v, "hit_rate@1"), 0));
	CHECK(NEAR(value(&s, v, "hit_rate@3"), 1));
	CHECK(NEAR(value(&s, v, "mrr@1"), 0));
	CHECK(NEAR(value(&s, v, "mrr@3"), 0.5));
	CHECK(NEAR(value(&s, v, "mrr"), 0.5));
	CHECK(NEAR(value(&s, v, "map@1"), 0));
	/* map_cut divides by R, not by min(k, R). */
	CHECK(NEAR(value(&s, v, "map@3"), 0.5 / 3));
	CHECK(NEAR(value(&s, v, "map"), 1.0 / 3));
	CHECK(NEAR(value(&s, v, "ndcg@1"), 0));
	CHECK(NEAR(value(&s, v, "ndcg@3"), dcg3 / idcg));
	CHECK(NEAR(value(&s, v, "ndcg@5"), dcg / idcg));
	CHECK(NEAR(value(&s, v, "ndcg"), dcg / idcg));
	CHECK(fabs(value(&s, v, "ndcg") - 0.4981893) < 1e-7);
	CHECK(NEAR(value(&s, v, "r_precision"), 1.0 / 3));
	buf_release(&err);
}

/*
 * Grades 2, 0, 3 ranked, judged 3, 2, 1.  Linear gain (trec_eval):
 * DCG = 2 + 3/2 = 3.5, IDCG = 3 + 2/log2(3) + 1/2; exp gain:
 * DCG = 3 + 7/2, IDCG = 7 + 3/log2(3) + 1/2.  With grade 2 the lowest
 * relevant, R = 2 and both are found; nDCG still gains from grade 1.
 */
static void
graded(void)
{
	struct evm_spec s = { 0 };
	struct buf err = BUF_INIT;
	long grade[] = { 2, 0, 3 }, ideal[] = { 3, 2, 1 };
	double v[64];

	s.metrics = 1u << EVM_NDCG | 1u << EVM_RECALL | 1u << EVM_R_PRECISION;
	s.min_rel = 1;
	evm_add_cut(&s, 1, &err);
	evm_add_cut(&s, 3, &err);
	evm_score(&s, grade, 3, ideal, 3, v);
	CHECK(NEAR(value(&s, v, "ndcg"), 3.5 / (3.5 + 2 / log2(3.0))));
	CHECK(fabs(value(&s, v, "ndcg") - 0.7350070) < 1e-7);
	CHECK(NEAR(value(&s, v, "ndcg@1"), 2.0 / 3));
	CHECK(NEAR(value(&s, v, "recall@3"), 2.0 / 3));
	CHECK(NEAR(value(&s, v, "r_precision"), 2.0 / 3));
	s.exp_gain = 1;
	evm_score(&s, grade, 3, ideal, 3, v);
	CHECK(NEAR(value(&s, v, "ndcg"), 6.5 / (7.5 + 3 / log2(3.0))));
	CHECK(NEAR(value(&s, v, "ndcg@1"), 3.0 / 7));
	s.exp_gain = 0;
	s.min_rel = 2;
	evm_score(&s, grade, 3, ideal, 3, v);
	CHECK(NEAR(value(&s, v, "recall@1"), 0.5));
	CHECK(NEAR(value(&s, v, "recall@3"), 1));
	CHECK(NEAR(value(&s, v, "r_precision"), 0.5));
	CHECK(fabs(value(&s, v, "ndcg") - 0.7350070) < 1e-7);
	buf_release(&err);
}

/* Nothing relevant, nothing found: every value is 0, none NaN. */
static void
empty(void)
{
	struct evm_spec s = { 0 };
	struct buf err = BUF_INIT;
	long grade[] = { 0, 0 }, ideal[] = { 0, -1 }, one[] = { 1 };
	double v[64];
	size_t i;

	s.metrics = (1u << EVM_NMETRIC) - 1;
	s.min_rel = 1;
	evm_add_cut(&s, 1, &err);
	evm_add_cut(&s, 5, &err);
	evm_score(&s, grade, 2, ideal, 2, v);
	for (i = 0; i < evm_width(&s); i++)
		CHECK(v[i] == 0);
	evm_score(&s, NULL, 0, one, 1, v);
	for (i = 0; i < evm_width(&s); i++)
		CHECK(v[i] == 0);
	buf_release(&err);
}

static void
significance(void)
{
	double a[10] = { 0 }, b[10], c[4] = { 1, 0, 1, 0 }, d[4] = { 0, 1, 0,
	    1 };
	struct evsig_result r, r2, two[2];
	size_t i;

	for (i = 0; i < 10; i++)
		b[i] = 1;
	/* Ten queries all better: only 2 of the 1024 sign patterns are as
	 * extreme, so p is about 0.002; every bootstrap mean is 1. */
	evsig_test(a, b, 10, 1, 10000, 42, 0.95, &r);
	CHECK(NEAR(r.diff, 1));
	CHECK(r.p_random > 0.0005 && r.p_random < 0.005);
	CHECK(NEAR(r.p_boot, 1.0 / 10001));
	CHECK(NEAR(r.lo, 1) && NEAR(r.hi, 1));
	evsig_test(a, b, 10, 1, 10000, 42, 0.95, &r2);
	CHECK(memcmp(&r, &r2, sizeof(r)) == 0);
	/* As many better as worse: no difference at all. */
	evsig_test(c, d, 4, 1, 1000, 1, 0.95, &r);
	CHECK(NEAR(r.diff, 0) && NEAR(r.p_random, 1) && NEAR(r.p_boot, 1));
	CHECK(r.lo < 0 && r.hi > 0);
	/* The same run twice, or no query: p is 1. */
	evsig_test(a, a, 10, 1, 1000, 1, 0.95, &r);
	CHECK(r.diff == 0 && r.p_random == 1 && r.p_boot == 1);
	evsig_test(a, b, 0, 1, 1000, 1, 0.95, &r);
	CHECK(r.diff == 0 && r.p_random == 1);
	/* Two metrics of two queries, row by row. */
	evsig_test(c, d, 2, 2, 1000, 1, 0.95, two);
	CHECK(NEAR(two[0].diff, -1) && NEAR(two[1].diff, 1));
	CHECK(NEAR(two[0].lo, -1) && NEAR(two[1].hi, 1));
}

int
main(void)
{
	names();
	binary();
	graded();
	empty();
	significance();
	return unit_done("evmetric");
}
