#!/usr/bin/env bats
# unit.bats -- runs the C unit tests of lib/ (tests/unit/*.c).

load test_helper

@test "C unit tests of lib/ pass" {
	local t n=0
	for t in "$ETV_BUILD"/unit/*; do
		[ -x "$t" ] || continue
		run "$t"
		[ "$status" -eq 0 ] || { echo "$t: $output"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
