#!/usr/bin/env bats
# index-files.bats -- etv-index(1) and the files it writes: modes, links,
# read-only files, the lock, and what failed or killed writers leave.

load test_helper

GEN=fixtures/index/gen.py

setup() {
	T=$BATS_TEST_TMPDIR
	python3 "$GEN" 300 16 >"$T/a.jsonl"
	python3 "$GEN" 200 16 --prefix e >"$T/b.jsonl"
}

@test "index files: compact and merge keep the mode of a 0600 or 0640 index" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	etv-index add "$T/x.etv" "$T/b.jsonl"
	chmod 600 "$T/x.etv"
	etv-index compact "$T/x.etv"
	[ "$(stat -c %a "$T/x.etv")" = 600 ]
	chmod 640 "$T/x.etv"
	if [ "$(id -u)" = 0 ]; then chgrp daemon "$T/x.etv"; fi
	etv-index add "$T/x.etv" <(python3 "$GEN" 10 16 --prefix f)
	etv-index compact "$T/x.etv"
	[ "$(stat -c %a "$T/x.etv")" = 640 ]
	if [ "$(id -u)" = 0 ]; then
		[ "$(stat -c %G "$T/x.etv")" = daemon ]
	fi
	[ "$(etv-index stats "$T/x.etv" | python3 -c '
import json, sys; s = json.load(sys.stdin); print(s["vectors"], s["segments"])')" = "510 1" ]
	etv-index build "$T/y.etv" "$T/b.jsonl"
	touch "$T/out.etv"
	chmod 600 "$T/out.etv"
	etv-index merge "$T/out.etv" "$T/x.etv" "$T/y.etv"
	[ "$(stat -c %a "$T/out.etv")" = 600 ]
	[ "$(find "$T" -name '*.tmp*' | wc -l)" = 0 ]
}

@test "index files: a symlinked index is written through to its target" {
	mkdir "$T/data"
	etv-index build "$T/data/kb.etv" "$T/a.jsonl"
	ln -s data/kb.etv "$T/kb.etv"
	etv-index add "$T/kb.etv" "$T/b.jsonl"
	etv-index compact "$T/kb.etv"
	[ -L "$T/kb.etv" ]
	[ "$(readlink "$T/kb.etv")" = data/kb.etv ]
	run etv-index stats "$T/data/kb.etv"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"vectors":500,'* ]]
	[[ "$output" == *'"segments":1,'* ]]
	[ "$(find "$T" -name '*.tmp*' | wc -l)" = 0 ]
}

@test "index files: a read-only index is refused, not replaced (status 4)" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	etv-index add "$T/x.etv" "$T/b.jsonl"
	cp "$T/x.etv" "$T/before"
	chmod 444 "$T/x.etv"
	run --separate-stderr etv-index compact "$T/x.etv"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"'$T/x.etv': Permission denied"* ]]
	run --separate-stderr etv-index add "$T/x.etv" \
	    <(python3 "$GEN" 10 16 --prefix f)
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"'$T/x.etv': Permission denied"* ]]
	cmp "$T/before" "$T/x.etv"
	[ "$(stat -c %a "$T/x.etv")" = 444 ]
	[ "$(find "$T" -name '*.tmp*' | wc -l)" = 0 ]
}

@test "index files: the lock file is never opened through a link" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	rm -f "$T/x.etv.lock"
	ln -s "$T/victim" "$T/x.etv.lock"
	run --separate-stderr etv-index add "$T/x.etv" "$T/b.jsonl"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"cannot lock"* ]]
	[ ! -e "$T/victim" ]
}

@test "index files: a failed append gives back its uncommitted tail" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	python3 "$GEN" 3000 16 --prefix g >"$T/big.jsonl"
	size=$(stat -c %s "$T/x.etv")
	# A file size limit stands in for a full disk: writes past it fail
	# with EFBIG once SIGXFSZ is ignored.
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f $2;
	    etv-index add "$1" "$3"' _ "$T/x.etv" $((size / 1024 + 40)) \
	    "$T/big.jsonl"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"cannot write"* ]]
	[ "$(stat -c %s "$T/x.etv")" = "$size" ]
	run etv-index stats "$T/x.etv"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"vectors":300,'* ]]
}

@test "index files: temporary files a killed writer left are removed by the next writer" {
	etv-index build "$T/x.etv" "$T/a.jsonl"
	# What a writer killed during build, compact or merge leaves.
	head -c 5000 "$T/x.etv" >"$T/x.etv.tmpAb12Yz"
	: >"$T/x.etv.tmp0q9ZZZ"
	# Not the index's: other names, a link.
	: >"$T/x.etv.tmpAb12Y"
	: >"$T/y.etv.tmpAb12Yz"
	ln -s "$T/x.etv" "$T/x.etv.tmpLINK00"
	# Readers take no lock and leave them.
	etv-index query "$T/x.etv" < <(head -1 "$T/a.jsonl") >/dev/null
	[ -e "$T/x.etv.tmpAb12Yz" ]
	# A writer holding the lock removes them, even when it changes
	# nothing.
	etv-index add "$T/x.etv" < <(head -1 "$T/a.jsonl")
	[ ! -e "$T/x.etv.tmpAb12Yz" ]
	[ ! -e "$T/x.etv.tmp0q9ZZZ" ]
	[ -e "$T/x.etv.tmpAb12Y" ]
	[ -e "$T/y.etv.tmpAb12Yz" ]
	[ -L "$T/x.etv.tmpLINK00" ]
}

@test "index files: a compact killed midway leaves a file the next writer removes" {
	python3 "$GEN" 8000 32 >"$T/big.jsonl"
	etv-index build "$T/x.etv" "$T/big.jsonl"
	etv-index compact "$T/x.etv" &
	pid=$!
	for i in $(seq 200); do
		compgen -G "$T/x.etv.tmp*" >/dev/null && break
		sleep 0.02
	done
	kill -9 "$pid" 2>/dev/null || skip "compact ended before the kill"
	wait "$pid" || true
	compgen -G "$T/x.etv.tmp*" >/dev/null || skip "no temporary file seen"
	etv-index add "$T/x.etv" < <(head -1 "$T/big.jsonl")
	[ -z "$(compgen -G "$T/x.etv.tmp*")" ]
	run etv-index stats "$T/x.etv"
	[ "$status" -eq 0 ]
}
