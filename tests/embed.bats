#!/usr/bin/env bats
# embed.bats -- behaviour of etv-embed(1)

load test_helper

F=fixtures/embed/texts.jsonl

setup() {
	MOCK_PID=
	MNT=
	unset ETV_API_KEY OPENAI_API_KEY
}

teardown() {
	if [ -n "$MOCK_PID" ]; then
		kill "$MOCK_PID" 2>/dev/null || true
		wait "$MOCK_PID" 2>/dev/null || true
	fi
	if [ -n "$MNT" ]; then
		umount "$MNT" 2>/dev/null || true
	fi
}

# Flip bit $3 of every vector blob (in any table) of the cache $1, in
# rows $2 (a Python slice such as ':' or '::2').
flip_vectors() {
	python3 - "$1" "$2" "$3" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
    info = db.execute("PRAGMA table_info(%s)" % t).fetchall()
    if "vec" not in [r[1] for r in info]:
        continue
    key = [r[1] for r in info if r[5]] or ["rowid"]
    rows = db.execute("SELECT vec, %s FROM %s ORDER BY %s" %
                      (",".join(key), t, ",".join(key))).fetchall()
    for r in eval("rows[%s]" % sys.argv[2]):
        b = bytearray(r[0])
        b[int(sys.argv[3]) // 8 % len(b)] ^= 1 << (int(sys.argv[3]) % 8)
        db.execute("UPDATE %s SET vec = ? WHERE %s" % (t, " AND ".join(
            "%s = ?" % k for k in key)), (bytes(b),) + tuple(r[1:]))
db.commit()
PY
}

# Start the mock server with the given options; sets URL and STATS.
start_mock() {
	local pf="$BATS_TEST_TMPDIR/port" i
	rm -f "$pf"
	python3 helpers/mock_embed_server.py --port-file "$pf" --lifetime 60 \
	    "$@" 3>&- &
	MOCK_PID=$!
	for i in $(seq 200); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	[ -s "$pf" ]
	URL="http://127.0.0.1:$(cat "$pf")/v1"
	STATS="http://127.0.0.1:$(cat "$pf")/stats"
}

# One counter of the mock server: requests, inputs, batches, auth ...
stat() {
	python3 -c 'import json, sys, urllib.request
print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1]))[sys.argv[2]]))' \
	    "$STATS" "$1"
}

# A field of every output line, one per line, as JSON.
field() {
	python3 -c 'import json, sys
for l in sys.stdin:
    print(json.dumps(json.loads(l).get(sys.argv[1]), ensure_ascii=False))' "$1"
}

# Cosine similarity of the vectors of lines $1 and $2 (1-based) of stdin.
cosine() {
	python3 -c 'import json, math, sys
v = [json.loads(l)["embedding"] for l in sys.stdin]
a, b = v[int(sys.argv[1]) - 1], v[int(sys.argv[2]) - 1]
print("%.6f" % sum(x * y for x, y in zip(a, b)))' "$1" "$2"
}

mkmodel() {
	python3 helpers/mkmodel.py "$@"
}

