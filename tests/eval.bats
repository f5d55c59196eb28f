#!/usr/bin/env bats
# eval.bats -- behaviour of etv-eval(1)

load test_helper

setup() {
	T=$BATS_TEST_TMPDIR
	# Three judged queries (q1..q3), one judged query nobody ran (q4)
	# and one run query nobody judged (q5).
	cat >"$T/qrels.jsonl" <<-'EOF'
	{"query_id":"q1","id":"d2","relevance":1}
	{"query_id":"q1","id":"d9","relevance":1}
	{"query_id":"q1","id":"d1","relevance":0}
	{"query_id":"q2","id":"a","relevance":2}
	{"query_id":"q2","id":"b","relevance":1}
	{"query_id":"q3","id":"x","relevance":1}
	{"query_id":"q4","id":"y","relevance":1}
	EOF
	cat >"$T/run.jsonl" <<-'EOF'
	{"id":"q1","hits":[{"id":"d1","score":3},{"id":"d2","score":2},{"id":"d3","score":1}]}
	{"id":"q2","hits":[{"id":"a#1","score":0.5},{"id":"b#1","score":0.5},{"id":"a#2","score":0.9}]}
	{"id":"q3","hits":[]}
	{"id":"q5","hits":[{"id":"zz","score":1}]}
	EOF
}

# metric NAME: the value of NAME in the summary on stdin, 4 decimals.
metric() {
	jq -r --arg m "$1" '.metrics[$m] * 10000 | round / 10000'
}

@test "metrics by hand: recall, precision, hit rate, MRR, MAP, nDCG, R-precision" {
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" -k 1,2,3 \
	    "$T/run.jsonl"
	[ "$status" -eq 0 ]
	s=$output
	# q1: d2 relevant at rank 2 of R = 2; q2: no hit is "a" or "b"
	# without --by; q3 no hits; q4 not run: all four count, q5 does not.
	[ "$(jq -c '[.queries,.no_relevant,.no_hits,.unjudged]' <<<"$s")" = "[4,0,2,1]" ]
	[ "$(metric recall@1 <<<"$s")" = 0 ]
	[ "$(metric recall@2 <<<"$s")" = 0.125 ]
	[ "$(metric precision@2 <<<"$s")" = 0.125 ]
	[ "$(metric precision@3 <<<"$s")" = 0.0833 ]
	[ "$(metric hit_rate@2 <<<"$s")" = 0.25 ]
	[ "$(metric mrr <<<"$s")" = 0.125 ]
	[ "$(metric map <<<"$s")" = 0.0625 ]
	# nDCG of q1: (1/log2 3) / (1 + 1/log2 3) = 0.386853, over 4.
	[ "$(metric ndcg@3 <<<"$s")" = 0.0967 ]
	[ "$(metric r_precision <<<"$s")" = 0.125 ]
}

@test "--by doc_id: a document's best-ranked chunk stands for it" {
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" -k 1,2,3 \
	    --by doc_id --per-query "$T/run.jsonl"
	[ "$status" -eq 0 ]
	# q2 ranks a#2 (0.9), then b#1 and a#1 tied at 0.5: b#1 first, as
	# trec_eval breaks ties (document id, descending); a#1 is dropped.
	q2=$(grep '"q2"' <<<"$output")
	[ "$(jq -r '.metrics["ndcg@1"]' <<<"$q2")" = 1 ]
	[ "$(jq -r '.metrics["ndcg@2"]' <<<"$q2")" = 1 ]
	[ "$(jq -r '.metrics["recall@1"]' <<<"$q2")" = 0.5 ]
	[ "$(tail -n 1 <<<"$output" | jq .dropped)" = 1 ]
	# The member named wins over the id.
	printf '%s\n' '{"id":"q3","hits":[{"id":"c9","doc_id":"x","score":1}]}' |
	    etv-eval --qrels "$T/qrels.jsonl" --by doc_id --per-query >"$T/o"
	[ "$(grep '"q3"' "$T/o" | jq '.metrics.mrr')" = 1 ]
}

