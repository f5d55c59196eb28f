#!/usr/bin/env bats
# build.bats -- the set-up and the build: deps.sh, make install/uninstall,
# manual pages.

load test_helper

@test "deps.sh as a non-root user prints the apt-get command and exits 4" {
	local shim="$BATS_TEST_TMPDIR/shim"
	mkdir -p "$shim"
	# Pretend nothing is installed and that we are not root.
	printf '#!/bin/sh\nexit 1\n' >"$shim/dpkg-query"
	printf '#!/bin/sh\necho 1000\n' >"$shim/id"
	chmod +x "$shim/dpkg-query" "$shim/id"
	run --separate-stderr env PATH="$shim:$PATH" sh ../scripts/deps.sh
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"apt-get install -y --no-install-recommends "*libjansson-dev* ]]
	[[ "$stderr" == *bats-assert* ]]
}

@test "deps.sh does nothing when every package is installed" {
	local shim="$BATS_TEST_TMPDIR/shim"
	mkdir -p "$shim"
	printf '#!/bin/sh\nprintf "install ok installed"\n' >"$shim/dpkg-query"
	printf '#!/bin/sh\necho 1000\n' >"$shim/id"
	chmod +x "$shim/dpkg-query" "$shim/id"
	run --separate-stderr env PATH="$shim:$PATH" sh ../scripts/deps.sh
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "make install honours DESTDIR and PREFIX; uninstall removes it all" {
	local d="$BATS_TEST_TMPDIR/root" f
	run make -C .. --no-print-directory install DESTDIR="$d" PREFIX=/opt/etv \
	    SANITIZE="${ETV_SANITIZE:-}"
	[ "$status" -eq 0 ]
	[ -x "$d/opt/etv/bin/etv" ]
	for f in "$ETV_BUILD"/etv-*; do
		[ -e "$f" ] || continue
		[ -x "$d/opt/etv/bin/${f##*/}" ]
		[ -f "$d/opt/etv/share/man/man1/${f##*/}.1" ]
	done
	[ "$(stat -c %a "$d/opt/etv/bin/etv")" = 755 ]
	[ "$(stat -c %a "$d/opt/etv/share/man/man7/etv.7")" = 644 ]
	run make -C .. --no-print-directory uninstall DESTDIR="$d" \
	    PREFIX=/opt/etv SANITIZE="${ETV_SANITIZE:-}"
	[ "$status" -eq 0 ]
	[ -z "$(find "$d" -type f)" ]
}

@test "every manual page is clean under mandoc -Tlint" {
	run mandoc -Tlint -Wwarning ../man/*.1 ../man/*.7
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "every tool's usage equals its manual page's SYNOPSIS" {
	cd ..
	run sh scripts/check-usage.sh "$ETV_BUILD"
	[ "$status" -eq 0 ]
}

@test "make demo runs the sample pipeline and answers its question" {
	run --separate-stderr make -C .. --no-print-directory demo \
	    SANITIZE="${ETV_SANITIZE:-}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"README.md"*"markdown etv: Extract, Transform"* ]]
	[[ "$stderr" =~ "etv-chunk: read "[0-9]+", wrote " ]]
	[[ "$stderr" =~ "etv-dedupe: read "[0-9]+", wrote " ]]
	# Two questions' three hits, each a score and a chunk id, and the
	# metrics of all the questions.
	[ "$(grep -cE '^    0\.[0-9]{3}  [^ ]+#[0-9]+ ' <<<"$output")" -eq 6 ]
	[[ "$output" == *"ndcg@10 "*"queries: 0 without a relevant document"* ]]
}
