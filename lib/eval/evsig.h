/* evsig.h -- is the difference between two runs more than chance? */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_EVSIG_H
#define ETV_EVSIG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Paired tests over the queries two runs share.  For each query, d is
 * run B's value less run A's; the observed difference is the mean of d.
 *
 * Randomisation (Fisher's, as Smucker, Allan and Carterette compare it
 * for IR): under the null hypothesis the labels A and B of each query are
 * exchangeable, so each trial flips the sign of each d at random; p is
 * the share of trials whose mean is at least as far from 0 as the one
 * observed, counting the observed arrangement: (hits + 1) / (trials + 1).
 *
 * Bootstrap (Efron and Tibshirani): each trial draws as many queries as
 * there are, with replacement, and takes the mean of their d.  The
 * confidence interval is the percentile interval of those means; p is
 * the share of them that, shifted to centre on 0, are at least as far
 * from 0 as the observed mean, (hits + 1) / (trials + 1).
 *
 * Both draw from splitmix64 with the given seed: the same inputs give
 * the same figures.
 */
struct evsig_result {
	double	 diff;		/* mean of b - a */
	double	 p_random;	/* randomisation test, two-sided */
	double	 p_boot;	/* bootstrap, two-sided */
	double	 lo;		/* confidence interval of diff */
	double	 hi;
};

/*
 * Test n paired values a[i], b[i] (stride apart: value i of a is
 * a[i * stride]) with the given number of trials and confidence level
 * (0.95).  With n 0 the difference is 0 and both p are 1.
 */
void	 evsig_test(const double *a, const double *b, size_t n,
	    size_t stride, unsigned long trials, uint64_t seed,
	    double confidence, struct evsig_result *out);

#endif
