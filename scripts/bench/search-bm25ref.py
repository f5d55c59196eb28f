#!/usr/bin/python3
"""search-bm25ref.py -- a reference Okapi BM25 over documents already
tokenised.

Usage: search-bm25ref.py [-k K] [--k1 K1] [--b B] DOCS QUERIES

DOCS and QUERIES are JSON-lines files of {"id", "terms": {"term": tf,
...}}: the tokens of each document, and of each query made by the same
analyser.  Prints a JSON line for each query, in the order read:
{"id": qid, "hits": [{"id": docid, "score": s}, ...]}, its K best
documents (default 10) by score, ties broken by document id; documents
that share no term with the query are never hits.

The score is BM25 as published (Robertson and Zaragoza, "The
Probabilistic Relevance Framework: BM25 and Beyond", 2009), with the idf
Lucene uses, which is never negative:

    score(q, d) = sum over the terms t of q of
        qtf(t) * idf(t) * tf(t, d) * (k1 + 1)
            / (tf(t, d) + k1 * (1 - b + b * dl(d) / avgdl))
    idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

where tf(t, d) is the count of t in d, qtf(t) its count in the query,
dl(d) the sum of d's counts, avgdl the mean of dl over the N documents,
df(t) the number of documents that hold t; k1 = 1.2 and b = 0.75 unless
given.  An empty collection (avgdl 0) scores every length as average.

As a module: BM25(docs, k1, b) takes a list of (id, {term: tf}); its
score(qterms) returns {docid: score} for every document matching a term,
its top(qterms, k) the k best [(docid, score)].
"""
import argparse
import heapq
import json
import math
import sys


class BM25:
    """BM25 scores of a fixed collection of tokenised documents."""

    def __init__(self, docs, k1=1.2, b=0.75):
        self.k1, self.b = k1, b
        self.ids = []
        lens = []
        self.post = {}
        for i, (did, terms) in enumerate(docs):
            self.ids.append(did)
            dl = 0
            for t, tf in terms.items():
                dl += tf
                self.post.setdefault(t, []).append((i, tf))
            lens.append(dl)
        self.n = len(self.ids)
        self.avgdl = sum(lens) / self.n if self.n else 0.0
        # The length part of the denominator, k1 * (1 - b + b * dl / avgdl),
        # once a document.
        if self.avgdl > 0:
            self.norm = [k1 * (1 - b + b * dl / self.avgdl) for dl in lens]
        else:
            self.norm = [k1] * self.n

    def idf(self, term):
        df = len(self.post.get(term, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def score(self, qterms):
        """{docid: score} of every document that holds a query term."""
        acc = {}
        k1 = self.k1
        for t, qtf in qterms.items():
            post = self.post.get(t)
            if not post:
                continue
            w = qtf * self.idf(t) * (k1 + 1)
            norm = self.norm
            for i, tf in post:
                acc[i] = acc.get(i, 0.0) + w * tf / (tf + norm[i])
        return {self.ids[i]: s for i, s in acc.items()}

    def top(self, qterms, k):
        """The k best [(docid, score)], by score, then by id."""
        s = self.score(qterms)
        return heapq.nsmallest(k, s.items(), key=lambda x: (-x[1], x[0]))


def load(path):
    out = []
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                out.append((r["id"], r.get("terms") or {}))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--k1", type=float, default=1.2)
    ap.add_argument("--b", type=float, default=0.75)
    ap.add_argument("docs")
    ap.add_argument("queries")
    a = ap.parse_args()
    bm = BM25(load(a.docs), a.k1, a.b)
    out = sys.stdout
    for qid, terms in load(a.queries):
        hits = [{"id": d, "score": s} for d, s in bm.top(terms, a.k)]
        out.write(json.dumps({"id": qid, "hits": hits}) + "\n")


if __name__ == "__main__":
    main()
