#!/usr/bin/env bats
# index.bats -- behaviour of etv-index(1)

load test_helper

GEN=fixtures/index/gen.py

setup() {
	T=$BATS_TEST_TMPDIR
	python3 "$GEN" 300 16 >"$T/a.jsonl"
}

# The hit ids of each output record, one line per record.
hit_ids() {
	python3 -c '
import json, sys
for line in sys.stdin:
    print(" ".join(h["id"] for h in json.loads(line)["hits"]))'
}

@test "index: build, then stats reports counts, dims, metric and model" {
	run --separate-stderr etv-index build "$T/x.etv" "$T/a.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr etv-index stats "$T/x.etv"
	[ "$status" -eq 0 ]
	[ "$(jf vectors <<<"$output")" = 300 ]
	[ "$(jf dims <<<"$output")" = 16 ]
	[ "$(jf metric <<<"$output")" = cosine ]
	[ "$(jf embedding_model <<<"$output")" = test-model ]
	[ "$(jf segments <<<"$output")" = 1 ]
	[ "$(jf deleted <<<"$output")" = 0 ]
	[ "$(jf bytes <<<"$output")" = "$(wc -c <"$T/x.etv")" ]
}

@test "index: the file starts with a magic and a version" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	[ "$(head -c 8 "$T/x.etv")" = "ETVINDX" ]
	run od -An -tu4 -j8 -N4 "$T/x.etv"
	[ "${output// /}" = 2 ]
}

@test "index: query finds the record itself first, with stored fields" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index query -k 5 "$T/x.etv" \
	    < <(sed -n 7p "$T/a.jsonl")
	[ "$status" -eq 0 ]
	[ "$(jf hits.0.id <<<"$output")" = "d6#0" ]
	[ "$(jf hits.0.text <<<"$output")" = "chunk 0 of document 6" ]
	[ "$(jf hits.0.meta.lang <<<"$output")" = fr ]
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])
h = r["hits"]
assert len(h) == 5
assert abs(h[0]["score"] - 1) < 1e-5
assert all(a["score"] >= b["score"] for a, b in zip(h, h[1:]))
assert r["id"] == "d6#0" and "embedding" in r' "$output"
}

@test "index: query keeps the input record bytes and replaces old hits" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	sed -n 3p "$T/a.jsonl" >"$T/q.jsonl"
	etv-index query -k 2 "$T/x.etv" "$T/q.jsonl" >"$T/o1.jsonl"
	[ "$(head -c "$(( $(wc -c <"$T/q.jsonl") - 2 ))" "$T/o1.jsonl")" = \
	    "$(head -c "$(( $(wc -c <"$T/q.jsonl") - 2 ))" "$T/q.jsonl")" ]
	etv-index query -k 2 "$T/x.etv" "$T/o1.jsonl" >"$T/o2.jsonl"
	[ "$(hit_ids <"$T/o1.jsonl")" = "$(hit_ids <"$T/o2.jsonl")" ]
	[ "$(grep -o '"hits"' "$T/o2.jsonl" | wc -l)" -eq 1 ]
}

@test "index: base64 and array embeddings give the same index and hits" {
	python3 "$GEN" 300 16 --base64 >"$T/b.jsonl"
	etv-index build "$T/x.etv" "$T/a.jsonl"
	etv-index build "$T/y.etv" "$T/b.jsonl"
	cmp "$T/x.etv" "$T/y.etv"
	head -20 "$T/b.jsonl" | etv-index query "$T/x.etv" | hit_ids >"$T/h1"
	head -20 "$T/a.jsonl" | etv-index query "$T/x.etv" | hit_ids >"$T/h2"
	cmp "$T/h1" "$T/h2"
}

@test "index: query records read in place answer as parsed ones" {
	python3 "$GEN" 300 16 --base64 >"$T/b.jsonl"
	etv-index build "$T/x.etv" "$T/b.jsonl"
	# A number with an exponent leaves a record to the full parser.
	head -20 "$T/b.jsonl" >"$T/fast.jsonl"
	sed 's/^{/{"x":1e0,/' "$T/fast.jsonl" >"$T/full.jsonl"
	grep -q '"meta":{' "$T/fast.jsonl"
	etv-index query "$T/x.etv" "$T/fast.jsonl" | hit_ids >"$T/h1"
	etv-index query "$T/x.etv" "$T/full.jsonl" | hit_ids >"$T/h2"
	cmp "$T/h1" "$T/h2"
	[ "$(wc -l <"$T/h1")" -eq 20 ]
	# An escaped model name is the same name.
	sed -n 1p "$T/fast.jsonl" |
	    sed 's/"test-model"/"test\\u002dmodel"/' >"$T/esc.jsonl"
	grep -q 'u002d' "$T/esc.jsonl"
	run --separate-stderr etv-index query "$T/x.etv" "$T/esc.jsonl"
	[ "$status" -eq 0 ]
	[ "$(hit_ids <<<"$output")" = "$(sed -n 1p "$T/h1")" ]
	sed -n 1p "$T/fast.jsonl" | sed 's/"test-model"/"other"/' >"$T/o.jsonl"
	run --separate-stderr etv-index query "$T/x.etv" "$T/o.jsonl"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"o.jsonl:1: embedding_model 'other' does not match the index's 'test-model'"* ]]
	echo '{"id":"q","embedding":"not*base64"}' >"$T/bad.jsonl"
	run --separate-stderr etv-index query "$T/x.etv" "$T/bad.jsonl"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"bad.jsonl:1: field 'embedding': embedding is not base64 of float32 values"* ]]
	echo '{"id":"q","embedding":"AACAfw=="}' >"$T/inf.jsonl"
	run --separate-stderr etv-index query "$T/x.etv" "$T/inf.jsonl"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"inf.jsonl:1: field 'embedding': embedding element is not finite"* ]]
}

@test "index: the same input gives a byte-identical file and identical hits" {
	etv-index build -j 1 "$T/x.etv" "$T/a.jsonl"
	etv-index build -j 1 "$T/y.etv" "$T/a.jsonl"
	cmp "$T/x.etv" "$T/y.etv"
	etv-index query "$T/x.etv" "$T/a.jsonl" >"$T/q1"
	etv-index query "$T/x.etv" "$T/a.jsonl" >"$T/q2"
	etv-index query -j 2 "$T/x.etv" "$T/a.jsonl" >"$T/q3"
	cmp "$T/q1" "$T/q2"
	cmp "$T/q1" "$T/q3"
}

