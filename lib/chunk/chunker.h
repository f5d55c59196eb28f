/* chunker.h -- split a text into chunks on natural boundaries */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CHUNKER_H
#define ETV_CHUNKER_H

#include <stddef.h>

#include "lib/chunk/bpe.h"

/*
 * The chunker cuts a text into chunks of at most `size` units, each a
 * span [start, end) of the text's bytes with no white space at either
 * edge, cut only at grapheme cluster boundaries.  A cluster is white space
 * only when all its code points are: a space with a combining mark after
 * it is a character of a word (and may start a chunk), so that every
 * character but white space is in some chunk.
 *
 * Boundaries, from the best: end of text, section (a Markdown heading
 * starts after it), paragraph (a blank line), line ending a sentence,
 * line, sentence (sentence.h), clause, word (white space, or between two
 * characters of a script written without spaces: Han, kana, Thai, Lao,
 * Khmer, Myanmar).  A line break inside a sentence of wrapped prose (a
 * line of 40 bytes or more ending in a letter or comma, the next starting
 * with a lowercase letter) is white space.
 *
 * A chunk starting at s ends at the boundary of the best level that fits
 * in `size` and leaves the chunk at least `min_size` units long, the
 * furthest one of that level; when no level leaves
 * min_size, it ends at the furthest boundary that fits.  A word longer
 * than `size` is cut at grapheme boundaries into chunks flagged `forced`;
 * a single grapheme cluster longer than `size` becomes a forced chunk of
 * its own, the only case where a chunk exceeds the size.
 *
 * Overlap: the next chunk starts at the earliest boundary (word or
 * better) inside the previous chunk such that the previous chunk's tail
 * from there measures at most `overlap` units; it starts later when that
 * start would leave the chunk no room to reach past the previous end, and
 * right at the end of the previous chunk when there is no such boundary
 * (always after a forced chunk).
 *
 * Units: CHUNK_CHARS counts Unicode code points, CHUNK_GRAPHEMES extended
 * grapheme clusters, CHUNK_WORDS white-space separated words (each
 * character of a script written without spaces is a word), CHUNK_TOKENS
 * tokens of the tokenizer in `bpe`, counted exactly on the chunk's own
 * text, or, without one, an estimate meant as an upper bound of the
 * r50k, p50k, cl100k and o200k counts of real text: each character costs
 * by its class, with a premium for starting a run of its class (see
 * est_char() in chunker.c for the costs), rounded up.  Either way a
 * chunk's size is that of its own text.
 */
enum chunk_unit {
	CHUNK_CHARS,
	CHUNK_GRAPHEMES,
	CHUNK_WORDS,
	CHUNK_TOKENS
};

struct chunk_opts {
	enum chunk_unit	 unit;		/* the sizing unit */
	size_t		 size;		/* largest chunk, in units, >= 1 */
	size_t		 min_size;	/* preferred smallest chunk, <= size */
	size_t		 overlap;	/* tail repeated, in units, < size */
	const struct bpe *bpe;		/* tokenizer for CHUNK_TOKENS, or NULL
					   for the estimate; borrowed */
};

/* One chunk of the text last split. */
struct chunk {
	size_t		 start;		/* byte offset of its first byte */
	size_t		 end;		/* byte offset after its last byte */
	size_t		 size;		/* its size in the unit */
	int		 forced;	/* cut inside a word, or oversize */
	size_t		 path;		/* first heading of its path in the
					   chunker's path array */
	size_t		 npath;		/* headings in its path */
};

/* A heading of a chunk's path: a span of the text. */
struct chunk_span {
	size_t		 off;		/* byte offset of the heading text */
	size_t		 len;		/* its length */
};

struct chunker;

/* The longest text chunker_split() takes, in bytes (1 GiB - 1). */
#define CHUNKER_MAX_TEXT	(((size_t)1 << 30) - 1)

/*
 * A chunker with the given options (copied), for one thread.  The caller
 * frees it with chunker_free().  Exits with ETV_SYS on OOM.
 */
struct chunker *chunker_new(const struct chunk_opts *);
void	 chunker_free(struct chunker *);

/*
 * Split p[0..n) (valid UTF-8, at most CHUNKER_MAX_TEXT bytes: exits
 * with ETV_SYS on a longer one).  With markdown set, front
 * matter is skipped, code blocks and tables are kept whole when they fit,
 * and each chunk gets the path of headings in force at its start.
 * Returns the number of chunks (0 for a text of only white space) and
 * stores the array in *out, borrowed until the next call.
 */
size_t	 chunker_split(struct chunker *, const char *p, size_t n,
	    int markdown, const struct chunk **out);

/*
 * The heading path of a chunk returned by the last split: an array of
 * ch->npath spans, outermost first, borrowed until the next split; NULL
 * when ch->npath is 0.
 */
const struct chunk_span *chunker_path(const struct chunker *,
	    const struct chunk *ch);

#endif
