/* rstage.c -- a resolve run split into stages for sort(1) or a cluster */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/diag.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/ddstage.h"
#include "lib/resolve/rblock.h"
#include "lib/resolve/rcluster.h"
#include "lib/resolve/rcompare.h"
#include "lib/resolve/rfs.h"
#include "lib/resolve/rstage.h"

void
rstage_keys(const struct rdata *d, uint32_t r, const char *pos,
    struct buf *out)
{
	struct buf keys[RM_MAX_RULES], data = BUF_INIT;
	size_t nkeys[RM_MAX_RULES], i, n;
	const char *p, *v;
	int k, f;

	/* DATA: ["id", src, [values], [[keys of rule 0], ...]] */
	buf_addc(&data, '[');
	v = rdata_id(d, r);
	rec_quote(&data, v, strlen(v));
	buf_printf(&data, ",%d,[", d->src[r]);
	for (f = 0; f < d->m->nfield; f++) {
		if (f > 0)
			buf_addc(&data, ',');
		if ((v = rdata_value(d, r, f, &n)) != NULL)
			rec_quote(&data, v, n);
		else
			buf_adds(&data, "null");
	}
	buf_adds(&data, "],[");
	for (k = 0; k < d->m->nrule; k++) {
		buf_init(&keys[k]);
		nkeys[k] = rblock_keys(d, k, r, &keys[k]);
		buf_adds(&data, k > 0 ? ",[" : "[");
		for (i = 0, p = keys[k].data; i < nkeys[k]; i++,
		    p += strlen(p) + 1)
			buf_printf(&data, "%s\"%016llx\"", i > 0 ? "," : "",
			    (unsigned long long)rblock_hash(k, p, strlen(p)));
		buf_addc(&data, ']');
	}
	buf_adds(&data, "]]");
	for (k = 0; k < d->m->nrule; k++) {
		for (i = 0, p = keys[k].data; i < nkeys[k]; i++,
		    p += strlen(p) + 1) {
			buf_printf(out, "k%02x%016llx\t%s\t", k,
			    (unsigned long long)rblock_hash(k, p, strlen(p)),
			    pos);
			buf_add(out, data.data, data.len);
			buf_addc(out, '\n');
		}
		buf_release(&keys[k]);
	}
	buf_release(&data);
}

void
rstage_emit(struct rec_item *it, const struct buf *lines)
{
	const char *p = lines->data, *end = p + lines->len, *nl;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		rec_emit_raw(it, p, (size_t)(nl - p));
	}
}

/* A record of a key's group in the pairs stage. */
struct member {
	char		 pos[DDPOS_LEN + 1];
	size_t		 off, len;	/* its DATA in the group's buffer */
	uint32_t	 rec;		/* its index in the stage's rdata */
	uint64_t	*keys[RM_MAX_RULES]; /* its keys of each rule, sorted */
	size_t		 nkeys[RM_MAX_RULES];
};

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->pos,
	    ((const struct member *)b)->pos);
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The least key two sorted key lists share, or 0 with *found 0. */
static uint64_t
rstage_shared(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
    int *found)
{
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			*found = 1;
			return a[i];
		}
		if (a[i] < b[j])
			i++;
		else
			j++;
	}
	*found = 0;
	return 0;
}

