#!/usr/bin/env bats
# common.bats -- the contract every etv tool keeps (DESIGN.md, etv(7)):
# help, version, usage errors, stdin, empty input, malformed input,
# rejects, write failures, SIGPIPE, CRLF, final newline, invalid UTF-8.
# It runs over every etv-* executable in the build directory, so a new
# tool is covered as soon as it is built.

load test_helper

# Arguments that make a tool read records on stdin and write records on
# stdout.  Most tools need none; etv-index answers queries over an index
# built from the same sample records in setup; etv-dedupe marks the
# duplicates instead of removing them, so that every record comes out.
contract_args() {
	case $1 in
	etv-index) printf '%s\n' query "$BATS_TEST_TMPDIR/contract.etv" ;;
	etv-dedupe) printf '%s\n' --mark ;;
	etv-resolve) printf '%s\n' -c "$BATS_TEST_DIRNAME/fixtures/resolve/contract.json" ;;
	etv-eval) printf '%s\n' --per-query ;;
	esac
}

setup() {
	good="$BATS_TEST_TMPDIR/good.jsonl"
	cat >"$good" <<-'EOT'
	{"id":"d1","text":"Hello world. This is the first document.","embedding":[1.0,0.0,0.0],"meta":{"lang":"en"}}
	{"id":"d2","text":"A second one, with other words in it.","embedding":[0.0,1.0,0.0],"meta":{"lang":"en"}}
	{"id":"d3","text":"Le troisième document est en français.","embedding":[0.0,0.0,1.0],"meta":{"lang":"fr"}}
	EOT
	# etv-eval reads query records: the same ones, with hits and the
	# judgments of each.
	good_eval="$BATS_TEST_TMPDIR/good-eval.jsonl"
	sed 's/}$/,"hits":[{"id":"d2","score":1},{"id":"d1","score":0.5}],"relevant":["d1"]}/' \
	    "$good" >"$good_eval"
	if [ -x "$ETV_BUILD/etv-index" ]; then
		etv-index build "$BATS_TEST_TMPDIR/contract.etv" <"$good" \
		    >/dev/null 2>&1 || true
	fi
}

# each_tool CMD...: run CMD with $tool and $args set for every tool; stop
# at the first failure, naming the tool.
each_tool() {
	local t n=0
	local records=$good
	for t in $(etv_tools); do
		tool=$t
		mapfile -t args < <(contract_args "$t")
		good=$records
		[ "$t" = etv-eval ] && good=$good_eval
		"$@" || { echo "failed for $t"; good=$records; return 1; }
		n=$((n + 1))
	done
	good=$records
	[ "$n" -gt 0 ]
}

check_help() {
	run --separate-stderr "$tool" --help
	[ "$status" -eq 0 ] && [ -z "$stderr" ] &&
	    [[ "${lines[0]}" == "usage: $tool"* ]]
}

@test "--help prints usage on stdout and exits 0" {
	each_tool check_help
}

