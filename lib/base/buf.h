/* buf.h -- growable byte buffer */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_BUF_H
#define ETV_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable byte buffer.  data is never NULL and always NUL-terminated,
 * so it can be passed to functions taking a C string; len does not count
 * the NUL.  An empty buffer's data is a shared "" that must not be written
 * (cap is 0 until the first grow).  Initialise with BUF_INIT or buf_init;
 * release with buf_release.
 */
struct buf {
	char	*data;		/* the bytes; owned unless cap is 0 */
	size_t	 len;		/* bytes in use */
	size_t	 cap;		/* bytes allocated; 0: data is buf_empty */
};

extern char	buf_empty[];
#define BUF_INIT	{ buf_empty, 0, 0 }

/* Make b an empty buffer (as BUF_INIT), for one not statically initialised. */
void	 buf_init(struct buf *b);

/* Make room for at least n more bytes.  Exits with status 4 on OOM. */
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

/*
 * The error idiom of lib/: a function that can fail takes a struct buf
 * *err last, and on failure replaces its contents with a message (no
 * program name, no trailing newline) and returns -1 or NULL; the caller
 * decides how to report it.  A buffer, unlike a fixed char array, never
 * truncates a message that names a file or quotes a value, and unlike a
 * static string it can say which one.  buf_fail writes the message and
 * returns -1, so that a function can end with "return buf_fail(err, ...)".
 * err may be NULL (the message is dropped).
 */
int	 buf_fail(struct buf *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
