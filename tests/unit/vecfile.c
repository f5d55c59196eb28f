/* vecfile.c -- unit tests of lib/index/vecfile (the index file format) */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/diag.h"
#include "lib/index/vecfile.h"
#include "lib/base/xmem.h"

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", \
	__FILE__, __LINE__, #c); failures++; } } while (0)

#define DIMS	8

static void
vec_of(float *v, int i)
{
	int j;

	for (j = 0; j < DIMS; j++)
		v[j] = (float)((i * 7 + j * 3) % 11) - 5.0f + (float)i / 100;
}

static void
add_rows(struct vf_writer *w, int from, int to, const char *tag)
{
	char id[32], fields[64];
	float v[DIMS];
	int i;

	for (i = from; i < to; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		snprintf(fields, sizeof(fields), "{\"tag\":\"%s\"}", tag);
		vec_of(v, i);
		vf_writer_add(w, id, strlen(id), "g", 1, tag, strlen(tag),
		    fields, strlen(fields), "", 0, v);
	}
}

static int
is_odd(const struct vf_index *ix, uint32_t seg, uint32_t row, void *arg)
{
	const char *p;
	size_t n;

	(void)arg;
	p = vf_str(ix, seg, VF_ID, row, &n);
	return p && (p[n - 1] - '0') % 2 == 1;
}

