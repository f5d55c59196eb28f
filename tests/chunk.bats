#!/usr/bin/env bats
# chunk.bats -- behaviour of etv-chunk(1)

load test_helper

F=fixtures/chunk
CHECK="python3 $BATS_TEST_DIRNAME/fixtures/chunk/check.py"
TOKDIR=${ETV_TOKENIZERS:-$BATS_TEST_DIRNAME/../build/tokenizers}

# A small rank file: every byte, then some merges, named so that the
# cl100k pattern is used.
small_ranks() {
	python3 - "$1" <<'EOF'
import base64, sys
merges = [b'th', b'he', b'the', b' t', b' the', b'in', b'ing', b'er',
          b' a', b'an', b'and', b' and', b'on', b' o', b'ou', b're']
with open(sys.argv[1], 'w') as f:
    for i in range(256):
        f.write('%s %d\n' % (base64.b64encode(bytes([i])).decode(), i))
    for i, m in enumerate(merges):
        f.write('%s %d\n' % (base64.b64encode(m).decode(), 256 + i))
EOF
}

# The OpenAI rank files (scripts/fetch-tokenizers.sh): a test that needs
# them skips without them, but fails when ETV_NEED_TOKENIZERS is set, as
# make check sets it after fetching them.
need_tokenizers() {
	local e
	for e in r50k_base p50k_base cl100k_base o200k_base; do
		[ -f "$TOKDIR/$e.tiktoken" ] && continue
		if [ -n "${ETV_NEED_TOKENIZERS:-}" ]; then
			echo "no $e.tiktoken in $TOKDIR" >&2
			return 1
		fi
		skip "no tokenizers: run scripts/fetch-tokenizers.sh"
	done
}

@test "chunk --help starts with usage, a blank line and the purpose" {
	run --separate-stderr etv-chunk --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: etv-chunk "* ]]
	[ "$(sed -n 3p <<<"$output")" = \
	    "etv-chunk -- split documents into retrieval-ready chunks" ]
	[[ "$output" == *"estimated"* ]]
}

@test "chunk writes the documented fields for a small record" {
	run --separate-stderr etv-chunk <<<'{"id":"a","text":"hello","meta":{"k":1},"lang":"en"}'
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"a#0","doc_id":"a","seq":0,"text":"hello","start":0,"end":5,"tokens":5,"hash":"xxh3:9555e8555c62dcfd","meta":{"k":1},"lang":"en"}' ]
	[ -z "$stderr" ]
}

@test "chunk escapes the chunk text as jansson does" {
	run --separate-stderr etv-chunk <<<'{"id":"a\"b","text":"x\"y\\z\u0001w\tv/u\u00e9 long enough to pass eight bytes \"\u001f"}'
	[ "$status" -eq 0 ]
	[[ "$output" == '{"id":"a\"b#0","doc_id":"a\"b","seq":0,"text":"x\"y\\z\u0001w\tv/ué long enough to pass eight bytes \"\u001F",'* ]]
}

@test "chunk does not repeat the source text, and copies other fields" {
	run --separate-stderr etv-chunk -s 20 $F/prose.jsonl
	[ "$status" -eq 0 ]
	! grep -q 'The committee met on Tuesday. Mr. Smith presented the budget' <<<"$output" || false
	head -1 <<<"$output" | grep -q '"meta":{"lang":"en"},"source":"minutes"}$'
}

@test "chunk: empty and blank documents give no chunks and are counted" {
	run --separate-stderr etv-chunk -v $F/prose.jsonl
	[ "$status" -eq 0 ]
	! grep -q '"doc_id":"empty"' <<<"$output" || false
	! grep -q '"doc_id":"blank"' <<<"$output" || false
	[[ "$stderr" == *"chunked 4 documents into "*", 2 empty"* ]]
}

