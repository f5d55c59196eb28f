/* evreport.h -- summaries, comparisons and gates of evaluated runs */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_EVREPORT_H
#define ETV_EVREPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/eval/evrun.h"

/*
 * The summary of a run: {"queries", "no_relevant", "no_hits",
 * "unjudged", "hits", "dropped", "k", "gain", "min_relevance",
 * "metrics": {NAME: mean, ...}}.  A new reference.
 */
json_t	*evreport_summary(const struct evrun *, const struct evm_spec *);

/* One query's line: {"query_id", "metrics": {NAME: value, ...}}. */
json_t	*evreport_query(const struct evrun *, const struct evm_spec *,
	    size_t i);

/* How two runs are compared. */
struct evreport_tests {
	unsigned long	 trials;	/* of each test */
	uint64_t	 seed;		/* of the random draws */
	double		 confidence;	/* of the interval (0.95) */
};

/*
 * Compare run b with run a over the queries both evaluated:
 * {"a": SUMMARY, "b": SUMMARY, "compare": {"queries", "trials", "seed",
 * "confidence", "metrics": {NAME: {"a", "b", "diff", "p_random",
 * "p_bootstrap", "ci"}}}}, where a and b are the means over those
 * queries.  A new reference.
 */
json_t	*evreport_compare(const struct evrun *a, const struct evrun *b,
	    const struct evm_spec *, const struct evreport_tests *);

/*
 * Append to b the summary (or the comparison) as a table for people:
 * one metric a line, aligned, the counts below; a comparison shows both
 * means, the difference with an arrow, both p-values (starred under
 * 1 - confidence) and the interval.
 */
void	 evreport_table(struct buf *, const json_t *report);

/* A gate: a metric and a bound. */
struct evreport_gate {
	char		 name[40];	/* "ndcg@10" */
	double		 bound;		/* floor, or largest drop */
};

/*
 * Parse "recall@10=0.8,ndcg@10=0.6" into at most max gates, adding the
 * metrics and cut-offs they name to spec.  Returns the number of gates,
 * or -1 with the reason in err.
 */
int	 evreport_gates(const char *list, struct evm_spec *,
	    struct evreport_gate *, int max, struct buf *err);

/*
 * Check the gates against a summary: with base NULL, each metric must be
 * at least its bound (--fail-under); with base (a saved summary), it may
 * fall at most its bound below base's (--fail-drop).  Each failure is
 * printed as a diagnostic with status ETV_REJECT; a metric base lacks is
 * a usage error, reported with name, the baseline's file name.  Returns
 * the number of failures.
 */
int	 evreport_check(const json_t *summary, const json_t *base,
	    const char *name, const struct evreport_gate *, int n);

#endif
