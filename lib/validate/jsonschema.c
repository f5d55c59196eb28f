/* jsonschema.c -- JSON Schema (2020-12 and draft 7) compiler and validator */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/validate/format.h"
#include "lib/base/hash.h"
#include "lib/validate/jdoc.h"
#include "lib/validate/jsmeta.h"
#include "lib/validate/jsonschema.h"
#include "lib/validate/jsregex.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

/*
 * Evaluation recurses once per schema applied to a nested instance or per
 * reference followed; past this depth the instance is rejected rather
 * than risking the stack (a schema such as {"$ref": "#"} never ends).
 */
#define JS_MAX_DEPTH	5000

/* Vocabularies of 2020-12, as bits of js_res.vocab. */
enum {
	VOC_APPLICATOR = 1 << 0,
	VOC_UNEVALUATED = 1 << 1,
	VOC_VALIDATION = 1 << 2,
	VOC_FORMAT_ASSERT = 1 << 3,
	VOC_ALL = VOC_APPLICATOR | VOC_UNEVALUATED | VOC_VALIDATION
};

/* JSON types as bits of js_node.types. */
enum {
	T_NULL = 1 << 0,
	T_BOOLEAN = 1 << 1,
	T_OBJECT = 1 << 2,
	T_ARRAY = 1 << 3,
	T_NUMBER = 1 << 4,
	T_STRING = 1 << 5,
	T_INTEGER = 1 << 6
};

/* A chained hash map from byte strings to pointers. */
struct hent {
	char		*key;		/* the key bytes; owned */
	size_t		 klen;		/* its length */
	void		*val;		/* the value; not owned */
	struct hent	*next;		/* next in the bucket */
};

struct hmap {
	struct hent	**b;		/* buckets; owned */
	size_t		 nb;		/* number of buckets (power of 2) */
	size_t		 n;		/* entries */
};

struct js_node;

/* A $dynamicAnchor of a resource. */
struct js_dyn {
	const char	*name;		/* the anchor; borrowed from the doc */
	json_t		*schema;	/* the schema holding it; borrowed */
	struct js_node	*node;		/* compiled, once the resource is */
};

/* A schema resource: a schema with its own base URI. */
struct js_res {
	char		*uri;		/* absolute URI, no fragment; owned */
	json_t		*root;		/* its root schema; borrowed */
	int		 draft;		/* JS_D7 or JS_D2020 */
	unsigned	 vocab;		/* enabled vocabularies, VOC_* */
	struct js_dyn	*dyn;		/* its dynamic anchors; owned */
	size_t		 ndyn;		/* how many */
	int		 dyn_done;	/* dynamic anchors compiled */
	struct js_res	*next;		/* the next of all resources */
};

/* A "properties" member. */
struct js_prop {
	const char	*name;		/* property name; borrowed */
	size_t		 len;		/* its length */
	struct js_node	*node;		/* its schema */
};

/* A "patternProperties" member. */
struct js_pat {
	struct jsre	*re;		/* the pattern; owned */
	const char	*src;		/* its source; borrowed */
	struct js_node	*node;		/* its schema */
};

/* A dependentRequired or dependentSchemas member (draft 7 dependencies). */
struct js_dep {
	const char	*name;		/* the property that triggers it */
	const char	**req;		/* required names; owned array */
	size_t		 nreq;		/* how many */
	struct js_node	*node;		/* or the schema to apply, or NULL */
};

/*
 * A compiled schema.  Pointers to json_t are borrowed from the documents,
 * which the js_schema keeps alive; NULL means the keyword is absent.
 */
struct js_node {
	int		 boolean;	/* -1 object schema, 0/1 false/true */
	struct js_res	*res;		/* the resource it belongs to */
	struct js_node	*ref;		/* $ref target */
	struct js_node	*dynref;	/* $dynamicRef initial target */
	const char	*dynname;	/* its anchor when dynamic, or NULL */
	unsigned	 types;		/* "type" as T_* bits, 0 when absent */
	struct jdoc_val	*enumv;		/* "enum" array (in S->arena) */
	struct jdoc_val	*constv;	/* "const" value */
	struct jdoc_val	*minimum, *maximum; /* numbers */
	struct jdoc_val	*xminimum, *xmaximum; /* exclusive bounds */
	struct jdoc_val	*multiple;	/* "multipleOf" */
	long		 minlen, maxlen; /* string lengths, -1 when absent */
	struct jsre	*pattern;	/* "pattern"; owned */
	const char	*patsrc;	/* its source; borrowed */
	int		 format;	/* format to assert, -1 for none */
	struct js_node	**prefix;	/* "prefixItems"; owned array */
	size_t		 nprefix;	/* how many */
	struct js_node	*items;		/* items after the prefix */
	const char	*itemskw;	/* keyword of items (for messages) */
	struct js_node	*contains;	/* "contains" */
	long		 mincontains;	/* default 1 */
	long		 maxcontains;	/* -1 when absent */
	long		 minitems, maxitems; /* -1 when absent */
	int		 unique;	/* "uniqueItems": true */
	struct js_prop	*props;		/* "properties", sorted; owned */
	size_t		 nprops;	/* how many */
	struct js_pat	*pats;		/* "patternProperties"; owned */
	size_t		 npats;		/* how many */
	struct js_node	*addprops;	/* "additionalProperties" */
	struct js_node	*propnames;	/* "propertyNames" */
	const char	**required;	/* "required"; owned array */
	size_t		 nrequired;	/* how many */
	struct js_dep	*deps;		/* dependencies; owned */
	size_t		 ndeps;		/* how many */
	long		 minprops, maxprops; /* -1 when absent */
	struct js_node	**allof, **anyof, **oneof; /* owned arrays */
	size_t		 nallof, nanyof, noneof; /* their sizes */
	struct js_node	*notv;		/* "not" */
	struct js_node	*ifv, *thenv, *elsev; /* conditionals */
	struct js_node	*uitems;	/* "unevaluatedItems" */
	struct js_node	*uprops;	/* "unevaluatedProperties" */
	struct js_node	*nextalloc;	/* all nodes, for freeing */
};

struct js_schema {
	int		 flags;		/* JS_* compile options */
	js_loader	 loader;	/* fetches unknown URIs, or NULL */
	void		*larg;		/* its argument */
	struct hmap	 res;		/* URI -> struct js_res */
	struct hmap	 anchors;	/* "URI#name" -> json_t schema */
	struct hmap	 locs;		/* json_t pointer -> struct js_res */
	struct hmap	 nodes;		/* json_t pointer -> struct js_node */
	struct js_res	*allres;	/* every resource */
	struct js_node	*allnodes;	/* every node */
	json_t		*docs;		/* array of the documents (owner) */
	struct js_node	*root;		/* what js_validate checks */
	struct buf	 path;		/* compile: pointer being compiled */
	struct buf	*err;		/* compile: where errors go */
	struct buf	 why;		/* compile: a pattern's error */
	int		 loading;	/* documents being loaded (nesting) */
	struct jdoc_arena arena;	/* constants (enum, const ...) */
};

static struct js_node node_true = { .boolean = 1 };
static struct js_node node_false = { .boolean = 0 };

/* ---- hash map ---- */

static uint64_t
hmap_hash(const void *k, size_t n)
{
	return hash64(k, n);
}

static void *
hmap_get(const struct hmap *m, const void *k, size_t kl)
{
	struct hent *e;

	if (m->nb == 0)
		return NULL;
	for (e = m->b[hmap_hash(k, kl) & (m->nb - 1)]; e; e = e->next)
		if (e->klen == kl && memcmp(e->key, k, kl) == 0)
			return e->val;
	return NULL;
}

static void
hmap_put(struct hmap *m, const void *k, size_t kl, void *val)
{
	struct hent *e, *nx, **nb;
	size_t i, h;

	if (m->nb == 0 || m->n >= m->nb) {
		size_t nn = m->nb ? m->nb * 2 : 64;

		nb = xcalloc(nn, sizeof(*nb));
		for (i = 0; i < m->nb; i++)
			for (e = m->b[i]; e; e = nx) {
				nx = e->next;
				h = hmap_hash(e->key, e->klen) & (nn - 1);
				e->next = nb[h];
				nb[h] = e;
			}
		free(m->b);
		m->b = nb;
		m->nb = nn;
	}
	h = hmap_hash(k, kl) & (m->nb - 1);
	for (e = m->b[h]; e; e = e->next)
		if (e->klen == kl && memcmp(e->key, k, kl) == 0) {
			e->val = val;
			return;
		}
	e = xmalloc(sizeof(*e));
	e->key = xmemdup(k, kl);
	e->klen = kl;
	e->val = val;
	e->next = m->b[h];
	m->b[h] = e;
	m->n++;
}

