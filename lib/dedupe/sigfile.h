/* sigfile.h -- signature files: what a dedupe run kept, for the next */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_SIGFILE_H
#define ETV_SIGFILE_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * A signature file is a line "etv-dedupe signatures 1", a line of the
 * parameters the sketches were made with, then one entry a record: its
 * id and its sketch, each as a 32-bit little-endian length and the bytes.
 * It is written to a temporary file and renamed on commit: a crash leaves
 * the old file or the new one.
 */
struct sigfile;

/*
 * Open path for reading; its parameters line goes to params.  NULL with
 * the reason in err, errno EINVAL for a file that is not a signature
 * file.
 */
struct sigfile *sigfile_open(const char *path, struct buf *params,
	    struct buf *err);

/*
 * The next entry into id and sketch (replaced): 1, 0 at the end, -1 with
 * the reason in err for a truncated file or a read error.
 */
int	 sigfile_next(struct sigfile *, struct buf *id, struct buf *sketch,
	    struct buf *err);

/* Start writing path with a parameters line; NULL with err. */
struct sigfile *sigfile_create(const char *path, const char *params,
	    struct buf *err);

/* Add an entry (exits with ETV_SYS when the file cannot be written). */
void	 sigfile_add(struct sigfile *, const char *id, size_t idlen,
	    const void *sketch, size_t n);

/* Commit a file being written: -1 with err when it fails. */
int	 sigfile_commit(struct sigfile *, struct buf *err);

/* Close a file read, or abandon one being written.  NULL is accepted. */
void	 sigfile_close(struct sigfile *);

/* Entries read or written. */
unsigned long sigfile_count(const struct sigfile *);

#endif