@test "embed: no arguments: the hash model, 384 unit-length dimensions" {
	run --separate-stderr etv-embed <<<'{"id":"a","text":"hello world","n":1.50}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" == '{"id":"a","text":"hello world","n":1.50,"embedding":['* ]]
	[[ "$output" == *'],"embedding_model":"hash:v2/384"}' ]]
	run python3 -c 'import json, math, sys
v = json.loads(sys.argv[1])["embedding"]
print(len(v), round(math.sqrt(sum(x * x for x in v)), 5))' "$output"
	[ "$output" = "384 1.0" ]
}

@test "embed: other fields pass through byte for byte" {
	local in='{"id":"x","meta":{"t":"caf\u00e9","n":1e2},"text":"a b"}'
	run --separate-stderr etv-embed -d 4 <<<"$in"
	[ "$status" -eq 0 ]
	[[ "$output" == "${in%\}},\"embedding\":["* ]]
}

@test "embed: an existing embedding is replaced, not repeated" {
	run --separate-stderr etv-embed -d 4 \
	    <<<'{"text":"a b","embedding":[1],"embedding_model":"old"}'
	[ "$status" -eq 0 ]
	run python3 -c 'import json, sys
r = json.loads(sys.argv[1]); print(len(r["embedding"]), r["embedding_model"])' \
	    "$output"
	[ "$output" = "4 hash:v2/4" ]
}

@test "embed: an existing embedding keeps its place" {
	run --separate-stderr etv-embed -d 2 \
	    <<<'{"a":1,"embedding":[1],"text":"a b","embedding_model":"x","z":2}'
	[ "$status" -eq 0 ]
	[[ "$output" == '{"a":1,"embedding":['*'],"text":"a b","embedding_model":"hash:v2/2","z":2}' ]]
}

@test "embed: the hash model is deterministic, whatever -j is" {
	etv-embed "$F" >"$BATS_TEST_TMPDIR/a"
	etv-embed "$F" >"$BATS_TEST_TMPDIR/b"
	etv-embed -j 2 "$F" >"$BATS_TEST_TMPDIR/c"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/a")" -eq 10 ]
}

@test "embed: hash vectors of a real corpus do not depend on the records before" {
	# Vectors once depended on earlier records ("getmaxyx" after
	# "getmaxy" got the vector of "getmaxy"): -j changed them.  The
	# man pages of section 3 (troff source, cut into files of 2000
	# lines, extracted and chunked) hold such words.
	local d="$BATS_TEST_TMPDIR" n
	n=$(find /usr/share/man/man3 -name '*.gz' 2>/dev/null | wc -l)
	[ "$n" -ge 500 ] || skip "no man pages of section 3"
	mkdir "$d/man"
	find /usr/share/man/man3 -name '*.gz' | sort | xargs zcat |
	    split -l 2000 - "$d/man/part."
	etv-extract --type text "$d/man" | etv-chunk >"$d/corpus"
	[ "$(wc -l <"$d/corpus")" -ge 10000 ]
	etv-embed -d 32 "$d/corpus" >"$d/stream"
	etv-embed -d 32 -j 2 "$d/corpus" >"$d/j2"
	cmp "$d/stream" "$d/j2"
	etv-embed -d 32 -j 3 "$d/corpus" >"$d/j3"
	cmp "$d/stream" "$d/j3"
	tac "$d/corpus" | etv-embed -d 32 | tac >"$d/reversed"
	cmp "$d/stream" "$d/reversed"
	# In eight pieces, each by a process of its own.
	split -n l/8 "$d/corpus" "$d/piece."
	for n in "$d"/piece.*; do
		etv-embed -d 32 "$n"
	done >"$d/pieces"
	cmp "$d/stream" "$d/pieces"
	# One record at a time, for every 1000th record.
	awk 'NR % 1000 == 1' "$d/corpus" | while IFS= read -r n; do
		printf '%s\n' "$n" | etv-embed -d 32
	done >"$d/one"
	awk 'NR % 1000 == 1' "$d/stream" | cmp - "$d/one"
}

@test "embed: hash vectors reflect shared words, not meaning" {
	run bash -c 'printf "%s\n" "{\"text\":\"the cat sat on the mat\"}" \
	    "{\"text\":\"The cat sat on a mat.\"}" \
	    "{\"text\":\"quarterly stock market prices fell\"}" | etv-embed'
	[ "$status" -eq 0 ]
	near=$(cosine 1 2 <<<"$output")
	far=$(cosine 1 3 <<<"$output")
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) > 0.7 > 0.2 > float(sys.argv[2]))' "$near" "$far"
}

@test "embed: hash normalises with NFKC and case folding" {
	run bash -c 'printf "%s\n" "{\"text\":\"HELLO \\ufb01ne STRASSE\"}" \
	    "{\"text\":\"hello fine straße\"}" | etv-embed -d 32 | cut -d[ -f2'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "${lines[1]}" ]
}

@test "embed: --vector-format base64 holds the same float32 values" {
	etv-embed -d 64 "$F" >"$BATS_TEST_TMPDIR/json"
	etv-embed -d 64 --vector-format base64 "$F" >"$BATS_TEST_TMPDIR/b64"
	grep -q '"embedding":"' "$BATS_TEST_TMPDIR/b64"
	field embedding <"$BATS_TEST_TMPDIR/json" >"$BATS_TEST_TMPDIR/ref"
	run python3 helpers/vecdiff.py "$BATS_TEST_TMPDIR/b64" \
	    "$BATS_TEST_TMPDIR/ref" 0
	[ "$status" -eq 0 ]
}

