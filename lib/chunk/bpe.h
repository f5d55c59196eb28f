/* bpe.h -- byte-pair encoding with OpenAI .tiktoken rank files */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_BPE_H
#define ETV_BPE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"

/*
 * A tokenizer as OpenAI's tiktoken defines it: a pre-tokenizer (a regular
 * expression run with PCRE2 in UTF and UCP mode) cuts the text into pieces
 * and each piece is encoded on its own by merging adjacent byte sequences,
 * lowest rank first, while the merged sequence is in the rank table.
 * Special tokens such as "<|endoftext|>" are ordinary text here, as
 * tiktoken's encode_ordinary() treats them.
 *
 * A struct bpe is read-only once loaded and may be shared by threads;
 * each thread encodes through its own struct bpe_work.
 */
struct bpe;
struct bpe_work;

/* The largest rank a rank file may give (2^24 - 1). */
#define BPE_MAX_RANK	16777215u

/*
 * Load a rank file: one "base64(token bytes) rank" pair per line, the
 * base64 standard and padded, the rank a decimal number up to
 * BPE_MAX_RANK; blank lines are skipped.  Each token and each rank
 * appears once, and each of the 256 single bytes is a token (else some
 * text could not be encoded).  The pattern is chosen from the file name
 * (it contains "r50k", "p50k", "gpt2", "cl100k" or "o200k"), or else from
 * the size of the vocabulary (under 60000 tokens r50k, under 150000
 * cl100k, o200k above).  Returns NULL on failure with a message in err
 * and errno set: EINVAL for a malformed file, the message then
 * "FILE:LINE: ..." ("FILE: ..." when no one line is at fault), else the
 * reason the file could not be read.  The caller frees the result with
 * bpe_free().
 */
struct bpe *bpe_load(const char *path, struct buf *err);

/* Free a tokenizer.  NULL is accepted. */
void	 bpe_free(struct bpe *);

/* The name of its pattern: "r50k_base", "cl100k_base" or "o200k_base". */
const char *bpe_pattern_name(const struct bpe *);

/* Number of tokens in its rank table. */
size_t	 bpe_vocab(const struct bpe *);

/* The length in bytes of the token of a rank, or 0 for an unknown rank. */
size_t	 bpe_token_len(const struct bpe *, uint32_t rank);

/* Per-thread scratch state for encoding; free with bpe_work_free(). */
struct bpe_work *bpe_work_new(const struct bpe *);
void	 bpe_work_free(struct bpe_work *);

/*
 * Encode p[0..n), which must be valid UTF-8.  Returns the number of
 * tokens and, when ids is not NULL, stores a pointer to the token ranks in
 * *ids, borrowed until the next call on w.  Exits with ETV_SYS on OOM or
 * when the regular expression engine fails.
 */
size_t	 bpe_encode(struct bpe_work *w, const char *p, size_t n,
	    const uint32_t **ids);

/* The number of tokens of p[0..n), as bpe_encode() counts them. */
size_t	 bpe_count(struct bpe_work *w, const char *p, size_t n);

/*
 * Pre-tokenize p[0..n) and count the tokens of each piece.  Returns the
 * number of pieces; *starts receives their start offsets (ascending; each
 * piece ends where the next starts, the last at n) and *counts their
 * token counts, both borrowed until the next call on w.
 */
size_t	 bpe_pieces(struct bpe_work *w, const char *p, size_t n,
	    const size_t **starts, const uint32_t **counts);

/*
 * Count the tokens of the first pieces of p[0..n), taken as a text of its
 * own, until a piece ends at an offset that is in bounds[0..nb) (absolute
 * offsets, ascending; base is the absolute offset of p), trying at most
 * max pieces.  Returns the count and stores that piece's end (relative to
 * p) in *stop; *stop is 0 when no piece ended on a bound.  This lets a
 * caller that pre-tokenized a whole text count a slice of it from the
 * whole text's pieces: once the slice's pieces meet the text's, they are
 * the same up to the slice's last piece.
 */
size_t	 bpe_count_head(struct bpe_work *w, const char *p, size_t n,
	    const size_t *bounds, size_t nb, size_t base, size_t max,
	    size_t *stop);

/*
 * Merge one piece by rank, for tests: the tiktoken algorithm (a linear
 * scan for the lowest-ranked pair) when linear is set, else the priority
 * queue used for long pieces.  Both must give the same tokens.  Returns
 * the count; ranks as in bpe_encode().
 */
size_t	 bpe_merge_piece(struct bpe_work *w, const char *p, size_t n,
	    int linear, const uint32_t **ids);

#endif
