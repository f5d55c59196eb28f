/* safetensors.c -- read-only, bounds-checked access to .safetensors files */
/* SPDX-License-Identifier: MIT */

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/embed/safetensors.h"
#include "lib/base/xmem.h"

/* A header larger than this is not a model we want to read. */
#define MAX_HEADER	(100u << 20)

struct safetensors {
	unsigned char	*map;		/* the mapped file; munmap at close */
	size_t		 size;		/* its length */
	struct safetensors_tensor *t;	/* tensors; owned */
	size_t		 n;		/* how many */
};

static const struct {
	const char	*name;		/* dtype as spelled in the header */
	enum safetensors_dtype dtype;	/* ours */
	size_t		 size;		/* bytes per element */
} dtypes[] = {
	{ "F32", SAFETENSORS_F32, 4 }, { "F16", SAFETENSORS_F16, 2 },
	{ "BF16", SAFETENSORS_BF16, 2 }, { "F64", SAFETENSORS_F64, 8 },
	{ "I8", SAFETENSORS_I8, 1 }, { "U8", SAFETENSORS_U8, 1 },
	{ "I16", SAFETENSORS_I16, 2 }, { "I32", SAFETENSORS_I32, 4 },
	{ "I64", SAFETENSORS_I64, 8 }, { "U16", SAFETENSORS_OTHER, 2 },
	{ "U32", SAFETENSORS_OTHER, 4 }, { "U64", SAFETENSORS_OTHER, 8 },
	{ "BOOL", SAFETENSORS_OTHER, 1 },
	{ "F8_E4M3", SAFETENSORS_OTHER, 1 },
	{ "F8_E5M2", SAFETENSORS_OTHER, 1 },
};

float
safetensors_half(uint16_t h)
{
	uint32_t sign = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 31,
	    m = h & 1023, u;
	float f;

	if (e == 0) {
		/* Zero or subnormal: m * 2^-24. */
		f = (float)m * 5.9604644775390625e-8f;
		return sign ? -f : f;
	}
	if (e == 31)
		u = sign | 0x7f800000u | (m << 13);
	else
		u = sign | ((e + 112) << 23) | (m << 13);
	memcpy(&f, &u, 4);
	return f;
}

static void
fail(struct buf *err, struct safetensors *st, const char *path,
    const char *why, const char *name)
{
	if (name)
		buf_fail(err, "%s: tensor '%s': %s", path, name, why);
	else
		buf_fail(err, "%s: %s", path, why);
	safetensors_close(st);
}

/* Check and record one tensor entry of the header. */
static const char *
parse_tensor(struct safetensors *st, const char *name, json_t *v,
    uint64_t datalen, const unsigned char *data)
{
	struct safetensors_tensor *t = &st->t[st->n];
	json_t *dt, *shape, *offs, *x;
	uint64_t b, e, count = 1;
	size_t i, k;

	if (!json_is_object(v))
		return "entry is not an object";
	dt = json_object_get(v, "dtype");
	shape = json_object_get(v, "shape");
	offs = json_object_get(v, "data_offsets");
	if (!json_is_string(dt) || !json_is_array(shape) ||
	    !json_is_array(offs) || json_array_size(offs) != 2)
		return "needs dtype, shape and data_offsets";
	for (k = 0; k < sizeof(dtypes) / sizeof(dtypes[0]); k++)
		if (strcmp(json_string_value(dt), dtypes[k].name) == 0)
			break;
	if (k == sizeof(dtypes) / sizeof(dtypes[0]))
		return "unknown dtype";
	if (json_array_size(shape) > SAFETENSORS_MAX_DIMS)
		return "too many dimensions";
	t->ndim = (int)json_array_size(shape);
	json_array_foreach(shape, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return "shape is not a list of sizes";
		t->shape[i] = (uint64_t)json_integer_value(x);
		if (t->shape[i] && count > UINT64_MAX / t->shape[i])
			return "shape is too large";
		count *= t->shape[i];
	}
	x = json_array_get(offs, 0);
	if (!json_is_integer(x) || json_integer_value(x) < 0 ||
	    !json_is_integer(json_array_get(offs, 1)) ||
	    json_integer_value(json_array_get(offs, 1)) < 0)
		return "data_offsets are not byte offsets";
	b = (uint64_t)json_integer_value(x);
	e = (uint64_t)json_integer_value(json_array_get(offs, 1));
	if (b > e || e > datalen)
		return "data lies outside the file (truncated?)";
	if (count > UINT64_MAX / dtypes[k].size ||
	    count * dtypes[k].size != e - b)
		return "shape does not match its data size";
	t->name = xstrdup(name);
	t->dtype = dtypes[k].dtype;
	t->elsize = dtypes[k].size;
	t->count = count;
	t->data = data + b;
	st->n++;
	return NULL;
}

struct safetensors *
safetensors_open(const char *path, struct buf *err)
{
	struct safetensors *st;
	const char *key, *why;
	json_error_t jerr;
	struct stat sb;
	uint64_t hlen;
	json_t *hdr, *v;
	void *map;
	int fd, i;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1) {
		buf_fail(err, "cannot open '%s': %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (sb.st_size < 8) {
		close(fd);
		buf_fail(err, "%s: not a safetensors file (too short)",
		    path);
		return NULL;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		buf_fail(err, "cannot map '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->map = map;
	st->size = (size_t)sb.st_size;
	for (hlen = 0, i = 7; i >= 0; i--)
		hlen = hlen << 8 | st->map[i];
	if (hlen > st->size - 8 || hlen > MAX_HEADER || hlen < 2) {
		fail(err, st, path, "header length is beyond the end "
		    "of the file (truncated or not safetensors)", NULL);
		return NULL;
	}
	hdr = json_loadb((const char *)st->map + 8, (size_t)hlen, 0, &jerr);
	if (hdr == NULL || !json_is_object(hdr)) {
		json_decref(hdr);
		fail(err, st, path, "header is not a JSON object",
		    NULL);
		return NULL;
	}
	st->t = xcalloc(json_object_size(hdr) + 1, sizeof(*st->t));
	json_object_foreach(hdr, key, v) {
		if (strcmp(key, "__metadata__") == 0)
			continue;
		if ((why = parse_tensor(st, key, v, st->size - 8 - hlen,
		    st->map + 8 + hlen)) != NULL) {
			fail(err, st, path, why, key);
			json_decref(hdr);
			return NULL;
		}
	}
	json_decref(hdr);
	return st;
}

const struct safetensors_tensor *
safetensors_find(const struct safetensors *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->t[i].name, name) == 0)
			return &st->t[i];
	return NULL;
}

const unsigned char *
safetensors_bytes(const struct safetensors *st, size_t *lenp)
{
	*lenp = st->size;
	return st->map;
}

void
safetensors_close(struct safetensors *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		free(st->t[i].name);
	free(st->t);
	munmap(st->map, st->size);
	free(st);
}
