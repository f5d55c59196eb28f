#!/bin/sh
# eval.sh -- etv-eval against eval-ref.py, a reference implementation of
# the same metrics in Python (trec_eval's definitions: its header says
# them), on a synthetic run with judgments.
# Usage: scripts/bench/eval.sh [BUILD_DIR]
# Environment: EVAL_QUERIES (queries of the run, default 100000),
# EVAL_HITS (hits a query, default 100), EVAL_SEED (the data's seed,
# default 1), EVAL_RUNS (interleaved rounds, the least CPU time counts;
# default 3), EVAL_TRIALS (--compare's trials, default 10000).
#
# The data is made by eval-gen.py (its header says how: graded judgments,
# queries without relevant documents, judged queries missing from the
# run, unjudged run queries, score ties, documents retrieved twice, hits
# without scores, chunk ids that --by doc_id folds) and kept in
# BUILD_DIR/bench/eval for the next run.  Each round runs both tools on
# the JSON-lines run, on the same run in TREC form, with --by doc_id, and
# --compare of two runs; before the rounds, once, with --per-query,
# --gain exp, --min-relevance 2 and other cut-offs.  Every count of the
# summaries must be equal and every metric within 1e-9 (with --compare,
# the means and their differences; the p-values and intervals come from
# other random numbers); the script names any difference on stderr as
# it is found, goes on with the other cases and exits 1 at the end.
# Speed is CPU seconds (user + system), the least of the rounds, wall
# seconds and peak resident set (cpu.py).  Without BUILD_DIR/etv-eval,
# only eval-ref.py runs.
set -eu

mkdir -p "${1:-build}"
B=$(cd "${1:-build}" && pwd)
PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
W=$B/bench/eval
NQ=${EVAL_QUERIES:-100000}
NH=${EVAL_HITS:-100}
SEED=${EVAL_SEED:-1}
RUNS=${EVAL_RUNS:-3}
TRIALS=${EVAL_TRIALS:-10000}
ETV=$B/etv-eval
REF=$here/eval-ref.py
mkdir -p "$W"

say() { printf '%s\n' "$*"; }

if [ -x "$ETV" ]; then
	have_etv=1
else
	have_etv=0
	say "eval.sh: $ETV not found: running eval-ref.py only" >&2
fi

# The data, made once for each size, seed and version of the generator;
# summary.txt is written last, so that an interrupted run is never taken
# for a finished one.
gen=$(cksum <"$here/eval-gen.py" | awk '{ print $1 }')
D=$W/data-$NQ-$NH-$SEED-$gen
if [ ! -s "$D/summary.txt" ]; then
	say "eval.sh: making $NQ queries x $NH hits (seed $SEED) in $D..." >&2
	"$PY" "$here/eval-gen.py" "$D" "$NQ" "$NH" "$SEED"
fi

# check.py MODE ETV REF: compare two outputs (MODE summary: optional
# per-query lines, then the summary; compare: a --compare summary).
# Prints the largest difference of a metric; exits 1 at the first
# difference of 1e-9 or more, or of a count.
cat >"$W/check.py" <<'EOF'
import json, sys

TOL = 1e-9
worst = 0.0


def fail(msg):
    sys.exit("eval.sh: %s and %s differ: %s" % (sys.argv[2], sys.argv[3],
                                               msg))


def num(where, a, b):
    global worst
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool)
               for x in (a, b)):
        fail("%s: %r against %r" % (where, a, b))
    d = abs(a - b)
    worst = max(worst, d)
    if not d < TOL:
        fail("%s: %r against %r" % (where, a, b))


def metrics(where, e, r):
    if not isinstance(e, dict) or set(e) != set(r):
        fail("%s: metrics %s against %s" % (where, sorted(e or ()),
                                             sorted(r)))
    for m in r:
        num("%s %s" % (where, m), e[m], r[m])


def summary(where, e, r):
    for c in ("queries", "no_relevant", "no_hits", "unjudged"):
        if e.get(c) != r.get(c):
            fail("%s %s: %r against %r" % (where, c, e.get(c), r.get(c)))
    metrics(where, e.get("metrics"), r["metrics"])


def load(path):
    with open(path) as f:
        return [json.loads(s) for s in f if s.strip()]


mode, E, R = sys.argv[1], load(sys.argv[2]), load(sys.argv[3])
if len(E) != len(R):
    fail("%d lines against %d" % (len(E), len(R)))
