#!/usr/bin/env bats
# dedupe.bats -- behaviour of etv-dedupe(1)

load test_helper

F=fixtures/dedupe
# The system's python starts in a tenth of the time of a wrapper's.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
CORPUS="$PY $BATS_TEST_DIRNAME/fixtures/dedupe/corpus.py"

setup_file() {
	$CORPUS mixed 120 >"$BATS_FILE_TMPDIR/mixed.jsonl"
}

setup() {
	T=$BATS_TEST_TMPDIR
}

# The ids of the records in the files named (or stdin), on one line.
ids() {
	jq -r .id "$@" | paste -sd' '
}

# "id>dup_of" for each record in the files named (or stdin), on one line.
dups() {
	jq -r '"\(.id)>\(.dup_of)"' "$@" | paste -sd' '
}

# The dup_score of record $2 in file $1.
score() {
	jq -r --arg id "$2" 'select(.id == $id) | .dup_score' "$1"
}

# near A B [TOL]: numbers A and B differ by at most TOL (0.00015).
near() {
	awk -v a="$1" -v b="$2" -v t="${3:-0.00015}" \
	    'BEGIN { exit !(a != "" && a - b <= t && b - a <= t) }' ||
	    { echo "$1 is not $2"; return 1; }
}

# jaccard N A B: the Jaccard similarity of the N-word shingle sets of the
# texts A and B (case folded, split at white space), as etv-dedupe
# --verify exact computes it for plain lower-case words.
jaccard() {
	$PY - "$@" <<'EOF'
import sys
n = int(sys.argv[1])
def sh(t):
    w = t.casefold().split()
    return {tuple(w[i:i + n]) for i in range(max(1, len(w) - n + 1))}
a, b = sh(sys.argv[2]), sh(sys.argv[3])
print(len(a & b) / len(a | b))
EOF
}

# estimate S N: S is a b-bit estimate of N positions, to 4 decimals.
estimate() {
	$PY -c "import sys; s, n = $1, $2; sys.exit(not any(abs(round(min(1, \
max(0, (k / n - 1 / 16) / (15 / 16))), 4) - s) < 1e-9 for k in range(n + 1)))" ||
	    { echo "$1 is no estimate of $2 positions"; return 1; }
}

# rec ID TEXT [MEMBERS]: one record.
rec() {
	jq -nc --arg id "$1" --arg t "$2" '{id: $id, text: $t}'"${3:+ + $3}"
}

# vrec 'ID FORM SPEC [MODEL]'...: a record with an embedding for each
# argument: FORM a gives the numbers of SPEC (comma-separated) as a JSON
# array, b as base64 of little-endian float32, d takes SPEC as an angle
# in degrees and gives [cos, sin] as an array.
vrec() {
	$PY - "$@" <<'EOF'
import base64, json, math, struct, sys
for arg in sys.argv[1:]:
    i, form, spec, *model = arg.split()
    if form == 'd':
        a = math.radians(float(spec))
        xs = [math.cos(a), math.sin(a)]
    else:
        xs = [float(x) for x in spec.split(',')]
    r = {'id': i, 'text': 'vector ' + i}
    if form == 'b':
        r['embedding'] = base64.b64encode(
            struct.pack('<%df' % len(xs), *xs)).decode()
    else:
        r['embedding'] = xs
    if model:
        r['embedding_model'] = model[0]
    print(json.dumps(r))
EOF
}

# $T/mixed.jsonl: a corpus of real text with planted copies (corpus.py
# mixed), made once for the file.
mixed() {
	cp "$BATS_FILE_TMPDIR/mixed.jsonl" "$T/mixed.jsonl"
	[ "$(wc -l <"$T/mixed.jsonl")" -gt 180 ]
}

# Random unit vectors of 16 dimensions with planted near copies.
vectors() {
	$PY - "$@" <<'EOF'
import json, math, random
rnd = random.Random(3)
base = []
for i in range(240):
    if i % 4 == 3:
        v = [x + rnd.gauss(0, 0.08) for x in base[rnd.randrange(len(base))]]
    else:
        v = [rnd.gauss(0, 1) for _ in range(16)]
    base.append(v)
    n = math.sqrt(sum(x * x for x in v))
    print(json.dumps({'id': 'v%03d' % i, 'text': 't%d' % i,
                      'embedding': [round(x / n, 6) for x in v],
                      'embedding_model': 'hash-16'}))
EOF
}

# ---- exact ----

@test "dedupe -m exact --normalize none|basic|aggressive" {
	{
	rec e01 'Hello World'
	rec e02 'hello world'
	rec e03 'hello   world'
	rec e04 'ｈｅｌｌｏ　ｗｏｒｌｄ'
	rec e05 'Hello, world!'
	rec e06 'Hello2024 World'
	rec e07 'STRASSE'
	rec e08 'Straße'
	rec e09 'ﬁle'
	rec e10 'FILE'
	rec e11 'e-mail'
	rec e12 'email'
	echo '{"id":"e13","text":"Hello\u00a0World"}'
	rec e14 $'Hello\t\n World'
	rec e15 'Hello World'
	rec e16 '  Hello World '
	} >"$T/in"
	# none: only the byte-for-byte copy goes.
	run --separate-stderr etv-dedupe -m exact --normalize none \
	    --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "e01 e02 e03 e04 e05 e06 e07 e08 e09 e10 e11 e12 e13 e14 e16" ]
	[ "$(dups "$T/rm")" = "e15>e01" ]
	# basic (the default): NFKC, full case folding, white space collapsed
	# and trimmed.
	run --separate-stderr etv-dedupe -m exact --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "e01 e05 e06 e07 e09 e11 e12" ]
	[ "$(dups "$T/rm")" = "e02>e01 e03>e01 e04>e01 e08>e07 e10>e09 e13>e01 e14>e01 e15>e01 e16>e01" ]
	# Every exact duplicate scores 1.
	[ "$(jq -r .dup_score "$T/rm" | sort -u)" = 1 ]
	run --separate-stderr etv-dedupe -m exact --normalize basic "$T/in"
	[ "$(ids <<<"$output")" = "e01 e05 e06 e07 e09 e11 e12" ]
	# aggressive: punctuation and digits dropped as well.
	run --separate-stderr etv-dedupe -m exact --normalize aggressive \
	    --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "e01 e07 e09 e11" ]
	[ "$(dups "$T/rm")" = "e02>e01 e03>e01 e04>e01 e05>e01 e06>e01 e08>e07 e10>e09 e12>e11 e13>e01 e14>e01 e15>e01 e16>e01" ]
	# Survivors are written as they were read.
	[ "$output" = "$(grep -E '"e0[179]"|"e11"' "$T/in")" ]
	run --separate-stderr etv-dedupe -m exact --normalize fancy "$T/in"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-dedupe: "*"'--normalize'"* ]]
}

# ---- minhash ----

