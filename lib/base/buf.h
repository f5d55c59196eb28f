/* buf.h -- growable byte buffer */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_BUF_H
#define ETV_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable byte buffer.  data is always NUL-terminated once anything was
 * added, so it can be passed to functions taking a C string; len does not
 * count the NUL.  Initialise with BUF_INIT; release with buf_release.
 */
struct buf {
	char	*data;		/* the bytes; owned, freed by buf_release */
	size_t	 len;		/* bytes in use */
	size_t	 cap;		/* bytes allocated */
};

#define BUF_INIT	{ NULL, 0, 0 }

/* Make room for at least n more bytes.  Exits with ETV_SYS on OOM. */
void	 buf_grow(struct buf *, size_t n);

/* Append n bytes, a C string, one byte, or printf-formatted text. */
void	 buf_add(struct buf *, const void *, size_t n);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, int);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list);

/* Forget the contents but keep the memory. */
void	 buf_reset(struct buf *);

/* Free the memory; the buffer is BUF_INIT again.  NULL is accepted. */
void	 buf_release(struct buf *);

/*
 * Return the contents as a NUL-terminated string the caller frees with
 * free(3), and leave the buffer empty.  Never returns NULL.
 */
char	*buf_detach(struct buf *, size_t *lenp);

#endif
