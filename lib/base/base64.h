/* base64.h -- base64 encoding and decoding (RFC 4648) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_BASE64_H
#define ETV_BASE64_H

#include <stddef.h>

#include "lib/base/buf.h"

/* Append the base64 text of n bytes, with padding, to b. */
void	 base64_encode(struct buf *b, const void *, size_t n);

/*
 * Decode n characters of base64 (standard or URL-safe alphabet, padding
 * optional) into out, which must hold n / 4 * 3 + 3 bytes.  Returns the
 * number of bytes written, or -1 when a character is not base64.
 */
long	 base64_decode(const char *s, size_t n, unsigned char *out);

#endif