@test "dedupe: a near copy of real text (3 words changed) goes at 0.8, other text stays" {
	$CORPUS words 2000 600 >"$T/a"
	$CORPUS mutate 3 <"$T/a" >"$T/b"
	$CORPUS words 9000 600 >"$T/c"
	[ "$(wc -w <"$T/a")" -eq 600 ] && [ "$(wc -w <"$T/c")" -eq 600 ]
	! cmp -s "$T/a" "$T/b" || false
	{ rec a "$(cat "$T/a")"; rec c "$(cat "$T/c")"; rec b "$(cat "$T/b")"; } >"$T/in"
	for v in estimate exact; do
		run --separate-stderr etv-dedupe --verify $v --removed "$T/rm" "$T/in"
		[ "$status" -eq 0 ]
		[ "$(ids <<<"$output")" = "a c" ]
		[ "$(dups "$T/rm")" = "b>a" ]
	done
	# The same text with its first half replaced is another document.
	{ rec a "$(cat "$T/a")"
	  rec h "$(cut -d' ' -f1-300 "$T/c") $(cut -d' ' -f301- "$T/a")"; } >"$T/in2"
	run --separate-stderr etv-dedupe -t 0.8 "$T/in2"
	[ "$(ids <<<"$output")" = "a h" ]
	# A page of the project's own manual and a copy with a word changed.
	mandoc -Tascii ../man/etv-chunk.1 | col -b | tr -s ' \n' ' ' |
	    cut -d' ' -f1-400 >"$T/m"
	$CORPUS mutate 1 <"$T/m" >"$T/m2"
	{ rec m "$(cat "$T/m")"; rec c "$(cat "$T/c")"; rec m2 "$(cat "$T/m2")"; } |
	    etv-dedupe --removed "$T/rm" >"$T/out"
	[ "$(ids "$T/out")" = "m c" ]
	[ "$(dups "$T/rm")" = "m2>m" ]
}

@test "dedupe --verify exact scores the true Jaccard, estimate the signature's" {
	# Plain lower-case words, so that the shingles are beyond doubt.
	$CORPUS words 3000 400 | tr -cs 'A-Za-z\n' ' ' | tr 'A-Z' 'a-z' |
	    sed 's/^ //; s/ $//' >"$T/a"
	$CORPUS mutate 2 <"$T/a" >"$T/b"
	{ rec a "$(cat "$T/a")"; rec b "$(cat "$T/b")"; } >"$T/in"
	j=$(jaccard 5 "$(cat "$T/a")" "$(cat "$T/b")")
	$PY -c "import sys; sys.exit(not 0.9 < $j < 0.98)"
	etv-dedupe --verify exact --removed "$T/rm" "$T/in" >/dev/null
	[ "$(dups "$T/rm")" = "b>a" ]
	near "$(score "$T/rm" b)" "$j" 0.00005
	# The estimate, from 4-bit minimum hashes (etv-dedupe(1),
	# VERIFICATION): with k of n positions agreeing, (k/n - 1/16) /
	# (15/16), to 4 decimals.
	etv-dedupe --verify estimate --removed "$T/rm" "$T/in" >/dev/null
	[ "$(dups "$T/rm")" = "b>a" ]
	s=$(score "$T/rm" b)
	estimate "$s" 128
	near "$s" "$j" 0.1
	etv-dedupe --verify estimate --num-perm 200 --removed "$T/rm" "$T/in" \
	    >/dev/null
	estimate "$(score "$T/rm" b)" 200
	# exact is the default.
	mixed
	etv-dedupe --mark "$T/mixed.jsonl" >"$T/m0"
	etv-dedupe --verify exact --mark "$T/mixed.jsonl" | cmp - "$T/m0"
	! etv-dedupe --verify estimate --mark "$T/mixed.jsonl" | cmp -s - "$T/m0" ||
	    false
	# At most 4 decimals in the file.
	grep -Eq '"dup_score":(0|1)(\.[0-9]{1,4})?[,}]' "$T/rm"
	run --separate-stderr etv-dedupe --verify maybe "$T/in"
	[ "$status" -eq 2 ]
}

@test "dedupe -t: a pair at exactly the threshold is a duplicate, just above it is not" {
	# One-word shingles, 8 of 10 shared: Jaccard 0.8 exactly.  One row
	# per band makes the pair a candidate whatever the hashes.
	{ rec a 'amber birch cedar dune elm fern gorse heath ivy'
	  rec b 'amber birch cedar dune elm fern gorse heath juniper'; } >"$T/in"
	o=(--ngram 1 --bands 128 --rows 1 --verify exact)
	run --separate-stderr etv-dedupe "${o[@]}" -t 0.8 --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = a ]
	[ "$(dups "$T/rm")" = "b>a" ]
	[ "$(score "$T/rm" b)" = 0.8 ]
	run --separate-stderr etv-dedupe "${o[@]}" -t 0.8001 --removed "$T/rm" "$T/in"
	[ "$(ids <<<"$output")" = "a b" ]
	[ ! -s "$T/rm" ]
	run --separate-stderr etv-dedupe "${o[@]}" --threshold 0.79 "$T/in"
	[ "$(ids <<<"$output")" = a ]
	for t in 1.5 -0.1 x ''; do
		run --separate-stderr etv-dedupe -t "$t" "$T/in"
		[ "$status" -eq 2 ] || { echo "-t '$t': $status"; false; }
		[[ "$stderr" == "etv-dedupe: "*"'--threshold'"* ]]
	done
}

@test "dedupe --bands/--rows override the default banding" {
	$CORPUS words 3000 400 >"$T/a"
	$CORPUS mutate 3 <"$T/a" >"$T/b"
	{ rec a "$(cat "$T/a")"; rec b "$(cat "$T/b")"; } >"$T/in"
	# One band of all 128 rows: the pair (Jaccard about 0.93) agrees in
	# all 128 hashes with odds of about 1 in 10000: never a candidate.
	run --separate-stderr etv-dedupe --bands 1 --rows 128 "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "a b" ]
	run --separate-stderr etv-dedupe --bands 32 --rows 4 "$T/in"
	[ "$(ids <<<"$output")" = a ]
	# The defaults are datasketch's rule with misses weighing 0.8, at
	# most 9 bands (etv-dedupe(1), CHOOSING BANDS AND ROWS), which -vv
	# shows.
	for tbr in "0.5 9 3" "0.7 9 6" "0.8 9 9" "0.9 7 18"; do
		set -- $tbr
		run --separate-stderr etv-dedupe -vv -t $1 </dev/null
		[ "$status" -eq 0 ]
		[[ "$stderr" == *" $2 bands of $3 rows"* ]] ||
		    { echo "-t $1: $stderr"; false; }
	done
	run --separate-stderr etv-dedupe -vv --bands 16 --rows 8 </dev/null
	[[ "$stderr" == *" 16 bands of 8 rows"* ]]
	# More rows than permutations is a usage error.
	run --separate-stderr etv-dedupe --bands 20 --rows 13 "$T/in"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-dedupe: "* ]]
	run --separate-stderr etv-dedupe --bands 0 --rows 13 "$T/in"
	[ "$status" -eq 2 ]
	for o in "--num-perm 0" "--num-perm 3" "--ngram 0" "--ngram 65" \
	    "--bands 8" "--rows 16" "--bands 257 --rows 1 --num-perm 512"; do
		run --separate-stderr etv-dedupe $o "$T/in"
		[ "$status" -eq 2 ] || { echo "$o: $status"; false; }
		[[ "$stderr" == "etv-dedupe: "* ]]
	done
}

