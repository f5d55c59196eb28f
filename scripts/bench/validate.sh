#!/bin/sh
# validate.sh -- etv-validate against ajv (node) and python3-jsonschema.
#
# Usage: scripts/bench/validate.sh BUILD_DIR [RECORDS]
#
# Generates RECORDS (default 1000000) document records and a 2020-12
# schema with $ref, patterns, enums, formats and additionalProperties,
# then validates the same lines with etv-validate (-j 1 and -j 2), with
# ajv + ajv-formats (the 2020 build, installed into BUILD_DIR/bench by
# npm) and with Debian's python3-jsonschema (on a sample, as it is slow),
# and prints records per second and the ratios.
set -eu

build=${1:?usage: validate.sh BUILD_DIR [RECORDS]}
n=${2:-1000000}
dir=$build/bench/validate
mkdir -p "$dir"
data=$dir/data-$n.jsonl
schema=$dir/schema.json

now() {
	date +%s.%N
}

rate() {
	# records, start, end -> records per second
	awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'
}

if [ ! -s "$data" ]; then
	awk -v n="$n" 'BEGIN {
		srand(42)
		split("en fr de es it", L, " ")
		split("web pdf wiki mail forum", S, " ")
		for (i = 0; i < n; i++) {
			t = ""
			nw = int(rand() * 40) + 10
			for (w = 0; w < nw; w++)
				t = t sprintf("w%x ", int(rand() * 65535))
			printf "{\"id\":\"doc-%08d\",\"text\":\"%s\",", i, t
			printf "\"meta\":{\"source\":\"%s\",\"lang\":\"%s\",",
			    S[int(rand() * 5) + 1], L[int(rand() * 5) + 1]
			printf "\"mtime\":\"2026-%02d-%02dT%02d:%02d:%02dZ\",",
			    int(rand() * 12) + 1, int(rand() * 28) + 1,
			    int(rand() * 24), int(rand() * 60), int(rand() * 60)
			printf "\"title\":\"Document %d\",\"page\":%d},", i,
			    int(rand() * 300)
			printf "\"author\":\"user%d@example.com\",",
			    int(rand() * 1000)
			printf "\"score\":%.4f,\"tags\":[\"t%d\",\"t%d\"],",
			    rand(), int(rand() * 50), int(rand() * 50)
			printf "\"tokens\":%d}\n", nw
		}
	}' >"$data"
fi

cat >"$schema" <<'SCHEMA'
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://example.com/doc.schema.json",
  "type": "object",
  "required": ["id", "text", "meta", "score"],
  "properties": {
    "id": {"type": "string", "pattern": "^doc-[0-9]{8}$"},
    "text": {"type": "string", "minLength": 1, "maxLength": 100000},
    "meta": {"$ref": "#/$defs/meta"},
    "author": {"type": "string", "format": "email"},
    "score": {"type": "number", "minimum": 0, "maximum": 1},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 64},
      "maxItems": 32},
    "tokens": {"type": "integer", "minimum": 0}
  },
  "additionalProperties": false,
  "$defs": {
    "meta": {
      "type": "object",
      "required": ["source", "lang", "mtime"],
      "properties": {
        "source": {"enum": ["web", "pdf", "wiki", "mail", "forum"]},
        "lang": {"type": "string", "pattern": "^[a-z]{2}$"},
        "mtime": {"type": "string", "format": "date-time"},
        "title": {"type": "string"},
        "page": {"type": "integer", "minimum": 0}
      },
      "additionalProperties": false
    }
  }
}
SCHEMA

mb=$(awk -v b="$(wc -c <"$data")" 'BEGIN { printf "%.0f", b / 1048576 }')
echo "validate: $n records ($mb MB), schema $schema"

# Warm the page cache so that every contender reads from memory.
cat "$data" >/dev/null

t0=$(now)
"$build/etv-validate" -s "$schema" --formats "$data" >/dev/null
t1=$(now)
etv1=$(rate "$n" "$t0" "$t1")
t0=$(now)
"$build/etv-validate" -j 2 -s "$schema" --formats "$data" >/dev/null
t1=$(now)
etv2=$(rate "$n" "$t0" "$t1")
echo "  etv-validate -j 1:      $etv1 records/s"
echo "  etv-validate -j 2:      $etv2 records/s"

ajv=
# ajv is installed once into a temporary folder renamed into place (an
# interrupted install is never taken for a finished one); later runs need
# no network.
nm=$build/bench/ajv/node_modules
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	if [ ! -d "$nm/ajv" ] || [ ! -d "$nm/ajv-formats" ]; then
		rm -rf "$build/bench/ajv.tmp"
		if npm install --silent --no-audit --no-fund --prefer-offline \
		    --prefix "$build/bench/ajv.tmp" ajv ajv-formats >/dev/null
		then
			rm -rf "$build/bench/ajv"
			mv "$build/bench/ajv.tmp" "$build/bench/ajv"
		else
			echo "  ajv: npm install of ajv and ajv-formats failed"
			rm -rf "$build/bench/ajv.tmp"
		fi
	fi
	if [ -d "$nm/ajv" ] && [ -d "$nm/ajv-formats" ]; then
		cat >"$dir/ajv.js" <<'JS'
// Validate JSON-lines with ajv (2020-12 build) + ajv-formats.
const fs = require("fs");
const readline = require("readline");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const ajv = new Ajv2020({ allErrors: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2])));
const rl = readline.createInterface({
	input: fs.createReadStream(process.argv[3]), crlfDelay: Infinity });
let ok = 0, bad = 0;
rl.on("line", (line) => {
	if (validate(JSON.parse(line))) ok++; else bad++;
});
rl.on("close", () => { process.stderr.write(`ajv: ${ok} valid, ${bad} invalid\n`); });
JS
		t0=$(now)
		NODE_PATH=$nm node "$dir/ajv.js" \
		    "$schema" "$data" 2>/dev/null
		t1=$(now)
		ajv=$(rate "$n" "$t0" "$t1")
		echo "  ajv (node):             $ajv records/s"
	fi
fi
[ -n "$ajv" ] || echo "  ajv: not available (needs node and npm)"

py=
sample=50000
[ "$n" -lt "$sample" ] && sample=$n
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	head -n "$sample" "$data" >"$dir/sample.jsonl"
	t0=$(now)
	/usr/bin/python3 - "$schema" "$dir/sample.jsonl" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(
    schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
bad = 0
with open(sys.argv[2]) as f:
    for line in f:
        if not v.is_valid(json.loads(line)):
            bad += 1
PY
	t1=$(now)
	py=$(rate "$sample" "$t0" "$t1")
	echo "  python3-jsonschema:     $py records/s ($sample records)"
else
	echo "  python3-jsonschema: not available"
fi

if [ -n "$ajv" ]; then
	awk -v a="$etv1" -v b="$etv2" -v c="$ajv" 'BEGIN {
		printf "  ratio vs ajv: %.2fx (-j 1), %.2fx (-j 2)\n",
		    a / c, b / c }'
fi
if [ -n "$py" ]; then
	awk -v a="$etv1" -v c="$py" 'BEGIN {
		printf "  ratio vs python3-jsonschema: %.1fx (-j 1)\n", a / c }'
fi
