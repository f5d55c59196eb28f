/* golden.c -- golden records: one record an entity, field by field */
/* SPDX-License-Identifier: MIT */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/hash.h"
#include "lib/base/xmem.h"
#include "lib/json/jsonx.h"
#include "lib/resolve/golden.h"
#include "lib/text/rfc3339.h"
#include "lib/text/text.h"
#include "lib/validate/format.h"

/* The rules. */
enum {
	GOLDEN_MOST_FREQUENT,
	GOLDEN_LONGEST,
	GOLDEN_FIRST,
	GOLDEN_NEWEST,
	GOLDEN_PRIORITY
};

/* One rule and its argument. */
struct golden_rule {
	int		 kind;		/* GOLDEN_* */
	char		*field;		/* newest's FIELD; owned, or NULL */
	char	       **src;		/* priority's sources; owned, each */
	size_t		 nsrc;		/* entries in src */
};

struct golden {
	struct golden_rule  def;	/* the rule of fields not named */
	struct golden_rule *rule;	/* the rules of named fields; owned */
	size_t		    nrule;	/* entries in rule */
	json_t		   *index;	/* name: index into rule; owned */
	char		   *source_field; /* owned, or NULL */
	int		    fdate;	/* format number of "date" */
	int		    fdatetime;	/* format number of "date-time" */
};

/* A value of most_frequent, while values are grouped. */
struct golden_item {
	uint64_t	 h;		/* hash of the value (golden_hash) */
	size_t		 i;		/* its member */
	int		 done;		/* counted in a group already */
};

/* The rank of a member by its newest: FIELD. */
struct golden_when {
	int		 cls;		/* 2 time, 1 other string, 0 none */
	double		 t;		/* seconds since the epoch, for 2 */
	const char	*s;		/* the string, for 1; borrowed */
	size_t		 len;		/* its length */
};

static const char golden_rules[] =
    "most_frequent, longest, first, newest:FIELD, priority:S1,S2,...";

/* A JSON type with its article, for messages: "an integer", "null". */
static const char *
golden_a(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:	return "an integer";
	case JSON_REAL:		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:	return "a boolean";
	default:		return "null";
	}
}

/* Free what a rule owns. */
static void
golden_rule_clear(struct golden_rule *r)
{
	size_t i;

	free(r->field);
	for (i = 0; i < r->nsrc; i++)
		free(r->src[i]);
	free(r->src);
	memset(r, 0, sizeof(*r));
}

/* Is c ASCII white space? */
static int
golden_blank(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Read priority's list s into r.  what names the field for messages. */
static int
golden_sources(const char *s, struct golden_rule *r, const char *what,
    struct buf *err)
{
	const char *e, *a, *b;

	if (*s == '\0')
		return buf_fail(err, "golden: %s: priority: needs a source "
		    "(priority:S1,S2,...)", what);
	for (;;) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		for (a = s; a < e && golden_blank((unsigned char)*a); a++)
			;
		for (b = e; b > a && golden_blank((unsigned char)b[-1]); b--)
			;
		if (a == b)
			return buf_fail(err, "golden: %s: priority: has an "
			    "empty source name", what);
		r->src = xreallocarray(r->src, r->nsrc + 1, sizeof(*r->src));
		r->src[r->nsrc++] = xmemdup(a, (size_t)(b - a));
		if (*e == '\0')
			return 0;
		s = e + 1;
	}
}

/* Read the rule v into r.  what names the field for messages. */
static int
golden_rule_read(const json_t *v, struct golden_rule *r, const char *what,
    struct buf *err)
{
	const char *s;

	memset(r, 0, sizeof(*r));
	if (!json_is_string(v))
		return buf_fail(err, "golden: %s: the rule is %s, not a "
		    "string", what, golden_a(v));
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return buf_fail(err, "golden: %s: the rule holds a NUL byte",
		    what);
	if (strcmp(s, "most_frequent") == 0)
		r->kind = GOLDEN_MOST_FREQUENT;
	else if (strcmp(s, "longest") == 0)
		r->kind = GOLDEN_LONGEST;
	else if (strcmp(s, "first") == 0)
		r->kind = GOLDEN_FIRST;
	else if (strncmp(s, "newest:", 7) == 0) {
		if (s[7] == '\0')
			return buf_fail(err, "golden: %s: newest: needs a "
			    "field (newest:FIELD)", what);
		r->kind = GOLDEN_NEWEST;
		r->field = xstrdup(s + 7);
	} else if (strncmp(s, "priority:", 9) == 0) {
		r->kind = GOLDEN_PRIORITY;
		if (golden_sources(s + 9, r, what, err) == -1) {
			golden_rule_clear(r);
			return -1;
		}
	} else if (strcmp(s, "newest") == 0)
		return buf_fail(err, "golden: %s: newest needs a field "
		    "(newest:FIELD)", what);
	else if (strcmp(s, "priority") == 0)
		return buf_fail(err, "golden: %s: priority needs sources "
		    "(priority:S1,S2,...)", what);
	else
		return buf_fail(err, "golden: %s: unknown rule '%s' (%s)",
		    what, s, golden_rules);
	return 0;
}