@test "embed: --prefix is embedded before the text" {
	a=$(echo '{"text":"how to rotate keys"}' | etv-embed --prefix 'query: ' |
	    field embedding)
	b=$(echo '{"text":"query: how to rotate keys"}' | etv-embed |
	    field embedding)
	c=$(echo '{"text":"how to rotate keys"}' | etv-embed | field embedding)
	[ "$a" = "$b" ]
	[ "$a" != "$c" ]
}

@test "embed: --text-field names the text" {
	a=$(echo '{"body":"some words"}' | etv-embed --text-field body |
	    field embedding)
	b=$(echo '{"text":"some words"}' | etv-embed | field embedding)
	[ "$a" = "$b" ]
}

@test "embed: empty text gets a warning and a zero vector" {
	run --separate-stderr etv-embed -d 3 <<<'{"id":"e","text":"  "}'
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"e","text":"  ","embedding":[0.0,0.0,0.0],"embedding_model":"hash:v2/3"}' ]
	[ "$stderr" = "etv-embed: <stdin>:1: field 'text' is empty: writing a zero vector" ]
}

@test "embed: --on-empty reject sends empty records to --rejects" {
	run --separate-stderr etv-embed -d 3 --on-empty reject \
	    --rejects "$BATS_TEST_TMPDIR/rej" <<<$'{"id":"1","text":"x"}\n{"id":"2","text":""}'
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/rej")" = '{"id":"2","text":""}' ]
	[[ "$stderr" == *"<stdin>:2: field 'text' is empty"* ]]
}

@test "embed: a record without text is malformed (status 3, FILE:LINE)" {
	run --separate-stderr etv-embed "$F" - <<<'{"id":"z"}'
	[ "$status" -eq 3 ]
	[ "$stderr" = "etv-embed: <stdin>:1: field 'text' is missing" ]
	[ "${#lines[@]}" -eq 10 ]
	run --separate-stderr etv-embed --rejects "$BATS_TEST_TMPDIR/r" \
	    <<<$'{"text":7}\n{"text":"ok"}'
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/r")" = '{"text":7}' ]
}

@test "embed: bad options are usage errors" {
	run --separate-stderr etv-embed -m bogus </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown model 'bogus'"* ]]
	run --separate-stderr etv-embed --vector-format xml </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-embed --url http://x </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-embed -d 0 </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-embed --on-empty maybe </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-embed -m openai:x -d 8 </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'--dims' is for the hash model"* ]]
	run --separate-stderr etv-embed --max-tokens 8 </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-embed --timeout 0 </dev/null
	[ "$status" -eq 2 ]
}

@test "embed: model2vec matches the Python reference to 1e-6" {
	local d="$BATS_TEST_TMPDIR" v
	for v in "--dtype F32" "--dtype F16" "--dtype I8 --weights" \
	    "--mapping --weights --normalize false" \
	    "--tensor-name embedding.weight --normalize none"; do
		rm -rf "$d/m"
		# shellcheck disable=SC2086
		mkmodel "$d/m" --dims 24 $v
		etv-embed -m "model2vec:$d/m" "$F" >"$d/out"
		python3 helpers/m2v_ref.py "$d/m" <"$F" >"$d/ref"
		run python3 helpers/vecdiff.py "$d/out" "$d/ref" 1e-6
		echo "$v: $output"
		[ "$status" -eq 0 ]
	done
}

@test "embed: model2vec --max-tokens and --prefix match the reference" {
	local d="$BATS_TEST_TMPDIR"
	mkmodel "$d/m" --dims 8
	etv-embed -m "model2vec:$d/m" --max-tokens 3 --prefix 'query: ' "$F" \
	    >"$d/out"
	python3 helpers/m2v_ref.py "$d/m" --max-tokens 3 --prefix 'query: ' \
	    <"$F" >"$d/ref"
	run python3 helpers/vecdiff.py "$d/out" "$d/ref" 1e-6
	[ "$status" -eq 0 ]
	etv-embed -m "model2vec:$d/m" "$F" >"$d/full"
	! cmp -s "$d/out" "$d/full" || false
}

