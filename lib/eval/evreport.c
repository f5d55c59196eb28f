/* evreport.c -- summaries, comparisons and gates of evaluated runs */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/eval/evreport.h"
#include "lib/eval/evsig.h"

/* {NAME: v[i], ...} for the spec's values. */
static json_t *
metrics(const struct evm_spec *spec, const double *v)
{
	json_t *m = json_object();
	struct buf name = BUF_INIT;
	size_t i, w = evm_width(spec);

	for (i = 0; i < w; i++) {
		buf_reset(&name);
		evm_name(spec, i, &name);
		json_object_set_new(m, name.data, json_real(v[i]));
	}
	buf_release(&name);
	return m;
}

static json_t *
summary(const struct evrun_counts *n, const struct evm_spec *spec,
    const double *mean)
{
	json_t *s = json_object(), *k = json_array();
	size_t i;

	for (i = 0; i < spec->nk; i++)
		json_array_append_new(k, json_integer(spec->k[i]));
	json_object_set_new(s, "queries", json_integer((json_int_t)
	    n->queries));
	json_object_set_new(s, "no_relevant", json_integer((json_int_t)
	    n->no_relevant));
	json_object_set_new(s, "no_hits", json_integer((json_int_t)
	    n->no_hits));
	json_object_set_new(s, "unjudged", json_integer((json_int_t)
	    n->unjudged));
	json_object_set_new(s, "hits", json_integer((json_int_t)n->hits));
	json_object_set_new(s, "dropped", json_integer((json_int_t)
	    n->dropped));
	json_object_set_new(s, "k", k);
	json_object_set_new(s, "gain", json_string(spec->exp_gain ? "exp" :
	    "linear"));
	json_object_set_new(s, "min_relevance", json_integer(spec->min_rel));
	json_object_set_new(s, "metrics", metrics(spec, mean));
	return s;
}

json_t *
evreport_summary(const struct evrun *r, const struct evm_spec *spec)
{
	double *mean = xreallocarray(NULL, evm_width(spec) + 1,
	    sizeof(*mean));
	json_t *s;

	evrun_mean(r, mean);
	s = summary(evrun_counts(r), spec, mean);
	free(mean);
	return s;
}

json_t *
evreport_query(const struct evrun *r, const struct evm_spec *spec,
    size_t i)
{
	json_t *q = json_object();

	json_object_set_new(q, "query_id", json_string(evrun_qid(r, i)));
	json_object_set_new(q, "metrics", metrics(spec, evrun_values(r, i)));
	return q;
}

json_t *
evreport_compare(const struct evrun *a, const struct evrun *b,
    const struct evm_spec *spec, const struct evreport_tests *t)
{
	size_t w = evm_width(spec), na = evrun_counts(a)->queries, n = 0;
	size_t i, k;
	double *va = xreallocarray(NULL, na + 1, w * sizeof(double));
	double *vb = xreallocarray(NULL, na + 1, w * sizeof(double));
	double ma, mb;
	const double *x;
	json_t *out, *cmp, *ms, *m;
	struct evsig_result sig;
	struct buf name = BUF_INIT;

	for (i = 0; i < na; i++) {
		if ((x = evrun_find(b, evrun_qid(a, i))) == NULL)
			continue;
		memcpy(va + n * w, evrun_values(a, i), w * sizeof(double));
		memcpy(vb + n * w, x, w * sizeof(double));
		n++;
	}
	ms = json_object();
	for (k = 0; k < w; k++) {
		ma = mb = 0;
		for (i = 0; i < n; i++) {
			ma += va[i * w + k];
			mb += vb[i * w + k];
		}
		if (n > 0) {
			ma /= (double)n;
			mb /= (double)n;
		}
		evsig_test(va + k, vb + k, n, w, t->trials, t->seed,
		    t->confidence, &sig);
		m = json_object();
		json_object_set_new(m, "a", json_real(ma));
		json_object_set_new(m, "b", json_real(mb));
		json_object_set_new(m, "diff", json_real(sig.diff));
		json_object_set_new(m, "p_random", json_real(sig.p_random));
		json_object_set_new(m, "p_bootstrap", json_real(sig.p_boot));
		json_object_set_new(m, "ci", json_pack("[ff]", sig.lo,
		    sig.hi));
		buf_reset(&name);
		evm_name(spec, k, &name);
		json_object_set_new(ms, name.data, m);
	}
	cmp = json_object();
	json_object_set_new(cmp, "queries", json_integer((json_int_t)n));
	json_object_set_new(cmp, "trials", json_integer((json_int_t)
	    t->trials));
	json_object_set_new(cmp, "seed", json_integer((json_int_t)t->seed));
	json_object_set_new(cmp, "confidence", json_real(t->confidence));
	json_object_set_new(cmp, "metrics", ms);
	out = json_object();
	json_object_set_new(out, "a", evreport_summary(a, spec));
	json_object_set_new(out, "b", evreport_summary(b, spec));
	json_object_set_new(out, "compare", cmp);
	buf_release(&name);
	free(va);
	free(vb);
	return out;
}

