/* base64.c -- base64 encoding and decoding (RFC 4648) */
/* SPDX-License-Identifier: MIT */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/base/base64.h"
#include "lib/base/buf.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
base64_encode(struct buf *b, const void *src, size_t n)
{
	const unsigned char *p = src;
	char *o;
	size_t i;

	buf_grow(b, (n + 2) / 3 * 4);
	o = b->data + b->len;
	for (i = 0; i + 2 < n; i += 3) {
		*o++ = b64[p[i] >> 2];
		*o++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = b64[p[i + 2] & 63];
	}
	if (i < n) {
		*o++ = b64[p[i] >> 2];
		if (i + 1 < n) {
			*o++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = b64[(p[i + 1] & 15) << 2];
		} else {
			*o++ = b64[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
}

/* Character to value, -1 for none: both alphabets (RFC 4648 4 and 5). */
static signed char dec[256];
static pthread_once_t dec_once = PTHREAD_ONCE_INIT;

static void
dec_init(void)
{
	int k;

	memset(dec, -1, sizeof(dec));
	for (k = 0; k < 64; k++)
		dec[(unsigned char)b64[k]] = (signed char)k;
	dec['-'] = 62;
	dec['_'] = 63;
}

long
base64_decode(const char *s, size_t n, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t x, acc = 0;
	long len = 0;
	int bits = 0, a, b, c, d;
	size_t i;

	pthread_once(&dec_once, dec_init);
	while (n && s[n - 1] == '=')
		n--;
	/* Four characters, three bytes at a time. */
	for (i = 0; i + 4 <= n; i += 4) {
		a = dec[p[i]];
		b = dec[p[i + 1]];
		c = dec[p[i + 2]];
		d = dec[p[i + 3]];
		if ((a | b | c | d) < 0)
			return -1;
		x = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 |
		    (uint32_t)d;
		out[len] = (unsigned char)(x >> 16);
		out[len + 1] = (unsigned char)(x >> 8);
		out[len + 2] = (unsigned char)x;
		len += 3;
	}
	for (; i < n; i++) {
		if ((a = dec[p[i]]) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)a;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return len;
}
