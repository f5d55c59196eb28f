#!/usr/bin/python3
"""eval-gen.py -- a synthetic retrieval run and its judgments, for
etv-eval and eval-ref.py.

Usage: eval-gen.py OUTDIR [QUERIES [HITS [SEED]]]
       eval-gen.py --small OUTDIR [SEED]

QUERIES (default 100000) queries of HITS (default 100) hits each; --small
is 300 queries of 20 hits, for tests.  Python's standard library only;
the same arguments give the same files byte for byte.  OUTDIR gets:

  run.jsonl     run A, JSON-lines: {"id": "qN", "query", "hits": [{"id",
                "score"}, ...]}
  run.trec      run A as a TREC run (qid Q0 docid rank score tag), the
                hits in the same order, rank their place in it
  run-b.jsonl   run B: the same queries and hits, other scores (better on
                average), for --compare
  qrels.jsonl   the judgments, {"query_id", "id", "relevance"}
  qrels.trec    the same as TREC qrels (qid 0 docid rel)
  summary.txt   one line of counts

written in that order under temporary names and renamed, summary.txt
last, so that an interrupted run is never taken for a finished one.

Documents are "dN"; a query retrieves one to three chunks of each of
its documents (the first 60% of them one only).  A hit names a whole
document ("dN", once a document at most), a chunk of one ("dN#S"), or a
chunk with another id and a "doc_id" member ("cN-S" with "doc_id": "dN";
JSON-lines only: the TREC run has the id alone), so that --by doc_id
folds chunks into documents.
Judgments are of documents, graded 0 to 3: 1 to 6 relevant ones and up
to 4 of grade 0 for most queries, of which up to two thirds are
retrieved; 4% of the judged queries have only grade-0 judgments.  Of the
queries, 2% are judged and missing from the run, 1% are judged with no
hits, 3% are in the run and not judged.  Scores have three decimals, so
that ties are common; in 6% of the queries a hit's document is retrieved
twice (the same id again, another score); in 3% some hits have no score
(the order given counts: the TREC run's scores count down from HITS so
as to keep that order); in 20% the hits are given in an order a little
off their scores'.
"""
import os
import random
import sys


def fmt(x):
    return "%.3f" % x


