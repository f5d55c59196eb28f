/* evsig.c -- is the difference between two runs more than chance? */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/hash.h"
#include "lib/base/xmem.h"
#include "lib/eval/evsig.h"

/* Is |x| at least |obs|, allowing for the order of additions? */
static int
as_far(double x, double obs)
{
	return fabs(x) >= fabs(obs) - 1e-12 * (1 + fabs(obs));
}

/*
 * The randomisation test over the nonzero differences z[0..m): each
 * trial draws one random bit a difference for its sign.  Differences are
 * taken eight at a time: for each group a table holds the sum under each
 * of the 256 ways to sign it, so a trial costs one lookup a group.
 */
static double
randomise(const double *z, size_t m, double total, unsigned long trials,
    uint64_t *rng)
{
	size_t ng = (m + 7) / 8, g, i, b;
	double *tab = xreallocarray(NULL, ng * 256, sizeof(*tab)), s;
	unsigned long t, hits = 0;
	uint64_t w = 0;

	for (g = 0; g < ng; g++)
		for (b = 0; b < 256; b++) {
			s = 0;
			for (i = 0; i < 8 && g * 8 + i < m; i++)
				s += b >> i & 1 ? z[g * 8 + i] : -z[g * 8 + i];
			tab[g * 256 + b] = s;
		}
	for (t = 0; t < trials; t++) {
		s = 0;
		for (g = 0; g < ng; g++) {
			if (g % 8 == 0)
				w = hash_splitmix64(rng);
			s += tab[g * 256 + (w >> (g % 8 * 8) & 255)];
		}
		hits += as_far(s, total);
	}
	free(tab);
	return (double)(hits + 1) / (double)(trials + 1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of sorted x[0..n), interpolated between neighbours. */
static double
quantile(const double *x, size_t n, double q)
{
	double pos = q * (double)(n - 1), f = floor(pos);
	size_t i = (size_t)f;

	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (pos - f) * (x[i + 1] - x[i]);
}

void
evsig_test(const double *a, const double *b, size_t n, size_t stride,
    unsigned long trials, uint64_t seed, double confidence,
    struct evsig_result *out)
{
	double *d, *z, *mean, total = 0, s;
	uint64_t rng = seed;
	unsigned long t, hits = 0;
	size_t i, m = 0;

	memset(out, 0, sizeof(*out));
	out->p_random = out->p_boot = 1;
	if (n == 0 || trials == 0)
		return;
	d = xreallocarray(NULL, n, sizeof(*d));
	z = xreallocarray(NULL, n, sizeof(*z));
	for (i = 0; i < n; i++) {
		d[i] = b[i * stride] - a[i * stride];
		total += d[i];
		if (d[i] != 0)
			z[m++] = d[i];
	}
	out->diff = total / (double)n;
	if (m == 0) {
		free(d);
		free(z);
		return;
	}
	out->p_random = randomise(z, m, total, trials, &rng);
	mean = xreallocarray(NULL, trials, sizeof(*mean));
	for (t = 0; t < trials; t++) {
		s = 0;
		for (i = 0; i < n; i++)
			s += d[(size_t)(((unsigned __int128)
			    hash_splitmix64(&rng) * n) >> 64)];
		mean[t] = s / (double)n;
		hits += as_far(mean[t] - out->diff, out->diff);
	}
	out->p_boot = (double)(hits + 1) / (double)(trials + 1);
	qsort(mean, trials, sizeof(*mean), cmp_double);
	out->lo = quantile(mean, trials, (1 - confidence) / 2);
	out->hi = quantile(mean, trials, (1 + confidence) / 2);
	free(mean);
	free(d);
	free(z);
}