@test "index: --verify-recall counts an equal duplicate of a hit as found" {
	# 60 copies of one vector among 300 others: which ten copies a
	# search returns is a tie, not a miss.
	python3 - >"$T/d.jsonl" <<'EOF'
import json, random
random.seed(5)
vec = lambda: [random.gauss(0, 1) for _ in range(16)]
dup = vec()
for i in range(300):
    print(json.dumps({"id": "r%d" % i, "embedding": vec()}))
    if i % 5 == 0:
        print(json.dumps({"id": "d%d" % i, "embedding": dup}))
EOF
	etv-index build "$T/x.etv" "$T/d.jsonl"
	run etv-index stats --verify-recall 360 "$T/x.etv"
	[ "$status" -eq 0 ]
	[ "$(jf recall_at_10 <<<"$output")" = 1.0 ]
	[ "$(jf recall_queries <<<"$output")" = 360 ]
}

@test "index: -j 2 builds in parallel with the same recall" {
	python3 "$GEN" 3000 24 --clusters 40 >"$T/big.jsonl"
	etv-index build -j 2 "$T/x.etv" "$T/big.jsonl"
	run --separate-stderr etv-index stats --verify-recall 100 "$T/x.etv"
	[ "$status" -eq 0 ]
	[ "$(jf recall_queries <<<"$output")" = 100 ]
	python3 -c 'import json,sys; assert json.loads(sys.argv[1])["recall_at_10"] >= 0.95' "$output"
	etv-index build -j 1 "$T/y.etv" "$T/big.jsonl"
	run etv-index stats --verify-recall 100 "$T/y.etv"
	python3 -c 'import json,sys; assert json.loads(sys.argv[1])["recall_at_10"] >= 0.95' "$output"
}

@test "index: --quantize i8 walks the graph on codes and re-scores" {
	python3 "$GEN" 3000 24 --clusters 40 >"$T/big.jsonl"
	etv-index build --quantize i8 "$T/q.etv" "$T/big.jsonl"
	run --separate-stderr etv-index stats --verify-recall 100 "$T/q.etv"
	[ "$(jf quantize <<<"$output")" = i8 ]
	python3 -c 'import json,sys; assert json.loads(sys.argv[1])["recall_at_10"] >= 0.95' "$output"
	etv-index build "$T/f.etv" "$T/big.jsonl"
	[ "$(wc -c <"$T/q.etv")" -gt "$(wc -c <"$T/f.etv")" ]
	# Scores are full precision: the same as without quantisation.
	head -20 "$T/big.jsonl" | etv-index query -k 1 "$T/q.etv" >"$T/o1"
	head -20 "$T/big.jsonl" | etv-index query -k 1 "$T/f.etv" >"$T/o2"
	cmp "$T/o1" "$T/o2"
	python3 "$GEN" 5 24 --prefix new >"$T/new.jsonl"
	etv-index add "$T/q.etv" "$T/new.jsonl"
	head -1 "$T/new.jsonl" | etv-index query -k 1 "$T/q.etv" \
	    | hit_ids >"$T/h"
	[ "$(cat "$T/h")" = "new0#0" ]
	run --separate-stderr etv-index build --quantize i4 "$T/z.etv"
	[ "$status" -eq 2 ]
}

@test "index: add skips unchanged ids, replaces changed ones, appends new" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	cp "$T/x.etv" "$T/before.etv"
	run --separate-stderr etv-index add -v "$T/x.etv" "$T/a.jsonl"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"added 0, replaced 0, unchanged 300, deleted 0"* ]]
	cmp "$T/x.etv" "$T/before.etv"
	python3 "$GEN" 10 16 --hash-salt v2 --seed 9 >"$T/changed.jsonl"
	python3 "$GEN" 5 16 --prefix new >"$T/new.jsonl"
	run --separate-stderr etv-index add -v "$T/x.etv" "$T/changed.jsonl" \
	    "$T/new.jsonl"
	[[ "$stderr" == *"added 5, replaced 10, unchanged 0, deleted 0"* ]]
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 305 ]
	[ "$(jf deleted <<<"$output")" = 10 ]
	[ "$(jf segments <<<"$output")" = 2 ]
	# The replaced vector is the one found now, and only once.
	head -1 "$T/changed.jsonl" | etv-index query -k 3 "$T/x.etv" \
	    | hit_ids >"$T/h"
	[ "$(cut -d' ' -f1 "$T/h")" = "d0#0" ]
	[ "$(tr ' ' '\n' <"$T/h" | grep -c '^d0#0$')" -eq 1 ]
}

@test "index: add creates a missing index; the last copy of an id wins" {
	python3 "$GEN" 3 16 >"$T/one.jsonl"
	python3 "$GEN" 3 16 --seed 5 --hash-salt x >>"$T/one.jsonl"
	etv-index add "$T/new.etv" "$T/one.jsonl"
	run etv-index stats "$T/new.etv"
	[ "$(jf vectors <<<"$output")" = 3 ]
	etv-index dump "$T/new.etv" | jf hash >"$T/h"
	[ "$(cat "$T/h")" = "h:d0#0x" ]
}

@test "index: delete by id string or record; deleted ids never come back" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index delete -v "$T/x.etv" \
	    < <(printf '"d1#0"\n{"id":"d2#0","x":1}\n"nope"\n"d1#0"\n')
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"deleted 2"* ]]
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 298 ]
	sed -n '2,3p' "$T/a.jsonl" | etv-index query -k 300 "$T/x.etv" \
	    | hit_ids >"$T/h"
	! grep -qw 'd1#0' "$T/h" || false
	! grep -qw 'd2#0' "$T/h" || false
	[ "$(head -1 "$T/h" | wc -w)" -eq 298 ]
	! etv-index dump "$T/x.etv" | grep -q '"d1#0"' || false
}

@test "index: compact reclaims deleted rows and keeps the answers" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	grep -o '"id":"d[0-9]*#0"' "$T/a.jsonl" | head -100 \
	    | sed 's/"id":\(.*\)/\1/' | etv-index delete "$T/x.etv"
	head -30 "$T/a.jsonl" | etv-index query --exact "$T/x.etv" \
	    | hit_ids >"$T/h1"
	big=$(wc -c <"$T/x.etv")
	etv-index compact "$T/x.etv"
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 200 ]
	[ "$(jf deleted <<<"$output")" = 0 ]
	[ "$(jf segments <<<"$output")" = 1 ]
	[ "$(wc -c <"$T/x.etv")" -lt "$big" ]
	head -30 "$T/a.jsonl" | etv-index query --exact "$T/x.etv" \
	    | hit_ids >"$T/h2"
	cmp "$T/h1" "$T/h2"
}