@test "--per-query: one line a query in id order, then the summary" {
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" --per-query \
	    -m mrr "$T/run.jsonl"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.query_id // "summary"' <<<"$output" | tr '\n' ' ')" = "q1 q2 q3 q4 summary " ]
	[ "$(head -n 1 <<<"$output")" = '{"query_id":"q1","metrics":{"mrr@1":0.0,"mrr@5":0.5,"mrr@10":0.5,"mrr@100":0.5,"mrr":0.5}}' ]
}

@test "ties: score first, then document id descending; ranks given are ignored" {
	printf '%s\n' 'q 0 a 1' >"$T/q.txt"
	# a and b tie: b comes first, so a is at rank 2 whatever the file's
	# ranks or line order say.
	printf '%s\n' 'q Q0 a 1 0.5 r' 'q Q0 b 2 0.5 r' >"$T/r.trec"
	[ "$(etv-eval --qrels "$T/q.txt" -m mrr "$T/r.trec" | metric mrr)" = 0.5 ]
	printf '%s\n' 'q Q0 a 2 0.6 r' 'q Q0 b 1 0.5 r' >"$T/r.trec"
	[ "$(etv-eval --qrels "$T/q.txt" -m mrr "$T/r.trec" | metric mrr)" = 1 ]
	# Ids are compared as bytes, as strcmp does: "a10" > "a1" > "A".
	printf '%s\n' 'q 0 a1 1' >"$T/q.txt"
	printf '%s\n' 'q Q0 A 1 1 r' 'q Q0 a1 2 1 r' 'q Q0 a10 3 1 r' >"$T/r.trec"
	[ "$(etv-eval --qrels "$T/q.txt" -m mrr "$T/r.trec" | metric mrr)" = 0.5 ]
	# Hits without scores keep the order they come in.
	printf '%s\n' '{"id":"q","hits":[{"id":"b"},{"id":"a1"}]}' >"$T/r.jsonl"
	[ "$(etv-eval --qrels "$T/q.txt" -m mrr "$T/r.jsonl" | metric mrr)" = 0.5 ]
}

@test "a document found twice keeps its best rank; the rest are dropped" {
	printf '%s\n' 'q 0 a 1' 'q 0 b 1' >"$T/q.txt"
	printf '%s\n' 'q Q0 a 1 0.9 r' 'q Q0 c 2 0.8 r' 'q Q0 a 3 0.7 r' \
	    'q Q0 b 4 0.6 r' >"$T/r.trec"
	run --separate-stderr etv-eval --qrels "$T/q.txt" -k 2,3 "$T/r.trec"
	[ "$status" -eq 0 ]
	[ "$(jq .dropped <<<"$output")" = 1 ]
	[ "$(jq .hits <<<"$output")" = 3 ]
	# b moved up to rank 3: found within 3.
	[ "$(metric recall@3 <<<"$output")" = 1 ]
	[ "$(metric recall@2 <<<"$output")" = 0.5 ]
}

@test "TREC runs and qrels give what JSON-lines give" {
	etv-eval --qrels "$T/qrels.jsonl" --by doc_id "$T/run.jsonl" >"$T/a"
	jq -r '.query_id + " 0 " + .id + " " + (.relevance | tostring)' \
	    "$T/qrels.jsonl" >"$T/qrels.txt"
	jq -r '.id as $q | .hits | to_entries[] |
	    "\($q) Q0 \(.value.id) \(.key + 1) \(.value.score) run"' \
	    "$T/run.jsonl" >"$T/run.trec"
	etv-eval --qrels "$T/qrels.txt" --by doc_id "$T/run.trec" >"$T/b"
	# q3 has no hits: no TREC line, so no_hits is the same.
	cmp "$T/a" "$T/b"
	etv-eval --qrels "$T/qrels.txt" --run-format trec --by doc_id \
	    "$T/run.trec" | cmp - "$T/a"
	# Integer ids in JSON judgments are their digits.
	printf '%s\n' '{"query_id":7,"id":12,"relevance":1}' >"$T/q.jsonl"
	printf '%s\n' '7 Q0 12 1 1 r' | etv-eval --qrels "$T/q.jsonl" -m mrr |
	    metric mrr | grep -qx 1
}

