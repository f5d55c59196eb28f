#!/usr/bin/python3
"""search-corpus.py -- a labelled retrieval set of real text from this
machine: man pages and /usr/share/doc split into passages, queries made
of the pages' one-line descriptions.

Usage: search-corpus.py OUTDIR [DOCS [QUERIES [SEED]]]

Writes OUTDIR/docs.jsonl ({"id", "text", "doc_id"}), OUTDIR/queries.jsonl
({"id", "text"}), OUTDIR/qrels.jsonl (etv-eval's judgments: {"query_id",
"id", "relevance"}) and, last, OUTDIR/summary.txt (one line of counts).
DOCS (default 30000; search.sh asks for 20000) is the number of
passages, QUERIES (default 1000; search.sh asks for 600) the number of
queries, SEED (default 1) the seed of the samples.
Python's standard library and mandoc(1) only; the same machine, sizes
and seed give the same files byte for byte.

How it is made.  The English man pages under /usr/share/man/man[1-8]
(regular files, in sorted order; of the 16,000 generated gcloud pages
one in GCLOUD_KEEP, picked by a CRC of the name, so that they do not
make most of the set) are rendered with `mandoc -T utf8` and cut into
their sections.  A page whose rendered body equals one seen before (the
same page installed under two names) is left out.  The NAME section gives
the description: "ls - list directory contents" gives "list directory
contents".  The NAME section is then dropped and the rest of the page is
cut into passages of about PASSAGE words at paragraph ends (a section
starts a new passage when the current one has MIN_PART words or more;
long paragraphs are cut at word boundaries).  The files of /usr/share/doc
(READMEs, changelogs, copyright files, notes; text only, 1 MB at most)
are cut the same way at blank lines and give passages that are relevant
to no query.  A passage whose text (case and white space folded) occurs
in more than one page or file is dropped everywhere: licence texts,
gcloud's common flags and other boilerplate would otherwise be copies
judged relevant for one page and not for the other.  Passages of fewer
than 5 words are dropped.

A query is the description of a page when it has at least 2 words, no
other page has the same description (case folded), and the page has 1 to
MAX_REL passages left (a page of hundreds of passages, bash(1) or gcc(1),
would make recall@100 measure the cut-off, not the engine).  QUERIES of
them are drawn at random (SEED); the relevant documents of a query are
its page's passages, grade 2 for the passage where DESCRIPTION begins
(the first passage of the page when it has none), grade 1 for the
others.  The documents are the passages of the queries' pages, then
passages drawn at random (SEED) from all the others (pages not drawn as
queries and /usr/share/doc) up to DOCS.

Why it is not trivial: the description is written once, in NAME, which
is not in the corpus; the words of the query must be found in the body
of the page, which says the same thing in other words ("list directory
contents" against "List information about the FILEs"), and thousands
of passages about neighbouring subjects (other commands, other
functions of the same library, the same options) compete.  At the
default sizes BM25 engines reach an nDCG@10 of about 0.55 and a
recall@100 of about 0.68 (FTS5 and Xapian, search.sh).  The generated
gcloud pages are the easiest part: their DESCRIPTION often repeats the
NAME line.
"""
import concurrent.futures
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import zlib

MAN = "/usr/share/man"
DOC = "/usr/share/doc"
GCLOUD_KEEP = 20
PASSAGE = 120
MIN_PART = 40
MIN_WORDS = 5
MAX_REL = 40
MAX_FILE = 1 << 20
# Sections that are boilerplate of a project rather than of the page.
SKIP = {"COLOPHON"}
DASH = re.compile(r"\s+(?:\\-|-|--|\u2212|\u2013|\u2014|\u2010)\s+")
WORD = re.compile(r"\w+", re.UNICODE)
BINARY_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".pdf",
              ".html", ".htm", ".css", ".js", ".json", ".xml", ".py",
              ".c", ".h", ".pl", ".sh", ".el", ".pyc", ".so", ".bz2",
              ".xz", ".zip", ".tar", ".db", ".woff", ".ttf"}


