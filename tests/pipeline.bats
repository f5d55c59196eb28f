#!/usr/bin/env bats
# pipeline.bats -- the tools together, as a user runs them: the seams
# between extract, validate, chunk, embed and index.

load test_helper

# A corpus of real text: the project's own manual pages and README, as
# plain files, plus a few sizes and shapes of document.
setup_file() {
	local D=$BATS_FILE_TMPDIR/docs f
	mkdir -p "$D/sub"
	for f in ../man/*.[17]; do
		cp "$f" "$D/${f##*/}.txt"
	done
	cp ../README.md "$D/README.md"
	printf 'one short line\n' >"$D/sub/short.txt"
	printf '' >"$D/sub/empty.txt"
	etv-extract "$D" >"$BATS_FILE_TMPDIR/docs.jsonl"
}

setup() {
	T=$BATS_TEST_TMPDIR
	F=$BATS_FILE_TMPDIR
}

@test "pipeline: every file ends up on stdout or in the rejects file" {
	cp -r "$F/docs" "$T/docs"
	printf 'caf\351 au lait\n' >"$T/docs/m-latin1.txt"
	printf 'bin\000ary\n' >"$T/docs/z.bin"
	run --separate-stderr etv-extract --rejects "$T/rej.jsonl" "$T/docs"
	[ "$status" -eq 3 ]
	printf '%s\n' "$output" >"$T/out.jsonl"
	nfiles=$(find "$T/docs" -type f ! -name z.bin | wc -l)
	nout=$(wc -l <"$T/out.jsonl")
	nrej=$(wc -l <"$T/rej.jsonl")
	[ $((nout + nrej)) -eq "$nfiles" ]
	[[ "$stderr" == *"m-latin1.txt:1: not valid UTF-8"* ]]
	[[ "$stderr" == *"z.bin"* ]]
	# The rest of the tree was still read after the bad file.
	grep -q '"id":"sub/short.txt"' "$T/out.jsonl"
}

@test "pipeline: chunks cover every document, byte for byte" {
	etv-chunk -s 300 -o 30 "$F/docs.jsonl" >"$T/chunks.jsonl"
	python3 - "$F/docs.jsonl" "$T/chunks.jsonl" <<-'EOF'
	import json, sys
	docs = {}
	for line in open(sys.argv[1], encoding="utf-8"):
	    r = json.loads(line)
	    docs[r["id"]] = r["text"].encode()
	cover = {k: bytearray(len(v)) for k, v in docs.items()}
	for line in open(sys.argv[2], encoding="utf-8"):
	    c = json.loads(line)
	    src = docs[c["doc_id"]]
	    assert src[c["start"]:c["end"]] == c["text"].encode(), c["id"]
	    for i in range(c["start"], c["end"]):
	        cover[c["doc_id"]][i] = 1
	for k, v in docs.items():
	    lost = [i for i in range(len(v)) if not cover[k][i]
	            and not chr(v[i]).isspace()]
	    assert not lost, (k, lost[:5])
	EOF
}

@test "pipeline: every stage gives the same bytes at -j 1, 2 and 3" {
	for j in 1 2 3; do
		etv-chunk -j $j -s 200 "$F/docs.jsonl" |
		    etv-embed -j $j | tee "$T/vec$j.jsonl" |
		    etv-index build -j 1 --exact "$T/kb$j.etv"
		etv-index dump "$T/kb$j.etv" >"$T/dump$j.jsonl"
	done
	cmp "$T/vec1.jsonl" "$T/vec2.jsonl"
	cmp "$T/vec1.jsonl" "$T/vec3.jsonl"
	cmp "$T/kb1.etv" "$T/kb2.etv"
	cmp "$T/dump1.jsonl" "$T/dump3.jsonl"
}

@test "pipeline: a record's vector does not depend on the records before it" {
	etv-chunk -s 200 "$F/docs.jsonl" >"$T/chunks.jsonl"
	etv-embed "$T/chunks.jsonl" >"$T/stream.jsonl"
	# Reversed order, then compared record by record.
	tac "$T/chunks.jsonl" | etv-embed | tac >"$T/reversed.jsonl"
	cmp "$T/stream.jsonl" "$T/reversed.jsonl"
}

@test "pipeline: each chunk's own text finds that chunk first" {
	etv-chunk -s 300 "$F/docs.jsonl" | etv-embed >"$T/vec.jsonl"
	etv-index build --exact "$T/kb.etv" "$T/vec.jsonl"
	# Query with every chunk's text, embedded on its own.
	jq -c '{id, text}' "$T/vec.jsonl" | etv-embed | etv-index query -k 1 "$T/kb.etv" >"$T/q.jsonl"
	[ "$(wc -l <"$T/q.jsonl")" -eq "$(wc -l <"$T/vec.jsonl")" ]
	# The top hit has the query's text (an identical chunk may tie).
	run jq -r 'select(.hits[0].text != .text) | .id' "$T/q.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "pipeline: CRLF records give the same output as LF records" {
	etv-chunk -s 200 "$F/docs.jsonl" >"$T/lf.jsonl"
	sed 's/$/\r/' "$T/lf.jsonl" >"$T/crlf.jsonl"
	etv-embed "$T/lf.jsonl" | etv-index build --exact "$T/a.etv"
	etv-embed "$T/crlf.jsonl" | etv-index build --exact "$T/b.etv"
	cmp <(etv-index dump "$T/a.etv") <(etv-index dump "$T/b.etv")
}

@test "pipeline: validate passes or quarantines every record, and chunk reads what passed" {
	cat >"$T/doc.schema.json" <<-'EOF'
	{"type": "object", "required": ["id", "text"],
	 "properties": {"text": {"type": "string", "minLength": 40}}}
	EOF
	run --separate-stderr etv-validate -s "$T/doc.schema.json" \
	    --rejects "$T/bad.jsonl" "$F/docs.jsonl"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" >"$T/good.jsonl"
	[ $(($(wc -l <"$T/good.jsonl") + $(wc -l <"$T/bad.jsonl"))) \
	    -eq "$(wc -l <"$F/docs.jsonl")" ]
	grep -q '"id":"sub/short.txt"' "$T/bad.jsonl"
	grep -q 'minLength","message"' "$T/bad.jsonl"
	etv-chunk -s 300 "$T/good.jsonl" | etv-embed >/dev/null
}

@test "pipeline: syncing the same documents twice changes nothing" {
	etv-chunk -s 300 "$F/docs.jsonl" | etv-embed >"$T/vec.jsonl"
	etv-index sync --prune "$T/kb.etv" "$T/vec.jsonl"
	before=$(cksum <"$T/kb.etv")
	run --separate-stderr etv-index sync --prune -v "$T/kb.etv" \
	    "$T/vec.jsonl"
	[ "$status" -eq 0 ]
	[ "$(cksum <"$T/kb.etv")" = "$before" ]
}

@test "pipeline: a re-chunked document leaves no stale chunk behind" {
	etv-chunk -s 300 "$F/docs.jsonl" | etv-embed >"$T/big.jsonl"
	etv-chunk -s 900 "$F/docs.jsonl" | etv-embed >"$T/small.jsonl"
	etv-index sync "$T/kb.etv" "$T/big.jsonl"
	etv-index sync "$T/kb.etv" "$T/small.jsonl"
	diff <(jq -r .id "$T/small.jsonl" | sort) \
	    <(etv-index dump "$T/kb.etv" | jq -r .id | sort)
}