@test "dedupe --shingle chars finds copies with a letter changed in many words" {
	# A letter changed in every twentieth word: most 5-word shingles
	# differ, few 5-character ones do.
	$CORPUS words 5000 300 | tr -cs 'A-Za-z\n' ' ' | tr 'A-Z' 'a-z' |
	    sed 's/^ //; s/ $//' >"$T/a"
	awk '{ for (i = 10; i <= NF; i += 20) $i = $i "q"; print }' "$T/a" >"$T/b"
	{ rec a "$(cat "$T/a")"; rec b "$(cat "$T/b")"; } >"$T/in"
	o=(--bands 32 --rows 4 --verify exact)
	run --separate-stderr etv-dedupe "${o[@]}" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "a b" ]
	run --separate-stderr etv-dedupe "${o[@]}" --shingle chars \
	    --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = a ]
	[ "$(dups "$T/rm")" = "b>a" ]
	$PY -c "import sys; sys.exit(not 0.85 < $(score "$T/rm" b) < 1)"
	# --ngram counts characters then: 100 letters without a space, one
	# changed: 3-character shingles are 0.94 alike, 20-character ones
	# 0.60 (as words, one word each, 0).
	x=$($PY -c 'import random; r = random.Random(5); \
print("".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(100)))')
	{ rec x "$x"; rec y "${x:0:50}Q${x:51}"; } >"$T/in2"
	run --separate-stderr etv-dedupe "${o[@]}" --shingle chars --ngram 3 \
	    --removed "$T/rm" "$T/in2"
	[ "$(ids <<<"$output")" = x ]
	near "$(score "$T/rm" y)" "$($PY -c 'print(95 / 101)')"
	run --separate-stderr etv-dedupe "${o[@]}" --shingle chars --ngram 20 "$T/in2"
	[ "$(ids <<<"$output")" = "x y" ]
	run --separate-stderr etv-dedupe "${o[@]}" --ngram 3 -t 0.1 "$T/in2"
	[ "$(ids <<<"$output")" = "x y" ]
	run --separate-stderr etv-dedupe --shingle bytes "$T/in"
	[ "$status" -eq 2 ]
}

@test "dedupe finds near copies of Chinese, Japanese and Thai text by characters" {
	# One character changed in the middle of each text: as words (a
	# text without spaces is one word) the copies would share nothing.
	$PY - $F/scripts.jsonl >"$T/in" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
for r in recs:
    print(json.dumps(r, ensure_ascii=False))
swap = {'zh': '书', 'ja': 'が', 'th': 'ก'}
for r in recs:
    if r['id'] in swap:
        t = r['text']
        m = len(t) // 2
        while t[m] == swap[r['id']] or not t[m].isalpha():
            m += 1
        print(json.dumps({'id': r['id'] + '2',
                          'text': t[:m] + swap[r['id']] + t[m + 1:]},
                         ensure_ascii=False))
EOF
	run --separate-stderr etv-dedupe --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "zh ja th ko" ]
	[ "$(dups "$T/rm")" = "zh2>zh ja2>ja th2>th" ]
	run --separate-stderr etv-dedupe -m exact "$T/in"
	[ "$(ids <<<"$output")" = "zh ja th ko zh2 ja2 th2" ]
}

@test "dedupe shingles Korean (Hangul) by words: it is written with spaces" {
	# Three words changed out of 85: about 0.69 as 5-word shingles, over
	# 0.9 as characters.
	jq -c 'select(.id == "ko")' $F/scripts.jsonl >"$T/in"
	jq -c '.id = "ko2" | .text |= (split(" ") |
	    .[20] += "요" | .[45] += "요" | .[70] += "요" | join(" "))' \
	    "$T/in" >>"$T/in"
	o=(--bands 32 --rows 4 --verify exact)
	run --separate-stderr etv-dedupe "${o[@]}" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "ko ko2" ]
	run --separate-stderr etv-dedupe "${o[@]}" --shingle chars "$T/in"
	[ "$(ids <<<"$output")" = "ko" ]
}

@test "dedupe: empty texts, and texts shorter than --ngram" {
	{ rec a ''
	  rec b 'alpha beta gamma'
	  rec c ''
	  rec d 'Alpha  BETA gamma'
	  rec g 'alpha beta gamma delta'
	  rec e 'alpha beta gamma delta epsilon'
	  rec f 'alpha beta gamma delta epsilon zeta' ; } >"$T/in"
	# An empty text is only a copy of another empty text; a text of
	# fewer than 5 words is one shingle of all its words, so a word
	# more makes another text.
	for o in "--verify estimate -t 0.7" "--verify exact -t 0.7" "-m exact"; do
		run --separate-stderr etv-dedupe $o --removed "$T/rm" "$T/in"
		[ "$status" -eq 0 ]
		[ "$(ids <<<"$output")" = "a b g e f" ] ||
		    { echo "$o: $output"; false; }
		[ "$(dups "$T/rm")" = "c>a d>b" ]
		[ "$(jq -r .dup_score "$T/rm" | paste -sd' ')" = "1 1" ]
	done
	# e and f share one 5-word shingle of two: 0.5.
	run --separate-stderr etv-dedupe -t 0.5 --bands 128 --rows 1 \
	    --verify exact --removed "$T/rm" "$T/in"
	[ "$(ids <<<"$output")" = "a b g e" ]
	[ "$(dups "$T/rm")" = "c>a d>b f>e" ]
	[ "$(score "$T/rm" f)" = 0.5 ]
	# With 2-word shingles: g is 2/3 like b (and d, later: a tie), e 3/4
	# like g, f 4/5 like e; dup_of names the survivor, dup_score is the
	# lowest link on the way.
	run --separate-stderr etv-dedupe --ngram 2 -t 0.6 --bands 128 \
	    --rows 1 --verify exact --removed "$T/rm" "$T/in"
	[ "$(ids <<<"$output")" = "a b" ]
	[ "$(dups "$T/rm")" = "c>a d>b g>b e>b f>b" ]
	[ "$(jq -r .dup_score "$T/rm" | paste -sd' ')" = "1 1 0.6667 0.6667 0.6667" ]
}

# ---- semantic ----

@test "dedupe -m semantic: cosine of embeddings, arrays and base64 alike" {
	vrec 's1 a 1,0,0 m' 's2 a 0.99,0.1,0 m' 's3 b 0,1,0 m' \
	    's4 b 0.1,0.995,0 m' 's5 a 0,0,1 m' 's6 b 2,0,0 m' \
	    's7 a 0.7,0.7,0.1 m' >"$T/in"
	run --separate-stderr etv-dedupe -m semantic --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(ids <<<"$output")" = "s1 s3 s5 s7" ]
	[ "$(dups "$T/rm")" = "s2>s1 s4>s3 s6>s1" ]
	near "$(score "$T/rm" s2)" 0.9949
	near "$(score "$T/rm" s4)" 0.9950
	near "$(score "$T/rm" s6)" 1
	# Lower the threshold and s7 (0.70 to s1, s3 and s6, 0.7707 to s2,
	# 0.7703 to s4) joins s2, in s1's cluster.
	run --separate-stderr etv-dedupe -m semantic -t 0.7 --removed "$T/rm" "$T/in"
	[ "$(ids <<<"$output")" = "s1 s3 s5" ]
	[ "$(dups "$T/rm")" = "s2>s1 s4>s3 s6>s1 s7>s1" ]
	near "$(score "$T/rm" s7)" 0.7707
	# Text plays no part.
	jq -c '.text = "same"' "$T/in" | etv-dedupe -m semantic >"$T/out"
	[ "$(ids "$T/out")" = "s1 s3 s5 s7" ]
}

