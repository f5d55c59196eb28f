#!/usr/bin/env bats
# progress.bats -- the progress line: who draws it in a pipeline on a
# terminal, messages beside it, and the graph build of etv-index.  The
# terminal is a pseudo-terminal (helpers/pty_run.py), which keeps what it
# received (raw) and renders the lines a user would see (screen).

load test_helper

# gen FROM TO: document records of made-up words, one a line.
gen() {
	awk -v a="$1" -v b="$2" 'BEGIN { srand(a); for (i = a; i <= b; i++) {
	    s = ""; for (j = 0; j < 80; j++) s = s " w" int(rand() * 5000)
	    printf "{\"id\":\"d%d\",\"text\":\"%s\"}\n", i, s } }'
}

setup_file() {
	local d=$BATS_FILE_TMPDIR
	export -f gen
	gen 1 800 >"$d/docs1.jsonl"
	gen 801 1600 >"$d/docs2.jsonl"
	# About 4800 chunks with vectors: a graph build that takes a while.
	cat "$d/docs1.jsonl" "$d/docs2.jsonl" | etv-chunk -s 200 |
	    etv-embed >"$d/vec.jsonl"
}

# onpty COMMAND: run COMMAND with its stderr (and stdout, unless it is
# redirected) on a pseudo-terminal; raw and screen are left in the test's
# folder.  The input arrives in two parts, a second apart, so that every
# stage of a pipeline is still busy when a progress line may be drawn.
onpty() {
	python3 -c 'import pty' 2>/dev/null || skip "python3 has no pty module"
	cd "$BATS_TEST_TMPDIR" || return 1
	run python3 "$BATS_TEST_DIRNAME/helpers/pty_run.py" raw screen \
	    "TERM=xterm; export TERM; $1"
}

# draws TOOL: how many times TOOL drew a progress line ("\rTOOL: 123 ...").
draws() {
	python3 -c 'import re, sys
d = open("raw", "rb").read()
print(len(re.findall(rb"\r" + sys.argv[1].encode() + rb": [0-9a-z]", d)))' "$1"
}

@test "progress: on a terminal only the last stage of a pipeline draws" {
	local d=$BATS_FILE_TMPDIR
	onpty "{ cat $d/docs1.jsonl; sleep 1; cat $d/docs2.jsonl; } |
	    etv-chunk -s 200 | etv-embed | etv-index build kb.etv"
	[ "$status" -eq 0 ]
	[ "$(draws etv-chunk)" -eq 0 ]
	[ "$(draws etv-embed)" -eq 0 ]
	[ "$(draws etv-index)" -gt 0 ]
	# The line is gone once the pipeline has ended.
	[ ! -s screen ]
}

@test "progress: a warning from another stage stands on a line of its own" {
	local d=$BATS_FILE_TMPDIR
	onpty "{ cat $d/docs1.jsonl; sleep 1; echo 'not json'; sleep 0.5;
	    cat $d/docs2.jsonl; } | etv-chunk -s 200 --rejects /dev/null |
	    etv-embed | etv-index build kb.etv"
	[ "$status" -eq 0 ]
	cat screen
	[ "$(cat screen)" = "etv-chunk: <stdin>:801: invalid JSON: '[' or '{' expected near 'not' (column 3)" ]
}

@test "progress: the drawing tool's own warning is followed by its line again" {
	local d=$BATS_FILE_TMPDIR
	head -n 2400 "$d/vec.jsonl" >"$BATS_TEST_TMPDIR/v1"
	tail -n +2401 "$d/vec.jsonl" >"$BATS_TEST_TMPDIR/v2"
	onpty "{ cat v1; sleep 1; echo 'not json'; sleep 0.5; cat v2; } |
	    etv-index build --rejects /dev/null kb.etv"
	[ "$status" -eq 3 ]
	cat screen
	[ "$(cat screen)" = "etv-index: <stdin>:2401: invalid JSON: '[' or '{' expected near 'not' (column 3)" ]
	# The message erased the line, and the line came back after it.
	grep -aq $'\r\e\\[Ketv-index: <stdin>:2401: .*\r\netv-index: 2[0-9]* records' raw
}

@test "progress: etv-index build shows the graph build" {
	onpty "etv-index build -j 1 kb.etv $BATS_FILE_TMPDIR/vec.jsonl"
	[ "$status" -eq 0 ]
	grep -aq $'\retv-index: linking [0-9]*/4800 ([0-9]*%)' raw
	[ ! -s screen ]
}

@test "progress: a stage writing to a file draws; -q silences; --progress forces" {
	local d=$BATS_FILE_TMPDIR
	onpty "{ cat $d/docs1.jsonl; sleep 1; cat $d/docs2.jsonl; } |
	    etv-chunk -s 200 >out"
	[ "$status" -eq 0 ]
	[ "$(draws etv-chunk)" -gt 0 ]
	onpty "{ cat $d/docs1.jsonl; sleep 1; cat $d/docs2.jsonl; } |
	    etv-chunk -q -s 200 >out"
	[ "$status" -eq 0 ]
	[ "$(draws etv-chunk)" -eq 0 ]
	onpty "{ cat $d/docs1.jsonl; sleep 1; cat $d/docs2.jsonl; } |
	    etv-chunk --progress -s 200 | cat >out"
	[ "$status" -eq 0 ]
	[ "$(draws etv-chunk)" -gt 0 ]
}

@test "progress: --progress into a log ends with the graph build's last line" {
	run --separate-stderr etv-index build --progress \
	    "$BATS_TEST_TMPDIR/kb.etv" "$BATS_FILE_TMPDIR/vec.jsonl"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"etv-index: linking 4800/4800 (100%)"* ]]
	[[ "$stderr" != *$'\r'* ]]
}