@test "judgments on each query: a list of ids or an object of grades" {
	printf '%s\n' '{"id":"q1","hits":[{"id":"x","score":2},{"id":"d2","score":1}],"relevant":["d2"]}' \
	    '{"id":"q2","hits":[{"id":"a","score":1}],"relevant":{"a":2,"b":1}}' \
	    '{"id":"q3","hits":[],"relevant":[]}' >"$T/r.jsonl"
	run --separate-stderr etv-eval -m mrr,ndcg -k 1 --per-query "$T/r.jsonl"
	[ "$status" -eq 0 ]
	[ "$(jq -r 'select(.query_id=="q1") | .metrics.mrr' <<<"$output")" = 0.5 ]
	# q2: a (2) found first, b (1) missed: 2 / (2 + 1/log2 3).
	[ "$(jq -r 'select(.query_id=="q2") | .metrics["ndcg@1"]' <<<"$output")" = 1 ]
	[ "$(tail -n 1 <<<"$output" | jq -c '[.queries,.no_relevant,.no_hits]')" = "[3,1,1]" ]
	# Without judgments at all, the query is malformed.
	run --separate-stderr etv-eval <<<'{"id":"q","hits":[]}'
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"<stdin>:1: a query needs \"relevant\""*"--qrels"* ]]
}

@test "--gain exp and --min-relevance" {
	printf '%s\n' 'q 0 a 2' 'q 0 b 3' 'q 0 c 1' >"$T/q.txt"
	printf '%s\n' 'q Q0 a 1 3 r' 'q Q0 x 2 2 r' 'q Q0 b 3 1 r' >"$T/r.trec"
	# Linear: (2 + 3/2) / (3 + 2/log2 3 + 1/2); exp: (3 + 7/2) / (7 +
	# 3/log2 3 + 1/2).
	[ "$(etv-eval --qrels "$T/q.txt" -m ndcg "$T/r.trec" | metric ndcg)" = 0.735 ]
	[ "$(etv-eval --qrels "$T/q.txt" -m ndcg --gain exp "$T/r.trec" |
	    metric ndcg)" = 0.692 ]
	[ "$(etv-eval --qrels "$T/q.txt" -m recall -k 3 --min-relevance 2 \
	    "$T/r.trec" | metric recall@3)" = 1 ]
	[ "$(etv-eval --qrels "$T/q.txt" -m recall -k 3 "$T/r.trec" |
	    metric recall@3)" = 0.6667 ]
}

@test "-k and -m choose the values; bad ones are usage errors" {
	run --separate-stderr etv-eval -k 3,1 -m recall,map \
	    --qrels "$T/qrels.jsonl" "$T/run.jsonl"
	[ "$status" -eq 0 ]
	[ "$(jq -c '.metrics | keys_unsorted' <<<"$output")" = '["recall@1","recall@3","map@1","map@3","map"]' ]
	[ "$(jq -c .k <<<"$output")" = "[1,3]" ]
	for bad in "-k 0" "-k 1,x" "-m bpref" "-m recall,,map" "--gain log" \
	    "--min-relevance 0" "--format csv" "--run-format xml"; do
		# shellcheck disable=SC2086
		run --separate-stderr etv-eval $bad --qrels "$T/qrels.jsonl" \
		    "$T/run.jsonl"
		[ "$status" -eq 2 ] || { echo "$bad: $status"; return 1; }
		[ -z "$output" ]
	done
}

@test "--format table: aligned columns and the counts" {
	run --separate-stderr etv-eval --format table -k 10 -m recall,ndcg \
	    --qrels "$T/qrels.jsonl" "$T/run.jsonl"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "metric              value" ]
	[ "${lines[1]}" = "recall@10          0.1250" ]
	[ "${lines[4]}" = "4 queries: 0 without a relevant document, 2 without hits; 1 unjudged left out" ]
}