@test "chunk keeps source[start:end] == text on a real multi-MB corpus" {
	/usr/bin/python3 ../scripts/bench/chunk-corpus.py 3 >"$BATS_TEST_TMPDIR/c.jsonl"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/c.jsonl")" -gt 3000000 ]
	etv-chunk -s 500 -o 50 "$BATS_TEST_TMPDIR/c.jsonl" >"$BATS_TEST_TMPDIR/o1"
	run $CHECK "$BATS_TEST_TMPDIR/c.jsonl" "$BATS_TEST_TMPDIR/o1" \
	    --size 500 --overlap 50
	[ "$status" -eq 0 ]
	[ "$output" -gt 3000 ]
	# -j 2 writes the same bytes as -j 1.
	etv-chunk -j 2 -s 500 -o 50 "$BATS_TEST_TMPDIR/c.jsonl" |
	    cmp - "$BATS_TEST_TMPDIR/o1"
}

@test "chunk is deterministic run after run" {
	a=$(etv-chunk -s 40 -o 10 $F/prose.jsonl $F/unicode.jsonl | cksum)
	b=$(etv-chunk -s 40 -o 10 $F/prose.jsonl $F/unicode.jsonl | cksum)
	[ "$a" = "$b" ]
}

@test "chunk overlap is exact: the longest tail that fits, at a boundary" {
	for ov in 5 17 40; do
		etv-chunk -s 60 -o $ov $F/prose.jsonl >"$BATS_TEST_TMPDIR/o"
		run $CHECK $F/prose.jsonl "$BATS_TEST_TMPDIR/o" --size 60 \
		    --overlap $ov
		[ "$status" -eq 0 ]
	done
	run --separate-stderr etv-chunk --min-size 0 -s 15 -o 8 <<<'{"id":"x","text":"aa bb cc dd ee ff gg hh"}'
	[ "$(jq -r .text <<<"$output" | paste -sd'|')" = \
	    "aa bb cc dd ee|cc dd ee ff gg|ee ff gg hh" ]
	[ "$(jq -r .start <<<"$output" | paste -sd' ')" = "0 6 12" ]
}

@test "chunk --overlap must be smaller than --size" {
	run --separate-stderr etv-chunk -s 10 -o 10 </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-chunk: option '--overlap' needs"* ]]
}

@test "chunk prefers paragraph, then sentence, then clause, then word" {
	t='{"id":"x","text":"First para here.\n\nSecond one, longer than that. Third sentence, with a clause."}'
	run --separate-stderr etv-chunk -s 50 --min-size 10 <<<"$t"
	[ "$(jq -r .text <<<"$output" | sed -n 1p)" = "First para here." ]
	run --separate-stderr etv-chunk -s 40 --min-size 20 <<<'{"id":"x","text":"Second one, longer than that. Third sentence, with a clause."}'
	[ "$(jq -r .text <<<"$output" | sed -n 1p)" = "Second one, longer than that." ]
	run --separate-stderr etv-chunk -s 25 --min-size 10 <<<'{"id":"x","text":"Third sentence, with a clause and words."}'
	[ "$(jq -r .text <<<"$output" | sed -n 1p)" = "Third sentence," ]
	run --separate-stderr etv-chunk -s 12 --min-size 0 <<<'{"id":"x","text":"plain words without any punctuation"}'
	[ "$(jq -r .text <<<"$output" | sed -n 1p)" = "plain words" ]
}

@test "chunk --min-size trades a better boundary for a fuller chunk" {
	t='{"id":"x","text":"Short. And then a long sentence goes on and on."}'
	run --separate-stderr etv-chunk -s 30 --min-size 0 <<<"$t"
	[ "$(jq -r .text <<<"$output" | sed -n 1p)" = "Short." ]
	run --separate-stderr etv-chunk -s 30 --min-size 20 <<<"$t"
	[ "$(jq -r .text <<<"$output" | sed -n 1p)" = "Short. And then a long" ]
	run --separate-stderr etv-chunk -s 30 --min-size 31 </dev/null
	[ "$status" -eq 2 ]
}

@test "chunk sentence rules know abbreviations and initials" {
	t='{"id":"x","text":"Mr. Smith met Dr. J. Jones at 5 p.m. on Friday. They talked."}'
	run --separate-stderr etv-chunk -s 50 --min-size 0 <<<"$t"
	[ "$(jq -r .text <<<"$output" | sed -n 1p)" = \
	    "Mr. Smith met Dr. J. Jones at 5 p.m. on Friday." ]
}

