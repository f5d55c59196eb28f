/* embed.h -- the embedding backends behind one interface */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_EMBED_H
#define ETV_EMBED_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * A model is named by a spec, as given to --model:
 *   hash              the built-in feature-hashing embedder (hashembed.h)
 *   model2vec:DIR     a static embedding model directory (model2vec.h)
 *   openai:NAME       a model served by an OpenAI-compatible endpoint;
 *                     the requests themselves are made by http.h
 * The local backends (hash, model2vec) embed one text at a time through
 * embed_text() and may be called from several threads at once, each with
 * its own scratch; the remote one is driven by the caller in batches.
 */
enum embed_backend {
	EMBED_HASH,		/* built-in, offline */
	EMBED_MODEL2VEC,	/* local static model */
	EMBED_OPENAI		/* remote /v1/embeddings */
};

/* What the options say about the model, besides its spec. */
struct embed_params {
	size_t		 hash_dims;	/* --dims for hash (default 384) */
	size_t		 dimensions;	/* --dimensions for openai, 0 = any */
	size_t		 max_tokens;	/* model2vec truncation (512) */
	const char	*url;		/* openai endpoint; borrowed */
};

struct model2vec;

struct embed_model {
	enum embed_backend backend;	/* which backend */
	size_t		 dims;		/* vector size; 0 = not known yet */
	char		*name;		/* embedding_model value; owned */
	char		*key;		/* cache identity, no secrets; owned */
	char		*remote;	/* openai model name; owned */
	char		*url;		/* openai endpoint URL; owned */
	struct model2vec *m2v;		/* loaded model2vec model, or NULL */
};

/*
 * Open the model named by spec.  Returns ETV_OK and stores a model the
 * caller frees with embed_close() in *mp; otherwise returns ETV_USAGE
 * (a bad spec) or ETV_SYS (a model that cannot be loaded) with a message
 * in err.
 */
int	 embed_open(struct embed_model **mp, const char *spec,
	    const struct embed_params *, struct buf *err);

/*
 * Set the vector size of a remote model once the server has told it, and
 * rename the model accordingly ("openai:NAME/DIMS").
 */
void	 embed_set_dims(struct embed_model *, size_t dims);

/* Free a model.  NULL is accepted. */
void	 embed_close(struct embed_model *);

/* Per-thread working memory of a local backend; opaque. */
struct embed_scratch;

/* New working memory for m; never NULL. */
struct embed_scratch *embed_scratch_new(const struct embed_model *m);

/* Free working memory.  NULL is accepted. */
void	 embed_scratch_free(struct embed_scratch *);

/*
 * Embed text[0..len) with a local backend into out[0..m->dims).  Returns
 * the number of features (hash) or tokens (model2vec) the text gave: 0
 * means the vector is zero.  Must not be called for EMBED_OPENAI.
 */
size_t	 embed_text(const struct embed_model *m, struct embed_scratch *,
	    const char *text, size_t len, float *out);

#endif
