#!/bin/sh
# dedupe.sh -- etv-dedupe (minhash) against datasketch's MinHash LSH, on a
# labelled corpus of near-duplicates made from real text of this machine.
# Usage: scripts/bench/dedupe.sh [BUILD_DIR]
# Environment: DEDUPE_ORIGINALS (original documents of the corpus, default
# 2000, which makes about 5600 documents; 20000 makes a corpus ten times
# as big), DEDUPE_SEED (the corpus's seed, default 1), DEDUPE_RUNS (timed
# runs of each command, the least CPU time counts; default 3).
#
# The corpus and its truth are made by dedupe-corpus.py (its header says
# how; in short, the truth is every pair whose Jaccard of 5-word shingles
# of the normalised text is 0.4 or more, computed exactly over all
# pairs).  datasketch has no Debian package and PyPI cannot be reached:
# dedupe-anchor.py re-implements its algorithm (MinHash, MinHashLSH with
# its optimal bands and rows, query then insert, candidates not verified,
# union-find clusters) with numpy and scipy.  At each threshold both run on
# the same corpus, etv-dedupe with --mark -v and default options but
# --threshold, at -j 1 and -j 2 (the outputs must be equal); the runs are
# interleaved and the one with the least CPU time (user + system) counts.
set -eu

B=$(cd "${1:-build}" && pwd)
PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
W=$B/bench/dedupe
N=${DEDUPE_ORIGINALS:-2000}
SEED=${DEDUPE_SEED:-1}
RUNS=${DEDUPE_RUNS:-3}
THRESHOLDS="0.5 0.7 0.8 0.9"
ETV=$B/etv-dedupe
mkdir -p "$W"

say() { printf '%s\n' "$*"; }

[ -x "$ETV" ] || {
	say "dedupe.sh: $ETV not found (make first)" >&2
	exit 4
}
"$PY" -c 'import numpy, scipy' 2>/dev/null || {
	say "dedupe.sh: $PY needs numpy and scipy (sh scripts/deps.sh" \
	    "--bench)" >&2
	exit 4
}

# The corpus, made once for each size and seed; docs.jsonl is written
# last, so that an interrupted run is never taken for a finished one.
C=$W/corpus-$N-$SEED
if [ ! -s "$C/docs.jsonl" ]; then
	say "building the corpus ($N originals, seed $SEED) in $C..."
	"$PY" "$here/dedupe-corpus.py" make "$C" "$N" "$SEED"
fi
docs=$C/docs.jsonl
ndocs=$(wc -l <"$docs")

# timed NAME CMD...: run CMD with stdout to $W/NAME.jsonl and stderr to
# $W/NAME.err; print its CPU and wall seconds and peak KiB (cpu.py).
timed() {
	n=$1
	shift
	"$PY" "$here/cpu.py" "$W/$n.jsonl" "$W/$n.err" "$@"
}

# least A B: the smaller of two numbers, B if A is empty.
least() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a != "" && a + 0 < b + 0) ? a : b }'
}

# rate SECONDS: documents per second.
rate() { awk -v n="$ndocs" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }

# ratio A B: A / B.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

# etvbytes ERRFILE: the figures of etv-dedupe -v's bytes/record line, as
# "label N, label N".
etvbytes() {
	r=$(awk '/bytes\/record/ { s = $0; out = ""
		while (match(s, /[A-Za-z][A-Za-z ]*[ =:]+[0-9.]+ bytes\/record/)) {
			m = substr(s, RSTART, RLENGTH)
			sub(/ bytes\/record/, "", m)
			sub(/[ =:]+/, " ", m)
			out = out (out == "" ? "" : ", ") m
			s = substr(s, RSTART + RLENGTH)
		}
		print out; exit }' "$1")
	[ -n "$r" ] || {
		say "dedupe.sh: no \"bytes/record\" in etv-dedupe -v's" \
		    "output:" >&2
		cat "$1" >&2
		exit 1
	}
	printf '%s' "$r"
}

# quality NAME T RESULT: a line of the quality table.
quality() {
	"$PY" "$here/dedupe-corpus.py" score "$C" "$3" "$2" | awk -v n="$1" \
	    -v t="$2" '{ printf "  %-4s %-20s %6.3f %6.3f %6.3f  ", t, n, $1, $2, $3
		for (i = 6; i <= NF; i++)
			printf " %5s", $i
		printf "\n" }'
}

say "etv-dedupe benchmark: $(awk '{ n += length($0) + 1 }
    END { printf "%.1f", n / 1048576 }' "$docs") MB of JSON-lines," \
    "seed $SEED, $(nproc) processors"
