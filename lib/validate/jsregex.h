/* jsregex.h -- ECMA-262 regular expressions for JSON Schema, on pcre2 */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_JSREGEX_H
#define ETV_JSREGEX_H

#include <stddef.h>

/*
 * A compiled ECMA-262 pattern, as JSON Schema's "pattern" and
 * "patternProperties" use them (with the "u" flag, unanchored).  The
 * pattern is translated to PCRE2 syntax where the two differ: "." does not
 * match line terminators, \s and \S take ECMA's white space set, \d and \w
 * stay ASCII, \u escapes (four digits or in braces) and surrogate pairs
 * become code points, "[^]" matches anything and "[]" nothing, "$"
 * matches only at the end.
 * Matching runs under a match and depth limit, so that a catastrophically
 * backtracking pattern fails with -1 instead of hanging.
 */
struct jsre;

/*
 * Compile pattern p[0..n).  Returns a new object freed with jsre_free, or
 * NULL when the pattern is invalid; then err (errlen bytes, may be NULL)
 * holds the reason.
 */
struct jsre *jsre_compile(const char *p, size_t n, char *err, size_t errlen);

/*
 * Search s[0..n) (valid UTF-8) for a match.  Returns 1 on a match, 0 when
 * there is none, -1 when the match limit was hit or matching failed.
 * Safe to call from several threads at once.
 */
int	 jsre_search(const struct jsre *, const char *s, size_t n);

/* The pattern as given (NUL-terminated; borrowed). */
const char *jsre_source(const struct jsre *);

/* Free a pattern; NULL is accepted. */
void	 jsre_free(struct jsre *);

/* The match limit (pcre2 match and depth limits): default 1000000. */
void	 jsre_set_limit(unsigned long);

#endif
