#!/usr/bin/env bats
# unit.bats -- runs the C unit tests of lib/ (tests/unit/*.c), one test per
# binary so that a failure names the module.
#
# bats reads the names of a file's tests from its text before it runs any
# of it (bats-core 1.8), so each binary has its @test line below; the last
# test runs any tests/unit/*.c that has none yet, by name.

load test_helper

# Run the unit binary $1; its output is shown when it fails.
unit() {
	[ -x "$ETV_BUILD/unit/$1" ] || { echo "no $ETV_BUILD/unit/$1: make all"; return 1; }
	run "$ETV_BUILD/unit/$1"
	[ "$status" -eq 0 ] || { echo "unit/$1 exit $status: $output"; return 1; }
}

@test "unit analyze" { unit analyze; }
@test "unit base64" { unit base64; }
@test "unit bpe" { unit bpe; }
@test "unit chunker" { unit chunker; }
@test "unit cp1252" { unit cp1252; }
@test "unit crew" { unit crew; }
@test "unit doc" { unit doc; }
@test "unit evmetric" { unit evmetric; }
@test "unit golden" { unit golden; }
@test "unit hashembed" { unit hashembed; }
@test "unit hashembed_collide" { unit hashembed_collide; }
@test "unit hnsw" { unit hnsw; }
@test "unit html" { unit html; }
@test "unit http" { unit http; }
@test "unit index" { unit index; }
@test "unit iox" { unit iox; }
@test "unit jdoc" { unit jdoc; }
@test "unit jsonscan" { unit jsonscan; }
@test "unit jsonschema" { unit jsonschema; }
@test "unit fusion" { unit fusion; }
@test "unit lexpost" { unit lexpost; }
@test "unit manifest" { unit manifest; }
@test "unit markdown" { unit markdown; }
@test "unit minhash" { unit minhash; }
@test "unit phonetic" { unit phonetic; }
@test "unit pool" { unit pool; }
@test "unit record" { unit record; }
@test "unit rfc3339" { unit rfc3339; }
@test "unit rnorm" { unit rnorm; }
@test "unit runstats" { unit runstats; }
@test "unit semantic" { unit semantic; }
@test "unit sentence" { unit sentence; }
@test "unit strmap" { unit strmap; }
@test "unit strsim" { unit strsim; }
@test "unit table" { unit table; }
@test "unit text" { unit text; }
@test "unit tpl" { unit tpl; }
@test "unit vec" { unit vec; }
@test "unit vecdist" { unit vecdist; }
@test "unit vecfile" { unit vecfile; }
@test "unit vfbatch" { unit vfbatch; }
@test "unit vfilter" { unit vfilter; }
@test "unit walk" { unit walk; }
@test "unit wordpiece" { unit wordpiece; }

@test "unit tests without a test of their own above" {
	local c n listed bad=
	listed=$(sed -n 's/^@test "unit \([a-z0-9_]*\)".*/\1/p' \
	    "$BATS_TEST_FILENAME")
	for c in unit/*.c; do
		n=${c##*/}
		n=${n%.c}
		printf '%s\n' "$listed" | grep -qx "$n" && continue
		unit "$n" || bad="$bad $n"
	done
	[ -z "$bad" ] || { echo "failed:$bad"; return 1; }
}
