#!/bin/sh
# chunk.sh -- benchmark etv-chunk against LangChain's
# RecursiveCharacterTextSplitter (@langchain/textsplitters, npm) and etv's
# pass-through floor, on the same corpus of real text from this machine.
# Usage: scripts/bench/chunk.sh [BUILD_DIR]
# Environment: CHUNK_MB (corpus size, default 60), CHUNK_TOK_MB (the part
# used in token mode, default 6: LangChain tokenizes at under 1 MB/s),
# CHUNK_RUNS (runs of each command, the fastest counts; default 3).
set -eu

B=${1:-build}
W=$B/bench/chunk
MB=${CHUNK_MB:-60}
TOKMB=${CHUNK_TOK_MB:-6}
SIZE=1000
OVERLAP=100
TSIZE=256
TOVERLAP=32
PY=/usr/bin/python3
here=$(dirname "$0")
mkdir -p "$W"

say() { printf '%s\n' "$*"; }

# Seconds since the epoch, with nanoseconds (GNU date).
now() { date +%s.%N; }

# rate BYTES SECONDS: MB/s
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }

# run OUT CMD...: run CMD with stdout to OUT $RUNS times, print the
# fewest seconds it took (the machine may be shared: the best run is the
# one least disturbed).
RUNS=${CHUNK_RUNS:-3}
run() {
	out=$1
	shift
	best=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now)
		"$@" >"$out"
		t1=$(now)
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN {
		    d = b - a; if (m != "" && m < d) d = m; printf "%.3f", d }')
		i=$((i + 1))
	done
	printf '%s' "$best"
}

# quality NAME SOURCE CHUNKS SIZE [SIZES]: one line of quality figures.
quality() {
	name=$1
	shift
	"$PY" "$here/chunk-quality.py" "$@" | awk -v n="$name" '{
	    printf "  %-22s %6d  %17.3f  %9d  %9.3f\n", n, $1, $2, $3, $4 }'
}

# The corpus: /usr/share/doc and rendered man pages as JSON-lines.
corpus=$W/corpus-$MB.jsonl
if [ ! -s "$corpus" ]; then
	say "building a $MB MB corpus from /usr/share/doc and man pages..."
	"$PY" "$here/chunk-corpus.py" "$MB" >"$corpus.tmp"
	mv "$corpus.tmp" "$corpus"
fi
tcorpus=$W/corpus-tok-$TOKMB.jsonl
if [ ! -s "$tcorpus" ]; then
	awk -v max=$((TOKMB * 1048576)) '{ n += length($0) + 1; print;
	    if (n >= max) exit }' "$corpus" >"$tcorpus"
fi
bytes=$(wc -c <"$corpus")
tbytes=$(wc -c <"$tcorpus")

# The tokenizer files and the anchor.
sh "$here/../fetch-tokenizers.sh" "$B/tokenizers"
tok=$B/tokenizers/cl100k_base.tiktoken
# Installed once into a temporary folder renamed into place, so that an
# interrupted install is never taken for a finished one; later runs use it
# as it is and need no network.
lc=$W/node
if [ ! -d "$lc/node_modules/@langchain/textsplitters" ] ||
    [ ! -d "$lc/node_modules/js-tiktoken" ]; then
	command -v npm >/dev/null 2>&1 || {
		say "chunk.sh: npm is needed (sh scripts/deps.sh --bench)" >&2
		exit 4
	}
	say "installing @langchain/textsplitters and js-tiktoken into $lc..."
	rm -rf "$lc.tmp"
	npm install --silent --no-audit --no-fund --prefer-offline \
	    --prefix "$lc.tmp" @langchain/textsplitters js-tiktoken >/dev/null || {
		say "chunk.sh: npm install of @langchain/textsplitters and" \
		    "js-tiktoken failed" >&2
		rm -rf "$lc.tmp"
		exit 4
	}
	rm -rf "$lc"
	mv "$lc.tmp" "$lc"
fi
cp "$here/chunk-langchain.mjs" "$W/node/lc.mjs"

# etv's pass-through floor: read and parse every record as etv-chunk does
# (lib/record, lib/pool), write it back unchanged, to a file as the
# chunkers do (writing to /dev/null would leave out the cost of writing).
cat >"$W/floor.c" <<'EOF'
#include <jansson.h>
#include "lib/base/diag.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"

static void
item(struct rec_item *it, void *arg, int worker)
{
	json_t *rec;

	(void)arg;
	(void)worker;
	if ((rec = rec_parse(it)) == NULL)
		return;
	rec_emit_same(it);
	json_decref(rec);
}

int
main(int argc, char **argv)
{
	struct rec_config cfg = REC_CONFIG_INIT;
	struct rec_reader *rd;

	diag_init(argv[0]);
	rd = rec_open(&cfg, argc - 1, argv + 1);
	pool_run(rd, 1, item, NULL);
	rec_close(rd);
	return diag_finish();
}
EOF
# shellcheck disable=SC2046 # pkg-config prints several words
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. -pthread \
    -o "$W/floor" "$W/floor.c" "$B/lib/libetv.a" \
    $(pkg-config --cflags --libs jansson libutf8proc libxxhash libpcre2-8 \
    libcurl sqlite3) -lcsv -lm

