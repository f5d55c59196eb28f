/* vfbatch.c -- unit tests of vf_query_batch (lib/index/vecfile) */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/index/vecfile.h"
#include "tests/unit/unit.h"

/* A reproducible generator (xorshift64). */
static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed >> 33) % n;
}

/*
 * A row's vector: coarse values (many equal distances, so ties at the
 * k-th place are common), and every ninth row a copy of row 3.
 */
static void
vec_of(float *v, size_t dims, int i, int metric)
{
	uint64_t keep = seed;
	size_t j;
	float n = 0;

	if (i % 9 == 0)
		i = 3;
	seed = 0x1234567ull * (uint64_t)(i + 1);
	for (j = 0; j < dims; j++)
		v[j] = (float)rnd(5) - 2.0f + (j % 3 == 0 ?
		    (float)rnd(1000) / 997.0f : 0);
	seed = keep;
	if (metric != VF_COSINE)
		return;
	for (j = 0; j < dims; j++)
		n += v[j] * v[j];
	for (j = 0; j < dims && n > 0; j++)
		v[j] /= sqrtf(n);
}

static void
add_rows(struct vf_writer *w, size_t dims, int metric, int from, int to)
{
	char id[32];
	float *v = xcalloc(dims, sizeof(*v));
	int i;

	for (i = from; i < to; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		vec_of(v, dims, i, metric);
		vf_writer_add(w, id, strlen(id), "g", 1, "", 0, "{}", 2, "", 0,
		    v);
	}
	free(v);
}

/* The filter: ids not a multiple of three; counts its calls. */
static int
not_third(const struct vf_index *ix, uint32_t seg, uint32_t row, void *arg)
{
	const char *p;
	size_t n;

	(*(size_t *)arg)++;
	p = vf_str(ix, seg, VF_ID, row, &n);
	return p && atoi(p + 1) % 3 != 0;
}

static int
same_hit(const struct vf_hit *a, const struct vf_hit *b)
{
	return a->seg == b->seg && a->row == b->row &&
	    memcmp(&a->dist, &b->dist, sizeof(a->dist)) == 0 &&
	    memcmp(&a->score, &b->score, sizeof(a->score)) == 0;
}

/* An index of three segments with deletes and replacements. */
static void
make_index(const char *file, size_t dims, int metric)
{
	struct vf_meta m = { 0, 0, 0, 40, 42, VF_QNONE, NULL, NULL, NULL, NULL,
	    NULL, 0, 0 };
	struct buf why = BUF_INIT;
	struct vf_writer *w;
	struct vf_index *ix;
	char id[32];
	uint32_t s, r, t;
	int i;

	m.dims = (uint32_t)dims;
	m.metric = metric;
	m.model = xstrdup("m");
	m.store = xstrdup("");
	m.by = xstrdup("doc_id");
	m.lexical = xstrdup("");
	m.analyzer = xstrdup("");
	w = vf_writer_new((uint32_t)dims);
	add_rows(w, dims, metric, 0, 600);
	CHECK(vf_create(file, &m, w, 1) == VF_OK);
	vf_writer_free(w);
	for (i = 0; i < 2; i++) {
		CHECK(vf_open(&ix, file, VF_WRITE, &why) == VF_OK);
		w = vf_writer_new((uint32_t)dims);
		for (t = 5 + (uint32_t)i; t < 600; t += 7) {
			snprintf(id, sizeof(id), "r%u", t);
			if (vf_find(ix, id, strlen(id), &s, &r) == 1)
				vf_writer_tomb(w, s, r);
		}
		add_rows(w, dims, metric, 600 + 150 * i, 750 + 150 * i);
		add_rows(w, dims, metric, 10 * i, 10 * i + 5);
		CHECK(vf_append(ix, w, 1) == VF_OK);
		vf_writer_free(w);
		vf_close(ix);
	}
	vf_meta_release(&m);
	buf_release(&why);
}

static void
check_index(const char *file, size_t dims, int metric)
{
	enum { NQ = 37 };
	static const size_t ks[] = { 1, 10, 64 };
	struct buf why = BUF_INIT;
	struct vf_index *ix;
	struct vf_search *vs = vf_search_new();
	struct vf_hit *one, *many;
	const float *qp[NQ];
	float *qv;
	size_t nout[NQ], n, i, j, ki, k, calls, bad;
	int f;

	make_index(file, dims, metric);
	CHECK(vf_open(&ix, file, 0, &why) == VF_OK);
	qv = xcalloc(NQ * dims, sizeof(*qv));
	for (i = 0; i < NQ; i++) {
		vec_of(qv + i * dims, dims, (int)rnd(1000) + (i % 4 ? 1000 :
		    0), metric);
		qp[i] = qv + i * dims;
	}
	for (ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++) {
		k = ks[ki];
		one = xcalloc(k, sizeof(*one));
		many = xcalloc(NQ * k, sizeof(*many));
		for (f = 0; f < 2; f++) {
			calls = 0;
			vf_query_batch(vs, ix, qp, NQ, k, f ? not_third :
			    NULL, &calls, many, nout);
			CHECK(calls <= vf_nlive(ix));
			bad = 0;
			for (i = 0; i < NQ; i++) {
				n = vf_query(vs, ix, qp[i], k, 0, 1, f ?
				    not_third : NULL, &calls, one);
				if (n != nout[i]) {
					bad++;
					continue;
				}
				for (j = 0; j < n; j++)
					if (!same_hit(&one[j],
					    &many[i * k + j]))
						bad++;
			}
			CHECK(bad == 0);
			if (bad)
				fprintf(stderr, "dims %zu metric %d k %zu "
				    "filter %d: %zu differ\n", dims, metric,
				    k, f, bad);
			/* One at a time gives the same. */
			vf_query_batch(vs, ix, qp + 3, 1, k, NULL, NULL, one,
			    &n);
			CHECK(n == vf_query(vs, ix, qp[3], k, 0, 1, NULL,
			    NULL, many));
			for (j = 0; j < n; j++)
				CHECK(same_hit(&one[j], &many[j]));
		}
		free(one);
		free(many);
	}
	free(qv);
	vf_close(ix);
	vf_search_free(vs);
	buf_release(&why);
	unlink(file);
}

int
main(void)
{
	char path[] = "/tmp/etv-vfbatch-XXXXXX";
	char file[64];
	static const size_t dims[] = { 1, 7, 33, 128 };
	size_t i;
	int m;

	diag_init("vfbatch");
	if (mkdtemp(path) == NULL)
		return 1;
	snprintf(file, sizeof(file), "%s/x.etv", path);
	for (i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
		for (m = VF_COSINE; m <= VF_L2; m++)
			check_index(file, dims[i], m);
	rmdir(path);
	return unit_done("vfbatch");
}
