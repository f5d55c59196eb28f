/* vec.c -- the shortest float32 text of lib/embed/vec against printf */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/embed/vec.h"

/* The reference: fewest %g digits that read back exactly. */
static int
slow(char *out, float f)
{
	int prec, n = 0;

	for (prec = 1; prec <= 9; prec++) {
		n = snprintf(out, 32, "%.*g", prec, (double)f);
		if (strtof(out, NULL) == f)
			break;
	}
	if (strpbrk(out, ".eEn") == NULL)
		n += snprintf(out + n, 32 - (size_t)n, ".0");
	return n;
}

static int
check(float f)
{
	char a[32], b[32];
	uint32_t u;
	int na, nb;

	na = vec_float_text(a, f);
	nb = slow(b, f);
	memcpy(&u, &f, 4);
	if (strtof(a, NULL) != f || (size_t)na != strlen(a)) {
		printf("%08x: '%s' does not read back\n", u, a);
		return 1;
	}
	/* At a power of two the interval is lopsided: shorter is fine. */
	if (na > nb || (strcmp(a, b) != 0 && (u & 0x7fffff) != 0)) {
		printf("%08x: '%s', printf gives '%s'\n", u, a, b);
		return 1;
	}
	return 0;
}

int
main(void)
{
	static const float fixed[] = { 0.5f, 0.1f, -0.25f, 1e-5f, 1.5e-7f,
	    0.999999940f, 0.33333334f, -0.0001f, 1.0f, 2.5f, 100.0f,
	    1e-20f, 3.4e38f, 1.17549435e-38f, 0.0f, -0.0f };
	uint64_t x = 88172645463325252ULL;
	uint32_t u;
	float f;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		bad |= check(fixed[i]);
	for (i = 0; i < 300000 && !bad; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		u = (uint32_t)x;
		/* Mostly the range of embeddings, some of everything. */
		if (i % 4)
			u = (u & 0x80ffffff) |
			    (uint32_t)(0x30 + (x >> 40) % 14) << 24;
		memcpy(&f, &u, 4);
		if (!isfinite(f))
			continue;
		bad |= check(f);
	}
	return bad;
}
