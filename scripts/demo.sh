#!/bin/sh
# demo.sh -- the whole toolkit on real text the machine has: the project's
# README and manual pages among the text files of /usr/share/doc, with the
# built-in defaults; nothing is downloaded.  Then the questions of
# scripts/demo/ measure how well the index answers, and etv-resolve
# matches records of people.
# Usage: scripts/demo.sh BUILD_DIR [OUT_DIR]	(OUT_DIR: BUILD_DIR/demo)
set -eu
build=$(cd "${1:-build}" && pwd)
out=${2:-$build/demo}
[ $# -ge 2 ] || rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Paths below are relative to the top of the tree, so that the ids of the
# documents, which the judgments name, are the same wherever it is built.
cd "$(dirname "$0")/.."
PATH="$build:$PATH"
export PATH
demo=scripts/demo

step() { printf '\n== %s\n' "$*"; }

# The manual pages, rendered to plain text as a reader sees them: their
# ids are man/etv-chunk.1 and so on.
rm -rf "$out/docs"
mkdir -p "$out/docs/man"
bs=$(printf '\b')
for page in man/*.[17]; do
	mandoc -Tascii "$page" | sed "s/.$bs//g" >"$out/docs/man/${page##*/}"
done

# Other documents, to find the answers among: the text, Markdown and
# reStructuredText files of /usr/share/doc (no release notes), and
# licence texts, which repeat as boilerplate does in any corpus.
{
	find /usr/share/doc -mindepth 2 -maxdepth 2 -name copyright |
	    LC_ALL=C sort | head -40
	find /usr/share/doc -type f -size -64k \( -name '*.txt' -o \
	    -name '*.md' -o -name '*.rst' -o -name 'README*' \) \
	    ! -name '*.gz' ! -path '*/RelNotes/*' | LC_ALL=C sort
} >"$out/others.list" 2>/dev/null || true

n=$(wc -l <"$out/others.list")
step "etv extract README.md, the manual pages and $n files of /usr/share/doc"
# Status 3: a file that is not UTF-8 went to unreadable.jsonl, the others on.
etv extract -v --rejects "$out/unreadable.jsonl" README.md "$out/docs" - \
    <"$out/others.list" >"$out/docs.jsonl" || [ $? -eq 3 ]
python3 - "$out/docs.jsonl" <<'PY'
import json, sys
other = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    m = r["meta"]
    if r["id"].startswith("/usr/share/doc/"):
        other += 1
        continue
    print("  %-18s %6d bytes  %-8s %s" % (r["id"], m["bytes"], m["type"],
          m.get("title", "")))
print("  and %d files of /usr/share/doc" % other)
PY

step "etv validate -s $demo/doc.schema.json: the contract of a document"
# Status 1: some documents broke the contract; they are in bad.jsonl,
# with the reasons.  The messages are one a record: the first few here.
st=0
top=$(pwd)
(cd "$out" && etv validate -v -s "$top/$demo/doc.schema.json" \
    --rejects bad.jsonl docs.jsonl >valid.jsonl 2>validate.log) || st=$?
awk 'NR <= 3 { print; next } /: read [0-9]/ { if (NR > 4) printf \
    "  (%d more)\n", NR - 4; print }' "$out/validate.log"
[ "$st" -le 1 ] || { cat "$out/validate.log" >&2; exit "$st"; }

step "etv chunk --size 800 --overlap 80: chunks on natural boundaries"
etv chunk -v --size 800 --overlap 80 "$out/valid.jsonl" >"$out/chunks.jsonl"

step "etv dedupe: drop near-duplicate chunks (MinHash LSH, Jaccard >= 0.8)"
etv dedupe -v --removed "$out/dups.jsonl" "$out/chunks.jsonl" \
    >"$out/unique.jsonl"
python3 - "$out/dups.jsonl" <<'PY'
import json, sys
# Duplicates across documents first: shared licence texts.
dups = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
dups.sort(key=lambda r: r["id"].split("#")[0] == r["dup_of"].split("#")[0])
for r in dups[:3]:
    print("  %s\n    duplicate of %s (%.2f)" % (r["id"], r["dup_of"],
          r["dup_score"]))
PY

step "etv embed: built-in hashing embedder, 384 dimensions"
etv embed -v "$out/unique.jsonl" >"$out/vectors.jsonl"

step "etv index build: an HNSW index of the chunks, and a BM25 index of their text"
etv index build -v --force --lexical text --language english "$out/kb.etv" \
    "$out/vectors.jsonl"
etv index stats "$out/kb.etv" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("  %d vectors of %d dimensions (%s), %s search, %.1f MB" % (s["vectors"],
      s["dims"], s["embedding_model"], s["search"], s["bytes"] / 1e6))
l = s["lexical"]
print("  BM25 of %s (%s): %d terms, %d postings, %.1f MB" % (l["field"],
      l["analyzer"], l["terms"], l["postings"], l["index_bytes"] / 1e6))'