@test "index: sync leaves nothing stale of re-chunked documents" {
	python3 "$GEN" 40 16 --docs 10 >"$T/docs.jsonl"	# 4 chunks each
	etv-index build "$T/x.etv" "$T/docs.jsonl"
	# d1 is re-chunked into 2 chunks, d2 into 1; the others are not read.
	grep -E '"doc_id":"d1"' "$T/docs.jsonl" | head -2 >"$T/s.jsonl"
	grep -E '"doc_id":"d2"' "$T/docs.jsonl" | tail -1 >>"$T/s.jsonl"
	run --separate-stderr etv-index sync -v --by doc_id "$T/x.etv" \
	    "$T/s.jsonl"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"unchanged 3, deleted 5"* ]]
	etv-index dump "$T/x.etv" | python3 -c '
import json, sys
ids = sorted(json.loads(l)["id"] for l in sys.stdin)
d1 = [i for i in ids if i.startswith("d1#")]
d2 = [i for i in ids if i.startswith("d2#")]
assert d1 == ["d1#0", "d1#1"], d1
assert d2 == ["d2#3"], d2
assert len(ids) == 8 * 4 + 3, len(ids)'
	etv-index sync --prune --force "$T/x.etv" "$T/s.jsonl"
	etv-index dump "$T/x.etv" | python3 -c '
import json, sys
ids = sorted(json.loads(l)["id"] for l in sys.stdin)
assert ids == ["d1#0", "d1#1", "d2#3"], ids'
}

@test "index: sync keeps the old row of a record it rejects" {
	python3 "$GEN" 8 16 --docs 2 >"$T/docs.jsonl"	# d0, d1: 4 chunks
	etv-index build "$T/x.etv" "$T/docs.jsonl"
	# d0#1 comes back from another model: rejected, its old row stays.
	grep '"doc_id":"d0"' "$T/docs.jsonl" | head -1 >"$T/s.jsonl"
	python3 "$GEN" 8 16 --docs 2 --model other | grep '"id":"d0#1"' \
	    >>"$T/s.jsonl"
	run --separate-stderr etv-index sync --prune --force "$T/x.etv" \
	    "$T/s.jsonl"
	[ "$status" -eq 1 ]
	etv-index dump "$T/x.etv" | python3 -c '
import json, sys
ids = sorted(json.loads(l)["id"] for l in sys.stdin)
assert ids == ["d0#0", "d0#1"], ids'
}

@test "index: sync --by must be the field the index was built with" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index sync --by source "$T/x.etv" \
	    "$T/a.jsonl"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"groups rows by 'doc_id'"* ]]
}

@test "index: a filter is applied during the search: k hits when k exist" {
	python3 "$GEN" 600 16 --lang-every 50 >"$T/f.jsonl"	# 12 'fr'
	etv-index build "$T/x.etv" "$T/f.jsonl"
	sed -n '2p' "$T/f.jsonl" >"$T/q.jsonl"
	etv-index query -k 10 --filter 'meta.lang=fr' "$T/x.etv" \
	    "$T/q.jsonl" >"$T/o"
	python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["hits"]
assert len(h) == 10, len(h)
assert all(x["meta"]["lang"] == "fr" for x in h)' "$T/o"
	etv-index query -k 20 --filter 'meta.lang=fr' "$T/x.etv" \
	    "$T/q.jsonl" | hit_ids >"$T/h"
	[ "$(wc -w <"$T/h")" -eq 12 ]
	etv-index query -k 3 --filter 'meta.lang in [de, "fr"]' \
	    --filter 'id in [d0#0,d50#0,d1#0]' "$T/x.etv" "$T/q.jsonl" \
	    | hit_ids >"$T/h"
	[ "$(tr ' ' '\n' <"$T/h" | sort | tr '\n' ' ')" = "d0#0 d50#0 " ]
}

@test "index: a filter on a field that is not stored is a usage error" {
	etv-index build --store text "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index query --filter 'meta.lang=en' \
	    "$T/x.etv" "$T/a.jsonl"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"filter field 'meta.lang' is not stored"* ]]
	run --separate-stderr etv-index query --filter 'meta.lang' \
	    "$T/x.etv" "$T/a.jsonl"
	[ "$status" -eq 2 ]
}

@test "index: --store chooses the fields returned with hits" {
	etv-index build --store meta "$T/x.etv" "$T/a.jsonl"
	head -1 "$T/a.jsonl" | etv-index query -k 1 "$T/x.etv" >"$T/o"
	python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["hits"][0]
assert sorted(h) == ["doc_id", "id", "meta", "score"], h' "$T/o"
}

@test "index: a vector from another model is rejected with a clear message" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	python3 "$GEN" 2 16 --prefix m --model other-model >"$T/m.jsonl"
	python3 "$GEN" 2 16 --prefix ok >>"$T/m.jsonl"
	run --separate-stderr etv-index add "$T/x.etv" "$T/m.jsonl"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"m.jsonl:1: embedding_model 'other-model' does not match the index's 'test-model'"* ]]
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 302 ]
	run --separate-stderr etv-index query "$T/x.etv" --rejects "$T/rej" \
	    "$T/m.jsonl"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(wc -l <"$T/rej")" -eq 2 ]
	grep -q other-model "$T/rej"
}

@test "index: a vector of other dimensions is rejected" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	python3 "$GEN" 1 8 --prefix z >"$T/z.jsonl"
	run --separate-stderr etv-index add "$T/x.etv" "$T/z.jsonl"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"embedding has 8 dimensions, the index has 16"* ]]
	run --separate-stderr etv-index query "$T/x.etv" "$T/z.jsonl"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "index: a malformed line stops a writer and leaves the index as it was" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	cp "$T/x.etv" "$T/before.etv"
	python3 "$GEN" 3 16 --prefix n >"$T/n.jsonl"
	echo '{"id":"n9"}' >>"$T/n.jsonl"
	run --separate-stderr etv-index add "$T/x.etv" "$T/n.jsonl"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"n.jsonl:4: field 'embedding' is missing"* ]]
	cmp "$T/x.etv" "$T/before.etv"
	run --separate-stderr etv-index add "$T/x.etv" --rejects "$T/rej" \
	    "$T/n.jsonl"
	[ "$status" -eq 3 ]
	[ "$(cat "$T/rej")" = '{"id":"n9"}' ]
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 303 ]
}

