#!/bin/sh
# embed.sh -- benchmark etv-embed against the tools a user would pick.
# Usage: scripts/bench/embed.sh BUILD_DIR [TEXTS]
#
# Same data, same run:
#   hash backend    vs scikit-learn's HashingVectorizer (its defaults: word
#                   unigrams; 384 features) writing JSON-lines; etv also
#                   hashes word pairs and character 3-5-grams
#   model2vec       generated model (30k vocabulary, 256 dims), one core and
#                   -j N; texts per second
#   openai backend  vs the ideal rate of the mock server (50 ms latency):
#                   concurrency x batch / latency
#   vector output   JSON against base64
# Local runs: best of three, texts per wall-clock and per CPU second; the
# ratios to the targets use CPU time, steadier on a shared machine.
set -eu

build=${1:?usage: embed.sh BUILD_DIR [TEXTS]}
n=${2:-20000}
here=$(cd "$(dirname "$0")/../.." && pwd)
etv=$(cd "$build" && pwd)/etv-embed
helpers=$here/tests/helpers
work=$here/$build/bench/embed
mkdir -p "$work"
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

# run.py COUNT RUNS command...: run the command RUNS times (output to
# /dev/null) and print COUNT per wall-clock second and per CPU second
# (user + system of the command and its children, from wait4), each the
# best of the runs: on a shared machine, CPU time is the steadier figure.
cat >"$work/run.py" <<'EOF'
import os, subprocess, sys, time
n = float(sys.argv[1])
wall = cpu = 0.0
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    with open(os.devnull, "w") as null:
        p = subprocess.Popen(sys.argv[3:], stdout=null)
        _, st, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    if st != 0:
        sys.exit("bench: %s failed (%d)" % (sys.argv[3], st))
    wall = max(wall, n / dt)
    cpu = max(cpu, n / (ru.ru_utime + ru.ru_stime))
print("%.0f %.0f" % (wall, cpu))
EOF

ratio() {
	python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) /
	    float(sys.argv[2])))' "$1" "$2"
}