@test "embed: model2vec names the model with dims and a digest" {
	local d="$BATS_TEST_TMPDIR"
	mkmodel "$d/potion" --dims 8 --seed 1
	a=$(echo '{"text":"hello"}' | etv-embed -m "model2vec:$d/potion/" |
	    field embedding_model)
	[[ "$a" =~ ^\"model2vec:potion/8@xxh3:[0-9a-f]{16}\"$ ]]
	mkmodel "$d/potion" --dims 8 --seed 2
	b=$(echo '{"text":"hello"}' | etv-embed -m "model2vec:$d/potion" |
	    field embedding_model)
	[ "$a" != "$b" ]
}

@test "embed: model2vec is the same with -j 2" {
	local d="$BATS_TEST_TMPDIR"
	mkmodel "$d/m" --dims 8
	etv-embed -m "model2vec:$d/m" "$F" >"$d/a"
	etv-embed -m "model2vec:$d/m" -j 2 "$F" >"$d/b"
	cmp "$d/a" "$d/b"
}

@test "embed: a text without known tokens gives a zero vector" {
	local d="$BATS_TEST_TMPDIR"
	mkmodel "$d/m" --dims 4
	run --separate-stderr etv-embed -m "model2vec:$d/m" \
	    <<<'{"text":"\u2603\u2603 \u2603"}'
	[ "$status" -eq 0 ]
	[[ "$output" == *'"embedding":[0.0,0.0,0.0,0.0]'* ]]
}

@test "embed: a damaged model is a clear error (status 4), not a crash" {
	local d="$BATS_TEST_TMPDIR" st="$BATS_TEST_TMPDIR/m/model.safetensors"
	mkmodel "$d/m" --dims 8
	cp "$st" "$d/good"
	# Truncated data.
	head -c 2000 "$d/good" >"$st"
	run --separate-stderr etv-embed -m "model2vec:$d/m" <"$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"tensor 'embeddings': data lies outside the file"* ]]
	[ -z "$output" ]
	# A header length beyond the end of the file.
	printf '\377\377\377\377\000\000\000\000{}' >"$st"
	run --separate-stderr etv-embed -m "model2vec:$d/m" <"$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"header length is beyond the end of the file"* ]]
	# Too short, garbage header, lying shape.
	printf 'abc' >"$st"
	run --separate-stderr etv-embed -m "model2vec:$d/m" <"$F"
	[ "$status" -eq 4 ]
	printf '\010\000\000\000\000\000\000\000nonsense' >"$st"
	run --separate-stderr etv-embed -m "model2vec:$d/m" <"$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"header is not a JSON object"* ]]
	python3 - "$d/good" "$st" <<-'EOF'
	import json, struct, sys
	raw = open(sys.argv[1], "rb").read()
	n = struct.unpack("<Q", raw[:8])[0]
	h = json.loads(raw[8:8 + n])
	h["embeddings"]["shape"][0] += 1
	hb = json.dumps(h).encode()
	open(sys.argv[2], "wb").write(struct.pack("<Q", len(hb)) + hb + raw[8 + n:])
	EOF
	run --separate-stderr etv-embed -m "model2vec:$d/m" <"$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"shape does not match its data size"* ]]
	# Missing files.
	cp "$d/good" "$st"
	rm "$d/m/tokenizer.json"
	run --separate-stderr etv-embed -m "model2vec:$d/m" <"$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"tokenizer.json"* ]]
	run --separate-stderr etv-embed -m "model2vec:$d/nowhere" <"$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"cannot open"* ]]
}

@test "embed: openai: vectors in input order, key from the environment" {
	start_mock --dims 8
	run --separate-stderr env ETV_API_KEY=s3cret-key etv-embed -vv \
	    -m openai:mock --url "$URL" "$F"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 10 ]
	[[ "$output" != *s3cret* && "$stderr" != *s3cret* ]]
	[ "$(stat auth)" = '"Bearer s3cret-key"' ]
	[ "$(field embedding_model <<<"${lines[0]}")" = '"openai:mock/8"' ]
	# Each record has the vector of its own text.
	python3 -c 'import json, sys
sys.path.insert(0, "helpers")
import mock_embed_server as m, vecdiff
for l in sys.argv[1:]:
    r = json.loads(l)
    assert vecdiff.vec(r["embedding"]) == m.vector(r["text"], 8), r["id"]' \
	    "${lines[@]}"
	run env OPENAI_API_KEY=other etv-embed -m openai:mock --url "$URL" \
	    <<<'{"text":"x"}'
	[ "$(stat auth)" = '"Bearer other"' ]
}

@test "embed: openai: batches by count and by characters" {
	start_mock
	# One request at a time: the server logs batches in the order they
	# arrive, which concurrent requests do not keep.
	run etv-embed -m openai:mock --url "$URL" --batch 3 --concurrency 1 "$F"
	[ "$status" -eq 0 ]
	[ "$(stat batches)" = "[3, 3, 3, 1]" ]
	[ "$(stat inputs)" = 10 ]
	teardown
	start_mock
	run etv-embed -m openai:mock --url "$URL" --batch-chars 60 "$F"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 10 ]
	# No request over 60 characters unless a text alone is longer.
	[ "$(stat requests)" -ge 6 ]
}

