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
 * taken eight at a time: a table holds the group's sum under each of the
 * 256 ways to sign it, so a trial costs one lookup a group.  Groups are
 * the outer loop, so that the table stays in the cache while every
 * trial's sum takes its term; each group draws its bytes from a stream
 * of its own.
 */
static double
randomise(const double *z, size_t m, double total, unsigned long trials,
    uint64_t seed)
{
	double tab[256], *sum = xcalloc(trials, sizeof(*sum)), s;
	size_t g, i, b;
	unsigned long t, hits = 0;
	uint64_t st, w;

	for (g = 0; g * 8 < m; g++) {
		for (b = 0; b < 256; b++) {
			s = 0;
			for (i = 0; i < 8 && g * 8 + i < m; i++)
				s += b >> i & 1 ? z[g * 8 + i] : -z[g * 8 + i];
			tab[b] = s;
		}
		st = seed ^ (uint64_t)g << 20;
		st = hash_splitmix64(&st);
		for (t = 0; t < trials; t += 8) {
			w = hash_splitmix64(&st);
			for (b = 0; b < 8 && t + b < trials; b++)
				sum[t + b] += tab[w >> (b * 8) & 255];
		}
	}
	for (t = 0; t < trials; t++)
		hits += as_far(sum[t], total);
	free(sum);
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
evsig_test(const double *a, const double *b, size_t n, size_t w,
    unsigned long trials, uint64_t seed, double confidence,
    struct evsig_result *out)
{
	double *d, *z, *sum, *mean, c;
	const double *row;
	uint64_t rng = seed;
	unsigned long t, hits;
	uint32_t *count;
	size_t i, k, m, *nz;

	for (k = 0; k < w; k++) {
		memset(&out[k], 0, sizeof(out[k]));
		out[k].p_random = out[k].p_boot = 1;
	}
	if (n == 0 || trials == 0 || w == 0)
		return;
	d = xreallocarray(NULL, n, w * sizeof(*d));
	z = xreallocarray(NULL, n, sizeof(*z));
	sum = xcalloc(w, sizeof(*sum));
	mean = xreallocarray(NULL, trials, w * sizeof(*mean));
	count = xcalloc(n, sizeof(*count));
	nz = xreallocarray(NULL, n, sizeof(*nz));
	for (i = 0; i < n * w; i++) {
		d[i] = b[i] - a[i];
		sum[i % w] += d[i];
	}
	for (k = 0; k < w; k++) {
		out[k].diff = sum[k] / (double)n;
		for (i = 0, m = 0; i < n; i++)
			if (d[i * w + k] != 0)
				z[m++] = d[i * w + k];
		if (m > 0)
			out[k].p_random = randomise(z, m, sum[k], trials,
			    seed + k + 1);
	}
	/*
	 * One draw of queries a trial, for every metric: the draw counts
	 * how often each query is drawn (a small array, random access
	 * cheap), then the rows of the queries with a difference are added
	 * in order, each times its count.
	 */
	for (i = 0, m = 0; i < n; i++)
		for (k = 0; k < w; k++)
			if (d[i * w + k] != 0) {
				nz[m++] = i;
				break;
			}
	for (t = 0; t < trials; t++) {
		for (i = 0; i < n; i++)
			count[(size_t)(((unsigned __int128)
			    hash_splitmix64(&rng) * n) >> 64)]++;
		memset(sum, 0, w * sizeof(*sum));
		for (i = 0; i < m; i++) {
			if ((c = count[nz[i]]) == 0)
				continue;
			count[nz[i]] = 0;
			row = d + nz[i] * w;
			for (k = 0; k < w; k++)
				sum[k] += c * row[k];
		}
		for (k = 0; k < w; k++)
			mean[k * trials + t] = sum[k] / (double)n;
	}
	for (k = 0; k < w; k++) {
		double *x = mean + k * trials;

		for (t = 0, hits = 0; t < trials; t++)
			hits += as_far(x[t] - out[k].diff, out[k].diff);
		out[k].p_boot = (double)(hits + 1) / (double)(trials + 1);
		qsort(x, trials, sizeof(*x), cmp_double);
		out[k].lo = quantile(x, trials, (1 - confidence) / 2);
		out[k].hi = quantile(x, trials, (1 + confidence) / 2);
	}
	free(count);
	free(nz);
	free(mean);
	free(sum);
	free(d);
	free(z);
}