int
main(void)
{
	char path[] = "/tmp/etv-vecfile-XXXXXX";
	char file[64];
	struct vf_meta m = { DIMS, VF_L2, 8, 40, 42, VF_QNONE, NULL, NULL, NULL,
	    NULL, NULL, 0, 0 };
	struct vf_index *ix;
	struct vf_writer *w;
	struct vf_search *vs;
	struct vf_hit h[8];
	struct buf why = BUF_INIT;
	const char *p;
	float q[DIMS];
	uint32_t s, r;
	size_t n, len;
	FILE *fp;
	long size;
	int c;

	diag_init("vecfile");
	if (mkdtemp(path) == NULL)
		return 1;
	snprintf(file, sizeof(file), "%s/x.etv", path);
	m.model = xstrdup("m1");
	m.store = xstrdup("tag");
	m.by = xstrdup("doc_id");
	m.lexical = xstrdup("");
	m.analyzer = xstrdup("");

	/* Create: one segment of 100 rows. */
	w = vf_writer_new(DIMS);
	add_rows(w, 0, 100, "a");
	CHECK(vf_writer_rows(w) == 100);
	CHECK(vf_writer_has(w, "r5", 2) && !vf_writer_has(w, "r500", 4));
	CHECK(vf_create(file, &m, w, 1) == VF_OK);
	vf_writer_free(w);
	CHECK(vf_open(&ix, file, 0, &why) == VF_OK);
	CHECK(vf_nseg(ix) == 1 && vf_nlive(ix) == 100);
	CHECK(vf_meta(ix)->dims == DIMS);
	CHECK(strcmp(vf_meta(ix)->model, "m1") == 0);
	CHECK(strcmp(vf_meta(ix)->store, "tag") == 0);
	CHECK(vf_verify(ix, &why) == VF_OK);
	CHECK(vf_find(ix, "r42", 3, &s, &r) == 1 && s == 0);
	p = vf_str(ix, s, VF_ID, r, &len);
	CHECK(p && len == 3 && memcmp(p, "r42", 3) == 0);
	CHECK(vf_find(ix, "r420", 4, &s, &r) == 0);

	/* The nearest row to a row's own vector is that row. */
	vs = vf_search_new();
	vec_of(q, 42);
	n = vf_query(vs, ix, q, 3, 32, 0, NULL, NULL, h);
	CHECK(n == 3);
	p = vf_str(ix, h[0].seg, VF_ID, h[0].row, &len);
	CHECK(p && len == 3 && memcmp(p, "r42", 3) == 0 && h[0].score == 0);
	n = vf_query(vs, ix, q, 8, 32, 0, is_odd, NULL, h);
	CHECK(n == 8);
	for (c = 0; c < (int)n; c++)
		CHECK(is_odd(ix, h[c].seg, h[c].row, NULL));
	vf_close(ix);

	/* Append: replace r42, delete r7, add r100..r109. */
	CHECK(vf_open(&ix, file, VF_WRITE, &why) == VF_OK);
	w = vf_writer_new(DIMS);
	CHECK(vf_find(ix, "r42", 3, &s, &r) == 1);
	vf_writer_tomb(w, s, r);
	add_rows(w, 42, 43, "b");
	CHECK(vf_find(ix, "r7", 2, &s, &r) == 1);
	vf_writer_tomb(w, s, r);
	vf_writer_tomb(w, s, r);	/* twice: counted once */
	add_rows(w, 100, 110, "b");
	CHECK(vf_append(ix, w, 1) == VF_OK);
	vf_writer_free(w);
	vf_close(ix);
	CHECK(vf_open(&ix, file, 0, &why) == VF_OK);
	CHECK(vf_nseg(ix) == 2 && vf_nlive(ix) == 109 && vf_nrows(ix) == 111);
	CHECK(vf_seq(ix) == 2);
	CHECK(vf_find(ix, "r7", 2, &s, &r) == 0);
	CHECK(vf_find(ix, "r42", 3, &s, &r) == 1 && s == 1);
	p = vf_str(ix, s, VF_HASH, r, &len);
	CHECK(p && len == 1 && *p == 'b');
	vec_of(q, 7);
	n = vf_query(vs, ix, q, 8, 200, 1, NULL, NULL, h);
	CHECK(n == 8);
	for (c = 0; c < (int)n; c++) {
		p = vf_str(ix, h[c].seg, VF_ID, h[c].row, &len);
		CHECK(!(len == 2 && memcmp(p, "r7", 2) == 0));
	}
	CHECK(vf_verify(ix, &why) == VF_OK);
	vf_close(ix);

	/*
	 * A torn append (garbage after the committed length, as a killed
	 * writer leaves) is invisible, and the next append drops it.
	 */
	fp = fopen(file, "ab");
	fputs("half a segment", fp);
	fclose(fp);
	CHECK(vf_open(&ix, file, VF_WRITE, &why) == VF_OK);
	CHECK(vf_nlive(ix) == 109);
	w = vf_writer_new(DIMS);
	add_rows(w, 200, 201, "c");
	CHECK(vf_append(ix, w, 1) == VF_OK);
	vf_writer_free(w);
	vf_close(ix);
	CHECK(vf_open(&ix, file, 0, &why) == VF_OK);
	CHECK(vf_nlive(ix) == 110 && vf_nseg(ix) == 3);
	CHECK(vf_verify(ix, &why) == VF_OK);
	vf_close(ix);

	/* Damage: a flipped data byte fails verify; a header byte, open. */
	fp = fopen(file, "r+b");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 4096 + 1024, SEEK_SET);
	c = fgetc(fp);
	fseek(fp, 4096 + 1024, SEEK_SET);
	fputc(c ^ 0x40, fp);
	fclose(fp);
	CHECK(vf_open(&ix, file, 0, &why) == VF_OK);
	CHECK(vf_verify(ix, &why) == VF_ECORRUPT);
	vf_close(ix);
	fp = fopen(file, "r+b");
	fseek(fp, 20, SEEK_SET);
	fputc('x', fp);
	fclose(fp);
	buf_reset(&why);
	CHECK(vf_open(&ix, file, 0, &why) == VF_ECORRUPT &&
	    strcmp(why.data, "header checksum mismatch") == 0);
	CHECK(truncate(file, size / 2) == 0);
	CHECK(vf_open(&ix, file, 0, &why) == VF_ECORRUPT);
	CHECK(vf_open(&ix, "/nonexistent/x.etv", 0, &why) == VF_ESYS);

	vf_search_free(vs);
	vf_meta_release(&m);
	buf_release(&why);
	unlink(file);
	rmdir(path);
	return failures != 0;
}
