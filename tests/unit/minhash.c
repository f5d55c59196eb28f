/* minhash.c -- unit tests of lib/dedupe: MinHash, LSH, links, clusters */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/dedupe/dedupe.h"
#include "lib/dedupe/forest.h"
#include "lib/dedupe/lsh.h"
#include "lib/dedupe/minhash.h"
#include "tests/unit/unit.h"

static uint64_t rng = 11;

static uint64_t
rnd64(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return rng ^ (rng >> 29);
}

/* The datasketch choices at 128 permutations. */
static void
test_optimal(void)
{
	static const struct { double t; unsigned b, r; } want[] = {
		{ 0.5, 25, 5 }, { 0.7, 14, 9 }, { 0.8, 9, 13 }, { 0.9, 5, 25 }
	};
	unsigned b, r, i;

	for (i = 0; i < 4; i++) {
		mh_optimal(want[i].t, 128, 0.5, 128, &b, &r);
		CHECK(b == want[i].b && r == want[i].r);
	}
	/* etv's weights and cap. */
	mh_optimal(0.8, 128, MH_FP_WEIGHT, MH_MAX_BANDS, &b, &r);
	CHECK(b == 9 && r == 9);
	mh_optimal(0.9, 128, MH_FP_WEIGHT, MH_MAX_BANDS, &b, &r);
	CHECK(b == 7 && r == 18);
}

static void
test_normalize(void)
{
	struct buf b = BUF_INIT;

	mh_normalize(MH_NORM_BASIC, "  Hello\tWORLD \xef\xac\x81ne \n", 21,
	    &b);
	CHECK_MEM(b.data, b.len, "hello world fine");
	mh_normalize(MH_NORM_AGGRESSIVE, "It's 42 nice, isn't it?", 23, &b);
	CHECK_MEM(b.data, b.len, "its nice isnt it");
	mh_normalize(MH_NORM_NONE, " A  b ", 6, &b);
	CHECK_MEM(b.data, b.len, " A  b ");
	mh_normalize(MH_NORM_BASIC, "", 0, &b);
	CHECK(b.len == 0);
	buf_release(&b);
}

static void
test_shingles(void)
{
	const char *zh = "\xe6\x88\x91\xe4\xbb\xac\xe7\x9a\x84\xe7\xb3\xbb"
	    "\xe7\xbb\x9f abc";
	uint64_t *sh = NULL;
	size_t cap = 0, n;

	CHECK(mh_unspaced(zh, strlen(zh)));
	CHECK(!mh_unspaced("hello world", 11));
	n = mh_shingles("a b c", 5, 5, 0, &sh, &cap);
	CHECK(n == 1);
	n = mh_shingles("a b c d e f", 11, 5, 0, &sh, &cap);
	CHECK(n == 2);
	CHECK(mh_shingles("", 0, 5, 0, &sh, &cap) == 0);
	CHECK(mh_shingles("abcdef", 6, 3, 1, &sh, &cap) == 4);
	/* Code points, not bytes: five Han characters and " abc". */
	CHECK(mh_shingles(zh, strlen(zh), 3, 1, &sh, &cap) == 7);
	/* The same words with other spaces give the same shingles. */
	n = mh_shingles("x  y", 4, 2, 0, &sh, &cap);
	CHECK(n == 1);
	free(sh);
}

/* Signatures of sets with a known Jaccard similarity. */
static void
test_estimate(void)
{
	struct mh_params p = { MH_NORM_BASIC, MH_SHINGLE_WORDS, 5, 1024, 0, 0,
	    1 };
	uint64_t a[1000], b[1000];
	uint32_t sa[1024], sb[1024], set[1000];
	uint8_t ca[512], cb[512];
	struct minhash *m;
	double j;
	int i;

	for (i = 0; i < 1000; i++)
		a[i] = b[i] = rnd64();
	for (i = 800; i < 1000; i++)
		b[i] = rnd64();		/* J = 800 / 1200 */
	m = mh_new(&p);
	mh_signature(m, a, 1000, sa);
	mh_signature(m, a, 1000, sb);
	CHECK(memcmp(sa, sb, sizeof(sa)) == 0);
	mh_signature(m, b, 1000, sb);
	mh_compact(sa, 1024, ca);
	mh_compact(sb, 1024, cb);
	j = mh_estimate(mh_matches(ca, cb, 1024), 1024);
	CHECK(fabs(j - 2.0 / 3) < 0.05);
	CHECK(mh_estimate(mh_matches(ca, ca, 1024), 1024) == 1);
	CHECK(mh_estimate(64, 1024) == 0);
	/* The exact Jaccard of the sets. */
	CHECK(mh_set32(a, 1000, set) == 1000);
	for (i = 1; i < 1000; i++)
		if (set[i - 1] >= set[i])
			break;
	CHECK(i == 1000);
	a[5] = a[6];			/* a repeated shingle counts once */
	CHECK(mh_set32(a, 40, set) == 39);
	CHECK(mh_jaccard(set, 0, set, 0) == 1);
	mh_free(m);
}