@test "dedupe -m semantic: links, chains and the threshold" {
	# B is 18 degrees from A, C 18 from B (36 from A), D 24 from C: at
	# 0.9 each links to the one before; the chain's lowest link scores.
	vrec 'A d 0' 'B d 18' 'C d 36' 'D d 60' >"$T/in"
	run --separate-stderr etv-dedupe -m semantic --mark "$T/in"
	[ "$status" -eq 0 ]
	[ "$(jq -r '"\(.id) \(.dup_cluster) \(.dup_of) \(.dup_score)"' <<<"$output" |
	    paste -sd,)" = "A A null null,B A A 0.9511,C A A 0.9511,D A A 0.9135" ]
	# -t 0.92 cuts the last link: D stands alone.
	run --separate-stderr etv-dedupe -m semantic -t 0.92 "$T/in"
	[ "$(ids <<<"$output")" = "A D" ]
	# Exactly at the threshold (24/25), and just above it.
	vrec 'p a 3,4' 'q a 4,3' >"$T/in2"
	run --separate-stderr etv-dedupe -m semantic -t 0.96 "$T/in2"
	[ "$(ids <<<"$output")" = p ]
	run --separate-stderr etv-dedupe -m semantic -t 0.9601 "$T/in2"
	[ "$(ids <<<"$output")" = "p q" ]
}

@test "dedupe -m semantic: a record never joins two clusters; ties go to the earliest" {
	# M is as close to A as to Z (0.7071 both, exactly), A and Z are
	# apart: M joins A's cluster only, Z keeps its own with N.
	vrec 'A a 1,0' 'Z a 0,1' 'M a 1,1' 'N a 0.1,1' >"$T/in"
	run --separate-stderr etv-dedupe -m semantic -t 0.7 --mark "$T/in"
	[ "$status" -eq 0 ]
	[ "$(jq -r '"\(.id) \(.dup_cluster) \(.dup_of)"' <<<"$output" |
	    paste -sd,)" = "A A null,Z Z null,M A A,N Z Z" ]
	near "$(jq -r 'select(.id == "M") | .dup_score' <<<"$output")" 0.7071
	# M more like Z (0.74) than like A (0.67): it links to Z.
	vrec 'A a 1,0' 'Z a 0,1' 'M a 0.9,1' >"$T/in"
	run --separate-stderr etv-dedupe -m semantic -t 0.6 --mark "$T/in"
	[ "$(jq -r '"\(.id) \(.dup_cluster) \(.dup_of)"' <<<"$output" |
	    paste -sd,)" = "A A null,Z Z null,M Z Z" ]
}

@test "dedupe -m semantic refuses a second embedding_model (status 3, FILE:LINE)" {
	vrec 'a a 1,0 m1' 'b a 0,1 m1' 'c a 1,0 m2' 'd a 1,0 m1' >"$T/in"
	run --separate-stderr etv-dedupe -m semantic "$T/in"
	[ "$status" -eq 3 ]
	[[ "$stderr" == "etv-dedupe: $T/in:3: "*"embedding_model"* ]]
	# With --rejects the record goes there and the run goes on.
	run --separate-stderr etv-dedupe -m semantic --rejects "$T/rej" \
	    --removed "$T/rm" "$T/in"
	[ "$status" -eq 3 ]
	[ "$(ids <<<"$output")" = "a b" ]
	[ "$(cat "$T/rej")" = "$(sed -n 3p "$T/in")" ]
	[ "$(dups "$T/rm")" = "d>a" ]
}

@test "dedupe -m semantic: a missing, broken or mis-sized embedding is malformed" {
	for bad in '{"id":"x","text":"t"}' '{"id":"x","text":"t","embedding":"@@@"}' \
	    '{"id":"x","text":"t","embedding":[1,"a"]}' \
	    '{"id":"x","text":"t","embedding":[1,0,0]}' \
	    '{"id":"x","text":"t","embedding":{}}'; do
		{ vrec 'a a 1,0'; echo "$bad"; vrec 'b a 0,1'; } >"$T/in"
		run --separate-stderr etv-dedupe -m semantic "$T/in"
		[ "$status" -eq 3 ] || { echo "$bad: $status"; false; }
		[[ "$stderr" == "etv-dedupe: $T/in:2: "* ]]
	done
}

# ---- keep ----

@test "dedupe -k first|longest|newest:FIELD|field:FIELD picks the survivor" {
	# a, b, c are one cluster (the same text once normalised); d alone.
	# b is the longest in code points (a is the longest in bytes); c is
	# the newest instant (b's date is the largest string); c has the
	# largest n as a number (a as a string); b the largest s.
	{ rec a 'ＦＵＬＬ ｗｉｄｔｈ' '{date: "2021-03-01T10:00:00Z", n: 9, s: "pear", t: 1}'
	  rec b 'full  width' '{date: "2021-03-01T18:00:00+03:00", n: 2, s: "zebra", t: 3}'
	  rec c 'Full Width' '{date: "2021-03-01T11:00:00-05:00", n: 10, s: "apple", t: 3}'
	  rec d 'other text' '{date: "2030-01-01T00:00:00Z", n: 99, s: "zz", t: 9}'; } >"$T/in"
	keep() {
		run --separate-stderr etv-dedupe -m exact -k "$1" --removed "$T/rm" "$T/in"
		[ "$status" -eq 0 ] || { echo "-k $1: $status $stderr"; return 1; }
		[ "$(ids <<<"$output") / $(dups "$T/rm")" = "$2" ] ||
		    { echo "-k $1: $(ids <<<"$output") / $(dups "$T/rm")"; return 1; }
	}
	keep first "a d / b>a c>a"
	keep longest "b d / a>b c>b"
	keep newest:date "c d / a>c b>c"
	keep newest:n "c d / a>c b>c"
	keep field:n "c d / a>c b>c"
	keep field:s "b d / a>b c>b"
	# A tie goes to the earliest.
	keep field:t "b d / a>b c>b"
	run --separate-stderr etv-dedupe -m exact --keep longest "$T/in"
	[ "$(ids <<<"$output")" = "b d" ]
	# --mark names the survivor in every record of the cluster.
	run --separate-stderr etv-dedupe -m exact -k newest:date --mark "$T/in"
	[ "$(jq -r '"\(.id) \(.dup_cluster) \(.dup_of)"' <<<"$output" |
	    paste -sd,)" = "a c c,b c c,c c null,d d null" ]
	for k in last newest field: newest: bogus:x; do
		run --separate-stderr etv-dedupe -k "$k" "$T/in"
		[ "$status" -eq 2 ] || { echo "-k $k: $status"; false; }
		[[ "$stderr" == "etv-dedupe: "* ]]
	done
}

@test "dedupe -k newest compares instants and numbers, ties to the earliest" {
	{ rec a 'same' '{at: "2024-05-01T16:00:00Z"}'
	  rec b 'same' '{at: "2024-05-01T11:00:00-05:00"}'
	  rec c 'same' '{at: "2024-05-01T15:59:59.999+00:00"}'; } >"$T/in"
	run --separate-stderr etv-dedupe -m exact -k newest:at "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = a ]
	{ rec a 'same' '{at: 1700000000}'
	  rec b 'same' '{at: 1700000000.5}'
	  rec c 'same' '{at: 999}'; } >"$T/in"
	run --separate-stderr etv-dedupe -m exact -k newest:at "$T/in"
	[ "$(ids <<<"$output")" = b ]
}

