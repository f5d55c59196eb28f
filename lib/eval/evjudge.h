/* evjudge.h -- relevance judgments: which documents answer which query */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_EVJUDGE_H
#define ETV_EVJUDGE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/*
 * Judgments give each query the grade of some documents: 0 or less is
 * judged not relevant (trec_eval's -1, "in the pool but not judged",
 * counts as not relevant too), a grade at or above the run's lowest
 * relevant grade is relevant.  Queries are numbered 0, 1, 2 ... in the
 * order they are first judged.  After evjudge_finish the judgments are
 * read-only and may be shared by threads.
 */
struct evjudge;

/* No judgments.  Never NULL; free with evjudge_free. */
struct evjudge *evjudge_new(void);

/*
 * Judge doc[0..dn) for query q[0..qn) with grade.  Returns 0, or -1 when
 * the query has a judgment of that document already.
 */
int	 evjudge_add(struct evjudge *, const char *q, size_t qn,
	    const char *doc, size_t dn, long grade);

/*
 * Read the judgments of a file: JSON-lines {"query_id": Q, "id": DOC,
 * "relevance": N}, or TREC qrels lines "QID ITER DOC GRADE", each line
 * taken by its first byte ('{' is JSON).  Ids are strings or integers,
 * grades integers.  A malformed line or a document judged twice for a
 * query ends the program with ETV_DATA ("FILE:LINE: ..."), an unreadable
 * file with ETV_SYS.  max_line is the longest line read.
 */
void	 evjudge_read(struct evjudge *, const char *path, size_t max_line);

/* Make the judgments ready for lookups (sorts the grades). */
void	 evjudge_finish(struct evjudge *);

/* The number of queries judged. */
size_t	 evjudge_count(const struct evjudge *);

/* The number of query q[0..qn), or -1 when it has no judgment. */
long	 evjudge_query(const struct evjudge *, const char *q, size_t qn);

/* The id of query number q, NUL-terminated, its length in *n. */
const char *evjudge_qid(const struct evjudge *, uint32_t q, size_t *n);

/*
 * The grade query q gave doc[0..dn): returns 1 and stores it in *grade,
 * or returns 0 when the document was not judged for it.
 */
int	 evjudge_grade(const struct evjudge *, uint32_t q, const char *doc,
	    size_t dn, long *grade);

/*
 * Query q's judged grades in descending order, their number in *n (0
 * for a query with none).
 */
const long *evjudge_ideal(const struct evjudge *, uint32_t q, size_t *n);

/* Free the judgments; NULL is accepted. */
void	 evjudge_free(struct evjudge *);

/*
 * The text of an id given as a JSON value: a string's bytes, or an
 * integer's digits written to tmp.  Returns NULL for any other value.
 * The length goes to *n.
 */
const char *evjudge_id(const json_t *v, char tmp[24], size_t *n);

/*
 * Split a line of white-space separated fields: up to max fields'
 * starts go to f and lengths to fl.  Returns the number of fields on the
 * line (which may be more than max).
 */
size_t	 evjudge_split(const char *line, size_t len, const char **f,
	    size_t *fl, size_t max);

#endif