@test "index: a query record without an embedding is malformed" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index query "$T/x.etv" \
	    < <(echo '{"id":"a","text":"hello"}')
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"<stdin>:1: field 'embedding' is missing"* ]]
}

@test "index: corrupt, truncated and foreign files are reported (status 4)" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	size=$(wc -c <"$T/x.etv")
	# Header, commit, segment header and data bytes: all noticed.
	# (Slot 1 at 2048 is unused after one commit: damage there is moot.)
	for off in 3 10 40 1030 4100 4500 9000 $((size - 8)); do
		cp "$T/x.etv" "$T/c.etv"
		printf '\377' | dd of="$T/c.etv" bs=1 seek="$off" \
		    conv=notrunc 2>/dev/null
		run --separate-stderr etv-index stats "$T/c.etv"
		[ "$status" -eq 4 ] || { echo "offset $off: $status"; false; }
		[[ "$stderr" == *"corrupt index"* ]]
		run --separate-stderr etv-index query "$T/c.etv" \
		    < <(head -3 "$T/a.jsonl")
		[ "$status" -eq 0 ] || [ "$status" -eq 4 ]
	done
	head -c $((size / 2)) "$T/x.etv" >"$T/t.etv"
	run --separate-stderr etv-index query "$T/t.etv" "$T/a.jsonl"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"truncated"* ]]
	head -c 100 "$T/x.etv" >"$T/t.etv"
	run --separate-stderr etv-index stats "$T/t.etv"
	[ "$status" -eq 4 ]
	run --separate-stderr etv-index stats "$T/a.jsonl"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"not an etv index"* ]]
	run --separate-stderr etv-index query "$T/missing.etv" "$T/a.jsonl"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"cannot open"* ]]
}

@test "index: random corruption never makes a reader crash" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	python3 -c '
import random, sys
data = bytearray(open(sys.argv[1], "rb").read())
rnd = random.Random(3)
for k in range(30):
    d = bytearray(data)
    for _ in range(20):
        d[rnd.randrange(len(d))] = rnd.randrange(256)
    open("%s.%d" % (sys.argv[1], k), "wb").write(d)' "$T/x.etv"
	# Under ASan/UBSan (make SANITIZE=1) a bad read would be reported.
	for k in $(seq 0 29); do
		etv-index query -k 5 "$T/x.etv.$k" "$T/a.jsonl" \
		    >"$T/out" 2>"$T/err" && st=0 || st=$?
		[ "$st" -eq 0 ] || [ "$st" -eq 4 ] ||
		    { echo "copy $k: status $st"; cat "$T/err"; false; }
		# What does come out is valid JSON.
		python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    json.loads(line)' "$T/out"
		! grep -q 'Sanitizer\|runtime error' "$T/err" || false
		etv-index dump "$T/x.etv.$k" >/dev/null 2>"$T/err" && st=0 ||
		    st=$?
		[ "$st" -eq 4 ] || { echo "dump $k: status $st"; false; }
		! grep -q 'Sanitizer\|runtime error' "$T/err" || false
	done
}

@test "index: a writer killed at any instant leaves before or after" {
	python3 "$GEN" 200 16 --prefix base >"$T/base.jsonl"
	python3 "$GEN" 6000 16 --prefix more >"$T/more.jsonl"
	etv-index build "$T/x.etv" "$T/base.jsonl"
	for i in $(seq 1 12); do
		etv-index add "$T/x.etv" "$T/more.jsonl" &
		pid=$!
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		run --separate-stderr etv-index stats "$T/x.etv"
		[ "$status" -eq 0 ] || { echo "$stderr"; false; }
		n=$(jf vectors <<<"$output")
		[ "$n" = 200 ] || [ "$n" = 6200 ] || { echo "n=$n"; false; }
		run etv-index query -k 3 "$T/x.etv" "$T/base.jsonl"
		[ "$status" -eq 0 ]
		if [ "$n" = 6200 ]; then
			etv-index delete "$T/x.etv" < <(sed -n \
			    's/.*"id":\("more[^"]*"\).*/\1/p' "$T/more.jsonl")
		fi
	done
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 200 ]
}

@test "index: a compact killed at any instant leaves before or after" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	sed -n 's/.*"id":\("d1[0-9]*#0"\).*/\1/p' "$T/a.jsonl" \
	    | etv-index delete "$T/x.etv"
	etv-index dump "$T/x.etv" >"$T/want"
	for i in 1 2 3 4 5; do
		etv-index compact "$T/x.etv" &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		etv-index dump "$T/x.etv" >"$T/got"
		cmp "$T/want" "$T/got"
	done
}

@test "index: concurrent writers are serialised, readers never blocked" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	for w in 1 2 3 4; do
		python3 "$GEN" 150 16 --prefix "w$w-" >"$T/w$w.jsonl"
	done
	for w in 1 2 3 4; do
		etv-index add "$T/x.etv" "$T/w$w.jsonl" &
	done
	# Readers during the writes: always a complete version.
	for r in $(seq 1 10); do
		run --separate-stderr etv-index stats "$T/x.etv"
		[ "$status" -eq 0 ]
		n=$(jf vectors <<<"$output")
		[ $(( (n - 300) % 150 )) -eq 0 ]
	done
	wait
	run etv-index stats "$T/x.etv"
	[ "$(jf vectors <<<"$output")" = 900 ]
	[ "$(jf segments <<<"$output")" = 5 ]
}

