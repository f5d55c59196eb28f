/* embedrec.h -- the record loop of every embedding backend */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_EMBEDREC_H
#define ETV_EMBEDREC_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/embed/embed.h"
#include "lib/json/record.h"

/*
 * Records go through a model in input order, whatever the backend.  The
 * caller says what a record needs (embedrec_ops.read) and writes it with
 * its vector (embedrec_ops.write); embedrec_run does the rest:
 *   - a local model (hash, model2vec) without a cache embeds each record
 *     in worker threads (lib/json/pool.h);
 *   - a remote model, or any model with a cache, reads records into
 *     batches; a batch's texts that are not cached go to the model in one
 *     request of at most `batch` texts and `batch_chars` characters (or,
 *     for a local model, are embedded at once), `concurrency` requests in
 *     flight; batches are written in input order (lib/base/crew.h), each
 *     once all its vectors are known, and the new vectors are stored in
 *     the cache.
 */
struct embedrec_params {
	int		 jobs;		/* threads of a local model, >= 1 */
	size_t		 batch;		/* texts per request, at most */
	size_t		 batch_chars;	/* characters per request, at most */
	int		 concurrency;	/* requests in flight, at most */
	double		 timeout;	/* limit of one request, seconds */
	int		 retries;	/* retries of a failed request */
	size_t		 dimensions;	/* vector size to ask for, 0 = any */
	const char	*key;		/* API key, or NULL; borrowed */
	const char	*cache;		/* cache file, or NULL; borrowed */
};

/* What a record needs. */
enum embedrec_need {
	EMBEDREC_NONE,		/* nothing (it was malformed) */
	EMBEDREC_EMPTY,		/* a zero vector: its text is empty */
	EMBEDREC_TEXT		/* the vector of its input */
};

/* One record's needs, and then its vector. */
struct embedrec {
	json_t		*rec;		/* parsed record, or NULL; owned */
	enum embedrec_need need;	/* what it needs */
	const char	*input;		/* EMBEDREC_TEXT: text to embed */
	size_t		 inlen;		/* its length */
	const float	*vec;		/* for write: the vector, or NULL */
	size_t		 dims;		/* its size */
	const char	*why;		/* for write: why there is no vector */
};

/*
 * The caller's part.  read is given an item holding a new line: it
 * parses it (rejecting a malformed one through the item), and sets rec,
 * need and, for EMBEDREC_TEXT, input (borrowed until the next read by the
 * same worker).  write writes the record: vec is its vector (zero for
 * EMBEDREC_EMPTY), or NULL with the reason in why (its request failed, or
 * the vector size of an empty text is not known).  rec is released after
 * write.  fail is called before the records of a batch whose request
 * failed are written, with the batch's first item and the reason (the
 * caller may end the run).  With a local model and no cache, read and
 * write run in worker threads (worker is 0 .. jobs-1; see pool.h for the
 * rules); otherwise every call is made in the calling thread, worker 0.
 */
struct embedrec_ops {
	void	(*read)(struct rec_item *, struct embedrec *, int worker,
		    void *arg);
	void	(*write)(struct rec_item *, struct embedrec *, int worker,
		    void *arg);
	void	(*fail)(const struct rec_item *first, const char *why,
		    void *arg);
};

/*
 * Read every line of rd, embed the records with m and write them in
 * order.  When a remote model tells its vector size, m is renamed
 * (embed_set_dims) before the first record with a vector is written.  A
 * cache that cannot be used (a full disk, a damaged file) is warned
 * about and done without.  When an item is fatal the program exits
 * through diag_finish() with its status.  Returns 0 at the end of input,
 * or -1 with a message in err when the cache file cannot be opened.
 */
int	 embedrec_run(struct embed_model *m, const struct embedrec_params *,
	    struct rec_reader *rd, const struct embedrec_ops *, void *arg,
	    struct buf *err);

#endif