nq=$(wc -l <"$demo/questions.jsonl")
step "etv embed | etv index query --mode vector -k 100: $nq questions of $demo/questions.jsonl"
etv embed "$demo/questions.jsonl" | etv index query -v --mode vector -k 100 \
    "$out/kb.etv" >"$out/run.jsonl"
python3 - "$out/run.jsonl" "$demo/qrels.jsonl" q18 q13 <<'PY'
import json, sys
judged = {}
for line in open(sys.argv[2], encoding="utf-8"):
    j = json.loads(line)
    judged[(j["query_id"], j["id"])] = j["relevance"]
runs = {}
for line in open(sys.argv[1], encoding="utf-8"):
    q = json.loads(line)
    runs[q["id"]] = q
# The best chunk of each of the first three documents.
for qid in sys.argv[3:]:
    q = runs[qid]
    print("  %s \"%s\"" % (qid, q["text"]))
    seen = []
    for h in q["hits"]:
        if h["doc_id"] in seen:
            continue
        seen.append(h["doc_id"])
        grade = judged.get((qid, h["doc_id"]))
        print("    %.3f  %-44s %s" % (h["score"], h["id"],
              "relevant (%d)" % grade if grade else ""))
        if len(seen) == 3:
            break
    docs = []
    for h in q["hits"]:
        if h["doc_id"] not in docs:
            docs.append(h["doc_id"])
    for (j, doc), grade in sorted(judged.items()):
        if j == qid and doc not in docs[:3]:
            where = ("rank %d" % (docs.index(doc) + 1) if doc in docs
                     else "not in the 100 hits")
            print("    %-51s relevant (%d): %s" % (doc, grade, where))
PY

step "etv eval --by doc_id: how well the index answers, by document"
etv eval --by doc_id --qrels "$demo/qrels.jsonl" -k 1,5,10 \
    -m recall,hit_rate,mrr,ndcg --format table --save "$out/eval.json" \
    "$out/run.jsonl"

step "etv index query --mode lexical|hybrid: the same questions by BM25, and by both fused"
etv embed "$demo/questions.jsonl" >"$out/questions.jsonl"
for mode in lexical hybrid; do
	etv index query --mode "$mode" -k 100 "$out/kb.etv" \
	    "$out/questions.jsonl" >"$out/run-$mode.jsonl"
	etv eval --by doc_id --qrels "$demo/qrels.jsonl" -k 10 \
	    -m hit_rate,mrr,ndcg --save "$out/eval-$mode.json" \
	    "$out/run-$mode.jsonl" >/dev/null
done
python3 - "$out" <<'PY'
import json, sys
print("  %-26s %12s %8s %8s" % ("", "hit_rate@10", "mrr@10", "ndcg@10"))
for name, f in (("vector (hash embedder)", "eval.json"),
                ("lexical (BM25)", "eval-lexical.json"),
                ("hybrid (RRF of the two)", "eval-hybrid.json")):
    m = json.load(open("%s/%s" % (sys.argv[1], f)))["metrics"]
    print("  %-26s %12.3f %8.3f %8.3f" % (name, m["hit_rate@10"],
          m["mrr@10"], m["ndcg@10"]))
PY

people=tests/fixtures/resolve/people.jsonl
step "etv resolve --init: a model guessed from $(wc -l <"$people") records of people from three systems"
etv resolve --init "$people" >"$out/people.model.json"
python3 - "$out/people.model.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
for f in m["fields"]:
    print("  %-11s %-11s %-10s %s" % (f["name"], f["profile"]["kind"],
          f["normalize"], " ".join(next(iter(l)) for l in f["levels"])))
print("  blocking: %s" % ", ".join(m["blocking"]))
PY

step "etv resolve: which records are the same person (Fellegi-Sunter, trained by EM)"
etv resolve -c "$out/people.model.json" --pairs "$out/people.pairs.jsonl" \
    --golden "$out/people.golden.jsonl" "$people" >"$out/people.resolved.jsonl"
python3 - "$out/people.resolved.jsonl" "$out/people.golden.jsonl" \
    "$out/people.pairs.jsonl" <<'PY'
import json, sys
recs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
found = {}
for r in recs:
    found.setdefault(r["entity_id"], set()).add(r["id"])
truth = {}
for r in recs:
    truth.setdefault(r["id"].split("-")[0], set()).add(r["id"])
right = sum(1 for e in found.values() if e in truth.values())
print("  %d records, %d entities found, %d people in truth, %d found exactly"
      % (len(recs), len(found), len(truth), right))
for line in open(sys.argv[2], encoding="utf-8"):
    g = json.loads(line)
    if len(g["ids"]) > 2:
        print("  %s  %-19s %s %s, %s" % (g["entity_id"], " ".join(g["ids"]),
              g["first_name"], g["surname"], g["dob"]))
# A household: one surname, phone, city and postcode, two people.
for line in open(sys.argv[3], encoding="utf-8"):
    p = json.loads(line)
    if {p["a"], p["b"]} == {"p01-1", "p02-1"}:
        print("  William and Margaret Turner, one household: match probability"
              " %.2g" % p["match_probability"])
PY
printf '\nAll files are in %s/.\n' "$out"
