/* cp1252.c -- Windows-1252, as the Web reads "latin1", to UTF-8 */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>

#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/text/cp1252.h"

/* Windows-1252 0x80-0x9F. */
static const uint16_t c1[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178
};

int32_t
cp1252_cp(int byte)
{
	return byte >= 0x80 && byte <= 0x9f ? c1[byte - 0x80] : byte;
}

char *
cp1252_decode(const char *p, size_t n, size_t *lenp)
{
	char *out, *q;
	size_t i, len = 0;
	int32_t cp;

	for (i = 0; i < n; i++) {
		cp = cp1252_cp((unsigned char)p[i]);
		len += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
	}
	out = q = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x80)
			*q++ = (char)c;
		else
			q += utf8_encode(cp1252_cp(c), q);
	}
	*q = '\0';
	*lenp = (size_t)(q - out);
	return out;
}

int
cp1252_stream(FILE *in, FILE *out)
{
	char b[32768], *u;
	size_t got, n;

	while ((got = fread(b, 1, sizeof(b), in)) > 0) {
		u = cp1252_decode(b, got, &n);
		if (fwrite(u, 1, n, out) != n) {
			free(u);
			return -1;
		}
		free(u);
	}
	if (ferror(in))
		return -1;
	return fflush(out) == EOF ? -1 : 0;
}
