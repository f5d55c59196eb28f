#!/usr/bin/env bats
# index-lexical.bats -- etv-index's BM25 index and hybrid search

load test_helper

CORPUS=fixtures/lexical/corpus.py

setup() {
	T=$BATS_TEST_TMPDIR
	python3 "$CORPUS" >"$T/docs.jsonl"
}

# "id score" of each hit of each output record, one hit a line.
hits() {
	python3 -c '
import json, sys
for line in sys.stdin:
    for h in json.loads(line)["hits"]:
        print(h["id"], h["score"])'
}

# Query records {"id","text"} from the arguments.
queries() {
	python3 -c '
import json, sys
for i, t in enumerate(sys.argv[1:]):
    print(json.dumps({"id": "q%d" % i, "text": t}))' "$@"
}

@test "index lexical: a text-only build is a lexical index; stats says so" {
	run --separate-stderr etv-index build --lexical text "$T/x.etv" \
	    "$T/docs.jsonl"
	[ "$status" -eq 0 ]
	run --separate-stderr etv-index stats "$T/x.etv"
	[ "$status" -eq 0 ]
	[ "$(jf vectors <<<"$output")" = 295 ]
	[ "$(jf dims <<<"$output")" = 0 ]
	[ "$(jf format <<<"$output")" = 2 ]
	[ "$(jf lexical.field <<<"$output")" = text ]
	[ "$(jf lexical.analyzer <<<"$output")" = standard ]
	[ "$(jf lexical.documents <<<"$output")" = 295 ]
	[ "$(jf lexical.terms <<<"$output")" -gt 1000 ]
	[ "$(jf lexical.postings <<<"$output")" -gt 10000 ]
	[ "$(jf lexical.index_bytes <<<"$output")" -gt 0 ]
}

