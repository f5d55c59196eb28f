#!/usr/bin/python3
"""resolve-score.py -- the quality of an entity resolution against the
truth of resolve-corpus.py.

Usage: resolve-score.py [--id-field F] [--header] RESULT.jsonl TRUTH.jsonl

RESULT holds one record a line with the id and "entity_id" (the output
of etv-resolve or resolve-anchor.py); TRUTH holds {"id", "entity"} for
every record.  Prints one line:

  PP PR PF1 CP CR CF1 CP2 CR2 CF2 TRUEPAIRS PREDPAIRS COMMON
  TRUECLUSTERS PREDCLUSTERS EXACT TRUE2 PRED2 EXACT2

Pairs (P, R, F1 as PP PR PF1): the pairs of records in one predicted
entity against the pairs in one true entity (pair counting over the
contingency table of the two partitions, so nothing is enumerated).
Clusters (CP CR CF1): a predicted cluster is right when it has exactly
the members of a true cluster; precision is the right ones over the
predicted clusters, recall the right ones over the true clusters, every
cluster counted, records alone too; CP2 CR2 CF2 count the clusters of
two or more records only (a lone record rightly left alone is easy).
With --header a line of column names comes first."""
import json
import sys
from collections import Counter

COLS = ("PP PR PF1 CP CR CF1 CP2 CR2 CF2 TRUEPAIRS PREDPAIRS COMMON "
        "TRUECLUSTERS PREDCLUSTERS EXACT TRUE2 PRED2 EXACT2")


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    a = sys.argv[1:]
    idf = "id"
    header = False
    while a and a[0].startswith("--"):
        if a[0] == "--id-field" and len(a) > 1:
            idf = a[1]
            a = a[2:]
        elif a[0] == "--header":
            header = True
            a = a[1:]
        else:
            sys.exit(__doc__.split("\n\n")[1])
    if len(a) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    truth = {}
    with open(a[1]) as f:
        for line in f:
            r = json.loads(line)
            truth[str(r["id"])] = r["entity"]
    pred = {}
    with open(a[0]) as f:
        for k, line in enumerate(f):
            if not line.strip():
                continue
            r = json.loads(line)
            i = str(r.get(idf))
            if i not in truth:
                sys.exit("resolve-score: %s:%d: id %r is not in the truth"
                         % (a[0], k + 1, i))
            if i in pred:
                sys.exit("resolve-score: %s:%d: id %r twice" % (
                    a[0], k + 1, i))
            e = r.get("entity_id")
            if e is None:
                sys.exit("resolve-score: %s:%d: no entity_id" % (a[0],
                                                                 k + 1))
            pred[i] = e
    if len(pred) != len(truth):
        sys.exit("resolve-score: %s has %d of the %d records" % (
            a[0], len(pred), len(truth)))
    both = Counter((truth[i], pred[i]) for i in truth)
    tc = Counter(truth.values())
    pc = Counter(pred.values())

    def pairs(c):
        return sum(x * (x - 1) // 2 for x in c.values())
    common, ntrue, npred = pairs(both), pairs(tc), pairs(pc)
    pp = common / npred if npred else 1.0
    pr = common / ntrue if ntrue else 1.0
    # A predicted cluster is exact when all its records come from one true
    # cluster and it has all of that cluster's records.
    exact = exact2 = 0
    for (t, p), x in both.items():
        if x == tc[t] and x == pc[p]:
            exact += 1
            exact2 += x >= 2
    t2 = sum(1 for x in tc.values() if x >= 2)
    p2 = sum(1 for x in pc.values() if x >= 2)
    cp, cr = exact / len(pc), exact / len(tc)
    cp2 = exact2 / p2 if p2 else 1.0
    cr2 = exact2 / t2 if t2 else 1.0
    if header:
        print(COLS)
    print("%.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %d %d %d %d %d %d "
          "%d %d %d" % (pp, pr, f1(pp, pr), cp, cr, f1(cp, cr), cp2, cr2,
                        f1(cp2, cr2), ntrue, npred, common, len(tc),
                        len(pc), exact, t2, p2, exact2))


main()