@test "embed: openai: output order is input order at any concurrency" {
	start_mock --mode jitter --delay 0.2
	etv-embed -m openai:mock --url "$URL" --batch 1 --concurrency 6 "$F" \
	    >"$BATS_TEST_TMPDIR/par"
	etv-embed -m openai:mock --url "$URL" --batch 10 --concurrency 1 "$F" \
	    >"$BATS_TEST_TMPDIR/ser"
	cmp "$BATS_TEST_TMPDIR/par" "$BATS_TEST_TMPDIR/ser"
}

@test "embed: openai: --dimensions is sent and checked" {
	start_mock --dims 8
	run --separate-stderr etv-embed -m openai:mock --url "$URL" \
	    --dimensions 5 <<<'{"text":"x"}'
	[ "$status" -eq 0 ]
	[ "$(stat dimensions)" = 5 ]
	[ "$(field embedding_model <<<"$output")" = '"openai:mock/5"' ]
}

@test "embed: openai: reversed items and float arrays are accepted" {
	start_mock --mode reversed
	etv-embed -m openai:mock --url "$URL" "$F" >"$BATS_TEST_TMPDIR/rev"
	teardown
	start_mock --mode floats
	etv-embed -m openai:mock --url "$URL" "$F" >"$BATS_TEST_TMPDIR/flt"
	teardown
	start_mock
	etv-embed -m openai:mock --url "$URL" "$F" >"$BATS_TEST_TMPDIR/ok"
	cmp "$BATS_TEST_TMPDIR/rev" "$BATS_TEST_TMPDIR/ok"
	cmp "$BATS_TEST_TMPDIR/flt" "$BATS_TEST_TMPDIR/ok"
}

@test "embed: openai: 429 waits for Retry-After, then succeeds" {
	start_mock --mode 429 --fail 1 --retry-after 1
	SECONDS=0
	run --separate-stderr etv-embed -m openai:mock --url "$URL" "$F"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 10 ]
	[ "$SECONDS" -ge 1 ]
	[ "$(stat requests)" = 2 ]
}

@test "embed: openai: 500 is retried with backoff" {
	start_mock --mode 500 --fail 2
	run --separate-stderr etv-embed -m openai:mock --url "$URL" \
	    --retries 2 "$F"
	[ "$status" -eq 0 ]
	[ "$(stat requests)" = 3 ]
}

@test "embed: openai: 400 is not retried" {
	start_mock --mode 400
	run --separate-stderr etv-embed -m openai:mock --url "$URL" "$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"HTTP 400"*"(after 1 attempt)"* ]]
	[ "$(stat requests)" = 1 ]
}

@test "embed: openai: a failing batch stops the run after complete records" {
	start_mock --mode 500 --skip 2
	run --separate-stderr etv-embed -m openai:mock --url "$URL" \
	    --batch 2 --concurrency 1 --retries 1 "$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"<stdin>:5: embedding request failed: HTTP 500"* ||
	    "$stderr" == *"texts.jsonl:5: embedding request failed: HTTP 500"* ]]
	[ "${#lines[@]}" -eq 4 ]
	for l in "${lines[@]}"; do
		[[ "$l" == *'"embedding_model":"openai:mock/8"}' ]]
	done
}

@test "embed: openai: with --rejects a failing batch goes there (status 1)" {
	start_mock --mode 500 --skip 1 --fail 1
	run --separate-stderr etv-embed -m openai:mock --url "$URL" \
	    --batch 4 --concurrency 1 --retries 0 \
	    --rejects "$BATS_TEST_TMPDIR/rej" "$F"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 6 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rej")" -eq 4 ]
	[ "$(field id <"$BATS_TEST_TMPDIR/rej" | tr -d '"\n')" = 5678 ]
	[[ "$stderr" == *"texts.jsonl:5: embedding request failed: HTTP 500"* ]]
}