static void
hmap_free(struct hmap *m)
{
	struct hent *e, *nx;
	size_t i;

	for (i = 0; i < m->nb; i++)
		for (e = m->b[i]; e; e = nx) {
			nx = e->next;
			free(e->key);
			free(e);
		}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

static void *
pget(const struct hmap *m, const void *p)
{
	return hmap_get(m, &p, sizeof(p));
}

static void
pput(struct hmap *m, const void *p, void *val)
{
	hmap_put(m, &p, sizeof(p), val);
}

/* ---- URIs (RFC 3986) ---- */

struct uri {
	const char	*scheme, *auth, *path, *query, *frag;
	size_t		 lscheme, lauth, lpath, lquery, lfrag;
	int		 hscheme, hauth, hquery, hfrag;
};

static void
uri_parse(const char *s, struct uri *u)
{
	const char *p = s, *q;

	memset(u, 0, sizeof(*u));
	for (q = p; *q && (((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') ||
	    (q > p && ((*q >= '0' && *q <= '9') || *q == '+' || *q == '-' ||
	    *q == '.'))); q++)
		;
	if (q > p && *q == ':') {
		u->hscheme = 1;
		u->scheme = p;
		u->lscheme = q - p;
		p = q + 1;
	}
	if (p[0] == '/' && p[1] == '/') {
		u->hauth = 1;
		u->auth = p + 2;
		u->lauth = strcspn(p + 2, "/?#");
		p = u->auth + u->lauth;
	}
	u->path = p;
	u->lpath = strcspn(p, "?#");
	p += u->lpath;
	if (*p == '?') {
		u->hquery = 1;
		u->query = p + 1;
		u->lquery = strcspn(p + 1, "#");
		p = u->query + u->lquery;
	}
	if (*p == '#') {
		u->hfrag = 1;
		u->frag = p + 1;
		u->lfrag = strlen(p + 1);
	}
}

/* RFC 3986 5.2.4: remove "." and ".." segments from b's path in place. */
static void
remove_dots(struct buf *out, const char *in, size_t n)
{
	size_t i = 0, start = out->len, k;

	while (i < n) {
		if (n - i >= 3 && memcmp(in + i, "../", 3) == 0)
			i += 3;
		else if (n - i >= 2 && memcmp(in + i, "./", 2) == 0)
			i += 2;
		else if (n - i >= 3 && memcmp(in + i, "/./", 3) == 0)
			i += 2;
		else if (n - i == 2 && memcmp(in + i, "/.", 2) == 0) {
			buf_addc(out, '/');
			i += 2;
		} else if ((n - i >= 4 && memcmp(in + i, "/../", 4) == 0) ||
		    (n - i == 3 && memcmp(in + i, "/..", 3) == 0)) {
			k = out->len;
			while (k > start && out->data[k - 1] != '/')
				k--;
			if (k > start)
				k--;
			out->len = k;
			if (n - i == 3) {
				buf_addc(out, '/');
				i += 3;
			} else
				i += 3;
		} else if ((n - i == 1 && in[i] == '.') ||
		    (n - i == 2 && memcmp(in + i, "..", 2) == 0))
			i = n;
		else {
			k = i;
			if (in[k] == '/')
				k++;
			while (k < n && in[k] != '/')
				k++;
			buf_add(out, in + i, k - i);
			i = k;
		}
	}
	buf_addc(out, '\0');
	out->len--;
}

/* The last '/' of p[0..n), or NULL. */
static const char *
last_slash(const char *p, size_t n)
{
	while (n > 0)
		if (p[--n] == '/')
			return p + n;
	return NULL;
}

/* Resolve ref against base (either may lack parts); caller frees. */
static char *
uri_resolve(const char *base, const char *ref)
{
	struct uri b, r;
	struct buf o = BUF_INIT, m = BUF_INIT;
	const char *slash;

	if (base == NULL || *base == '\0')
		return xstrdup(ref);
	uri_parse(base, &b);
	uri_parse(ref, &r);
	if (r.hscheme) {
		buf_add(&o, r.scheme, r.lscheme);
		buf_addc(&o, ':');
		if (r.hauth) {
			buf_adds(&o, "//");
			buf_add(&o, r.auth, r.lauth);
		}
		remove_dots(&o, r.path, r.lpath);
		if (r.hquery) {
			buf_addc(&o, '?');
			buf_add(&o, r.query, r.lquery);
		}
	} else {
		if (b.hscheme) {
			buf_add(&o, b.scheme, b.lscheme);
			buf_addc(&o, ':');
		}
		if (r.hauth) {
			buf_adds(&o, "//");
			buf_add(&o, r.auth, r.lauth);
			remove_dots(&o, r.path, r.lpath);
			if (r.hquery) {
				buf_addc(&o, '?');
				buf_add(&o, r.query, r.lquery);
			}
		} else {
			if (b.hauth) {
				buf_adds(&o, "//");
				buf_add(&o, b.auth, b.lauth);
			}
			if (r.lpath == 0) {
				buf_add(&o, b.path, b.lpath);
				if (r.hquery) {
					buf_addc(&o, '?');
					buf_add(&o, r.query, r.lquery);
				} else if (b.hquery) {
					buf_addc(&o, '?');
					buf_add(&o, b.query, b.lquery);
				}
			} else {
				if (r.path[0] == '/')
					remove_dots(&o, r.path, r.lpath);
				else {
					/* RFC 3986 5.2.3: merge paths. */
					if (b.hauth && b.lpath == 0)
						buf_addc(&m, '/');
					else {
						slash = last_slash(b.path,
						    b.lpath);
						if (slash)
							buf_add(&m, b.path,
							    slash + 1 -
							    b.path);
					}
					buf_add(&m, r.path, r.lpath);
					if (m.len > 0 && m.data[0] != '/' &&
					    b.hscheme && !b.hauth) {
						/* urn:a:b + c: no dots */
						buf_add(&o, m.data, m.len);
					} else
						remove_dots(&o, m.data, m.len);
					buf_release(&m);
				}
				if (r.hquery) {
					buf_addc(&o, '?');
					buf_add(&o, r.query, r.lquery);
				}
			}
		}
	}
	if (r.hfrag) {
		buf_addc(&o, '#');
		buf_add(&o, r.frag, r.lfrag);
	}
	buf_addc(&o, '\0');
	return buf_detach(&o, NULL);
}

/* Percent-decode s in place. */
static void
pct_decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%' && text_hexval((unsigned char)s[1]) >= 0 &&
		    text_hexval((unsigned char)s[2]) >= 0) {
			*w++ = text_hexval((unsigned char)s[1]) * 16 +
			    text_hexval((unsigned char)s[2]);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/* ---- JSON helpers ---- */

void
js_pointer_escape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '~')
			buf_adds(b, "~0");
		else if (s[i] == '/')
			buf_adds(b, "~1");
		else
			buf_addc(b, s[i]);
	}
}

int
js_equal(const json_t *a, const json_t *b)
{
	const char *k;
	json_t *va;
	size_t i, n;

	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		    memcmp(json_string_value(a), json_string_value(b),
		    json_string_length(a)) == 0;
	case JSON_ARRAY:
		if ((n = json_array_size(a)) != json_array_size(b))
			return 0;
		for (i = 0; i < n; i++)
			if (!js_equal(json_array_get(a, i),
			    json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, va) {
			json_t *vb = json_object_get(b, k);

			if (vb == NULL || !js_equal(va, vb))
				return 0;
		}
		return 1;
	default:
		return 1;	/* true, false, null */
	}
}

static int
is_integral(const json_t *v)
{
	double d;

	if (json_is_integer(v))
		return 1;
	if (!json_is_real(v))
		return 0;
	d = json_real_value(v);
	return isfinite(d) && floor(d) == d;
}

/* A non-negative integer keyword value (2.0 counts), or -1. */
static long
count_value(const json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ?
		    (long)json_integer_value(v) : -1;
	if (is_integral(v) && json_real_value(v) >= 0 &&
	    json_real_value(v) < 9e18)
		return (long)json_real_value(v);
	return -1;
}

static size_t
cp_len(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* ---- errors ---- */

struct js_error *
js_errors_add(struct js_errors *e)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xreallocarray(e->v, e->cap, sizeof(*e->v));
	}
	return &e->v[e->n++];
}

void
js_errors_reset(struct js_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->v[i].path);
		free(e->v[i].keyword);
		free(e->v[i].message);
	}
	e->n = 0;
}

void
js_errors_release(struct js_errors *e)
{
	if (e == NULL)
		return;
	js_errors_reset(e);
	free(e->v);
	e->v = NULL;
	e->cap = 0;
}

/* ---- loading and scanning documents ---- */

static struct js_res *res_find(struct js_schema *, const char *uri,
	    int draft);

static struct js_res *
res_new(struct js_schema *S, const char *uri, json_t *root, int draft)
{
	struct js_res *r;

	r = xcalloc(1, sizeof(*r));
	r->uri = xstrdup(uri);
	r->root = root;
	r->draft = draft;
	r->vocab = VOC_ALL;
	r->next = S->allres;
	S->allres = r;
	hmap_put(&S->res, uri, strlen(uri), r);
	return r;
}

static void
cerr(struct js_schema *S, const char *fmt, ...)
{
	va_list ap;

	if (S->err == NULL || S->err->len > 0)
		return;
	va_start(ap, fmt);
	buf_vprintf(S->err, fmt, ap);
	va_end(ap);
}

/* Is s[0..n) the string t? */
static int
same(const char *s, size_t n, const char *t)
{
	return strlen(t) == n && memcmp(s, t, n) == 0;
}

/* The draft and vocabularies named by a $schema URI. */
static int
meta_draft(struct js_schema *S, const char *uri, int *draft, unsigned *vocab)
{
	struct js_res *m;
	json_t *voc, *v;
	const char *k, *ms, *vn;
	size_t n = strlen(uri);
	int d;

	if (n > 0 && uri[n - 1] == '#')
		n--;
	if (same(uri, n, "http://json-schema.org/draft-07/schema") ||
	    same(uri, n, "https://json-schema.org/draft-07/schema")) {
		*draft = JS_D7;
		*vocab = VOC_ALL;
		return 0;
	}
	if (same(uri, n, "https://json-schema.org/draft/2020-12/schema")) {
		*draft = JS_D2020;
		*vocab = VOC_ALL;
		return 0;
	}
	/* A custom meta-schema: its own $schema says the draft. */
	if ((m = res_find(S, uri, JS_D2020)) == NULL ||
	    !json_is_object(m->root)) {
		cerr(S, "unknown meta-schema '%s'", uri);
		return -1;
	}
	ms = json_string_value(json_object_get(m->root, "$schema"));
	if (ms == NULL || strcmp(ms, uri) == 0) {
		cerr(S, "meta-schema '%s' has no known $schema", uri);
		return -1;
	}
	if (meta_draft(S, ms, &d, vocab) != 0)
		return -1;
	*draft = d;
	if ((voc = json_object_get(m->root, "$vocabulary")) == NULL ||
	    d != JS_D2020)
		return 0;
	*vocab = 0;
	json_object_foreach(voc, k, v) {
		if (strncmp(k, "https://json-schema.org/draft/2020-12/vocab/",
		    44) != 0) {
			if (json_is_true(v)) {
				cerr(S, "meta-schema '%s' requires unknown "
				    "vocabulary '%s'", uri, k);
				return -1;
			}
			continue;
		}
		vn = k + 44;
		if (strcmp(vn, "applicator") == 0)
			*vocab |= VOC_APPLICATOR;
		else if (strcmp(vn, "unevaluated") == 0)
			*vocab |= VOC_UNEVALUATED;
		else if (strcmp(vn, "validation") == 0)
			*vocab |= VOC_VALIDATION;
		else if (strcmp(vn, "format-assertion") == 0)
			*vocab |= VOC_FORMAT_ASSERT;
	}
	return 0;
}