@test "dedupe -k newest and field: full dates, values missing, strings over numbers" {
	{ rec c 'same' '{f: 5}'
	  rec a 'same' '{d: "2021-03-01", f: "10"}'
	  rec b 'same' '{d: "2021-02-28T23:00:00Z", f: "9"}'
	  rec e 'same' '{d: "yesterday", f: null}'; } >"$T/in"
	run --separate-stderr etv-dedupe -m exact -k newest:d --removed "$T/rm" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output") / $(dups "$T/rm")" = "a / c>a b>a e>a" ]
	run --separate-stderr etv-dedupe -m exact -k field:f "$T/in"
	[ "$(ids <<<"$output")" = b ]
	run --separate-stderr etv-dedupe -m exact -k field:none "$T/in"
	[ "$(ids <<<"$output")" = c ]
}

# ---- removed, mark, notes ----

@test "dedupe --removed: every removed record there, nothing lost" {
	mixed
	run --separate-stderr etv-dedupe --removed "$T/rm" "$T/mixed.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$T/out"
	n=$(wc -l <"$T/mixed.jsonl")
	[ $(($(wc -l <"$T/out") + $(wc -l <"$T/rm"))) -eq "$n" ]
	[ "$(wc -l <"$T/rm")" -ge 40 ]
	# Each input record is in one of the two, once.
	[ "$(cat "$T/out" "$T/rm" | jq -r .id | sort)" = \
	    "$(jq -r .id "$T/mixed.jsonl" | sort)" ]
	[ -z "$(jq -r .id "$T/mixed.jsonl" | sort | uniq -d)" ]
	# Survivors are input lines unchanged; removed ones carry dup_of (a
	# survivor) and dup_score, and are otherwise the input record.
	grep -Fxvf "$T/mixed.jsonl" "$T/out" >"$T/x" || true
	[ ! -s "$T/x" ]
	[ "$(jq -r 'select((.dup_of | type) != "string" or
	    (.dup_score | type) != "number" or .dup_score < 0.8 or
	    .dup_score > 1) | .id' "$T/rm")" = "" ]
	[ -z "$(jq -r .dup_of "$T/rm" | sort -u | comm -23 - <(jq -r .id "$T/out" | sort))" ]
	[ "$(jq -c 'del(.dup_of, .dup_score, .dup_cluster)' "$T/rm" | sort)" = \
	    "$(grep -Fxf <(jq -c 'del(.dup_of, .dup_score, .dup_cluster)' "$T/rm") \
	    "$T/mixed.jsonl" | sort)" ]
	# The planted copies are the ones removed.
	[ "$(jq -r 'select(.id | test("-(copy|case)$")) | .id' "$T/out")" = "" ]
	[ "$(jq -r 'select(.id | test("-(copy|case)$")) |
	    (.id | sub("-.*"; "")) == .dup_of' "$T/rm" | sort -u)" = true ]
	# Without --removed: the same survivors.
	run --separate-stderr etv-dedupe -q "$T/mixed.jsonl"
	[ "$output" = "$(cat "$T/out")" ]
}

@test "dedupe --mark replaces fields of its names; not with --removed" {
	run --separate-stderr etv-dedupe -m exact --mark <<<'{"id":"a","dup_of":"old","text":"x","dup_score":0.1}
{"dup_cluster":"z","id":"b","text":"x"}'
	[ "$status" -eq 0 ]
	[ "$(jq -r '"\(.id) \(.dup_cluster) \(.dup_of) \(.dup_score)"' <<<"$output" |
	    paste -sd,)" = "a a null null,b a a 1" ]
	[ "$(grep -o '"dup_[a-z]*"' <<<"$output" | sort | uniq -c | awk '{ print $1 }' |
	    sort -u)" = 2 ]
	run --separate-stderr etv-dedupe -m exact --removed "$T/rm" \
	    <<<'{"id":"a","text":"x","dup_of":"old"}
{"id":"b","text":"x","dup_of":"old","dup_score":"high"}'
	[ "$output" = '{"id":"a","text":"x","dup_of":"old"}' ]
	[ "$(jq -c '[.dup_of, .dup_score]' "$T/rm")" = '["a",1]' ]
	[ "$(grep -o '"dup_' "$T/rm" | wc -l)" -eq 2 ]
	run --separate-stderr etv-dedupe --mark --removed "$T/rm" </dev/null
	[ "$status" -eq 2 ]
}

@test "dedupe --mark writes every record with dup_cluster, dup_of, dup_score" {
	run --separate-stderr etv-dedupe -m exact --mark <<<'{"id":"a","text":"x"}
{"id":"b","text":"y"}
{"id":"c","text":"X"}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = '{"id":"a","text":"x","dup_cluster":"a","dup_of":null,"dup_score":null}' ]
	[ "${lines[1]}" = '{"id":"b","text":"y","dup_cluster":"b","dup_of":null,"dup_score":null}' ]
	[[ "${lines[2]}" =~ ^'{"id":"c","text":"X","dup_cluster":"a","dup_of":"a","dup_score":1'(\.0{1,4})?'}'$ ]]
	mixed
	etv-dedupe --mark "$T/mixed.jsonl" >"$T/mark"
	etv-dedupe --removed "$T/rm" "$T/mixed.jsonl" >"$T/out"
	[ "$(wc -l <"$T/mark")" -eq "$(wc -l <"$T/mixed.jsonl")" ]
	[ "$(ids "$T/mark")" = "$(ids "$T/mixed.jsonl")" ]
	[ "$(jq -r 'select(has("dup_cluster") and has("dup_of") and
	    has("dup_score") | not) | .id' "$T/mark")" = "" ]
	# The records with dup_of null are the survivors, each its own
	# cluster; the others are the removed records with the same dup_of
	# and dup_score, in the survivor's cluster.
	[ "$(jq -c 'select(.dup_of == null) | del(.dup_cluster, .dup_of, .dup_score)' "$T/mark")" = \
	    "$(jq -c . "$T/out")" ]
	[ "$(jq -r 'select(.dup_of == null) | select(.dup_cluster != .id or .dup_score != null) | .id' "$T/mark")" = "" ]
	[ "$(jq -c 'select(.dup_of != null) | del(.dup_cluster)' "$T/mark")" = \
	    "$(jq -c 'del(.dup_cluster)' "$T/rm")" ]
	[ "$(jq -r 'select(.dup_of != null and .dup_cluster != .dup_of) | .id' "$T/mark")" = "" ]
}

@test "dedupe says how many it dropped unless told where to keep them" {
	mixed
	n=$(($(wc -l <"$T/mixed.jsonl") - $(etv-dedupe -q "$T/mixed.jsonl" | wc -l)))
	[ "$n" -gt 0 ]
	run --separate-stderr etv-dedupe "$T/mixed.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "etv-dedupe: removed $n duplicates (keep them with --removed FILE)" ]
	run --separate-stderr etv-dedupe -q "$T/mixed.jsonl"
	[ -z "$stderr" ]
	run --separate-stderr etv-dedupe --mark "$T/mixed.jsonl"
	[ -z "$stderr" ]
	run --separate-stderr etv-dedupe --removed "$T/rm" "$T/mixed.jsonl"
	[ -z "$stderr" ]
	# -v: the shared summary and a dedupe line with the removed records,
	# the clusters and the bytes per record.
	r=$(wc -l <"$T/mixed.jsonl")
	run --separate-stderr etv-dedupe -v "$T/mixed.jsonl"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"read $r, wrote $((r - n)), rejected 0"* ]]
	grep 'cluster' <<<"$stderr" | grep -v 'keep them with' |
	    grep "\b$n\b" | grep -q 'bytes'
}

