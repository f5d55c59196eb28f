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
printf '\nAll files are in %s/.\n' "$out"
