/* forest.c -- duplicate clusters as trees of links, and their survivors */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/xmem.h"
#include "lib/dedupe/forest.h"

/* A record's place in its tree. */
struct forest_node {
	uint32_t	 parent;	/* the earlier record it links to */
	uint32_t	 root;		/* the first record of its cluster */
	float		 score;		/* of the link to parent (1 at a root) */
	float		 up;		/* lowest score on the path to root */
	uint32_t	 best;		/* at a root: the cluster's survivor */
};

/* A record's value for KEEP_VALUE. */
struct forest_value {
	double		 num;		/* a number */
	uint64_t	 off;		/* a string: where in strs */
	uint32_t	 len;		/* its length */
	uint8_t		 kind;		/* 0 missing, 1 number, 2 string */
};

#define PRIOR	1		/* a record of a prior run */
#define JOINED	2		/* a root that others link to */

struct forest {
	int		 keep;		/* KEEP_* */
	struct forest_node *node;	/* n nodes; owned */
	struct forest_value *val;	/* n values (KEEP_VALUE); owned */
	uint64_t	*idoff;		/* n: where a record's id is in ids,
					   plus one; 0 when not set */
	uint8_t		*flags;		/* n: PRIOR, JOINED; owned */
	size_t		 n;		/* records */
	size_t		 cap;		/* room */
	size_t		 clusters;	/* roots with at least one child */
	struct buf	 ids;		/* ids, each followed by a NUL */
	struct buf	 strs;		/* string values */
};

struct forest *
forest_new(int keep)
{
	struct forest *f = xcalloc(1, sizeof(*f));

	f->keep = keep;
	buf_init(&f->ids);
	buf_init(&f->strs);
	return f;
}

void
forest_free(struct forest *f)
{
	if (f == NULL)
		return;
	free(f->node);
	free(f->val);
	free(f->idoff);
	free(f->flags);
	buf_release(&f->ids);
	buf_release(&f->strs);
	free(f);
}

uint32_t
forest_add(struct forest *f, uint32_t parent, float score, int prior)
{
	struct forest_node *x, *p;
	uint32_t i = (uint32_t)f->n;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap + f->cap / 2 : 1024;
		f->node = xrealloc(f->node, f->cap * sizeof(*f->node));
		f->idoff = xrealloc(f->idoff, f->cap * sizeof(*f->idoff));
		f->flags = xrealloc(f->flags, f->cap * sizeof(*f->flags));
		if (f->keep == KEEP_VALUE)
			f->val = xrealloc(f->val, f->cap * sizeof(*f->val));
	}
	x = &f->node[i];
	f->idoff[i] = 0;
	f->flags[i] = prior ? PRIOR : 0;
	if (f->keep == KEEP_VALUE)
		memset(&f->val[i], 0, sizeof(f->val[i]));
	x->best = i;
	x->parent = FOREST_NONE;
	x->root = i;
	x->score = x->up = 1;
	if (parent != FOREST_NONE && parent < i) {
		p = &f->node[parent];
		x->parent = parent;
		x->root = p->root;
		x->score = score;
		x->up = score < p->up ? score : p->up;
		if (!(f->flags[x->root] & JOINED))
			f->clusters++;
		f->flags[x->root] |= JOINED;
	}
	f->n++;
	return i;
}

size_t
forest_count(const struct forest *f)
{
	return f->n;
}

void
forest_set_id(struct forest *f, uint32_t i, const char *id, size_t n)
{
	f->idoff[i] = f->ids.len + 1;
	buf_add(&f->ids, id, n);
	buf_addc(&f->ids, '\0');
}

const char *
forest_id(const struct forest *f, uint32_t i, size_t *n)
{
	const char *s;

	if (f->idoff[i] == 0) {
		*n = 0;
		return "";
	}
	s = f->ids.data + f->idoff[i] - 1;
	*n = strlen(s);
	return s;
}

void
forest_set_number(struct forest *f, uint32_t i, double v)
{
	f->val[i].kind = 1;
	f->val[i].num = v;
}

void
forest_set_string(struct forest *f, uint32_t i, const char *s, size_t n)
{
	f->val[i].kind = 2;
	f->val[i].off = f->strs.len;
	f->val[i].len = (uint32_t)n;
	buf_add(&f->strs, s, n);
}

/* Is a's value larger than b's? */
static int
forest_larger(const struct forest *f, uint32_t a, uint32_t b)
{
	const struct forest_value *x = &f->val[a], *y = &f->val[b];
	size_t n;
	int c;

	if (x->kind != y->kind)
		return x->kind > y->kind;
	if (x->kind == 1)
		return x->num > y->num;
	if (x->kind == 2) {
		n = x->len < y->len ? x->len : y->len;
		c = memcmp(f->strs.data + x->off, f->strs.data + y->off, n);
		return c > 0 || (c == 0 && x->len > y->len);
	}
	return 0;
}

void
forest_decide(struct forest *f)
{
	struct forest_node *r;
	size_t i;

	if (f->keep != KEEP_VALUE)
		return;
	for (i = 0; i < f->n; i++) {
		r = &f->node[f->node[i].root];
		if (!(f->flags[r->root] & PRIOR) &&
		    forest_larger(f, (uint32_t)i, r->best))
			r->best = (uint32_t)i;
	}
}

int
forest_prior(const struct forest *f, uint32_t i)
{
	return (f->flags[i] & PRIOR) != 0;
}

uint32_t
forest_survivor(const struct forest *f, uint32_t i)
{
	return f->node[f->node[i].root].best;
}

float
forest_score(const struct forest *f, uint32_t i)
{
	const struct forest_node *a = &f->node[i];
	uint32_t s = forest_survivor(f, i);

	if (s == i)
		return 1;
	if (s == a->root || f->node[s].up >= a->up)
		return a->up;
	return f->node[s].up;
}

size_t
forest_clusters(const struct forest *f)
{
	return f->clusters;
}

size_t
forest_bytes(const struct forest *f)
{
	size_t per = sizeof(*f->node) + sizeof(*f->idoff) + sizeof(*f->flags);

	if (f->keep == KEEP_VALUE)
		per += sizeof(*f->val);
	return f->cap * per + f->ids.cap + f->strs.cap;
}