@test "index lexical: a query by text finds the paragraph that has its words" {
	etv-index build --lexical text "$T/x.etv" "$T/docs.jsonl"
	run --separate-stderr etv-index query -k 3 "$T/x.etv" \
	    < <(queries "patent retaliation litigation" \
	    "Artistic Package Standard Version")
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "$(jf hits.0.id <<<"${lines[0]}")" == MPL-2.0#* || \
	   "$(jf hits.0.id <<<"${lines[0]}")" == Apache-2.0#* ]]
	[[ "$(jf hits.0.id <<<"${lines[1]}")" == Artistic#* ]]
	[[ "$(jf hits.0.text <<<"${lines[1]}")" == *"Standard Version"* ]]
	# Scores fall, and every hit holds a query term.
	hits <<<"${lines[0]}" | sort -k2,2gr -c
}

@test "index lexical: scores equal a reference BM25 on the same terms" {
	for opt in "" "--language english --k1 0.9 --b 0.4" \
	    "--analyzer none --k1 2 --b 1"; do
		# shellcheck disable=SC2086
		etv-index build --force --lexical text $opt "$T/x.etv" \
		    "$T/docs.jsonl"
		python3 -c '
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    if i % 4 == 0:
        w = json.loads(line)["text"].split()
        print(json.dumps({"id": "q%d" % i, "text": " ".join(w[i % 7:i % 7 + 5])}))' \
		    "$T/docs.jsonl" >"$T/q.jsonl"
		# The queries' terms, analysed as the index does.
		# shellcheck disable=SC2086
		etv-index build --force --lexical text $opt "$T/q.etv" \
		    "$T/q.jsonl"
		etv-index dump --terms --fields x "$T/x.etv" >"$T/dt"
		etv-index dump --terms --fields x "$T/q.etv" >"$T/qt"
		k1=$(etv-index stats "$T/x.etv" | jq .lexical.k1)
		b=$(etv-index stats "$T/x.etv" | jq .lexical.b)
		python3 ../scripts/bench/search-bm25ref.py -k 10 --k1 "$k1" \
		    --b "$b" "$T/dt" "$T/qt" >"$T/ref"
		etv-index query -k 10 "$T/x.etv" "$T/q.jsonl" >"$T/got"
		python3 -c '
import json, sys
ref = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    ref[r["id"]] = r["hits"]
n = 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    want, got = ref[r["id"]], r["hits"]
    assert len(want) == len(got), (r["id"], len(want), len(got))
    ws = {h["id"]: h["score"] for h in want}
    for a, b in zip(want, got):
        assert abs(a["score"] - b["score"]) <= 1e-6 * abs(a["score"]), (a, b)
        # Ties may come in another order, never other scores.
        if b["id"] in ws:
            assert abs(ws[b["id"]] - b["score"]) <= 1e-6 * b["score"]
        n += 1
assert n > 300, n
print(n)' "$T/ref" "$T/got"
	done
}

@test "index lexical: --language english stems; none keeps exact tokens" {
	etv-index build --lexical text --language english "$T/e.etv" \
	    "$T/docs.jsonl"
	etv-index build --lexical text --analyzer none "$T/n.etv" \
	    "$T/docs.jsonl"
	etv-index build --lexical text "$T/s.etv" "$T/docs.jsonl"
	# "licensing" meets "licenses" and "licensed" only when stemmed.
	n_e=$(queries licensing | etv-index query -k 100 "$T/e.etv" | hits |
	    wc -l)
	n_s=$(queries licensing | etv-index query -k 100 "$T/s.etv" | hits |
	    wc -l)
	[ "$n_e" -gt "$n_s" ]
	# Stop words are dropped: a query of them alone finds nothing.
	[ "$(queries "the of and" | etv-index query "$T/e.etv" | hits |
	    wc -l)" -eq 0 ]
	[ "$(queries "the of and" | etv-index query "$T/s.etv" | hits |
	    wc -l)" -gt 0 ]
	# none: case matters, punctuation stays on the token.
	[ "$(queries "GNU" | etv-index query "$T/n.etv" | hits | wc -l)" -gt 0 ]
	[ "$(queries "gnu" | etv-index query "$T/n.etv" | hits | wc -l)" -eq 0 ]
	run etv-index stats "$T/e.etv"
	[ "$(jf lexical.analyzer <<<"$output")" = standard:english ]
}

@test "index lexical: analysis per language, CJK bigrams, folding" {
	printf '%s\n' \
	    '{"id":"de","text":"Die Häuser standen am Flussufer."}' \
	    '{"id":"fr","text":"Les chevaux mangeaient des pommes."}' \
	    '{"id":"ja","text":"東京都に住んでいます"}' \
	    '{"id":"zh","text":"北京大学的图书馆"}' \
	    '{"id":"fold","text":"STRASSE ﬁle Ｆｕｌｌ"}' >"$T/m.jsonl"
	etv-index build --lexical text --language german "$T/de.etv" \
	    "$T/m.jsonl"
	etv-index build --lexical text --language fr "$T/fr.etv" \
	    "$T/m.jsonl"
	etv-index build --lexical text "$T/x.etv" "$T/m.jsonl"
	[ "$(queries "Haus" | etv-index query "$T/de.etv" | jf hits.0.id)" = de ]
	[ "$(queries "cheval" | etv-index query "$T/fr.etv" |
	    jf hits.0.id)" = fr ]
	[ "$(queries "京都" | etv-index query "$T/x.etv" | jf hits.0.id)" = ja ]
	[ "$(queries "大学" | etv-index query "$T/x.etv" | jf hits.0.id)" = zh ]
	[ "$(queries "straße file full" | etv-index query "$T/x.etv" |
	    jf hits.0.id)" = fold ]
	run --separate-stderr etv-index build --lexical text \
	    --language klingon "$T/k.etv" "$T/m.jsonl"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *english* ]]
	[ ! -e "$T/k.etv" ]
	run --separate-stderr etv-index build --language english "$T/k.etv" \
	    "$T/m.jsonl"
	[ "$status" -eq 2 ]
	run --separate-stderr etv-index build --lexical text --analyzer none \
	    --language english "$T/k.etv" "$T/m.jsonl"
	[ "$status" -eq 2 ]
}

@test "index lexical: dump --terms shows a row's analysed terms" {
	printf '%s\n' '{"id":"a","text":"Cats and cats, and dogs."}' \
	    >"$T/c.jsonl"
	etv-index build --lexical text --language english "$T/x.etv" \
	    "$T/c.jsonl"
	run --separate-stderr etv-index dump --terms "$T/x.etv"
	[ "$status" -eq 0 ]
	[ "$(jf terms <<<"$output")" = '{"cat": 2, "dog": 1}' ]
	[ "$(jf text <<<"$output")" = "Cats and cats, and dogs." ]
}

