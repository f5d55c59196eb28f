/* vecfile.c -- the etv index file: append-only segments, atomic commits */
/* SPDX-License-Identifier: MIT */

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "lib/base/buf.h"
#include "lib/base/clones.h"
#include "lib/base/diag.h"
#include "lib/base/hash.h"
#include "lib/index/hnsw.h"
#include "lib/index/lexpost.h"
#include "lib/base/iox.h"
#include "lib/base/progress.h"
#include "lib/embed/vecdist.h"
#include "lib/index/vecfile.h"
#include "lib/base/xmem.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the index file is little-endian and read in place: port the loader"
#endif

#define HEAD_SIZE	4096	/* the head: header and the two slots */
#define HDR_MAX		1024	/* room for the header */
#define SLOT0		1024	/* offset of commit slot 0 */
#define SLOT1		2048	/* offset of commit slot 1 */
#define ALIGN		64	/* sections and segments start here */

/* One segment as mapped. */
struct vf_seg {
	uint64_t	 off;		/* file offset of its header */
	uint64_t	 hdr;		/* bytes of its header, padded */
	uint64_t	 size;		/* bytes, header included */
	uint32_t	 n;		/* rows */
	uint32_t	 ntomb;		/* tombstones */
	const float	*vec;		/* n rows of dims floats */
	const uint64_t	*soff[VF_NSTR];	/* string tables: n + 1 offsets */
	const char	*sdat[VF_NSTR];	/* ... and their bytes */
	uint64_t	 slen[VF_NSTR];	/* ... and the byte counts */
	const void	*lex;		/* inverted index, or NULL */
	uint64_t	 lexlen;	/* its bytes */
	const uint32_t	*idtab;		/* id hash table: row + 1, 0 empty */
	uint64_t	 idcap;		/* its slots, a power of two or 0 */
	const uint32_t	*tomb;		/* ntomb pairs (segment, row) */
	struct hnsw_graph g;		/* its graph (n 0 when exact) */
	const int8_t	*q8;		/* int8 codes of the rows, or NULL */
	const float	*q8scale;	/* their scales */
	const float	*q8norm;	/* |row|^2 per row */
	uint64_t	 datasum;	/* checksum of its data */
	uint8_t		*dead;		/* bit per row deleted later; owned */
	uint32_t	 ndead;		/* rows marked in dead */
};

/* An open index: a read-only mapping of one committed version. */
struct vf_index {
	char		*path;		/* file name; owned */
	int		 fd;		/* open descriptor */
	unsigned char	*map;		/* mapping of [0, length); owned */
	uint64_t	 length;	/* committed length */
	uint64_t	 seq;		/* commit sequence number */
	int		 slot;		/* commit slot in use, 0 or 1 */
	struct vf_meta	 meta;		/* the header */
	uint32_t	 nseg;		/* segments */
	struct vf_seg	*seg;		/* segments, oldest first; owned */
	uint64_t	 rows;		/* rows in all segments */
	uint64_t	 live;		/* rows not deleted */
	int		 writable;	/* opened with VF_WRITE */
	int		 version;	/* format: 1 or VF_VERSION */
};

/* Whether row of segment s is deleted. */
static int
seg_dead(const struct vf_seg *s, uint32_t row)
{
	return (s->dead[row / 8] >> (row % 8)) & 1;
}

/* String table t of segment s at row, or NULL when it is corrupt. */
static const char *
seg_str(const struct vf_seg *s, int t, uint32_t row, size_t *lenp)
{
	uint64_t a, b;

	if (s->soff[t] == NULL) {	/* a table format 1 did not have */
		*lenp = 0;
		return "";
	}
	a = s->soff[t][row];
	b = s->soff[t][row + 1];
	if (a > b || b > s->slen[t])
		return NULL;
	*lenp = (size_t)(b - a);
	return s->sdat[t] + a;
}

static const char head_magic[8] = "ETVINDX\n";
static const char commit_magic[8] = "ETVCOMIT";
static const char seg_magic[8] = "ETVSEGM1";

/* The fixed part of the header; the strings follow it. */
struct disk_head {
	char		 magic[8];	/* head_magic */
	uint32_t	 version;	/* VF_VERSION */
	uint32_t	 hdrlen;	/* bytes before the checksum */
	uint32_t	 dims;		/* floats per vector */
	uint32_t	 metric;	/* VF_COSINE ... */
	uint32_t	 M;		/* HNSW links, 0 = exact */
	uint32_t	 efc;		/* HNSW ef_construction */
	uint64_t	 seed;		/* HNSW seed */
	uint32_t	 model_len;	/* bytes of the model name */
	uint32_t	 store_len;	/* bytes of the stored field list */
	uint32_t	 by_len;	/* bytes of the group field name */
	uint32_t	 quant;		/* VF_QNONE or VF_QI8 */
	uint32_t	 lex_len;	/* bytes of the lexical field name */
	uint32_t	 an_len;	/* bytes of the analyzer spec */
	double		 k1;		/* BM25 parameters */
	double		 b;
};

/* A commit slot. */
struct disk_commit {
	char		 magic[8];	/* commit_magic */
	uint64_t	 seq;		/* sequence number, from 1 */
	uint64_t	 length;	/* committed file length */
	uint64_t	 last;	/* offset of the newest segment, 0 none */
	uint64_t	 nseg;		/* number of segments */
	uint64_t	 sum;		/* xxh3 of the fields above */
};

/* Sections of a segment, in file order. */
enum {
	S_VEC, S_IDOFF, S_ID, S_GOFF, S_G, S_HOFF, S_H, S_FOFF, S_F,
	S_TOFF, S_T, S_IDTAB, S_LEVEL, S_L0, S_UPOFF, S_UP, S_TOMB, S_Q8,
	S_Q8S, S_Q8N, S_LEX, NSEC
};

/* A segment header. */
struct disk_seg {
	char		 magic[8];	/* seg_magic */
	uint64_t	 prev;		/* offset of the previous segment, 0 */
	uint64_t	 size;		/* bytes, this header included */
	uint64_t	 n;		/* rows */
	uint64_t	 ntomb;		/* tombstones */
	uint64_t	 nup;	/* uint32_t in the upper graph blocks */
	uint64_t	 idcap;		/* id table slots */
	uint32_t	 M;		/* graph links, 0 = no graph */
	uint32_t	 maxlevel;	/* graph top level */
	uint32_t	 entry;		/* graph entry point */
	uint32_t	 quant;		/* VF_QI8: S_Q8* sections are set */
	uint64_t	 off[NSEC];	/* section offsets from the segment */
	uint64_t	 len[NSEC];	/* section lengths */
	uint64_t	 datasum;	/* xxh3 of the bytes after it */
	uint64_t	 hdrsum;	/* xxh3 of the header before this */
};

#define SEG_HDR	((sizeof(struct disk_seg) + ALIGN - 1) / ALIGN * ALIGN)

/*
 * A segment header of format 1, which had no term table and no inverted
 * index.  Such files are read (their segments as of format 2 with those
 * sections empty), not written: compact rewrites one as format 2.
 */
#define NSEC_V1	18
struct disk_seg_v1 {
	char		 magic[8];	/* as in struct disk_seg */
	uint64_t	 prev, size, n, ntomb, nup, idcap;
	uint32_t	 M, maxlevel, entry, quant;
	uint64_t	 off[NSEC_V1];	/* S_VEC ... S_F, S_IDTAB ... S_Q8N */
	uint64_t	 len[NSEC_V1];
	uint64_t	 datasum;
	uint64_t	 hdrsum;
};

