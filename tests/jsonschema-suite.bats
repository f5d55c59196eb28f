#!/usr/bin/env bats
# jsonschema-suite.bats -- the official JSON Schema Test Suite (2020-12, 7)

load test_helper

@test "validate passes every required test of JSON Schema 2020-12 and draft 7" {
	local suite=${ETV_JSONSCHEMA_SUITE:-$BATS_TEST_DIRNAME/../../shared/data/json-schema-test-suite}
	[ -d "$suite/tests" ] || suite=$BATS_TEST_DIRNAME/../../../shared/data/json-schema-test-suite
	[ -d "$suite/tests" ] || skip "no JSON Schema Test Suite (set ETV_JSONSCHEMA_SUITE)"
	run "$ETV_BUILD/unit/jsonschema" "$suite"
	echo "$output" >&3
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "draft2020-12: required "* ]]
	[[ "${lines[1]}" == "draft7: required "* ]]
}