static double
num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static void
counts(struct buf *b, const char *label, const json_t *s)
{
	buf_printf(b, "%s%lld queries: %lld without a relevant document, "
	    "%lld without hits; %lld unjudged left out\n", label,
	    (long long)num(s, "queries"), (long long)num(s, "no_relevant"),
	    (long long)num(s, "no_hits"), (long long)num(s, "unjudged"));
}

void
evreport_table(struct buf *b, const json_t *r)
{
	const json_t *cmp = json_object_get(r, "compare"), *v;
	double alpha, p, d;
	const char *key;

	if (cmp == NULL) {
		buf_printf(b, "%-16s %8s\n", "metric", "value");
		json_object_foreach((json_t *)json_object_get(r, "metrics"),
		    key, v)
			buf_printf(b, "%-16s %8.4f\n", key,
			    json_number_value(v));
		counts(b, "", r);
		return;
	}
	alpha = 1 - num(cmp, "confidence");
	buf_printf(b, "%-16s %8s %8s %10s %9s %9s  %.0f%% interval\n",
	    "metric", "A", "B", "B - A", "p(rand)", "p(boot)",
	    100 * num(cmp, "confidence"));
	json_object_foreach((json_t *)json_object_get(cmp, "metrics"), key,
	    v) {
		d = num(v, "diff");
		p = num(v, "p_random");
		buf_printf(b, "%-16s %8.4f %8.4f %s %+8.4f %8.4f%s %8.4f%s  "
		    "[%+.4f, %+.4f]\n", key, num(v, "a"), num(v, "b"),
		    d > 0 ? "\u2191" : d < 0 ? "\u2193" : "=", d, p,
		    p < alpha ? "*" : " ", num(v, "p_bootstrap"),
		    num(v, "p_bootstrap") < alpha ? "*" : " ",
		    json_number_value(json_array_get(json_object_get(v,
		    "ci"), 0)), json_number_value(json_array_get(
		    json_object_get(v, "ci"), 1)));
	}
	buf_printf(b, "%lld queries in both runs; %lld trials; * p < %g\n",
	    (long long)num(cmp, "queries"), (long long)num(cmp, "trials"),
	    alpha);
	counts(b, "A: ", json_object_get(r, "a"));
	counts(b, "B: ", json_object_get(r, "b"));
}

int
evreport_gates(const char *list, struct evm_spec *spec,
    struct evreport_gate *g, int max, struct buf *err)
{
	const char *p = list, *comma, *eq;
	char *end;
	size_t len;
	int n = 0, metric;
	long k;

	for (; *p != '\0'; p = *comma ? comma + 1 : comma) {
		comma = p + strcspn(p, ",");
		eq = memchr(p, '=', (size_t)(comma - p));
		if (eq == NULL || eq == p)
			return buf_fail(err, "'%.*s': a gate is METRIC=VALUE, "
			    "as in ndcg@10=0.6", (int)(comma - p), p);
		if (n == max)
			return buf_fail(err, "more than %d gates", max);
		len = (size_t)(eq - p);
		if (len >= sizeof(g[n].name))
			return buf_fail(err, "no metric '%.*s'", (int)len, p);
		memcpy(g[n].name, p, len);
		g[n].name[len] = '\0';
		if (evm_parse_name(g[n].name, &metric, &k, err) < 0)
			return -1;
		errno = 0;
		g[n].bound = strtod(eq + 1, &end);
		if (end == eq + 1 || end != comma || errno != 0 ||
		    !isfinite(g[n].bound))
			return buf_fail(err, "'%.*s': the bound is not a "
			    "number", (int)(comma - p), p);
		spec->metrics |= 1u << metric;
		if (k > 0 && evm_add_cut(spec, k, err) < 0)
			return -1;
		n++;
	}
	if (n == 0)
		return buf_fail(err, "no gate given");
	return n;
}

int
evreport_check(const json_t *s, const json_t *base, const char *name,
    const struct evreport_gate *g, int n)
{
	const json_t *m = json_object_get(s, "metrics"), *bm = NULL, *bv;
	double v, was;
	int i, bad = 0;

	if (base != NULL)
		bm = json_object_get(base, "metrics");
	for (i = 0; i < n; i++) {
		v = json_number_value(json_object_get(m, g[i].name));
		if (base == NULL) {
			if (v < g[i].bound) {
				diag_error(ETV_REJECT, "%s %.4f is below "
				    "%g", g[i].name, v, g[i].bound);
				bad++;
			}
			continue;
		}
		bv = json_object_get(bm, g[i].name);
		if (!json_is_number(bv))
			diag_usage("%s: the baseline has no %s", name,
			    g[i].name);
		was = json_number_value(bv);
		if (was - v > g[i].bound + 1e-12) {
			diag_error(ETV_REJECT, "%s fell from %.4f to %.4f, "
			    "more than %g below %s", g[i].name, was, v,
			    g[i].bound, name);
			bad++;
		}
	}
	return bad;
}