struct golden *
golden_new(const json_t *spec, const char *source_field, struct buf *err)
{
	struct golden *g;
	struct buf what = BUF_INIT;
	const json_t *fields = NULL, *v;
	const char *k;

	g = xcalloc(1, sizeof(*g));
	g->index = json_object();
	if (source_field != NULL)
		g->source_field = xstrdup(source_field);
	g->fdate = format_lookup("date");
	g->fdatetime = format_lookup("date-time");
	if (spec == NULL)
		return g;
	if (!json_is_object(spec)) {
		buf_fail(err, "golden: %s, not an object", golden_a(spec));
		goto fail;
	}
	json_object_foreach((json_t *)spec, k, v) {
		if (strcmp(k, "default") != 0 && strcmp(k, "fields") != 0) {
			buf_fail(err, "golden: unknown member '%s' (default, "
			    "fields)", k);
			goto fail;
		}
	}
	if ((v = json_object_get(spec, "default")) != NULL &&
	    golden_rule_read(v, &g->def, "default", err) == -1)
		goto fail;
	if ((fields = json_object_get(spec, "fields")) == NULL)
		return g;
	if (!json_is_object(fields)) {
		buf_fail(err, "golden: 'fields' is %s, not an object",
		    golden_a(fields));
		goto fail;
	}
	g->rule = xcalloc(json_object_size(fields) + 1, sizeof(*g->rule));
	json_object_foreach((json_t *)fields, k, v) {
		buf_reset(&what);
		buf_printf(&what, "field '%s'", k);
		if (golden_rule_read(v, &g->rule[g->nrule], what.data,
		    err) == -1)
			goto fail;
		json_object_set_new(g->index, k, json_integer(
		    (json_int_t)g->nrule));
		g->nrule++;
	}
	buf_release(&what);
	return g;
fail:
	buf_release(&what);
	golden_free(g);
	return NULL;
}

int
golden_uses_source(const struct golden *g)
{
	size_t i;

	if (g->def.kind == GOLDEN_PRIORITY)
		return 1;
	for (i = 0; i < g->nrule; i++)
		if (g->rule[i].kind == GOLDEN_PRIORITY)
			return 1;
	return 0;
}

void
golden_free(struct golden *g)
{
	size_t i;

	if (g == NULL)
		return;
	golden_rule_clear(&g->def);
	for (i = 0; i < g->nrule; i++)
		golden_rule_clear(&g->rule[i]);
	free(g->rule);
	json_decref(g->index);
	free(g->source_field);
	free(g);
}

/* The member key of rec if it is a value: not null, not "". */
static json_t *
golden_value(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);

	if (v == NULL || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0))
		return NULL;
	return v;
}

/* Mix a 64-bit value (the splitmix64 finaliser). */
static uint64_t
golden_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A hash of v that agrees with golden_equal. */
static uint64_t
golden_hash(const json_t *v)
{
	const char *k;
	json_t *e;
	uint64_t h;
	double d;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return hash64_seed(json_string_value(v), json_string_length(v),
		    1);
	case JSON_INTEGER:
	case JSON_REAL:
		/* By value: 1 and 1.0 are equal, and 0 and -0.0. */
		d = json_number_value(v);
		if (d == 0)
			d = 0;
		return hash64_seed(&d, sizeof(d), 2);
	case JSON_ARRAY:
		h = 3;
		json_array_foreach(v, i, e)
			h = golden_mix(h * 31 + golden_hash(e));
		return h;
	case JSON_OBJECT:
		/* A sum, so that the order of the members does not count. */
		h = 4;
		json_object_foreach((json_t *)v, k, e)
			h += golden_mix(hash64_seed(k, strlen(k), 5) ^
			    golden_hash(e));
		return h;
	default:
		return (uint64_t)json_typeof(v) + 6;
	}
}

