/* safetensors.h -- read-only, bounds-checked access to .safetensors files */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_SAFETENSORS_H
#define ETV_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"

/*
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 * ({"name": {"dtype": "F32", "shape": [r, c], "data_offsets": [b, e]},
 * ..., "__metadata__": {...}}), then the data; offsets are relative to
 * the end of the header.  The file is mapped read-only, never copied.
 * Every tensor is checked when the file is opened: a known dtype, a shape
 * whose size matches its byte range, and a range inside the file.
 */
enum safetensors_dtype {
	SAFETENSORS_F32,	/* IEEE float32 */
	SAFETENSORS_F16,	/* IEEE float16 */
	SAFETENSORS_BF16,	/* bfloat16 */
	SAFETENSORS_F64,	/* IEEE float64 */
	SAFETENSORS_I8,		/* int8 */
	SAFETENSORS_U8,		/* uint8 */
	SAFETENSORS_I16,	/* int16 */
	SAFETENSORS_I32,	/* int32 */
	SAFETENSORS_I64,	/* int64 */
	SAFETENSORS_OTHER	/* known to the format, not readable here */
};

#define SAFETENSORS_MAX_DIMS	8

struct safetensors_tensor {
	char		*name;		/* tensor name; owned by the file */
	enum safetensors_dtype dtype;	/* element type */
	size_t		 elsize;	/* bytes per element */
	int		 ndim;		/* number of dimensions */
	uint64_t	 shape[SAFETENSORS_MAX_DIMS]; /* sizes */
	uint64_t	 count;		/* elements: product of shape */
	const unsigned char *data;	/* first byte, inside the mapping */
};

struct safetensors;

/*
 * Map and check a file.  Returns it, or NULL with a message in err when
 * it cannot be read or is not a well-formed safetensors file.  Free with safetensors_close().
 */
struct safetensors *safetensors_open(const char *path, struct buf *err);

/* The tensor of that name (borrowed, valid until close), or NULL. */
const struct safetensors_tensor *safetensors_find(const struct safetensors *,
	    const char *name);

/* The whole mapped file, for digests. */
const unsigned char *safetensors_bytes(const struct safetensors *,
	    size_t *lenp);

/* Unmap and free.  NULL is accepted. */
void	 safetensors_close(struct safetensors *);

/* Convert an IEEE half-precision value to float. */
float	 safetensors_half(uint16_t);

#endif