/* Read a member's DATA into d and its keys; 0, or -1 if it is not. */
static int
rstage_member(struct rdata *d, struct member *mb, const char *p, size_t n)
{
	json_t *a = json_loadb(p, n, 0, NULL), *vals, *keys, *x, *y;
	const char *v[RM_MAX_FIELDS];
	size_t len[RM_MAX_FIELDS], j;
	int f, k, rc = -1;

	memset(mb->keys, 0, sizeof(mb->keys));
	vals = json_array_get(a, 2);
	keys = json_array_get(a, 3);
	if (!json_is_string(json_array_get(a, 0)) ||
	    !json_is_integer(json_array_get(a, 1)) ||
	    json_array_size(vals) != (size_t)d->m->nfield ||
	    json_array_size(keys) != (size_t)d->m->nrule)
		goto out;
	for (f = 0; f < d->m->nfield; f++) {
		x = json_array_get(vals, (size_t)f);
		v[f] = json_string_value(x);
		len[f] = json_string_length(x);
		if (v[f] == NULL && !json_is_null(x))
			goto out;
	}
	for (k = 0; k < d->m->nrule; k++) {
		x = json_array_get(keys, (size_t)k);
		mb->nkeys[k] = json_array_size(x);
		mb->keys[k] = xmalloc((mb->nkeys[k] + 1) * sizeof(uint64_t));
		json_array_foreach(x, j, y) {
			if (!json_is_string(y))
				goto out;
			mb->keys[k][j] = strtoull(json_string_value(y), NULL,
			    16);
		}
		qsort(mb->keys[k], mb->nkeys[k], sizeof(uint64_t), u64_cmp);
	}
	mb->rec = rdata_add(d, json_string_value(json_array_get(a, 0)),
	    json_string_length(json_array_get(a, 0)),
	    (int)json_integer_value(json_array_get(a, 1)), 0, NULL, 0, v, len);
	rc = 0;
out:
	json_decref(a);
	return rc;
}

/* The pairs of one key's group, into out. */
static void
rstage_group(const struct rmodel *m, int mode, double threshold,
    struct rdata **dp, const char *key, struct member *mb, size_t n,
    const struct buf *data, struct rec_item *it)
{
	uint8_t gamma[RM_MAX_FIELDS];
	struct buf out = BUF_INIT;
	unsigned rule;
	uint64_t hkey, h;
	size_t i, j;
	int k, found;
	float p;

	if (n < 2)
		return;
	rule = (unsigned)strtoul((char[]){ key[1], key[2], '\0' }, NULL, 16);
	hkey = strtoull(key + 3, NULL, 16);
	qsort(mb, n, sizeof(*mb), member_cmp);
	if ((*dp)->nrec >= RSTAGE_BATCH) {
		rdata_free(*dp);
		*dp = rdata_new(m);
	}
	for (i = 0; i < n; i++)
		if (rstage_member(*dp, &mb[i], data->data + mb[i].off,
		    mb[i].len) < 0)
			diag_fail(ETV_DATA, "%s: not a key line of etv-resolve "
			    "--stage keys", mb[i].pos);
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (mode == RBLOCK_LINK &&
			    (*dp)->src[mb[i].rec] == (*dp)->src[mb[j].rec])
				continue;
			/* Under the first rule, and key, the two share. */
			for (k = 0; k <= (int)rule; k++) {
				h = rstage_shared(mb[i].keys[k], mb[i].nkeys[k],
				    mb[j].keys[k], mb[j].nkeys[k], &found);
				if (found)
					break;
			}
			if (k != (int)rule || h != hkey)
				continue;
			rcmp_pair(*dp, mb[i].rec, mb[j].rec, gamma);
			p = (float)rfs_probability(rfs_weight(m, *dp,
			    mb[i].rec, gamma, NULL));
			if (p < threshold)
				continue;
			buf_printf(&out, "p\t%s\t%s\t%.9g\t", mb[i].pos,
			    mb[j].pos, (double)p);
			rec_quote(&out, rdata_id(*dp, mb[i].rec),
			    strlen(rdata_id(*dp, mb[i].rec)));
			buf_addc(&out, '\t');
			rec_quote(&out, rdata_id(*dp, mb[j].rec),
			    strlen(rdata_id(*dp, mb[j].rec)));
			buf_addc(&out, '\n');
		}
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < m->nrule; k++)
			free(mb[i].keys[k]);
	rstage_emit(it, &out);
	buf_release(&out);
}

void
rstage_pairs(const struct rmodel *m, int mode, double threshold,
    struct rec_reader *rd)
{
	struct rec_item it = REC_ITEM_INIT;
	struct buf key = BUF_INIT, data = BUF_INIT, line = BUF_INIT;
	struct rdata *d = rdata_new(m);
	struct member *mb = NULL;
	size_t n = 0, cap = 0;
	char *f[3];