if mode == "compare":
    e, r = E[0], R[0]
    summary("a", e.get("a", {}), r["a"])
    summary("b", e.get("b", {}), r["b"])
    ec, rc = e.get("compare", {}), r["compare"]
    if ec.get("queries") != rc["queries"]:
        fail("compare queries: %r against %r" % (ec.get("queries"),
                                                 rc["queries"]))
    em = ec.get("metrics", {})
    if set(em) != set(rc["metrics"]):
        fail("compare metrics: %s against %s" % (sorted(em),
                                                 sorted(rc["metrics"])))
    for m, v in rc["metrics"].items():
        for f in ("a", "b", "diff"):
            num("compare %s %s" % (m, f), em[m].get(f), v[f])
else:
    for e, r in zip(E[:-1], R[:-1]):
        if e.get("query_id") != r["query_id"]:
            fail("query %r against %r" % (e.get("query_id"),
                                          r["query_id"]))
        metrics("query %s" % r["query_id"], e.get("metrics"), r["metrics"])
    summary("summary", E[-1], R[-1])
print("%.3g" % worst)
EOF

# timed NAME CMD...: run CMD with stdout to $W/NAME.out and stderr to
# $W/NAME.err; print its CPU and wall seconds and peak KiB (cpu.py).
timed() {
	tn=$1
	shift
	"$PY" "$here/cpu.py" "$W/$tn.out" "$W/$tn.err" "$@"
}

# least A B: the smaller of two numbers, B if A is empty.
least() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a != "" && a + 0 < b + 0) ? a : b }'
}

# agree MODE NAME: check that etv-eval's output for case NAME agrees
# with eval-ref.py's; keep the largest difference in $W/worst.txt, the
# names of the cases that differ in $W/failed.txt.
agree() {
	if d=$("$PY" "$W/check.py" "$1" "$W/etv-$2.out" "$W/ref-$2.out")
	then
		say "$d" >>"$W/worst.txt"
	else
		say "eval.sh: etv-eval and eval-ref.py disagree ($2: $(args \
		    "$2"))" >&2
		grep -qx "$2" "$W/failed.txt" || say "$2" >>"$W/failed.txt"
	fi
}

# args NAME: the options and operands of case NAME.
args() {
	case $1 in
	json) say "--qrels $D/qrels.jsonl $D/run.jsonl" ;;
	trec) say "--qrels $D/qrels.trec $D/run.trec" ;;
	by) say "--qrels $D/qrels.jsonl --by doc_id $D/run.jsonl" ;;
	compare) say "--compare --trials $TRIALS --qrels $D/qrels.jsonl" \
	    "$D/run.jsonl $D/run-b.jsonl" ;;
	exp) say "--per-query --gain exp --min-relevance 2 -k 1,3,20,1000" \
	    "--qrels $D/qrels.trec $D/run.jsonl" ;;
	esac
}

# mode NAME: check.py's mode for case NAME.
mode() {
	if [ "$1" = compare ]; then say compare; else say summary; fi
}

cat "$D"/run* "$D"/qrels* >/dev/null
: >"$W/worst.txt"
: >"$W/ratios.txt"
: >"$W/failed.txt"
CASES="json trec by compare"

# Once, untimed: more options, every query's metrics compared.
say "eval.sh: --per-query --gain exp --min-relevance 2..." >&2
# shellcheck disable=SC2046 # args prints several words on purpose
timed ref-exp "$PY" "$REF" $(args exp) >/dev/null
if [ "$have_etv" -eq 1 ]; then
	# shellcheck disable=SC2046
	timed etv-exp "$ETV" $(args exp) >/dev/null
	agree summary exp
fi

for c in $CASES; do
	eval "cpu_etv_$c='' wall_etv_$c='' mem_etv_$c=0"
	eval "cpu_ref_$c='' wall_ref_$c='' mem_ref_$c=0"
done
i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	for c in $CASES; do
		say "eval.sh: round $i of $RUNS: $c..." >&2
		tools=ref
		if [ "$have_etv" -eq 1 ]; then
			tools="etv ref"
		fi
		for t in $tools; do
			if [ "$t" = etv ]; then
				# shellcheck disable=SC2046
				r=$(timed "$t-$c" "$ETV" $(args "$c"))
			else
				# shellcheck disable=SC2046
				r=$(timed "$t-$c" "$PY" "$REF" $(args "$c"))
			fi
			# shellcheck disable=SC2086 # the figures, split
			set -- $r
			eval "cpu_${t}_$c=\$(least \"\$cpu_${t}_$c\" $1)"
			eval "wall_${t}_$c=\$(least \"\$wall_${t}_$c\" $2)"
			eval "m=\$mem_${t}_$c"
			# shellcheck disable=SC2154 # m is set by the eval
			if [ "$3" -gt "$m" ]; then
				eval "mem_${t}_$c=$3"
			fi
		done
		if [ "$have_etv" -eq 1 ]; then
			agree "$(mode "$c")" "$c"
		fi
	done