say "corpus: $(cat "$C/summary.txt")"
say "anchor: datasketch's MinHash + MinHashLSH re-implemented" \
    "(dedupe-anchor.py), num_perm 128,"
say "  (bands x rows) as its _optimal_param picks them, candidates" \
    "unverified, union-find"
say "etv-dedupe: --method minhash --mark, default options but --threshold"
cat "$docs" >/dev/null

qual=$W/quality.txt
speed=$W/speed.txt
mem=$W/memory.txt
: >"$qual"
: >"$speed"
: >"$mem"
for t in $THRESHOLDS; do
	say "dedupe.sh: threshold $t..." >&2
	c1='' c2='' w2='' ca=''
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		r=$(timed etv1 "$ETV" --mark -v -t "$t" -j 1 "$docs")
		c1=$(least "$c1" "${r%% *}")
		r=$(timed etv2 "$ETV" --mark -v -t "$t" -j 2 "$docs")
		c2=$(least "$c2" "${r%% *}")
		r=${r#* }
		w2=$(least "$w2" "${r%% *}")
		r=$(timed anchor "$PY" "$here/dedupe-anchor.py" -t "$t" "$docs")
		ca=$(least "$ca" "${r%% *}")
		i=$((i + 1))
	done
	cmp -s "$W/etv1.jsonl" "$W/etv2.jsonl" || {
		say "dedupe.sh: etv-dedupe -j 2 output differs from -j 1" \
		    "at threshold $t" >&2
		exit 1
	}
	eb=$(etvbytes "$W/etv1.err")
	bands=$(sed -n 's/.*: \([0-9]*\) bands of \([0-9]*\) rows.*/\1x\2/p' \
	    "$W/anchor.err")
	ab=$("$PY" "$here/dedupe-anchor.py" --index-bytes -t "$t" "$docs")
	quality etv-dedupe "$t" "$W/etv1.jsonl" >>"$qual"
	quality "anchor ($bands)" "$t" "$W/anchor.jsonl" >>"$qual"
	r1=$(rate "$c1")
	r2=$(rate "$c2")
	rw=$(rate "$w2")
	ra=$(rate "$ca")
	printf '  %-4s %9s %9s %9s %9s %11s %11s\n' "$t" "$r1" "$r2" "$rw" \
	    "$ra" "$(ratio "$r1" "$ra")" "$(ratio "$rw" "$ra")" >>"$speed"
	printf '  %-4s %-56s %10s %10s\n' "$t" "$eb" "$ab" 1024 >>"$mem"
done

# The estimate (signatures in memory, nothing on disk), at the default
# threshold.
ce=
i=0
while [ "$i" -lt "$RUNS" ]; do
	r=$(timed exact "$ETV" --mark -v -t 0.8 --verify estimate -j 1 "$docs")
	ce=$(least "$ce" "${r%% *}")
	i=$((i + 1))
done
quality "etv --verify estimate" 0.8 "$W/exact.jsonl" >>"$qual"
re=$(rate "$ce")

say ""
say "quality: pair precision, recall and F1 against the true clusters at T" \
    "(components of"
say "  the pairs with true Jaccard >= T); then, for the truth pairs in each" \
    "band of true"
say "  Jaccard, the share the tool puts in one cluster (=1: equal after" \
    "normalisation)"
say "  T    tool                      P      R     F1     .4-.5 .5-.6 .6-.7" \
    ".7-.8 .8-.9 .9-1    =1"
cat "$qual"
say ""
say "speed: documents per CPU second (user + system, the least of $RUNS" \
    "interleaved runs);"
say "  etv -j 2 also per wall second; the anchor is single-threaded"
say "  T      etv-j1    etv-j2 etv-j2wall    anchor  j1/anchor j2wall/anchor"
cat "$speed"
printf '  %-4s %9s  (etv --verify estimate -j 1; %s of etv -j 1 at 0.8)\n' \
    0.8 "$re" "$(awk -v a="$re" -v b="$(sed -n 's/^  0.8 *\([0-9]*\).*/\1/p' \
    "$speed")" 'BEGIN { printf "%.2fx", a / b }')"
say ""
say "memory: bytes per record; etv: as its -v line reports them; anchor:" \
    "its LSH index"
say "  (band keys in dicts of sets and the key table, by tracemalloc while" \
    "inserting),"
say "  and its signature, 8 * num_perm bytes (a numpy uint64 array)"
say "  T    etv-dedupe                                              " \
    "anchor-LSH anchor-sig"
cat "$mem"