	while (rec_getline(rd, &it)) {
		buf_reset(&line);
		buf_add(&line, it.line, it.len);
		if (line.data[0] != 'k' || ddstage_split(line.data, f, 3) != 3 ||
		    strlen(f[0]) != 19 || strlen(f[1]) != DDPOS_LEN) {
			rec_malformed(&it, "not a key line of etv-resolve "
			    "--stage keys");
		} else {
			if (strcmp(key.data, f[0]) != 0) {
				rstage_group(m, mode, threshold, &d, key.data,
				    mb, n, &data, &it);
				buf_reset(&key);
				buf_adds(&key, f[0]);
				buf_reset(&data);
				n = 0;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				mb = xreallocarray(mb, cap, sizeof(*mb));
			}
			memcpy(mb[n].pos, f[1], DDPOS_LEN + 1);
			mb[n].off = data.len;
			mb[n].len = strlen(f[2]);
			buf_add(&data, f[2], mb[n].len);
			n++;
		}
		if (rec_flush(rd, &it))
			exit(diag_finish());
	}
	rec_item_start(rd, &it, "-", 0);
	rstage_group(m, mode, threshold, &d, key.data, mb, n, &data, &it);
	if (rec_flush(rd, &it))
		exit(diag_finish());
	rec_item_release(&it);
	rdata_free(d);
	free(mb);
	buf_release(&key);
	buf_release(&data);
	buf_release(&line);
}

/* A link read by the clusters stage. */
struct link {
	uint32_t	 a, b;		/* positions, as numbers of the map */
	float		 p;
};

void
rstage_clusters(const struct rmodel *m, double threshold,
    unsigned long max_size, struct rec_reader *rd)
{
	struct rec_item it = REC_ITEM_INIT;
	struct strmap *pos = strmap_new();
	struct buf line = BUF_INIT, ids = BUF_INIT, out = BUF_INIT;
	struct link *l = NULL;
	size_t nl = 0, cap = 0, *idoff = NULL, i, n;
	uint32_t *order, *rank, *rep, x;
	uint64_t *pairs;
	float *prob;
	struct rdata *d;
	struct rclusters cl;
	char *f[6];
	json_t *id;
	int isnew, k;

	while (rec_getline(rd, &it)) {
		buf_reset(&line);
		buf_add(&line, it.line, it.len);
		if (line.data[0] != 'p' || ddstage_split(line.data, f, 6) != 6 ||
		    strlen(f[1]) != DDPOS_LEN || strlen(f[2]) != DDPOS_LEN) {
			rec_malformed(&it, "not a link line of etv-resolve "
			    "--stage pairs");
		} else {
			if (nl == cap) {
				cap = cap ? cap * 2 : 1024;
				l = xreallocarray(l, cap, sizeof(*l));
			}
			l[nl].p = strtof(f[3], NULL);
			for (k = 0; k < 2; k++) {
				x = strmap_intern(pos, f[1 + k], DDPOS_LEN,
				    &isnew);
				if (isnew) {
					idoff = xreallocarray(idoff, (size_t)x +
					    1, sizeof(*idoff));
					idoff[x] = ids.len;
					id = json_loads(f[4 + k], JSON_DECODE_ANY, NULL);
					buf_adds(&ids, json_is_string(id) ?
					    json_string_value(id) : "");
					buf_addc(&ids, '\0');
					json_decref(id);
				}
				if (k == 0)
					l[nl].a = x;
				else
					l[nl].b = x;
			}
			nl++;
		}
		if (rec_flush(rd, &it))
			exit(diag_finish());
	}
	/* The records in position order, as one process numbers them. */
	n = strmap_count(pos);
	order = xmalloc((n + 1) * sizeof(*order));
	rank = xmalloc((n + 1) * sizeof(*rank));
	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	{
		uint64_t *k64 = xmalloc((n + 1) * sizeof(*k64));

		/* Positions are fixed-width hex: the part and sequence
		 * numbers, packed, sort as the text does. */
		for (i = 0; i < n; i++) {
			const char *s = strmap_key(pos, (uint32_t)i, NULL);

			k64[i] = strtoull(s, NULL, 16) << 40 |
			    strtoull(s + 9, NULL, 16);
		}
		rblock_sort(k64, order, n);
		free(k64);
	}
	d = rdata_new(m);
	for (i = 0; i < n; i++) {
		const char *vals[RM_MAX_FIELDS] = { NULL };
		size_t lens[RM_MAX_FIELDS] = { 0 };
		const char *s = ids.data + idoff[order[i]];

		rank[order[i]] = (uint32_t)i;
		rdata_add(d, s, strlen(s), 0, 0, NULL, 0, vals, lens);
	}
	pairs = xmalloc((nl + 1) * sizeof(*pairs));
	prob = xmalloc((nl + 1) * sizeof(*prob));
	{
		uint32_t *idx = xmalloc((nl + 1) * sizeof(*idx));

		for (i = 0; i < nl; i++) {
			pairs[i] = RBLOCK_PAIR(rank[l[i].a], rank[l[i].b]);
			idx[i] = (uint32_t)i;
		}
		rblock_sort(pairs, idx, nl);
		for (i = 0; i < nl; i++)
			prob[i] = l[idx[i]].p;
		free(idx);
	}
	rcluster(d, pairs, prob, nl, threshold, max_size, &cl);
	rep = rcluster_representatives(d, &cl);
	rec_item_start(rd, &it, "-", 0);
	for (i = 0; i < n; i++) {
		buf_reset(&out);
		buf_printf(&out, "d\t%s\t", strmap_key(pos, order[i], NULL));
		buf_reset(&line);
		rcluster_id(d, &cl, rep, (uint32_t)i, &line);
		rec_quote(&out, line.data, line.len);
		buf_printf(&out, "\t%.4f", cl.score[i]);
		rec_emit_raw(&it, out.data, out.len);
		rec_flush_batch(rd, &it);
	}
	if (rec_flush(rd, &it))
		exit(diag_finish());
	rec_item_release(&it);
	rcluster_free(&cl);
	rdata_free(d);
	strmap_free(pos);
	free(rep);
	free(pairs);
	free(prob);
	free(order);
	free(rank);
	free(idoff);
	free(l);
	buf_release(&line);
	buf_release(&ids);
	buf_release(&out);
}