@test "embed: openai: invalid responses are errors, never bad vectors" {
	local m
	for m in malformed count index dims nan close; do
		start_mock --mode "$m"
		run --separate-stderr etv-embed -m openai:mock --url "$URL" \
		    --retries 0 "$F"
		echo "$m: $stderr"
		[ "$status" -eq 4 ]
		[ -z "$output" ]
		case $m in
		malformed) [[ "$stderr" == *"response is not JSON"* ]] ;;
		count) [[ "$stderr" == *"9 embeddings for 10 inputs"* ]] ;;
		index) [[ "$stderr" == *"bad or repeated index"* ]] ;;
		dims) [[ "$stderr" == *"differ in size"* ]] ;;
		nan) [[ "$stderr" == *"response"* ]] ;;
		close) [[ "$stderr" == *"returned nothing"* ]] ;;
		esac
		teardown
		MOCK_PID=
	done
}

@test "embed: openai: a request over --timeout fails" {
	start_mock --mode slow --delay 3
	SECONDS=0
	run --separate-stderr etv-embed -m openai:mock --url "$URL" \
	    --timeout 0.3 --retries 1 <<<'{"text":"x"}'
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"imeout"*"(after 2 attempts)"* ]]
	[ "$SECONDS" -lt 3 ]
}

@test "embed: openai: the cache makes a re-run call nothing" {
	local c="$BATS_TEST_TMPDIR/cache.db"
	start_mock
	etv-embed -m openai:mock --url "$URL" --cache "$c" "$F" \
	    >"$BATS_TEST_TMPDIR/one"
	[ "$(stat inputs)" = 10 ]
	run --separate-stderr etv-embed -v -m openai:mock --url "$URL" \
	    --cache "$c" "$F"
	[ "$status" -eq 0 ]
	[ "$(stat requests)" = 1 ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/one")" ]
	[[ "$stderr" == *"cache: 10 hits, 0 misses"* ]]
	# One changed text is the only one sent.
	sed 's/lazy dog/lazy cat/' "$F" >"$BATS_TEST_TMPDIR/changed"
	run --separate-stderr etv-embed -v -m openai:mock --url "$URL" \
	    --cache "$c" "$BATS_TEST_TMPDIR/changed"
	[ "$status" -eq 0 ]
	[ "$(stat inputs)" = 11 ]
	[[ "$stderr" == *"cache: 9 hits, 1 misses"* ]]
}

@test "embed: the cache serves local models too, and keys by model" {
	local c="$BATS_TEST_TMPDIR/cache.db"
	etv-embed --cache "$c" "$F" >"$BATS_TEST_TMPDIR/one"
	run --separate-stderr etv-embed -v --cache "$c" "$F"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/one")" ]
	[[ "$stderr" == *"cache: 10 hits, 0 misses"* ]]
	[[ "$stderr" == *"model: 0 texts embedded"* ]]
	[ "$output" = "$(etv-embed "$F")" ]
	run --separate-stderr etv-embed -v -d 8 --cache "$c" "$F"
	[[ "$stderr" == *"cache: 0 hits, 10 misses"* ]]
}

@test "embed: two processes can share one cache" {
	local c="$BATS_TEST_TMPDIR/cache.db"
	etv-embed --cache "$c" "$F" >"$BATS_TEST_TMPDIR/a" &
	etv-embed --cache "$c" --prefix 'p: ' "$F" >"$BATS_TEST_TMPDIR/b" &
	wait
	run --separate-stderr etv-embed -v --cache "$c" --prefix 'p: ' "$F"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/b")" ]
	[[ "$stderr" == *"cache: 10 hits"* ]]
}

@test "embed: hash vectors are stable across builds and machines" {
	# A change here changes every stored vector: bump HASHEMBED_VERSION.
	run --separate-stderr etv-embed -d 16 "$F"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat fixtures/embed/hash-d16.jsonl)" ]
}

