/* utf8.h -- the UTF-8 codec: decode, encode, find the first ill-formed byte */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_UTF8_H
#define ETV_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Return the offset of the first byte of p[0..n) that is not part of a
 * well-formed UTF-8 sequence (overlong forms, surrogates and code points
 * above U+10FFFF are ill-formed), or -1 when all of it is valid.
 */
ssize_t	 utf8_invalid(const char *p, size_t n);

/*
 * Decode the code point at p (n bytes available).  Returns it and stores
 * its length in *adv (at least 1), or returns -1 with *adv = 1 for an
 * ill-formed sequence.
 */
int32_t	 utf8_decode(const char *p, size_t n, size_t *adv);

/* Encode a code point as UTF-8 into out (4 bytes); returns its length. */
size_t	 utf8_encode(int32_t cp, char *out);

#endif
