/* sigfile.c -- signature files: what a dedupe run kept, for the next */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/iox.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/sigfile.h"

#define MAGIC	"etv-dedupe signatures 1\n"

struct sigfile {
	FILE		*fp;		/* the file read, or the atomic's */
	struct iox_atomic at;		/* when writing */
	int		 writing;	/* at is open */
	const char	*path;		/* for messages; borrowed */
	unsigned long	 count;		/* entries */
};

struct sigfile *
sigfile_open(const char *path, struct buf *params, struct buf *err)
{
	struct sigfile *sf;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		buf_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((n = getline(&line, &cap, fp)) < 0 || strcmp(line, MAGIC) != 0 ||
	    (n = getline(&line, &cap, fp)) <= 0 || line[n - 1] != '\n') {
		buf_fail(err, "%s: not a signature file of etv-dedupe", path);
		free(line);
		fclose(fp);
		errno = EINVAL;
		return NULL;
	}
	buf_reset(params);
	buf_add(params, line, (size_t)n - 1);
	free(line);
	sf = xcalloc(1, sizeof(*sf));
	sf->fp = fp;
	sf->path = path;
	return sf;
}

/* Read a length and that many bytes; 1, 0 at a clean end, -1. */
static int
sigfile_part(FILE *fp, struct buf *b, int first)
{
	unsigned char c[4];
	size_t n, got;

	if ((got = fread(c, 1, 4, fp)) != 4)
		return got == 0 && first && !ferror(fp) ? 0 : -1;
	n = (size_t)c[0] | (size_t)c[1] << 8 | (size_t)c[2] << 16 |
	    (size_t)c[3] << 24;
	buf_reset(b);
	buf_grow(b, n);
	if (fread(b->data, 1, n, fp) != n)
		return -1;
	b->len = n;
	b->data[n] = '\0';
	return 1;
}

int
sigfile_next(struct sigfile *sf, struct buf *id, struct buf *sketch,
    struct buf *err)
{
	int rv;

	if ((rv = sigfile_part(sf->fp, id, 1)) == 0)
		return 0;
	if (rv < 0 || sigfile_part(sf->fp, sketch, 0) < 0)
		return buf_fail(err, "%s: %s after %lu entries", sf->path,
		    ferror(sf->fp) ? strerror(errno) : "cut short", sf->count);
	sf->count++;
	return 1;
}

struct sigfile *
sigfile_create(const char *path, const char *params, struct buf *err)
{
	struct sigfile *sf = xcalloc(1, sizeof(*sf));

	if (iox_atomic_open(&sf->at, path) < 0) {
		buf_fail(err, "%s: %s", path, strerror(errno));
		free(sf);
		return NULL;
	}
	sf->writing = 1;
	sf->fp = sf->at.fp;
	sf->path = path;
	iox_write(sf->fp, MAGIC, strlen(MAGIC));
	iox_write(sf->fp, params, strlen(params));
	iox_write(sf->fp, "\n", 1);
	return sf;
}

static void
sigfile_put(FILE *fp, const void *p, size_t n)
{
	unsigned char c[4] = { (unsigned char)n, (unsigned char)(n >> 8),
	    (unsigned char)(n >> 16), (unsigned char)(n >> 24) };

	iox_write(fp, c, 4);
	iox_write(fp, p, n);
}

void
sigfile_add(struct sigfile *sf, const char *id, size_t idlen,
    const void *sketch, size_t n)
{
	sigfile_put(sf->fp, id, idlen);
	sigfile_put(sf->fp, sketch, n);
	sf->count++;
}

int
sigfile_commit(struct sigfile *sf, struct buf *err)
{
	int rv = 0;

	if (iox_atomic_commit(&sf->at) < 0)
		rv = buf_fail(err, "%s: %s", sf->path, strerror(errno));
	sf->writing = 0;
	sf->fp = NULL;
	return rv;
}

void
sigfile_close(struct sigfile *sf)
{
	if (sf == NULL)
		return;
	if (sf->writing)
		iox_atomic_abort(&sf->at);
	else if (sf->fp != NULL)
		fclose(sf->fp);
	free(sf);
}

unsigned long
sigfile_count(const struct sigfile *sf)
{
	return sf->count;
}
