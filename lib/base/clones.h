/* clones.h -- one function compiled for several instruction sets */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CLONES_H
#define ETV_CLONES_H

/*
 * CLONES before a function definition compiles it for x86-64-v4
 * (AVX-512), v3 (AVX2) and the baseline, and the loader picks one when
 * the program starts (GCC's target_clones).  Elsewhere, with clang, or
 * under AddressSanitizer (whose run-time does not resolve the ifunc
 * early enough), it is the plain function.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define CLONES __attribute__((target_clones("arch=x86-64-v4", \
    "arch=x86-64-v3", "default")))
#else
#define CLONES
#endif

#endif
