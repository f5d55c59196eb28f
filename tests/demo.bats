#!/usr/bin/env bats
# demo.bats -- make demo's script as a smoke test: it runs the whole
# toolkit and prints each step's counts, the hits of two questions and
# the metrics table.

load test_helper

setup_file() {
	OUT=$BATS_FILE_TMPDIR/demo
	export OUT
	sh "$BATS_TEST_DIRNAME/../scripts/demo.sh" "$ETV_BUILD" "$OUT" \
	    >"$BATS_FILE_TMPDIR/demo.txt" 2>&1
	echo $? >"$BATS_FILE_TMPDIR/status"
}

setup() {
	status=$(cat "$BATS_FILE_TMPDIR/status")
	output=$(cat "$BATS_FILE_TMPDIR/demo.txt")
}

@test "demo: runs to the end" {
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *"All files are in $OUT/."* ]]
}

@test "demo: every step says what it read and wrote" {
	for tool in extract validate chunk dedupe embed index; do
		grep -Eq "^etv-$tool: read [0-9]+, wrote [0-9]+, rejected [0-9]+$" \
		    <<<"$output"
	done
	# The project's own pages, under ids that do not depend on the build
	# directory: the judgments name them.
	grep -q '^  README.md  ' <<<"$output"
	grep -q '^  man/etv-index.1  ' <<<"$output"
	grep -Eq '^etv-chunk: chunked [0-9]+ documents into [0-9]+ chunks' \
	    <<<"$output"
	grep -Eq '^  [0-9]+ vectors of 384 dimensions \(hash:v2/384\), hnsw search' \
	    <<<"$output"
}

@test "demo: the hits of two questions, with their judgments" {
	grep -q '^  q18 "use the model running in my local Ollama' <<<"$output"
	grep -q '^  q13 "get rid of pages' <<<"$output"
	grep -Eq '^    0\.[0-9]{3}  man/etv-embed\.1#[0-9]+ +relevant \(2\)$' \
	    <<<"$output"
}

@test "demo: the metrics table covers every question" {
	grep -q '^metric  *value$' <<<"$output"
	for m in recall@10 hit_rate@10 mrr@10 ndcg@10 ndcg; do
		grep -Eq "^$m +[01]\.[0-9]{4}$" <<<"$output"
	done
	n=$(wc -l <"$BATS_TEST_DIRNAME/../scripts/demo/questions.jsonl")
	grep -q "^$n queries: 0 without a relevant document, 0 without hits; 0 unjudged left out$" \
	    <<<"$output"
	# The same summary, saved: the hashing embedder finds most answers
	# in the first ten documents, not all.
	python3 - "$OUT/eval.json" <<-'PY'
	import json, sys
	m = json.load(open(sys.argv[1]))["metrics"]
	assert 0.3 < m["ndcg@10"] < 0.9, m
	assert m["recall@1"] <= m["recall@5"] <= m["recall@10"], m
	PY
}

@test "demo: the questions and judgments are well formed" {
	cd "$BATS_TEST_DIRNAME/../scripts/demo"
	python3 - <<-'PY'
	import json
	qs = [json.loads(l) for l in open("questions.jsonl")]
	ids = [q["id"] for q in qs]
	assert len(qs) >= 30 and len(set(ids)) == len(ids)
	grades = {}
	for l in open("qrels.jsonl"):
	    j = json.loads(l)
	    assert j["relevance"] in (1, 2), j
	    assert j["id"] == "README.md" or j["id"].startswith("man/etv"), j
	    grades.setdefault(j["query_id"], []).append(j["relevance"])
	assert set(grades) == set(ids)
	# Each question has the page that answers it.
	assert all(2 in g for g in grades.values())
	PY
}

@test "demo: the resolve part finds the people" {
	grep -q '^  54 records, 30 entities found, 30 people in truth, 30 found exactly$' \
	    <<<"$output"
}
