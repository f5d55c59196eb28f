/* model2vec.c -- static embedding models (model2vec format), locally */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/hash.h"
#include "lib/base/iox.h"
#include "lib/embed/model2vec.h"
#include "lib/embed/safetensors.h"
#include "lib/embed/wordpiece.h"
#include "lib/base/xmem.h"

struct model2vec {
	struct safetensors *st;		/* mapped weights file; owned */
	const struct safetensors_tensor *emb;	/* [rows, dims] */
	const struct safetensors_tensor *weights; /* [vocab], or NULL */
	const struct safetensors_tensor *mapping; /* [vocab], or NULL */
	struct wordpiece *wp;		/* tokenizer; owned */
	size_t		 rows;		/* rows of emb */
	size_t		 dims;		/* columns of emb */
	size_t		 max_tokens;	/* truncation */
	int		 normalize;	/* config.json "normalize" */
	char		 digest[HASH_TAG_LEN + 1]; /* of the files */
};

struct model2vec_scratch {
	struct wordpiece_scratch *ws;	/* tokenizer memory; owned */
	int32_t		*ids;		/* token ids, max_tokens; owned */
	double		*acc;		/* sum of rows, dims; owned */
	uint32_t	*count;		/* occurrences per token id; owned */
	int32_t		*uniq;		/* distinct ids, first seen first */
};

/* Element i of a 1-D tensor as a double. */
static double
element(const struct safetensors_tensor *t, uint64_t i)
{
	const unsigned char *p = t->data + i * t->elsize;
	uint16_t h;
	uint32_t u;
	int32_t i32;
	int64_t i64;
	double d;
	float f;

	switch (t->dtype) {
	case SAFETENSORS_F32:
		memcpy(&f, p, 4);
		return f;
	case SAFETENSORS_F16:
		memcpy(&h, p, 2);
		return safetensors_half(h);
	case SAFETENSORS_BF16:
		memcpy(&h, p, 2);
		u = (uint32_t)h << 16;
		memcpy(&f, &u, 4);
		return f;
	case SAFETENSORS_F64:
		memcpy(&d, p, 8);
		return d;
	case SAFETENSORS_I8:
		return (signed char)p[0];
	case SAFETENSORS_U8:
		return p[0];
	case SAFETENSORS_I16:
		memcpy(&h, p, 2);
		return (int16_t)h;
	case SAFETENSORS_I32:
		memcpy(&i32, p, 4);
		return i32;
	case SAFETENSORS_I64:
		memcpy(&i64, p, 8);
		return (double)i64;
	default:
		return 0;
	}
}

/*
 * Free the half-open model and return NULL, with the message fmt in err
 * (with fmt NULL, err holds it already).
 */
static struct model2vec *
open_fail(struct model2vec *m, struct buf *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static struct model2vec *
open_fail(struct model2vec *m, struct buf *err, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		buf_reset(err);
		va_start(ap, fmt);
		buf_vprintf(err, fmt, ap);
		va_end(ap);
	}
	model2vec_close(m);
	return NULL;
}

static char *
path_in(const char *dir, const char *file)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s/%s", dir, file);
	return buf_detach(&b, NULL);
}

/* Read config.json; a missing file means the defaults. */
static int
read_config(struct model2vec *m, const char *path, uint64_t *h,
    struct buf *err)
{
	json_error_t jerr;
	json_t *cfg, *v;
	size_t len;
	char *raw;

	if ((raw = iox_slurp(path, &len)) == NULL) {
		*h = 0;
		return 0;
	}
	*h = hash64(raw, len);
	cfg = json_loadb(raw, len, 0, &jerr);
	free(raw);
	if (!json_is_object(cfg)) {
		buf_fail(err, "%s: not a JSON object", path);
		json_decref(cfg);
		return -1;
	}
	if ((v = json_object_get(cfg, "normalize")) && json_is_boolean(v))
		m->normalize = json_is_true(v);
	json_decref(cfg);
	return 0;
}

/* Check that every mapping entry names a row. */
static int
check_mapping(const struct model2vec *m)
{
	uint64_t i;
	double r;

	for (i = 0; i < m->mapping->count; i++) {
		r = element(m->mapping, i);
		if (r < 0 || r >= (double)m->rows)
			return -1;
	}
	return 0;
}