# timed NAME COUNT command...: run $runs times, print NAME, texts per
# second of wall time and of CPU time (best runs); set $last (wall) and
# $cpu.
runs=3
timed() {
	name=$1
	count=$2
	shift 2
	r=$(python3 "$work/run.py" "$count" "$runs" "$@")
	last=${r% *}
	cpu=${r#* }
	printf '  %-40s %7s/s wall %7s/s CPU\n' "$name" "$last" "$cpu"
}

# Data: texts of 1,000 characters of English-like words.
texts=$work/texts-$n.jsonl
if [ ! -s "$texts" ]; then
	python3 - "$n" >"$texts" <<'EOF'
import json, random, sys
random.seed(7)
words = ("the of and to in is was for on that with as by at from his her "
         "an were are which this be or has had not but also have its one "
         "two new first after who they their been more other can into all "
         "time year state city world used known such only some these most "
         "later many about people part may between over made retrieval "
         "embedding vector index chunk pipeline document search query "
         "answer model data quality record field value").split()
for i in range(int(sys.argv[1])):
    s, k = [], 0
    while k < 1000:
        w = random.choice(words)
        if random.random() < 0.1:
            w = w.capitalize()
        s.append(w)
        k += len(w) + 1
    print(json.dumps({"id": "d%d" % i, "text": " ".join(s)[:1000]}))
EOF
fi
mb=$(python3 -c 'import os, sys; print("%.1f" % (os.path.getsize(sys.argv[1]) / 1e6))' "$texts")
echo "etv-embed: $n texts of 1000 characters ($mb MB)"

echo "hash backend (384 dims)"
timed "etv-embed, JSON vectors" "$n" "$etv" "$texts"
hjson=$last hjsonc=$cpu
timed "etv-embed, base64 vectors" "$n" "$etv" --vector-format base64 \
    "$texts"
hb64=$last hb64c=$cpu
timed "etv-embed -j $ncpu, JSON vectors" "$n" "$etv" -j "$ncpu" "$texts"
timed "etv-embed -j $ncpu, base64 vectors" "$n" "$etv" -j "$ncpu" \
    --vector-format base64 "$texts"
echo "  vector output: base64 is $(ratio "$hb64c" "$hjsonc")x JSON" \
    "(CPU time)"

if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
	cat >"$work/sk.py" <<'EOF'
import json, sys
import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
# Its defaults (word unigrams, signed, L2), at etv's default size.
hv = HashingVectorizer(n_features=384)
out = sys.stdout
batch = []
def flush():
    x = hv.transform(batch).toarray().astype(np.float32)
    for row in x:
        out.write(json.dumps({"embedding": row.tolist()}) + "\n")
for line in open(sys.argv[1]):
    batch.append(json.loads(line)["text"])
    if len(batch) == 1000:
        flush()
        batch = []
if batch:
    flush()
EOF
	# One thread each: numpy's BLAS is not used by the hashing.
	timed "sklearn HashingVectorizer, JSON-lines" "$n" \
	    /usr/bin/python3 "$work/sk.py" "$texts"
	echo "  ratio etv/sklearn, CPU time: JSON $(ratio "$hjsonc" "$cpu")x" \
	    "(target 5x), base64 $(ratio "$hb64c" "$cpu")x (target 10x)"
	echo "  ratio etv/sklearn, wall time:" \
	    "JSON $(ratio "$hjson" "$last")x, base64 $(ratio "$hb64" "$last")x"
else
	echo "  sklearn HashingVectorizer: not installed" \
	    "(sh scripts/deps.sh --bench)"
fi

echo "model2vec backend (generated model: 30k vocabulary, 256 dims)"
model=$work/m2v-30k-256
if [ ! -s "$model/model.safetensors" ]; then
	python3 "$helpers/mkmodel.py" "$model" --vocab 30000 --dims 256
fi
timed "etv-embed -m model2vec, base64, one core" "$n" "$etv" \
    -m "model2vec:$model" --vector-format base64 "$texts"
m1=$last m1c=$cpu
timed "etv-embed -m model2vec, JSON, one core" "$n" "$etv" \
    -m "model2vec:$model" "$texts"
timed "etv-embed -m model2vec -j $ncpu, base64" "$n" "$etv" \
    -m "model2vec:$model" -j "$ncpu" --vector-format base64 "$texts"
mj=$last
echo "  one core: $m1c texts per CPU second, $m1 per wall second" \
    "(target 20000);"
echo "  -j $ncpu scales $(ratio "$mj" "$m1")x (wall time)"

echo "openai backend against the mock server (50 ms per request)"
# One run each: these take seconds, and the server is in them.
runs=1
# Two servers: 256 dims for the chunks, 8 dims for short texts (which
# shows the client's own pipelining, the mock's work being negligible).
hn=8000
python3 -c 'import sys
lines = open(sys.argv[1]).readlines()
for i in range(int(sys.argv[2])):
    sys.stdout.write(lines[i % len(lines)])' "$texts" "$hn" \
    >"$work/http.jsonl"
python3 -c 'import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"id": str(i), "text": "short text %d" % i}))' "$hn" \
    >"$work/short.jsonl"
pids=
for d in 256 8; do
	rm -f "$work/port$d"
	python3 "$helpers/mock_embed_server.py" --port-file "$work/port$d" \
	    --latency 0.05 --dims "$d" --lifetime 300 &
	pids="$pids $!"
done
# shellcheck disable=SC2086 # the list of process ids is split on purpose
trap 'kill $pids 2>/dev/null || true' EXIT INT TERM
i=0
while { [ ! -s "$work/port256" ] || [ ! -s "$work/port8" ]; } &&
    [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
for run in "chunks 256 http 4 64" "chunks 256 http 2 128" \
    "short-texts 8 short 4 64"; do
	# shellcheck disable=SC2086 # split into its five words on purpose
	set -- $run
	label=$1 d=$2 data=$3 c=$4 b=$5
	ideal=$((c * b * 20))
	url="http://127.0.0.1:$(cat "$work/port$d")/v1"
	# --batch-chars above the largest batch: every request holds $b
	# texts, as the ideal rate assumes (the default closes a request at
	# 100,000 characters, 100 of these texts).
	timed "$label, concurrency $c, batch $b" "$hn" "$etv" \
	    -m openai:mock --url "$url" --concurrency "$c" --batch "$b" \
	    --batch-chars 1000000 --vector-format base64 "$work/$data.jsonl"
	echo "  ideal $ideal texts/s: $(ratio "$last" "$ideal")x" \
	    "(target 0.90x)"
done