static const char *const kw_one[] = {
	"additionalProperties", "additionalItems", "items", "contains",
	"propertyNames", "if", "then", "else", "not", "unevaluatedItems",
	"unevaluatedProperties", NULL
};
static const char *const kw_array[] = {
	"allOf", "anyOf", "oneOf", "prefixItems", "items", NULL
};
static const char *const kw_map[] = {
	"properties", "patternProperties", "$defs", "definitions",
	"dependentSchemas", "dependencies", NULL
};

static void
add_anchor(struct js_schema *S, struct js_res *r, const char *name,
    json_t *s)
{
	struct buf k = BUF_INIT;

	buf_printf(&k, "%s#%s", r->uri, name);
	hmap_put(&S->anchors, k.data, k.len, s);
	buf_release(&k);
}

/*
 * Walk a schema through the keywords that hold subschemas, registering
 * the resources ($id) and anchors it holds and the resource each
 * subschema belongs to.
 */
static int
scan(struct js_schema *S, json_t *s, struct js_res *r, int isroot)
{
	const char *id, *a, *k;
	json_t *v, *sub;
	char *abs;
	size_t i, j;
	int d = r->draft, hasref;
	unsigned voc = r->vocab;

	if (!json_is_object(s) || pget(&S->locs, s) != NULL)
		return 0;
	hasref = json_object_get(s, "$ref") != NULL;
	id = json_string_value(json_object_get(s, "$id"));
	if (d == JS_D7 && hasref)
		id = NULL;
	if (!isroot && id != NULL && !(d == JS_D7 && id[0] == '#')) {
		a = json_string_value(json_object_get(s, "$schema"));
		if (a != NULL && meta_draft(S, a, &d, &voc) != 0)
			return -1;
		abs = uri_resolve(r->uri, id);
		if (strchr(abs, '#') != NULL)
			*strchr(abs, '#') = '\0';
		r = res_new(S, abs, s, d);
		r->vocab = voc;
		free(abs);
	} else if (id != NULL && id[0] == '#' && d == JS_D7)
		add_anchor(S, r, id + 1, s);
	if (d == JS_D2020) {
		if ((a = json_string_value(json_object_get(s, "$anchor"))))
			add_anchor(S, r, a, s);
		if ((a = json_string_value(json_object_get(s,
		    "$dynamicAnchor")))) {
			add_anchor(S, r, a, s);
			r->dyn = xreallocarray(r->dyn, r->ndyn + 1,
			    sizeof(*r->dyn));
			r->dyn[r->ndyn].name = a;
			r->dyn[r->ndyn].schema = s;
			r->dyn[r->ndyn].node = NULL;
			r->ndyn++;
		}
	}
	pput(&S->locs, s, r);
	for (i = 0; kw_one[i]; i++)
		if ((v = json_object_get(s, kw_one[i])) != NULL &&
		    scan(S, v, r, 0) != 0)
			return -1;
	for (i = 0; kw_array[i]; i++)
		if (json_is_array(v = json_object_get(s, kw_array[i])))
			for (j = 0; j < json_array_size(v); j++)
				if (scan(S, json_array_get(v, j), r, 0) != 0)
					return -1;
	for (i = 0; kw_map[i]; i++)
		if (json_is_object(v = json_object_get(s, kw_map[i])))
			json_object_foreach(v, k, sub)
				if (scan(S, sub, r, 0) != 0)
					return -1;
	return 0;
}

int
js_add(struct js_schema *S, json_t *doc, const char *uri, struct buf *err)
{
	struct buf *saved = S->err;
	struct js_res *r;
	const char *id = NULL, *ms;
	char *abs;
	int d = (S->flags & JS_DRAFT7) ? JS_D7 : JS_D2020, rc;
	unsigned voc = VOC_ALL;

	S->err = err;
	json_array_append(S->docs, doc);
	if (json_is_object(doc)) {
		ms = json_string_value(json_object_get(doc, "$schema"));
		if (ms != NULL && meta_draft(S, ms, &d, &voc) != 0) {
			S->err = saved;
			return -1;
		}
		id = json_string_value(json_object_get(doc, "$id"));
		if (d == JS_D7 && (json_object_get(doc, "$ref") ||
		    (id && id[0] == '#')))
			id = NULL;
	}
	if (uri == NULL && id == NULL) {
		cerr(S, "schema has no $id and no URI");
		S->err = saved;
		return -1;
	}
	abs = uri_resolve(uri, id ? id : uri);
	if (strchr(abs, '#') != NULL)
		*strchr(abs, '#') = '\0';
	r = res_new(S, abs, doc, d);
	r->vocab = voc;
	if (uri != NULL && strcmp(uri, abs) != 0) {
		char *u = xstrdup(uri);

		if (strchr(u, '#') != NULL)
			*strchr(u, '#') = '\0';
		hmap_put(&S->res, u, strlen(u), r);
		free(u);
	}
	free(abs);
	rc = scan(S, doc, r, 1);
	S->err = saved;
	return rc;
}

/*
 * The resource at uri (no fragment), loading it if needed: built-in
 * meta-schemas first, then the loader.  Documents without $schema take
 * the given draft.  NULL when unknown.
 */
static struct js_res *
res_find(struct js_schema *S, const char *uri, int draft)
{
	struct js_res *r;
	const char *text;
	json_t *doc = NULL;
	json_error_t jerr;
	int saved;
	size_t ul = strcspn(uri, "#");

	if ((r = hmap_get(&S->res, uri, ul)) != NULL)
		return r;
	if (uri[ul] == '#') {
		char *u = xmemdup(uri, ul);

		r = res_find(S, u, draft);
		free(u);
		return r;
	}
	if ((text = jsmeta_text(uri, strlen(uri))) != NULL)
		doc = json_loads(text, 0, &jerr);
	else if (S->loader != NULL)
		doc = S->loader(uri, S->larg);
	if (doc == NULL)
		return NULL;
	if (S->loading > 16) {
		cerr(S, "meta-schemas refer to each other in a loop at '%s'",
		    uri);
		json_decref(doc);
		return NULL;
	}
	S->loading++;
	saved = S->flags;
	S->flags = (S->flags & ~JS_DRAFT7) | (draft == JS_D7 ? JS_DRAFT7 : 0);
	if (js_add(S, doc, uri, S->err) != 0) {
		S->flags = saved;
		S->loading--;
		json_decref(doc);
		return NULL;
	}
	S->loading--;
	S->flags = saved;
	json_decref(doc);
	return hmap_get(&S->res, uri, strlen(uri));
}

/* ---- compiling ---- */

static struct js_node *compile(struct js_schema *, json_t *,
	    struct js_res *);

/*
 * Resolve a reference from resource r to a schema.  Returns it (borrowed)
 * and its resource in *rp, or NULL with an error.  *fragp, when not NULL,
 * gets the decoded fragment (caller frees).
 */
static json_t *
resolve(struct js_schema *S, struct js_res *r, const char *ref,
    struct js_res **rp, char **fragp)
{
	char *abs, *frag, *tok, *save, *p;
	struct js_res *t, *lr;
	json_t *s;
	struct buf key = BUF_INIT;

	abs = uri_resolve(r->uri, ref);
	if ((frag = strchr(abs, '#')) != NULL)
		*frag++ = '\0';
	else
		frag = abs + strlen(abs);
	pct_decode(frag);
	if ((t = res_find(S, abs, r->draft)) == NULL) {
		cerr(S, "cannot resolve reference '%s': no schema '%s'", ref,
		    abs);
		free(abs);
		return NULL;
	}
	if (fragp != NULL)
		*fragp = xstrdup(frag);
	s = t->root;
	if (*frag == '/') {
		/* A JSON pointer; track the resources on the way. */
		p = xstrdup(frag + 1);
		for (tok = p; tok != NULL && s != NULL; tok = save) {
			char *w = tok, *q;

			if ((save = strchr(tok, '/')) != NULL)
				*save++ = '\0';
			for (q = tok; *q; q++) {
				if (q[0] == '~' && q[1] == '1') {
					*w++ = '/';
					q++;
				} else if (q[0] == '~' && q[1] == '0') {
					*w++ = '~';
					q++;
				} else
					*w++ = *q;
			}
			*w = '\0';
			if (json_is_object(s))
				s = json_object_get(s, tok);
			else if (json_is_array(s)) {
				char *end;
				unsigned long ix = strtoul(tok, &end, 10);

				s = *end || *tok == '\0' ? NULL :
				    json_array_get(s, ix);
			} else
				s = NULL;
			if (s != NULL && (lr = pget(&S->locs, s)) != NULL)
				t = lr;
		}
		free(p);
	} else if (*frag != '\0') {
		buf_printf(&key, "%s#%s", t->uri, frag);
		s = hmap_get(&S->anchors, key.data, key.len);
		buf_release(&key);
		if (s != NULL && (lr = pget(&S->locs, s)) != NULL)
			t = lr;
	}
	if (s == NULL) {
		cerr(S, "cannot resolve reference '%s'", ref);
		if (fragp != NULL) {
			free(*fragp);
			*fragp = NULL;
		}
		free(abs);
		return NULL;
	}
	free(abs);
	*rp = t;
	return s;
}