struct rdecisions {
	struct strmap	*pos;		/* positions decided */
	size_t		*off;		/* for each, its entity and score in
					   text: "ENTITY\0SCORE\0" */
	struct buf	 text;
};

struct rdecisions *
rstage_load(const char *path, struct buf *err)
{
	struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_item it = REC_ITEM_INIT;
	struct rdecisions *ds = xcalloc(1, sizeof(*ds));
	struct rec_reader *rd;
	struct buf line = BUF_INIT;
	char *f[4];
	uint32_t x;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		free(ds);
		buf_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	ds->pos = strmap_new();
	buf_init(&ds->text);
	rd = rec_open_stream(&cfg, fp, path, NULL);
	while (rec_getline(rd, &it)) {
		buf_reset(&line);
		buf_add(&line, it.line, it.len);
		if (line.data[0] != 'd' || ddstage_split(line.data, f, 4) != 4 ||
		    strlen(f[1]) != DDPOS_LEN) {
			buf_fail(err, "%s:%lu: not a decision line of "
			    "etv-resolve --stage clusters", path, it.lineno);
			break;
		}
		x = strmap_intern(ds->pos, f[1], DDPOS_LEN, NULL);
		ds->off = xreallocarray(ds->off, (size_t)x + 1,
		    sizeof(*ds->off));
		ds->off[x] = ds->text.len;
		buf_adds(&ds->text, f[2]);
		buf_addc(&ds->text, '\0');
		buf_adds(&ds->text, f[3]);
		buf_addc(&ds->text, '\0');
	}
	rec_item_release(&it);
	rec_close(rd);
	fclose(fp);
	buf_release(&line);
	if (err->len > 0) {
		rstage_free(ds);
		return NULL;
	}
	return ds;
}

int
rstage_decision(const struct rdecisions *ds, const char *pos,
    const char **entity, size_t *elen, const char **score, size_t *slen)
{
	long i = strmap_find(ds->pos, pos, DDPOS_LEN);

	if (i < 0)
		return 0;
	*entity = ds->text.data + ds->off[i];
	*elen = strlen(*entity);
	*score = *entity + *elen + 1;
	*slen = strlen(*score);
	return 1;
}

void
rstage_free(struct rdecisions *ds)
{
	if (ds == NULL)
		return;
	strmap_free(ds->pos);
	free(ds->off);
	buf_release(&ds->text);
	free(ds);
}