@test "index: merge joins shards built in parallel" {
	python3 "$GEN" 300 16 --prefix s1- --seed 1 >"$T/s1.jsonl"
	python3 "$GEN" 300 16 --prefix s2- --seed 2 >"$T/s2.jsonl"
	etv-index build "$T/s1.etv" "$T/s1.jsonl" &
	etv-index build "$T/s2.etv" "$T/s2.jsonl" &
	wait
	etv-index merge "$T/all.etv" "$T/s1.etv" "$T/s2.etv"
	cat "$T/s1.jsonl" "$T/s2.jsonl" | etv-index build "$T/one.etv"
	run etv-index stats "$T/all.etv"
	[ "$(jf vectors <<<"$output")" = 600 ]
	cmp "$T/all.etv" "$T/one.etv"
	python3 "$GEN" 3 16 --model other >"$T/o.jsonl"
	etv-index build "$T/o.etv" "$T/o.jsonl"
	run --separate-stderr etv-index merge "$T/bad.etv" "$T/s1.etv" \
	    "$T/o.etv"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"holds embeddings of 'other'"* ]]
	[ ! -e "$T/bad.etv" ]
}

@test "index: dump gives back records that rebuild the same index" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	etv-index dump "$T/x.etv" >"$T/d.jsonl"
	[ "$(wc -l <"$T/d.jsonl")" -eq 300 ]
	head -1 "$T/d.jsonl" | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
assert list(r) == ["id", "text", "meta", "doc_id", "hash", "embedding",
                   "embedding_model"], list(r)'
	etv-index build "$T/y.etv" "$T/d.jsonl"
	cmp "$T/x.etv" "$T/y.etv"
}

@test "index: an empty build makes an index that the first add shapes" {
	run --separate-stderr etv-index build "$T/e.etv" </dev/null
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"'$T/e.etv' is an empty index; its dimensions come from the first add"* ]]
	run etv-index stats "$T/e.etv"
	[ "$(jf vectors <<<"$output")" = 0 ]
	[ "$(jf dims <<<"$output")" = 0 ]
	# Queries on it find nothing; they are not errors.
	run --separate-stderr etv-index query "$T/e.etv" "$T/a.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 300 ]
	[ "$(jf hits <<<"${lines[0]}")" = "[]" ]
	etv-index add "$T/e.etv" "$T/a.jsonl"
	run etv-index stats "$T/e.etv"
	[ "$(jf vectors <<<"$output")" = 300 ]
	[ "$(jf dims <<<"$output")" = 16 ]
	[ "$(jf embedding_model <<<"$output")" = test-model ]
}

@test "index: --hnsw overrides an earlier --exact, and --exact a --hnsw" {
	etv-index build --exact --hnsw "$T/x.etv" "$T/a.jsonl"
	run etv-index stats "$T/x.etv"
	[ "$(jf search <<<"$output")" = hnsw ]
	etv-index build --force --hnsw --exact "$T/x.etv" "$T/a.jsonl"
	run etv-index stats "$T/x.etv"
	[ "$(jf search <<<"$output")" = exact ]
	run --separate-stderr etv-index query --hnsw "$T/x.etv" </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"option '--hnsw' does not apply to 'query'"* ]]
}

@test "index: exact index, l2 and dot metrics" {
	etv-index build --exact --metric l2 "$T/x.etv" "$T/a.jsonl"
	run etv-index stats "$T/x.etv"
	[ "$(jf search <<<"$output")" = exact ]
	[ "$(jf metric <<<"$output")" = l2 ]
	sed -n 5p "$T/a.jsonl" | etv-index query -k 2 "$T/x.etv" >"$T/o"
	[ "$(jf hits.0.id <"$T/o")" = "d4#0" ]
	[ "$(jf hits.0.score <"$T/o")" = 0 ]
	etv-index build --metric dot "$T/y.etv" "$T/a.jsonl"
	sed -n 5p "$T/a.jsonl" | etv-index query -k 1 "$T/y.etv" \
	    --exact >"$T/o"
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
v = r["embedding"]
want = sum(x * x for x in v)
best = r["hits"][0]["score"]
assert best >= want * (1 - 1e-5), (best, want)' "$T/o"
}

@test "index: creation options do not apply to an existing index" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index add --metric l2 "$T/x.etv" \
	    "$T/a.jsonl"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"exists with other settings"* ]]
	run --separate-stderr etv-index add -M 16 "$T/x.etv" "$T/a.jsonl"
	[ "$status" -eq 0 ]
}

@test "index: usage errors" {
	run --separate-stderr etv-index
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"a verb is needed"* ]]
	run --separate-stderr etv-index frobnicate x.etv
	[ "$status" -eq 2 ]
	run --separate-stderr etv-index query
	[ "$status" -eq 2 ]
	run --separate-stderr etv-index stats --prune "$T/x.etv"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"option '--prune' does not apply to 'stats'"* ]]
	run --separate-stderr etv-index build --metric cos "$T/x.etv"
	[ "$status" -eq 2 ]
	run --separate-stderr etv-index query -k 0 "$T/x.etv"
	[ "$status" -eq 2 ]
	run --separate-stderr etv-index merge "$T/x.etv"
	[ "$status" -eq 2 ]
}

@test "index: --help prints the usage first, then the purpose" {
	run --separate-stderr etv-index --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: etv-index build|add|sync|delete|query"* ]]
	[[ "${lines[3]}" == "etv-index -- "* ]]
}

# Whether two query outputs have the same records and hits, the scores
# equal to 1e-6 (their last digit depends on the CPU's kernels: etv-index(1)
# CAVEATS).
same_hits() {
	python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b), (len(a), len(b))
for x, y in zip(a, b):
    hx, hy = x.pop("hits"), y.pop("hits")
    assert x == y, (x, y)
    assert [h["id"] for h in hx] == [h["id"] for h in hy], (hx, hy)
    for g, h in zip(hx, hy):
        assert abs(g.pop("score") - h.pop("score")) <= 1e-6, (g, h)
        assert g == h, (g, h)' "$1" "$2"
}

@test "index: the checked-in version 1 file still reads the same" {
	run --separate-stderr etv-index stats fixtures/index/v1.etv
	[ "$status" -eq 0 ]
	[ "$(jf vectors <<<"$output")" = 50 ]
	[ "$(jf deleted <<<"$output")" = 2 ]
	etv-index query -k 3 fixtures/index/v1.etv \
	    fixtures/index/v1-queries.jsonl >"$T/o"
	same_hits "$T/o" fixtures/index/v1-expected.jsonl
	# Writers refuse it, saying how to rewrite it; compact does.
	cp fixtures/index/v1.etv "$T/v1.etv"
	run --separate-stderr etv-index add "$T/v1.etv" \
	    fixtures/index/v1-queries.jsonl
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"format 1"*"etv-index compact"* ]]
	cmp "$T/v1.etv" fixtures/index/v1.etv
	etv-index compact "$T/v1.etv"
	run etv-index stats "$T/v1.etv"
	[ "$(jf format <<<"$output")" = 2 ]
	[ "$(jf vectors <<<"$output")" = 50 ]
	etv-index query -k 3 "$T/v1.etv" fixtures/index/v1-queries.jsonl \
	    >"$T/o"
	same_hits "$T/o" fixtures/index/v1-expected.jsonl
}