/* Compile subschema v of keyword kw (with optional member key). */
static struct js_node *
sub(struct js_schema *S, json_t *v, struct js_res *r, const char *kw,
    const char *key)
{
	struct js_node *n;
	size_t len = S->path.len;

	buf_addc(&S->path, '/');
	js_pointer_escape(&S->path, kw, strlen(kw));
	if (key != NULL) {
		buf_addc(&S->path, '/');
		js_pointer_escape(&S->path, key, strlen(key));
	}
	n = compile(S, v, r);
	S->path.len = len;
	S->path.data[len] = '\0';
	return n;
}

static struct js_node **
sub_array(struct js_schema *S, json_t *v, struct js_res *r, const char *kw,
    size_t *np)
{
	struct js_node **a;
	size_t i, n = json_array_size(v);
	char ix[24];

	if (!json_is_array(v) || n == 0) {
		cerr(S, "'%s' must be a non-empty array at '%s'", kw,
		    S->path.data);
		return NULL;
	}
	a = xcalloc(n, sizeof(*a));
	for (i = 0; i < n; i++) {
		snprintf(ix, sizeof(ix), "%zu", i);
		if ((a[i] = sub(S, json_array_get(v, i), r, kw, ix)) == NULL) {
			free(a);
			return NULL;
		}
	}
	*np = n;
	return a;
}

static int
prop_cmp(const void *a, const void *b)
{
	const struct js_prop *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int
type_bit(const char *t)
{
	static const char *const names[] = { "null", "boolean", "object",
	    "array", "number", "string", "integer" };
	size_t i;

	for (i = 0; i < 7; i++)
		if (strcmp(t, names[i]) == 0)
			return 1 << i;
	return 0;
}

static int
bad(struct js_schema *S, const char *kw, const char *what)
{
	cerr(S, "'%s' must be %s at '%s/%s'", kw, what,
	    S->path.data, kw);
	return -1;
}

/* Read the string array v (keyword kw) into *ap. */
static int
strings(struct js_schema *S, json_t *v, const char *kw, const char ***ap,
    size_t *np)
{
	size_t i, n;

	if (!json_is_array(v))
		return bad(S, kw, "an array of strings");
	n = json_array_size(v);
	*ap = xcalloc(n + 1, sizeof(**ap));
	for (i = 0; i < n; i++)
		if (((*ap)[i] = json_string_value(json_array_get(v, i))) ==
		    NULL)
			return bad(S, kw, "an array of strings");
	*np = n;
	return 0;
}

static int
compile_counts(struct js_schema *S, json_t *s, struct js_node *n)
{
	static const struct {
		const char	*kw;
		size_t		 off;
	} c[] = {
		{ "minLength", offsetof(struct js_node, minlen) },
		{ "maxLength", offsetof(struct js_node, maxlen) },
		{ "minItems", offsetof(struct js_node, minitems) },
		{ "maxItems", offsetof(struct js_node, maxitems) },
		{ "minProperties", offsetof(struct js_node, minprops) },
		{ "maxProperties", offsetof(struct js_node, maxprops) },
		{ "minContains", offsetof(struct js_node, mincontains) },
		{ "maxContains", offsetof(struct js_node, maxcontains) },
	};
	size_t i;
	json_t *v;
	long x;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (i >= 6 && n->res->draft == JS_D7)
			break;
		if ((v = json_object_get(s, c[i].kw)) == NULL)
			continue;
		if ((x = count_value(v)) < 0)
			return bad(S, c[i].kw, "a non-negative integer");
		*(long *)((char *)n + c[i].off) = x;
	}
	return 0;
}

static int
compile_numbers(struct js_schema *S, json_t *s, struct js_node *n)
{
	static const struct {
		const char	*kw;
		size_t		 off;
	} c[] = {
		{ "minimum", offsetof(struct js_node, minimum) },
		{ "maximum", offsetof(struct js_node, maximum) },
		{ "exclusiveMinimum", offsetof(struct js_node, xminimum) },
		{ "exclusiveMaximum", offsetof(struct js_node, xmaximum) },
		{ "multipleOf", offsetof(struct js_node, multiple) },
	};
	size_t i;
	json_t *v;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if ((v = json_object_get(s, c[i].kw)) == NULL)
			continue;
		if (!json_is_number(v))
			return bad(S, c[i].kw, "a number");
		if (i == 4 && json_number_value(v) <= 0)
			return bad(S, c[i].kw, "a number above 0");
		*(struct jdoc_val **)((char *)n + c[i].off) =
		    jdoc_from_json(&S->arena, v);
	}
	return 0;
}

static int
compile_validation(struct js_schema *S, json_t *s, struct js_node *n)
{
	json_t *v;
	size_t i;
	const char *t;
	int bit;

	if ((v = json_object_get(s, "type")) != NULL) {
		if (json_is_string(v)) {
			if ((n->types = type_bit(json_string_value(v))) == 0)
				return bad(S, "type", "a JSON type name");
		} else if (json_is_array(v)) {
			for (i = 0; i < json_array_size(v); i++) {
				t = json_string_value(json_array_get(v, i));
				if (t == NULL || (bit = type_bit(t)) == 0)
					return bad(S, "type",
					    "a JSON type name or an array "
					    "of them");
				n->types |= bit;
			}
		} else
			return bad(S, "type", "a string or an array");
	}
	if ((v = json_object_get(s, "enum")) != NULL) {
		if (!json_is_array(v))
			return bad(S, "enum", "an array");
		n->enumv = jdoc_from_json(&S->arena, v);
	}
	if ((v = json_object_get(s, "const")) != NULL)
		n->constv = jdoc_from_json(&S->arena, v);
	if (compile_numbers(S, s, n) != 0 || compile_counts(S, s, n) != 0)
		return -1;
	if ((v = json_object_get(s, "pattern")) != NULL) {
		if (!json_is_string(v))
			return bad(S, "pattern", "a string");
		n->pattern = jsre_compile(json_string_value(v),
		    json_string_length(v), &S->why);
		if (n->pattern == NULL) {
			cerr(S, "%s at '%s/pattern'", S->why.data,
			    S->path.data);
			return -1;
		}
		n->patsrc = json_string_value(v);
	}
	if ((v = json_object_get(s, "uniqueItems")) != NULL) {
		if (!json_is_boolean(v))
			return bad(S, "uniqueItems", "a boolean");
		n->unique = json_is_true(v);
	}
	if ((v = json_object_get(s, "required")) != NULL &&
	    strings(S, v, "required", &n->required, &n->nrequired) != 0)
		return -1;
	if (n->res->draft == JS_D2020 &&
	    (v = json_object_get(s, "dependentRequired")) != NULL) {
		const char *k;
		json_t *d;

		if (!json_is_object(v))
			return bad(S, "dependentRequired", "an object");
		json_object_foreach(v, k, d) {
			struct js_dep *dp;

			n->deps = xreallocarray(n->deps, n->ndeps + 1,
			    sizeof(*n->deps));
			dp = &n->deps[n->ndeps++];
			memset(dp, 0, sizeof(*dp));
			dp->name = k;
			if (strings(S, d, "dependentRequired", &dp->req,
			    &dp->nreq) != 0)
				return -1;
		}
	}
	return 0;
}

static int
compile_applicators(struct js_schema *S, json_t *s, struct js_node *n,
    struct js_res *r)
{
	json_t *v, *d;
	const char *k;
	int dk;

