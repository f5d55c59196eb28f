#!/usr/bin/python3
"""eval-ref.py -- a reference implementation of etv-eval's metrics, in
Python's standard library only (numpy, when present, only speeds up the
significance tests of --compare).

Usage:
  eval-ref.py [--qrels FILE] [-k 1,5,10,100] [-m LIST] [--gain linear|exp]
              [--min-relevance N] [--by FIELD] [--per-query]
              [--run-format json|trec] [--id-field F] [--hits-field F]
              [--relevant-field F] [RUN ...]
  eval-ref.py --compare [the options above] [--trials N] [--seed N]
              RUN_A RUN_B

Prints the summary line of etv-eval (the same keys and counts); with
--per-query, one line {"query_id", "metrics"} for each evaluated query
first, in strcmp order of the query ids.  The operands are read in order
as one run (default stdin).  Exit status: 0 ok, 2 usage, 3 a malformed
run or judgments (FILE:LINE on stderr), 4 I/O.

Input.  A run is JSON-lines query records {"id": Q, "hits": [{"id": D,
"score": S}, ...]} or a TREC run (`qid Q0 docid rank score tag`);
judgments are JSON-lines {"query_id": Q, "id": D, "relevance": N} or TREC
qrels (`qid 0 docid rel`).  Each file's form is told by its first
non-blank byte ('{' is JSON-lines).  Without --qrels, the judgments are
the query records' "relevant" members: ["D", ...] (grade 1 each) or
{"D": grade, ...}.  A query id or document id that is a JSON number is
taken as its JSON text.  A later judgment of the same query and document
replaces an earlier one.

Definitions (those of trec_eval: form_res_rels.c and the m_*.c measures).
  Ranking: a query's hits are sorted by score descending, ties broken by
  document id in descending strcmp order; the run's own ranks are
  ignored.  When a JSON hit of a query has no numeric score, that
  query's hits keep the order given.  A document retrieved twice keeps
  its best-ranked hit; the others are dropped before the ranks are
  counted.  With --by FIELD, a hit's document is its FIELD member when
  it has one, else its id up to the last '#' (the whole id when it has
  none): the hits are ranked as above on those document ids, so the
  best-ranked chunk of a document stands for it.
  Relevant: grade >= --min-relevance (default 1); R is the number of
  relevant judged documents of the query.
  precision@k = relevant in the top k / k; recall@k = relevant in the
  top k / R; hit_rate@k = 1 when a relevant document is in the top k;
  mrr@k = 1 / the rank of the first relevant document when it is within
  k, else 0; mrr the same uncut; map@k = the sum of precision@r over the
  ranks r <= k of relevant documents, / R (trec_eval's map_cut); map the
  same uncut; r_precision = relevant in the top R / R.
  ndcg@k = DCG@k / IDCG@k: DCG@k sums gain / log2(rank + 1) over ranks 1
  to k, the gain being the grade (--gain linear, trec_eval's) or
  2^grade - 1 (--gain exp), and nothing for unjudged documents or grades
  <= 0; IDCG@k is the same sum over every judged grade > 0 of the query,
  sorted descending, cut at k; 0 when IDCG is 0.  ndcg is uncut.  Grades
  below --min-relevance count in nDCG too, as in trec_eval.
  Queries (trec_eval -c): every query with at least one judgment is
  evaluated.  One missing from the run or without hits scores 0 and
  counts in no_hits; one with R = 0 counts in no_relevant (a query can
  count in both) and scores 0 but for nDCG, which trec_eval computes
  from the grades whatever R is: with --min-relevance 2, a query judged
  {"b": 1} that ranks b first has ndcg 1.  Run queries without
  judgments are skipped and counted in unjudged.  The summary's metrics
  are arithmetic means over the evaluated queries (0 when there are
  none).

--compare: both runs are evaluated as above (the summaries are "a" and
"b"); over the queries evaluated in both, for each metric, the
differences d = b - a.  "a", "b" and "diff" are their means over those
queries.  p_random: a paired randomisation test, each trial flips the
sign of each d at random; p = (trials with |mean| >= |observed| + 1) /
(trials + 1).  Paired bootstrap: each trial resamples the queries with
replacement; "ci" is the 2.5 and 97.5 percentiles of the resampled means
(linear interpolation between order statistics), p_bootstrap the
two-sided p of the resampled means shifted to mean 0, counted as above.
The random numbers are not etv-eval's: p-values and intervals agree
with its only within sampling error."""
import argparse
import json
import math
import random
import sys

