/* jsregex.h -- ECMA-262 regular expressions for JSON Schema, on pcre2 */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JSREGEX_H
#define ETV_JSREGEX_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * A compiled ECMA-262 pattern, as JSON Schema's "pattern" and
 * "patternProperties" use them (with the "u" flag, unanchored).  The
 * pattern is translated to PCRE2 syntax where the two differ: "." does not
 * match line terminators, \s and \S take ECMA's white space set, \d and \w
 * stay ASCII, \u escapes (four digits or in braces) and surrogate pairs
 * become code points, "[^]" matches anything and "[]" nothing, "$"
 * matches only at the end.
 * Matching runs under a match and depth limit (1000000 steps), so that a catastrophically
 * backtracking pattern fails with -1 instead of hanging.
 */
struct jsre;

/*
 * Compile pattern p[0..n).  Returns a new object freed with jsre_free, or
 * NULL with the reason in err (may be NULL) when the pattern is invalid.
 */
struct jsre *jsre_compile(const char *p, size_t n, struct buf *err);

/*
 * Search s[0..n) (valid UTF-8) for a match.  Returns 1 on a match, 0 when
 * there is none, -1 when the match limit was hit or matching failed.
 * Safe to call from several threads at once.
 */
int	 jsre_search(const struct jsre *, const char *s, size_t n);

/* Free a pattern; NULL is accepted. */
void	 jsre_free(struct jsre *);

#endif
