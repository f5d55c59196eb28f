/* sentence.h -- rule-based sentence and clause boundaries */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_SENTENCE_H
#define ETV_SENTENCE_H

#include <stddef.h>

/*
 * Sentence ends are found by rules, not a model:
 *  - a terminator (. ! ? and the ellipsis, the Greek question mark, the
 *    Arabic and Urdu stops, the Devanagari danda), then any closing quotes
 *    or brackets, then white space or the end of the text, ends a sentence
 *    unless the next word starts with a lowercase letter, or the word
 *    before a "." is an abbreviation (a list of common English ones:
 *    "Mr.", "e.g.", "Fig."), a single letter (an initial, "J. Smith"), a
 *    word with inner dots ("U.S."), or a number at the start of a line
 *    (a list item: "1. Install");
 *  - the CJK full stops and marks (。！？ and their half- and full-width
 *    forms), with any closing brackets after them, end a sentence whatever
 *    follows, since CJK text puts no space between sentences.
 * The text must be valid UTF-8.
 */

/*
 * Does a sentence end at byte offset at of p[0..n) (0 < at <= n, at a
 * character boundary), that is, is p[0..at) the end of a sentence as the
 * rules above say?  at is where the terminator and its closers end.
 */
int	 sentence_end(const char *p, size_t n, size_t at);

/*
 * Does a clause end at offset at: after a comma, semicolon or colon
 * followed by white space, after a dash between spaces, or after a CJK
 * comma, enumeration comma, semicolon or colon?
 */
int	 sentence_clause_end(const char *p, size_t n, size_t at);

/*
 * The offset where the first sentence ending after from ends (the next
 * offset at > from with sentence_end()), or n when there is none.  Calling
 * it repeatedly from the previous result splits a text into sentences.
 */
size_t	 sentence_next(const char *p, size_t n, size_t from);

#endif
