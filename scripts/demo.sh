#!/bin/sh
# demo.sh -- the sample pipeline over the project's own documentation,
# with the built-in defaults: nothing is downloaded.
# Usage: scripts/demo.sh BUILD_DIR
set -eu
build=${1:-build}
PATH="$(cd "$build" && pwd):$PATH"
export PATH
out=$build/demo
rm -rf "$out"
mkdir -p "$out"

step() { printf '\n== %s\n' "$*"; }

# The manual pages, rendered to plain text as a reader sees them.
mkdir -p "$out/man"
bs=$(printf '\b')
for page in man/*.[17]; do
	name=${page##*/}
	mandoc -Tascii "$page" | sed "s/.$bs//g" >"$out/man/$name.txt"
done

# Licence texts of the installed packages: real text that repeats, as
# boilerplate does in any corpus.
find /usr/share/doc -mindepth 2 -maxdepth 2 -name copyright 2>/dev/null |
    LC_ALL=C sort | head -40 >"$out/copyright.list" || true

step "etv extract README.md, man pages, $(wc -l <"$out/copyright.list") package copyright files"
# shellcheck disable=SC2046
etv extract -v README.md "$out/man" $(cat "$out/copyright.list") \
    >"$out/docs.jsonl"
python3 - "$out/docs.jsonl" <<'PY'
import json, sys
other = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    m = r["meta"]
    if r["id"].startswith("/usr/share/doc/"):
        other += 1
        continue
    print("  %-22s %6d bytes  %-8s %s" % (r["id"], m["bytes"], m["type"],
          m.get("title", "")))
print("  and %d copyright files of /usr/share/doc" % other)
PY

step "etv validate: every document has an id, a non-empty text and a hash"
cat >"$out/doc.schema.json" <<'JSON'
{"type": "object", "required": ["id", "text", "hash"],
 "properties": {"id": {"type": "string"},
                "text": {"type": "string", "minLength": 1},
                "hash": {"type": "string", "pattern": "^xxh3:[0-9a-f]{16}$"}}}
JSON
etv validate -v -s "$out/doc.schema.json" --rejects "$out/bad.jsonl" \
    "$out/docs.jsonl" >"$out/valid.jsonl"

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

step "etv index build: an HNSW index of the chunks"
etv index build "$out/kb.etv" "$out/vectors.jsonl"
etv index stats "$out/kb.etv"

question="how do I keep a vector index fresh from cron?"
step "etv index query: \"$question\""
printf '{"id":"q1","text":"%s"}\n' "$question" | etv embed |
    etv index query -k 3 "$out/kb.etv" >"$out/answer.jsonl"
python3 - "$out/answer.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    for h in json.loads(line)["hits"]:
        text = " ".join(h.get("text", "").split())[:70]
        print("  %.3f  %-24s %s" % (h["score"], h["id"], text))
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
