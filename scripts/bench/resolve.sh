#!/bin/sh
# resolve.sh -- etv-resolve against a Fellegi-Sunter reference trained
# the way Splink trains one, on person and company records with a known
# truth.
# Usage: scripts/bench/resolve.sh [BUILD_DIR]
# Environment: RESOLVE_SIZES (records of each corpus, default "10000
# 1000000"), RESOLVE_SEED (the corpora's seed, default 1),
# RESOLVE_ANCHOR_MAX (the anchor runs on corpora of at most this many
# records, default 1000000; at a million records it needs about 6
# minutes and 6.3 GB for persons, 2 minutes and 3.2 GB for companies),
# RESOLVE_ORACLE_MAX (the same for the anchor with m from the truth,
# default 100000), RESOLVE_KINDS (default "person company").
#
# The corpora are made by resolve-corpus.py (its header says how: four
# source systems with their own formats, typos, OCR errors, nicknames,
# initials, swapped names, moves, marriages, missing values, legal forms
# and abbreviations; households, twins and companies of the same name as
# confusers) and kept in BUILD_DIR/bench/resolve for the next run.  Both
# tools run the same model, resolve-person.json or resolve-company.json
# (copied beside the corpus, with the corpus's nicknames.txt), without
# labels: m and the prior from EM, u from random pairs.  Splink and
# recordlinkage have no Debian package and PyPI cannot be reached:
# resolve-anchor.py re-implements the method (its header says what it
# does); "anchor, m from truth" is the same model with m and the prior
# counted on the truth, the best that model can do.  etv-resolve runs at
# -j 1 and -j 2 (the outputs must be equal).  The models are what
# etv-resolve --init would propose for these fields, with three edits:
# no city (the postcode says the same, and counted twice the address
# outweighs a different first name and date of birth, which merges
# households, or a different phone, which merges companies of the same
# name), e-mail without a Jaro-Winkler level and web site exact only (at
# a million records, people of the same name have addresses that differ
# by a number, companies of the same name sites that differ by a city:
# near-equal is no evidence there).  etv-resolve also runs, at -j 2,
# the model --init proposes for each corpus, unedited ("etv-resolve,
# --init": with groups and Double Metaphone, which the anchor lacks;
# python3-jellyfish has no Double Metaphone).  The driver prints how --init's
# proposal differs from them.  Quality is scored by
# resolve-score.py: pair precision, recall and F1, and exact-cluster
# precision, recall and F1.  Speed is records per CPU second (user +
# system) and per wall second; memory the peak resident set (wait4's
# ru_maxrss).  Without BUILD_DIR/etv-resolve, only the anchor runs.
set -eu

mkdir -p "${1:-build}"
B=$(cd "${1:-build}" && pwd)
PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
W=$B/bench/resolve
SIZES=${RESOLVE_SIZES:-10000 1000000}
SEED=${RESOLVE_SEED:-1}
AMAX=${RESOLVE_ANCHOR_MAX:-1000000}
OMAX=${RESOLVE_ORACLE_MAX:-100000}
KINDS=${RESOLVE_KINDS:-person company}
ETV=$B/etv-resolve
mkdir -p "$W"

say() { printf '%s\n' "$*"; }

"$PY" -c 'import numpy, scipy, jellyfish' 2>/dev/null || {
	say "resolve.sh: $PY needs numpy, scipy and jellyfish (sh" \
	    "scripts/deps.sh --bench)" >&2
	exit 4
}
if [ -x "$ETV" ]; then
	have_etv=1
else
	have_etv=0
	say "resolve.sh: $ETV not found: running the anchor only" >&2
fi

# canon.py FILE: a model as sorted, indented JSON without "parameters",
# for diff.
cat >"$W/canon.py" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m.pop("parameters", None)
print(json.dumps(m, indent=1, sort_keys=True))
EOF

qual=$W/quality.txt
speed=$W/speed.txt
notes=$W/notes.txt
inits=$W/init.txt
: >"$qual"
: >"$speed"
: >"$notes"
: >"$inits"

# row KIND N TOOL RESULT TRUTH: a line of the quality table.
row() {
	"$PY" "$here/resolve-score.py" "$4" "$5" | awk -v k="$1" -v n="$2" \
	    -v t="$3" '{ printf "  %-8s %8s %-22s %6.4f %6.4f %6.4f  %6.4f" \
		" %6.4f %6.4f  %6.4f %6.4f %6.4f\n", k, n, t, $1, $2, $3,
		$4, $5, $6, $7, $8, $9 }' >>"$qual"
}

# timed NAME CMD...: run CMD with stdout to $C/NAME.jsonl and stderr to
# $C/NAME.err; print its CPU seconds, wall seconds and peak KiB.
timed() {
	tn=$1
	shift
	"$PY" "$here/cpu.py" "$C/$tn.jsonl" "$C/$tn.err" "$@"
}

# perf KIND N TOOL "CPU WALL KIB": a line of the speed table.
perf() {
	# shellcheck disable=SC2086 # the figures are split on purpose
	set -- "$1" "$2" "$3" $4
	awk -v k="$1" -v n="$2" -v t="$3" -v c="$4" -v w="$5" -v m="$6" \
	    'BEGIN { printf "  %-8s %8s %-22s %10.0f %10.0f %9.1f %9.1f" \
		" %9.0f\n", k, n, t, n / c, n / w, c, w, m / 1024 }' >>"$speed"
}

# Corpora are kept for each version of the generator.
gen=$(cksum <"$here/resolve-corpus.py" | awk '{ print $1 }')