@test "chunk --unit words counts white-space separated words" {
	run --separate-stderr etv-chunk -u words -s 3 --min-size 0 <<<'{"id":"x","text":"a b c d e f g"}'
	[ "$(jq -r .text <<<"$output" | paste -sd'|')" = "a b c|d e f|g" ]
	[ "$(jq -r .tokens <<<"$output" | paste -sd' ')" = "3 3 1" ]
	etv-chunk -u words -s 12 $F/prose.jsonl >"$BATS_TEST_TMPDIR/o"
	run $CHECK $F/prose.jsonl "$BATS_TEST_TMPDIR/o" --unit words --size 12
	[ "$status" -eq 0 ]
}

@test "chunk --unit graphemes counts clusters, not code points" {
	run --separate-stderr etv-chunk -u graphemes -s 3 --min-size 0 <<<'{"id":"x","text":"\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 e\u0301 x"}'
	[ "$status" -eq 0 ]
	[ "$(jq -r .tokens <<<"$output" | sed -n 1p)" = 3 ]
	[ "$(jq -r .end <<<"$output" | sed -n 1p)" -eq 22 ]
}

@test "chunk --unit tokens without a tokenizer uses the documented estimate" {
	etv-chunk -u tokens -s 30 $F/prose.jsonl $F/unicode.jsonl >"$BATS_TEST_TMPDIR/o"
	cat $F/prose.jsonl $F/unicode.jsonl >"$BATS_TEST_TMPDIR/src"
	run $CHECK "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/o" --unit tokens --size 30
	[ "$status" -eq 0 ]
	# In 1/32 of a token: a run of letters 21, each lowercase letter
	# 14, a space after a word 0, a run of other letters 25 and each of
	# their bytes 32: (21 + 5 * 14 + 0 + 25 + 2 * 32) / 32, rounded up.
	run --separate-stderr etv-chunk -u tokens <<<'{"id":"x","text":"abcde \u00e9"}'
	[ "$(jq -r .tokens <<<"$output")" = 6 ]
}

@test "chunk --unit tokens estimate is over the real count of four encodings" {
	need_tokenizers
	/usr/bin/python3 ../scripts/bench/chunk-corpus.py 3 >"$BATS_TEST_TMPDIR/c.jsonl"
	cd "$BATS_TEST_TMPDIR"
	for s in 512 64; do
		etv-chunk -u tokens -s $s c.jsonl >o
		run $CHECK c.jsonl o --unit tokens --size $s
		[ "$status" -eq 0 ]
		[ "$output" -gt 1000 ]
		jq -r .tokens o >est
		for e in r50k_base p50k_base cl100k_base o200k_base; do
			# Each chunk's text alone is one chunk of its real count.
			jq -c '{id, text}' o | etv-chunk -t "$TOKDIR/$e.tiktoken" \
			    -s 1000000 | jq -r .tokens >real
			[ "$(wc -l <real)" -eq "$(wc -l <est)" ]
			run awk 'NR == FNR { est[FNR] = $1; next }
			    $1 > est[FNR] { n++ } END { print n + 0 }' est real
			[ "$output" = 0 ] || { echo "$e -s $s: $output over"; false; }
		done
	done
}

@test "chunk never cuts an emoji ZWJ sequence, a flag or a combining mark" {
	run --separate-stderr etv-chunk -s 8 --min-size 0 $F/unicode.jsonl
	[ "$status" -eq 0 ]
	run $CHECK $F/unicode.jsonl <(etv-chunk -s 8 --min-size 0 $F/unicode.jsonl) --size 8
	[ "$status" -eq 0 ]
	# Every chunk is NFC-stable at its edges: it never starts with a
	# combining mark, a ZWJ, a skin tone or a second regional indicator.
	etv-chunk -s 3 --min-size 0 $F/unicode.jsonl | python3 -c '
import json, sys, unicodedata
for line in sys.stdin:
    t = json.loads(line)["text"]
    c = t[0]
    assert unicodedata.category(c) not in ("Mn", "Me", "Mc"), t
    assert c not in "\u200d\ufe0f" and not 0x1f3fb <= ord(c) <= 0x1f3ff, t
    assert t.count("\u200d") == 0 or not t.endswith("\u200d"), t
'
	# The family emoji (7 code points) is whole even at --size 3: a
	# forced chunk of its own.
	run --separate-stderr etv-chunk -s 3 --min-size 0 <<<'{"id":"x","text":"\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66"}'
	[ "$(jq -r .tokens <<<"$output")" = 7 ]
	[ "$(jq -r .forced <<<"$output")" = true ]
}

