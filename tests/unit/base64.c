/* base64.c -- lib/base64 against RFC 4648 and a bit-by-bit reference */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/base64.h"
#include "lib/base/buf.h"
#include "unit.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The reference: six bits at a time, most significant first. */
static size_t
slow(char *out, const unsigned char *p, size_t n)
{
	size_t bit, o = 0, i;
	unsigned v;

	for (bit = 0; bit < 8 * n; bit += 6) {
		v = 0;
		for (i = bit; i < bit + 6; i++)
			v = v << 1 | (i < 8 * n ?
			    (p[i / 8] >> (7 - i % 8)) & 1 : 0);
		out[o++] = alphabet[v];
	}
	while (o % 4 != 0)
		out[o++] = '=';
	out[o] = '\0';
	return o;
}

static void
rfc(const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	base64_encode(&b, in, strlen(in));
	CHECK_MEM(b.data, b.len, want);
	buf_release(&b);
}

int
main(void)
{
	unsigned char src[64], back[64];
	char want[128];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t n, i, k;
	struct buf b = BUF_INIT;
	long got;

	/* RFC 4648, section 10. */
	rfc("", "");
	rfc("f", "Zg==");
	rfc("fo", "Zm8=");
	rfc("foo", "Zm9v");
	rfc("foob", "Zm9vYg==");
	rfc("fooba", "Zm9vYmE=");
	rfc("foobar", "Zm9vYmFy");

	/* Every length across the six-byte steps, pseudo-random bytes. */
	for (k = 0; k < 20; k++)
		for (n = 0; n <= sizeof(src); n++) {
			for (i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				src[i] = (unsigned char)x;
			}
			b.len = 0;
			base64_encode(&b, src, n);
			CHECK_MEM(b.data, b.len, (slow(want, src, n), want));
			got = base64_decode(b.data, b.len, back);
			CHECK(got == (long)n && memcmp(back, src, n) == 0);
		}
	buf_release(&b);
	return unit_done("base64");
}