#define SEG_HDR_V1 \
	((sizeof(struct disk_seg_v1) + ALIGN - 1) / ALIGN * ALIGN)

const char *
vf_metric_name(int m)
{
	return m == VF_DOT ? "dot" : m == VF_L2 ? "l2" : "cosine";
}

int
vf_metric_parse(const char *s)
{
	if (strcmp(s, "cosine") == 0)
		return VF_COSINE;
	if (strcmp(s, "dot") == 0)
		return VF_DOT;
	if (strcmp(s, "l2") == 0)
		return VF_L2;
	return -1;
}

void
vf_meta_release(struct vf_meta *m)
{
	free(m->model);
	free(m->store);
	free(m->by);
	free(m->lexical);
	free(m->analyzer);
	m->model = m->store = m->by = m->lexical = m->analyzer = NULL;
}

/* Read exactly n bytes at off; 0, or -1 (errno; EIO-like short read). */
static int
read_at(int fd, void *p, size_t n, uint64_t off)
{
	ssize_t r;

	while (n > 0) {
		r = pread(fd, p, n, (off_t)off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? 1 : -1;
		p = (char *)p + r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int
write_at(int fd, const void *p, size_t n, uint64_t off)
{
	ssize_t r;

	while (n > 0) {
		r = pwrite(fd, p, n, (off_t)off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		p = (const char *)p + r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static uint64_t
commit_sum(const struct disk_commit *c)
{
	return hash64(c, offsetof(struct disk_commit, sum));
}

/* Parse the header block; 0 or -1 with *why. */
static int
parse_head(const unsigned char *p, struct vf_meta *m, int *version,
    const char **why)
{
	struct disk_head h;
	uint64_t sum;
	size_t need, fixed;

	memcpy(&h, p, sizeof(h));
	if (memcmp(h.magic, head_magic, 8) != 0) {
		*why = "not an etv index (bad magic)";
		return -1;
	}
	if (h.version != VF_VERSION && h.version != 1) {
		*why = "unsupported index format version";
		return -1;
	}
	fixed = sizeof(h);
	if (h.version == 1) {	/* no lexical index */
		fixed = offsetof(struct disk_head, lex_len);
		h.lex_len = h.an_len = 0;
		h.k1 = h.b = 0;
	}
	*version = (int)h.version;
	need = fixed + (size_t)h.model_len + h.store_len + h.by_len +
	    h.lex_len + h.an_len;
	if (h.hdrlen != need || need + 8 > HDR_MAX) {
		*why = "corrupt header";
		return -1;
	}
	memcpy(&sum, p + h.hdrlen, 8);
	if (sum != hash64(p, h.hdrlen)) {
		*why = "header checksum mismatch";
		return -1;
	}
	if (h.metric > VF_L2 || h.M > 4096 || h.quant > VF_QI8 ||
	    !(h.k1 >= 0 && h.k1 <= 1000) || !(h.b >= 0 && h.b <= 1)) {
		*why = "corrupt header";
		return -1;
	}
	m->dims = h.dims;
	m->metric = (int)h.metric;
	m->M = h.M;
	m->efc = h.efc;
	m->seed = h.seed;
	m->quant = (int)h.quant;
	m->k1 = h.k1;
	m->b = h.b;
	p += fixed;
	m->model = xmemdup(p, h.model_len);
	m->store = xmemdup(p += h.model_len, h.store_len);
	m->by = xmemdup(p += h.store_len, h.by_len);
	m->lexical = xmemdup(p += h.by_len, h.lex_len);
	m->analyzer = xmemdup(p + h.lex_len, h.an_len);
	return 0;
}

static void
make_head(unsigned char *p, const struct vf_meta *m)
{
	struct disk_head h;
	uint64_t sum;
	unsigned char *s;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, head_magic, 8);
	h.version = VF_VERSION;
	h.dims = m->dims;
	h.metric = (uint32_t)m->metric;
	h.M = m->M;
	h.efc = m->efc;
	h.seed = m->seed;
	h.quant = (uint32_t)m->quant;
	h.model_len = (uint32_t)strlen(m->model);
	h.store_len = (uint32_t)strlen(m->store);
	h.by_len = (uint32_t)strlen(m->by);
	h.lex_len = (uint32_t)strlen(m->lexical);
	h.an_len = (uint32_t)strlen(m->analyzer);
	h.k1 = m->k1;
	h.b = m->b;
	h.hdrlen = (uint32_t)sizeof(h) + h.model_len + h.store_len +
	    h.by_len + h.lex_len + h.an_len;
	memcpy(p, &h, sizeof(h));
	s = p + sizeof(h);
	memcpy(s, m->model, h.model_len);
	memcpy(s += h.model_len, m->store, h.store_len);
	memcpy(s += h.store_len, m->by, h.by_len);
	memcpy(s += h.by_len, m->lexical, h.lex_len);
	memcpy(s + h.lex_len, m->analyzer, h.an_len);
	sum = hash64(p, h.hdrlen);
	memcpy(p + h.hdrlen, &sum, 8);
}

/*
 * The segment header at p (avail bytes left in the file) of an index of
 * format version, as a format 2 header in d.  Returns 0, or -1 when a
 * format 1 header is damaged (a format 2 one is checked by check_seg).
 */
static int
read_seg(struct disk_seg *d, const unsigned char *p, int version,
    uint64_t avail)
{
	static const int sec[NSEC_V1] = { S_VEC, S_IDOFF, S_ID, S_GOFF, S_G,
	    S_HOFF, S_H, S_FOFF, S_F, S_IDTAB, S_LEVEL, S_L0, S_UPOFF, S_UP,
	    S_TOMB, S_Q8, S_Q8S, S_Q8N };
	struct disk_seg_v1 o;
	int i;

	if (version == VF_VERSION) {
		if (avail < SEG_HDR)
			return -1;
		memcpy(d, p, sizeof(*d));
		return 0;
	}
	memcpy(&o, p, sizeof(o));
	if (memcmp(o.magic, seg_magic, 8) != 0 ||
	    o.hdrsum != hash64(&o, offsetof(struct disk_seg_v1, hdrsum)))
		return -1;
	memset(d, 0, sizeof(*d));
	memcpy(d->magic, o.magic, 8);
	d->prev = o.prev;
	d->size = o.size;
	d->n = o.n;
	d->ntomb = o.ntomb;
	d->nup = o.nup;
	d->idcap = o.idcap;
	d->M = o.M;
	d->maxlevel = o.maxlevel;
	d->entry = o.entry;
	d->quant = o.quant;
	for (i = 0; i < NSEC_V1; i++) {
		d->off[sec[i]] = o.off[i];
		d->len[sec[i]] = o.len[i];
	}
	d->off[S_TOFF] = d->off[S_T] = d->off[S_LEX] = SEG_HDR_V1;
	d->datasum = o.datasum;
	d->hdrsum = hash64(d, offsetof(struct disk_seg, hdrsum));
	return 0;
}

/* Expected section lengths from a segment header and the index meta. */
static int
check_seg(const struct disk_seg *d, const struct vf_meta *m, uint64_t hdr,
    uint64_t avail, const char **why)
{
	uint64_t want[NSEC], n = d->n, i;
	uint64_t M0 = 2 * (uint64_t)d->M;

	*why = "corrupt segment header";
	if (memcmp(d->magic, seg_magic, 8) != 0 ||
	    d->hdrsum != hash64(d, offsetof(struct disk_seg, hdrsum)))
		return -1;
	if (d->size > avail || d->size < hdr || n > UINT32_MAX - 1 ||
	    d->ntomb > UINT32_MAX || (d->M != 0 && d->M != m->M) ||
	    d->maxlevel > HNSW_MAXLEVEL || d->nup > avail)
		return -1;
	if ((m->dims == 0 && n > 0 && *m->lexical == '\0') ||
	    d->idcap & (d->idcap - 1) ||
	    (n > 0 && d->idcap < n) ||
	    d->idcap > avail)
		return -1;
	if (d->M && n > 0 ? d->entry >= n : d->entry != HNSW_NONE)
		return -1;
	want[S_VEC] = n * m->dims * 4;
	for (i = 0; i < VF_NSTR; i++) {
		want[S_IDOFF + 2 * i] = (n + 1) * 8;
		want[S_ID + 2 * i] = d->len[S_ID + 2 * i];
	}
	want[S_IDTAB] = d->idcap * 4;
	want[S_LEVEL] = d->M ? n : 0;
	want[S_L0] = d->M ? n * (M0 + 1) * 4 : 0;
	want[S_UPOFF] = d->M ? n * 8 : 0;
	want[S_UP] = d->M ? d->nup * 4 : 0;
	want[S_TOMB] = d->ntomb * 8;
	if (d->quant != (uint32_t)m->quant)
		return -1;
	want[S_Q8] = d->quant ? n * m->dims : 0;
	want[S_Q8S] = want[S_Q8N] = d->quant ? n * 4 : 0;
	/* The inverted index checks itself when it is opened (lp_open). */
	want[S_LEX] = *m->lexical ? d->len[S_LEX] : 0;
	if (hdr == SEG_HDR_V1)		/* format 1: no terms */
		want[S_TOFF] = want[S_T] = 0;
	for (i = 0; i < NSEC; i++) {
		if (d->len[i] != want[i] || d->off[i] % ALIGN != 0 ||
		    d->off[i] < hdr || d->off[i] > d->size ||
		    d->size - d->off[i] < d->len[i])
			return -1;
	}
	return 0;
}

/* Set up a struct vf_seg over a checked header in the mapping. */
static void
map_seg(struct vf_seg *s, const unsigned char *base, const struct disk_seg *d,
    uint64_t off)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->off = off;
	s->hdr = d->off[S_VEC];
	s->size = d->size;
	s->n = (uint32_t)d->n;
	s->ntomb = (uint32_t)d->ntomb;
	s->vec = (const float *)(base + d->off[S_VEC]);
	for (i = 0; i < VF_NSTR; i++) {
		if (d->len[S_IDOFF + 2 * i] == 0)	/* format 1 terms */
			continue;
		s->soff[i] = (const uint64_t *)(base +
		    d->off[S_IDOFF + 2 * i]);
		s->sdat[i] = (const char *)(base + d->off[S_ID + 2 * i]);
		s->slen[i] = d->len[S_ID + 2 * i];
	}
	if (d->len[S_LEX] > 0) {
		s->lex = base + d->off[S_LEX];
		s->lexlen = d->len[S_LEX];
	}
	s->idtab = (const uint32_t *)(base + d->off[S_IDTAB]);
	s->idcap = d->idcap;
	s->tomb = (const uint32_t *)(base + d->off[S_TOMB]);
	s->datasum = d->datasum;
	s->g.n = d->M ? s->n : 0;
	s->g.M = d->M;
	s->g.M0 = 2 * d->M;
	s->g.maxlevel = d->maxlevel;
	s->g.entry = d->M ? d->entry : HNSW_NONE;
	s->g.level = base + d->off[S_LEVEL];
	s->g.l0 = (const uint32_t *)(base + d->off[S_L0]);
	s->g.upoff = (const uint64_t *)(base + d->off[S_UPOFF]);
	s->g.up = (const uint32_t *)(base + d->off[S_UP]);
	s->g.nup = d->nup;
	if (d->quant) {
		s->q8 = (const int8_t *)(base + d->off[S_Q8]);
		s->q8scale = (const float *)(base + d->off[S_Q8S]);
		s->q8norm = (const float *)(base + d->off[S_Q8N]);
	}
}

void
vf_close(struct vf_index *ix)
{
	uint32_t i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->nseg; i++)
		free(ix->seg[i].dead);
	free(ix->seg);
	if (ix->map && ix->length)
		munmap(ix->map, ix->length);
	if (ix->fd >= 0)
		close(ix->fd);
	vf_meta_release(&ix->meta);
	free(ix->path);
	free(ix);
}

/* Pick the newer valid commit slot; -1 when neither is valid. */
static int
pick_slot(int fd, struct disk_commit *best, int *slotp)
{
	struct disk_commit c[2];
	int i, r, ok = -1;

	for (i = 0; i < 2; i++) {
		r = read_at(fd, &c[i], sizeof(c[i]), i ? SLOT1 : SLOT0);
		if (r < 0)
			return -2;
		if (r > 0 || memcmp(c[i].magic, commit_magic, 8) != 0 ||
		    c[i].sum != commit_sum(&c[i]))
			continue;
		if (ok < 0 || c[i].seq > c[ok].seq)
			ok = i;
	}
	if (ok >= 0) {
		*best = c[ok];
		*slotp = ok;
	}
	return ok;
}

int
vf_open(struct vf_index **ixp, const char *path, int flags, struct buf *err)
{
	const char *why_s = NULL, **why = &why_s;
	unsigned char head[HDR_MAX];
	struct vf_index *ix;
	struct disk_commit c;
	struct disk_seg d;
	struct stat st;
	uint64_t off, at;
	uint32_t i, t, s, r;
	int fd, e, slot = 0, tries;

	*ixp = NULL;
	if ((fd = open(path, (flags & VF_WRITE ? O_RDWR : O_RDONLY) |
	    O_CLOEXEC)) == -1)
		return VF_ESYS;
	ix = xcalloc(1, sizeof(*ix));
	ix->fd = fd;
	ix->path = xstrdup(path);
	ix->writable = (flags & VF_WRITE) != 0;
	if ((e = read_at(fd, head, sizeof(head), 0)) != 0) {
		if (e < 0)
			goto sys;
		*why = "truncated file (no header)";
		goto corrupt;
	}
	if (parse_head(head, &ix->meta, &ix->version, why) == -1)
		goto corrupt;
	if (ix->writable && ix->version != VF_VERSION) {
		vf_close(ix);
		return VF_EOLD;
	}
	/* A slot being rewritten reads as invalid: try again briefly. */
	for (tries = 0; (e = pick_slot(fd, &c, &slot)) == -1 && tries < 3;
	    tries++)
		usleep(1000);
	if (e == -2)
		goto sys;
	if (e == -1) {
		*why = "no valid commit record";
		goto corrupt;
	}
	if (fstat(fd, &st) == -1)
		goto sys;
	/* Its owner made it read-only: root does not write it either. */
	if (ix->writable && !(st.st_mode & S_IWUSR)) {
		errno = EACCES;
		goto sys;
	}
	if (c.length < HEAD_SIZE || (uint64_t)st.st_size < c.length) {
		*why = "truncated file";
		goto corrupt;
	}
	if (c.nseg > c.length / SEG_HDR_V1) {
		*why = "corrupt commit record";
		goto corrupt;
	}
	ix->seq = c.seq;
	ix->slot = slot;
	ix->length = c.length;
	ix->map = mmap(NULL, c.length, PROT_READ, MAP_SHARED, fd, 0);
	if (ix->map == MAP_FAILED) {
		ix->map = NULL;
		goto sys;
	}
	ix->nseg = (uint32_t)c.nseg;
	ix->seg = xcalloc(c.nseg ? c.nseg : 1, sizeof(*ix->seg));
	/* Walk the segments from the newest back to the first. */
	off = c.last;
	at = c.length;
	for (i = ix->nseg; i-- > 0; ) {
		if (off < HEAD_SIZE || off % ALIGN != 0 || off >= at ||
		    at - off < SEG_HDR_V1) {
			*why = "corrupt segment chain";
			goto corrupt;
		}
		if (read_seg(&d, ix->map + off, ix->version, at - off) == -1 ||
		    check_seg(&d, &ix->meta, ix->version == 1 ? SEG_HDR_V1 :
		    SEG_HDR, at - off, why) == -1) {
			*why = *why ? *why : "corrupt segment header";
			goto corrupt;
		}
		map_seg(&ix->seg[i], ix->map + off, &d, off);
		at = off;
		off = d.prev;
		ix->rows += ix->seg[i].n;
	}
	if (off != 0) {
		*why = "corrupt segment chain";
		goto corrupt;
	}
	/* Deleted rows: the tombstones of later segments. */
	for (i = 0; i < ix->nseg; i++)
		ix->seg[i].dead = xcalloc(ix->seg[i].n / 8 + 1, 1);
	for (t = 0; t < ix->nseg; t++) {
		for (i = 0; i < ix->seg[t].ntomb; i++) {
			s = ix->seg[t].tomb[2 * i];
			r = ix->seg[t].tomb[2 * i + 1];
			if (s >= t || r >= ix->seg[s].n) {
				*why = "corrupt tombstone";
				goto corrupt;
			}
			if (!seg_dead(&ix->seg[s], r)) {
				ix->seg[s].dead[r / 8] |= 1u << (r % 8);
				ix->seg[s].ndead++;
			}
		}
	}
	ix->live = ix->rows;
	for (i = 0; i < ix->nseg; i++)
		ix->live -= ix->seg[i].ndead;
	*ixp = ix;
	return VF_OK;
sys:
	e = errno;
	vf_close(ix);
	errno = e;
	return VF_ESYS;
corrupt:
	vf_close(ix);
	buf_fail(err, "%s", why_s);
	return VF_ECORRUPT;
}

int
vf_verify(const struct vf_index *ix, struct buf *err)
{
	const struct vf_seg *s;
	uint32_t i;

	for (i = 0; i < ix->nseg; i++) {
		s = &ix->seg[i];
		if (XXH3_64bits(ix->map + s->off + s->hdr, s->size - s->hdr)
		    != s->datasum) {
			buf_fail(err, "segment checksum mismatch");
			return VF_ECORRUPT;
		}
	}
	return VF_OK;
}

int
vf_dead(const struct vf_index *ix, uint32_t seg, uint32_t row)
{
	return seg_dead(&ix->seg[seg], row);
}

const char *
vf_str(const struct vf_index *ix, uint32_t seg, int t, uint32_t row,
    size_t *lenp)
{
	return seg_str(&ix->seg[seg], t, row, lenp);
}

const struct vf_meta *
vf_meta(const struct vf_index *ix)
{
	return &ix->meta;
}

const char *
vf_path(const struct vf_index *ix)
{
	return ix->path;
}

uint32_t
vf_nseg(const struct vf_index *ix)
{
	return ix->nseg;
}

uint32_t
vf_seg_rows(const struct vf_index *ix, uint32_t seg)
{
	return ix->seg[seg].n;
}

void
vf_seg_info(const struct vf_index *ix, uint32_t seg, struct vf_seginfo *si)
{
	const struct vf_seg *s = &ix->seg[seg];

	si->rows = s->n;
	si->deleted = s->ndead;
	si->tombs = s->ntomb;
	si->bytes = s->size;
}

uint64_t
vf_nrows(const struct vf_index *ix)
{
	return ix->rows;
}

uint64_t
vf_nlive(const struct vf_index *ix)
{
	return ix->live;
}

uint64_t
vf_length(const struct vf_index *ix)
{
	return ix->length;
}

uint64_t
vf_seq(const struct vf_index *ix)
{
	return ix->seq;
}

int
vf_row_next(const struct vf_index *ix, struct vf_rows *it)
{
	const struct vf_seg *sg;
	int t;

	for (; it->seg < ix->nseg; it->seg++, it->next = 0) {
		sg = &ix->seg[it->seg];
		while (it->next < sg->n) {
			it->row = it->next++;
			if (seg_dead(sg, it->row))
				continue;
			for (t = 0; t < VF_NSTR; t++)
				if ((it->str[t] = seg_str(sg, t, it->row,
				    &it->len[t])) == NULL)
					return -1;
			return 1;
		}
	}
	return 0;
}

const void *
vf_lex(const struct vf_index *ix, uint32_t seg, size_t *lenp)
{
	*lenp = (size_t)ix->seg[seg].lexlen;
	return ix->seg[seg].lex;
}

const float *
vf_vec(const struct vf_index *ix, uint32_t seg, uint32_t row)
{
	return ix->seg[seg].vec + (size_t)row * ix->meta.dims;
}

int
vf_find(const struct vf_index *ix, const char *id, size_t len,
    uint32_t *segp, uint32_t *rowp)
{
	const struct vf_seg *s;
	const char *p;
	uint64_t h, j, mask, probes;
	uint32_t i, v;
	size_t n;

	h = hash64(id, len);
	for (i = ix->nseg; i-- > 0; ) {
		s = &ix->seg[i];
		if (s->idcap == 0)
			continue;
		mask = s->idcap - 1;
		for (j = h & mask, probes = 0; probes < s->idcap;
		    j = (j + 1) & mask, probes++) {
			if ((v = s->idtab[j]) == 0 || v > s->n)
				break;
			p = seg_str(s, VF_ID, v - 1, &n);
			if (p && n == len && memcmp(p, id, len) == 0) {
				/*
				 * The newest copy of an id decides: when it
				 * is dead the id was deleted.
				 */
				if (seg_dead(s, v - 1))
					return 0;
				*segp = i;
				*rowp = v - 1;
				return 1;
			}
		}
	}
	return 0;
}

/* Search state: a graph searcher and room for hits. */
struct vf_search {
	struct hnsw_search *hs;		/* graph search state; owned */
	struct hnsw_hit	*tmp;		/* hits of one segment; owned */
	struct vf_hit	*all;		/* hits of all segments; owned */
	size_t		 cap;		/* k they have room for */
	int8_t		*qcode;		/* the query's int8 codes; owned */
	size_t		 qdims;		/* room in qcode */
	size_t		 allcap;	/* room in all */
	struct vf_batch	*batch;		/* vf_query_batch's room; owned */
};

static void	 batch_free(struct vf_batch *);

struct vf_search *
vf_search_new(void)
{
	struct vf_search *s = xcalloc(1, sizeof(*s));

	s->hs = hnsw_search_new();
	return s;
}

void
vf_search_free(struct vf_search *s)
{
	if (s == NULL)
		return;
	hnsw_search_free(s->hs);
	batch_free(s->batch);
	free(s->qcode);
	free(s->tmp);
	free(s->all);
	free(s);
}

/* The acceptance test of one segment, for hnsw. */
struct accept_ctx {
	const struct vf_index *ix;	/* the index */
	uint32_t	 seg;		/* the segment searched */
	vf_accept	 fn;		/* the caller's filter, or NULL */
	void		*arg;		/* its argument */
};

static int
accept_row(uint32_t row, void *arg)
{
	struct accept_ctx *c = arg;

	if (seg_dead(&c->ix->seg[c->seg], row))
		return 0;
	return c->fn == NULL || c->fn(c->ix, c->seg, row, c->arg);
}

static int
vfhit_cmp(const void *a, const void *b)
{
	const struct vf_hit *x = a, *y = b;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

size_t
vf_query(struct vf_search *vs, const struct vf_index *ix, const float *q,
    size_t k, size_t ef, int exact, vf_accept fn, void *arg,
    struct vf_hit *out)
{
	struct hnsw_space sp;
	struct accept_ctx ac;
	const struct vf_seg *s;
	hnsw_accept acc;
	size_t n, nall = 0, i, want;
	uint32_t g;

	if (k == 0)
		return 0;
	/* Quantised: each graph search returns ef candidates to re-score. */
	want = ix->meta.quant && !exact && ef > k ? ef : k;
	if (vs->cap < want) {
		vs->cap = want;
		vs->tmp = xreallocarray(vs->tmp, want, sizeof(*vs->tmp));
	}
	if (vs->allcap < k * (ix->nseg ? ix->nseg : 1)) {
		vs->allcap = k * (ix->nseg ? ix->nseg : 1);
		vs->all = xreallocarray(vs->all, vs->allcap,
		    sizeof(*vs->all));
	}
	memset(&sp, 0, sizeof(sp));
	sp.dims = ix->meta.dims;
	sp.metric = ix->meta.metric == VF_L2 ? HNSW_L2 : HNSW_IP;
	if (ix->meta.quant && !exact) {
		if (vs->qdims < sp.dims) {
			vs->qdims = sp.dims;
			vs->qcode = xrealloc(vs->qcode, sp.dims);
		}
		sp.qscale = vecdist_quantize(q, sp.dims, vs->qcode);
		sp.qnorm = vecdist_dot(q, q, sp.dims);
	}
	ac.ix = ix;
	ac.fn = fn;
	ac.arg = arg;
	for (g = 0; g < ix->nseg; g++) {
		s = &ix->seg[g];
		if (s->n == s->ndead)
			continue;
		sp.vec = s->vec;
		ac.seg = g;
		acc = fn == NULL && s->ndead == 0 ? NULL : accept_row;
		n = 0;
		if (!exact && s->g.n > 0 && s->q8 != NULL) {
			sp.q8 = s->q8;
			sp.q8scale = s->q8scale;
			sp.q8norm = s->q8norm;
			sp.qcode = vs->qcode;
			n = hnsw_query(vs->hs, &s->g, &sp, q, want, ef, acc,
			    &ac, vs->tmp);
			sp.qcode = NULL;
			for (i = 0; i < n; i++)
				vs->tmp[i].dist = hnsw_dist(&sp,
				    vs->tmp[i].node, q);
			hnsw_sort_hits(vs->tmp, n);
			if (n > k)
				n = k;
		} else if (!exact && s->g.n > 0)
			n = hnsw_query(vs->hs, &s->g, &sp, q, k, ef, acc, &ac,
			    vs->tmp);
		if (exact || s->g.n == 0 ||
		    (n < k && (fn != NULL || n < s->n - s->ndead)))
			n = hnsw_exact(&sp, s->n, q, k, acc, &ac, vs->tmp);
		for (i = 0; i < n; i++) {
			vs->all[nall].dist = vs->tmp[i].dist;
			vs->all[nall].seg = g;
			vs->all[nall].row = vs->tmp[i].node;
			nall++;
		}
	}
	qsort(vs->all, nall, sizeof(*vs->all), vfhit_cmp);
	if (nall > k)
		nall = k;
	for (i = 0; i < nall; i++) {
		out[i] = vs->all[i];
		if (ix->meta.metric == VF_L2)
			out[i].score = sqrtf(out[i].dist > 0 ?
			    out[i].dist : 0);
		else
			out[i].score = 1.0f - out[i].dist;
	}
	return nall;
}

/*
 * Exact search of a batch of queries.  The rows of a segment are taken
 * BATCH_ROWS at a time, and each tile is scored against every query of
 * the batch with the blocked kernels (lib/embed/vecdist.h), so a row is
 * read from memory once per batch instead of once per query.  The scores
 * are those of hnsw_dist to the last bit, and each query's heap makes the
 * very moves hnsw_exact makes (rows in order, the same test against the
 * farthest hit before the filter is asked, the same push and pop), so
 * ties at the k-th place fall as they do in vf_query.
 */
#define BATCH_ROWS	32	/* rows scored at a time */

struct vf_batch {
	float		*qv;		/* the queries, end to end; owned */
	float		*score;		/* nq x BATCH_ROWS scores; owned */
	struct hnsw_hit	*heap;		/* nq heaps of k + 1 hits; owned */
	size_t		*nheap;		/* their sizes; owned */
	struct vf_hit	*all;		/* nq x k x segments hits; owned */
	size_t		*nall;		/* hits of each query; owned */
	size_t		 qcap;		/* floats room in qv */
	size_t		 nqcap;		/* queries room in the others */
	size_t		 hcap;		/* hits room in heap */
	size_t		 acap;		/* hits room in all */
};

static void
batch_free(struct vf_batch *b)
{
	if (b == NULL)
		return;
	free(b->qv);
	free(b->score);
	free(b->heap);
	free(b->nheap);
	free(b->all);
	free(b->nall);
	free(b);
}

/* Make room for nq queries of dims floats, k hits and nseg segments. */
static struct vf_batch *
batch_room(struct vf_search *vs, size_t nq, size_t dims, size_t k,
    uint32_t nseg)
{
	struct vf_batch *b;
	size_t n;

	if ((b = vs->batch) == NULL)
		b = vs->batch = xcalloc(1, sizeof(*b));
	if (b->qcap < nq * dims) {
		b->qcap = nq * dims;
		b->qv = xreallocarray(b->qv, b->qcap, sizeof(*b->qv));
	}
	if (b->nqcap < nq) {
		b->nqcap = nq;
		b->score = xreallocarray(b->score, nq * BATCH_ROWS,
		    sizeof(*b->score));
		b->nheap = xreallocarray(b->nheap, nq, sizeof(*b->nheap));
		b->nall = xreallocarray(b->nall, nq, sizeof(*b->nall));
	}
	if (b->hcap < (n = nq * (k + 1))) {
		b->hcap = n;
		b->heap = xreallocarray(b->heap, n, sizeof(*b->heap));
	}
	if (b->acap < (n = nq * k * (nseg ? nseg : 1))) {
		b->acap = n;
		b->all = xreallocarray(b->all, n, sizeof(*b->all));
	}
	return b;
}

/* hnsw_exact's order: nearer, or as near and an earlier row. */
static inline int
batch_closer(struct hnsw_hit a, struct hnsw_hit b)
{
	return a.dist < b.dist || (a.dist == b.dist && a.node < b.node);
}

/* The max-heap of hnsw.c: by distance only, the farthest on top. */
static inline void
batch_push(struct hnsw_hit *h, size_t *np, struct hnsw_hit x)
{
	size_t i = (*np)++, p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!(x.dist > h[p].dist))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = x;
}

static inline void
batch_pop(struct hnsw_hit *h, size_t *np)
{
	struct hnsw_hit x;
	size_t i = 0, c, n;

	if ((n = --*np) == 0)
		return;
	x = h[n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1].dist > h[c].dist)
			c++;
		if (!(h[c].dist > x.dist))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

/* Is any of the sixteen distances of scores sc nearer than top? */
static inline int
batch_any(const float *sc, float top, int l2)
{
	int any = 0, j;

	if (l2) {
		for (j = 0; j < 16; j++)
			any |= sc[j] < top;
	} else {
		for (j = 0; j < 16; j++)
			any |= 1.0f - sc[j] < top;
	}
	return any;
}

/*
 * Offer rows r0 .. r0 + nr of segment g, scored in b->score, to the
 * heaps of the nq queries.  A row is checked (dead, then fn) only when
 * some query would take it, and once.  Compiled for several instruction
 * sets, for the test of sixteen rows at once.
 */
static CLONES void
batch_offer(struct vf_batch *b, const struct vf_index *ix, uint32_t g,
    uint32_t r0, size_t nr, size_t nq, size_t k, vf_accept fn, void *arg)
{
	const struct vf_seg *s = &ix->seg[g];
	signed char verdict[BATCH_ROWS];
	int check = fn != NULL || s->ndead > 0, l2 = ix->meta.metric == VF_L2;
	struct hnsw_hit *h, x;
	const float *sc;
	size_t i, r, *hn;

	memset(verdict, -1, sizeof(verdict));
	for (i = 0; i < nq; i++) {
		h = b->heap + i * (k + 1);
		hn = &b->nheap[i];
		sc = b->score + i * nr;
		for (r = 0; r < nr; r++) {
			/*
			 * With the heap full, sixteen rows none nearer than
			 * its top are passed over at once (an earlier row
			 * wins a tie, and the heap holds earlier rows only).
			 */
			if (*hn == k && r % 16 == 0 && r + 16 <= nr &&
			    !batch_any(sc + r, h[0].dist, l2)) {
				r += 15;
				continue;
			}
			x.dist = l2 ? sc[r] : 1.0f - sc[r];
			x.node = r0 + (uint32_t)r;
			if (*hn == k && !batch_closer(x, h[0]))
				continue;
			if (check) {
				if (verdict[r] < 0)
					verdict[r] = !seg_dead(s, x.node) &&
					    (fn == NULL ||
					    fn(ix, g, x.node, arg));
				if (!verdict[r])
					continue;
			}
			batch_push(h, hn, x);
			if (*hn > k)
				batch_pop(h, hn);
		}
	}
}

void
vf_query_batch(struct vf_search *vs, const struct vf_index *ix,
    const float *const *q, size_t nq, size_t k, vf_accept fn, void *arg,
    struct vf_hit *out, size_t *nout)
{
	const struct vf_seg *s;
	struct vf_batch *b;
	struct vf_hit *all;
	struct hnsw_hit *h;
	size_t dims = ix->meta.dims, per, i, j, nr;
	const char *next, *end;
	uint32_t g, r0;

	memset(nout, 0, nq * sizeof(*nout));
	if (k == 0 || nq == 0)
		return;
	per = k * (ix->nseg ? ix->nseg : 1);
	b = batch_room(vs, nq, dims, k, ix->nseg);
	for (i = 0; i < nq; i++) {
		memcpy(b->qv + i * dims, q[i], dims * sizeof(float));
		b->nall[i] = 0;
	}
	for (g = 0; g < ix->nseg; g++) {
		s = &ix->seg[g];
		if (s->n == s->ndead)
			continue;
		memset(b->nheap, 0, nq * sizeof(*b->nheap));
		for (r0 = 0; r0 < s->n; r0 += (uint32_t)nr) {
			nr = s->n - r0 < BATCH_ROWS ? s->n - r0 : BATCH_ROWS;
			/* The next tile comes in while this one is scored. */
			next = (const char *)(s->vec +
			    (size_t)(r0 + nr) * dims);
			end = (const char *)(s->vec + (size_t)s->n * dims);
			for (j = 0; j < nr * dims * sizeof(float) &&
			    j < (size_t)(end - next); j += 64)
				__builtin_prefetch(next + j);
			if (ix->meta.metric == VF_L2)
				vecdist_l2sq_block(b->qv, nq, s->vec +
				    (size_t)r0 * dims, nr, dims, b->score);
			else
				vecdist_dot_block(b->qv, nq, s->vec +
				    (size_t)r0 * dims, nr, dims, b->score);
			batch_offer(b, ix, g, r0, nr, nq, k, fn, arg);
		}
		for (i = 0; i < nq; i++) {
			h = b->heap + i * (k + 1);
			hnsw_sort_hits(h, b->nheap[i]);
			all = b->all + i * per + b->nall[i];
			for (j = 0; j < b->nheap[i]; j++) {
				all[j].dist = h[j].dist;
				all[j].seg = g;
				all[j].row = h[j].node;
			}
			b->nall[i] += b->nheap[i];
		}
	}
	for (i = 0; i < nq; i++) {
		all = b->all + i * per;
		qsort(all, b->nall[i], sizeof(*all), vfhit_cmp);
		nout[i] = b->nall[i] < k ? b->nall[i] : k;
		for (j = 0; j < nout[i]; j++) {
			out[i * k + j] = all[j];
			if (ix->meta.metric == VF_L2)
				out[i * k + j].score = sqrtf(all[j].dist > 0 ?
				    all[j].dist : 0);
			else
				out[i * k + j].score = 1.0f - all[j].dist;
		}
	}
}

/* A row of the writer: where its strings are in the string buffers. */
struct wrow {
	uint64_t	 off[VF_NSTR];	/* offsets in the writer's strs */
	uint64_t	 len[VF_NSTR];	/* lengths */
};

struct vf_writer {
	uint32_t	 dims;		/* floats per vector */
	uint32_t	 n;		/* rows */
	uint32_t	 cap;		/* rows allocated */
	float		*vec;		/* n rows of vectors; owned */
	struct wrow	*rows;		/* n rows; owned */
	struct buf	 strs;		/* string bytes of all rows */
	uint32_t	*tab;		/* id table: row + 1; owned */
	uint64_t	 tabcap;	/* its slots, a power of two */
	uint64_t	*tomb;	/* tombstones, seg << 32 | row; owned */
	uint32_t	 ntomb;		/* tombstones */
	uint32_t	 tombcap;	/* allocated */
};

struct vf_writer *
vf_writer_new(uint32_t dims)
{
	struct vf_writer *w = xcalloc(1, sizeof(*w));

	w->dims = dims;
	w->tabcap = 1024;
	w->tab = xcalloc(w->tabcap, sizeof(*w->tab));
	return w;
}

void
vf_writer_free(struct vf_writer *w)
{
	if (w == NULL)
		return;
	free(w->vec);
	free(w->rows);
	buf_release(&w->strs);
	free(w->tab);
	free(w->tomb);
	free(w);
}

uint32_t
vf_writer_rows(const struct vf_writer *w)
{
	return w->n;
}

uint32_t
vf_writer_tombs(const struct vf_writer *w)
{
	return w->ntomb;
}

static const char *
wstr(const struct vf_writer *w, uint32_t row, int t)
{
	return w->strs.data + w->rows[row].off[t];
}

/* The id table slot for id: its row's, or the empty one to fill. */
static uint64_t
wslot(const struct vf_writer *w, const char *id, size_t len)
{
	uint64_t j, mask = w->tabcap - 1;
	uint32_t v;

	for (j = hash64(id, len) & mask; (v = w->tab[j]) != 0;
	    j = (j + 1) & mask)
		if (w->rows[v - 1].len[VF_ID] == len &&
		    memcmp(wstr(w, v - 1, VF_ID), id, len) == 0)
			break;
	return j;
}

int
vf_writer_has(const struct vf_writer *w, const char *id, size_t len)
{
	return w->tab[wslot(w, id, len)] != 0;
}

static void
wgrow_tab(struct vf_writer *w)
{
	uint32_t *old = w->tab, i;
	uint64_t oldcap = w->tabcap, j;

	w->tabcap *= 2;
	w->tab = xcalloc(w->tabcap, sizeof(*w->tab));
	for (j = 0; j < oldcap; j++) {
		if (old[j] == 0)
			continue;
		i = old[j] - 1;
		w->tab[wslot(w, wstr(w, i, VF_ID), w->rows[i].len[VF_ID])] =
		    old[j];
	}
	free(old);
}

void
vf_writer_add(struct vf_writer *w, const char *id, size_t idlen,
    const char *group, size_t glen, const char *hash, size_t hlen,
    const char *fields, size_t flen, const char *terms, size_t tlen,
    const float *vec)
{
	const char *s[VF_NSTR] = { id, group, hash, fields, terms };
	size_t l[VF_NSTR] = { idlen, glen, hlen, flen, tlen };
	uint64_t j;
	uint32_t row;
	int t;

	if ((uint64_t)(w->n + 1) * 2 > w->tabcap)
		wgrow_tab(w);
	j = wslot(w, id, idlen);
	if (w->tab[j] != 0) {
		row = w->tab[j] - 1;
	} else {
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 256;
			w->vec = xreallocarray(w->vec,
			    (size_t)w->cap * w->dims, sizeof(float));
			w->rows = xreallocarray(w->rows, w->cap,
			    sizeof(*w->rows));
		}
		row = w->n++;
		w->tab[j] = row + 1;
	}
	if (w->dims > 0)
		memcpy(w->vec + (size_t)row * w->dims, vec,
		    w->dims * sizeof(float));
	for (t = 0; t < VF_NSTR; t++) {
		w->rows[row].off[t] = w->strs.len;
		w->rows[row].len[t] = l[t];
		buf_add(&w->strs, s[t], l[t]);
	}
}

void
vf_writer_tomb(struct vf_writer *w, uint32_t seg, uint32_t row)
{
	if (w->ntomb == w->tombcap) {
		w->tombcap = w->tombcap ? w->tombcap * 2 : 256;
		w->tomb = xreallocarray(w->tomb, w->tombcap, sizeof(*w->tomb));
	}
	w->tomb[w->ntomb++] = (uint64_t)seg << 32 | row;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A buffered sequential writer at a file offset that sums what it writes. */
struct sink {
	int		 fd;		/* the file */
	uint64_t	 pos;		/* file offset of the next byte */
	XXH3_state_t	*st;		/* running checksum */
	unsigned char	*buf;		/* pending bytes; owned */
	size_t		 len;		/* pending */
	int		 err;		/* errno of the first failure */
};

#define SINK_BUF	(1 << 20)

static void
sink_flush(struct sink *k)
{
	if (k->len && !k->err && write_at(k->fd, k->buf, k->len, k->pos) == -1)
		k->err = errno;
	k->pos += k->len;
	k->len = 0;
}

static void
sink_put(struct sink *k, const void *p, size_t n)
{
	size_t m;

	XXH3_64bits_update(k->st, p, n);
	while (n > 0) {
		if (k->len == SINK_BUF)
			sink_flush(k);
		m = SINK_BUF - k->len < n ? SINK_BUF - k->len : n;
		memcpy(k->buf + k->len, p, m);
		k->len += m;
		p = (const char *)p + m;
		n -= m;
	}
}

/* Zero bytes up to the next multiple of ALIGN from the segment start. */
static void
sink_pad(struct sink *k, uint64_t start)
{
	static const unsigned char zero[ALIGN];
	uint64_t at = k->pos + k->len - start;

	if (at % ALIGN)
		sink_put(k, zero, ALIGN - at % ALIGN);
}

/* lp_build's source of terms: the writer's rows. */
static const char *
wterms(void *arg, uint32_t row, size_t *lenp)
{
	const struct vf_writer *w = arg;

	*lenp = (size_t)w->rows[row].len[VF_TERMS];
	return wstr(w, row, VF_TERMS);
}

/*
 * hnsw_build_new's progress callback: on a large segment the graph build
 * is the longest part of a build or an add, so it gets a line of its own.
 */
static void
link_progress(void *arg, uint32_t done, uint32_t n)
{
	progress_set(arg, done);
}

/*
 * Write the writer's rows (and, when tombs is set, its tombstones) as a
 * segment at file offset at, building its graph.  Returns 0 and the
 * segment size, or -1 with errno set.
 */
static int
write_seg(int fd, uint64_t at, uint64_t prev, const struct vf_meta *m,
    struct vf_writer *w, int tombs, int jobs, uint64_t *sizep)
{
	struct disk_seg d;
	struct hnsw_space sp;
	struct hnsw_build *hb = NULL;
	const struct hnsw_graph *g = NULL;
	struct progress *pg;
	int8_t *codes;
	float f;
	struct sink k;
	uint64_t idcap = 0, j, o, mask;
	uint32_t *tab, i, nt = 0;
	int t;

	memset(&d, 0, sizeof(d));
	memcpy(d.magic, seg_magic, 8);
	d.prev = prev;
	d.n = w->n;
	d.entry = HNSW_NONE;
	if (tombs && w->ntomb) {
		qsort(w->tomb, w->ntomb, sizeof(*w->tomb), u64_cmp);
		for (i = 0; i < w->ntomb; i++)
			if (nt == 0 || w->tomb[i] != w->tomb[nt - 1])
				w->tomb[nt++] = w->tomb[i];
	}
	d.ntomb = nt;
	d.quant = (uint32_t)m->quant;
	if (m->M && w->n && w->dims) {	/* a lexical-only index: none */
		memset(&sp, 0, sizeof(sp));
		sp.vec = w->vec;
		sp.dims = w->dims;
		sp.metric = m->metric == VF_L2 ? HNSW_L2 : HNSW_IP;
		pg = progress_steps("linking", w->n);
		hb = hnsw_build_new(&sp, w->n, m->M, m->efc, m->seed, jobs,
		    pg ? link_progress : NULL, pg);
		progress_free(pg);
		g = hnsw_build_graph(hb);
		d.M = m->M;
		d.maxlevel = g->maxlevel;
		d.entry = g->entry;
		d.nup = g->nup;
	}
	if (w->n)
		for (idcap = 16; idcap < (uint64_t)w->n * 2; idcap *= 2)
			;
	d.idcap = idcap;

	memset(&k, 0, sizeof(k));
	k.fd = fd;
	k.pos = at + SEG_HDR;
	k.st = XXH3_createState();
	k.buf = xmalloc(SINK_BUF);
	if (k.st == NULL)
		diag_fail(ETV_SYS, "out of memory");
	XXH3_64bits_reset(k.st);

	/* The sections, each padded to ALIGN. */
	d.off[S_VEC] = SEG_HDR;
	d.len[S_VEC] = (uint64_t)w->n * w->dims * 4;
	sink_put(&k, w->vec, d.len[S_VEC]);
	for (t = 0; t < VF_NSTR; t++) {
		sink_pad(&k, at);
		d.off[S_IDOFF + 2 * t] = k.pos + k.len - at;
		d.len[S_IDOFF + 2 * t] = ((uint64_t)w->n + 1) * 8;
		for (o = 0, i = 0; i <= w->n; i++) {
			sink_put(&k, &o, 8);
			if (i < w->n)
				o += w->rows[i].len[t];
		}
		sink_pad(&k, at);
		d.off[S_ID + 2 * t] = k.pos + k.len - at;
		d.len[S_ID + 2 * t] = o;
		for (i = 0; i < w->n; i++)
			sink_put(&k, wstr(w, i, t), w->rows[i].len[t]);
	}
	tab = xcalloc(idcap ? idcap : 1, sizeof(*tab));
	mask = idcap - 1;
	for (i = 0; i < w->n; i++) {
		for (j = hash64(wstr(w, i, VF_ID), w->rows[i].len[VF_ID]) &
		    mask; tab[j] != 0; j = (j + 1) & mask)
			;
		tab[j] = i + 1;
	}
	sink_pad(&k, at);
	d.off[S_IDTAB] = k.pos + k.len - at;
	d.len[S_IDTAB] = idcap * 4;
	sink_put(&k, tab, idcap * 4);
	free(tab);

	sink_pad(&k, at);
	d.off[S_LEVEL] = k.pos + k.len - at;
	d.len[S_LEVEL] = g ? w->n : 0;
	if (g)
		sink_put(&k, g->level, w->n);
	sink_pad(&k, at);
	d.off[S_L0] = k.pos + k.len - at;
	d.len[S_L0] = g ? (uint64_t)w->n * (g->M0 + 1) * 4 : 0;
	if (g)
		sink_put(&k, g->l0, d.len[S_L0]);
	sink_pad(&k, at);
	d.off[S_UPOFF] = k.pos + k.len - at;
	d.len[S_UPOFF] = g ? (uint64_t)w->n * 8 : 0;
	if (g)
		sink_put(&k, g->upoff, d.len[S_UPOFF]);
	sink_pad(&k, at);
	d.off[S_UP] = k.pos + k.len - at;
	d.len[S_UP] = g ? g->nup * 4 : 0;
	if (g)
		sink_put(&k, g->up, d.len[S_UP]);
	hnsw_build_free(hb);

	sink_pad(&k, at);
	d.off[S_TOMB] = k.pos + k.len - at;
	d.len[S_TOMB] = (uint64_t)nt * 8;
	for (i = 0; i < nt; i++) {
		uint32_t pair[2];

		pair[0] = (uint32_t)(w->tomb[i] >> 32);
		pair[1] = (uint32_t)w->tomb[i];
		sink_put(&k, pair, 8);
	}

	/* int8 codes, their scales and the squared norms of the rows. */
	codes = xmalloc(w->dims ? w->dims : 1);
	for (t = S_Q8; t <= S_Q8N; t++) {
		sink_pad(&k, at);
		d.off[t] = k.pos + k.len - at;
		d.len[t] = 0;
		if (!m->quant)
			continue;
		d.len[t] = t == S_Q8 ? (uint64_t)w->n * w->dims :
		    (uint64_t)w->n * 4;
		for (i = 0; i < w->n; i++) {
			const float *v = w->vec + (size_t)i * w->dims;

			f = vecdist_quantize(v, w->dims, codes);
			if (t == S_Q8N)
				f = vecdist_dot(v, v, w->dims);
			if (t == S_Q8)
				sink_put(&k, codes, w->dims);
			else
				sink_put(&k, &f, 4);
		}
	}
	free(codes);
	sink_pad(&k, at);
	d.off[S_LEX] = k.pos + k.len - at;
	if (*m->lexical) {
		struct buf lex = BUF_INIT;

		lp_build(w->n, wterms, w, &lex);
		d.len[S_LEX] = lex.len;
		sink_put(&k, lex.data, lex.len);
		buf_release(&lex);
	}
	sink_pad(&k, at);
	sink_flush(&k);
	d.size = k.pos - at;
	d.datasum = XXH3_64bits_digest(k.st);
	XXH3_freeState(k.st);
	free(k.buf);
	d.hdrsum = hash64(&d, offsetof(struct disk_seg, hdrsum));
	if (k.err) {
		errno = k.err;
		return -1;
	}
	{
		unsigned char hb2[SEG_HDR];

		memset(hb2, 0, sizeof(hb2));
		memcpy(hb2, &d, sizeof(d));
		if (write_at(fd, hb2, SEG_HDR, at) == -1)
			return -1;
	}
	*sizep = d.size;
	return 0;
}

static void
make_commit(struct disk_commit *c, uint64_t seq, uint64_t length,
    uint64_t last, uint64_t nseg)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->magic, commit_magic, 8);
	c->seq = seq;
	c->length = length;
	c->last = last;
	c->nseg = nseg;
	c->sum = commit_sum(c);
}

int
vf_create(const char *path, const struct vf_meta *m, struct vf_writer *w,
    int jobs)
{
	unsigned char head[HEAD_SIZE];
	struct iox_atomic a;
	struct disk_commit c;
	uint64_t size;
	int fd, e;

	if (iox_atomic_open(&a, path) == -1)
		return VF_ESYS;
	fd = fileno(a.fp);
	if (write_seg(fd, HEAD_SIZE, 0, m, w, 0, jobs, &size) == -1)
		goto fail;
	memset(head, 0, sizeof(head));
	make_head(head, m);
	make_commit(&c, 1, HEAD_SIZE + size, HEAD_SIZE, 1);
	memcpy(head + SLOT0, &c, sizeof(c));
	if (write_at(fd, head, sizeof(head), 0) == -1)
		goto fail;
	if (iox_atomic_commit(&a) == -1)
		return VF_ESYS;
	return VF_OK;
fail:
	e = errno;
	iox_atomic_abort(&a);
	errno = e;
	return VF_ESYS;
}

int
vf_append(struct vf_index *ix, struct vf_writer *w, int jobs)
{
	struct disk_commit c;
	uint64_t at = ix->length, last, size;
	int slot, e;

	if (!ix->writable) {
		errno = EBADF;
		return VF_ESYS;
	}
	/* Drop what a writer that died before its commit left behind. */
	if (ftruncate(ix->fd, (off_t)at) == -1)
		return VF_ESYS;
	last = ix->nseg ? ix->seg[ix->nseg - 1].off : 0;
	if (write_seg(ix->fd, at, last, &ix->meta, w, 1, jobs, &size) == -1 ||
	    fdatasync(ix->fd) == -1) {
		/*
		 * Nothing is committed: give the space back now (a full disk
		 * stays full otherwise), not at the next write.
		 */
		e = errno;
		(void)ftruncate(ix->fd, (off_t)at);	/* the next writer
							   tries again */
		errno = e;
		return VF_ESYS;
	}
	make_commit(&c, ix->seq + 1, at + size, at, ix->nseg + 1ULL);
	slot = ix->slot ^ 1;
	if (write_at(ix->fd, &c, sizeof(c), slot ? SLOT1 : SLOT0) == -1 ||
	    fdatasync(ix->fd) == -1)
		return VF_ESYS;
	ix->slot = slot;
	ix->seq++;
	return VF_OK;
}