@test "--compare: paired randomisation and bootstrap, reproducible" {
	# Run B finds the relevant document first for 30 queries of 40, run
	# A at rank 3 for all of them.
	for i in $(seq 40); do
		printf '{"query_id":"q%d","id":"r","relevance":1}\n' "$i"
		printf '{"id":"q%d","hits":[{"id":"x","score":3},{"id":"y","score":2},{"id":"r","score":1}]}\n' "$i" >&3
		if [ "$i" -le 30 ]; then
			printf '{"id":"q%d","hits":[{"id":"r","score":3}]}\n' "$i" >&4
		else
			printf '{"id":"q%d","hits":[{"id":"x","score":3},{"id":"y","score":2},{"id":"r","score":1}]}\n' "$i" >&4
		fi
	done >"$T/q.jsonl" 3>"$T/a.jsonl" 4>"$T/b.jsonl"
	run --separate-stderr etv-eval --compare --qrels "$T/q.jsonl" -k 1 \
	    -m mrr "$T/a.jsonl" "$T/b.jsonl"
	[ "$status" -eq 0 ]
	c=$output
	[ "$(jq .compare.queries <<<"$c")" = 40 ]
	# mrr: A 1/3, B (30 + 10/3) / 40 = 0.8333.
	[ "$(jq '.compare.metrics.mrr.a * 10000 | round' <<<"$c")" = 3333 ]
	[ "$(jq '.compare.metrics.mrr.b * 10000 | round' <<<"$c")" = 8333 ]
	[ "$(jq '.compare.metrics.mrr.diff * 10000 | round' <<<"$c")" = 5000 ]
	jq -e '.compare.metrics.mrr.p_random < 0.001 and
	    .compare.metrics.mrr.p_bootstrap < 0.001' <<<"$c"
	jq -e '.compare.metrics.mrr.ci[0] > 0.3 and .compare.metrics.mrr.ci[1] < 0.7 and
	    .compare.metrics.mrr.ci[0] < 0.5 and .compare.metrics.mrr.ci[1] > 0.5' <<<"$c"
	[ "$(jq -c '.a.metrics.mrr, .b.metrics.mrr' <<<"$c" | wc -l)" = 2 ]
	# The same seed, the same figures; the same run twice, p = 1.
	etv-eval --compare --qrels "$T/q.jsonl" -k 1 -m mrr "$T/a.jsonl" \
	    "$T/b.jsonl" | cmp - <(printf '%s\n' "$c")
	etv-eval --compare --qrels "$T/q.jsonl" -k 1 -m mrr "$T/a.jsonl" \
	    "$T/a.jsonl" | jq -e '.compare.metrics.mrr.p_random == 1'
	run --separate-stderr etv-eval --compare --format table \
	    --qrels "$T/q.jsonl" -k 1 -m mrr "$T/a.jsonl" "$T/b.jsonl"
	[[ "${lines[1]}" == "mrr@1 "*"0.0000   0.7500 ↑  +0.7500   0.0001*"* ]]
	[[ "$output" == *"40 queries in both runs; 10000 trials; * p < 0.05"* ]]
	run --separate-stderr etv-eval --compare --qrels "$T/q.jsonl" "$T/a.jsonl"
	[ "$status" -eq 2 ]
}

@test "--fail-under: status 1 below a floor, the metric named" {
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" \
	    --fail-under 'ndcg@10=0.05,recall@10=0.9' "$T/run.jsonl"
	[ "$status" -eq 1 ]
	[ "$stderr" = "etv-eval: recall@10 0.1250 is below 0.9" ]
	# The summary is written all the same.
	[ "$(jq .queries <<<"$output")" = 4 ]
	# A gate adds its cut-off when -k lacks it.
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" -k 1 -m mrr \
	    --fail-under 'ndcg@7=0.01' "$T/run.jsonl"
	[ "$status" -eq 0 ]
	[ "$(jq -c '.metrics | keys_unsorted' <<<"$output")" = '["mrr@1","mrr@7","mrr","ndcg@1","ndcg@7","ndcg"]' ]
	for bad in 'ndcg@10' 'bpref=1' 'recall=0.5' 'ndcg@10=x' ''; do
		run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" \
		    --fail-under "$bad" "$T/run.jsonl"
		[ "$status" -eq 2 ] || { echo "'$bad': $status"; return 1; }
	done
}

