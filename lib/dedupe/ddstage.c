/* ddstage.c -- the lines of a staged dedupe run, and its middle stages */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/ddstage.h"
#include "lib/dedupe/forest.h"
#include "lib/text/text.h"

void
ddstage_pos(char *out, unsigned long part, unsigned long seq)
{
	snprintf(out, DDPOS_LEN + 1, "%08lx:%010lx", part & 0xffffffffUL,
	    seq & 0xffffffffffUL);
}

static void
ddstage_hex(struct buf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	buf_grow(b, 2 * n);
	for (i = 0; i < n; i++) {
		b->data[b->len++] = hex[p[i] >> 4];
		b->data[b->len++] = hex[p[i] & 15];
	}
	b->data[b->len] = '\0';
}

void
ddstage_keys(struct buf *b, const struct dd *dd, const char *pos,
    const void *sketch, size_t n, int prior, const struct ddvalue *v,
    const char *id, size_t idlen)
{
	uint32_t keys[256];
	const uint8_t *data;
	size_t ndata;
	unsigned j;

	dd_keys(dd, sketch, keys);
	data = dd_data(dd, sketch, n, &ndata);
	for (j = 0; j < dd_bands(dd); j++) {
		buf_printf(b, "k%04x%08lx\t%s\t", j, (unsigned long)keys[j],
		    pos);
		ddstage_hex(b, data, ndata);
		buf_addc(b, '\n');
	}
	buf_printf(b, "r\t%s\t%c\t", pos, prior ? 'p' : '-');
	if (v->kind == 1) {
		buf_printf(b, "n%.17g", v->num);
	} else if (v->kind == 2) {
		buf_addc(b, 's');
		rec_quote(b, v->str, v->len);
	} else {
		buf_addc(b, '-');
	}
	buf_addc(b, '\t');
	rec_quote(b, id, idlen);
	buf_addc(b, '\n');
}

size_t
ddstage_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *t;

	while (n < max) {
		f[n++] = p;
		if ((t = strchr(p, '\t')) == NULL)
			break;
		*t = '\0';
		p = t + 1;
	}
	return n;
}

static int
ddstage_unhex(const char *s, struct buf *out)
{
	size_t i, n = strlen(s);
	int hi, lo;

	buf_reset(out);
	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		hi = text_hexval(s[i]);
		lo = text_hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		buf_addc(out, hi << 4 | lo);
	}
	return 0;
}

/* A record in a bucket of the pairs stage. */
struct ddmember {
	char		 pos[DDPOS_LEN + 1]; /* its position */
	size_t		 off;		/* its data in the bucket's buffer */
	size_t		 len;		/* length of the data */
};

/*
 * Order by position: every struct sorted here (ddmember, ddrec, dddec)
 * begins with its position, so one comparison serves them all.
 */
static int
ddpos_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * Verify the pairs of one bucket (members m[0..n), data in data) and
 * write them to the item: the bucket's owner is its first record, and
 * each other record is compared with it, as dd_add compares a record
 * with the owners of its keys.  The members are put in position order
 * first, so any shuffle that groups a key's lines will do.
 */
static void
ddstage_bucket(const struct dd *dd, struct ddmember *m, size_t n,
    const struct buf *data, struct rec_item *it, struct buf *out)
{
	const uint8_t *owner;
	size_t i;
	double v;

	if (n > 1)
		qsort(m, n, sizeof(*m), ddpos_cmp);
	if (n == 0)
		return;
	owner = (const uint8_t *)data->data + m[0].off;
	for (i = 1; i < n; i++) {
		v = dd_score(dd, owner, m[0].len, (const uint8_t *)data->data +
		    m[i].off, m[i].len);
		if (v >= dd_threshold(dd)) {
			buf_reset(out);
			buf_printf(out, "p\t%s\t%s\t%.17g", m[i].pos, m[0].pos,
			    v);
			rec_emit_raw(it, out->data, out->len);
		}
	}
}

void
ddstage_pairs(const struct dd *dd, struct rec_reader *rd)
{
	struct rec_item it = REC_ITEM_INIT;
	struct buf key = BUF_INIT, data = BUF_INIT, one = BUF_INIT,
	    line = BUF_INIT, out = BUF_INIT;
	struct ddmember *m = NULL;
	size_t n = 0, cap = 0;
	char *f[4];

	while (rec_getline(rd, &it)) {
		buf_reset(&line);
		buf_add(&line, it.line, it.len);
		if (line.data[0] == 'r' && line.data[1] == '\t') {
			rec_emit_raw(&it, it.line, it.len);
		} else if (line.data[0] != 'k' || ddstage_split(line.data, f,
		    4) != 3 || strlen(f[1]) != DDPOS_LEN ||
		    ddstage_unhex(f[2], &one) < 0) {
			rec_malformed(&it, "not a key line of etv-dedupe "
			    "--stage keys");
		} else {
			if (strcmp(key.data, f[0]) != 0) {
				ddstage_bucket(dd, m, n, &data, &it, &out);
				buf_reset(&key);
				buf_adds(&key, f[0]);
				buf_reset(&data);
				n = 0;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				m = xrealloc(m, cap * sizeof(*m));
			}
			memcpy(m[n].pos, f[1], DDPOS_LEN + 1);
			m[n].off = data.len;
			m[n].len = one.len;
			n++;
			buf_add(&data, one.data, one.len);
		}
		if (rec_flush(rd, &it))
			exit(diag_finish());
	}
	rec_item_start(rd, &it, "-", 0);
	ddstage_bucket(dd, m, n, &data, &it, &out);
	if (rec_flush(rd, &it))
		exit(diag_finish());
	rec_item_release(&it);
	free(m);
	buf_release(&key);
	buf_release(&data);
	buf_release(&one);
	buf_release(&line);
	buf_release(&out);
}