struct model2vec *
model2vec_open(const char *dir, size_t max_tokens, struct buf *err)
{
	struct model2vec *m;
	uint64_t hs[3];
	const unsigned char *bytes;
	char *path, *tok;
	size_t len, vocab;
	int r;

	m = xcalloc(1, sizeof(*m));
	m->max_tokens = max_tokens;
	path = path_in(dir, "model.safetensors");
	m->st = safetensors_open(path, err);
	free(path);
	if (m->st == NULL)
		return open_fail(m, err, NULL);
	if ((m->emb = safetensors_find(m->st, "embeddings")) == NULL &&
	    (m->emb = safetensors_find(m->st, "embedding.weight")) == NULL)
		return open_fail(m, err, "%s: model.safetensors has "
		    "no tensor 'embeddings'", dir);
	if (m->emb->ndim != 2 || m->emb->shape[0] == 0 ||
	    m->emb->shape[1] == 0 || m->emb->shape[1] > 65536)
		return open_fail(m, err, "%s: tensor 'embeddings' is "
		    "not a [rows, dims] matrix", dir);
	if (m->emb->dtype != SAFETENSORS_F32 &&
	    m->emb->dtype != SAFETENSORS_F16 &&
	    m->emb->dtype != SAFETENSORS_BF16 &&
	    m->emb->dtype != SAFETENSORS_I8)
		return open_fail(m, err, "%s: tensor 'embeddings' "
		    "must be F32, F16, BF16 or I8", dir);
	m->rows = (size_t)m->emb->shape[0];
	m->dims = (size_t)m->emb->shape[1];
	m->weights = safetensors_find(m->st, "weights");
	m->mapping = safetensors_find(m->st, "mapping");
	if (m->weights && (m->weights->ndim != 1 ||
	    m->weights->dtype > SAFETENSORS_F64))
		return open_fail(m, err, "%s: tensor 'weights' must "
		    "be a vector of floats", dir);
	if (m->mapping && (m->mapping->ndim != 1 ||
	    m->mapping->dtype < SAFETENSORS_I8 ||
	    m->mapping->dtype == SAFETENSORS_OTHER))
		return open_fail(m, err, "%s: tensor 'mapping' must "
		    "be a vector of integers", dir);
	if (m->mapping && check_mapping(m) == -1)
		return open_fail(m, err, "%s: tensor 'mapping' names "
		    "a row beyond 'embeddings'", dir);

	tok = path_in(dir, "tokenizer.json");
	m->wp = wordpiece_load(tok, err);
	if (m->wp == NULL) {
		free(tok);
		return open_fail(m, err, NULL);
	}
	vocab = wordpiece_vocab_size(m->wp);
	if ((m->mapping ? (size_t)m->mapping->count : m->rows) < vocab) {
		free(tok);
		return open_fail(m, err, "%s: the tokenizer has more "
		    "tokens than the model has rows", dir);
	}
	if (m->weights && (size_t)m->weights->count < vocab) {
		free(tok);
		return open_fail(m, err, "%s: tensor 'weights' is "
		    "shorter than the vocabulary", dir);
	}
	bytes = (const unsigned char *)iox_slurp(tok, &len);
	free(tok);
	hs[1] = bytes ? hash64(bytes, len) : 0;
	free((void *)bytes);
	path = path_in(dir, "config.json");
	r = read_config(m, path, &hs[2], err);
	free(path);
	if (r == -1)
		return open_fail(m, err, NULL);
	bytes = safetensors_bytes(m->st, &len);
	hs[0] = hash64(bytes, len);
	hash_tag(m->digest, hs, sizeof(hs));
	return m;
}

void
model2vec_close(struct model2vec *m)
{
	if (m == NULL)
		return;
	safetensors_close(m->st);
	wordpiece_free(m->wp);
	free(m);
}

size_t
model2vec_dims(const struct model2vec *m)
{
	return m->dims;
}

const char *
model2vec_digest(const struct model2vec *m)
{
	return m->digest;
}

