#!/bin/sh
# golden.sh -- run every tool on real inputs and print the md5 of each
# output, so that two builds can be compared byte for byte:
#
#   sh scripts/golden.sh build-old > old.md5
#   sh scripts/golden.sh build > new.md5 && diff old.md5 new.md5
#
# Inputs: /usr/share/doc (text files), the test fixtures, a generated
# model2vec model, the OpenAI rank file in build/tokenizers when present,
# and the mock embedding server.  Every pipeline runs at -j 1 and -j 2.
# A line is "md5 name status" (status is the tool's exit status).
set -u
B=$(cd "${1:?usage: golden.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'kill $srv 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM
srv=
cd "$T" || exit 4

# run NAME CMD...: run CMD with stdout to NAME.out, report md5 and status
run() {
	n=$1; shift
	"$@" > "$n.out" 2> "$n.err"
	s=$?
	echo "$(md5sum < "$n.out" | cut -c1-32) ${n##*/} $s"
}

# A fixed corpus: the text files of /usr/share/doc, in sorted order.
mkdir docs
find /usr/share/doc -type f \( -name '*.txt' -o -name 'README*' -o \
    -name '*.md' -o -name '*.html' -o -name 'NEWS' \) ! -name '*.gz' \
    2>/dev/null | LC_ALL=C sort | head -400 > list
i=0
while read -r f; do
	i=$((i + 1))
	cp "$f" "docs/$i-${f##*/}" 2>/dev/null
done < list
find docs -exec touch -h -d "2026-01-01 00:00:00 UTC" {} +

for j in 1 2; do
	run extract-j$j "$B/etv-extract" -q -j $j --encoding latin1 docs
	run extract-csv-j$j "$B/etv-extract" -q -j $j --csv --types auto \
	    "$top/tests/fixtures/extract/tree" 
	run extract-jsonl-j$j "$B/etv-extract" -q -j $j --type jsonl \
	    "$top/tests/fixtures/chunk/prose.jsonl"
	run extract-jsonl-field-j$j "$B/etv-extract" -q -j $j --type jsonl \
	    --text-field name "$top/tests/fixtures/validate/people.jsonl"
done
cp extract-j1.out docs.jsonl

for j in 1 2; do
	run chunk-chars-j$j "$B/etv-chunk" -q -j $j -s 400 -o 40 docs.jsonl
	run chunk-words-j$j "$B/etv-chunk" -q -j $j -u words -s 80 docs.jsonl
	run chunk-graph-j$j "$B/etv-chunk" -q -j $j -u graphemes -s 300 \
	    "$top/tests/fixtures/chunk/unicode.jsonl"
	run chunk-md-j$j "$B/etv-chunk" -q -j $j -m -s 300 \
	    "$top/tests/fixtures/chunk/guide.jsonl" docs.jsonl
	run chunk-est-j$j "$B/etv-chunk" -q -j $j -u tokens -s 128 docs.jsonl
	if [ -f "$top/build/tokenizers/cl100k_base.tiktoken" ]; then
		run chunk-cl100k-j$j "$B/etv-chunk" -q -j $j -s 128 \
		    -t "$top/build/tokenizers/cl100k_base.tiktoken" docs.jsonl
	fi
done
cp chunk-chars-j1.out chunks.jsonl
head -2000 chunks.jsonl > small.jsonl

python3 "$top/tests/helpers/mkmodel.py" m2v --vocab 3000 --dims 64 \
    > /dev/null 2>&1
for j in 1 2; do
	run embed-hash-j$j "$B/etv-embed" -q -j $j -d 64 chunks.jsonl
	run embed-hash-b64-j$j "$B/etv-embed" -q -j $j -d 64 \
	    --vector-format base64 chunks.jsonl
	run embed-m2v-j$j "$B/etv-embed" -q -j $j -m model2vec:m2v small.jsonl
	run embed-m2v-cache-j$j "$B/etv-embed" -q -j $j -m model2vec:m2v \
	    --cache cache$j.db small.jsonl
	run embed-m2v-cached-j$j "$B/etv-embed" -q -j $j -m model2vec:m2v \
	    --cache cache$j.db small.jsonl
done

python3 "$top/tests/helpers/mock_embed_server.py" --port-file port \
    --lifetime 300 > /dev/null 2>&1 &
srv=$!
k=0
while [ ! -s port ] && [ $k -lt 100 ]; do sleep 0.1; k=$((k + 1)); done
for c in 1 4; do
	ETV_API_KEY=k run embed-http-c$c "$B/etv-embed" -q -m openai:mock \
	    --url "http://127.0.0.1:$(cat port)/v1" --batch 16 \
	    --concurrency $c small.jsonl
	ETV_API_KEY=k run embed-http-b64-c$c "$B/etv-embed" -q -m openai:mock \
	    --url "http://127.0.0.1:$(cat port)/v1" --batch 7 \
	    --vector-format base64 --concurrency $c --cache http$c.db small.jsonl
done

V=$top/tests/fixtures/validate
for j in 1 2; do
	run validate-schema-j$j "$B/etv-validate" -q -j $j -s "$V/doc.schema.json" \
	    --schema-dir "$V/lib" \
	    --formats --rejects vrej$j.jsonl docs.jsonl "$V/docs.jsonl"
	echo "$(md5sum < vrej$j.jsonl | cut -c1-32) validate-rejects-j$j -"
	(cd "$top/tests" && run "$T/validate-contract-j$j" "$B/etv-validate" \
	    -q -j $j -c "$V/people.contract.json" --report "$T/report$j.json" \
	    --rejects "$T/crej$j.jsonl" "$V/people.jsonl")
	echo "$(md5sum < crej$j.jsonl | cut -c1-32) validate-contract-rejects-j$j -"
	sed 's/"generated":"[^"]*"//' report$j.json > r$j.json
	echo "$(md5sum < r$j.json | cut -c1-32) validate-report-j$j -"
	run validate-pii-detect-j$j "$B/etv-validate" -q -j $j --pii detect docs.jsonl
	run validate-pii-redact-j$j "$B/etv-validate" -q -j $j --pii redact \
	    --nfc fix chunks.jsonl
	ETV_PII_KEY=s run validate-pii-hash-j$j "$B/etv-validate" -q -j $j \
	    --pii redact --pii-hash chunks.jsonl
done

"$B/etv-embed" -q -d 64 chunks.jsonl > vecs.jsonl
head -3000 vecs.jsonl > first.jsonl
tail -n +2500 vecs.jsonl > second.jsonl
head -200 vecs.jsonl | sed 's/"id":"[^"]*"/"id":"q"/' > queries.jsonl
for j in 1 2; do
	run index-build-exact-j$j "$B/etv-index" build -q -j $j --exact --store text,meta,seq,doc_id ix$j.etv first.jsonl
	run index-add-j$j "$B/etv-index" add -q -j $j ix$j.etv second.jsonl
	run index-sync-j$j "$B/etv-index" sync -q -j $j --exact --store text,meta,seq,doc_id --prune --force ix$j.etv first.jsonl
	run index-query-exact-j$j "$B/etv-index" query -q -j $j --exact -k 5 ix$j.etv queries.jsonl
	run index-query-filter-j$j "$B/etv-index" query -q -j $j --exact -k 5 \
	    --filter 'meta.type=text' --filter 'seq<3' ix$j.etv queries.jsonl
	run index-dump-j$j "$B/etv-index" dump -q ix$j.etv
	run index-dump-docs-j$j "$B/etv-index" dump -q --docs ix$j.etv
	run index-dump-fields-j$j "$B/etv-index" dump -q --fields text --no-embedding ix$j.etv
	run index-delete-j$j "$B/etv-index" delete -q --by doc_id ix$j.etv small.jsonl
	run index-stats-j$j sh -c "'$B/etv-index' stats ix$j.etv | sed 's/\"bytes\":[0-9]*//g; s/\"index\":\"[^\"]*\"//'"
done
run index-build-hnsw "$B/etv-index" build -q -j 1 hn.etv vecs.jsonl
run index-query-hnsw "$B/etv-index" query -q -j 2 -k 5 hn.etv queries.jsonl
run index-query-hnsw-filter "$B/etv-index" query -q -j 1 -k 5 \
    --filter 'doc_id^=docs' hn.etv queries.jsonl
md5sum < hn.etv | sed 's/ .*/ index-file-hnsw -/'
"$B/etv-index" build -q -j 1 --exact m1.etv first.jsonl
"$B/etv-index" build -q -j 1 --exact m2.etv second.jsonl
run index-merge "$B/etv-index" merge -q m.etv m1.etv m2.etv
run index-merge-dump "$B/etv-index" dump -q m.etv
run index-compact "$B/etv-index" compact -q ix1.etv
run index-compact-dump "$B/etv-index" dump -q ix1.etv

# dedupe: chunks of the corpus, every method and keep policy, staged.
"$B/etv-chunk" -q -s 400 docs.jsonl > dchunks.jsonl
for j in 1 2; do
	run dedupe-minhash-j$j "$B/etv-dedupe" -q -j $j --mark dchunks.jsonl
	run dedupe-estimate-j$j "$B/etv-dedupe" -q -j $j --verify estimate \
	    --removed drem$j.jsonl dchunks.jsonl
	echo "$(md5sum < drem$j.jsonl | cut -c1-32) dedupe-removed-j$j -"
	run dedupe-exact-j$j "$B/etv-dedupe" -q -j $j -m exact \
	    --normalize aggressive --mark dchunks.jsonl
	run dedupe-longest-j$j "$B/etv-dedupe" -q -j $j -k longest -t 0.7 \
	    --mark dchunks.jsonl
done
"$B/etv-embed" -q dchunks.jsonl > dvecs.jsonl
run dedupe-semantic "$B/etv-dedupe" -q -m semantic --mark dvecs.jsonl
"$B/etv-dedupe" -q --stage keys dchunks.jsonl | LC_ALL=C sort |
    "$B/etv-dedupe" -q --stage pairs |
    "$B/etv-dedupe" -q --stage clusters > ddec.txt
run dedupe-staged "$B/etv-dedupe" -q --stage apply --decisions ddec.txt \
    --mark dchunks.jsonl

# eval: the HNSW hits judged by the exact ones (the documents of the top
# three, graded 3, 2, 1), each query named by its line.
python3 - index-query-exact-j1.out index-query-hnsw.out <<'PY'
import json, sys
exact = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
hnsw = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
with open("eq.jsonl", "w") as q:
    for n, r in enumerate(exact):
        seen = []
        for h in r["hits"]:
            d = h.get("doc_id", h["id"].rsplit("#", 1)[0])
            if d not in seen:
                seen.append(d)
        for i, d in enumerate(seen[:3]):
            q.write(json.dumps({"query_id": "q%d" % n, "id": d,
                                "relevance": 3 - i}) + "\n")
for name, run in (("eexact.jsonl", exact), ("ehnsw.jsonl", hnsw)):
    with open(name, "w") as f:
        for n, r in enumerate(run):
            f.write(json.dumps({"id": "q%d" % n, "hits": r["hits"]}) + "\n")
PY
for j in 1 2; do
	run eval-j$j "$B/etv-eval" -q -j $j --qrels eq.jsonl --by doc_id \
	    --per-query ehnsw.jsonl
done
run eval-table "$B/etv-eval" -q --qrels eq.jsonl --format table -k 1,3 \
    --gain exp ehnsw.jsonl
run eval-compare "$B/etv-eval" -q --qrels eq.jsonl --by doc_id --compare \
    --trials 2000 eexact.jsonl ehnsw.jsonl

# resolve: the people of the test fixtures, trained, reused, staged.
R=$top/tests/fixtures/resolve
"$B/etv-resolve" -q --init "$R/people.jsonl" > rmodel.json
for j in 1 2; do
	run resolve-j$j "$B/etv-resolve" -q -j $j -c rmodel.json \
	    --model-out rtrained$j.json --pairs rpairs$j.jsonl \
	    --golden rgolden$j.jsonl "$R/people.jsonl"
	for f in rtrained$j.json rpairs$j.jsonl rgolden$j.jsonl; do
		echo "$(md5sum < "$f" | cut -c1-32) resolve-$f -"
	done
done
"$B/etv-resolve" -q -c rtrained1.json --stage keys "$R/people.jsonl" |
    LC_ALL=C sort | "$B/etv-resolve" -q -c rtrained1.json --stage pairs |
    "$B/etv-resolve" -q -c rtrained1.json --stage clusters > rdec.txt
run resolve-staged "$B/etv-resolve" -q -c rtrained1.json --stage apply \
    --decisions rdec.txt "$R/people.jsonl"
