/* batch.h -- records embedded in batches: remote requests and the cache */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_BATCH_H
#define ETV_BATCH_H

#include <stddef.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/embed/embed.h"
#include "lib/json/record.h"

/*
 * The record loop of a model behind an OpenAI-compatible endpoint, and of
 * any model with a cache.  Records are read into batches; a batch's texts
 * that are not cached go to the model in one request (or, for a local
 * model, are embedded at once), several requests in flight; batches are
 * written in input order (lib/base/crew.h), each once all its vectors
 * are known.  The caller says what a record needs (batch_ops.read) and
 * writes it with its vector (batch_ops.write); the batcher does the rest.
 */
struct batch_params {
	size_t		 batch;		/* texts per request, at most */
	size_t		 batch_chars;	/* characters per request, at most */
	int		 concurrency;	/* requests in flight, at most */
	double		 timeout;	/* time limit of one request, seconds */
	int		 retries;	/* retries of a failed request */
	size_t		 dimensions;	/* vector size to ask for, 0 = any */
	const char	*key;		/* API key, or NULL; borrowed */
	const char	*cache;		/* cache file, or NULL; borrowed */
};

/* What a record needs. */
enum batch_need {
	BATCH_NONE,		/* nothing (it was malformed) */
	BATCH_EMPTY,		/* a zero vector: its text is empty */
	BATCH_TEXT		/* the vector of its input */
};

/* One record on its way through a batch. */
struct batch_slot {
	struct rec_item	 it;		/* the line and its output */
	json_t		*rec;		/* parsed record or NULL; owned */
	enum batch_need	 need;		/* set by batch_ops.read */
	char		*input;		/* BATCH_TEXT: text to embed; owned */
	size_t		 inlen;		/* its length */
	const float	*vec;		/* for write: the vector, or NULL */
	size_t		 dims;		/* its size */
	const char	*why;		/* for write: why there is no vector */
	float		*cached;	/* vector found in the cache; owned */
	size_t		 call;		/* index of its text in the request */
};

/*
 * The caller's part, called in the calling thread.  read is given a slot
 * whose it holds a new line: it parses it (rejecting a malformed one
 * through it), sets rec and need, and for BATCH_TEXT the input (memory
 * from the x* allocators, freed by the batcher).  fail is called before
 * the records of a batch whose request failed are written, with the
 * batch's first item and the reason (the caller may stop the run).
 * write writes one record: vec is its vector (zero for BATCH_EMPTY), or
 * NULL with the reason in why (the request failed, or the vector size
 * of an empty text is not known).
 */
struct batch_ops {
	void	(*read)(struct batch_slot *, void *arg);
	void	(*fail)(const struct rec_item *first, const char *why,
		    void *arg);
	void	(*write)(struct batch_slot *, void *arg);
};

/*
 * Read every line of rd, embed them with m in batches and write them in
 * order.  When the remote model tells its vector size, m is renamed
 * (embed_set_dims).  A cache that cannot be used (a full disk, a damaged
 * file) is warned about and done without.  When an item is fatal the
 * program exits through diag_finish() with its status.  Returns 0 at the
 * end of input, or -1 with a message in err when the cache file cannot
 * be opened at all.
 */
int	 batch_run(struct embed_model *m, const struct batch_params *,
	    struct rec_reader *rd, const struct batch_ops *, void *arg,
	    struct buf *err);

#endif