@test "chunk keeps a combining mark that follows a space" {
	# A space and the mark after it are one grapheme cluster: a
	# character of a word, never white space lost between chunks.
	python3 -c '
import json, random
random.seed(7)
joins = [" \u0301", " \u20dd", "\u2003\u0308", " \u200d", " \u0301\u0302"]
words = ["alpha", "beta.", "gamma,", "e\u0301"] + joins
for d in range(20):
    t = " ".join(random.choice(words) for _ in range(60)).replace("  ", " ")
    print(json.dumps({"id": "d%d" % d, "text": t + random.choice(joins)}))
' >"$BATS_TEST_TMPDIR/m.jsonl"
	for u in chars graphemes words tokens; do
		for s in 3 8 40; do
			etv-chunk -u $u -s $s --min-size 0 "$BATS_TEST_TMPDIR/m.jsonl" >"$BATS_TEST_TMPDIR/o"
			run $CHECK "$BATS_TEST_TMPDIR/m.jsonl" "$BATS_TEST_TMPDIR/o" --unit $u
			[ "$status" -eq 0 ] || { echo "$u $s: $output"; false; }
		done
	done
	run --separate-stderr etv-chunk -s 5 --min-size 0 <<<'{"id":"a","text":"alpha \u0301 beta"}'
	[ "$(jq -r .text <<<"$output" | paste -sd'|')" = "alpha| $(printf '\314\201')|beta" ]
}

@test "chunk splits CJK text at its full stops, without spaces" {
	run --separate-stderr etv-chunk -s 25 --min-size 5 $F/unicode.jsonl
	[ "$status" -eq 0 ]
	[ "$(jq -r 'select(.doc_id == "cjk") | .text' <<<"$output" | head -1)" = \
	    "今日は良い天気です。明日も晴れるでしょう！" ]
	# A small size cuts between characters, never forced.
	run --separate-stderr etv-chunk -s 4 --min-size 0 $F/unicode.jsonl
	[ -z "$(jq -r 'select(.doc_id == "cjk" and .forced)' <<<"$output")" ]
}

@test "chunk splits right-to-left and Devanagari text at their stops" {
	run --separate-stderr etv-chunk -s 40 --min-size 5 $F/unicode.jsonl
	[ "$(jq -r 'select(.doc_id == "rtl") | .text' <<<"$output" | head -1)" = \
	    "مرحبا بالعالم. كيف حالك اليوم؟" ]
	[ "$(jq -r 'select(.doc_id == "hi") | .text' <<<"$output" | head -1)" = \
	    "यह एक वाक्य है। यह दूसरा वाक्य है।" ]
}

