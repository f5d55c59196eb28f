/* cp1252.h -- Windows-1252, as the Web reads "latin1", to UTF-8 */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_CP1252_H
#define ETV_CP1252_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The code point of a Windows-1252 byte: the Latin-1 meaning, except that
 * 0x80-0x9F are the printable characters Windows-1252 puts there (the
 * five it leaves undefined stay C1 controls), as the WHATWG Encoding
 * standard reads "iso-8859-1" and "latin1".
 */
int32_t	 cp1252_cp(int byte);

/*
 * Convert n bytes of Windows-1252 (read as above) to UTF-8.  Returns a new
 * NUL-terminated string the caller frees with free(3) and its length in
 * *lenp.  Exits with ETV_SYS on OOM.
 */
char	*cp1252_decode(const char *p, size_t n, size_t *lenp);

/*
 * Copy in to out, converting it as cp1252_decode does.  Returns 0, or -1
 * on a read or write error (errno set).
 */
int	 cp1252_stream(FILE *in, FILE *out);

#endif