check_version() {
	run --separate-stderr "$tool" --version
	[ "$status" -eq 0 ] && [[ "$output" =~ ^$tool\ \(etv\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "--version prints 'tool (etv) X.Y.Z'" {
	each_tool check_version
}

check_badopt() {
	# Run by its full path: messages still start with the short name.
	run --separate-stderr "$ETV_BUILD/$tool" --no-such-option
	[ "$status" -eq 2 ] && [ -z "$output" ] &&
	    [[ "$stderr" == "$tool: "* ]] &&
	    [[ "$stderr" == *"Try '$tool --help'."* ]]
}

@test "an unknown option is a usage error (status 2)" {
	each_tool check_badopt
}

check_dash() {
	local a b
	a=$("$tool" "${args[@]}" <"$good") || return 1
	# For etv-extract '-' reads a list of paths (etv-extract(1)).
	if [ "$tool" = etv-extract ]; then
		b=$(printf '%s\n' "$good" | "$tool" "${args[@]}" -)
	else
		b=$("$tool" "${args[@]}" - <"$good")
	fi
	[ -n "$a" ] && [ "$a" = "$b" ]
}

@test "'-' reads stdin, the same as no operand" {
	each_tool check_dash
}

check_empty() {
	run --separate-stderr "$tool" "${args[@]}" </dev/null
	# etv-eval reports on what it read: no query at all.
	if [ "$tool" = etv-eval ]; then
		[ "$status" -eq 0 ] && [[ "$output" == '{"queries":0,'* ]]
		return
	fi
	[ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "empty input gives empty output and status 0" {
	each_tool check_empty
}

check_malformed() {
	local f="$BATS_TEST_TMPDIR/bad.jsonl"
	{ head -n 1 "$good"; echo '{"id":"x",'; tail -n 1 "$good"; } >"$f"
	run --separate-stderr "$tool" "${args[@]}" "$f"
	[ "$status" -eq 3 ] && [[ "$stderr" == "$tool: $f:2: "* ]]
}

@test "a malformed line stops the run with status 3 and FILE:LINE" {
	each_tool check_malformed
}

check_notobject() {
	run --separate-stderr "$tool" "${args[@]}" <<<'[1,2,3]'
	[ "$status" -eq 3 ] && [[ "$stderr" == "$tool: <stdin>:1: "* ]]
}

@test "a line that is not an object is malformed" {
	each_tool check_notobject
}

check_rejects() {
	local f="$BATS_TEST_TMPDIR/bad.jsonl" r="$BATS_TEST_TMPDIR/rej"
	local all
	{ head -n 1 "$good"; echo 'not json'; tail -n 2 "$good"; } >"$f"
	all=$("$tool" "${args[@]}" <"$good")
	run --separate-stderr "$tool" "${args[@]}" --rejects "$r" "$f"
	# Status 3 (a malformed line was seen), yet the run went on: the
	# good records all came out and the bad line is in the rejects file.
	[ "$status" -eq 3 ] && [ "$(cat "$r")" = "not json" ] &&
	    [ "$output" = "$all" ]
}

@test "--rejects keeps the run going and loses nothing" {
	each_tool check_rejects
}

check_maxrejects() {
	local f="$BATS_TEST_TMPDIR/bad.jsonl" r="$BATS_TEST_TMPDIR/rej"
	{ cat "$good"; echo 'not json'; } >"$f"
	run --separate-stderr "$tool" "${args[@]}" --rejects "$r" \
	    --max-rejects 1 "$f"
	[ "$status" -eq 0 ] || return 1
	run --separate-stderr "$tool" "${args[@]}" --rejects "$r" \
	    --max-rejects 10% "$f"
	[ "$status" -eq 3 ]
}

@test "--max-rejects N and P% forgive a few rejected lines" {
	each_tool check_maxrejects
}

check_devfull() {
	[ -w /dev/full ] || return 0
	run --separate-stderr bash -c '"$@" >/dev/full' _ "$tool" \
	    "${args[@]}" "$good"
	[ "$status" -eq 4 ] && [[ "$stderr" == "$tool: "*"write error"* ]]
}

@test "a failed write to stdout is status 4" {
	[ -w /dev/full ] || skip "no /dev/full"
	each_tool check_devfull
}

check_sigpipe() {
	local big="$BATS_TEST_TMPDIR/big-${good##*/}"
	# 3000 copies, each record with an id of its own (resolve refuses
	# an id given twice).
	[ -f "$big" ] || awk '{ r[NR] = $0 } END { for (i = 1; i <= 3000; i++)
	    for (j = 1; j <= NR; j++) { s = r[j]
	    sub(/"id":"d/, "\"id\":\"" i "-d", s); print s } }' "$good" >"$big"
	run --separate-stderr bash -c \
	    '"$@" <"'"$big"'" | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"' \
	    _ "$tool" "${args[@]}"
	[ "$output" = 141 ] && [ -z "$stderr" ]
}

@test "a closed pipe ends the tool quietly (SIGPIPE)" {
	each_tool check_sigpipe
}

check_crlf() {
	local a b
	a=$("$tool" "${args[@]}" <"$good") &&
	b=$(sed 's/$/\r/' "$good" | "$tool" "${args[@]}") &&
	[ "$a" = "$b" ]
}

@test "CRLF line ends are accepted" {
	each_tool check_crlf
}

check_nofinal() {
	local a b
	a=$("$tool" "${args[@]}" <"$good") &&
	b=$(printf '%s' "$(cat "$good")" | "$tool" "${args[@]}") &&
	[ "$a" = "$b" ]
}

@test "a last line without a newline is read" {
	each_tool check_nofinal
}

check_utf8() {
	run --separate-stderr "$tool" "${args[@]}" \
	    < <(printf '{"id":"u","text":"caf\xe9 \xff"}\n')
	[ "$status" -eq 3 ] && [[ "$stderr" == "$tool: <stdin>:1: "* ]]
}

@test "invalid UTF-8 is malformed input (status 3)" {
	each_tool check_utf8
}

check_bom() {
	run --separate-stderr "$tool" "${args[@]}" \
	    < <(printf '\xef\xbb\xbf'; cat "$good")
	[ "$status" -eq 3 ] && [[ "$stderr" == "$tool: <stdin>:1: "* ]]
}

@test "a byte order mark is malformed input" {
	each_tool check_bom
}

check_missing() {
	run --separate-stderr "$tool" "${args[@]}" "$BATS_TEST_TMPDIR/nope"
	[ "$status" -eq 4 ] && [[ "$stderr" == *"nope"* ]]
}

@test "an operand that cannot be opened is status 4" {
	each_tool check_missing
}

check_determinism() {
	local a b
	a=$("$tool" "${args[@]}" <"$good") &&
	b=$("$tool" "${args[@]}" <"$good") &&
	[ "$a" = "$b" ]
}

@test "the same input gives the same output" {
	each_tool check_determinism
}

@test "etv runs a tool by its short name" {
	local t
	for t in $(etv_tools); do
		run --separate-stderr etv "${t#etv-}" --version
		[ "$status" -eq 0 ] && [[ "$output" == "$t (etv) "* ]] ||
		    { echo "etv ${t#etv-}: $status $stderr"; return 1; }
	done
}

@test "etv --help lists the installed tools with their purpose" {
	run --separate-stderr etv --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: etv "* ]]
	local t
	for t in $(etv_tools); do
		grep -q "^  ${t#etv-} " <<<"$output" ||
		    { echo "not listed: $t"; return 1; }
	done
}

@test "etv with an unknown tool or no tool is a usage error" {
	run --separate-stderr etv no-such-tool
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv: 'no-such-tool' is not an etv tool"* ]]
	run --separate-stderr etv
	[ "$status" -eq 2 ]
	run --separate-stderr etv --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^etv\ \(etv\)\ [0-9.]+$ ]]
}

check_unbuffered() {
	local fifo="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out" i pid
	# resolve decides once every record is in, and eval reports on
	# them all: nothing can come sooner.
	case $tool in etv-resolve|etv-eval) return 0 ;; esac
	rm -f "$fifo" "$out"
	mkfifo "$fifo"
	"$tool" "${args[@]}" --unbuffered <"$fifo" >"$out" &
	pid=$!
	exec 8>"$fifo"
	head -n 1 "$good" >&8
	# The record must come out while the producer still holds the pipe.
	for i in $(seq 50); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	[ -s "$out" ] || { exec 8>&-; wait "$pid"; return 1; }
	exec 8>&-
	wait "$pid"
}

@test "--unbuffered writes each record while the input is still open" {
	each_tool check_unbuffered
}

check_progress() {
	run --separate-stderr "$tool" "${args[@]}" --progress "$good"
	[ "$status" -eq 0 ] &&
	    [[ "$stderr" == *"$tool: "*" records, "*" MB, "*" MB/s"* ]] ||
	    return 1
	run --separate-stderr "$tool" "${args[@]}" "$good"
	[ "$status" -eq 0 ] && [[ "$stderr" != *" records, "* ]]
}

@test "--progress reports records, bytes and rate; off in a pipe" {
	each_tool check_progress
}

check_numbers() {
	run --separate-stderr "$tool" "${args[@]}" --max-line 10x "$good"
	[ "$status" -eq 2 ] && [ -z "$output" ] &&
	    [[ "$stderr" == "$tool: option '--max-line' needs a positive size"*"got '10x'"* ]] ||
	    return 1
	run --separate-stderr "$tool" "${args[@]}" --max-rejects -1 "$good"
	[ "$status" -eq 2 ] && [[ "$stderr" == *"'--max-rejects'"* ]] || return 1
	run --separate-stderr "$tool" "${args[@]}" --max-rejects 101% "$good"
	[ "$status" -eq 2 ] || return 1
	run --separate-stderr "$tool" "${args[@]}" --delimiter ab "$good"
	[ "$status" -eq 2 ]
}

@test "numeric options are parsed strictly (status 2, option named)" {
	each_tool check_numbers
}

check_maxline() {
	run --separate-stderr "$tool" "${args[@]}" --max-line 50 "$good"
	[ "$status" -eq 3 ] &&
	    [[ "$stderr" == *"$good:1: line is longer than --max-line"* ]]
}

@test "--max-line caps the length of an input line" {
	each_tool check_maxline
}

check_csv() {
	local a b
	# extract builds its own text from CSV columns, and index needs
	# vectors, which CSV cannot carry: their own suites test --csv.
	# eval's query records hold lists of hits, which CSV cannot carry.
	case $tool in etv-extract|etv-index|etv-eval) return 0 ;; esac
	a=$(printf '{"id":"d1","text":"Hello, \\"world\\".\\nBye."}\n' |
	    "$tool" "${args[@]}") &&
	b=$(printf 'id;text\r\nd1;"Hello, ""world"".\nBye."\r\n' |
	    "$tool" "${args[@]}" --csv --delimiter ';') &&
	[ -n "$a" ] && [ "$a" = "$b" ]
}

@test "--csv reads CSV rows as records" {
	each_tool check_csv
}

check_long_rejects() {
	local in="$BATS_TEST_TMPDIR/long.jsonl" rej="$BATS_TEST_TMPDIR/rej"
	{ printf '{"id":"x","text":"'; head -c 300000 /dev/zero | tr '\0' a
	  printf '"}\n'; cat "$good"; } >"$in"
	run --separate-stderr "$tool" "${args[@]}" --max-line 1K \
	    --rejects "$rej" "$in"
	[ "$status" -eq 3 ] &&
	    [[ "$stderr" == *"long.jsonl:1: line is longer than --max-line"* ]] &&
	    [ "$(head -n 1 "$in")" = "$(cat "$rej")" ]
}

@test "an over-long line goes to the rejects file verbatim" {
	each_tool check_long_rejects
}

check_array() {
	run --separate-stderr "$tool" "${args[@]}" \
	    < <(printf '[{"id":"a","text":"x"},{"id":"b","text":"y"}]\n')
	[ "$status" -eq 3 ] &&
	    [[ "$stderr" == "$tool: <stdin>:1: "*"jq -c '.[]'"* ]] || return 1
	run --separate-stderr "$tool" "${args[@]}" \
	    < <(printf '[\n  {"id":"a","text":"x"}\n]\n')
	[ "$status" -eq 3 ] &&
	    [[ "$stderr" == "$tool: <stdin>:1: "*"jq -c '.[]'"* ]]
}

@test "a JSON array as input suggests jq -c '.[]'" {
	each_tool check_array
}

check_name_escaped() {
	local f="$BATS_TEST_TMPDIR/"$'x\nforged: 1: \e[31mred.jsonl'
	printf 'not json\n' >"$f"
	run --separate-stderr "$tool" "${args[@]}" "$f"
	[ "$status" -eq 3 ] && [ "${#stderr_lines[@]}" -eq 1 ] &&
	    [[ "$stderr" == *'x\nforged: 1: \x1b[31mred.jsonl:1: invalid JSON'* ]] &&
	    [[ "$stderr" != *$'\e'* ]] || return 1
	rm -f "$f"
}

@test "control characters in file names are escaped in messages" {
	each_tool check_name_escaped
}

check_types_csv() {
	run --separate-stderr "$tool" "${args[@]}" --types n:number "$good"
	[ "$status" -eq 2 ] && [[ "$stderr" == *"option '--types' needs '--csv'"* ]]
}

@test "--types without --csv is a usage error" {
	each_tool check_types_csv
}

# stats_ok FILE STATUS READ WRITTEN REJECTED MALFORMED: FILE is one JSON
# object on one line with the common keys of --stats (etv(7), RUN
# STATISTICS) and these values; a WRITTEN of -1 is not checked.
stats_ok() {
	local f=$1 w=$4
	# etv-eval writes a report, not the records it read.
	[ "$tool" = etv-eval ] && w=-1
	[ "$(wc -l <"$f")" -eq 1 ] || { echo "$f: not one line"; return 1; }
	jq -e --arg tool "$tool" --argjson st "$2" --argjson r "$3" \
	    --argjson w "$w" --argjson j "$5" --argjson m "$6" '
	    (keys_unsorted[0:11] == ["tool", "version", "status", "started",
	     "seconds", "cpu_seconds", "max_rss_kb", "read", "written",
	     "rejected", "malformed"]) and
	    .tool == $tool and .status == $st and
	    (.version | test("^[0-9]+\\.[0-9]+\\.[0-9]+$")) and
	    (.started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")) and
	    (.seconds | type == "number" and . >= 0) and
	    (.cpu_seconds | type == "number" and . >= 0) and
	    (.max_rss_kb | type == "number" and . > 0) and
	    .read == $r and ($w < 0 or .written == $w) and .rejected == $j and
	    .malformed == $m' "$f" >/dev/null ||
	    { echo "$f: $(cat "$f")"; return 1; }
}

check_stats_help() {
	"$tool" --help | grep -q -- '--stats FILE'
}

@test "--help lists --stats" {
	each_tool check_stats_help
}

check_stats() {
	local s="$BATS_TEST_TMPDIR/$tool.stats" a b
	a=$("$tool" "${args[@]}" "$good") || return 1
	run --separate-stderr "$tool" "${args[@]}" --stats "$s" "$good"
	b=$output
	# The output does not change.
	[ "$status" -eq 0 ] && [ -z "$stderr" ] && [ "$a" = "$b" ] &&
	    stats_ok "$s" 0 3 3 0 0
}

@test "--stats writes the run's figures as JSON" {
	each_tool check_stats
}

check_stats_failed() {
	local f="$BATS_TEST_TMPDIR/bad.jsonl" s="$BATS_TEST_TMPDIR/$tool.stats"
	local r="$BATS_TEST_TMPDIR/rej"
	{ head -n 1 "$good"; echo 'not json'; tail -n 2 "$good"; } >"$f"
	# The first malformed line ends the run: status 3, in the file too
	# (what was written by then depends on the tool).
	run --separate-stderr "$tool" "${args[@]}" --stats "$s" "$f"
	[ "$status" -eq 3 ] && stats_ok "$s" 3 2 -1 0 0 || return 1
	# With --rejects the run goes on and counts the line.
	run --separate-stderr "$tool" "${args[@]}" --rejects "$r" \
	    --stats "$s" "$f"
	[ "$status" -eq 3 ] && stats_ok "$s" 3 4 3 1 1 || return 1
	# Forgiven: status 0.
	run --separate-stderr "$tool" "${args[@]}" --rejects "$r" \
	    --max-rejects 1 --stats "$s" "$f"
	[ "$status" -eq 0 ] && stats_ok "$s" 0 4 3 1 1 || return 1
	# An operand that cannot be read: status 4.
	run --separate-stderr "$tool" "${args[@]}" --stats "$s" \
	    "$BATS_TEST_TMPDIR/nope"
	[ "$status" -eq 4 ] && [ "$(jq .status "$s")" -eq 4 ]
}

@test "--stats is written when the run fails, with its exit status" {
	each_tool check_stats_failed
}

check_stats_devfull() {
	local s="$BATS_TEST_TMPDIR/$tool.stats"
	rm -f "$s"
	run --separate-stderr bash -c '"$@" >/dev/full' _ "$tool" \
	    "${args[@]}" --stats "$s" "$good"
	[ "$status" -eq 4 ] && [ "$(jq .status "$s")" -eq 4 ]
}

@test "--stats is written when stdout cannot be written (status 4)" {
	[ -w /dev/full ] || skip "no /dev/full"
	each_tool check_stats_devfull
}

check_stats_unwritable() {
	local s="$BATS_TEST_TMPDIR/no/such/dir/stats.json" a
	a=$("$tool" "${args[@]}" "$good") || return 1
	run --separate-stderr "$tool" "${args[@]}" --stats "$s" "$good"
	# The output is all there; the run fails at its end.
	[ "$status" -eq 4 ] && [ "$output" = "$a" ] &&
	    [ "$stderr" = "$tool: $s: No such file or directory" ] || return 1
	run --separate-stderr "$tool" "${args[@]}" --stats "$BATS_TEST_TMPDIR" \
	    "$good"
	[ "$status" -eq 4 ] && [[ "$stderr" == "$tool: $BATS_TEST_TMPDIR: "* ]]
}

@test "a --stats file that cannot be written is status 4" {
	each_tool check_stats_unwritable
}

check_stats_atomic() {
	local d="$BATS_TEST_TMPDIR/st-$tool" i1 i2
	mkdir -p "$d"
	printf 'old\n' >"$d/stats.json"
	i1=$(stat -c %i "$d/stats.json")
	"$tool" "${args[@]}" --stats "$d/stats.json" "$good" >/dev/null ||
	    return 1
	i2=$(stat -c %i "$d/stats.json")
	# A new file renamed over the old one, and nothing else left.
	[ "$i1" != "$i2" ] && [ "$(ls -A "$d")" = stats.json ] &&
	    stats_ok "$d/stats.json" 0 3 3 0 0
}

@test "--stats replaces its file atomically, leaving no temporary file" {
	each_tool check_stats_atomic
}

check_stats_usage() {
	local s="$BATS_TEST_TMPDIR/$tool.usage.stats"
	run --separate-stderr "$tool" "${args[@]}" --stats "$s" --max-line 10x \
	    "$good"
	[ "$status" -eq 2 ] && [ ! -e "$s" ]
}

@test "a usage error writes no --stats file" {
	each_tool check_stats_usage
}
