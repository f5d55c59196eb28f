#!/usr/bin/python3
"""search-anchors.py -- the lexical anchors of search.sh: SQLite FTS5 and
Xapian, on the same documents and queries.

Usage: search-anchors.py ENGINE DATADIR WORKDIR [K [RUNS]]

ENGINE is fts5-porter (FTS5 with the tokenizer 'porter unicode61':
English stemming), fts5-plain ('unicode61', no stemming) or xapian.
Reads DATADIR/docs.jsonl and DATADIR/queries.jsonl, builds the index in
WORKDIR/ENGINE.idx, writes the run (top K, default 100) as etv-eval
input to WORKDIR/ENGINE.run.jsonl ({"id": qid, "hits": [{"id", "score"}]})
and prints one JSON line: {"engine", "build_s", "bytes", "qps",
"queries", "docs"}.

Timing is CPU seconds of this process (user + system), one thread, the
JSON already read: the build is indexing, committing and, for FTS5, the
'optimize' that merges the index into one b-tree (for Xapian, a compact
into a fresh database); queries per second is all the queries, top K,
the least time of RUNS runs (default 3).  Bytes are the index on disk.
Both indexes keep no text (FTS5 contentless, Xapian without document
data): the row number maps back to the document id.  Neither syncs to
disk while building (FTS5 synchronous=OFF, Xapian DB_NO_SYNC).  FTS5
keeps word positions (detail=full, its default); Xapian is indexed
without them (index_text_without_positions: no query here is a phrase)
but keeps its termlists, which it always writes.

FTS5 ranks by bm25() (k1 = 1.2, b = 0.75, fixed in SQLite); the query is
the OR of the query's words (runs of letters and digits), each quoted.
Xapian: TermGenerator and QueryParser with the English stemmer and
STEM_SOME (their defaults with a stemmer set), no stop words (the
QueryParser has none by default), default operator OP_OR, no boolean or
phrase syntax (a description's "and" or "not" is a word), BM25Weight with
k1 = 1.2, k2 = 0, k3 = 1, b = 0.75 and min_normlen 0.5 (its default).
"""
import json
import os
import re
import shutil
import sys
import time

WORD = re.compile(r"\w+", re.UNICODE)
CLOCK = time.process_time


def load(path):
    with open(path) as f:
        return [json.loads(s) for s in f if s.strip()]


def size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    n = 0
    for root, _, files in os.walk(path):
        for f in files:
            n += os.path.getsize(os.path.join(root, f))
    return n


def fts5(docs, queries, path, k, runs, tok):
    import sqlite3
    if os.path.exists(path):
        os.remove(path)
    t = CLOCK()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, content='', "
               "tokenize=%s)" % ("'%s'" % tok))
    with db:
        db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)",
                       ((i + 1, d["text"]) for i, d in enumerate(docs)))
    with db:
        db.execute("INSERT INTO t(t) VALUES('optimize')")
    db.execute("VACUUM")
    db.close()
    build = CLOCK() - t
    nbytes = size(path)

    ids = [d["id"] for d in docs]
    qs = []
    for q in queries:
        w = WORD.findall(q["text"])
        qs.append(" OR ".join('"%s"' % x.replace('"', '""') for x in w))
    db = sqlite3.connect(path)
    sql = ("SELECT rowid, bm25(t) FROM t WHERE t MATCH ? "
           "ORDER BY rank LIMIT %d" % k)
    best, res = None, None
    for _ in range(runs):
        t = CLOCK()
        out = []
        for m in qs:
            out.append(db.execute(sql, (m,)).fetchall() if m else [])
        dt = CLOCK() - t
        if best is None or dt < best:
            best = dt
        res = out
    db.close()
    run = [[(ids[r - 1], -s) for r, s in hits] for hits in res]
    return build, nbytes, best, run


def xapian_engine(docs, queries, path, k, runs):
    import xapian
    tmp = path + ".tmp"
    for p in (path, tmp):
        shutil.rmtree(p, ignore_errors=True)
    t = CLOCK()
    db = xapian.WritableDatabase(
        tmp, xapian.DB_CREATE_OR_OVERWRITE | xapian.DB_NO_SYNC)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    for d in docs:
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text_without_positions(d["text"])
        db.add_document(doc)
    db.commit()
    db.close()
    xapian.Database(tmp).compact(path)
    build = CLOCK() - t
    shutil.rmtree(tmp, ignore_errors=True)
    nbytes = size(path)

    ids = [d["id"] for d in docs]
    db = xapian.Database(path)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_OR)
    qp.set_database(db)
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))
    texts = [q["text"] for q in queries]
    best, res = None, None
    for _ in range(runs):
        t = CLOCK()
        out = []
        for s in texts:
            enq.set_query(qp.parse_query(s, 0))
            out.append([(m.docid, m.weight) for m in enq.get_mset(0, k)])
        dt = CLOCK() - t
        if best is None or dt < best:
            best = dt
        res = out
    run = [[(ids[d - 1], s) for d, s in hits] for hits in res]
    return build, nbytes, best, run


def main():
    engine, data, work = sys.argv[1:4]
    k = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    t = CLOCK()
    docs = load(os.path.join(data, "docs.jsonl"))
    load_s = CLOCK() - t
    queries = load(os.path.join(data, "queries.jsonl"))
    path = os.path.join(work, engine + ".idx")
    if engine == "fts5-porter":
        r = fts5(docs, queries, path, k, runs, "porter unicode61")
    elif engine == "fts5-plain":
        r = fts5(docs, queries, path, k, runs, "unicode61")
    elif engine == "xapian":
        r = xapian_engine(docs, queries, path, k, runs)
    else:
        sys.exit("search-anchors.py: unknown engine %r" % engine)
    build, nbytes, qtime, run = r
    with open(os.path.join(work, engine + ".run.jsonl"), "w") as f:
        for q, hits in zip(queries, run):
            f.write(json.dumps({"id": q["id"], "hits": [
                {"id": d, "score": s} for d, s in hits]}) + "\n")
    print(json.dumps({"engine": engine, "build_s": build, "load_s": load_s,
                      "bytes": nbytes,
                      "qps": len(queries) / qtime if qtime > 0 else 0.0,
                      "queries": len(queries), "docs": len(docs)}))


if __name__ == "__main__":
    main()