@test "embed: a model vector that is not finite is rejected, never written" {
	local d="$BATS_TEST_TMPDIR"
	mkmodel "$d/m" --dims 8 --nan fox
	# Without --rejects: status 4, the records before it written.
	run --separate-stderr etv-embed -m "model2vec:$d/m" \
	    <<<'{"id":"1","text":"hello"}
{"id":"2","text":"the quick brown fox"}
{"id":"3","text":"lazy dog"}'
	[ "$status" -eq 4 ]
	[[ "$stderr" == *":2: the model gave a vector with values that are not finite"* ]]
	[ "$(printf '%s\n' "$output" | field id)" = '"1"' ]
	[ -z "$(grep -Eio '[[,]-?(nan|inf)' <<<"$output")" ]
	# With --rejects, at -j 2 and through the cache: into the rejects
	# file, and never cached.
	for o in "-j 2" "--cache $d/c.db" "--cache $d/c.db"; do
		run --separate-stderr etv-embed -m "model2vec:$d/m" $o \
		    --rejects "$d/rej" "$F"
		[ "$status" -eq 4 ]
		[ -z "$(grep -Eio '[[,]-?(nan|inf)' <<<"$output")" ]
		[ "$(wc -l <"$d/rej")" -eq 1 ]
		grep -q 'quick brown fox' "$d/rej"
		[ "$(printf '%s\n' "$output" | wc -l)" -eq 9 ]
	done
}

@test "embed: a damaged cache entry is a miss with a warning, then replaced" {
	local c="$BATS_TEST_TMPDIR/cache.db"
	etv-embed "$F" >"$BATS_TEST_TMPDIR/ref"
	etv-embed --cache "$c" "$F" >/dev/null
	flip_vectors "$c" '::3' 9
	run --separate-stderr etv-embed -v --cache "$c" "$F"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/ref")" ]
	[[ "$stderr" == *"cache '$c': damaged entry"* ]]
	[[ "$stderr" == *"4 damaged entries were embedded again"* ]]
	[[ "$stderr" == *"cache: 6 hits, 4 misses"* ]]
	run --separate-stderr etv-embed -v --cache "$c" "$F"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/ref")" ]
	[[ "$stderr" != *damaged* ]]
	[[ "$stderr" == *"cache: 10 hits, 0 misses"* ]]
}

@test "embed: a bit-flipped or truncated cache never serves a wrong vector" {
	local d="$BATS_TEST_TMPDIR" size k
	etv-embed "$F" >"$d/ref"
	etv-embed --cache "$d/good.db" "$F" >/dev/null
	size=$(wc -c <"$d/good.db")
	for k in $(seq 1 30); do
		cp "$d/good.db" "$d/c.db"
		python3 -c 'import sys
f = open(sys.argv[1], "r+b"); o = int(sys.argv[2])
f.seek(o); b = f.read(1); f.seek(o); f.write(bytes([b[0] ^ 0x10]))' \
		    "$d/c.db" $((size * k / 31))
		run --separate-stderr etv-embed --cache "$d/c.db" "$F"
		[ "$status" -eq 0 ] || { echo "offset $((size * k / 31)): $stderr"; false; }
		[ "$output" = "$(cat "$d/ref")" ] ||
		    { echo "offset $((size * k / 31)): wrong vectors"; false; }
	done
	# Truncated: a miss or no cache, with a warning; never status 4.
	for k in 100 4096 $((size / 2)) $((size - 1000)); do
		rm -f "$d/c.db"*
		head -c "$k" "$d/good.db" >"$d/c.db"
		run --separate-stderr etv-embed --cache "$d/c.db" "$F"
		[ "$status" -eq 0 ] || { echo "truncated to $k: $stderr"; false; }
		[ "$output" = "$(cat "$d/ref")" ]
	done
}

