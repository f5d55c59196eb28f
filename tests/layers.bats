#!/usr/bin/env bats
# layers.bats -- the layout of lib/ is its architecture: each folder is a
# layer, and an include may point to the same layer or one below, never
# up:  base <- text <- json <- chunk, dedupe, embed, eval, extract, index,
# resolve, validate <- cmd.

load test_helper

# level AREA: the layer of a lib/ folder (the algorithm areas share one)
level() {
	case $1 in
	base) echo 0 ;;
	text) echo 1 ;;
	json) echo 2 ;;
	chunk|dedupe|embed|eval|extract|index|resolve|validate) echo 3 ;;
	*) echo 99 ;;
	esac
}

@test "every lib/ module sits in a known layer folder" {
	cd "$BATS_TEST_DIRNAME/.."
	run sh -c 'ls lib/*.[ch] 2>/dev/null'
	[ -z "$output" ]
	for d in lib/*/; do
		a=${d#lib/}; a=${a%/}
		[ "$(level "$a")" != 99 ] || { echo "lib/$a: no layer"; false; }
	done
}

@test "no lib/ include points up a layer" {
	cd "$BATS_TEST_DIRNAME/.."
	bad=
	for f in lib/*/*.[ch]; do
		a=${f#lib/}; a=${a%%/*}
		own=$(level "$a")
		for inc in $(sed -n 's|^#include "lib/\([a-z]*\)/.*|\1|p' "$f"); do
			if [ "$(level "$inc")" -gt "$own" ]; then
				bad="$bad $f->$inc"
			fi
		done
	done
	[ -z "$bad" ] || { echo "includes pointing up:$bad"; false; }
}

@test "buf and xmem are leaves of the base layer" {
	cd "$BATS_TEST_DIRNAME/.."
	for f in lib/base/buf.c lib/base/buf.h lib/base/xmem.c lib/base/xmem.h; do
		run sh -c "grep '^#include \"lib/' $f | grep -v 'lib/base/\\(buf\\|xmem\\)\\.h'"
		[ -z "$output" ] || { echo "$f: $output"; false; }
	done
}