	if ((v = json_object_get(s, "properties")) != NULL) {
		if (!json_is_object(v))
			return bad(S, "properties", "an object");
		n->props = xcalloc(json_object_size(v) + 1,
		    sizeof(*n->props));
		json_object_foreach(v, k, d) {
			struct js_prop *p = &n->props[n->nprops++];

			p->name = k;
			p->len = strlen(k);
			if ((p->node = sub(S, d, r, "properties", k)) == NULL)
				return -1;
		}
		qsort(n->props, n->nprops, sizeof(*n->props), prop_cmp);
	}
	if ((v = json_object_get(s, "patternProperties")) != NULL) {
		if (!json_is_object(v))
			return bad(S, "patternProperties", "an object");
		n->pats = xcalloc(json_object_size(v) + 1, sizeof(*n->pats));
		json_object_foreach(v, k, d) {
			struct js_pat *p = &n->pats[n->npats];

			p->src = k;
			if ((p->re = jsre_compile(k, strlen(k), &S->why)) ==
			    NULL) {
				cerr(S, "%s at '%s/patternProperties'",
				    S->why.data, S->path.data);
				return -1;
			}
			n->npats++;
			if ((p->node = sub(S, d, r, "patternProperties", k)) ==
			    NULL)
				return -1;
		}
	}
	if ((v = json_object_get(s, "additionalProperties")) != NULL &&
	    (n->addprops = sub(S, v, r, "additionalProperties", NULL)) ==
	    NULL)
		return -1;
	if ((v = json_object_get(s, "propertyNames")) != NULL &&
	    (n->propnames = sub(S, v, r, "propertyNames", NULL)) == NULL)
		return -1;
	if (r->draft == JS_D2020) {
		if ((v = json_object_get(s, "prefixItems")) != NULL &&
		    (n->prefix = sub_array(S, v, r, "prefixItems",
		    &n->nprefix)) == NULL)
			return -1;
		if ((v = json_object_get(s, "items")) != NULL) {
			n->itemskw = "items";
			if ((n->items = sub(S, v, r, "items", NULL)) == NULL)
				return -1;
		}
	} else if ((v = json_object_get(s, "items")) != NULL) {
		if (json_is_array(v)) {
			if (json_array_size(v) > 0 && (n->prefix =
			    sub_array(S, v, r, "items", &n->nprefix)) == NULL)
				return -1;
			if ((d = json_object_get(s, "additionalItems")) !=
			    NULL) {
				n->itemskw = "additionalItems";
				if ((n->items = sub(S, d, r,
				    "additionalItems", NULL)) == NULL)
					return -1;
			}
		} else {
			n->itemskw = "items";
			if ((n->items = sub(S, v, r, "items", NULL)) == NULL)
				return -1;
		}
	}
	if ((v = json_object_get(s, "contains")) != NULL &&
	    (n->contains = sub(S, v, r, "contains", NULL)) == NULL)
		return -1;
	for (dk = 0; dk < 2; dk++) {
		if ((v = json_object_get(s, dk == 0 ? "dependencies" :
		    "dependentSchemas")) == NULL ||
		    (dk == 1 && r->draft == JS_D7))
			continue;
		if (!json_is_object(v))
			return bad(S, dk ? "dependentSchemas" : "dependencies",
			    "an object");
		json_object_foreach(v, k, d) {
			struct js_dep *dp;

			n->deps = xreallocarray(n->deps, n->ndeps + 1,
			    sizeof(*n->deps));
			dp = &n->deps[n->ndeps++];
			memset(dp, 0, sizeof(*dp));
			dp->name = k;
			if (json_is_array(d)) {
				if (strings(S, d, "dependencies", &dp->req,
				    &dp->nreq) != 0)
					return -1;
			} else if ((dp->node = sub(S, d, r, dk ?
			    "dependentSchemas" : "dependencies", k)) == NULL)
				return -1;
		}
	}
	if ((v = json_object_get(s, "allOf")) != NULL &&
	    (n->allof = sub_array(S, v, r, "allOf", &n->nallof)) == NULL)
		return -1;
	if ((v = json_object_get(s, "anyOf")) != NULL &&
	    (n->anyof = sub_array(S, v, r, "anyOf", &n->nanyof)) == NULL)
		return -1;
	if ((v = json_object_get(s, "oneOf")) != NULL &&
	    (n->oneof = sub_array(S, v, r, "oneOf", &n->noneof)) == NULL)
		return -1;
	if ((v = json_object_get(s, "not")) != NULL &&
	    (n->notv = sub(S, v, r, "not", NULL)) == NULL)
		return -1;
	if ((v = json_object_get(s, "if")) != NULL) {
		if ((n->ifv = sub(S, v, r, "if", NULL)) == NULL)
			return -1;
		if ((v = json_object_get(s, "then")) != NULL &&
		    (n->thenv = sub(S, v, r, "then", NULL)) == NULL)
			return -1;
		if ((v = json_object_get(s, "else")) != NULL &&
		    (n->elsev = sub(S, v, r, "else", NULL)) == NULL)
			return -1;
	}
	return 0;
}

static int
compile_refs(struct js_schema *S, json_t *s, struct js_node *n,
    struct js_res *r)
{
	json_t *v, *t;
	struct js_res *tr;
	char *frag = NULL;
	const char *da;
	size_t len = S->path.len;

	if ((v = json_object_get(s, "$ref")) != NULL) {
		if (!json_is_string(v))
			return bad(S, "$ref", "a string");
		if ((t = resolve(S, r, json_string_value(v), &tr, NULL)) ==
		    NULL)
			return -1;
		buf_adds(&S->path, "/$ref");
		n->ref = compile(S, t, tr);
		S->path.len = len;
		S->path.data[len] = '\0';
		if (n->ref == NULL)
			return -1;
	}
	if (r->draft == JS_D2020 &&
	    (v = json_object_get(s, "$dynamicRef")) != NULL) {
		if (!json_is_string(v))
			return bad(S, "$dynamicRef", "a string");
		if ((t = resolve(S, r, json_string_value(v), &tr, &frag)) ==
		    NULL)
			return -1;
		buf_adds(&S->path, "/$dynamicRef");
		n->dynref = compile(S, t, tr);
		S->path.len = len;
		S->path.data[len] = '\0';
		if (n->dynref == NULL) {
			free(frag);
			return -1;
		}
		/* Dynamic only when the target carries the same anchor. */
		da = json_string_value(json_object_get(t, "$dynamicAnchor"));
		if (frag[0] != '\0' && frag[0] != '/' && da != NULL &&
		    strcmp(da, frag) == 0)
			n->dynname = da;
		free(frag);
	}
	return 0;
}

static struct js_node *
compile(struct js_schema *S, json_t *s, struct js_res *r)
{
	struct js_node *n;
	struct js_res *lr;
	json_t *v;
	size_t i;
	int fmt;

	if (json_is_true(s))
		return &node_true;
	if (json_is_false(s))
		return &node_false;
	if (!json_is_object(s)) {
		cerr(S, "schema must be an object or a boolean at '%s'",
		    S->path.data);
		return NULL;
	}
	if ((n = pget(&S->nodes, s)) != NULL)
		return n;
	if ((lr = pget(&S->locs, s)) != NULL)
		r = lr;
	n = xcalloc(1, sizeof(*n));
	n->boolean = -1;
	n->res = r;
	n->format = -1;
	n->minlen = n->maxlen = n->minitems = n->maxitems = -1;
	n->minprops = n->maxprops = n->maxcontains = -1;
	n->mincontains = 1;
	n->nextalloc = S->allnodes;
	S->allnodes = n;
	pput(&S->nodes, s, n);

	/* A resource's dynamic anchors are ready once it is entered. */
	if (!r->dyn_done) {
		r->dyn_done = 1;
		for (i = 0; i < r->ndyn; i++)
			if ((r->dyn[i].node = compile(S, r->dyn[i].schema,
			    r)) == NULL)
				return NULL;
	}
	if (compile_refs(S, s, n, r) != 0)
		return NULL;
	/* In draft 7, $ref hides every other keyword beside it. */
	if (r->draft == JS_D7 && n->ref != NULL)
		return n;
	if ((r->vocab & VOC_VALIDATION) && compile_validation(S, s, n) != 0)
		return NULL;
	if ((r->vocab & VOC_APPLICATOR) &&
	    compile_applicators(S, s, n, r) != 0)
		return NULL;
	if ((v = json_object_get(s, "format")) != NULL) {
		if (!json_is_string(v)) {
			bad(S, "format", "a string");
			return NULL;
		}
		fmt = format_lookup(json_string_value(v));
		if ((S->flags & JS_FORMATS) || (r->vocab & VOC_FORMAT_ASSERT))
			n->format = fmt;
	}
	if (r->draft == JS_D2020 && (r->vocab & VOC_UNEVALUATED)) {
		if ((v = json_object_get(s, "unevaluatedItems")) != NULL &&
		    (n->uitems = sub(S, v, r, "unevaluatedItems", NULL)) ==
		    NULL)
			return NULL;
		if ((v = json_object_get(s, "unevaluatedProperties")) !=
		    NULL && (n->uprops = sub(S, v, r, "unevaluatedProperties",
		    NULL)) == NULL)
			return NULL;
	}
	return n;
}

/* ---- evaluation ---- */

/* Evaluated items or properties of one instance, by index. */
struct ann {
	unsigned char	*bits;		/* the bit set; inl or owned */
	size_t		 n;		/* number of bits */
	unsigned char	 inl[32];	/* storage for small instances */
};

static void
ann_init(struct ann *a, const struct jdoc_val *v)
{
	size_t nb;

	a->n = v->n;
	nb = (a->n + 7) / 8;
	if (nb <= sizeof(a->inl)) {
		a->bits = a->inl;
		memset(a->inl, 0, sizeof(a->inl));
	} else
		a->bits = xcalloc(nb, 1);
}

static void
ann_release(struct ann *a)
{
	if (a->bits != a->inl)
		free(a->bits);
}

static void
ann_set(struct ann *a, size_t i)
{
	if (a != NULL && i < a->n)
		a->bits[i / 8] |= 1u << (i % 8);
}

static int
ann_get(const struct ann *a, size_t i)
{
	return i < a->n && (a->bits[i / 8] & (1u << (i % 8)));
}

static void
ann_merge(struct ann *a, const struct ann *b)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < (a->n + 7) / 8; i++)
		a->bits[i] |= b->bits[i];
}

/* The dynamic scope: the resources entered, innermost first. */
struct scope {
	const struct js_res	*res;	/* a resource */
	const struct scope	*up;	/* the one entered before */
};

struct ctx {
	const struct js_schema	*S;	/* the schema */
	int			 detail; /* collect errors */
	struct js_errors	*errs;	/* where they go */
	size_t			 max;	/* at most this many */
	struct buf		 ip;	/* instance location */
	struct buf		 kp;	/* keyword location */
	const struct scope	*scope;	/* dynamic scope */
	int			 depth;	/* recursion depth */
};

static void
report(struct ctx *c, const char *kw, const char *fmt, ...)
{
	struct js_error *e;
	struct buf b = BUF_INIT;
	va_list ap;

	if (!c->detail || c->errs->n >= c->max)
		return;
	e = js_errors_add(c->errs);
	e->path = xstrdup(c->ip.data);
	buf_add(&b, c->kp.data, c->kp.len);
	if (kw != NULL) {
		buf_addc(&b, '/');
		buf_adds(&b, kw);
	}
	buf_addc(&b, '\0');
	e->keyword = buf_detach(&b, NULL);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_addc(&b, '\0');
	e->message = buf_detach(&b, NULL);
}

static size_t
kpush(struct ctx *c, const char *kw, const char *key)
{
	size_t l = c->kp.len;

	if (c->detail) {
		buf_addc(&c->kp, '/');
		buf_adds(&c->kp, kw);
		if (key != NULL) {
			buf_addc(&c->kp, '/');
			js_pointer_escape(&c->kp, key, strlen(key));
		}
	}
	return l;
}

static size_t
kpushi(struct ctx *c, const char *kw, size_t i)
{
	size_t l = c->kp.len;

	if (c->detail)
		buf_printf(&c->kp, "/%s/%zu", kw, i);
	return l;
}