METRICS = ("recall", "precision", "hit_rate", "mrr", "map", "ndcg",
           "r_precision")
UNCUT = ("mrr", "map", "ndcg", "r_precision")


class Malformed(Exception):
    """A malformed line: str(e) is FILE:LINE: what."""


def die(status, msg):
    sys.stderr.write("eval-ref.py: %s\n" % msg)
    sys.exit(status)


def open_text(path):
    try:
        if path == "-":
            return sys.stdin
        return open(path, encoding="utf-8")
    except OSError as e:
        die(4, "%s: %s" % (path, e.strerror))


def lines(path):
    """Whether a file ('-' is stdin) is JSON-lines (its first non-blank
    byte is '{'), and an iterator over its non-blank lines with their
    numbers."""
    f = open_text(path)
    it = ((i, s) for i, s in enumerate(f, 1) if s.strip())
    first = next(it, None)
    if first is None:
        return False, iter(())

    def all_lines():
        yield first
        yield from it
        if f is not sys.stdin:
            f.close()
    return first[1].lstrip()[0] == "{", all_lines()


def as_id(v, where):
    """A query or document id as a string (a JSON number as its text)."""
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return json.dumps(v)
    raise Malformed("%s: an id must be a string or a number" % where)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) \
        and math.isfinite(v)


def document(hit, doc, by):
    """The document a hit stands for with --by FIELD."""
    if by is None:
        return doc
    if by in hit:
        return as_id(hit[by], "--by member")
    i = doc.rfind("#")
    return doc if i < 0 else doc[:i]


def read_run(paths, form, opt, judged):
    """Read the run: {qid: [(score or None, doc), ...]} in the order
    given.  Without --qrels, judgments from "relevant" members go into
    judged ({qid: {doc: grade}})."""
    run = {}
    for path in paths:
        isjson, data = lines(path)
        if form is not None:
            isjson = form == "json"
        for n, s in data:
            where = "%s:%d" % (path, n)
            if not isjson:
                f = s.split()
                if len(f) != 6:
                    raise Malformed("%s: a TREC run line has 6 fields"
                                    % where)
                try:
                    score = float(f[4])
                except ValueError:
                    raise Malformed("%s: bad score" % where)
                run.setdefault(f[0], []).append(
                    (score, document({}, f[2], opt.by)))
                continue
            try:
                rec = json.loads(s)
            except ValueError:
                raise Malformed("%s: not JSON" % where)
            if not isinstance(rec, dict) or opt.id_field not in rec:
                raise Malformed("%s: a query record has an \"%s\""
                                % (where, opt.id_field))
            q = as_id(rec[opt.id_field], where)
            hits = rec.get(opt.hits_field, [])
            if not isinstance(hits, list):
                raise Malformed("%s: \"%s\" is not an array"
                                % (where, opt.hits_field))
            mine = run.setdefault(q, [])
            for h in hits:
                if not isinstance(h, dict) or "id" not in h:
                    raise Malformed("%s: a hit has no \"id\"" % where)
                doc = document(h, as_id(h["id"], where), opt.by)
                sc = h.get("score")
                mine.append((sc if is_number(sc) else None, doc))
            rel = rec.get(opt.relevant_field)
            if opt.qrels is None and rel is not None:
                if isinstance(rel, list):
                    rel = {as_id(d, where): 1 for d in rel}
                if not isinstance(rel, dict) or not all(
                        is_number(g) for g in rel.values()):
                    raise Malformed("%s: bad \"%s\"" %
                                    (where, opt.relevant_field))
                # An empty list judges the query: nothing answers it.
                judged.setdefault(q, {}).update(rel)
    return run


def read_qrels(path):
    judged = {}
    isjson, data = lines(path)
    for n, s in data:
        where = "%s:%d" % (path, n)
        if isjson:
            try:
                j = json.loads(s)
            except ValueError:
                raise Malformed("%s: not JSON" % where)
            if not isinstance(j, dict) or not all(
                    m in j for m in ("query_id", "id", "relevance")) or \
                    not is_number(j["relevance"]):
                raise Malformed("%s: a judgment has \"query_id\", \"id\""
                                " and a numeric \"relevance\"" % where)
            q, d, g = as_id(j["query_id"], where), as_id(j["id"], where), \
                j["relevance"]
        else:
            f = s.split()
            if len(f) != 4:
                raise Malformed("%s: a TREC qrels line has 4 fields"
                                % where)
            try:
                g = float(f[3])
            except ValueError:
                raise Malformed("%s: bad relevance" % where)
            q, d = f[0], f[2]
        judged.setdefault(q, {})[d] = int(g) if g == int(g) else g
    return judged