# ---- signatures ----

@test "dedupe --save-signatures, then --against removes copies of the first run's records" {
	$CORPUS docs 40 >"$T/all"
	head -n 30 "$T/all" >"$T/one"
	# The second batch: ten new documents and copies of five of the
	# first: as they are, in capitals, with the last word changed.
	{ tail -n 10 "$T/all"
	  for i in 3 8 13 21 30; do
		sed -n "${i}p" "$T/all" | jq -c --arg i "$i" '.id = "again\($i)"'
	  done | jq -c 'if .id == "again8" then .text |= sub("\\S+$"; "zebra")
	    elif .id == "again21" then .text |= ascii_upcase else . end'
	} >"$T/two"
	[ "$(wc -l <"$T/two")" -eq 15 ]
	grep -q '"again8".*zebra"' "$T/two"
	mkdir "$T/sig"
	run --separate-stderr etv-dedupe --save-signatures "$T/sig/s1" "$T/one"
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 30 ]
	[ -s "$T/sig/s1" ]
	[ "$(ls "$T/sig")" = s1 ]
	run --separate-stderr etv-dedupe --against "$T/sig/s1" --removed "$T/rm" "$T/two"
	[ "$status" -eq 0 ]
	[ "$output" = "$(head -n 10 "$T/two")" ]
	[ "$(dups "$T/rm")" = "again3>d003 again8>d008 again13>d013 again21>d021 again30>d030" ]
	# The same as one run over both batches.
	cat "$T/one" "$T/two" | etv-dedupe --removed "$T/rm2" >"$T/out"
	[ "$(ids "$T/out")" = "$(ids "$T/one") $(head -n 10 "$T/two" | ids)" ]
	[ "$(dups "$T/rm2")" = "$(dups "$T/rm")" ]
	# Saved again with --against: the file holds both runs.
	run --separate-stderr etv-dedupe --against "$T/sig/s1" \
	    --save-signatures "$T/sig/s2" "$T/two"
	[ "$status" -eq 0 ]
	[ "$(ls "$T/sig" | paste -sd' ')" = "s1 s2" ]
	jq -c '.id = "third"' <(sed -n 2p "$T/two") >"$T/three"
	jq -c '.id = "fourth"' <(sed -n 2p "$T/one") >>"$T/three"
	run --separate-stderr etv-dedupe --against "$T/sig/s2" --mark "$T/three"
	[ "$(jq -r '"\(.id)>\(.dup_of)"' <<<"$output" | paste -sd' ')" = \
	    "third>$(sed -n 2p "$T/two" | jq -r .id) fourth>d002" ]
	# Options that make other signatures are refused.
	for o in "--ngram 3" "--num-perm 64" "--seed 2" "--shingle chars" \
	    "-m exact" "--normalize aggressive"; do
		run --separate-stderr etv-dedupe $o --against "$T/sig/s1" "$T/two"
		[ "$status" -eq 2 ] || { echo "$o: $status $stderr"; false; }
		[[ "$stderr" == "etv-dedupe: "*"$T/sig/s1"* ]]
		[ -z "$output" ]
	done
	# So are another verification and a threshold that bands otherwise.
	etv-dedupe --verify estimate --save-signatures "$T/sig/e" "$T/one" >/dev/null
	run --separate-stderr etv-dedupe --verify exact --against "$T/sig/e" "$T/two"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-dedupe: $T/sig/e: made with "* ]]
	run --separate-stderr etv-dedupe --verify estimate -t 0.5 \
	    --against "$T/sig/e" "$T/two"
	[ "$status" -eq 2 ]
	rm "$T/sig/e"
	# So is a file that is not one.
	run --separate-stderr etv-dedupe --against "$T/one" "$T/two"
	[ "$status" -eq 2 ]
	[ "$stderr" = "etv-dedupe: $T/one: not a signature file of etv-dedupe" ]
	[ -z "$output" ]
	run --separate-stderr etv-dedupe --against "$T/nope" "$T/two"
	[ "$status" -eq 4 ]
}

@test "dedupe -m exact --save-signatures and --against" {
	printf '%s\n' '{"id":"a","text":"one"}' '{"id":"b","text":"two"}' >"$T/one"
	printf '%s\n' '{"id":"c","text":"ONE"}' '{"id":"d","text":"three"}' >"$T/two"
	etv-dedupe -m exact --save-signatures "$T/s" "$T/one" >/dev/null
	run --separate-stderr etv-dedupe -m exact --against "$T/s" --mark "$T/two"
	[ "$status" -eq 0 ]
	[ "$(jq -r '"\(.id)>\(.dup_of)"' <<<"$output" | paste -sd' ')" = "c>a d>null" ]
	run --separate-stderr etv-dedupe --against "$T/s" "$T/two"
	[ "$status" -eq 2 ]
	# The earlier run's record survives whatever --keep says.
	run --separate-stderr etv-dedupe -m exact -k longest --against "$T/s" \
	    --mark <<<'{"id":"e","text":"  TWO  "}'
	[ "$(jq -r '"\(.id)>\(.dup_of)>\(.dup_cluster)"' <<<"$output")" = "e>b>b" ]
}

@test "dedupe --save-signatures replaces its file only when the run succeeds" {
	printf '%s\n' '{"id":"a","text":"one"}' '{"id":"b","text":"two"}' >"$T/one"
	printf '%s\n' '{"id":"c","text":"three"}' '{"id":"d","text":"TWO"}' >"$T/two"
	printf '%s\n' '{"id":"e","text":"four"}' 'oops' >"$T/bad"
	mkdir "$T/d"
	etv-dedupe -m exact --save-signatures "$T/d/s" "$T/one" >/dev/null
	cp "$T/d/s" "$T/keep"
	run --separate-stderr etv-dedupe -m exact --against "$T/d/s" \
	    --save-signatures "$T/d/s" "$T/bad"
	[ "$status" -eq 3 ]
	cmp "$T/d/s" "$T/keep"
	[ "$(ls "$T/d")" = s ]
	# The file given to both options is read, then replaced.
	run --separate-stderr etv-dedupe -m exact --against "$T/d/s" \
	    --save-signatures "$T/d/s" --removed "$T/rm" "$T/two"
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = c ]
	[ "$(dups "$T/rm")" = "d>b" ]
	[ "$(ls "$T/d")" = s ]
	run --separate-stderr etv-dedupe -m exact --against "$T/d/s" --mark \
	    <<<'{"id":"f","text":"Three"}'
	[ "$(jq -r .dup_of <<<"$output")" = c ]
}

# ---- staged ----

# staged FILE OPTION...: the four stages over FILE with the options; the
# apply stage also gets the options in the array APPLY.
staged() {
	local in=$1
	shift
	set -o pipefail
	etv-dedupe "$@" --stage keys "$in" | LC_ALL=C sort |
	    etv-dedupe "$@" --stage pairs |
	    etv-dedupe "$@" --stage clusters >"$T/decisions" || return 1
	etv-dedupe "$@" --stage apply --decisions "$T/decisions" \
	    "${APPLY[@]}" "$in"
}