static void
trunc_to(struct buf *b, size_t l)
{
	if (b->data != NULL) {
		b->len = l;
		b->data[l] = '\0';
	}
}

static size_t
ipush(struct ctx *c, const char *key)
{
	size_t l = c->ip.len;

	if (c->detail) {
		buf_addc(&c->ip, '/');
		js_pointer_escape(&c->ip, key, strlen(key));
	}
	return l;
}

static size_t
ipushi(struct ctx *c, size_t i)
{
	size_t l = c->ip.len;

	if (c->detail)
		buf_printf(&c->ip, "/%zu", i);
	return l;
}

static int eval(struct ctx *, const struct js_node *,
	    const struct jdoc_val *, struct ann *);

/* Apply n to a member of the instance (new instance location). */
static int
eval_at(struct ctx *c, const struct js_node *n, const struct jdoc_val *v,
    const char *kw, const char *kkey, const char *ikey, size_t iix)
{
	size_t kl, il;
	int ok;

	if (!c->detail)
		return eval(c, n, v, NULL);
	kl = kkey ? kpush(c, kw, kkey) : kpush(c, kw, NULL);
	il = ikey ? ipush(c, ikey) : ipushi(c, iix);
	ok = eval(c, n, v, NULL);
	trunc_to(&c->kp, kl);
	trunc_to(&c->ip, il);
	return ok;
}

/* Apply n in place (same instance), without reporting its errors. */
static int
quiet(struct ctx *c, const struct js_node *n, const struct jdoc_val *v,
    struct ann *a)
{
	int saved = c->detail, ok;

	c->detail = 0;
	ok = eval(c, n, v, a);
	c->detail = saved;
	return ok;
}

static const char *
type_name(const struct jdoc_val *v)
{
	switch (v->type) {
	case JD_OBJECT:
		return "object";
	case JD_ARRAY:
		return "array";
	case JD_STRING:
		return "string";
	case JD_INT:
		return "integer";
	case JD_REAL:
		return "number";
	case JD_TRUE:
	case JD_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

/* The types of a "type" keyword in words: "a string or null". */
static const char *
types_text(unsigned types, char *out, size_t n)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} t[] = {
		{ T_OBJECT, "an object" }, { T_ARRAY, "an array" },
		{ T_STRING, "a string" }, { T_NUMBER, "a number" },
		{ T_INTEGER, "an integer" }, { T_BOOLEAN, "a boolean" },
		{ T_NULL, "null" }
	};
	size_t i, k = 0, count = 0, total = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (types & t[i].bit)
			total++;
	out[0] = '\0';
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!(types & t[i].bit))
			continue;
		count++;
		k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s",
		    count == 1 ? "" : count == total ? " or " : ", ",
		    t[i].name);
		if (k >= n)
			break;
	}
	return out;
}

static int
jd_integral(const struct jdoc_val *v)
{
	return v->type == JD_INT || (v->type == JD_REAL &&
	    isfinite(v->u.d) && floor(v->u.d) == v->u.d);
}

static int
type_ok(unsigned types, const struct jdoc_val *v)
{
	switch (v->type) {
	case JD_OBJECT:
		return types & T_OBJECT;
	case JD_ARRAY:
		return types & T_ARRAY;
	case JD_STRING:
		return types & T_STRING;
	case JD_INT:
		return types & (T_NUMBER | T_INTEGER);
	case JD_REAL:
		return (types & T_NUMBER) ||
		    ((types & T_INTEGER) && jd_integral(v));
	case JD_TRUE:
	case JD_FALSE:
		return types & T_BOOLEAN;
	default:
		return types & T_NULL;
	}
}

static void
numstr(const struct jdoc_val *v, char *out, size_t n)
{
	if (v->type == JD_INT)
		snprintf(out, n, "%lld", v->u.i);
	else
		snprintf(out, n, "%.17g", v->u.d);
}

static int
jd_numcmp(const struct jdoc_val *a, const struct jdoc_val *b)
{
	double x, y;

	if (a->type == JD_INT && b->type == JD_INT)
		return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	x = jdoc_number(a);
	y = jdoc_number(b);
	return x < y ? -1 : x > y;
}

static int
jd_multiple_of(const struct jdoc_val *v, const struct jdoc_val *m)
{
	double x, d, q;

	if (v->type == JD_INT && m->type == JD_INT)
		return m->u.i != 0 && (m->u.i == -1 || v->u.i % m->u.i == 0);
	x = jdoc_number(v);
	d = jdoc_number(m);
	if (d == 0)
		return 0;
	q = x / d;
	if (!isfinite(q))
		return isfinite(x) && fmod(x, d) == 0;
	if (q == floor(q))
		return 1;
	/* Decimal multipliers (0.01) are inexact in binary. */
	return fabs(q - nearbyint(q)) < 1e-9 * fmax(1.0, fabs(q)) &&
	    fabs(q) < 1e15;
}