def ranking(hits):
    """The documents of a query's hits in rank order, duplicates
    dropped."""
    if all(s is not None for s, _ in hits):
        # Score descending, then document id descending (trec_eval's
        # comp_sim_docno); Python compares str by code point, which is
        # the strcmp order of their UTF-8 bytes.
        hits = sorted(hits, reverse=True)
    seen = set()
    out = []
    for _, d in hits:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def names(ks, metrics):
    out = []
    for m in METRICS:
        if m not in metrics:
            continue
        if m != "r_precision":
            out += ["%s@%d" % (m, k) for k in ks]
        if m in UNCUT:
            out.append(m)
    return out


def measure(docs, judged, opt):
    """The metrics of one query: docs in rank order, judged {doc:
    grade}."""
    ks, minrel = opt.k, opt.min_relevance
    gain = (lambda g: g) if opt.gain == "linear" else \
        (lambda g: 2.0 ** g - 1)
    R = sum(1 for g in judged.values() if g >= minrel)
    if not docs:
        return {m: 0.0 for m in names(ks, opt.m)}
    # Prefix sums over the ranking: cum[r] relevant documents in the top
    # r, ap[r] the sum of precision at the relevant ranks <= r, dcg[r].
    cum, ap, dcg = [0], [0.0], [0.0]
    first = None
    for i, d in enumerate(docs):
        g = judged.get(d)
        rel = g is not None and g >= minrel
        cum.append(cum[-1] + rel)
        ap.append(ap[-1] + (cum[-1] / (i + 1) if rel else 0.0))
        dcg.append(dcg[-1] + (gain(g) / math.log2(i + 2)
                              if g is not None and g > 0 else 0.0))
        if rel and first is None:
            first = i + 1
    idcg = [0.0]
    for i, g in enumerate(sorted((g for g in judged.values() if g > 0),
                                 reverse=True)):
        idcg.append(idcg[-1] + gain(g) / math.log2(i + 2))

    def at(a, k):
        return a[min(k, len(a) - 1)]

    def nd(k):
        return at(dcg, k) / at(idcg, k) if at(idcg, k) > 0 else 0.0

    def perR(x):
        return x / R if R else 0.0

    v = {}
    for k in ks:
        v["recall@%d" % k] = perR(at(cum, k))
        v["precision@%d" % k] = at(cum, k) / k
        v["hit_rate@%d" % k] = 1.0 if at(cum, k) else 0.0
        v["mrr@%d" % k] = 1.0 / first if first and first <= k else 0.0
        v["map@%d" % k] = perR(at(ap, k))
        v["ndcg@%d" % k] = nd(k)
    v["mrr"] = 1.0 / first if first else 0.0
    v["map"] = perR(ap[-1])
    v["ndcg"] = dcg[-1] / idcg[-1] if idcg[-1] > 0 else 0.0
    v["r_precision"] = perR(at(cum, R))
    return {m: v[m] for m in names(ks, opt.m)}


def evaluate(run, judged, opt):
    """(summary, {qid: metrics}) of a run."""
    per = {}
    no_rel = no_hits = 0
    for q in sorted(judged):
        docs = ranking(run.get(q, []))
        no_hits += not docs
        no_rel += not any(g >= opt.min_relevance for g in judged[q].values())
        per[q] = measure(docs, judged[q], opt)
    ms = names(opt.k, opt.m)
    n = len(per)
    summary = {
        "queries": n, "no_relevant": no_rel, "no_hits": no_hits,
        "unjudged": sum(1 for q in run if q not in judged),
        "k": opt.k, "gain": opt.gain,
        "metrics": {m: math.fsum(p[m] for p in per.values()) / n if n
                    else 0.0 for m in ms}}
    return summary, per


def quantile(s, p):
    """The p quantile of the sorted list s, interpolated linearly."""
    x = p * (len(s) - 1)
    i = int(math.floor(x))
    j = min(i + 1, len(s) - 1)
    return s[i] + (s[j] - s[i]) * (x - i)