@test "--fail-drop against a saved baseline; --save keeps only a passing run" {
	etv-eval --qrels "$T/qrels.jsonl" --by doc_id --save "$T/base.json" \
	    "$T/run.jsonl" >"$T/out"
	cmp "$T/out" "$T/base.json"
	# Without --by, q2 finds nothing: ndcg@10 falls.
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" \
	    --fail-drop "$T/base.json" 'ndcg@10=0.05' --save "$T/base.json" \
	    "$T/run.jsonl"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "etv-eval: ndcg@10 fell from 0.3467 to 0.0967, more than 0.05 below $T/base.json" ]]
	cmp "$T/out" "$T/base.json"
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" --by doc_id \
	    --fail-drop "$T/base.json" 'ndcg@10=0' "$T/run.jsonl"
	[ "$status" -eq 0 ]
	# A metric the baseline lacks, or a baseline that is not one, is a
	# usage error found before the run is read.
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" \
	    --fail-drop "$T/base.json" 'ndcg@3=0.1' "$T/run.jsonl"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == *"base.json: the baseline has no ndcg@3"* ]]
	echo '[]' >"$T/notbase.json"
	run --separate-stderr etv-eval --fail-drop "$T/notbase.json" \
	    'ndcg@10=0.1' --qrels "$T/qrels.jsonl" "$T/run.jsonl"
	[ "$status" -eq 2 ]
	run --separate-stderr etv-eval --fail-drop "$T/none.json" \
	    'ndcg@10=0.1' --qrels "$T/qrels.jsonl" "$T/run.jsonl"
	[ "$status" -eq 4 ]
	run --separate-stderr etv-eval --fail-drop "$T/base.json"
	[ "$status" -eq 2 ]
	# --save into a directory that does not exist: status 4.
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" \
	    --save "$T/no/such/dir/s.json" "$T/run.jsonl"
	[ "$status" -eq 4 ]
}

@test "malformed runs and judgments: status 3 with FILE:LINE" {
	printf '%s\n' '{"query_id":"q","id":"a","relevance":1}' \
	    '{"query_id":"q","id":"a","relevance":2}' >"$T/dup.jsonl"
	run --separate-stderr etv-eval --qrels "$T/dup.jsonl" "$T/run.jsonl"
	[ "$status" -eq 3 ]
	[ "$stderr" = "etv-eval: $T/dup.jsonl:2: document 'a' judged twice for query 'q'" ]
	printf '%s\n' 'q 0 a 1' 'q 0 b high' >"$T/bad.txt"
	run --separate-stderr etv-eval --qrels "$T/bad.txt" "$T/run.jsonl"
	[ "$status" -eq 3 ] && [[ "$stderr" == *"bad.txt:2: the grade 'high' is not an integer" ]]
	printf '%s\n' '{"query_id":"q","id":"a","relevance":0.5}' >"$T/bad.jsonl"
	run --separate-stderr etv-eval --qrels "$T/bad.jsonl" "$T/run.jsonl"
	[ "$status" -eq 3 ] && [[ "$stderr" == *"bad.jsonl:1: a judgment needs \"relevance\", an integer" ]]
	run --separate-stderr etv-eval --qrels "$T/none" "$T/run.jsonl"
	[ "$status" -eq 4 ]
	# Runs: a query twice, hits that are not a list, a hit without an
	# id, a TREC line among JSON ones, a TREC run without judgments.
	cp "$T/run.jsonl" "$T/r2.jsonl"
	head -n 1 "$T/run.jsonl" >>"$T/r2.jsonl"
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" "$T/r2.jsonl"
	[ "$status" -eq 3 ] && [[ "$stderr" == *"r2.jsonl:5: query 'q1' is given twice" ]]
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" <<<'{"id":"q1","hits":{}}'
	[ "$status" -eq 3 ] && [[ "$stderr" == *'<stdin>:1: a query needs "hits", an array' ]]
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" <<<'{"id":"q1","hits":[{"score":1}]}'
	[ "$status" -eq 3 ] && [[ "$stderr" == *'<stdin>:1: hit 1 needs "id", a string' ]]
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" \
	    < <(head -n 1 "$T/run.jsonl"; echo 'q1 Q0 d1 1 1 r')
	[ "$status" -eq 3 ] && [[ "$stderr" == *"<stdin>:2: a TREC run line in a JSON-lines run" ]]
	run --separate-stderr etv-eval <<<'q1 Q0 d1 1 1 r'
	[ "$status" -eq 2 ] && [[ "$stderr" == *"a TREC run needs judgments: --qrels FILE"* ]]
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" --run-format trec <<<'q1 Q0 d1 1 x r'
	[ "$status" -eq 3 ] && [[ "$stderr" == *"<stdin>:1: the score 'x' is not a number" ]]
	# --rejects keeps the run going over the bad query.
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" \
	    --rejects "$T/rej" "$T/r2.jsonl"
	[ "$status" -eq 3 ]
	[ "$(cat "$T/rej")" = "$(head -n 1 "$T/run.jsonl")" ]
	[ "$(jq .queries <<<"$output")" = 4 ]
}

