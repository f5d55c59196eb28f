/* rcluster.c -- entities from scored pairs: guarded connected components */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/base/hash.h"
#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/resolve/rblock.h"
#include "lib/resolve/rcluster.h"

static uint32_t
rcluster_find(uint32_t *parent, uint32_t x)
{
	uint32_t r = x, t;

	while (parent[r] != r)
		r = parent[r];
	while (parent[x] != r) {
		t = parent[x];
		parent[x] = r;
		x = t;
	}
	return r;
}

/* Links by probability, strongest first, then in pair order. */
static const float *sort_prob;

static int
rcluster_cmp(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (sort_prob[i] != sort_prob[j])
		return sort_prob[i] > sort_prob[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

void
rcluster(const struct rdata *d, const uint64_t *pair, const float *prob,
    size_t n, double threshold, size_t max_size, struct rclusters *c)
{
	uint32_t *parent, *size, *ent, *first, a, b, ra, rb, r;
	size_t *order, nlinks = 0, i;

	memset(c, 0, sizeof(*c));
	parent = xmalloc((d->nrec ? d->nrec : 1) * sizeof(*parent));
	size = xmalloc((d->nrec ? d->nrec : 1) * sizeof(*size));
	ent = xmalloc((d->nrec ? d->nrec : 1) * sizeof(*ent));
	c->score = xcalloc(d->nrec ? d->nrec : 1, sizeof(*c->score));
	for (r = 0; r < d->nrec; r++) {
		parent[r] = r;
		size[r] = 1;
		ent[r] = d->prior[r];
	}
	/* The records of an earlier entity, together under its first. */
	first = xmalloc((strmap_count(d->entities) + 1) * sizeof(*first));
	for (i = 0; i < strmap_count(d->entities); i++)
		first[i] = RDATA_NONE;
	for (r = 0; r < d->nrec; r++) {
		if (d->prior[r] == RDATA_NONE)
			continue;
		if (first[d->prior[r]] == RDATA_NONE) {
			first[d->prior[r]] = r;
			continue;
		}
		ra = first[d->prior[r]];
		parent[r] = ra;
		size[ra]++;
	}
	free(first);
	order = xmalloc((n ? n : 1) * sizeof(*order));
	for (i = 0; i < n; i++)
		if (prob[i] >= threshold)
			order[nlinks++] = i;
	sort_prob = prob;
	qsort(order, nlinks, sizeof(*order), rcluster_cmp);
	for (i = 0; i < nlinks; i++) {
		a = RBLOCK_A(pair[order[i]]);
		b = RBLOCK_B(pair[order[i]]);
		ra = rcluster_find(parent, a);
		rb = rcluster_find(parent, b);
		if (ra != rb) {
			if ((ent[ra] != RDATA_NONE && ent[rb] != RDATA_NONE) ||
			    (max_size > 0 && size[ra] + size[rb] > max_size)) {
				c->cut++;
				continue;
			}
			if (size[ra] < size[rb] || (size[ra] == size[rb] &&
			    rb < ra)) {
				uint32_t t = ra;

				ra = rb;
				rb = t;
			}
			parent[rb] = ra;
			size[ra] += size[rb];
			if (ent[ra] == RDATA_NONE)
				ent[ra] = ent[rb];
		}
		c->links++;
		if (prob[order[i]] > c->score[a])
			c->score[a] = prob[order[i]];
		if (prob[order[i]] > c->score[b])
			c->score[b] = prob[order[i]];
	}
	for (r = 0; r < d->nrec; r++) {
		ra = rcluster_find(parent, r);
		if (ra == r) {
			c->entities++;
			if (size[r] > c->largest)
				c->largest = size[r];
		}
	}
	c->root = parent;
	free(size);
	free(ent);
	free(order);
}

uint32_t *
rcluster_representatives(const struct rdata *d, const struct rclusters *c)
{
	uint32_t *rep = xmalloc((d->nrec ? d->nrec : 1) * sizeof(*rep)), r, x;
	struct buf kr = BUF_INIT, kx = BUF_INIT;

	for (r = 0; r < d->nrec; r++)
		rep[r] = RDATA_NONE;
	for (r = 0; r < d->nrec; r++) {
		x = rcluster_find(c->root, r);
		if (rep[x] != RDATA_NONE && (d->prior[rep[x]] != RDATA_NONE ||
		    d->prior[r] == RDATA_NONE)) {
			if (d->prior[rep[x]] != RDATA_NONE)
				continue;
			buf_reset(&kr);
			buf_reset(&kx);
			rdata_key(d, r, &kr);
			rdata_key(d, rep[x], &kx);
			if (strcmp(kr.data, kx.data) >= 0)
				continue;
		}
		rep[x] = r;
	}
	buf_release(&kr);
	buf_release(&kx);
	return rep;
}

void
rcluster_id(const struct rdata *d, const struct rclusters *c,
    const uint32_t *rep, uint32_t r, struct buf *out)
{
	uint32_t x = rep[rcluster_find(c->root, r)];
	size_t base = out->len, n;
	uint64_t h;
	const char *id;

	if (d->prior[x] != RDATA_NONE) {
		id = strmap_key(d->entities, d->prior[x], &n);
		buf_add(out, id, n);
		return;
	}
	/* The key is hashed where the id will go, then replaced by it. */
	rdata_key(d, x, out);
	h = hash64(out->data + base, out->len - base);
	out->len = base;
	buf_printf(out, "e%016llx", (unsigned long long)h);
}

void
rcluster_id_of(const char *id, struct buf *out)
{
	buf_printf(out, "e%016llx",
	    (unsigned long long)hash64(id, strlen(id)));
}

void
rcluster_free(struct rclusters *c)
{
	free(c->root);
	free(c->score);
	memset(c, 0, sizeof(*c));
}