@test "index: query dies quietly when the reader goes away" {
	python3 "$GEN" 3000 16 >"$T/q.jsonl"
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr bash -c \
	    'etv-index query "$1" "$2" | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"' \
	    _ "$T/x.etv" "$T/q.jsonl"
	[ "$output" = 141 ]
	[ -z "$stderr" ]
}

@test "index: query to a full disk is status 4" {
	[ -w /dev/full ] || skip "no /dev/full"
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr bash -c \
	    'etv-index query "$1" "$2" >/dev/full' _ "$T/x.etv" "$T/a.jsonl"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"write error"* ]]
}

# --- Filters: operators and paths no row has ------------------------------

# Records of a.jsonl with more meta: a price (integers and reals), a
# category (missing on every tenth row), a path, a day and tags.
filter_setup() {
	python3 -c '
import json, sys
for k, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    m = r["meta"]
    m["price"] = k if k % 2 else k + 0.5
    if k % 10:
        m["category"] = ["kitchen", "garden", "bath"][k % 3]
    m["path"] = ("docs/%d.md" if k % 4 else "src/%d.c") % k
    m["day"] = "2024-%02d-%02d" % (k % 12 + 1, k % 28 + 1)
    m["tags"] = ["t%d" % (k % 5), "t%d" % (k % 7)]
    print(json.dumps(r))' "$T/a.jsonl" >"$T/m.jsonl"
	etv-index build --exact "$T/x.etv" "$T/m.jsonl"
	head -1 "$T/m.jsonl" >"$T/q.jsonl"
}

# Query with the filters given and check that the hits are exactly the
# rows whose meta m makes the Python expression true.
filter_is() {
	local expr=$1
	shift
	etv-index query --exact -k 1000 "$@" "$T/x.etv" "$T/q.jsonl" \
	    >"$T/o" || return 1
	python3 -c '
import json, sys
want = set()
for line in open(sys.argv[2]):
    r = json.loads(line)
    m = r["meta"]
    if eval(sys.argv[3]):
        want.add(r["id"])
got = set(h["id"] for h in json.load(open(sys.argv[1]))["hits"])
if got != want:
    sys.exit("%d hits, %d wanted; extra %s, missing %s" % (len(got),
        len(want), sorted(got - want)[:5], sorted(want - got)[:5]))' \
	    "$T/o" "$T/m.jsonl" "$expr"
}

@test "index filters: a path that no row has is a usage error" {
	filter_setup
	run --separate-stderr etv-index query --filter 'meta.colour=red' \
	    "$T/x.etv" "$T/q.jsonl"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"filter field 'meta.colour' is in no row of"* ]]
	[[ "$stderr" == *"names are: category, day, lang, path, price, tags"* ]]
	run --separate-stderr etv-index query \
	    --filter 'meta.fields.colour in [red,blue]' "$T/x.etv" "$T/q.jsonl"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'meta.fields.colour' is in no row"* ]]
	# A path some rows lack is fine: those rows pass no clause.
	filter_is '"category" in m' --filter 'meta.category in [kitchen,garden,bath]'
}

@test "index filters: != is an operator, not part of the field name" {
	filter_setup
	filter_is 'm.get("category", "kitchen") != "kitchen"' \
	    --filter 'meta.category!=kitchen'
	filter_is 'm.get("category", "kitchen") != "kitchen"' \
	    --filter 'meta.category != "kitchen"'
	filter_is '"t1" not in m["tags"]' --filter 'meta.tags!=t1'
	filter_is 'm["price"] != 4.5' --filter 'meta.price!=4.5'
}

@test "index filters: <, <=, >, >= compare numbers numerically, strings bytewise" {
	filter_setup
	filter_is 'm["price"] < 10' --filter 'meta.price<10'
	filter_is 'm["price"] <= 9' --filter 'meta.price<=9.0'
	filter_is 'm["price"] > 250.5' --filter 'meta.price>250.5'
	filter_is '10 <= m["price"] < 20' --filter 'meta.price>=10' \
	    --filter 'meta.price<20'
	filter_is 'm["day"] >= "2024-11"' --filter 'meta.day>=2024-11'
	filter_is 'm["day"] < "2024-02-05"' --filter 'meta.day<"2024-02-05"'
	# Mixed types never match: a number is not before a string.
	run --separate-stderr etv-index query --filter 'meta.day<3000' \
	    "$T/x.etv" "$T/q.jsonl"
	[ "$status" -eq 0 ]
	[ "$(jf hits <<<"$output")" = "[]" ]
	[[ "$stderr" == *"holds string values there, the filter gives integer"* ]]
}

@test "index filters: not in and the prefix match ^=" {
	filter_setup
	filter_is '"category" in m and m["category"] not in ("kitchen", "bath")' \
	    --filter 'meta.category not in [kitchen, bath]'
	filter_is 'm["path"].startswith("docs/")' --filter 'meta.path^=docs/'
	filter_is 'r["id"].startswith("d1")' --filter 'id^=d1'
	filter_is 'r["id"].startswith("d1") and m["path"].startswith("src/")' \
	    --filter 'id^=d1' --filter 'meta.path^=src'
	filter_is 'any(t.startswith("t6") for t in m["tags"])' \
	    --filter 'meta.tags^=t6'
}

@test "index filters: values with commas, brackets and spaces are quoted" {
	filter_setup
	python3 -c '
import json
print(json.dumps({"id": "s1", "doc_id": "s", "text": "x",
    "meta": {"title": "a, [b] c", "lang": "en"},
    "embedding": [1.0] + [0.0] * 15, "embedding_model": "test-model"}))' \
	    | etv-index add "$T/x.etv"
	etv-index query -k 5 --filter 'meta.title in ["a, [b] c", z]' \
	    "$T/x.etv" "$T/q.jsonl" | hit_ids >"$T/h"
	[ "$(cat "$T/h")" = s1 ]
	etv-index query -k 5 --filter 'meta.title="a, [b] c"' \
	    "$T/x.etv" "$T/q.jsonl" | hit_ids >"$T/h"
	[ "$(cat "$T/h")" = s1 ]
}