@test "index lexical: add, delete and sync give the scores of a fresh build" {
	head -150 "$T/docs.jsonl" >"$T/a.jsonl"
	tail -n +151 "$T/docs.jsonl" >"$T/b.jsonl"
	queries "software license terms" "patent" "warranty disclaimer" \
	    "modify and distribute copies" >"$T/q.jsonl"
	etv-index build --lexical text "$T/x.etv" "$T/a.jsonl"
	etv-index add "$T/x.etv" "$T/b.jsonl"
	# Replace ten rows with other text, delete twenty.
	sed -n '1,10p' "$T/docs.jsonl" | sed 's/"text": "/"text": "changed /' \
	    >"$T/c.jsonl"
	etv-index add "$T/x.etv" "$T/c.jsonl"
	sed -n '200,219p' "$T/docs.jsonl" | jq -c '{id}' | \
	    etv-index delete "$T/x.etv"
	run etv-index stats "$T/x.etv"
	[ "$(jf segments <<<"$output")" = 4 ]
	[ "$(jf lexical.documents <<<"$output")" = 275 ]
	etv-index query -k 20 "$T/x.etv" "$T/q.jsonl" >"$T/inc"
	# The same live records, built at once.
	{ cat "$T/c.jsonl"; sed -n '11,199p;220,$p' "$T/docs.jsonl"; } \
	    >"$T/live.jsonl"
	etv-index build --lexical text "$T/y.etv" "$T/live.jsonl"
	etv-index query -k 20 "$T/y.etv" "$T/q.jsonl" >"$T/fresh"
	diff <(hits <"$T/inc" | sort) <(hits <"$T/fresh" | sort)
	# Compaction changes nothing a query sees.
	etv-index compact "$T/x.etv"
	etv-index query -k 20 "$T/x.etv" "$T/q.jsonl" >"$T/comp"
	diff <(hits <"$T/inc") <(hits <"$T/comp")
	# sync of one licence: its rows not read go.
	grep '"doc_id": "Artistic"' "$T/docs.jsonl" | head -3 >"$T/s.jsonl"
	etv-index sync "$T/x.etv" "$T/s.jsonl"
	run etv-index dump --docs "$T/x.etv"
	[[ "$output" == *'"doc_id":"Artistic","chunks":3'* ]]
}

@test "index lexical: merge of shards equals one build" {
	head -100 "$T/docs.jsonl" >"$T/a.jsonl"
	tail -n +101 "$T/docs.jsonl" >"$T/b.jsonl"
	queries "source code" "trademark" "contributor grant" >"$T/q.jsonl"
	etv-index build --lexical text "$T/a.etv" "$T/a.jsonl"
	etv-index build --lexical text "$T/b.etv" "$T/b.jsonl"
	etv-index merge "$T/m.etv" "$T/a.etv" "$T/b.etv"
	etv-index build --lexical text "$T/all.etv" "$T/docs.jsonl"
	cmp "$T/m.etv" "$T/all.etv"
	etv-index build --lexical text --language english "$T/e.etv" \
	    "$T/b.jsonl"
	run --separate-stderr etv-index merge "$T/z.etv" "$T/a.etv" "$T/e.etv"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"lexical"* ]]
}

@test "index lexical: builds are byte for byte the same; queries whatever -j" {
	etv-index build --lexical text "$T/a.etv" "$T/docs.jsonl"
	etv-index build --lexical text "$T/b.etv" "$T/docs.jsonl"
	cmp "$T/a.etv" "$T/b.etv"
	python3 -c '
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    if "text" in r and i % 3 == 0:
        print(json.dumps({"id": "q%d" % i, "text": " ".join(r["text"].split()[:6])}))' \
	    "$T/docs.jsonl" >"$T/q.jsonl"
	etv-index query -k 10 "$T/a.etv" "$T/q.jsonl" >"$T/1"
	etv-index query -k 10 -j 2 "$T/a.etv" "$T/q.jsonl" >"$T/2"
	cmp "$T/1" "$T/2"
	[ "$(wc -l <"$T/1")" -gt 90 ]
}

@test "index lexical: records without text are rows without terms" {
	python3 "$CORPUS" --no-text-every 4 >"$T/d.jsonl"
	run --separate-stderr etv-index build --lexical text "$T/x.etv" \
	    "$T/d.jsonl"
	[ "$status" -eq 0 ]
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 295 ]
	[ "$(jf lexical.documents <<<"$output")" = 222 ]
	printf '%s\n' '{"id":"n","text":42}' >"$T/bad.jsonl"
	run --separate-stderr etv-index add "$T/x.etv" "$T/bad.jsonl"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"bad.jsonl:1: field 'text' is not a string"* ]]
}