struct model2vec_scratch *
model2vec_scratch_new(const struct model2vec *m)
{
	struct model2vec_scratch *s;

	s = xcalloc(1, sizeof(*s));
	s->ws = wordpiece_scratch_new();
	s->ids = xcalloc(m->max_tokens + 1, sizeof(*s->ids));
	s->acc = xcalloc(m->dims, sizeof(*s->acc));
	s->count = xcalloc(wordpiece_vocab_size(m->wp) + 1,
	    sizeof(*s->count));
	s->uniq = xcalloc(m->max_tokens + 1, sizeof(*s->uniq));
	return s;
}

void
model2vec_scratch_free(struct model2vec_scratch *s)
{
	if (s == NULL)
		return;
	wordpiece_scratch_free(s->ws);
	free(s->ids);
	free(s->acc);
	free(s->count);
	free(s->uniq);
	free(s);
}

/* Two doubles, for the SSE2 every x86-64 has (a GNU C extension). */
typedef double v2d __attribute__((vector_size(16)));

/* acc += w * row r of the embedding matrix. */
static void
add_row(const struct model2vec *m, double *acc, size_t r, double w)
{
	const unsigned char *p = m->emb->data + r * m->dims * m->emb->elsize;
	size_t j, d = m->dims;
	uint16_t h;
	uint32_t u;
	float f;

	switch (m->emb->dtype) {
	case SAFETENSORS_F32:
		if (((uintptr_t)p & 3) == 0) {
			/*
			 * Aligned (the usual case): two at a time, each
			 * lane the same arithmetic as one at a time.
			 */
			const float *row = (const float *)(const void *)p;
			v2d a, x, wv = { w, w };

			for (j = 0; j + 2 <= d; j += 2) {
				memcpy(&a, acc + j, sizeof(a));
				x = (v2d){ row[j], row[j + 1] };
				a += wv * x;
				memcpy(acc + j, &a, sizeof(a));
			}
			for (; j < d; j++)
				acc[j] += w * (double)row[j];
			break;
		}
		for (j = 0; j < d; j++) {
			memcpy(&f, p + 4 * j, 4);
			acc[j] += w * f;
		}
		break;
	case SAFETENSORS_F16:
		for (j = 0; j < d; j++) {
			memcpy(&h, p + 2 * j, 2);
			acc[j] += w * safetensors_half(h);
		}
		break;
	case SAFETENSORS_BF16:
		for (j = 0; j < d; j++) {
			memcpy(&h, p + 2 * j, 2);
			u = (uint32_t)h << 16;
			memcpy(&f, &u, 4);
			acc[j] += w * f;
		}
		break;
	default:
		for (j = 0; j < d; j++)
			acc[j] += w * (signed char)p[j];
		break;
	}
}

size_t
model2vec_run(const struct model2vec *m, struct model2vec_scratch *s,
    const char *text, size_t len, float *out)
{
	size_t n, i, r, j, nu;
	double w, norm;

	n = wordpiece_encode(m->wp, s->ws, text, len, 1, s->ids,
	    m->max_tokens);
	memset(s->acc, 0, m->dims * sizeof(*s->acc));
	/* Each distinct token once, times its count: text repeats words. */
	for (i = 0, nu = 0; i < n; i++)
		if (s->count[s->ids[i]]++ == 0)
			s->uniq[nu++] = s->ids[i];
	for (i = 0; i < nu; i++) {
		r = (size_t)s->uniq[i];
		w = (m->weights ? element(m->weights, r) : 1) * s->count[r];
		s->count[r] = 0;
		if (m->mapping)
			r = (size_t)element(m->mapping, r);
		if (r >= m->rows)
			continue;
		add_row(m, s->acc, r, w);
	}
	norm = 0;
	for (j = 0; j < m->dims; j++) {
		if (n)
			s->acc[j] /= (double)n;
		norm += s->acc[j] * s->acc[j];
	}
	norm = m->normalize && norm > 0 ? 1 / sqrt(norm) : 1;
	for (j = 0; j < m->dims; j++)
		out[j] = (float)(s->acc[j] * norm);
	return n;
}