say "etv-chunk benchmark: corpus $(rate "$bytes" 1) MB of JSON-lines," \
    "$(wc -l <"$corpus") documents; $(nproc) processors"
say ""
say "character mode: --size $SIZE --overlap $OVERLAP (LangChain:" \
    "chunkSize $SIZE, chunkOverlap $OVERLAP)"
# A first pass warms the page cache for everyone.
cat "$corpus" >/dev/null
t_floor=$(run "$W/floor.jsonl" "$W/floor" "$corpus")
rm -f "$W/floor.jsonl"
t_e1=$(run "$W/etv.jsonl" "$B/etv-chunk" -s $SIZE -o $OVERLAP "$corpus")
t_e2=$(run "$W/etv2.jsonl" "$B/etv-chunk" -j 2 -s $SIZE -o $OVERLAP "$corpus")
cmp -s "$W/etv.jsonl" "$W/etv2.jsonl" || {
	say "etv-chunk -j 2 output differs from -j 1" >&2
	exit 1
}
t_lc=$(run "$W/lc.jsonl" node "$W/node/lc.mjs" chars $SIZE $OVERLAP "$corpus")
r_floor=$(rate "$bytes" "$t_floor")
r_e1=$(rate "$bytes" "$t_e1")
r_e2=$(rate "$bytes" "$t_e2")
r_lc=$(rate "$bytes" "$t_lc")
printf '  %-34s %8s MB/s\n' "pass-through floor (parse, write)" "$r_floor" \
    "etv-chunk -j 1" "$r_e1" "etv-chunk -j 2" "$r_e2" \
    "LangChain JS" "$r_lc"
awk -v e1="$r_e1" -v e2="$r_e2" -v lc="$r_lc" -v fl="$r_floor" 'BEGIN {
	printf "  etv -j 1 / LangChain: %.2fx   (target >= 1.5x)\n", e1 / lc
	printf "  etv -j 2 / LangChain: %.2fx   (target >= 2.5x)\n", e2 / lc
	printf "  floor / etv -j 1:     %.2fx   (target <= 1.5x)\n", fl / e1
}'
say "  quality                chunks  sentence/para-end  over-size  mean fill"
quality etv-chunk "$corpus" "$W/etv.jsonl" $SIZE
quality LangChain "$corpus" "$W/lc.jsonl" $SIZE

say ""
say "token mode: --size $TSIZE --overlap $TOVERLAP tokens, cl100k_base" \
    "(LangChain: lengthFunction = js-tiktoken encode),"
say "  on the first $(rate "$tbytes" 1) MB of the corpus"
t_t1=$(run "$W/etv-tok.jsonl" "$B/etv-chunk" -t "$tok" -s $TSIZE \
    -o $TOVERLAP "$tcorpus")
t_t2=$(run "$W/etv-tok2.jsonl" "$B/etv-chunk" -j 2 -t "$tok" -s $TSIZE \
    -o $TOVERLAP "$tcorpus")
cmp -s "$W/etv-tok.jsonl" "$W/etv-tok2.jsonl" || {
	say "etv-chunk -j 2 output differs from -j 1 in token mode" >&2
	exit 1
}
t_tl=$(run "$W/lc-tok.jsonl" node "$W/node/lc.mjs" tokens $TSIZE $TOVERLAP \
    "$tcorpus")
r_t1=$(rate "$tbytes" "$t_t1")
r_t2=$(rate "$tbytes" "$t_t2")
r_tl=$(rate "$tbytes" "$t_tl")
printf '  %-34s %8s MB/s\n' "etv-chunk -j 1" "$r_t1" "etv-chunk -j 2" "$r_t2" \
    "LangChain JS + js-tiktoken" "$r_tl"
awk -v e1="$r_t1" -v e2="$r_t2" -v lc="$r_tl" 'BEGIN {
	printf "  etv -j 1 / LangChain: %.1fx   (target >= 30x)\n", e1 / lc
	printf "  etv -j 2 / LangChain: %.1fx\n", e2 / lc
}'
# Exact token counts of both outputs, by etv's tokenizer (checked against
# tiktoken's reference vectors by the test suite).
for f in etv-tok lc-tok; do
	jq -c '{id, text}' "$W/$f.jsonl" |
	    "$B/etv-chunk" -t "$tok" -s 100000000 --min-size 0 |
	    jq -r .tokens >"$W/$f.sizes"
done
say "  quality                chunks  sentence/para-end  over-size  mean fill"
quality etv-chunk "$tcorpus" "$W/etv-tok.jsonl" $TSIZE "$W/etv-tok.sizes"
quality LangChain "$tcorpus" "$W/lc-tok.jsonl" $TSIZE "$W/lc-tok.sizes"