@test "index lexical: a lexical-only index refuses embeddings and vector queries" {
	etv-index build --lexical text "$T/x.etv" "$T/docs.jsonl"
	printf '%s\n' '{"id":"v","text":"x","embedding":[1,0]}' >"$T/v.jsonl"
	run --separate-stderr etv-index add "$T/x.etv" "$T/v.jsonl"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"lexical only"* ]]
	run --separate-stderr etv-index query --mode vector "$T/x.etv" \
	    "$T/v.jsonl"
	[ "$status" -eq 2 ]
	printf '%s\n' '{"id":"q","embedding":[1,0]}' >"$T/q.jsonl"
	run --separate-stderr etv-index query "$T/x.etv" "$T/q.jsonl"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"lexical only"* ]]
}

@test "index lexical: a vector index has no lexical search" {
	python3 fixtures/index/gen.py 20 8 >"$T/v.jsonl"
	etv-index build "$T/x.etv" "$T/v.jsonl"
	run --separate-stderr etv-index query --mode lexical "$T/x.etv" \
	    < <(queries "chunk")
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no lexical index"* ]]
	run --separate-stderr etv-index add --lexical text "$T/x.etv" \
	    "$T/v.jsonl"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"other settings"* ]]
}

@test "index lexical: damage to the lexical sections is caught, never a crash" {
	etv-index build --lexical text "$T/x.etv" "$T/docs.jsonl"
	queries "software license" "patent" >"$T/q.jsonl"
	python3 -c '
import random, sys
data = bytearray(open(sys.argv[1], "rb").read())
rnd = random.Random(5)
for k in range(20):
    d = bytearray(data)
    for _ in range(10):
        d[rnd.randrange(len(d) // 2, len(d))] = rnd.randrange(256)
    open("%s.%d" % (sys.argv[1], k), "wb").write(d)' "$T/x.etv"
	for k in $(seq 0 19); do
		etv-index query "$T/x.etv.$k" "$T/q.jsonl" >"$T/out" \
		    2>"$T/err" && st=0 || st=$?
		[ "$st" -eq 0 ] || [ "$st" -eq 4 ] ||
		    { echo "copy $k: $st"; cat "$T/err"; false; }
		! grep -q 'Sanitizer\|runtime error' "$T/err" || false
		run etv-index stats "$T/x.etv.$k"
		[ "$status" -eq 4 ]
	done
}

@test "index lexical: a writer killed at any instant leaves before or after" {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    for j in range(20):
        r2 = dict(r, id="%s/%d" % (r["id"], j))
        print(json.dumps(r2))' "$T/docs.jsonl" >"$T/more.jsonl"
	head -50 "$T/docs.jsonl" >"$T/base.jsonl"
	etv-index build --lexical text "$T/x.etv" "$T/base.jsonl"
	for i in $(seq 1 8); do
		etv-index add "$T/x.etv" "$T/more.jsonl" &
		pid=$!
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		run --separate-stderr etv-index stats "$T/x.etv"
		[ "$status" -eq 0 ] || { echo "$stderr"; false; }
		n=$(jf lexical.documents <<<"$output")
		[ "$n" = 50 ] || [ "$n" = 5950 ] || { echo "n=$n"; false; }
		if [ "$n" = 5950 ]; then
			jq -c '{id}' "$T/more.jsonl" | etv-index delete "$T/x.etv"
		fi
	done
}

# Check each hit's fused score against its "via": rrf with K and weights
# V,L, or relative/dbsf within [0, V + L].
check_fusion() {
	python3 -c '
import json, sys
method, K, V, L = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
n = 0
for line in sys.stdin:
    hits = json.loads(line)["hits"]
    prev = None
    for h in hits:
        via = h["via"]
        assert via and set(via) <= {"bm25", "vector"}, h
        if method == "rrf":
            want = sum((V if k == "vector" else L) / (K + r) for k, (r, s) in via.items())
            assert abs(want - h["score"]) <= 1e-6 * want, (h, want)
        else:
            assert -1e-6 <= h["score"] <= 2 * (V + L), h
        assert prev is None or h["score"] <= prev + 1e-9, (prev, h)
        prev = h["score"]
        n += 1
assert n > 0
print(n)' "$@"
}

@test "index hybrid: text and embedding are searched both and fused" {
	etv-embed <"$T/docs.jsonl" >"$T/e.jsonl"
	etv-index build --lexical text "$T/x.etv" "$T/e.jsonl"
	queries "patent license grant" "warranty of merchantability" \
	    "distribute modified versions" | etv-embed >"$T/q.jsonl"
	etv-index query -k 10 "$T/x.etv" "$T/q.jsonl" >"$T/rrf"
	check_fusion rrf 60 1 1 <"$T/rrf"
	# Both retrievers contribute.
	grep -q '"bm25":\[' "$T/rrf"
	grep -q '"vector":\[' "$T/rrf"
	etv-index query -k 10 --fusion rrf:10 --weights 2,0.5 "$T/x.etv" \
	    "$T/q.jsonl" | check_fusion rrf 10 2 0.5
	etv-index query -k 10 --fusion relative "$T/x.etv" "$T/q.jsonl" |
	    check_fusion relative 0 1 1
	etv-index query -k 10 --fusion dbsf "$T/x.etv" "$T/q.jsonl" |
	    check_fusion dbsf 0 1 1
	# The modes, forced: each retriever alone, as it ranks.
	etv-index query -k 10 --mode lexical "$T/x.etv" "$T/q.jsonl" \
	    >"$T/lex"
	jq -c '{id, text}' "$T/q.jsonl" | etv-index query -k 10 "$T/x.etv" \
	    >"$T/lex2"
	diff <(hits <"$T/lex") <(hits <"$T/lex2")
	etv-index query -k 10 --mode vector "$T/x.etv" "$T/q.jsonl" \
	    >"$T/vec"
	jq -c '{id, embedding}' "$T/q.jsonl" |
	    etv-index query -k 10 --mode vector "$T/x.etv" >"$T/vec2"
	diff <(hits <"$T/vec") <(hits <"$T/vec2")
	# A hit's BM25 rank and score in "via" are those of the lexical run.
	python3 -c '
import json, sys
lex = [{h["id"]: (i + 1, h["score"]) for i, h in enumerate(json.loads(l)["hits"])}
       for l in open(sys.argv[1])]
for q, line in enumerate(open(sys.argv[2])):
    for h in json.loads(line)["hits"]:
        if "bm25" in h["via"] and h["via"]["bm25"][0] <= 10:
            r, s = h["via"]["bm25"]
            assert lex[q][h["id"]] == (r, s), (h, lex[q].get(h["id"]))' \
	    "$T/lex" "$T/rrf"
	# --candidates bounds the ranks each retriever gives.
	etv-index query -k 5 --candidates 5 "$T/x.etv" "$T/q.jsonl" |
	    python3 -c '
import json, sys
for line in sys.stdin:
    for h in json.loads(line)["hits"]:
        assert all(r <= 5 for r, s in h["via"].values()), h'
	run --separate-stderr etv-index query --fusion max "$T/x.etv" \
	    "$T/q.jsonl"
	[ "$status" -eq 2 ]
	run --separate-stderr etv-index query --weights 0,0 "$T/x.etv" \
	    "$T/q.jsonl"
	[ "$status" -eq 2 ]
}

@test "index hybrid: filters apply to both retrievers" {
	etv-embed <"$T/docs.jsonl" >"$T/e.jsonl"
	etv-index build --lexical text "$T/x.etv" "$T/e.jsonl"
	queries "license software copies" "patent" | etv-embed >"$T/q.jsonl"
	etv-index query -k 20 --filter meta.licence=GPL-3 "$T/x.etv" \
	    "$T/q.jsonl" >"$T/f"
	[ "$(hits <"$T/f" | wc -l)" -eq 40 ]
	! hits <"$T/f" | grep -v '^GPL-3#' || false
	grep -q '"bm25":\[' "$T/f"
	grep -q '"vector":\[' "$T/f"
	etv-index query -k 20 --mode lexical --filter 'meta.n<5' "$T/x.etv" \
	    "$T/q.jsonl" | jq -r '.hits[].meta.n' | sort -un | tail -1 |
	    { read -r max; [ "$max" -lt 5 ]; }
}

@test "index lexical: empty input, CRLF lines and a full disk, as every tool" {
	etv-index build --lexical text "$T/x.etv" "$T/docs.jsonl"
	run --separate-stderr etv-index query "$T/x.etv" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	queries "patent grant" "source code" >"$T/q.jsonl"
	sed 's/$/\r/' "$T/q.jsonl" >"$T/crlf.jsonl"
	diff <(etv-index query "$T/x.etv" "$T/q.jsonl" | hits) \
	    <(etv-index query "$T/x.etv" "$T/crlf.jsonl" | hits)
	etv-index query "$T/x.etv" "$T/q.jsonl" >/dev/full 2>/dev/null &&
	    st=0 || st=$?
	[ "$st" -eq 4 ]
	# An empty lexical index answers with no hits.
	etv-index build --lexical text "$T/e.etv" </dev/null 2>/dev/null
	run --separate-stderr etv-index query "$T/e.etv" "$T/q.jsonl"
	[ "$status" -eq 0 ]
	[ "$(hits <<<"$output" | wc -l)" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
}
