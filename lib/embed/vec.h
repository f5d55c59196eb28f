/* vec.h -- embedding vectors in records: JSON arrays or base64 float32 */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_VEC_H
#define ETV_VEC_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"

/*
 * Read an embedding from a record member: either an array of numbers or a
 * base64 string of little-endian float32 values.  On success returns the
 * number of dimensions and stores a vector the caller frees with free(3)
 * in *out.  Returns -1 with a message in err when the value is neither
 * form, has non-finite or out-of-range numbers, or is empty.
 */
long	 vec_from_json(const json_t *, float **out, struct buf *err);

/* The same for the text of a base64 string, s[0..n). */
long	 vec_from_base64(const char *s, size_t n, float **out,
	    struct buf *err);

/*
 * Append an embedding to b as JSON: vec_json_text writes an array in which
 * each number is the shortest decimal text that reads back as the same
 * float32; vec_base64_text writes a JSON string of base64 little-endian
 * float32.  Both append only the value (no key).
 */
void	 vec_json_text(struct buf *b, const float *, size_t n);
void	 vec_base64_text(struct buf *b, const float *, size_t n);

/*
 * The shortest decimal text (at most 9 significant digits) that reads
 * back with strtof as exactly f, NUL-terminated in out (32 bytes).
 * Returns its length.
 */
int	 vec_float_text(char *out, float f);

/*
 * Convert n floats to and from little-endian float32 bytes (4 * n), the
 * form of base64 vectors and of stored vectors.
 */
void	 vec_to_le(const float *, size_t n, unsigned char *out);
void	 vec_from_le(const unsigned char *, size_t n, float *out);

/* Are all n values finite (no NaN, no infinity)?  1 or 0. */
int	 vec_finite(const float *, size_t n);

/* L2 norm and in-place normalisation (a zero vector is left as is). */
double	 vec_norm(const float *, size_t n);
void	 vec_normalize(float *, size_t n);

#endif