@test "embed: a full cache disk warns once and every record is embedded" {
	local d="$BATS_TEST_TMPDIR"
	MNT="$d/small"
	mkdir "$MNT"
	mount -t tmpfs -o size=64k none "$MNT" 2>/dev/null ||
	    { MNT=; skip "cannot mount a tmpfs"; }
	awk 'BEGIN { for (i = 0; i < 3000; i++)
	    printf "{\"id\":\"%d\",\"text\":\"record %d of many\"}\n", i, i }' \
	    >"$d/in"
	etv-embed "$d/in" >"$d/ref"
	run --separate-stderr etv-embed --cache "$MNT/c.db" "$d/in"
	[ "$status" -eq 0 ]
	cmp "$d/ref" <(printf '%s\n' "$output")
	[ "$(grep -c 'going on without caching' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"cache '$MNT/c.db' cannot be written ("*"full)"* ]]
	# The entries written before are served.
	run --separate-stderr etv-embed -v --cache "$MNT/c.db" "$d/in"
	[ "$status" -eq 0 ]
	cmp "$d/ref" <(printf '%s\n' "$output")
	[[ "$stderr" =~ cache:\ [1-9][0-9]*\ hits ]] ||
	    [[ "$stderr" == *"going on without caching"* ]]
	# A disk full before the cache is created.
	dd if=/dev/zero of="$MNT/fill" bs=4k count=100 2>/dev/null || true
	run --separate-stderr etv-embed --cache "$MNT/new.db" "$d/in"
	[ "$status" -eq 0 ]
	cmp "$d/ref" <(printf '%s\n' "$output")
	[ "$(grep -c 'going on without caching' <<<"$stderr")" -eq 1 ]
}

@test "embed: the cache grows by about the size of a vector per entry" {
	# Entries used to live in the key's B-tree, each spilling to an
	# overflow page (4.7 KB for a 1.5 KB vector) and inserted at random
	# places, so a write cost more the larger the cache was (11 s for
	# 100k records, 178 s for 1M).  Now rows are appended.
	local d="$BATS_TEST_TMPDIR"
	awk 'BEGIN { for (i = 0; i < 2000; i++)
	    printf "{\"id\":\"%d\",\"text\":\"record %d of many\"}\n", i, i }' \
	    >"$d/in"
	etv-embed --cache "$d/c.db" "$d/in" >/dev/null
	[ "$(wc -c <"$d/c.db")" -lt $((2000 * 2400)) ]
	run sqlite3 "$d/c.db" "EXPLAIN QUERY PLAN SELECT vec FROM vectors
	    WHERE h1 = 1 AND h2 = 2"
	[[ "$output" == *"USING INDEX"* ]]
}

@test "embed: openai: an error body that echoes the key does not print it" {
	start_mock --mode echo-auth
	export ETV_API_KEY=sk-test-Very5ecretKey0123456789
	run --separate-stderr etv-embed -m openai:mock --url "$URL" \
	    --retries 0 "$F"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"HTTP 401"* ]]
	[[ "$stderr" != *Very5ecret* && "$stderr" != *0123456789* ]]
	[[ "$stderr" == *"Bearer ****"* ]]
}

@test "embed: openai: the cache does not store credentials of --url" {
	local c="$BATS_TEST_TMPDIR/cache.db"
	start_mock
	etv-embed -m openai:mock --url "${URL/http:\/\//http://bob:hunter2@}" \
	    --cache "$c" "$F" >"$BATS_TEST_TMPDIR/one"
	[ "$(stat inputs)" = 10 ]
	[ "$(cat "$c"* | grep -a -c hunter2)" -eq 0 ]
	run sqlite3 "$c" "SELECT DISTINCT model FROM vectors"
	[[ "$output" == "openai:mock@http://***@127.0.0.1:"* ]]
	# Other credentials, the same endpoint: the same entries.
	run --separate-stderr etv-embed -v -m openai:mock \
	    --url "${URL/http:\/\//http://eve:pw@}" --cache "$c" "$F"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/one")" ]
	[[ "$stderr" == *"cache: 10 hits, 0 misses"* ]]
}

@test "embed --stats: model, dims, and the cache's hits and misses" {
	local c="$BATS_TEST_TMPDIR/cache.db" s="$BATS_TEST_TMPDIR/st.json"
	n=$(wc -l <"$F")
	etv-embed -d 16 --cache "$c" --stats "$s" "$F" >/dev/null
	[ "$(jq -c '[.model, .dims, .cache_hits, .cache_misses, .embedded]' "$s")" = \
	    "[\"hash:v2/16\",16,0,$n,$n]" ]
	run --separate-stderr etv-embed -d 16 --cache "$c" --stats "$s" "$F"
	[ "$status" -eq 0 ]
	[ "$(jq -r .embedding_model <<<"${lines[0]}")" = "$(jq -r .model "$s")" ]
	[ "$(jq -c '[.cache_hits, .cache_misses, .embedded, .written]' "$s")" = \
	    "[$n,0,0,$n]" ]
}