@test "dedupe --stage keys|sort|pairs|clusters, then apply, equals one run" {
	mixed
	for o in "" "-k longest --verify exact" "-m exact --normalize aggressive" \
	    "--shingle chars -t 0.7" "--ngram 3 --bands 16 --rows 8"; do
		etv-dedupe $o --mark "$T/mixed.jsonl" >"$T/one"
		APPLY=(--mark)
		staged "$T/mixed.jsonl" $o >"$T/two"
		cmp "$T/one" "$T/two" || { echo "--mark $o"; false; }
		etv-dedupe $o --removed "$T/rm1" "$T/mixed.jsonl" >"$T/one"
		APPLY=(--removed "$T/rm2")
		staged "$T/mixed.jsonl" $o >"$T/two"
		cmp "$T/one" "$T/two" && cmp "$T/rm1" "$T/rm2" ||
		    { echo "--removed $o"; false; }
		[ -s "$T/rm1" ]
	done
	# Scripts without spaces too.
	etv-dedupe --mark $F/scripts.jsonl $F/scripts.jsonl >"$T/one"
	cat $F/scripts.jsonl $F/scripts.jsonl >"$T/s2"
	APPLY=(--mark)
	staged "$T/s2" >"$T/two"
	cmp "$T/one" "$T/two"
}

@test "dedupe --stage with --part numbers: parts in any order, the same result" {
	mixed
	split -l 70 -d "$T/mixed.jsonl" "$T/part."
	[ -f "$T/part.02" ] && [ ! -f "$T/part.03" ]
	etv-dedupe --mark "$T/part.00" "$T/part.01" "$T/part.02" >"$T/one"
	cmp "$T/one" <(etv-dedupe --mark "$T/mixed.jsonl")
	set -o pipefail
	# Keys of the parts made in reverse order: sort puts them together.
	for p in 3 2 1; do
		etv-dedupe --stage keys --part $p "$T/part.0$((p - 1))"
	done | LC_ALL=C sort | etv-dedupe --stage pairs |
	    etv-dedupe --stage clusters >"$T/decisions"
	for p in 1 2 3; do
		etv-dedupe --stage apply --decisions "$T/decisions" --part $p \
		    --mark "$T/part.0$((p - 1))"
	done >"$T/two"
	cmp "$T/one" "$T/two"
	# The apply stage of one part alone writes only that part.
	etv-dedupe --stage apply --decisions "$T/decisions" --part 2 --mark \
	    "$T/part.01" >"$T/p2"
	cmp "$T/p2" <(sed -n 71,140p "$T/one")
}

@test "dedupe --stage pairs: shares of the keys, sorted on two fields" {
	mixed
	etv-dedupe --mark "$T/mixed.jsonl" >"$T/one"
	set -o pipefail
	etv-dedupe --stage keys "$T/mixed.jsonl" >"$T/keys"
	# Sorted on the first two fields only, from the keys reversed: the
	# lines equal on those come in another order.
	tac "$T/keys" | LC_ALL=C sort -s -t "$(printf '\t')" -k1,2 |
	    etv-dedupe --stage pairs | etv-dedupe --stage clusters >"$T/dec"
	etv-dedupe --stage apply --decisions "$T/dec" --mark "$T/mixed.jsonl" |
	    cmp - "$T/one"
	# Three reducers, each given the lines of its keys in sorted order;
	# clusters reads what they wrote in any order.
	LC_ALL=C sort "$T/keys" | awk -F '\t' -v d="$T" \
	    '{ print > (d "/share" index("0123456789abcdef",
	    substr($1, length($1), 1)) % 3) }'
	[ -s "$T/share0" ] && [ -s "$T/share1" ] && [ -s "$T/share2" ]
	for i in 2 0 1; do
		etv-dedupe --stage pairs <"$T/share$i"
	done | etv-dedupe --stage clusters >"$T/dec"
	etv-dedupe --stage apply --decisions "$T/dec" --mark "$T/mixed.jsonl" |
	    cmp - "$T/one"
}

@test "dedupe --stage with GNU parallel equals one run" {
	if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
		skip "GNU parallel is not installed (Debian package 'parallel')"
	fi
	mixed
	set -o pipefail
	for o in "" "-m exact -k longest"; do
		parallel --pipe -k -N 50 etv-dedupe $o --stage keys --part '{#}' \
		    <"$T/mixed.jsonl" | LC_ALL=C sort | etv-dedupe $o --stage pairs |
		    etv-dedupe $o --stage clusters >"$T/decisions"
		parallel --pipe -k -N 50 etv-dedupe $o --stage apply \
		    --decisions "$T/decisions" --part '{#}' --mark \
		    <"$T/mixed.jsonl" >"$T/two"
		etv-dedupe $o --mark "$T/mixed.jsonl" | cmp - "$T/two" ||
		    { echo "--mark $o"; false; }
		rm -f "$T"/rm.*
		parallel --pipe -k -N 50 etv-dedupe $o --stage apply \
		    --decisions "$T/decisions" --part '{#}' --removed "$T/rm.{#}" \
		    <"$T/mixed.jsonl" >"$T/two"
		etv-dedupe $o --removed "$T/rm1" "$T/mixed.jsonl" | cmp - "$T/two"
		for p in 1 2 3 4 5; do
			[ ! -f "$T/rm.$p" ] || cat "$T/rm.$p"
		done | cmp - "$T/rm1"
		[ ! -f "$T/rm.6" ]
	done
}

@test "dedupe --stage refuses what it cannot do" {
	run --separate-stderr etv-dedupe --stage shuffle </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-dedupe: "*"'--stage'"* ]]
	run --separate-stderr etv-dedupe --stage apply </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--decisions"* ]]
	# Garbage is malformed input to the later stages.
	run --separate-stderr etv-dedupe --stage pairs <<<'not a key line'
	[ "$status" -eq 3 ]
	[[ "$stderr" == "etv-dedupe: <stdin>:1: "* ]]
	echo 'no decisions here' >"$T/dec"
	run --separate-stderr etv-dedupe --stage apply --decisions "$T/dec" \
	    <<<'{"id":"a","text":"x"}'
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	run --separate-stderr etv-dedupe --stage apply --decisions "$T/nope" \
	    <<<'{"id":"a","text":"x"}'
	[ "$status" -eq 4 ]
	# One-process options.
	for o in "--save-signatures $T/s" "-m semantic"; do
		run --separate-stderr etv-dedupe $o --stage keys </dev/null
		[ "$status" -eq 2 ] || { echo "$o: $status"; false; }
	done
	[ ! -e "$T/s" ]
	run --separate-stderr etv-dedupe --part 2 </dev/null
	[ "$status" -eq 2 ]
}

@test "dedupe --stage keys --against gives what one run --against gives" {
	$CORPUS docs 30 >"$T/all"
	head -n 20 "$T/all" >"$T/one"
	{ tail -n 10 "$T/all"; sed -n '4p;9p' "$T/all" | jq -c '.id += "-again"'; } >"$T/two"
	etv-dedupe --save-signatures "$T/sig" "$T/one" >/dev/null
	etv-dedupe --against "$T/sig" --mark "$T/two" >"$T/a"
	[ "$(jq -r 'select(.dup_of != null) | "\(.id)>\(.dup_of)"' "$T/a" | paste -sd' ')" = \
	    "d004-again>d004 d009-again>d009" ]
	set -o pipefail
	etv-dedupe --stage keys --against "$T/sig" "$T/two" | LC_ALL=C sort |
	    etv-dedupe --stage pairs | etv-dedupe --stage clusters >"$T/dec"
	etv-dedupe --stage apply --decisions "$T/dec" --mark "$T/two" | cmp - "$T/a"
}