def resampled(D, trials, seed):
    """For the n x m differences D (a list of rows), the trials x m means
    under sign flips and under bootstrap resampling."""
    n, m = len(D), len(D[0])
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is None:
        rnd = random.Random(seed)
        flips, boots = [], []
        for _ in range(trials):
            s = [0.0] * m
            for row in D:
                sg = 1.0 if rnd.getrandbits(1) else -1.0
                for j in range(m):
                    s[j] += sg * row[j]
            flips.append([x / n for x in s])
        for _ in range(trials):
            s = [0.0] * m
            for _ in range(n):
                row = D[rnd.randrange(n)]
                for j in range(m):
                    s[j] += row[j]
            boots.append([x / n for x in s])
        return flips, boots
    rng = np.random.default_rng(seed)
    A = np.asarray(D, dtype=np.float64)
    step = max(1, 4000000 // n)
    flips, boots = [], []
    for t in range(0, trials, step):
        c = min(step, trials - t)
        sg = rng.integers(0, 2, size=(c, n), dtype=np.int8) * 2 - 1
        flips.append(sg.astype(np.float64) @ A / n)
        idx = rng.integers(0, n, size=(c, n))
        idx += np.arange(c)[:, None] * n
        cnt = np.bincount(idx.ravel(), minlength=c * n).reshape(c, n)
        boots.append(cnt.astype(np.float64) @ A / n)
    return np.vstack(flips).tolist(), np.vstack(boots).tolist()


def compare(sa, pa, sb, pb, opt):
    qs = sorted(set(pa) & set(pb))
    ms = names(opt.k, opt.m)
    out = {"queries": len(qs), "trials": opt.trials, "seed": opt.seed,
           "metrics": {}}
    if not qs:
        return {"a": sa, "b": sb, "compare": out}
    D = [[pb[q][m] - pa[q][m] for m in ms] for q in qs]
    flips, boots = resampled(D, opt.trials, opt.seed)
    n = len(qs)
    for j, m in enumerate(ms):
        obs = math.fsum(row[j] for row in D) / n
        # A tolerance for the rounding of sums taken in another order.
        lim = abs(obs) - 1e-12
        fl = [r[j] for r in flips]
        bs = sorted(r[j] for r in boots)
        out["metrics"][m] = {
            "a": math.fsum(pa[q][m] for q in qs) / n,
            "b": math.fsum(pb[q][m] for q in qs) / n,
            "diff": obs,
            "p_random": (sum(1 for x in fl if abs(x) >= lim) + 1) /
            (opt.trials + 1),
            "p_bootstrap": (sum(1 for x in bs if abs(x - obs) >= lim) +
                            1) / (opt.trials + 1),
            "ci": [quantile(bs, 0.025), quantile(bs, 0.975)]}
    return {"a": sa, "b": sb, "compare": out}


def int_list(s):
    try:
        v = [int(x) for x in s.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("not a list of numbers: " + s)
    if not v or min(v) < 1:
        raise argparse.ArgumentTypeError("cut-offs are positive: " + s)
    return list(dict.fromkeys(v))


def metric_list(s):
    v = s.split(",")
    bad = [x for x in v if x not in METRICS]
    if bad:
        raise argparse.ArgumentTypeError("unknown metric: " + bad[0])
    return v


def main():
    ap = argparse.ArgumentParser(prog="eval-ref.py")
    ap.add_argument("--qrels")
    ap.add_argument("-k", type=int_list, default=[1, 5, 10, 100])
    ap.add_argument("-m", type=metric_list, default=list(METRICS))
    ap.add_argument("--gain", choices=("linear", "exp"), default="linear")
    ap.add_argument("--min-relevance", type=float, default=1)
    ap.add_argument("--by")
    ap.add_argument("--per-query", action="store_true")
    ap.add_argument("--run-format", choices=("json", "trec"))
    ap.add_argument("--id-field", default="id")
    ap.add_argument("--hits-field", default="hits")
    ap.add_argument("--relevant-field", default="relevant")
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--trials", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("runs", nargs="*")
    opt = ap.parse_args()
    if opt.compare and len(opt.runs) != 2:
        ap.error("--compare takes two runs")
    if opt.trials < 1:
        ap.error("--trials must be positive")
    try:
        qrels = read_qrels(opt.qrels) if opt.qrels is not None else None
        if opt.compare:
            res = []
            for r in opt.runs:
                judged = qrels if qrels is not None else {}
                res.append(evaluate(read_run([r], opt.run_format, opt,
                                             judged), judged, opt))
            (sa, pa), (sb, pb) = res
            print(json.dumps(compare(sa, pa, sb, pb, opt)))
            return
        judged = qrels if qrels is not None else {}
        run = read_run(opt.runs or ["-"], opt.run_format, opt, judged)
    except Malformed as e:
        die(3, str(e))
    summary, per = evaluate(run, judged, opt)
    if opt.per_query:
        for q in sorted(per):
            print(json.dumps({"query_id": q, "metrics": per[q]}))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