done

# The reference gives the same summary for the run in both forms.
"$PY" "$W/check.py" summary "$W/ref-json.out" "$W/ref-trec.out" \
    >/dev/null || {
	say "eval.sh: eval-ref.py's summaries of run.jsonl and run.trec" \
	    "differ" >&2
	exit 1
}

say "etv-eval benchmark: $NQ queries x $NH hits, seed $SEED, $(nproc)" \
    "processors"
say "data: $(cat "$D/summary.txt")"
say "reference: eval-ref.py (Python $("$PY" -c \
    'import sys; print(sys.version.split()[0])'), trec_eval's definitions;" \
    "numpy for --compare's resampling)"
if [ "$have_etv" -eq 1 ] && [ ! -s "$W/failed.txt" ]; then
	say "check: every count and metric of etv-eval equals eval-ref.py's" \
	    "(largest difference $(sort -g "$W/worst.txt" | tail -n 1));" \
	    "--per-query --gain exp --min-relevance 2 -k 1,3,20,1000 too," \
	    "query by query"
elif [ "$have_etv" -eq 1 ]; then
	say "check: FAILED: etv-eval and eval-ref.py disagree on" \
	    "$(paste -s -d ' ' "$W/failed.txt") (above the table, the" \
	    "first difference of each)"
fi
say "speed: CPU seconds (user + system), the least of $RUNS interleaved" \
    "rounds; the least wall seconds; the largest peak resident set"
say "  run                    etv-eval cpu   wall    MB   eval-ref.py cpu" \
    "  wall    MB ref/etv"
for c in $CASES; do
	case $c in
	json) label="JSON-lines" ;;
	trec) label="TREC run" ;;
	by) label="--by doc_id" ;;
	compare) label="--compare, $TRIALS trials" ;;
	esac
	eval "ce=\$cpu_etv_$c we=\$wall_etv_$c me=\$mem_etv_$c"
	eval "cr=\$cpu_ref_$c wr=\$wall_ref_$c mr=\$mem_ref_$c"
	# shellcheck disable=SC2154 # set by the evals above
	if [ "$have_etv" -eq 1 ]; then
		awk -v l="$label" -v ce="$ce" -v we="$we" -v me="$me" \
		    -v cr="$cr" -v wr="$wr" -v mr="$mr" 'BEGIN {
		    printf "  %-24s %10.2f %6.2f %5.0f %15.2f %6.2f %5.0f" \
			" %6.1fx\n", l, ce, we, me / 1024, cr, wr, mr / 1024,
			cr / ce }'
		say "$cr $ce" >>"$W/ratios.txt"
	else
		awk -v l="$label" -v cr="$cr" -v wr="$wr" -v mr="$mr" 'BEGIN {
		    printf "  %-24s %10s %6s %5s %15.2f %6.2f %5.0f %7s\n", l,
			"-", "-", "-", cr, wr, mr / 1024, "-" }'
	fi
done
if [ "$have_etv" -eq 1 ]; then
	if [ -s "$W/failed.txt" ]; then
		agreed="DISAGREE ($(paste -s -d ' ' "$W/failed.txt"))"
	else
		agreed=agree
	fi
	awk -v agreed="$agreed" '{ r = $1 / $2; s += log(r); n++
		if (n == 1 || r < lo) lo = r
		if (n == 1 || r > hi) hi = r }
	    END { printf "summary: etv-eval and eval-ref.py %s; CPU time of" \
		" eval-ref.py / etv-eval %.1fx to %.1fx (geometric mean" \
		" %.1fx)\n", agreed, lo, hi, exp(s / n) }' "$W/ratios.txt"
else
	say "summary: eval-ref.py only ($ETV not found)"
fi
if [ -s "$W/failed.txt" ]; then
	say "eval.sh: etv-eval and eval-ref.py disagree on" \
	    "$(paste -s -d ' ' "$W/failed.txt")" >&2
	exit 1
fi
