#!/usr/bin/python3
"""search-check.py -- etv-index's lexical scores against
search-bm25ref.py's on the same tokens.

Usage: search-check.py DOCTERMS QUERYTERMS RUN [K]

DOCTERMS and QUERYTERMS are `etv-index dump --terms` of an index of the
documents and of one of the queries ({"id", "terms": {"term": tf}} a
line); RUN is etv-index query's output for those queries (query records
with "hits" of {"id", "score"}).  For each query of QUERYTERMS, every one
of etv's first K hits (default 10) is scored by search-bm25ref.py's BM25
(k1 1.2, b 0.75, Lucene's idf) and the reference's own top K is compared
with etv's: the same documents, allowing any order among equal scores
(within 1e-6) at the cut.  Prints one JSON line: {"queries", "hits",
"max_abs_diff", "rank_mismatches"}; exits 1 when a query of QUERYTERMS
is missing from RUN.
"""
import importlib.util
import json
import os
import sys

# The reference is loaded from its file: no bytecode left beside it.
sys.dont_write_bytecode = True
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "bm25ref", os.path.join(here, "search-bm25ref.py"))
bm25ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bm25ref)

TIE = 1e-6


def main():
    dpath, qpath, rpath = sys.argv[1:4]
    k = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    bm = bm25ref.BM25(bm25ref.load(dpath))
    run = {}
    with open(rpath) as f:
        for s in f:
            if s.strip():
                r = json.loads(s)
                run[r["id"]] = r.get("hits") or []
    worst, nh, bad, nq = 0.0, 0, [], 0
    for qid, terms in bm25ref.load(qpath):
        if qid not in run:
            sys.exit("search-check.py: query %r not in %s" % (qid, rpath))
        nq += 1
        scores = bm.score(terms)
        hits = run[qid][:k]
        for h in hits:
            worst = max(worst, abs(h["score"] - scores.get(h["id"], 0.0)))
            nh += 1
        ref = bm.top(terms, k)
        # The k-th score is where ties may be cut either way.
        cut = ref[-1][1] if len(ref) == k else float("-inf")
        must = {d for d, s in ref if s > cut + TIE}
        may = {d for d, s in scores.items() if s >= cut - TIE}
        got = {h["id"] for h in hits}
        if len(hits) != len(ref) or not must <= got or not got <= may:
            bad.append(qid)
    print(json.dumps({"queries": nq, "hits": nh, "max_abs_diff": worst,
                      "rank_mismatches": len(bad),
                      "first_mismatches": bad[:5]}))


if __name__ == "__main__":
    main()
