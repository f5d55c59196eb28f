/* vecdist.h -- distance kernels over float32 vectors */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_VECDIST_H
#define ETV_VECDIST_H

#include <stddef.h>

/*
 * The inner product and the squared Euclidean distance of two vectors of
 * n floats.  Both are pure and thread-safe; the pointers need no special
 * alignment.  The build picks the widest vector unit of the CPU at run
 * time (AVX-512, AVX2 with FMA, or SSE2), so the summation order, and
 * with it the last bits of the result, may differ between CPUs but never
 * between runs on one machine.
 */
float	 vecdist_dot(const float *a, const float *b, size_t n);
float	 vecdist_l2sq(const float *a, const float *b, size_t n);

#endif