# ---- determinism ----

@test "dedupe output is the same for -j 1, 2, 4 and run after run" {
	mixed
	vectors >"$T/v.jsonl"
	for o in "" "--verify exact --mark" "-m exact --mark" "--shingle chars --mark"; do
		etv-dedupe -j 1 $o "$T/mixed.jsonl" >"$T/j1"
		for j in 2 4 1; do
			etv-dedupe -j $j $o "$T/mixed.jsonl" | cmp - "$T/j1" ||
			    { echo "-j $j $o"; false; }
		done
	done
	etv-dedupe -j 1 -m semantic --mark "$T/v.jsonl" >"$T/j1"
	[ "$(jq -r 'select(.dup_of != null) | .id' "$T/j1" | wc -l)" -ge 40 ]
	for j in 2 4 1; do
		etv-dedupe -j $j -m semantic --mark "$T/v.jsonl" | cmp - "$T/j1"
	done
	# A fixed seed by default; another seed may pick other pairs but is
	# itself deterministic.
	a=$(etv-dedupe --seed 9 --mark "$T/mixed.jsonl" | cksum)
	b=$(etv-dedupe --seed 9 --mark -j 3 "$T/mixed.jsonl" | cksum)
	[ "$a" = "$b" ]
	run --separate-stderr etv-dedupe -j -1 "$T/v.jsonl"
	[ "$status" -eq 2 ]
}

# ---- input ----

@test "dedupe: a record without a string text is malformed (status 3, FILE:LINE)" {
	for bad in '{"id":"x"}' '{"id":"x","text":5}' '{"id":"x","text":null}' \
	    '{"id":"x","text":["a"]}' '{"id":"x","text":"unterminated}' \
	    '{"id":"x","text":"a"' 'text'; do
		printf '%s\n' '{"id":"a","text":"hello"}' '{"id":"b","text":"hello"}' \
		    '{"id":"c","text":"more"}' "$bad" '{"id":"d","text":"Hello"}' >"$T/in"
		run --separate-stderr etv-dedupe -m exact "$T/in"
		[ "$status" -eq 3 ] || { echo "$bad: $status"; false; }
		[[ "$stderr" == "etv-dedupe: $T/in:4: "* ]] || { echo "$stderr"; false; }
		# --rejects: the line goes there verbatim and the run goes on.
		run --separate-stderr etv-dedupe -m exact --rejects "$T/rej" \
		    --removed "$T/rm" "$T/in"
		[ "$status" -eq 3 ]
		[ "$(ids <<<"$output")" = "a c" ]
		[ "$(cat "$T/rej")" = "$bad" ]
		[ "$(dups "$T/rm")" = "b>a d>a" ]
	done
	# So is one without a string id: dup_of needs it.
	for bad in '{"text":"x"}' '{"id":5,"text":"x"}' '{"id":null,"text":"x"}'; do
		printf '%s\n' '{"id":"a","text":"x"}' "$bad" >"$T/in"
		run --separate-stderr etv-dedupe "$T/in"
		[ "$status" -eq 3 ] || { echo "$bad: $status"; false; }
		[[ "$stderr" == "etv-dedupe: $T/in:2: field 'id' is missing or not a string"* ]]
	done
	# The text field is the one named.
	run --separate-stderr etv-dedupe --text-field body <<<'{"id":"a","text":"x"}'
	[ "$status" -eq 3 ]
	[[ "$stderr" == "etv-dedupe: <stdin>:1: "*"'body'"* ]]
}

@test "dedupe --text-field and --id-field" {
	run --separate-stderr etv-dedupe -m exact --text-field body --id-field key \
	    --mark <<<'{"key":"k1","body":"Same","text":"one"}
{"key":"k2","body":"same","text":"two"}
{"key":"k3","body":"other","text":"one"}'
	[ "$status" -eq 0 ]
	[ "$(jq -r '"\(.key)>\(.dup_of)>\(.dup_cluster)"' <<<"$output" | paste -sd' ')" = \
	    "k1>null>k1 k2>k1>k1 k3>null>k3" ]
}

@test "dedupe reads CRLF input: the same result as LF" {
	mixed
	sed 's/$/\r/' "$T/mixed.jsonl" >"$T/crlf"
	for o in "" "--mark" "-m exact --mark"; do
		a=$(etv-dedupe -q $o "$T/mixed.jsonl" | cksum)
		b=$(etv-dedupe -q $o "$T/crlf" | cksum)
		[ "$a" = "$b" ] || { echo "$o"; false; }
	done
	etv-dedupe --removed "$T/rm1" "$T/mixed.jsonl" >/dev/null
	etv-dedupe --removed "$T/rm2" "$T/crlf" >/dev/null
	cmp "$T/rm1" "$T/rm2"
	# A CR inside a text is part of it.
	run --separate-stderr etv-dedupe -m exact --normalize none \
	    < <(printf '{"id":"a","text":"x\\r\\ny"}\r\n{"id":"b","text":"x\\ny"}\r\n')
	[ "$(ids <<<"$output")" = "a b" ]
}

@test "dedupe --csv reads rows as records" {
	printf 'id,text,n\r\nc1,"Hello, world",1\r\nc2,"hello,   WORLD",2\r\nc3,other,3\r\n' >"$T/in.csv"
	run --separate-stderr etv-dedupe --csv --removed "$T/rm" "$T/in.csv"
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"c1","text":"Hello, world","n":"1"}
{"id":"c3","text":"other","n":"3"}' ]
	[ "$(dups "$T/rm")" = "c2>c1" ]
	run --separate-stderr etv-dedupe --csv -k field:n "$T/in.csv"
	[ "$(ids <<<"$output")" = "c2 c3" ]
	# A row without the text column is malformed.
	printf 'id,body\r\nc1,x\r\n' >"$T/bad.csv"
	run --separate-stderr etv-dedupe --csv "$T/bad.csv"
	[ "$status" -eq 3 ]
	[[ "$stderr" == "etv-dedupe: $T/bad.csv:2: "* ]]
}

@test "dedupe reads several files as one input, in order" {
	printf '%s\n' '{"id":"a","text":"one"}' '{"id":"b","text":"two"}' >"$T/x"
	printf '%s\n' '{"id":"c","text":"TWO"}' '{"id":"d","text":"one"}' >"$T/y"
	run --separate-stderr etv-dedupe -m exact --removed "$T/rm" "$T/x" - "$T/y" \
	    <<<'{"id":"e","text":"three"}'
	[ "$status" -eq 0 ]
	[ "$(ids <<<"$output")" = "a b e" ]
	[ "$(dups "$T/rm")" = "c>b d>a" ]
}

@test "dedupe --stats has the figures of -v: removed and clusters" {
	run --separate-stderr etv-dedupe -q -v --stats "$T/st.json" \
	    "$BATS_FILE_TMPDIR/mixed.jsonl"
	[ "$status" -eq 0 ]
	want=$(sed -n 's/.*removed \([0-9]*\) in \([0-9]*\) clusters.*/[\1,\2]/p' <<<"$stderr")
	[ -n "$want" ]
	[ "$(jq -c '[.removed, .clusters]' "$T/st.json")" = "$want" ]
	[ "$(jq .removed "$T/st.json")" -gt 0 ]
	[ "$(jq '.read - .written - .removed' "$T/st.json")" -eq 0 ]
}
