#!/usr/bin/python3
"""search-report.py -- the table of search.sh.

Usage: search-report.py ROWDIR NAME...

For each NAME, reads ROWDIR/NAME.json (one JSON object: "build_s",
"bytes", "qps" and, optionally, "label", the row's name, else NAME,
and "load_s", the seconds an anchor took to read the documents) and
ROWDIR/NAME.eval (etv-eval's summary of its run) and prints a row: nDCG@10, recall@100, queries per second,
build seconds, index MB.  Then, for each row whose name starts with
"etv", its q/s and build time over FTS5's (fts5-porter) and Xapian's.
"""
import json
import os
import sys


def load(d, n):
    with open(os.path.join(d, n + ".json")) as f:
        r = json.load(f)
    with open(os.path.join(d, n + ".eval")) as f:
        e = json.loads(f.read().strip().split("\n")[-1])
    r["ndcg"] = e["metrics"]["ndcg@10"]
    r["recall"] = e["metrics"]["recall@100"]
    return r


def main():
    d, names = sys.argv[1], sys.argv[2:]
    rows = {n: load(d, n) for n in names}
    print("  %-28s %8s %10s %9s %8s %8s" % ("engine", "nDCG@10",
                                            "recall@100", "q/s",
                                            "build s", "MB"))
    for n in names:
        r = rows[n]
        print("  %-28s %8.4f %10.4f %9.1f %8.2f %8.1f" % (
            r.get("label", n), r["ndcg"], r["recall"], r["qps"],
            r["build_s"], r["bytes"] / 1e6))
    anchors = [a for a in ("fts5-porter", "xapian") if a in rows]
    etv = [n for n in names if n.startswith("etv")]
    if etv and anchors:
        print("ratios (etv / anchor; q/s above 1 is faster, build s below "
              "1 is faster):")
        for n in etv:
            r = rows[n]
            parts = []
            for a in anchors:
                x = rows[a]
                name = "FTS5" if a.startswith("fts5") else "Xapian"
                parts.append("q/s %.2fx, build %.2fx %s" % (
                    r["qps"] / x["qps"] if x["qps"] else 0.0,
                    r["build_s"] / x["build_s"] if x["build_s"] else 0.0,
                    name))
            print("  %-28s %s" % (r.get("label", n), "; ".join(parts)))
    loads = ["%s %.2f s" % (n, rows[n]["load_s"]) for n in names
             if "load_s" in rows[n]]
    if loads:
        print("the anchors' build s leave out reading docs.jsonl into Python "
              "(json.loads: %s); etv's include reading and parsing it"
              % ", ".join(loads))


if __name__ == "__main__":
    main()