@test "chunk --markdown carries heading paths and keeps code and tables whole" {
	run --separate-stderr etv-chunk -m -s 100 --min-size 0 $F/guide.jsonl
	[ "$status" -eq 0 ]
	[ "$(jq -c '.meta.headings' <<<"$output" | paste -sd' ')" = \
	    '["Install"] ["Install","From source"] ["Install","Packages"] ["Usage"]' ]
	[ "$(jq -r 'select(.text | contains("```sh")) | .text' <<<"$output" | grep -c '^```')" -eq 2 ]
	[ "$(jq -r 'select(.text | contains("| Debian")) | .text' <<<"$output" | grep -c '^|')" -eq 4 ]
	# Without Markdown the same size cuts the code block.
	[ "$(etv-chunk --no-markdown -s 40 --min-size 0 $F/guide.jsonl | jq -r 'select(.text | contains("```sh")) | .text' | grep -c '^```')" -eq 1 ]
	# Front matter is skipped, and the other meta members are kept.
	! grep -q 'title: Guide' <<<"$output" || false
	[ "$(jq -r .meta.path <<<"$output" | sort -u)" = guide.md ]
	run $CHECK $F/guide.jsonl <(etv-chunk -m -s 80 $F/guide.jsonl) --size 80 --markdown
	[ "$status" -eq 0 ]
}

@test "chunk --markdown on a text without headings" {
	# No heading at all: an empty path, not arithmetic on a null
	# pointer (clang's UBSan stops the sanitizer build on that).
	run --separate-stderr etv-chunk -m -s 30 --min-size 0 <<<'{"id":"m","text":"Plain text.\n\nNo heading here at all."}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -c .meta.headings <<<"$output" | sort -u)" = '[]' ]
	[ "$(wc -l <<<"$output")" -eq 2 ]
}

@test "chunk --markdown leaves a meta that is not an object alone" {
	run --separate-stderr etv-chunk -m <<<'{"id":"m","text":"# T\n\nx","meta":"note"}'
	[ "$status" -eq 0 ]
	[ "$(jq -c .meta <<<"$output")" = '"note"' ]
	[ "$(grep -o '"meta"' <<<"$output" | wc -l)" -eq 1 ]
	run --separate-stderr etv-chunk -m <<<'{"id":"m","text":"# T\n\nx"}'
	[ "$(jq -c .meta <<<"$output")" = '{"headings":["T"]}' ]
}

@test "chunk treats meta.type markdown as Markdown unless --no-markdown" {
	run --separate-stderr etv-chunk -s 80 $F/guide.jsonl
	[ "$(jq -c '.meta.headings' <<<"$output" | head -1)" = '["Install"]' ]
	run --separate-stderr etv-chunk --no-markdown -s 80 $F/guide.jsonl
	[ "$(jq -c '.meta.headings' <<<"$output" | sort -u)" = null ]
	grep -q 'title: Guide' <<<"$output"
}

@test "chunk handles CRLF documents: offsets exact, no CR at an edge" {
	etv-chunk -s 50 -o 10 $F/prose.jsonl >"$BATS_TEST_TMPDIR/o"
	run $CHECK $F/prose.jsonl "$BATS_TEST_TMPDIR/o" --size 50 --overlap 10
	[ "$status" -eq 0 ]
	# Counted in graphemes (CRLF is one), the CRLF copy chunks like the
	# LF one.
	etv-chunk -u graphemes -s 50 -o 10 $F/prose.jsonl >"$BATS_TEST_TMPDIR/o"
	[ "$(jq -r 'select(.doc_id == "p1") | .tokens' "$BATS_TEST_TMPDIR/o" | paste -sd' ')" = \
	    "$(jq -r 'select(.doc_id == "p2") | .tokens' "$BATS_TEST_TMPDIR/o" | paste -sd' ')" ]
	[ "$(jq -r 'select(.doc_id == "p1") | .text' "$BATS_TEST_TMPDIR/o")" = \
	    "$(jq -r 'select(.doc_id == "p2") | .text' "$BATS_TEST_TMPDIR/o" | tr -d '\r')" ]
	# CRLF input lines are read too.
	printf '{"id":"c","text":"one. two."}\r\n' | etv-chunk | grep -q '"text":"one. two."'
}

@test "chunk copes with a huge single-line document and a huge word" {
	python3 -c '
import json, random
random.seed(1)
words = ["alpha", "beta", "gamma", "delta", "x" * 12, "end."]
t = " ".join(random.choice(words) for _ in range(800000))
print(json.dumps({"id": "big", "text": t}))
print(json.dumps({"id": "word", "text": "ab" * 300000}))
' >"$BATS_TEST_TMPDIR/big.jsonl"
	etv-chunk -s 1000 -o 100 "$BATS_TEST_TMPDIR/big.jsonl" >"$BATS_TEST_TMPDIR/o"
	run $CHECK "$BATS_TEST_TMPDIR/big.jsonl" "$BATS_TEST_TMPDIR/o" --size 1000 --overlap 100
	[ "$status" -eq 0 ]
	# The word is cut into forced chunks of exactly the size.
	[ "$(jq -r 'select(.doc_id == "word") | .tokens' "$BATS_TEST_TMPDIR/o" | sort -u)" = 1000 ]
	[ "$(jq -r 'select(.doc_id == "word") | .forced' "$BATS_TEST_TMPDIR/o" | sort -u)" = true ]
}

@test "chunk fills chunks close to the size" {
	etv-chunk -s 200 $F/prose.jsonl | jq -r .tokens >"$BATS_TEST_TMPDIR/t"
	# All but each document's last chunk are at least min-size (100).
	[ "$(sort -n "$BATS_TEST_TMPDIR/t" | sed -n 3p)" -ge 100 ]
}

@test "chunk --tokenizer with a generated rank file counts exactly" {
	small_ranks "$BATS_TEST_TMPDIR/tiny_cl100k.tiktoken"
	run --separate-stderr etv-chunk -t "$BATS_TEST_TMPDIR/tiny_cl100k.tiktoken" -s 100000 <<<'{"id":"x","text":"the thing and the other"}'
	[ "$status" -eq 0 ]
	# As tiktoken: a piece in the table is one token, else merged by
	# rank: "the" | " "+"th"+"ing" | " and" | " the" | " o"+"the"+"r".
	[ "$(jq -r .tokens <<<"$output")" = 9 ]
	etv-chunk -t "$BATS_TEST_TMPDIR/tiny_cl100k.tiktoken" -s 40 -o 8 $F/prose.jsonl $F/unicode.jsonl >"$BATS_TEST_TMPDIR/o"
	[ "$(jq -r 'select(.forced | not) | .tokens' "$BATS_TEST_TMPDIR/o" | sort -n | tail -1)" -le 40 ]
	# A word far over the size is cut into full forced chunks.
	python3 -c 'import json; print(json.dumps({"id": "w", "text": "thing" * 40000}))' |
	    etv-chunk -t "$BATS_TEST_TMPDIR/tiny_cl100k.tiktoken" -s 100 >>"$BATS_TEST_TMPDIR/o"
	[ "$(jq -r 'select(.doc_id == "w") | .tokens' "$BATS_TEST_TMPDIR/o" | sed '$d' | sort -n | head -1)" -ge 99 ]
	[ "$(jq -r 'select(.doc_id == "w") | .tokens' "$BATS_TEST_TMPDIR/o" | sort -n | tail -1)" -eq 100 ]
	# Each chunk's count is its own text's count.
	jq -c '{id, text}' "$BATS_TEST_TMPDIR/o" |
	    etv-chunk -t "$BATS_TEST_TMPDIR/tiny_cl100k.tiktoken" -s 100000 |
	    jq -r .tokens >"$BATS_TEST_TMPDIR/re"
	jq -r .tokens "$BATS_TEST_TMPDIR/o" | cmp - "$BATS_TEST_TMPDIR/re"
}

@test "chunk --tokenizer matches the reference vectors (cl100k, o200k, r50k, p50k)" {
	need_tokenizers
	run "$ETV_BUILD/unit/bpe" "$TOKDIR"
	[ "$status" -eq 0 ]
	[[ "$output" == *" reference vectors checked" ]]
}

@test "chunk with a real tokenizer: no chunk over the token limit" {
	need_tokenizers
	for enc in cl100k_base o200k_base; do
		cat $F/prose.jsonl $F/unicode.jsonl $F/guide.jsonl >"$BATS_TEST_TMPDIR/src"
		etv-chunk -t "$TOKDIR/$enc.tiktoken" -s 24 -o 6 "$BATS_TEST_TMPDIR/src" >"$BATS_TEST_TMPDIR/o"
		[ "$(jq -r 'select(.forced | not) | .tokens' "$BATS_TEST_TMPDIR/o" | sort -n | tail -1)" -le 24 ]
		jq -c '{id, text}' "$BATS_TEST_TMPDIR/o" |
		    etv-chunk -t "$TOKDIR/$enc.tiktoken" -s 100000 |
		    jq -r .tokens >"$BATS_TEST_TMPDIR/re"
		jq -r .tokens "$BATS_TEST_TMPDIR/o" | cmp - "$BATS_TEST_TMPDIR/re"
	done
	# A known count: "Hello, World! How are you today? 🌍" is 12 tokens
	# in cl100k_base (gpt-tokenizer's TestPlans.txt).
	run --separate-stderr etv-chunk -t "$TOKDIR/cl100k_base.tiktoken" <<<'{"id":"h","text":"Hello, World! How are you today? \ud83c\udf0d"}'
	[ "$(jq -r .tokens <<<"$output")" = 12 ]
}

@test "chunk --tokenizer refuses a missing or broken rank file" {
	run --separate-stderr etv-chunk -t /nonexistent.tiktoken </dev/null
	[ "$status" -eq 4 ]
	[[ "$stderr" == "etv-chunk: /nonexistent.tiktoken: "* ]]
	echo 'not base64!! x' >"$BATS_TEST_TMPDIR/bad.tiktoken"
	run --separate-stderr etv-chunk -t "$BATS_TEST_TMPDIR/bad.tiktoken" </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad.tiktoken:1:"* ]]
	run --separate-stderr etv-chunk -u chars -t "$BATS_TEST_TMPDIR/bad.tiktoken" </dev/null
	[ "$status" -eq 2 ]
}

@test "chunk --tokenizer refuses rank files that would count wrong" {
	local r="$BATS_TEST_TMPDIR/r_cl100k.tiktoken" b="$BATS_TEST_TMPDIR/b_cl100k.tiktoken"
	small_ranks "$r"
	# bad EDIT WANT: the file with one edit is refused with status 2 and
	# "etv-chunk: FILE:WANT".
	bad() {
		sed "$1" "$r" >"$b"
		run --separate-stderr etv-chunk -t "$b" <<<'{"id":"x","text":"ABC the"}'
		[ "$status" -eq 2 ] || { echo "$1: status $status: $output"; return 1; }
		[[ "$stderr" == "etv-chunk: $b:$2"* ]] || { echo "$1: $stderr"; return 1; }
		[ -z "$output" ]
	}
	# A byte with no token (encode would emit rank 4294967295).
	bad '/^QQ== 65$/d' ' no token for the byte 0x41'
	# A rank given twice, a token given twice.
	bad '$a\\eHk= 5' "273: duplicate rank 5 (line 6)"
	bad '$a\\dGg= 300' "273: duplicate token"
	# Bad base64: missing padding, URL-safe alphabet, stray bits, junk.
	bad '$a\\eHk 300' "273: 'eHk' is not the base64"
	bad '$a\\_w== 300' "273: '_w==' is not the base64"
	bad '$a\\eHl= 300' "273: 'eHl=' is not the base64"
	bad '$a\\!!!! 300' "273: '!!!!' is not the base64"
	# Ranks that are not numbers.
	bad '$a\\eHk= 3x' "273: the rank is not a number"
	bad '$a\\eHk= -3' "273: the rank is not a number"
	bad '$a\\eHk= 99999999999' "273: the rank is not a number"
	bad '$a\\eHk=' "273: not a 'base64 rank' line"
	bad '1d' ' no token for the byte 0x00'
	bad 's/.*//' ' no tokens'
	# The file unchanged is good.
	run --separate-stderr etv-chunk -t "$r" <<<'{"id":"x","text":"ABC the"}'
	[ "$status" -eq 0 ]
	[ "$(jq -r .tokens <<<"$output")" = 4 ]
}

@test "chunk rejects bad options with status 2" {
	run --separate-stderr etv-chunk -u bytes </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'--unit'"* ]]
	run --separate-stderr etv-chunk -s 0 </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-chunk -s ten </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-chunk -j -1 </dev/null
	[ "$status" -eq 2 ]
}

@test "chunk: invalid UTF-8 is a malformed record, or goes to --rejects" {
	printf '{"id":"a","text":"ok"}\n{"id":"b","text":"bad \xff"}\n{"id":"c","text":"fine"}\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-chunk "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[[ "$stderr" == "etv-chunk: $BATS_TEST_TMPDIR/in:2: "* ]]
	run --separate-stderr etv-chunk --rejects "$BATS_TEST_TMPDIR/rej" "$BATS_TEST_TMPDIR/in"
	[ "$(jq -r .doc_id <<<"$output" | paste -sd' ')" = "a c" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rej")" -eq 1 ]
}

@test "chunk: a missing text or a non-string id is malformed" {
	run --separate-stderr etv-chunk <<<'{"id":"a","body":"x"}'
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"'text'"* ]]
	run --separate-stderr etv-chunk <<<'{"id":7,"text":"x"}'
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"'id'"* ]]
}