@test "index: sync --prune on an empty input prunes nothing, even forced" {
	python3 "$GEN" 40 16 --docs 10 >"$T/docs.jsonl"
	etv-index build "$T/x.etv" "$T/docs.jsonl"
	run --separate-stderr etv-index sync --prune --force "$T/x.etv" \
	    </dev/null
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"read no records: nothing pruned (10 of 10 documents would have gone)"* ]]
	[ "$(etv-index stats "$T/x.etv" | jf vectors)" = 40 ]
	[ "$(etv-index stats "$T/x.etv" | jf commit)" = 1 ]
}

@test "index: sync --prune refuses to prune past --max-prune N or P%" {
	python3 "$GEN" 40 16 --docs 20 >"$T/docs.jsonl"	# 2 chunks each
	etv-index build "$T/x.etv" "$T/docs.jsonl"
	# 3 of 20 documents not read (15%): over the default 10%.
	grep -v -E '"doc_id":"d(3|7|11)"' "$T/docs.jsonl" >"$T/s.jsonl"
	run --separate-stderr etv-index sync -v --prune "$T/x.etv" \
	    "$T/s.jsonl"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--prune would delete 3 of 20 documents (15%), more than --max-prune 10%: nothing pruned"* ]]
	[[ "$stderr" == *"--force or --max-prune 100%"* ]]
	[ "$(etv-index stats "$T/x.etv" | jf vectors)" = 40 ]
	run --separate-stderr etv-index sync --prune --max-prune 2 \
	    "$T/x.etv" "$T/s.jsonl"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"more than --max-prune 2:"* ]]
	run --separate-stderr etv-index sync -v --prune --max-prune 3 \
	    "$T/x.etv" "$T/s.jsonl"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"deleted 6"* ]]
	[ "$(etv-index stats "$T/x.etv" | jf vectors)" = 34 ]
	# Within the default bound: 1 of 17.
	grep -v -E '"doc_id":"d5"' "$T/s.jsonl" >"$T/s2.jsonl"
	run --separate-stderr etv-index sync --prune "$T/x.etv" \
	    "$T/s2.jsonl"
	[ "$status" -eq 0 ]
	[ "$(etv-index stats "$T/x.etv" | jf vectors)" = 32 ]
	# The rest of a refused sync is applied: d0 is re-chunked.
	grep -E '"doc_id":"d0"' "$T/docs.jsonl" | head -1 >"$T/s3.jsonl"
	run --separate-stderr etv-index sync -v --prune "$T/x.etv" \
	    "$T/s3.jsonl"
	[ "$status" -eq 1 ]
	[ "$(etv-index stats "$T/x.etv" | jf vectors)" = 31 ]
	run --separate-stderr etv-index sync --max-prune 5 "$T/x.etv" \
	    "$T/s3.jsonl"
	[ "$status" -eq 2 ]
}

@test "index: a change to a stored field reaches the index" {
	python3 "$GEN" 20 16 >"$T/c.jsonl"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    r["meta"]["category"] = "garden"
    print(json.dumps(r, separators=(",", ":")))' "$T/c.jsonl" >"$T/c1.jsonl"
	etv-index build "$T/x.etv" "$T/c1.jsonl"
	# Only meta.category of d3#0 changes; its hash stays the same.
	sed 's/"id":"d3#0"\(.*\)"garden"/"id":"d3#0"\1"kitchen"/' \
	    "$T/c1.jsonl" >"$T/c2.jsonl"
	! cmp -s "$T/c1.jsonl" "$T/c2.jsonl" || false
	run --separate-stderr etv-index add -v "$T/x.etv" "$T/c2.jsonl"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"added 0, replaced 1, unchanged 19, deleted 0"* ]]
	sed -n 1p "$T/c2.jsonl" | etv-index query -k 20 --exact \
	    --filter 'meta.category=kitchen' "$T/x.etv" | hit_ids >"$T/h"
	[ "$(cat "$T/h")" = "d3#0" ]
	run --separate-stderr etv-index add -v "$T/x.etv" "$T/c2.jsonl"
	[[ "$stderr" == *"replaced 0, unchanged 20"* ]]
}

@test "index: build refuses an existing index unless --force" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	cp "$T/x.etv" "$T/before.etv"
	head -18 "$T/a.jsonl" >"$T/s.jsonl"
	run --separate-stderr etv-index build "$T/x.etv" "$T/s.jsonl"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'$T/x.etv' exists: give --force to replace it, or use add or sync to update it"* ]]
	cmp "$T/x.etv" "$T/before.etv"
	run --separate-stderr etv-index build --force "$T/x.etv" "$T/s.jsonl"
	[ "$status" -eq 0 ]
	[ "$(etv-index stats "$T/x.etv" | jf vectors)" = 18 ]
}

@test "index: hits carry doc_id, start and end without --store" {
	mkdir -p "$T/docs"
	for i in 1 2 3; do
		printf 'Paragraph one of note %s about rotating keys.\n\nParagraph two of note %s about backups at night.\n' \
		    "$i" "$i" >"$T/docs/n$i.txt"
	done
	etv-extract "$T/docs" | etv-chunk -s 60 -o 0 | etv-embed \
	    | etv-index build --store text "$T/x.etv"
	echo '{"text":"backups at night"}' | etv-embed \
	    | etv-index query -k 2 --exact "$T/x.etv" >"$T/o"
	python3 -c '
import json, sys
for h in json.load(open(sys.argv[1]))["hits"]:
    assert h["doc_id"] in ("n1.txt", "n2.txt", "n3.txt"), h
    assert isinstance(h["start"], int) and h["end"] > h["start"], h
    assert "meta" not in h, h
    src = open(sys.argv[2] + "/" + h["doc_id"], "rb").read()
    assert src[h["start"]:h["end"]].decode() == h["text"], h' \
	    "$T/o" "$T/docs"
}

@test "index: dump --fields and --no-embedding" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	etv-index dump --no-embedding "$T/x.etv" | head -1 | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
assert list(r) == ["id", "text", "meta", "doc_id", "hash"], list(r)'
	etv-index dump --fields meta,hash "$T/x.etv" | head -1 | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