def man_files():
    out = []
    for sec in range(1, 9):
        d = os.path.join(MAN, "man%d" % sec)
        if not os.path.isdir(d):
            continue
        for n in sorted(os.listdir(d)):
            p = os.path.join(d, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            if n.startswith("gcloud") and \
                    zlib.crc32(n.encode()) % GCLOUD_KEEP != 0:
                continue
            out.append(p)
    return out


def render(path):
    try:
        r = subprocess.run(["mandoc", "-T", "utf8", "-O", "width=400",
                            path], cwd=MAN, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=60)
    except subprocess.TimeoutExpired:
        return path, ""
    text = r.stdout.decode("utf-8", "replace")
    return path, re.sub(r".\x08", "", text)


def sections(text):
    """The sections of a rendered page: [(title, [paragraph, ...])]."""
    lines = text.split("\n")
    # The first and last non-blank lines are the header and footer.
    nb = [i for i, s in enumerate(lines) if s.strip()]
    if len(nb) < 3:
        return []
    lines = lines[nb[0] + 1:nb[-1]]
    out, para = [], []

    def flush():
        if para and out:
            out[-1][1].append(" ".join(para))
        para.clear()

    for s in lines:
        if not s.strip():
            flush()
        elif not s[0].isspace():
            flush()
            out.append((s.strip(), []))
        else:
            para.append(" ".join(s.split()))
    flush()
    return out


def words(s):
    return len(s.split())


def cut(parts, starts):
    """Passages of about PASSAGE words from paragraphs.

    parts is a list of paragraphs, starts the set of indexes where a
    section begins.  Returns [(text, first paragraph index)]."""
    out, cur, first = [], [], 0
    n = 0
    for i, p in enumerate(parts):
        w = p.split()
        if i in starts and n >= MIN_PART:
            out.append((" ".join(cur), first))
            cur, n = [], 0
        while len(w) > PASSAGE * 2:
            if n:
                out.append((" ".join(cur), first))
                cur, n = [], 0
            out.append((" ".join(w[:PASSAGE]), i))
            w = w[PASSAGE:]
        if not cur:
            first = i
        cur.extend(w)
        n += len(w)
        if n >= PASSAGE:
            out.append((" ".join(cur), first))
            cur, n = [], 0
    if cur:
        out.append((" ".join(cur), first))
    return out


def page(path, text):
    """(description, passages, grade-2 passage index) of a page."""
    secs = sections(text)
    desc, parts, starts, dstart = None, [], set(), None
    for title, paras in secs:
        if title == "NAME":
            m = DASH.split(" ".join(paras), maxsplit=1)
            if len(m) == 2:
                desc = " ".join(m[1].split())
            continue
        if title in SKIP or not paras:
            continue
        starts.add(len(parts))
        if title == "DESCRIPTION" and dstart is None:
            dstart = len(parts)
        parts.extend(paras)
    ps = cut(parts, starts)
    best = 0
    if dstart is not None:
        for j, (_, first) in enumerate(ps):
            if first <= dstart:
                best = j
    return desc, [t for t, _ in ps], best


def doc_files():
    out = []
    for root, dirs, files in os.walk(DOC):
        dirs.sort()
        for n in sorted(files):
            p = os.path.join(root, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            base = n[:-3] if n.endswith(".gz") else n
            if os.path.splitext(base)[1].lower() in BINARY_EXT:
                continue
            out.append(p)
    return out


def read_doc(path):
    import gzip
    try:
        if path.endswith(".gz"):
            with gzip.open(path) as f:
                b = f.read(MAX_FILE + 1)
        else:
            with open(path, "rb") as f:
                b = f.read(MAX_FILE + 1)
    except (OSError, EOFError, zlib.error):
        return None
    if len(b) > MAX_FILE or b"\0" in b:
        return None
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return None


def doc_passages(text):
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    paras = [p for p in paras if p]
    return [t for t, _ in cut(paras, set())]


def fold(s):
    return " ".join(s.casefold().split())


def main():
    out = sys.argv[1]
    ndocs = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
    nq = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    os.makedirs(out, exist_ok=True)

    files = man_files()
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        rendered = list(ex.map(render, files))
    pages, seen = [], set()
    for path, text in rendered:
        body = "\n".join(text.split("\n")[1:-2])
        h = hashlib.sha1(body.encode()).digest()
        if not text.strip() or h in seen:
            continue
        seen.add(h)
        desc, ps, best = page(path, text)
        name = os.path.relpath(path, MAN)
        for ext in (".gz",):
            if name.endswith(ext):
                name = name[:-len(ext)]
        pages.append((name, desc, ps, best))
    docs = []
    for path in doc_files():
        text = read_doc(path)
        if text:
            docs.append(("doc/" + os.path.relpath(path, DOC),
                         doc_passages(text)))

    # Boilerplate: a passage found in two places is dropped everywhere.
    where = {}
    for name, _, ps, _ in pages:
        for t in ps:
            where.setdefault(fold(t), set()).add(name)
    for name, ps in docs:
        for t in ps:
            where.setdefault(fold(t), set()).add(name)

    def keep(t):
        return words(t) >= MIN_WORDS and len(where[fold(t)]) == 1

    seen_text = set()
    man_items = []    # (name, desc, [(id, text, grade)])
    for name, desc, ps, best in pages:
        items = []
        for j, t in enumerate(ps):
            if keep(t) and fold(t) not in seen_text:
                seen_text.add(fold(t))
                items.append(("%s#%d" % (name, j), t, 2 if j == best
                              else 1))
        if items and not any(g == 2 for _, _, g in items):
            i0, t0, _ = items[0]
            items[0] = (i0, t0, 2)
        man_items.append((name, desc, items))
    other = []
    for name, ps in docs:
        for j, t in enumerate(ps):
            if keep(t) and fold(t) not in seen_text:
                seen_text.add(fold(t))
                other.append(("%s#%d" % (name, j), t, name))

    count = {}
    for _, desc, _ in man_items:
        if desc:
            count[fold(desc)] = count.get(fold(desc), 0) + 1
    cand = [m for m in man_items
            if m[1] and len(WORD.findall(m[1])) >= 2 and
            count[fold(m[1])] == 1 and 1 <= len(m[2]) <= MAX_REL]
    rng = random.Random(seed)
    chosen = rng.sample(cand, min(nq, len(cand)))
    chosen.sort(key=lambda m: m[0])
    cnames = {m[0] for m in chosen}
    out_docs = []
    for name, _, items in chosen:
        for i, t, _ in items:
            out_docs.append((i, t, name))
    for name, _, items in man_items:
        if name not in cnames:
            for i, t, _ in items:
                other.append((i, t, name))
    other.sort()
    room = max(0, ndocs - len(out_docs))
    out_docs.extend(rng.sample(other, min(room, len(other))))
    out_docs.sort()

    with open(os.path.join(out, "docs.jsonl"), "w") as f:
        for i, t, d in out_docs:
            f.write(json.dumps({"id": i, "text": t, "doc_id": d},
                               ensure_ascii=False) + "\n")
    nj = 0
    with open(os.path.join(out, "queries.jsonl"), "w") as fq, \
            open(os.path.join(out, "qrels.jsonl"), "w") as fr:
        for name, desc, items in chosen:
            fq.write(json.dumps({"id": name, "text": desc},
                                ensure_ascii=False) + "\n")
            for i, _, g in items:
                fr.write(json.dumps({"query_id": name, "id": i,
                                     "relevance": g}) + "\n")
                nj += 1
    nman = sum(1 for _, _, d in out_docs if not d.startswith("doc/"))
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("%d passages (%d of man pages, %d of /usr/share/doc) from "
                "%d man pages and %d doc files; %d queries of %d "
                "candidates, %d judgments (%d of grade 2); seed %d\n" % (
                    len(out_docs), nman, len(out_docs) - nman, len(pages),
                    len(docs), len(chosen), len(cand), nj, len(chosen),
                    seed))


if __name__ == "__main__":
    main()
