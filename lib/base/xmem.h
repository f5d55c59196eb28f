/* xmem.h -- allocators that end the program with status 4 on exhaustion */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_XMEM_H
#define ETV_XMEM_H

#include <stddef.h>

/*
 * Each behaves like its libc namesake but never returns NULL: when memory
 * runs out the program prints "out of memory" and exits with ETV_SYS.
 * The caller frees the result with free(3).  xmalloc(0) returns a unique
 * pointer.  xreallocarray checks nmemb * size for overflow.
 */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xmemdup(const void *, size_t);	/* adds a terminating NUL */

/*
 * Called when memory runs out; it must not return.  The default writes
 * "out of memory" to stderr and exits with status 4; diag sets a hook that
 * prints the program's name and flushes what it must first.  xmem and buf
 * call nothing else, so they stay the leaves of the base layer.
 */
extern void	(*xmem_oom)(void);

#endif