def main():
    a = sys.argv[1:]
    if a and a[0] == "--small":
        if len(a) not in (2, 3):
            sys.exit(__doc__.split("\n\n")[1])
        out, nq, nh = a[1], 300, 20
        seed = int(a[2]) if len(a) == 3 else 1
    else:
        if len(a) not in range(1, 5):
            sys.exit(__doc__.split("\n\n")[1])
        out = a[0]
        nq = int(a[1]) if len(a) > 1 else 100000
        nh = int(a[2]) if len(a) > 2 else 100
        seed = int(a[3]) if len(a) > 3 else 1
    rnd = random.Random(seed)
    ndocs = max(1000, nq * 20)
    os.makedirs(out, exist_ok=True)
    names = ("run.jsonl", "run.trec", "run-b.jsonl", "qrels.jsonl",
             "qrels.trec")
    fs = [open(os.path.join(out, n + ".tmp"), "w") for n in names]
    rj, rt, rb, qj, qt = fs
    count = dict(queries=0, judged=0, missing=0, empty=0, unjudged=0,
                 no_relevant=0, hits=0, judgments=0, dup=0, unscored=0)
    for i in range(nq):
        q = "q%d" % i
        u = rnd.random()
        kind = ("missing" if u < 0.02 else "empty" if u < 0.03 else
                "unjudged" if u < 0.06 else "run")
        # The query's judgments: graded documents, some of them to be
        # retrieved.
        judged = {}
        if kind != "unjudged":
            nrel = 0 if rnd.random() < 0.04 else rnd.randint(1, 6)
            for _ in range(nrel):
                judged["d%d" % rnd.randrange(ndocs)] = rnd.randint(1, 3)
            for _ in range(rnd.randint(0 if nrel else 1, 4)):
                d = "d%d" % rnd.randrange(ndocs)
                judged.setdefault(d, 0)
            count["judged"] += 1
            count["no_relevant"] += not any(judged.values())
            count["judgments"] += len(judged)
            for d, g in judged.items():
                qj.write('{"query_id": "%s", "id": "%s", "relevance": %d}'
                         '\n' % (q, d, g))
                qt.write("%s 0 %s %d\n" % (q, d, g))
        if kind == "missing":
            count["missing"] += 1
            continue
        # The hits: (id, doc_id member or None, score A, score B).
        pool = [d for d in judged if rnd.random() < 0.67]
        hits = []
        if kind != "empty":
            top = rnd.uniform(0.5, 1.0)
            while len(hits) < nh:
                if pool and rnd.random() < 0.3:
                    d = pool.pop()
                    g = judged[d]
                else:
                    d = "d%d" % rnd.randrange(ndocs)
                    g = judged.get(d, 0)
                base = rnd.uniform(0.0, top) + 0.08 * g
                # One to three chunks of the document, of scores near
                # one another; a whole-document id once at most.
                n = 1 if rnd.random() < 0.6 else rnd.randint(2, 3)
                whole = False
                for s in rnd.sample(range(8), n):
                    v = rnd.random()
                    if v < 0.35 and not whole:
                        h, field, whole = d, None, True
                    elif v < 0.85:
                        h, field = "%s#%d" % (d, s), None
                    else:
                        h, field = "c%s-%d" % (d[1:], s), d
                    sa = base - rnd.uniform(0.0, 0.1)
                    hits.append([h, field, sa, sa + rnd.uniform(-0.05, 0.05)
                                 + 0.03 * g])
            del hits[nh:]
            if rnd.random() < 0.06:
                count["dup"] += 1
                for _ in range(rnd.randint(1, 3)):
                    h = list(rnd.choice(hits))
                    h[2] = rnd.uniform(0.0, top)
                    h[3] = rnd.uniform(0.0, top)
                    hits[rnd.randrange(len(hits))] = h
            # Scores of three decimals: ties.
            for h in hits:
                h[2], h[3] = fmt(h[2]), fmt(h[3])
            hits.sort(key=lambda h: -float(h[2]))
            if rnd.random() < 0.2:
                for _ in range(max(1, len(hits) // 10)):
                    j = rnd.randrange(len(hits) - 1) if len(hits) > 1 else 0
                    hits[j:j + 2] = hits[j:j + 2][::-1]
            unscored = set()
            if rnd.random() < 0.03:
                count["unscored"] += 1
                unscored = set(rnd.sample(range(len(hits)),
                                          rnd.randint(1, len(hits))))
        else:
            count["empty"] += 1
            unscored = set()
        count["queries"] += 1
        count["unjudged"] += kind == "unjudged"
        count["hits"] += len(hits)
        pa, pb = [], []
        for j, (h, field, sa, sb) in enumerate(hits):
            extra = ', "doc_id": "%s"' % field if field else ""
            if unscored:
                # The order given counts for this query.
                ts = "%d" % (len(hits) - j)
                pa.append('{"id": "%s"%s%s}' % (
                    h, "" if j in unscored else ', "score": ' + sa, extra))
                pb.append('{"id": "%s"%s%s}' % (
                    h, "" if j in unscored else ', "score": ' + sb, extra))
            else:
                ts = sa
                pa.append('{"id": "%s", "score": %s%s}' % (h, sa, extra))
                pb.append('{"id": "%s", "score": %s%s}' % (h, sb, extra))
            rt.write("%s Q0 %s %d %s gen\n" % (q, h, j + 1, ts))
        rj.write('{"id": "%s", "query": "query %d", "hits": [%s]}\n'
                 % (q, i, ", ".join(pa)))
        rb.write('{"id": "%s", "query": "query %d", "hits": [%s]}\n'
                 % (q, i, ", ".join(pb)))
    for f, n in zip(fs, names):
        f.close()
        os.replace(os.path.join(out, n + ".tmp"), os.path.join(out, n))
    with open(os.path.join(out, "summary.txt.tmp"), "w") as f:
        f.write("%(queries)d run queries, %(hits)d hits; %(judged)d judged"
                " queries, %(judgments)d judgments; %(missing)d judged and"
                " missing from the run, %(empty)d judged without hits,"
                " %(unjudged)d unjudged, %(no_relevant)d without a relevant"
                " document; %(dup)d with a document retrieved twice,"
                " %(unscored)d with unscored hits\n" % count)
    os.replace(os.path.join(out, "summary.txt.tmp"),
               os.path.join(out, "summary.txt"))


if __name__ == "__main__":
    main()