@test "-j 2 gives what -j 1 gives" {
	for i in $(seq 500); do
		printf '{"query_id":"q%d","id":"d%d","relevance":%d}\n' \
		    "$i" $((i % 7)) $((i % 3))
		printf '{"id":"q%d","hits":[' "$i" >&3
		for h in 1 2 3 4 5 6; do
			printf '{"id":"d%d#%d","score":%d}' $(((i + h) % 9)) "$h" \
			    $(((i * h) % 4)) >&3
			[ "$h" -lt 6 ] && printf ',' >&3
		done
		printf ']}\n' >&3
	done >"$T/q.jsonl" 3>"$T/r.jsonl"
	etv-eval -j 1 --qrels "$T/q.jsonl" --by doc_id --per-query \
	    "$T/r.jsonl" >"$T/a"
	etv-eval -j 2 --qrels "$T/q.jsonl" --by doc_id --per-query \
	    "$T/r.jsonl" >"$T/b"
	cmp "$T/a" "$T/b"
	[ "$(wc -l <"$T/a")" = 501 ]
}

@test "a pipeline: chunk, embed, index, query, eval by document" {
	for f in etv-chunk etv-embed etv-index etv-eval; do
		man_txt=$(mandoc -Tascii "../man/$f.1" | col -b)
		printf '{"id":"%s","text":%s}\n' "$f" \
		    "$(jq -Rs . <<<"$man_txt")"
	done >"$T/docs.jsonl"
	etv-chunk --size 600 "$T/docs.jsonl" | etv-embed |
	    etv-index build "$T/kb.etv"
	printf '%s\n' \
	    '{"id":"q1","text":"split documents into chunks of tokens with overlap","relevant":["etv-chunk"]}' \
	    '{"id":"q2","text":"judgments nDCG recall significance of two runs","relevant":["etv-eval"]}' \
	    '{"id":"q3","text":"HNSW graph, compact and merge an index file","relevant":["etv-index"]}' |
	    etv-embed | etv-index query -k 10 "$T/kb.etv" >"$T/run.jsonl"
	run --separate-stderr etv-eval --by doc_id -k 1,10 "$T/run.jsonl"
	[ "$status" -eq 0 ]
	[ "$(jq .queries <<<"$output")" = 3 ]
	# Chunks fold into their documents: at most four distinct hits.
	jq -e '.metrics["hit_rate@10"] == 1 and .dropped > 0' <<<"$output"
	jq -e '.metrics["recall@1"] >= 0.66' <<<"$output"
}

@test "an empty run: every judged query scores 0, counted without hits" {
	run --separate-stderr etv-eval --qrels "$T/qrels.jsonl" </dev/null
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.queries,.no_hits,.hits]' <<<"$output")" = "[4,4,0]" ]
	[ "$(jq '[.metrics[]] | add' <<<"$output")" = 0 ]
	# Nothing judged and nothing run: no query, and no NaN.
	run --separate-stderr etv-eval </dev/null
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.queries, .metrics.ndcg]' <<<"$output")" = "[0,0]" ]
}

@test "--stats: the summary's counts, the gates and the metrics" {
	run --separate-stderr etv-eval --stats "$T/s.json" \
	    --qrels "$T/qrels.jsonl" --fail-under 'ndcg@10=0.9' "$T/run.jsonl"
	[ "$status" -eq 1 ]
	jq -e '.tool == "etv-eval" and .status == 1 and .read == 4 and
	    .queries == 4 and .no_hits == 2 and .unjudged == 1 and
	    .gates_failed == 1' "$T/s.json"
	[ "$(jq -c .metrics "$T/s.json")" = "$(jq -c .metrics <<<"$output")" ]
	etv-eval --stats "$T/s.json" --compare --qrels "$T/qrels.jsonl" \
	    "$T/run.jsonl" "$T/run.jsonl" >/dev/null
	jq -e '.status == 0 and .compared == 4 and .read == 8' "$T/s.json"
}

