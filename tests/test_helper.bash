# test_helper.bash -- loaded by every suite: bats version, PATH, cwd.
bats_require_minimum_version 1.5.0

ETV_BUILD=${ETV_BUILD:-$BATS_TEST_DIRNAME/../build}
PATH="$ETV_BUILD:$PATH"
export PATH ETV_BUILD
cd "$BATS_TEST_DIRNAME" || exit 1

# The tools built in this tree (the front command 'etv' excluded).
etv_tools() {
	local f
	for f in "$ETV_BUILD"/etv-*; do
		[ -x "$f" ] && printf '%s\n' "${f##*/}"
	done
}

# Print a field of a JSON object read on stdin ("a.b" descends).
jf() {
	python3 -c '
import json, sys
v = json.loads(sys.stdin.readline())
for k in sys.argv[1].split("."):
    v = v[k] if not isinstance(v, list) else v[int(k)]
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$1"
}
