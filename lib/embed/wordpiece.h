/* wordpiece.h -- BERT-style WordPiece tokenizer from a tokenizer.json */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_WORDPIECE_H
#define ETV_WORDPIECE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"

/*
 * A tokenizer as Hugging Face tokenizers saves it (tokenizer.json) with
 * model type "WordPiece", the BERT normaliser and the BERT pre-tokenizer:
 *
 *   normaliser: drop U+0000, U+FFFD and control characters, turn white
 *     space into ' ' (clean_text); put spaces around CJK ideographs
 *     (handle_chinese_chars); NFD and drop non-spacing marks
 *     (strip_accents, which defaults to lowercase); lower-case.
 *   pre-tokenizer: split on white space (dropped) and around every
 *     punctuation character (kept as a word of its own).
 *   model: greedy longest-match-first pieces, continuations looked up
 *     with the "##" prefix; a word with no segmentation, or longer than
 *     max_input_chars_per_word characters, is the unknown token.
 *
 * Missing normaliser options take the BERT defaults.  Special tokens are
 * not added.
 */
struct wordpiece;
struct wordpiece_scratch;

/*
 * Load a tokenizer.json.  Returns it, or NULL with a message in err when
 * the file cannot be read or is not a WordPiece tokenizer.  Free with wordpiece_free().
 */
struct wordpiece *wordpiece_load(const char *path, struct buf *err);

/* Free a tokenizer.  NULL is accepted. */
void	 wordpiece_free(struct wordpiece *);

/* One more than the largest token id. */
size_t	 wordpiece_vocab_size(const struct wordpiece *);

/*
 * Per-thread working memory; never NULL.  NULL is accepted by free.  It
 * remembers the pieces of recent words (a few megabytes at most) to
 * tokenise the next texts faster; no result depends on it.
 */
struct wordpiece_scratch *wordpiece_scratch_new(void);
void	 wordpiece_scratch_free(struct wordpiece_scratch *);

/*
 * Tokenise text[0..len) (valid UTF-8) and return its token ids, at most
 * max of them, in ids[]; with skip_unk the unknown token is left out
 * (and does not count towards max).  Returns the number of ids stored.
 */
size_t	 wordpiece_encode(const struct wordpiece *,
	    struct wordpiece_scratch *, const char *text, size_t len,
	    int skip_unk, int32_t *ids, size_t max);

#endif
