/* model2vec.h -- static embedding models (model2vec format), locally */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_MODEL2VEC_H
#define ETV_MODEL2VEC_H

#include <stddef.h>

/*
 * A model directory as model2vec publishes it (potion-base-8M, ...):
 *   model.safetensors  tensor "embeddings" (or the sentence-transformers
 *                      name "embedding.weight"), [rows, dims], F32, F16,
 *                      BF16 or I8; optional "weights" [vocab] (a factor
 *                      per token) and "mapping" [vocab] (token id to row)
 *   tokenizer.json     a WordPiece tokenizer (wordpiece.h)
 *   config.json        optional; "normalize": true asks for unit vectors
 * The weights file is mapped, not copied.  A text's embedding is the mean
 * of the rows of its tokens (each times its weight), unknown tokens left
 * out and at most max_tokens tokens used, L2-normalised when the config
 * says so; a text without tokens gives the zero vector.
 */
struct model2vec;
struct model2vec_scratch;

/*
 * Load the model in dir.  Returns it, or NULL with a message in err when a file is missing, unreadable, truncated or
 * inconsistent.  Free with model2vec_close().
 */
struct model2vec *model2vec_open(const char *dir, size_t max_tokens,
	    struct buf *err);

/* Free a model.  NULL is accepted. */
void	 model2vec_close(struct model2vec *);

/* The vector size. */
size_t	 model2vec_dims(const struct model2vec *);

/*
 * A digest of the model's files ("xxh3:<16 hex>"), which changes when the
 * weights, the tokenizer or the config change.  Borrowed from the model.
 */
const char *model2vec_digest(const struct model2vec *);

/* Per-thread working memory; never NULL.  NULL is accepted by free. */
struct model2vec_scratch *model2vec_scratch_new(const struct model2vec *);
void	 model2vec_scratch_free(struct model2vec_scratch *);

/*
 * Embed text[0..len) into out[0..dims).  Returns the number of tokens
 * used (0: out is the zero vector).
 */
size_t	 model2vec_run(const struct model2vec *, struct model2vec_scratch *,
	    const char *text, size_t len, float *out);

#endif
