/* rrun.h -- a resolve run: read, block, compare, train, score, cluster */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_RRUN_H
#define ETV_RRUN_H

#include <stdint.h>

#include "lib/json/record.h"
#include "lib/resolve/rmodel.h"

/* --stage */
enum {
	RSTAGE_NONE,		/* the whole run in this process */
	RSTAGE_KEYS,		/* records to blocking key lines */
	RSTAGE_PAIRS,		/* sorted key lines to scored pairs */
	RSTAGE_CLUSTERS,	/* pairs to decisions */
	RSTAGE_APPLY		/* records and decisions to the output */
};

struct rrun_config {
	struct rmodel	*model;		/* borrowed; trained in place */
	const char	*id_field;	/* the records' id */
	double		 threshold;	/* match probability of a link */
	int		 link;		/* --link: pairs across two inputs */
	const char	*link_a;	/* the first input's name */
	const char	*link_b;	/* the second input's name */
	const char	*against;	/* --against file, or NULL */
	const char	*pairs;		/* --pairs file, or NULL */
	double		 pairs_min;	/* --pairs-min */
	const char	*golden;	/* --golden file, or NULL */
	const char	*model_out;	/* --model-out file, or NULL */
	const char	*labels;	/* --labels file, or NULL */
	unsigned long	 max_cluster;	/* --max-cluster-size, 0: none */
	uint64_t	 max_pairs;	/* --max-pairs */
	uint64_t	 u_samples;	/* random pairs for u */
	uint64_t	 seed;		/* of the random pairs */
	int		 retrain;	/* train even a trained model */
	int		 stage;		/* RSTAGE_* */
	unsigned long	 part;		/* --part */
	const char	*decisions;	/* --decisions file (apply) */
	int		 jobs;		/* threads */
};

#define RRUN_CONFIG_INIT { .id_field = "id", .threshold = 0.9, \
	.max_cluster = 1000, .max_pairs = 50000000, .u_samples = 1000000, \
	.seed = 1, .part = 1, .jobs = 1 }

/*
 * Resolve every record of rd: write each (but those of --against) with
 * entity_id and match_score, and the files the configuration names.
 * Ends the program with ETV_USAGE for blocking that explodes or labels
 * that do not fit, ETV_DATA for malformed records, ETV_SYS for files it
 * cannot write.
 */
void	 rrun(const struct rrun_config *, struct rec_reader *rd);

#endif
