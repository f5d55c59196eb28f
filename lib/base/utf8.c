/* utf8.c -- the UTF-8 codec */
/* SPDX-License-Identifier: MIT */

#include <string.h>

#include <utf8proc.h>

#include "lib/base/utf8.h"

int32_t
utf8_decode(const char *p, size_t n, size_t *adv)
{
	const unsigned char *s = (const unsigned char *)p;
	int32_t cp;
	size_t len, i;

	if (n == 0) {
		*adv = 1;
		return -1;
	}
	if (s[0] < 0x80) {
		*adv = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		goto bad;
	if (n < len)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		goto bad;
	*adv = len;
	return cp;
bad:
	*adv = 1;
	return -1;
}

size_t
utf8_encode(int32_t cp, char *out)
{
	return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
}

ssize_t
utf8_invalid(const char *p, size_t n)
{
	size_t i = 0, adv;

	while (i < n) {
		/* ASCII fast path, eight bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;
		}
		if (utf8_decode(p + i, n - i, &adv) < 0)
			return (ssize_t)i;
		i += adv;
	}
	return -1;
}