for kind in $KINDS; do
	for n in $SIZES; do
		C=$W/$kind-$n-$SEED-$gen
		# The corpus, made once for each kind, size and seed;
		# records.jsonl is written last, so that an interrupted run
		# is never taken for a finished one.
		if [ ! -s "$C/records.jsonl" ]; then
			say "resolve.sh: making the $kind corpus ($n records," \
			    "seed $SEED)..." >&2
			mkdir -p "$C"
			"$PY" "$here/cpu.py" "$C/made.txt" "$C/made.err" "$PY" \
			    "$here/resolve-corpus.py" "$kind" "$C" "$n" \
			    "$SEED" >"$C/made-time.txt"
		fi
		say "$kind $n: $(cat "$C/summary.txt"); made in" \
		    "$(awk '{ printf "%.0f s (%.0f MB peak)", $2, $3 / 1024 }' \
		    "$C/made-time.txt")" >>"$notes"
		cp "$here/resolve-$kind.json" "$C/model.json"
		recs=$C/records.jsonl
		truth=$C/truth.jsonl
		cat "$recs" >/dev/null
		if [ "$have_etv" -eq 1 ]; then
			say "resolve.sh: $kind $n: etv-resolve..." >&2
			r1=$(timed etv1 "$ETV" -c "$C/model.json" -j 1 "$recs")
			r2=$(timed etv2 "$ETV" -c "$C/model.json" -j 2 "$recs")
			cmp -s "$C/etv1.jsonl" "$C/etv2.jsonl" || {
				say "resolve.sh: etv-resolve -j 2 output differs" \
				    "from -j 1 ($kind, $n records)" >&2
				exit 1
			}
			row "$kind" "$n" etv-resolve "$C/etv1.jsonl" "$truth"
			perf "$kind" "$n" "etv-resolve -j1" "$r1"
			perf "$kind" "$n" "etv-resolve -j2" "$r2"
			# The model --init proposes for this corpus, unedited
			# (its groups, Double Metaphone and blocking rules
			# the anchor cannot run).
			"$ETV" --init "$recs" >"$C/init.json"
			ri=$(timed etvinit "$ETV" -c "$C/init.json" -j 2 "$recs")
			row "$kind" "$n" "etv-resolve, --init" \
			    "$C/etvinit.jsonl" "$truth"
			perf "$kind" "$n" "etv-resolve --init -j2" "$ri"
		fi
		if [ "$n" -le "$AMAX" ]; then
			say "resolve.sh: $kind $n: the anchor..." >&2
			ra=$(timed anchor "$PY" "$here/resolve-anchor.py" -v \
			    -c "$C/model.json" "$recs")
			row "$kind" "$n" anchor "$C/anchor.jsonl" "$truth"
			perf "$kind" "$n" anchor "$ra"
		else
			say "$kind $n: the anchor is not run above" \
			    "RESOLVE_ANCHOR_MAX=$AMAX records" >>"$notes"
		fi
		if [ "$n" -le "$OMAX" ] && [ "$n" -le "$AMAX" ]; then
			timed oracle "$PY" "$here/resolve-anchor.py" \
			    --oracle "$truth" -c "$C/model.json" "$recs" \
			    >/dev/null
			row "$kind" "$n" "anchor, m from truth" \
			    "$C/oracle.jsonl" "$truth"
		fi
	done
	# The model --init proposes, against the bench's model.
	if [ "$have_etv" -eq 1 ]; then
		C=$W/$kind-$(say "$SIZES" | awk '{ print $1 }')-$SEED-$gen
		if "$ETV" --init "$C/records.jsonl" >"$W/init-$kind.json" \
		    2>"$W/init-$kind.err"; then
			"$PY" "$W/canon.py" "$W/init-$kind.json" \
			    >"$W/init-$kind.canon"
			"$PY" "$W/canon.py" "$here/resolve-$kind.json" \
			    >"$W/bench-$kind.canon"
			if cmp -s "$W/init-$kind.canon" "$W/bench-$kind.canon"
			then
				say "$kind: etv-resolve --init proposes the" \
				    "bench's model" >>"$inits"
			else
				say "$kind: etv-resolve --init (-) against" \
				    "resolve-$kind.json (+), sorted, without" \
				    "parameters:" >>"$inits"
				diff -u "$W/init-$kind.canon" \
				    "$W/bench-$kind.canon" | sed '1,2d; s/^/  /' \
				    >>"$inits" || true
			fi
		else
			say "$kind: etv-resolve --init failed:" \
			    "$(head -n 1 "$W/init-$kind.err")" >>"$inits"
		fi
	fi
done

say "etv-resolve benchmark: seed $SEED, $(nproc) processors"
cat "$notes"
say "anchor: Fellegi-Sunter as Splink trains it, re-implemented" \
    "(resolve-anchor.py): u from 10^6"
say "  random pairs, m and the prior by EM on each blocking rule's pairs" \
    "(the rule's fields"
say "  left out), term frequencies on the fields marked tf, connected" \
    "components at the"
say "  model's threshold; \"m from truth\": m and the prior counted on" \
    "the truth instead"
say ""
say "quality: pairs in one predicted entity against pairs in one true" \
    "entity; clusters:"
say "  predicted clusters equal to a true cluster (all, then those of" \
    "two or more records)"
say "  kind            N tool                   pairP  pairR  pairF1" \
    "  clustP clustR clustF1 c2P    c2R    c2F1"
cat "$qual"
say ""
say "speed: records per CPU second (user + system) and per wall" \
    "second; peak resident set"
say "  kind            N tool                      rec/cpu   rec/wall" \
    "    cpu s    wall s   peak MB"
cat "$speed"
if [ -s "$inits" ]; then
	say ""
	say "models: what etv-resolve --init proposes for the first corpus" \
	    "of each kind"
	cat "$inits"
fi