assert list(r) == ["id", "meta", "hash"], list(r)'
	[ "$(etv-index dump --fields text "$T/x.etv" | wc -l)" -eq 300 ]
	run --separate-stderr etv-index dump --fields ',x' "$T/x.etv"
	[ "$status" -eq 2 ]
	run --separate-stderr etv-index dump --docs --fields id "$T/x.etv"
	[ "$status" -eq 2 ]
}

@test "index: dump --docs lists the documents with their chunk counts" {
	python3 "$GEN" 10 16 --docs 4 >"$T/docs.jsonl"
	etv-index build "$T/x.etv" "$T/docs.jsonl"
	echo '"d1#2"' | etv-index delete "$T/x.etv"
	run --separate-stderr etv-index dump --docs "$T/x.etv"
	[ "$status" -eq 0 ]
	[ "$output" = '{"doc_id":"d0","chunks":3}
{"doc_id":"d1","chunks":2}
{"doc_id":"d2","chunks":2}
{"doc_id":"d3","chunks":2}' ]
}

@test "index: delete --by doc_id removes whole documents" {
	python3 "$GEN" 12 16 --docs 4 >"$T/docs.jsonl"
	etv-index build "$T/x.etv" "$T/docs.jsonl"
	run --separate-stderr etv-index delete -v --by doc_id "$T/x.etv" \
	    < <(printf '"d1"\n{"doc_id":"d3"}\n"d9"\n')
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"doc_id 'd9' is not in the index"* ]]
	[[ "$stderr" == *"deleted 6, not found 1"* ]]
	[ "$(etv-index dump --docs "$T/x.etv" | wc -l)" -eq 2 ]
	run --separate-stderr etv-index delete --by meta "$T/x.etv" </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"groups rows by 'doc_id', not 'meta'"* ]]
}

@test "index: deleting an unknown id is reported and counted" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index delete -v "$T/x.etv" \
	    < <(printf '"d1#0"\n"nope#0"\n')
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"<stdin>:2: id 'nope#0' is not in the index"* ]]
	[[ "$stderr" == *"deleted 1, not found 1"* ]]
	# Many: the first ten, then a count.
	run --separate-stderr etv-index delete "$T/x.etv" \
	    < <(for i in $(seq 25); do echo "\"x$i\""; done)
	[ "$status" -eq 0 ]
	[ "$(grep -c 'is not in the index' <<<"$stderr")" -eq 10 ]
	[[ "$stderr" == *"15 more ids were not in the index"* ]]
	run --separate-stderr etv-index delete -q "$T/x.etv" <<<'"nope"'
	[ -z "$stderr" ]
}

@test "index: stats --verify-recall writes the keys the man page names" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	run --separate-stderr etv-index stats -k 5 --verify-recall 20 \
	    "$T/x.etv"
	[ "$status" -eq 0 ]
	[ "$(jf recall_queries <<<"$output")" = 20 ]
	jf recall_at_5 <<<"$output"
	grep -q 'recall_at_10' "$BATS_TEST_DIRNAME/../man/etv-index.1"
	grep -q 'recall_queries' "$BATS_TEST_DIRNAME/../man/etv-index.1"
}

@test "index: a failed command on a missing index leaves no lock file" {
	mkdir "$T/w"
	cd "$T/w"
	run --separate-stderr etv-index delete nope.etv <<<'"a"'
	[ "$status" -eq 4 ]
	run --separate-stderr etv-index add nope.etv <<<'{"id":"x"}'
	[ "$status" -eq 3 ]
	run --separate-stderr etv-index compact nope.etv
	[ "$status" -eq 4 ]
	run --separate-stderr etv-index merge nope.etv none.etv
	[ "$status" -eq 4 ]
	[ -z "$(ls)" ]
	# A lock file beside an index stays.
	etv-index build x.etv "$T/a.jsonl"
	[ -e x.etv.lock ]
	run --separate-stderr etv-index add x.etv <<<'{"id":"x"}'
	[ -e x.etv.lock ]
}

@test "index: records of other dimensions are summed up, not listed" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	python3 "$GEN" 40 8 --prefix m >"$T/m.jsonl"
	run --separate-stderr etv-index add "$T/x.etv" "$T/m.jsonl"
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$stderr")" -eq 2 ]
	[[ "$stderr" == *"m.jsonl:1: embedding has 8 dimensions, the index has 16"* ]]
	[[ "$stderr" == *"39 more records rejected: their embeddings do not have the index's 16 dimensions"* ]]
	run --separate-stderr etv-index add --rejects "$T/r.jsonl" "$T/x.etv" \
	    "$T/m.jsonl"
	[ "$(wc -l <"$T/r.jsonl")" -eq 40 ]
}

@test "index: a record without an embedding points to etv embed" {
	run --separate-stderr etv-index add "$T/x.etv" <<<'{"id":"a"}'
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"field 'embedding' is missing (embed the records first: etv embed)"* ]]
}

@test "index --stats: the verb, what it did, and the index's rows and segments" {
	local s="$T/st.json"
	etv-index build --stats "$s" "$T/i.etv" "$T/a.jsonl"
	[ "$(jq -c '[.verb, .read, .added, .replaced, .deleted, .live, .segments]' "$s")" = \
	    '["build",300,300,0,0,300,1]' ]
	head -n 10 "$T/a.jsonl" | etv-index delete --stats "$s" "$T/i.etv"
	[ "$(jq -c '[.verb, .deleted, .not_found, .live, .segments]' "$s")" = \
	    '["delete",10,0,290,2]' ]
	etv-index stats --stats "$s" "$T/i.etv" >"$T/out"
	[ "$(jq -c '[.verb, .live, .segments]' "$s")" = \
	    "$(jq -c '["stats", .vectors, .segments]' "$T/out")" ]
	etv-index compact --stats "$s" "$T/i.etv"
	[ "$(jq -c '[.verb, .rows, .live, .segments]' "$s")" = '["compact",290,290,1]' ]
	head -n 3 "$T/a.jsonl" | etv-index query --stats "$s" "$T/i.etv" >/dev/null
	[ "$(jq -c '[.verb, .read, .written]' "$s")" = '["query",3,3]' ]
	# A verb that fails still writes the file, with its status.
	run --separate-stderr etv-index stats --stats "$s" "$T/none.etv"
	[ "$status" -eq 4 ]
	[ "$(jq -c '[.verb, .status]' "$s")" = '["stats",4]' ]
}