@test "chunk --text-field and --id-field; no id means the text hash" {
	run --separate-stderr etv-chunk --text-field body --id-field key <<<'{"key":"k1","body":"Some body.","text":"other"}'
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"k1#0","doc_id":"k1","seq":0,"text":"Some body.","start":0,"end":10,"tokens":10,"hash":"xxh3:'"$(jq -r .hash <<<"$output" | cut -c6-)"'"}' ]
	run --separate-stderr etv-chunk <<<'{"text":"hello"}'
	[ "$(jq -r .doc_id <<<"$output")" = "xxh3:9555e8555c62dcfd" ]
	[ "$(jq -r .id <<<"$output")" = "xxh3:9555e8555c62dcfd#0" ]
	run --separate-stderr etv-chunk -s 5 --min-size 0 <<<'{"text":"hello world"}'
	[ "$(jq -r .doc_id <<<"$output" | sort -u)" = "$(etv-chunk <<<'{"text":"hello world"}' | jq -r .hash)" ]
	[ "$(jq -r .id <<<"$output" | sed -n 2p)" = "$(jq -r .doc_id <<<"$output" | sed -n 1p)#1" ]
}

@test "chunk hash is the xxh3 of the chunk text" {
	run --separate-stderr etv-chunk -s 12 --min-size 0 <<<'{"id":"x","text":"hello world hello"}'
	[ "$(jq -r .hash <<<"$output" | sed -n 1p)" = \
	    "$(etv-chunk <<<'{"id":"y","text":"hello world"}' | jq -r .hash)" ]
}