/* A record of the clusters stage. */
struct ddrec {
	char		 pos[DDPOS_LEN + 1]; /* its position */
	int		 prior;		/* of a prior run */
	int		 kind;		/* keep value: 0, 1 number, 2 string */
	double		 num;		/* the number */
	size_t		 str;		/* the string, unquoted, in strs */
	size_t		 strlen;	/* its length */
	size_t		 id;		/* its id as JSON, in strs */
	size_t		 idlen;		/* its length */
};

/* A pair of the clusters stage, by record number. */
struct ddpair {
	uint32_t	 later;		/* the later record */
	uint32_t	 earlier;	/* the earlier one */
	double		 score;		/* their score */
};

static int
ddpair_cmp(const void *a, const void *b)
{
	const struct ddpair *x = a, *y = b;

	if (x->later != y->later)
		return x->later < y->later ? -1 : 1;
	return x->earlier < y->earlier ? -1 : x->earlier > y->earlier;
}

/* The number of the record at pos, or -1. */
static long
ddrec_find(const struct ddrec *r, size_t n, const char *pos)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(r[mid].pos, pos)) == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Read a record line's fields into r; -1 when malformed. */
static int
ddrec_read(char **f, struct ddrec *r, struct buf *strs)
{
	json_t *v;

	if (strlen(f[1]) != DDPOS_LEN || (f[2][0] != 'p' && f[2][0] != '-'))
		return -1;
	memcpy(r->pos, f[1], DDPOS_LEN + 1);
	r->prior = f[2][0] == 'p';
	r->kind = 0;
	if (f[3][0] == 'n') {
		r->kind = 1;
		r->num = strtod(f[3] + 1, NULL);
	} else if (f[3][0] == 's') {
		if ((v = json_loads(f[3] + 1, JSON_DECODE_ANY, NULL)) == NULL)
			return -1;
		r->kind = 2;
		r->str = strs->len;
		r->strlen = json_string_length(v);
		buf_add(strs, json_string_value(v), r->strlen);
		json_decref(v);
	}
	r->id = strs->len;
	r->idlen = strlen(f[4]);
	buf_add(strs, f[4], r->idlen);
	return 0;
}