static int
jd_equal(const struct jdoc_val *a, const struct jdoc_val *b)
{
	const struct jdoc_val *vb;
	size_t i;

	if ((a->type == JD_INT || a->type == JD_REAL) &&
	    (b->type == JD_INT || b->type == JD_REAL))
		return jd_numcmp(a, b) == 0 && !(a->type == JD_REAL &&
		    isnan(a->u.d));
	if (a->type != b->type || a->n != b->n)
		return 0;
	switch (a->type) {
	case JD_STRING:
		return memcmp(a->u.s, b->u.s, a->n) == 0;
	case JD_ARRAY:
		for (i = 0; i < a->n; i++)
			if (!jd_equal(&a->u.items[i], &b->u.items[i]))
				return 0;
		return 1;
	case JD_OBJECT:
		for (i = 0; i < a->n; i++) {
			vb = jdoc_get(b, a->u.mems[i].key, a->u.mems[i].klen);
			if (vb == NULL || !jd_equal(&a->u.mems[i].val, vb))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

#define FAIL()	do { ok = 0; if (!c->detail) goto out; } while (0)

static int
eval_number(struct ctx *c, const struct js_node *n, const struct jdoc_val *v)
{
	char a[40], b[40];
	int ok = 1;

	if (n->minimum && jd_numcmp(v, n->minimum) < 0) {
		numstr(v, a, sizeof(a));
		numstr(n->minimum, b, sizeof(b));
		report(c, "minimum", "%s is less than the minimum %s", a, b);
		FAIL();
	}
	if (n->maximum && jd_numcmp(v, n->maximum) > 0) {
		numstr(v, a, sizeof(a));
		numstr(n->maximum, b, sizeof(b));
		report(c, "maximum", "%s is greater than the maximum %s", a,
		    b);
		FAIL();
	}
	if (n->xminimum && jd_numcmp(v, n->xminimum) <= 0) {
		numstr(v, a, sizeof(a));
		numstr(n->xminimum, b, sizeof(b));
		report(c, "exclusiveMinimum", "%s is not greater than %s", a,
		    b);
		FAIL();
	}
	if (n->xmaximum && jd_numcmp(v, n->xmaximum) >= 0) {
		numstr(v, a, sizeof(a));
		numstr(n->xmaximum, b, sizeof(b));
		report(c, "exclusiveMaximum", "%s is not less than %s", a, b);
		FAIL();
	}
	if (n->multiple && !jd_multiple_of(v, n->multiple)) {
		numstr(v, a, sizeof(a));
		numstr(n->multiple, b, sizeof(b));
		report(c, "multipleOf", "%s is not a multiple of %s", a, b);
		FAIL();
	}
out:
	return ok;
}

static int
eval_string(struct ctx *c, const struct js_node *n, const struct jdoc_val *v)
{
	const char *s = v->u.s;
	size_t len = v->n, cps;
	int ok = 1, r;

	if (n->minlen >= 0 || n->maxlen >= 0) {
		cps = cp_len(s, len);
		if (n->minlen >= 0 && cps < (size_t)n->minlen) {
			report(c, "minLength", "string is shorter than the "
			    "minimum of %ld characters", n->minlen);
			FAIL();
		}
		if (n->maxlen >= 0 && cps > (size_t)n->maxlen) {
			report(c, "maxLength", "string is longer than the "
			    "maximum of %ld characters", n->maxlen);
			FAIL();
		}
	}
	if (n->pattern) {
		if ((r = jsre_search(n->pattern, s, len)) < 0) {
			report(c, "pattern", "pattern '%s' hit the match "
			    "limit", n->patsrc);
			FAIL();
		} else if (r == 0) {
			report(c, "pattern", "string does not match pattern "
			    "'%s'", n->patsrc);
			FAIL();
		}
	}
	if (n->format >= 0 && !format_check(n->format, s, len)) {
		report(c, "format", "string is not a valid '%s'",
		    format_name(n->format));
		FAIL();
	}
out:
	return ok;
}

/*
 * A hash that equal values (as jd_equal sees them) share: numbers by
 * their double value, objects whatever the order of their members.
 */
static uint64_t
jd_hash(const struct jdoc_val *v)
{
	uint64_t h = (uint64_t)v->type * 0x9e3779b97f4a7c15ULL, m;
	double d;
	size_t i;

	switch (v->type) {
	case JD_INT:
	case JD_REAL:
		d = jdoc_number(v);
		if (d == 0)
			d = 0;	/* -0.0 equals 0 */
		return hash64(&d, sizeof(d));
	case JD_STRING:
		return hash64(v->u.s, v->n) ^ h;
	case JD_ARRAY:
		for (i = 0; i < v->n; i++)
			h = (h ^ jd_hash(&v->u.items[i])) * 0x100000001b3ULL;
		return h;
	case JD_OBJECT:
		for (i = 0, m = 0; i < v->n; i++)
			m += hash64(v->u.mems[i].key, v->u.mems[i].klen) *
			    (jd_hash(&v->u.mems[i].val) | 1);
		return h ^ m;
	default:
		return h;
	}
}

struct hix {
	uint64_t	 h;		/* hash of an item */
	size_t		 i;		/* its index */
};

static int
hix_cmp(const void *a, const void *b)
{
	const struct hix *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * Are the items of array v unique?  If not, *ip and *jp get two equal
 * ones.  Small arrays are compared pairwise, large ones through sorted
 * hashes, so that a long array cannot take quadratic time.
 */
static int
unique_items(const struct jdoc_val *v, size_t *ip, size_t *jp)
{
	struct hix *hx;
	size_t i, j, n = v->n;
	int ok = 1;

	if (n <= 32) {
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (jd_equal(&v->u.items[i], &v->u.items[j])) {
					*ip = i;
					*jp = j;
					return 0;
				}
		return 1;
	}
	hx = xcalloc(n, sizeof(*hx));
	for (i = 0; i < n; i++) {
		hx[i].h = jd_hash(&v->u.items[i]);
		hx[i].i = i;
	}
	qsort(hx, n, sizeof(*hx), hix_cmp);
	for (i = 0; i < n && ok; i++)
		for (j = i + 1; j < n && hx[j].h == hx[i].h && ok; j++)
			if (jd_equal(&v->u.items[hx[i].i],
			    &v->u.items[hx[j].i])) {
				*ip = hx[i].i;
				*jp = hx[j].i;
				ok = 0;
			}
	free(hx);
	return ok;
}

static int
eval_array(struct ctx *c, const struct js_node *n, const struct jdoc_val *v,
    struct ann *a)
{
	size_t size = v->n, i, j, l;
	long count;
	int ok = 1;

	if (n->minitems >= 0 && size < (size_t)n->minitems) {
		report(c, "minItems", "array has fewer than %ld items",
		    n->minitems);
		FAIL();
	}
	if (n->maxitems >= 0 && size > (size_t)n->maxitems) {
		report(c, "maxItems", "array has more than %ld items",
		    n->maxitems);
		FAIL();
	}
	if (n->unique && size > 1 && !unique_items(v, &i, &j)) {
		report(c, "uniqueItems", "items %zu and %zu are equal", i, j);
		FAIL();
	}
	for (i = 0; i < n->nprefix && i < size; i++) {
		if (!eval_at(c, n->prefix[i], &v->u.items[i],
		    n->itemskw && strcmp(n->itemskw, "additionalItems") == 0 ?
		    "items" : "prefixItems", NULL, NULL, i))
			FAIL();
		ann_set(a, i);
	}
	if (n->items)
		for (i = n->nprefix; i < size; i++) {
			if (n->items->boolean == 0) {
				l = ipushi(c, i);
				report(c, n->itemskw, "item is not allowed");
				trunc_to(&c->ip, l);
				FAIL();
				continue;
			}
			if (!eval_at(c, n->items, &v->u.items[i],
			    n->itemskw, NULL, NULL, i))
				FAIL();
			ann_set(a, i);
		}
	if (n->contains) {
		count = 0;
		for (i = 0; i < size; i++) {
			if (quiet(c, n->contains, &v->u.items[i], NULL)) {
				count++;
				ann_set(a, i);
				if (a == NULL && n->maxcontains < 0 &&
				    count >= n->mincontains)
					break;
			}
		}
		if (count < n->mincontains) {
			report(c, "contains", "array has %ld items matching "
			    "'contains', fewer than %ld", count,
			    n->mincontains);
			FAIL();
		}
		if (n->maxcontains >= 0 && count > n->maxcontains) {
			report(c, "maxContains", "array has %ld items "
			    "matching 'contains', more than %ld", count,
			    n->maxcontains);
			FAIL();
		}
	}
out:
	return ok;
}

static const struct js_prop *
find_prop(const struct js_node *n, const char *k, size_t kl)
{
	size_t lo = 0, hi = n->nprops, mid;
	struct js_prop key;
	int cmp;

	key.name = k;
	key.len = kl;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		cmp = prop_cmp(&key, &n->props[mid]);
		if (cmp == 0)
			return &n->props[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
eval_object(struct ctx *c, const struct js_node *n, const struct jdoc_val *v,
    struct ann *a)
{
	const struct js_prop *p;
	const char *k;
	const struct jdoc_val *m;
	struct jdoc_val ks;
	size_t size = v->n, i, j, kl, l;
	int ok = 1, matched, r;

	if (n->minprops >= 0 && size < (size_t)n->minprops) {
		report(c, "minProperties", "object has fewer than %ld "
		    "properties", n->minprops);
		FAIL();
	}
	if (n->maxprops >= 0 && size > (size_t)n->maxprops) {
		report(c, "maxProperties", "object has more than %ld "
		    "properties", n->maxprops);
		FAIL();
	}
	for (i = 0; i < n->nrequired; i++)
		if (jdoc_get(v, n->required[i], strlen(n->required[i])) ==
		    NULL) {
			report(c, "required", "required property '%s' is "
			    "missing", n->required[i]);
			FAIL();
		}
	for (i = 0; i < n->ndeps; i++) {
		if (jdoc_get(v, n->deps[i].name, strlen(n->deps[i].name)) ==
		    NULL)
			continue;
		for (j = 0; j < n->deps[i].nreq; j++)
			if (jdoc_get(v, n->deps[i].req[j],
			    strlen(n->deps[i].req[j])) == NULL) {
				report(c, n->res->draft == JS_D7 ?
				    "dependencies" : "dependentRequired",
				    "property '%s' requires property '%s'",
				    n->deps[i].name, n->deps[i].req[j]);
				FAIL();
			}
		if (n->deps[i].node != NULL) {
			l = kpush(c, n->res->draft == JS_D7 ? "dependencies" :
			    "dependentSchemas", n->deps[i].name);
			r = eval(c, n->deps[i].node, v, a);
			trunc_to(&c->kp, l);
			if (!r)
				FAIL();
		}
	}
	if (n->nprops || n->npats || n->addprops || n->propnames) {
		for (i = 0; i < size; i++) {
			k = v->u.mems[i].key;
			kl = v->u.mems[i].klen;
			m = &v->u.mems[i].val;
			matched = 0;
			if (n->nprops && (p = find_prop(n, k, kl)) != NULL) {
				matched = 1;
				if (!eval_at(c, p->node, m, "properties", k, k,
				    0))
					FAIL();
				ann_set(a, i);
			}
			for (j = 0; j < n->npats; j++) {
				r = jsre_search(n->pats[j].re, k, kl);
				if (r < 0) {
					report(c, "patternProperties",
					    "pattern '%s' hit the match limit",
					    n->pats[j].src);
					FAIL();
				}
				if (r <= 0)
					continue;
				matched = 1;
				if (!eval_at(c, n->pats[j].node, m,
				    "patternProperties", n->pats[j].src, k, 0))
					FAIL();
				ann_set(a, i);
			}
			if (!matched && n->addprops) {
				if (n->addprops->boolean == 0) {
					l = ipush(c, k);
					report(c, "additionalProperties",
					    "property '%s' is not allowed", k);
					trunc_to(&c->ip, l);
					FAIL();
				} else if (!eval_at(c, n->addprops, m,
				    "additionalProperties", NULL, k, 0))
					FAIL();
				ann_set(a, i);
			}
			if (n->propnames) {
				ks.type = JD_STRING;
				ks.n = kl;
				ks.u.s = k;
				l = kpush(c, "propertyNames", NULL);
				r = quiet(c, n->propnames, &ks, NULL);
				trunc_to(&c->kp, l);
				if (!r) {
					l = ipush(c, k);
					report(c, "propertyNames", "property "
					    "name '%s' is not valid", k);
					trunc_to(&c->ip, l);
					FAIL();
				}
			}
		}
	}
out:
	return ok;
}

static int
eval_combinators(struct ctx *c, const struct js_node *n,
    const struct jdoc_val *v, struct ann *a)
{
	struct ann t;
	size_t i, l, nvalid;
	int ok = 1, r;

	for (i = 0; i < n->nallof; i++) {
		l = kpushi(c, "allOf", i);
		r = eval(c, n->allof[i], v, a);
		trunc_to(&c->kp, l);
		if (!r)
			FAIL();
	}
	if (n->nanyof) {
		nvalid = 0;
		for (i = 0; i < n->nanyof; i++) {
			if (a == NULL) {
				if (quiet(c, n->anyof[i], v, NULL)) {
					nvalid++;
					break;
				}
				continue;
			}
			ann_init(&t, v);
			if (quiet(c, n->anyof[i], v, &t)) {
				nvalid++;
				ann_merge(a, &t);
			}
			ann_release(&t);
		}
		if (nvalid == 0) {
			report(c, "anyOf", "no subschema of 'anyOf' matched");
			FAIL();
		}
	}
	if (n->noneof) {
		nvalid = 0;
		for (i = 0; i < n->noneof; i++) {
			if (a != NULL)
				ann_init(&t, v);
			if (quiet(c, n->oneof[i], v, a ? &t : NULL)) {
				if (++nvalid == 1 && a != NULL)
					ann_merge(a, &t);
			}
			if (a != NULL)
				ann_release(&t);
			if (nvalid > 1)
				break;
		}
		if (nvalid != 1) {
			report(c, "oneOf", nvalid ? "more than one subschema "
			    "of 'oneOf' matched" : "no subschema of 'oneOf' "
			    "matched");
			FAIL();
		}
	}
	if (n->notv && quiet(c, n->notv, v, NULL)) {
		report(c, "not", "instance matches the schema under 'not'");
		FAIL();
	}
	if (n->ifv) {
		if (a != NULL)
			ann_init(&t, v);
		r = quiet(c, n->ifv, v, a ? &t : NULL);
		if (r && a != NULL)
			ann_merge(a, &t);
		if (a != NULL)
			ann_release(&t);
		if (r && n->thenv) {
			l = kpush(c, "then", NULL);
			r = eval(c, n->thenv, v, a);
			trunc_to(&c->kp, l);
			if (!r)
				FAIL();
		} else if (!r && n->elsev) {
			l = kpush(c, "else", NULL);
			r = eval(c, n->elsev, v, a);
			trunc_to(&c->kp, l);
			if (!r)
				FAIL();
		}
	}
out:
	return ok;
}

static const struct js_node *
dynamic_target(struct ctx *c, const struct js_node *n)
{
	const struct scope *s;
	const struct js_node *found = NULL;
	size_t i;

	for (s = c->scope; s != NULL; s = s->up)
		for (i = 0; i < s->res->ndyn; i++)
			if (strcmp(s->res->dyn[i].name, n->dynname) == 0 &&
			    s->res->dyn[i].node != NULL)
				found = s->res->dyn[i].node;
	return found ? found : n->dynref;
}

static int
eval_unevaluated(struct ctx *c, const struct js_node *n,
    const struct jdoc_val *v, struct ann *a)
{
	const char *k;
	const struct jdoc_val *m;
	size_t i, l;
	int ok = 1;

	if (n->uprops && v->type == JD_OBJECT) {
		for (i = 0; i < v->n; i++) {
			k = v->u.mems[i].key;
			m = &v->u.mems[i].val;
			if (!ann_get(a, i)) {
				if (n->uprops->boolean == 0) {
					l = ipush(c, k);
					report(c, "unevaluatedProperties",
					    "property '%s' is not allowed", k);
					trunc_to(&c->ip, l);
					FAIL();
				} else if (!eval_at(c, n->uprops, m,
				    "unevaluatedProperties", NULL, k, 0))
					FAIL();
				ann_set(a, i);
			}
		}
	}
	if (n->uitems && v->type == JD_ARRAY) {
		for (i = 0; i < v->n; i++) {
			if (ann_get(a, i))
				continue;
			if (!eval_at(c, n->uitems, &v->u.items[i],
			    "unevaluatedItems", NULL, NULL, i))
				FAIL();
			ann_set(a, i);
		}
	}
out:
	return ok;
}

static int
eval(struct ctx *c, const struct js_node *n, const struct jdoc_val *v,
    struct ann *a)
{
	struct scope sc;
	struct ann local, *A = a;
	const struct scope *saved = c->scope;
	size_t l;
	int ok = 1, r, uselocal = 0;

	if (n->boolean >= 0) {
		if (n->boolean == 0)
			report(c, NULL, "no value is allowed here");
		return n->boolean;
	}
	if (++c->depth > JS_MAX_DEPTH) {
		report(c, NULL, "schema applied too deeply (over %d levels)",
		    JS_MAX_DEPTH);
		c->depth--;
		return 0;
	}
	if (c->scope == NULL || c->scope->res != n->res) {
		sc.res = n->res;
		sc.up = c->scope;
		c->scope = &sc;
	}
	if ((n->uprops && v->type == JD_OBJECT) ||
	    (n->uitems && v->type == JD_ARRAY)) {
		ann_init(&local, v);
		A = &local;
		uselocal = 1;
	}
	if (n->types && !type_ok(n->types, v)) {
		char want[80];

		report(c, "type", "expected %s, got %s",
		    types_text(n->types, want, sizeof(want)), type_name(v));
		FAIL();
	}
	if (n->ref) {
		l = kpush(c, "$ref", NULL);
		r = eval(c, n->ref, v, A);
		trunc_to(&c->kp, l);
		if (!r)
			FAIL();
	}
	if (n->dynref) {
		l = kpush(c, "$dynamicRef", NULL);
		r = eval(c, n->dynname ? dynamic_target(c, n) : n->dynref, v,
		    A);
		trunc_to(&c->kp, l);
		if (!r)
			FAIL();
	}
	if (n->constv && !jd_equal(v, n->constv)) {
		report(c, "const", "value is not the constant of the schema");
		FAIL();
	}
	if (n->enumv) {
		size_t i;

		for (i = 0; i < n->enumv->n; i++)
			if (jd_equal(v, &n->enumv->u.items[i]))
				break;
		if (i == n->enumv->n) {
			report(c, "enum", "value is not one of the values of "
			    "'enum'");
			FAIL();
		}
	}
	switch (v->type) {
	case JD_INT:
	case JD_REAL:
		if (!eval_number(c, n, v))
			FAIL();
		break;
	case JD_STRING:
		if (!eval_string(c, n, v))
			FAIL();
		break;
	case JD_ARRAY:
		if (!eval_array(c, n, v, A))
			FAIL();
		break;
	case JD_OBJECT:
		if (!eval_object(c, n, v, A))
			FAIL();
		break;
	default:
		break;
	}
	if ((n->nallof || n->nanyof || n->noneof || n->notv || n->ifv) &&
	    !eval_combinators(c, n, v, A))
		FAIL();
	if (uselocal && !eval_unevaluated(c, n, v, A))
		FAIL();
out:
	if (uselocal) {
		if (ok)
			ann_merge(a, &local);
		ann_release(&local);
	}
	c->scope = saved;
	c->depth--;
	return ok;
}

/* ---- the public interface ---- */

struct js_schema *
js_new(int flags, js_loader loader, void *arg)
{
	struct js_schema *S;

	S = xcalloc(1, sizeof(*S));
	buf_init(&S->path);
	buf_init(&S->why);
	S->flags = flags;
	S->loader = loader;
	S->larg = arg;
	S->docs = json_array();
	return S;
}

static int
check_meta(struct js_schema *S, struct js_res *r, struct buf *err)
{
	struct js_node *meta;
	struct js_errors errs = JS_ERRORS_INIT;
	struct js_schema tmp;
	json_t *ms;
	const char *uri;
	struct js_res *mr;
	int ok;

	ms = json_is_object(r->root) ? json_object_get(r->root, "$schema") :
	    NULL;
	uri = json_string_value(ms);
	if (uri == NULL)
		uri = r->draft == JS_D7 ?
		    "http://json-schema.org/draft-07/schema" :
		    "https://json-schema.org/draft/2020-12/schema";
	S->err = err;
	if ((mr = res_find(S, uri, r->draft)) == NULL)
		return -1;
	S->path.len = 0;
	buf_adds(&S->path, "");
	if ((meta = compile(S, mr->root, mr)) == NULL)
		return -1;
	tmp = *S;
	tmp.root = meta;
	ok = js_validate(&tmp, r->root, &errs, 1);
	if (!ok && errs.n > 0)
		buf_printf(err, "invalid schema at '%s': %s",
		    errs.v[0].path, errs.v[0].message);
	js_errors_release(&errs);
	return ok ? 0 : -1;
}

int
js_compile(struct js_schema *S, const char *uri, struct buf *err)
{
	struct js_res *r, *tr;
	json_t *s;
	char *u;
	int d = (S->flags & JS_DRAFT7) ? JS_D7 : JS_D2020;

	S->err = err;
	buf_reset(&S->path);
	buf_adds(&S->path, "");
	u = xstrdup(uri);
	if (strchr(u, '#') != NULL)
		*strchr(u, '#') = '\0';
	if ((r = res_find(S, u, d)) == NULL) {
		cerr(S, "no schema '%s'", u);
		free(u);
		S->err = NULL;
		return -1;
	}
	free(u);
	if ((S->flags & JS_CHECK) && check_meta(S, r, err) != 0) {
		S->err = NULL;
		return -1;
	}
	buf_reset(&S->path);
	buf_adds(&S->path, "");
	if ((s = resolve(S, r, uri, &tr, NULL)) == NULL ||
	    (S->root = compile(S, s, tr)) == NULL) {
		S->err = NULL;
		return -1;
	}
	S->err = NULL;
	return 0;
}

int
js_validate(const struct js_schema *S, const json_t *v,
    struct js_errors *errs, size_t max)
{
	struct jdoc_arena a = JDOC_ARENA_INIT;
	int ok;

	ok = js_validate_doc(S, jdoc_from_json(&a, v), errs, max);
	jdoc_release(&a);
	return ok;
}

int
js_validate_doc(const struct js_schema *S, const struct jdoc_val *v,
    struct js_errors *errs, size_t max)
{
	struct ctx c;
	int ok;

	memset(&c, 0, sizeof(c));
	buf_init(&c.ip);
	buf_init(&c.kp);
	c.S = S;
	if (S->root == NULL)
		return 1;
	ok = eval(&c, S->root, v, NULL);
	if (ok || errs == NULL)
		return ok;
	c.detail = 1;
	c.errs = errs;
	c.max = errs->n + (max ? max : 100);
	/* Run again for the errors; the verdict is known. */
	(void)eval(&c, S->root, v, NULL);
	buf_release(&c.ip);
	buf_release(&c.kp);
	return 0;
}

void
js_free(struct js_schema *S)
{
	struct js_node *n, *nn;
	struct js_res *r, *rn;
	size_t i;

	if (S == NULL)
		return;
	for (n = S->allnodes; n; n = nn) {
		nn = n->nextalloc;
		jsre_free(n->pattern);
		for (i = 0; i < n->npats; i++)
			jsre_free(n->pats[i].re);
		free(n->pats);
		free(n->props);
		free(n->prefix);
		free(n->required);
		for (i = 0; i < n->ndeps; i++)
			free(n->deps[i].req);
		free(n->deps);
		free(n->allof);
		free(n->anyof);
		free(n->oneof);
		free(n);
	}
	for (r = S->allres; r; r = rn) {
		rn = r->next;
		free(r->uri);
		free(r->dyn);
		free(r);
	}
	hmap_free(&S->res);
	hmap_free(&S->anchors);
	hmap_free(&S->locs);
	hmap_free(&S->nodes);
	json_decref(S->docs);
	buf_release(&S->path);
	buf_release(&S->why);
	jdoc_release(&S->arena);
	free(S);
}
