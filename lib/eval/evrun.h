/* evrun.h -- read a run of ranked hits and score each query */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_EVRUN_H
#define ETV_EVRUN_H

#include <stddef.h>

#include "lib/eval/evjudge.h"
#include "lib/eval/evmetric.h"
#include "lib/json/record.h"

/*
 * A run is either JSON-lines query records, each with its hits (what
 * etv-index query writes: {"id": Q, "hits": [{"id": D, "score": S},
 * ...]}), or a TREC run file, lines "QID Q0 DOC RANK SCORE TAG".  Each
 * line is taken by its first byte ('{' is JSON); a run holds one form.
 *
 * A query's hits are ranked by score, highest first, ties broken by
 * document id in descending byte order, as trec_eval does; the ranks a
 * run gives are ignored.  When a JSON query has a hit without a number
 * for its score, its hits keep the order they come in.  A document
 * found twice keeps its best rank and the later hits are dropped
 * (trec_eval refuses such a run).  With by set, each hit stands for a
 * document: its member by, or its id up to the last '#' (a chunk of
 * etv-chunk is "DOC#SEQ"), and the best-ranked hit of each document
 * stands for it.
 *
 * Queries are those with judgments, as trec_eval -c counts them: a
 * judged query that the run lacks, or that has no hits, scores 0 on
 * every metric; a query of the run with no judgment is left out.
 */

/* The forms of a run. */
enum {
	EVRUN_AUTO,		/* each line by its first byte */
	EVRUN_JSON,		/* JSON-lines query records */
	EVRUN_TREC		/* a TREC run file */
};

/* How a run is read and scored. */
struct evrun_config {
	struct evm_spec	 spec;		/* what to measure */
	const struct evjudge *judge;	/* judgments (--qrels), or NULL: each
					   query record's relevant member */
	const char	*id_field;	/* a query record's id member */
	const char	*hits_field;	/* its hits member */
	const char	*relevant_field; /* its judgments member */
	const char	*by;		/* fold hits into documents, or NULL */
	int		 format;	/* EVRUN_* */
	int		 jobs;		/* threads */
};

/* What a run held. */
struct evrun_counts {
	size_t		 queries;	/* queries evaluated */
	size_t		 no_relevant;	/* of which, with no relevant judgment */
	size_t		 no_hits;	/* of which, missing or without hits */
	size_t		 unjudged;	/* run queries left out, unjudged */
	unsigned long long hits;	/* hits ranked, over every query */
	unsigned long long dropped;	/* hits dropped: a document again */
};

struct evrun;

/*
 * Read the run from rd and score its queries.  Malformed lines are
 * handled by the reader's rules (the first one ends the program with
 * ETV_DATA unless there is a rejects file); a query given twice is
 * malformed.  A TREC run without judgments is a usage error.  Never
 * NULL; free with evrun_free.
 */
struct evrun *evrun_read(const struct evrun_config *, struct rec_reader *rd);

/* The counts of the run. */
const struct evrun_counts *evrun_counts(const struct evrun *);

/*
 * The evaluated queries, in byte order of their ids: query i's id
 * (NUL-terminated) and its evm_width(spec) values.
 */
const char *evrun_qid(const struct evrun *, size_t i);
const double *evrun_values(const struct evrun *, size_t i);

/* The value i of query qid, or NULL when the run did not evaluate it. */
const double *evrun_find(const struct evrun *, const char *qid);

/* The mean of each value over the evaluated queries (0 when none). */
void	 evrun_mean(const struct evrun *, double *out);

/* Free the run; NULL is accepted. */
void	 evrun_free(struct evrun *);

#endif
