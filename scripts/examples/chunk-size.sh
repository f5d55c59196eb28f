#!/bin/sh
# chunk-size.sh -- do smaller chunks retrieve better?  Two indexes of the
# same documents, chunked at two sizes and deduplicated as make demo does,
# are asked the same questions; etv-eval --compare prints the metrics of
# both (A and B), their differences and how likely a difference that
# large is by chance.
# Usage: chunk-size.sh DOCS QUESTIONS QRELS [SIZE_A [SIZE_B]]
#   DOCS: document records (etv extract's output); sizes 300 and 800.
#   sh scripts/examples/chunk-size.sh build/demo/valid.jsonl \
#       scripts/demo/questions.jsonl scripts/demo/qrels.jsonl
set -eu
[ $# -ge 3 ] || { echo "usage: chunk-size.sh DOCS QUESTIONS QRELS [SIZE_A [SIZE_B]]" >&2; exit 2; }
docs=$1 questions=$2 qrels=$3 a=${4:-300} b=${5:-800}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

etv embed "$questions" >"$tmp/questions.jsonl"
run=A
for size in "$a" "$b"; do
	# Each step's output in a file: sh has no pipefail.
	etv chunk --size "$size" --overlap $((size / 10)) "$docs" \
	    >"$tmp/chunks.jsonl"
	etv dedupe -q "$tmp/chunks.jsonl" >"$tmp/unique.jsonl"
	etv embed "$tmp/unique.jsonl" >"$tmp/vectors.jsonl"
	etv index build "$tmp/$size.etv" "$tmp/vectors.jsonl"
	etv index query -k 100 "$tmp/$size.etv" "$tmp/questions.jsonl" \
	    >"$tmp/$size.jsonl"
	echo "$run: --size $size, $(wc -l <"$tmp/chunks.jsonl") chunks"
	run=B
done
etv eval --compare --by doc_id --qrels "$qrels" -k 1,5,10 \
    -m recall,mrr,ndcg --format table "$tmp/$a.jsonl" "$tmp/$b.jsonl"
