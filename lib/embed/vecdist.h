/* vecdist.h -- distance kernels over float32 vectors */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_VECDIST_H
#define ETV_VECDIST_H

#include <stddef.h>
#include <stdint.h>

/*
 * The inner product and the squared Euclidean distance of two vectors of
 * n floats.  Both are pure and thread-safe; the pointers need no special
 * alignment.  The build picks the widest vector unit of the CPU at run
 * time (AVX-512, AVX2 with FMA, or SSE2) and fuses each product with its
 * add where the unit can, so the last bits of the result may differ
 * between CPUs (and between a GCC and a clang build) but never between
 * runs on one machine.
 */
float	 vecdist_dot(const float *a, const float *b, size_t n);
float	 vecdist_l2sq(const float *a, const float *b, size_t n);

/*
 * The same for every pair of nq queries q (row-major, n floats each) and
 * nv vectors v (likewise): out[i * nv + j] is vecdist_dot(q + i * n,
 * v + j * n, n), resp. vecdist_l2sq, to the last bit, so a score does not
 * depend on which queries are scored together.  Several queries and
 * vectors are scored at once in registers, which loads each of them far
 * less often.  out holds nq * nv floats; nothing is allocated.
 */
void	 vecdist_dot_block(const float *q, size_t nq, const float *v,
	    size_t nv, size_t n, float *out);
void	 vecdist_l2sq_block(const float *q, size_t nq, const float *v,
	    size_t nv, size_t n, float *out);

/*
 * Scalar quantisation to int8: out[i] = round(v[i] / scale), with scale
 * = max |v[i]| / 127, which is returned (0 for a zero vector).  Then
 * v . w is about scale_v * scale_w * vecdist_dot_i8(codes_v, codes_w).
 */
float	 vecdist_quantize(const float *v, size_t n, int8_t *out);
int32_t	 vecdist_dot_i8(const int8_t *a, const int8_t *b, size_t n);

#endif
