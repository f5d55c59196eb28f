/* rdata.c -- the records of a resolve run, as interned field values */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/strmap.h"
#include "lib/base/xmem.h"
#include "lib/resolve/phonetic.h"
#include "lib/resolve/rdata.h"

struct rdata *
rdata_new(const struct rmodel *m)
{
	struct rdata *d = xcalloc(1, sizeof(*d));
	int f;

	d->m = m;
	buf_init(&d->ids);
	for (f = 0; f < m->nfield; f++) {
		d->dict[f].vals = strmap_new();
		d->dict[f].codes = strmap_new();
	}
	d->entities = strmap_new();
	return d;
}

void
rdata_free(struct rdata *d)
{
	int f;

	if (d == NULL)
		return;
	for (f = 0; f < d->m->nfield; f++) {
		strmap_free(d->dict[f].vals);
		strmap_free(d->dict[f].codes);
		free(d->dict[f].v);
	}
	strmap_free(d->entities);
	free(d->vid);
	free(d->src);
	free(d->flags);
	free(d->idoff);
	free(d->prior);
	buf_release(&d->ids);
	free(d);
}

/* The number of code in the field's codes, or RDATA_NONE when empty. */
static uint32_t
rdata_intern_code(struct rdict *dc, const struct buf *code)
{
	if (code->len == 0)
		return RDATA_NONE;
	return strmap_intern(dc->codes, code->data, code->len, NULL);
}

/* Derive what the model needs from a new value of field f. */
static void
rdata_derive(struct rdata *d, int f, struct rval *v, const char *p,
    size_t n)
{
	const struct rm_field *fd = &d->m->field[f];
	struct rdict *dc = &d->dict[f];
	struct buf a = BUF_INIT, b = BUF_INIT;
	char *end;

	v->num = NAN;
	v->tf = fd->tf ? rmodel_tf_share(fd, p, n) : NAN;
	v->sdx = v->dm1 = v->dm2 = RDATA_NONE;
	if (fd->views & RV_NUMBER) {
		v->num = strtod(p, &end);
		if (end != p + n || n == 0)
			v->num = NAN;
	}
	if (fd->views & RV_SOUNDEX) {
		phonetic_soundex(p, n, &a);
		v->sdx = rdata_intern_code(dc, &a);
	}
	if (fd->views & RV_DMETAPHONE) {
		buf_reset(&a);
		phonetic_dmetaphone(p, n, PHONETIC_DM_MAXLEN, &a, &b);
		v->dm1 = rdata_intern_code(dc, &a);
		v->dm2 = rdata_intern_code(dc, &b);
	}
	buf_release(&a);
	buf_release(&b);
}

uint32_t
rdata_add(struct rdata *d, const char *id, size_t idlen, int src, int flags,
    const char *entity, size_t entlen, const char *const *vals,
    const size_t *lens)
{
	size_t nf = (size_t)d->m->nfield, r = d->nrec;
	struct rdict *dc;
	uint32_t v;
	int f, isnew;

	if (r == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->vid = xreallocarray(d->vid, d->cap, nf * sizeof(*d->vid));
		d->src = xrealloc(d->src, d->cap);
		d->flags = xrealloc(d->flags, d->cap);
		d->idoff = xreallocarray(d->idoff, d->cap, sizeof(*d->idoff));
		d->prior = xreallocarray(d->prior, d->cap, sizeof(*d->prior));
	}
	for (f = 0; f < (int)nf; f++) {
		if (vals[f] == NULL) {
			d->vid[r * nf + (size_t)f] = RDATA_MISSING;
			continue;
		}
		dc = &d->dict[f];
		v = strmap_intern(dc->vals, vals[f], lens[f], &isnew);
		if (isnew) {
			if (v == dc->cap) {
				dc->cap = dc->cap ? dc->cap * 2 : 256;
				dc->v = xreallocarray(dc->v, dc->cap,
				    sizeof(*dc->v));
			}
			memset(&dc->v[v], 0, sizeof(dc->v[v]));
			rdata_derive(d, f, &dc->v[v], vals[f], lens[f]);
		}
		dc->v[v].count++;
		dc->nonnull++;
		d->vid[r * nf + (size_t)f] = v + 1;
	}
	d->src[r] = (uint8_t)src;
	d->flags[r] = (uint8_t)flags;
	d->idoff[r] = d->ids.len;
	buf_add(&d->ids, id, idlen);
	buf_addc(&d->ids, '\0');
	d->prior[r] = entity == NULL ? RDATA_NONE :
	    strmap_intern(d->entities, entity, entlen, NULL);
	d->nrec++;
	return (uint32_t)r;
}

const char *
rdata_value(const struct rdata *d, uint32_t r, int f, size_t *lenp)
{
	uint32_t v = d->vid[(size_t)r * (size_t)d->m->nfield + (size_t)f];

	if (v == RDATA_MISSING)
		return NULL;
	return strmap_key(d->dict[f].vals, v - 1, lenp);
}

const struct rval *
rdata_val(const struct rdata *d, uint32_t r, int f)
{
	uint32_t v = d->vid[(size_t)r * (size_t)d->m->nfield + (size_t)f];

	return v == RDATA_MISSING ? NULL : &d->dict[f].v[v - 1];
}

const char *
rdata_id(const struct rdata *d, uint32_t r)
{
	return d->ids.data + d->idoff[r];
}

void
rdata_key_of(const struct rdata *d, int src, const char *id, size_t idlen,
    struct buf *out)
{
	if (d->bysource)
		buf_printf(out, "%d\x1f", src);
	buf_add(out, id, idlen);
}

void
rdata_key(const struct rdata *d, uint32_t r, struct buf *out)
{
	const char *id = rdata_id(d, r);

	rdata_key_of(d, d->src[r], id, strlen(id), out);
}

const char *
rdata_code(const struct rdata *d, int f, uint32_t code, size_t *lenp)
{
	return strmap_key(d->dict[f].codes, code, lenp);
}

size_t
rdata_memory(const struct rdata *d)
{
	size_t n = d->cap * ((size_t)d->m->nfield * sizeof(*d->vid) + 2 +
	    sizeof(*d->idoff) + sizeof(*d->prior)) + d->ids.cap +
	    strmap_memory(d->entities);
	int f;

	for (f = 0; f < d->m->nfield; f++)
		n += strmap_memory(d->dict[f].vals) +
		    strmap_memory(d->dict[f].codes) +
		    d->dict[f].cap * sizeof(struct rval);
	return n;
}