/* Is the integer i the same number as the real r? */
static int
golden_int_real(json_int_t i, double r)
{
	/* 2^63: outside [-2^63, 2^63) a real is no json_int_t. */
	return r == (double)i && r >= -9223372036854775808.0 &&
	    r < 9223372036854775808.0 && (json_int_t)r == i;
}

/*
 * JSON equality: numbers by value (an integer and a real that are the
 * same number are equal), strings by bytes, arrays element by element,
 * objects by their members whatever their order.
 */
static int
golden_equal(const json_t *a, const json_t *b)
{
	const char *k;
	json_t *e;
	size_t i;

	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		if (json_is_real(a) && json_is_real(b))
			return json_real_value(a) == json_real_value(b);
		if (json_is_integer(a))
			return golden_int_real(json_integer_value(a),
			    json_real_value(b));
		return golden_int_real(json_integer_value(b),
		    json_real_value(a));
	}
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		    memcmp(json_string_value(a), json_string_value(b),
		    json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		json_array_foreach(a, i, e)
			if (!golden_equal(e, json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, e)
			if (json_object_get(b, k) == NULL ||
			    !golden_equal(e, json_object_get(b, k)))
				return 0;
		return 1;
	default:
		return 1;		/* true, false, null */
	}
}

/* Order items by hash, then by member. */
static int
golden_item_cmp(const void *x, const void *y)
{
	const struct golden_item *a = x, *b = y;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/*
 * most_frequent: sort the values by hash, then group equal values
 * within each run of one hash (a run holds more than one group only
 * when hashes collide).  The first unassigned item of a run is the
 * earliest member of its group.
 */
static json_t *
golden_most_frequent(json_t *const *recs, size_t n, const char *key,
    struct golden_item *it)
{
	size_t m = 0, i, j, a, b, count, best = 0, bestfirst = 0;
	json_t *v;

	for (i = 0; i < n; i++)
		if ((v = golden_value(recs[i], key)) != NULL) {
			it[m].h = golden_hash(v);
			it[m].i = i;
			it[m].done = 0;
			m++;
		}
	if (m == 0)
		return NULL;
	qsort(it, m, sizeof(*it), golden_item_cmp);
	for (a = 0; a < m; a = b) {
		for (b = a + 1; b < m && it[b].h == it[a].h; b++)
			;
		for (i = a; i < b; i++) {
			if (it[i].done)
				continue;
			v = json_object_get(recs[it[i].i], key);
			for (count = 1, j = i + 1; j < b; j++)
				if (!it[j].done && golden_equal(v,
				    json_object_get(recs[it[j].i], key))) {
					it[j].done = 1;
					count++;
				}
			if (count > best || (count == best &&
			    it[i].i < bestfirst)) {
				best = count;
				bestfirst = it[i].i;
			}
		}
	}
	return json_object_get(recs[bestfirst], key);
}

/*
 * The length of a value for longest: code points of a string, of the
 * compact JSON encoding of anything else.
 */
static size_t
golden_length(const json_t *v)
{
	size_t len;
	char *s;

	if (json_is_string(v))
		return text_cp_count(json_string_value(v),
		    json_string_length(v));
	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		return 0;
	len = text_cp_count(s, strlen(s));
	free(s);
	return len;
}

/* Rank rec by its field for newest: (see golden.h) into *w. */
static void
golden_when(const struct golden *g, const json_t *rec, const char *field,
    struct golden_when *w)
{
	const char *s;
	char tmp[128];
	json_t *v;
	size_t len;

	memset(w, 0, sizeof(*w));
	v = jsonx_path(rec, field);
	if (json_is_number(v)) {
		w->cls = 2;
		w->t = json_number_value(v);
		return;
	}
	if (!json_is_string(v) || (len = json_string_length(v)) == 0)
		return;
	s = json_string_value(v);
	/* RFC 3339 lets a space stand for the "T" (its section 5.6). */
	if (len > 10 && len < sizeof(tmp) && s[10] == ' ') {
		memcpy(tmp, s, len + 1);
		tmp[10] = 'T';
		s = tmp;
	}
	if ((format_check(g->fdatetime, s, len) ||
	    format_check(g->fdate, s, len)) &&
	    !isnan(w->t = rfc3339_seconds(s))) {
		w->cls = 2;
		return;
	}
	w->cls = 1;
	w->s = json_string_value(v);
	w->len = len;
}

/* Is a later than b? */
static int
golden_later(const struct golden_when *a, const struct golden_when *b)
{
	int c;

	if (a->cls != b->cls)
		return a->cls > b->cls;
	if (a->cls == 2)
		return a->t > b->t;
	if (a->cls == 1) {
		c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
		return c > 0 || (c == 0 && a->len > b->len);
	}
	return 0;
}

/* The source of member i (see golden_merge), or NULL. */
static const char *
golden_source(const struct golden *g, json_t *const *recs,
    const char *const *sources, size_t i)
{
	if (sources != NULL && sources[i] != NULL)
		return sources[i];
	if (g->source_field == NULL)
		return NULL;
	return json_string_value(jsonx_path(recs[i], g->source_field));
}

/* The place of a source in priority's list: its count when not there. */
static size_t
golden_rank(const struct golden_rule *r, const char *s)
{
	size_t i;

	if (s == NULL)
		return r->nsrc;
	for (i = 0; i < r->nsrc; i++)
		if (strcmp(r->src[i], s) == 0)
			return i;
	return r->nsrc;
}

/*
 * The value that rule r picks for key among the members (borrowed), or
 * NULL when no member has one.  it has room for n items.
 */
static json_t *
golden_pick(const struct golden *g, const struct golden_rule *r,
    json_t *const *recs, const char *const *sources, size_t n,
    const char *key, struct golden_item *it)
{
	struct golden_when w, bw;
	json_t *v, *best = NULL;
	size_t i, len, blen = 0, rank, brank = 0;

	memset(&bw, 0, sizeof(bw));
	if (r->kind == GOLDEN_MOST_FREQUENT)
		return golden_most_frequent(recs, n, key, it);
	for (i = 0; i < n; i++) {
		if ((v = golden_value(recs[i], key)) == NULL)
			continue;
		switch (r->kind) {
		case GOLDEN_FIRST:
			return v;
		case GOLDEN_LONGEST:
			len = golden_length(v);
			if (best == NULL || len > blen) {
				best = v;
				blen = len;
			}
			break;
		case GOLDEN_NEWEST:
			golden_when(g, recs[i], r->field, &w);
			if (best == NULL || golden_later(&w, &bw)) {
				best = v;
				bw = w;
			}
			break;
		case GOLDEN_PRIORITY:
			rank = golden_rank(r, golden_source(g, recs, sources,
			    i));
			if (best == NULL || rank < brank) {
				best = v;
				brank = rank;
			}
			break;
		}
	}
	return best;
}

/* The rule of a field. */
static const struct golden_rule *
golden_rule_of(const struct golden *g, const char *key)
{
	json_t *i = json_object_get(g->index, key);

	return i != NULL ? &g->rule[json_integer_value(i)] : &g->def;
}

json_t *
golden_merge(const struct golden *g, const char *entity_id,
    json_t *const *recs, const char *const *sources, size_t n,
    const char *id_field)
{
	struct golden_item *it;
	json_t *out, *ids, *v, *pick;
	const char *k;
	size_t i;

	if (id_field == NULL)
		id_field = "id";
	if ((out = json_object()) == NULL)
		return NULL;
	v = entity_id != NULL ? json_string(entity_id) : NULL;
	json_object_set_new(out, "entity_id", v != NULL ? v : json_null());
	ids = json_array();
	for (i = 0; i < n; i++) {
		v = json_object_get(recs[i], id_field);
		json_array_append_new(ids, json_is_string(v) ||
		    json_is_number(v) ? json_deep_copy(v) : json_null());
	}
	json_object_set_new(out, "ids", ids);
	it = xreallocarray(NULL, n + 1, sizeof(*it));
	for (i = 0; i < n; i++) {
		/*
		 * A field already in out has its value (or is entity_id or
		 * ids, which the result's own members keep).
		 */
		json_object_foreach(recs[i], k, v) {
			if (strcmp(k, id_field) == 0 ||
			    strcmp(k, "match_score") == 0 ||
			    json_object_get(out, k) != NULL)
				continue;
			pick = golden_pick(g, golden_rule_of(g, k), recs,
			    sources, n, k, it);
			json_object_set_new(out, k, pick != NULL ?
			    json_deep_copy(pick) : json_null());
		}
	}
	free(it);
	return out;
}