@test "--by: ties are broken on the document's id, as in a run of documents" {
	printf '%s\n' 'q1 0 y 1' >"$T/q.txt"
	printf '%s\n' '{"id":"q1","hits":[{"id":"x#1","score":1},{"id":"c-1","doc_id":"y","score":1}]}' |
	    etv-eval --qrels "$T/q.txt" --by doc_id -m mrr | metric mrr | grep -qx 1
	printf '%s\n' 'q1 0 a! 1' >"$T/q.txt"
	# "a!" > "a": the document a! ranks first, though its chunk's id
	# "a!#1" < "a#1".
	printf '%s\n' 'q1 Q0 a#1 1 1.0 t' 'q1 Q0 a!#1 2 1.0 t' |
	    etv-eval --qrels "$T/q.txt" --by doc_id -m mrr | metric mrr | grep -qx 1
	printf '%s\n' 'q1 Q0 a#1 1 1.0 t' 'q1 Q0 a!#1 2 1.0 t' |
	    etv-eval --qrels "$T/q.txt" -m mrr | metric mrr | grep -qx 0
}

# same A B: the two summaries (or per-query lines) agree on the counts
# and on every metric within 1e-9.
same() {
	/usr/bin/python3 - "$1" "$2" <<-'PY'
	import json, sys
	a = [json.loads(l) for l in open(sys.argv[1])]
	b = [json.loads(l) for l in open(sys.argv[2])]
	assert len(a) == len(b), (len(a), len(b))
	for x, y in zip(a, b):
	    for k in ("query_id", "queries", "no_relevant", "no_hits", "unjudged"):
	        assert x.get(k) == y.get(k), (k, x.get(k), y.get(k))
	    assert list(x["metrics"]) == list(y["metrics"])
	    for m, v in x["metrics"].items():
	        assert abs(v - y["metrics"][m]) < 1e-9, (x.get("query_id"), m, v, y["metrics"][m])
	PY
}

@test "every metric agrees with an independent reference of trec_eval's definitions" {
	REF=$BATS_TEST_DIRNAME/../scripts/bench/eval-ref.py
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../scripts/bench/eval-gen.py" \
	    --small "$T/g" 7
	# 300 queries of 20 hits: ties, documents found twice, hits without
	# scores, chunks with a doc_id, judged queries not run and the reverse.
	for opts in "" "--by doc_id" "--gain exp -k 1,3,20,1000" \
	    "--min-relevance 2 --by doc_id -k 2,7"; do
		# shellcheck disable=SC2086
		etv-eval --per-query --qrels "$T/g/qrels.jsonl" $opts \
		    "$T/g/run.jsonl" >"$T/etv"
		# shellcheck disable=SC2086
		/usr/bin/python3 "$REF" --per-query --qrels "$T/g/qrels.jsonl" \
		    $opts "$T/g/run.jsonl" >"$T/ref"
		same "$T/etv" "$T/ref" || { echo "options: $opts"; return 1; }
		[ "$(wc -l <"$T/etv")" -gt 250 ]
	done
	# TREC run and qrels.
	etv-eval --qrels "$T/g/qrels.trec" --by doc_id "$T/g/run.trec" >"$T/etv"
	/usr/bin/python3 "$REF" --qrels "$T/g/qrels.trec" --by doc_id \
	    "$T/g/run.trec" >"$T/ref"
	same "$T/etv" "$T/ref"
	# The comparison's differences (the p-values are random draws).
	etv-eval --compare --trials 200 --qrels "$T/g/qrels.jsonl" \
	    "$T/g/run.jsonl" "$T/g/run-b.jsonl" >"$T/etv"
	/usr/bin/python3 "$REF" --compare --trials 200 \
	    --qrels "$T/g/qrels.jsonl" "$T/g/run.jsonl" "$T/g/run-b.jsonl" \
	    >"$T/ref"
	/usr/bin/python3 - "$T/etv" "$T/ref" <<-'PY'
	import json, sys
	a = json.load(open(sys.argv[1]))["compare"]["metrics"]
	b = json.load(open(sys.argv[2]))["compare"]["metrics"]
	assert list(a) == list(b)
	for m in a:
	    assert abs(a[m]["diff"] - b[m]["diff"]) < 1e-9, m
	PY
}