void
ddstage_clusters(int keep, struct rec_reader *rd)
{
	struct rec_item it = REC_ITEM_INIT;
	struct buf strs = BUF_INIT, line = BUF_INIT, pl = BUF_INIT;
	struct ddrec *r = NULL;
	struct ddpair *p = NULL;
	size_t nr = 0, capr = 0, np = 0, capp = 0, i, k, idn;
	struct forest *fo;
	uint32_t parent, s;
	double best;
	long a, b;
	char *f[5];
	const char *id;

	/* The record lines first; the pairs are read again after. */
	while (rec_getline(rd, &it)) {
		buf_reset(&line);
		buf_add(&line, it.line, it.len);
		if (line.data[0] == 'r' && ddstage_split(line.data, f, 5) ==
		    5) {
			if (nr == capr) {
				capr = capr ? capr * 2 : 1024;
				r = xrealloc(r, capr * sizeof(*r));
			}
			if (ddrec_read(f, &r[nr], &strs) == 0)
				nr++;
			else
				rec_malformed(&it, "not a record line");
		} else if (line.data[0] == 'p') {
			buf_add(&pl, it.line, it.len);
			buf_addc(&pl, '\n');
		} else {
			rec_malformed(&it, "not a record or pair line of "
			    "etv-dedupe --stage pairs");
		}
		if (rec_flush(rd, &it))
			exit(diag_finish());
	}
	if (nr > 1)
		qsort(r, nr, sizeof(*r), ddpos_cmp);
	for (i = 0; i < pl.len; i = k + 1) {
		k = (size_t)((char *)memchr(pl.data + i, '\n', pl.len - i) -
		    pl.data);
		pl.data[k] = '\0';
		if (ddstage_split(pl.data + i, f, 4) != 4 ||
		    (a = ddrec_find(r, nr, f[1])) < 0 ||
		    (b = ddrec_find(r, nr, f[2])) < 0 || b >= a)
			diag_fail(ETV_DATA, "a pair line names a record "
			    "that no record line gave: %s", pl.data + i);
		if (np == capp) {
			capp = capp ? capp * 2 : 1024;
			p = xrealloc(p, capp * sizeof(*p));
		}
		p[np].later = (uint32_t)a;
		p[np].earlier = (uint32_t)b;
		p[np++].score = strtod(f[3], NULL);
	}
	if (np > 1)
		qsort(p, np, sizeof(*p), ddpair_cmp);

	/* Each record's link, as dd_add chooses it. */
	fo = forest_new(keep);
	for (i = k = 0; i < nr; i++) {
		parent = FOREST_NONE;
		best = -1;
		for (; k < np && p[k].later == i; k++)
			if (p[k].score > best) {
				best = p[k].score;
				parent = p[k].earlier;
			}
		forest_add(fo, parent, (float)best, r[i].prior);
		forest_set_id(fo, (uint32_t)i, strs.data + r[i].id,
		    r[i].idlen);
		if (r[i].kind == 1 && keep == KEEP_VALUE)
			forest_set_number(fo, (uint32_t)i, r[i].num);
		else if (r[i].kind == 2 && keep == KEEP_VALUE)
			forest_set_string(fo, (uint32_t)i, strs.data +
			    r[i].str, r[i].strlen);
	}
	forest_decide(fo);
	rec_item_start(rd, &it, "-", 0);
	for (i = 0; i < nr; i++) {
		s = forest_survivor(fo, (uint32_t)i);
		if (s == i || r[i].prior)
			continue;
		id = forest_id(fo, s, &idn);
		buf_reset(&line);
		buf_printf(&line, "d\t%s\t%.17g\t", r[i].pos,
		    (double)forest_score(fo, (uint32_t)i));
		buf_add(&line, id, idn);
		rec_emit_raw(&it, line.data, line.len);
		rec_flush_batch(rd, &it);
	}
	if (rec_flush(rd, &it))
		exit(diag_finish());
	forest_free(fo);
	rec_item_release(&it);
	free(r);
	free(p);
	buf_release(&strs);
	buf_release(&line);
	buf_release(&pl);
}

/* A removed record of the apply stage. */
struct dddec {
	char		 pos[DDPOS_LEN + 1]; /* its position */
	double		 score;		/* its dup_score */
	size_t		 id;		/* its survivor's id (JSON) in ids */
	size_t		 idlen;		/* its length */
};

struct dd_decisions {
	struct dddec	*d;		/* the decisions, by position; owned */
	size_t		 n;		/* their count */
	size_t		 cur;		/* the next to look at */
	struct buf	 ids;		/* the ids */
};

struct dd_decisions *
ddstage_load(const char *path, struct buf *err)
{
	struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_item it = REC_ITEM_INIT;
	struct rec_reader *rd;
	struct dd_decisions *ds;
	struct dddec *d;
	size_t cap = 0;
	char *f[4];
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		buf_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	ds = xcalloc(1, sizeof(*ds));
	buf_init(&ds->ids);
	rd = rec_open_stream(&cfg, fp, path, NULL);
	while (rec_getline(rd, &it)) {
		if (ddstage_split(it.line, f, 4) != 4 || strcmp(f[0], "d") != 0 ||
		    strlen(f[1]) != DDPOS_LEN) {
			buf_fail(err, "%s:%lu: not a decision line of "
			    "etv-dedupe --stage clusters", path, it.lineno);
			errno = EINVAL;
			break;
		}
		if (ds->n == cap) {
			cap = cap ? 2 * cap : 1024;
			ds->d = xrealloc(ds->d, cap * sizeof(*ds->d));
		}
		d = &ds->d[ds->n++];
		memcpy(d->pos, f[1], DDPOS_LEN + 1);
		d->score = strtod(f[2], NULL);
		d->id = ds->ids.len;
		d->idlen = strlen(f[3]);
		buf_add(&ds->ids, f[3], d->idlen);
	}
	if (err->len == 0 && ferror(fp))
		buf_fail(err, "%s: %s", path, strerror(errno));
	rec_close(rd);
	rec_item_release(&it);
	fclose(fp);
	if (err->len > 0) {
		ddstage_free(ds);
		return NULL;
	}
	if (ds->n > 1)
		qsort(ds->d, ds->n, sizeof(*ds->d), ddpos_cmp);
	return ds;
}

int
ddstage_decision(struct dd_decisions *ds, const char *pos,
    const char **idjson, size_t *idlen, double *score)
{
	while (ds->cur < ds->n && strcmp(ds->d[ds->cur].pos, pos) < 0)
		ds->cur++;
	if (ds->cur == ds->n || strcmp(ds->d[ds->cur].pos, pos) != 0)
		return 0;
	*idjson = ds->ids.data + ds->d[ds->cur].id;
	*idlen = ds->d[ds->cur].idlen;
	*score = ds->d[ds->cur].score;
	return 1;
}

void
ddstage_free(struct dd_decisions *ds)
{
	if (ds == NULL)
		return;
	free(ds->d);
	buf_release(&ds->ids);
	free(ds);
}