@test "chunk man page is clean and its synopsis matches the usage" {
	run mandoc -Tlint -Wwarning ../man/etv-chunk.1
	[ "$status" -eq 0 ]
	syn=$(mandoc -Tascii ../man/etv-chunk.1 | col -b |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \t\n' ' ')
	use=$(etv-chunk --help | head -1 | sed 's/^usage: //')
	[ "$(echo $syn)" = "$(echo $use)" ]
}

@test "chunk reads CSV and honours the shared input options" {
	run --separate-stderr etv-chunk --csv --delimiter ';' -s 15 --min-size 0 <<<$'id;text\nr1;"Hello there. General Kenobi."'
	[ "$status" -eq 0 ]
	[ "$(jq -r .text <<<"$output" | paste -sd'|')" = "Hello there.|General Kenobi." ]
	long=$(head -c 300 /dev/zero | tr '\0' x)
	run --separate-stderr etv-chunk --max-line 100 <<<$'{"id":"a","text":"ok"}\n{"id":"b","text":"'"$long"'"}'
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"<stdin>:2: line is longer than --max-line"* ]]
	run --separate-stderr etv-chunk --rejects "$BATS_TEST_TMPDIR/rj" --max-rejects 1 <<<$'{"id":"a","text":"ok"}\nbad\n{"id":"c","text":"ok"}'
	[ "$status" -eq 0 ]
	[ "$(jq -r .doc_id <<<"$output" | paste -sd' ')" = "a c" ]
	[ "$(cat "$BATS_TEST_TMPDIR/rj")" = bad ]
}

@test "chunk --stats has the figures of -v: documents, chunks, forced, empty" {
	local s="$BATS_TEST_TMPDIR/st.json"
	{ cat $F/prose.jsonl; echo '{"id":"e","text":""}'; } >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-chunk -v -s 200 --stats "$s" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	want=$(sed -n 's/.*chunked \([0-9]*\) documents into \([0-9]*\) chunks (\([0-9]*\) forced), \([0-9]*\) empty.*/[\1,\2,\3,\4]/p' <<<"$stderr")
	[ -n "$want" ]
	[ "$(jq -c '[.documents, .chunks, .forced, .empty]' "$s")" = "$want" ]
	[ "$(jq .chunks "$s")" -eq "${#lines[@]}" ]
	[ "$(jq .written "$s")" -eq "${#lines[@]}" ]
	[ "$(jq .empty "$s")" -ge 1 ]
}
