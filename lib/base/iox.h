/* iox.h -- checked I/O, quiet SIGPIPE, atomic file replace, writer locks */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_IOX_H
#define ETV_IOX_H

#include <stddef.h>
#include <stdio.h>

/* Write n bytes to fp or die as diag_write_failed (diag.h) does. */
void	 iox_write(FILE *, const void *, size_t n);

/*
 * Length-prefixed parts of a file a program writes for itself (a spill
 * file): iox_write_part writes the length of p[0..n) (under 4 GiB) and
 * the bytes, as iox_write does; iox_read_part reads the next part into
 * b (reset first, NUL-terminated) and ends the program with ETV_SYS
 * ("temporary file: ...") when it cannot.
 */
struct buf;
void	 iox_write_part(FILE *, const void *p, size_t n);
void	 iox_read_part(FILE *, struct buf *b);

/*
 * An anonymous temporary file for spilling, opened "w+" in $TMPDIR (or
 * /tmp) and already unlinked, so that nothing is left behind whatever
 * way the program ends.  Returns NULL with errno set on failure.
 */
FILE	*iox_tmpfile(void);

/*
 * Read a whole file ("-" is stdin) into memory.  Returns the bytes, NUL
 * terminated, which the caller frees with free(3), and stores the length
 * in *lenp; returns NULL with errno set on failure.
 */
char	*iox_slurp(const char *path, size_t *lenp);

/*
 * Atomic replacement of a file.  iox_atomic_open creates a temporary file
 * "path.tmpXXXXXX" in the directory of path and returns 0, or -1 with
 * errno set.  When path is a symbolic link, the file it points to is the
 * one replaced (the link stays).  A file being replaced lends its mode,
 * owner and group to the new one, as far as the process may (the group
 * bits are dropped when the group cannot be kept); a new file gets 0666
 * less the umask.  A file that is not writable, for the process or for
 * its owner (chmod a-w: not replaced even by root), is refused with
 * EACCES, a directory with EISDIR and any other non-regular file with
 * EINVAL.  Write through fp; iox_atomic_commit flushes, fsyncs, renames
 * over path and fsyncs the directory, returning 0 or -1 (the temporary
 * file is removed and path is untouched on failure).  iox_atomic_abort
 * removes the temporary file.  A crash at any point leaves path old or
 * new, never mixed, and maybe a temporary file that iox_atomic_sweep
 * removes.
 */
struct iox_atomic {
	char	*path;		/* final name, links followed; owned */
	char	*tmp;		/* temporary name; owned */
	FILE	*fp;		/* open on tmp until commit or abort */
};

int	 iox_atomic_open(struct iox_atomic *, const char *path);
int	 iox_atomic_commit(struct iox_atomic *);
void	 iox_atomic_abort(struct iox_atomic *);

/*
 * Remove the temporary files that writers of path (links followed) killed
 * before their commit or abort left behind: regular files named
 * "path.tmpXXXXXX".  Call it only while holding iox_lock(path) and when
 * every writer of path takes that lock (iox_lock calls it).  Returns the
 * number removed, or -1 with errno set when the directory cannot be read.
 */
int	 iox_atomic_sweep(const char *path);

/*
 * Take the writer lock of path: an exclusive flock(2) on "path.lock"
 * (path with symbolic links followed, so that every name of a file has
 * one lock), created as needed and never opened through a link
 * (O_NOFOLLOW).  With wait 0 it fails at once when another process holds
 * it.  Once held, the temporary files of path that a killed writer left
 * are removed (iox_atomic_sweep).  Returns a descriptor for iox_unlock,
 * or -1 with errno set.  Readers never take this lock.
 */
int	 iox_lock(const char *path, int wait);
void	 iox_unlock(int fd);

#endif