static void
test_lsh(void)
{
	struct lsh *l = lsh_new(3);
	uint32_t k1[3] = { 1, 2, 3 }, k2[3] = { 1, 9, 3 }, k3[3] = { 7, 8, 9 };
	uint32_t owner[3], i;

	lsh_owners(l, k1, owner);
	CHECK(owner[0] == LSH_NONE && owner[2] == LSH_NONE);
	CHECK(lsh_claim(l, k1, owner, 0) == 3);
	/* The first record of a key keeps it; a later one takes the rest. */
	lsh_owners(l, k2, owner);
	CHECK(owner[0] == 0 && owner[1] == LSH_NONE && owner[2] == 0);
	CHECK(lsh_claim(l, k2, owner, 1) == 1);
	for (i = 0; i < 5000; i++) {	/* grow the tables */
		k3[0] = k3[1] = k3[2] = 100 + i;
		lsh_owners(l, k3, owner);
		lsh_claim(l, k3, owner, 2 + i);
	}
	lsh_owners(l, k2, owner);
	CHECK(owner[0] == 0 && owner[1] == 1 && owner[2] == 0);
	CHECK(lsh_bytes(l) <= 3 * 5002 * 8 * 10 / 7 + 3 * 8 * 64);
	lsh_free(l);
}

static void
test_forest(void)
{
	struct forest *f = forest_new(KEEP_FIRST);
	const char *id;
	size_t n;

	forest_add(f, FOREST_NONE, 0, 0);	/* 0 */
	forest_add(f, 0, 0.9f, 0);		/* 1 */
	forest_add(f, 1, 0.8f, 0);		/* 2: a chain */
	forest_add(f, FOREST_NONE, 0, 0);	/* 3 */
	CHECK(forest_survivor(f, 2) == 0 && forest_survivor(f, 3) == 3);
	CHECK(forest_score(f, 2) == 0.8f && forest_score(f, 1) == 0.9f);
	CHECK(forest_score(f, 0) == 1);
	CHECK(forest_clusters(f) == 1);
	forest_set_id(f, 0, "\"a\"", 3);
	id = forest_id(f, 0, &n);
	CHECK_MEM(id, n, "\"a\"");
	forest_free(f);

	/* The largest value survives; the path to it is scored. */
	f = forest_new(KEEP_VALUE);
	forest_add(f, FOREST_NONE, 0, 0);
	forest_add(f, 0, 0.9f, 0);
	forest_add(f, 0, 0.7f, 0);
	forest_set_number(f, 0, 1);
	forest_set_number(f, 1, 5);
	forest_set_string(f, 2, "x", 1);	/* strings above numbers */
	forest_decide(f);
	CHECK(forest_survivor(f, 0) == 2 && forest_survivor(f, 1) == 2);
	CHECK(forest_score(f, 1) == 0.7f);
	forest_free(f);

	/* A cluster with a record of a prior run keeps that one. */
	f = forest_new(KEEP_VALUE);
	forest_add(f, FOREST_NONE, 0, 1);
	forest_add(f, 0, 0.9f, 0);
	forest_set_number(f, 1, 5);
	forest_decide(f);
	CHECK(forest_survivor(f, 1) == 0 && forest_prior(f, 0));
	forest_free(f);
}

/* dd_add: the best earlier record, ties to the earliest, copies once. */
static void
test_link(void)
{
	struct dd_config c = { DD_EXACT, { MH_NORM_BASIC, MH_SHINGLE_AUTO, 5,
	    128, 0, 0, 1 }, 0.8, 0 };
	struct dd_work w = DD_WORK_INIT;
	struct buf s = BUF_INIT;
	struct dd *d = dd_new(&c);
	const char *t[] = { "one text", "One  TEXT", "other", "one text" };
	uint32_t link[4];
	float score;
	int i;

	for (i = 0; i < 4; i++) {
		buf_reset(&s);
		dd_sketch(d, &w, t[i], strlen(t[i]), &s);
		link[i] = dd_add(d, s.data, s.len, &score);
	}
	CHECK(link[0] == UINT32_MAX && link[1] == 0 && link[2] == UINT32_MAX &&
	    link[3] == 0);
	dd_free(d);

	/* MinHash: a near copy links, an unrelated text does not. */
	c.method = DD_MINHASH;
	c.mh.ngram = 2;
	mh_optimal(0.5, 128, 0.5, 128, &c.mh.bands, &c.mh.rows);
	c.threshold = 0.5;
	d = dd_new(&c);
	t[0] = "the quick brown fox jumps over the lazy dog again and again";
	t[1] = "the quick brown fox jumps over the lazy cat again and again";
	t[2] = "completely different words are written in this sentence";
	for (i = 0; i < 3; i++) {
		buf_reset(&s);
		dd_sketch(d, &w, t[i], strlen(t[i]), &s);
		CHECK(dd_sketch_ok(d, s.data, s.len));
		link[i] = dd_add(d, s.data, s.len, &score);
	}
	CHECK(link[1] == 0 && link[2] == UINT32_MAX);
	dd_free(d);
	dd_work_release(&w);
	buf_release(&s);
}

int
main(void)
{
	test_optimal();
	test_normalize();
	test_shingles();
	test_estimate();
	test_lsh();
	test_forest();
	test_link();
	return unit_done("minhash");
}
