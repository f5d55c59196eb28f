/* rfs.h -- Fellegi-Sunter: estimating m, u and the prior; match weights */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RFS_H
#define ETV_RFS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/resolve/rblock.h"
#include "lib/resolve/rdata.h"
#include "lib/resolve/rmodel.h"

/*
 * The Fellegi-Sunter model (Fellegi and Sunter 1969) scores a pair by
 * its match weight: log2 of the prior odds plus, for each field, log2
 * (m / u) of the pair's level (0 for the null level).  Its match
 * probability is 1 / (1 + 2^-weight).  The parameters are estimated as
 * Splink estimates them, with no labels:
 *
 *   u  from pairs drawn at random (nearly all of them different
 *      entities), the share of each level among those with both values;
 *   m  by expectation maximisation (Dempster, Laird and Rubin 1977) over
 *      the candidate pairs of each blocking rule, u held fixed, leaving
 *      out the fields the rule blocks on (all of its pairs agree on
 *      them, which says nothing of m); the m of a field is the mean of
 *      its estimates over the rules that did not block on it;
 *   prior  the expected number of matches among the candidate pairs,
 *      by the same iteration with m and u fixed, over all pairs.
 *
 * Probabilities are kept in [RFS_FLOOR, 1 - RFS_FLOOR], so that no weight
 * is infinite.
 */
#define RFS_FLOOR	1e-6

/* Pairs drawn at random for u by default. */
#define RFS_U_SAMPLES	1000000

/* The records a mode pairs (RBLOCK_*): all pairs the run could compare. */
double	 rfs_all_pairs(const struct rdata *, int mode);

/*
 * The pairs u is estimated from: samples pairs drawn at random with
 * seed (the same pair may come twice), or every pair of the run when
 * there are no more than samples.  A new array of *np pairs (RBLOCK_PAIR).
 */
uint64_t *rfs_sample(const struct rdata *, int mode, uint64_t samples,
	    uint64_t seed, size_t *np);

/*
 * Estimate u of every field, and the patterns of every group, from the
 * levels of n sampled pairs, each counted weight[i] times (NULL: once).
 */
void	 rfs_estimate_u(struct rmodel *, const uint8_t *gamma, size_t n,
	    const double *weight);

/*
 * Keep in the model the term frequencies of its "tf" fields in d: the
 * values of two records or more, and the records with a value, which
 * rfs_weight uses for the records of later runs (so that a run with a
 * trained model, staged or not, weighs as the run that trained it); the
 * values of d weigh by the new tables from then on.
 */
void	 rfs_tf_tables(struct rmodel *, struct rdata *);

/*
 * The chance that each of n pairs is not a match, by the model as it
 * is (no term frequencies), into weight[]: among random pairs of a small
 * input, the matches are not few enough to ignore (10,000 records of
 * 4,000 people: one pair in 4,000 is a match, and more than half of the
 * pairs that share a phone number), so u is estimated again with them
 * weighed out.
 */
void	 rfs_nonmatch(const struct rmodel *, const uint8_t *gamma, size_t n,
	    double *weight);

/*
 * Estimate m of every field by EM over the candidate pairs (c, with the
 * levels gamma[i * nfield + f] of pair i).  A field every rule blocks on
 * keeps a default m (a line in report says so); each rule's iterations
 * and prior among its pairs go to report too.
 */
void	 rfs_estimate_m(struct rmodel *, const struct rcand *c,
	    const uint8_t *gamma, struct buf *report);

/*
 * Estimate m from labelled pairs: the levels of n pairs of the same
 * entity (gamma[i * nfield + f]).  A field with no level among them
 * keeps a default m.
 */
void	 rfs_m_from_matches(struct rmodel *, const uint8_t *gamma, size_t n);

/*
 * Estimate the prior from the candidate pairs, m and u fixed, all being
 * the number of pairs of the run.
 */
void	 rfs_estimate_prior(struct rmodel *, const struct rcand *c,
	    const uint8_t *gamma, double all);

/*
 * The match weight of records a and b with levels gamma; with fw not
 * NULL, each field's part goes to fw[f].  A field with "tf" weighs an
 * exact agreement on a value v as log2(m / share of v), the share among
 * the records with a value: by the model's table when it has one, else
 * by the records of d.
 */
double	 rfs_weight(const struct rmodel *, const struct rdata *, uint32_t a,
	    const uint8_t *gamma, double *fw);

/* The probability of a weight. */
double	 rfs_probability(double weight);

#endif
