#!/usr/bin/env bats
# validate.bats -- behaviour of etv-validate(1)

load test_helper

F=fixtures/validate

# Print member $2 (a Python expression on 'r') of the JSON file $1.
jget() {
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- no options ----

@test "validate without options passes well-formed records through unchanged" {
	printf '{"id":"a","text":"hello"}\n{"b":  1.50 ,"a":"\\u00e9"}\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/in")" ]
	[ -z "$stderr" ]
}

@test "validate reports a malformed line with file and line" {
	printf '{"id":"a"}\n{"id":\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"in:2: "* ]]
}

@test "validate treats duplicate keys as malformed" {
	run --separate-stderr etv-validate <<<'{"id":"a","id":"b"}'
	[ "$status" -eq 3 ]
}

# ---- JSON Schema ----

@test "validate writes valid records as their original bytes and rejects the others with errors" {
	run --separate-stderr etv-validate -s $F/doc.schema.json \
	    --schema-dir $F/lib --rejects "$BATS_TEST_TMPDIR/rej" $F/docs.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = "$(sed -n '1p;5p' $F/docs.jsonl)" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rej")" -eq 3 ]
	grep -q '"errors":\[{"path":"/text","keyword":"/properties/text/minLength"' "$BATS_TEST_TMPDIR/rej"
	grep -q '"path":"/meta/page","keyword":"/properties/meta/\$ref/properties/page/minimum"' "$BATS_TEST_TMPDIR/rej"
	grep -q '"path":"/meta/extra","keyword":"/properties/meta/\$ref/unevaluatedProperties"' "$BATS_TEST_TMPDIR/rej"
	[[ "$stderr" == *"docs.jsonl:2: /text: "* ]]
}

@test "validate loses no record: stdout plus rejects is the input" {
	run --separate-stderr etv-validate -s $F/doc.schema.json \
	    --schema-dir $F/lib --rejects "$BATS_TEST_TMPDIR/rej" $F/docs.jsonl
	[ $(( $(printf '%s\n' "$output" | wc -l) + $(wc -l <"$BATS_TEST_TMPDIR/rej") )) -eq 5 ]
}

@test "validate --max-rejects forgives a few rejected records" {
	run --separate-stderr etv-validate -s $F/doc.schema.json \
	    --schema-dir $F/lib --max-rejects 3 --rejects /dev/null $F/docs.jsonl
	[ "$status" -eq 0 ]
	run --separate-stderr etv-validate -s $F/doc.schema.json \
	    --schema-dir $F/lib --max-rejects 2 --rejects /dev/null $F/docs.jsonl
	[ "$status" -eq 1 ]
}

@test "validate resolves a relative \$ref to a file beside the schema" {
	printf '{"$ref": "lib/meta.json"}\n' >"$BATS_TEST_TMPDIR/s.json"
	mkdir -p "$BATS_TEST_TMPDIR/lib"
	cp $F/lib/meta.json "$BATS_TEST_TMPDIR/lib/"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<'{"lang":"de","page":2}'
	[ "$status" -eq 0 ]
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<'{"lang":"it"}'
	[ "$status" -eq 1 ]
}

@test "validate never fetches a schema from the network" {
	printf '{"$ref": "https://example.com/nowhere.json"}\n' >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<'{}'
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot resolve reference 'https://example.com/nowhere.json'"* ]]
}

@test "validate reports an invalid schema as a usage error with its JSON pointer" {
	printf '{"properties": {"a": {"minLength": -1}}}\n' >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<'{}'
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"invalid schema at '/properties/a/minLength'"* ]]
	printf '{"pattern": "(unclosed"}\n' >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<'{}'
	[ "$status" -eq 2 ]
}

@test "validate reads draft 7 schemas by their \$schema" {
	run --separate-stderr etv-validate -s $F/draft7.schema.json <<<'{"n": 5, "a": 1, "b": 2}'
	# In draft 7 a sibling of $ref is ignored: maximum 1 does not apply.
	[ "$status" -eq 0 ]
	run --separate-stderr etv-validate -s $F/draft7.schema.json <<<'{"n": -1}'
	[ "$status" -eq 1 ]
	run --separate-stderr etv-validate -s $F/draft7.schema.json <<<'{"a": 1}'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"property 'a' requires property 'b'"* ]]
}

@test "validate --values checks any JSON value and rejects lines unchanged" {
	printf '{"type": "integer", "maximum": 10}\n' >"$BATS_TEST_TMPDIR/s.json"
	printf '3\n"x"\n  42 \n[1]\n7\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate --values -s "$BATS_TEST_TMPDIR/s.json" \
	    --rejects "$BATS_TEST_TMPDIR/rej" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf '3\n7')" ]
	[ "$(cat "$BATS_TEST_TMPDIR/rej")" = "$(printf '"x"\n  42 \n[1]')" ]
}

@test "validate asserts formats only with --formats" {
	printf '{"properties": {"d": {"format": "date"}, "e": {"format": "email"}}}\n' \
	    >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<'{"d":"2026-02-30"}'
	[ "$status" -eq 0 ]
	run --separate-stderr etv-validate --formats -s "$BATS_TEST_TMPDIR/s.json" <<<'{"d":"2026-02-30"}'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"not a valid 'date'"* ]]
	run --separate-stderr etv-validate --formats -s "$BATS_TEST_TMPDIR/s.json" <<<'{"d":"2024-02-29","e":"a@b.example"}'
	[ "$status" -eq 0 ]
}

@test "validate survives a catastrophically backtracking pattern" {
	printf '{"properties": {"s": {"pattern": "^(a+)+$"}}}\n' >"$BATS_TEST_TMPDIR/s.json"
	s=$(printf 'a%.0s' $(seq 1 5000))
	run --separate-stderr timeout 20 etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<"{\"s\":\"${s}b\"}"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"/s: "* ]]
}

@test "validate checks uniqueItems on a long array in less than quadratic time" {
	printf '{"uniqueItems": true}\n' >"$BATS_TEST_TMPDIR/s.json"
	python3 -c 'print("[" + ",".join(str(i) for i in range(300000)) + ",7.0]")' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr timeout 20 etv-validate --values -s "$BATS_TEST_TMPDIR/s.json" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"items 7 and 300000 are equal"* ]]
	python3 -c 'print("[" + ",".join("{\"a\":%d,\"b\":[%d]}" % (i, i) for i in range(100000)) + "]")' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr timeout 20 etv-validate --values -s "$BATS_TEST_TMPDIR/s.json" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
}

@test "validate handles deep nesting without overflowing the stack" {
	printf '{"$defs":{"t":{"type":["array","integer"],"items":{"$ref":"#/$defs/t"}}},"$ref":"#/$defs/t"}\n' \
	    >"$BATS_TEST_TMPDIR/s.json"
	# As deep as the parser goes (2048), in the main thread and a worker.
	python3 -c 'print("[" * 2040 + "1" + "]" * 2040)' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate --values -s "$BATS_TEST_TMPDIR/s.json" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	run --separate-stderr etv-validate -j 2 --values -s "$BATS_TEST_TMPDIR/s.json" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	# A schema that never ends is cut off, not a crash.
	printf '{"$defs":{"t":{"$ref":"#/$defs/t"}},"$ref":"#/$defs/t"}\n' >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -j 2 --values -s "$BATS_TEST_TMPDIR/s.json" <<<'[1]'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"too deeply"* ]]
	python3 -c 'print("[" * 100000 + "]" * 100000)' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate --values -s "$BATS_TEST_TMPDIR/s.json" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
}

@test "validate checks huge records" {
	python3 -c 'print("{\"id\":\"big-1\",\"text\":\"" + "x" * 8000000 + "\"}")' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate -s $F/doc.schema.json --schema-dir $F/lib "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "${#output}" -eq $(( 8000000 + 24 )) ]
}

@test "validate -j 2 writes the same bytes as -j 1" {
	for i in $(seq 1 3000); do
		printf '{"id":"doc-%d","text":"t%d"}\n{"id":"BAD %d","text":""}\n' $i $i $i
	done >"$BATS_TEST_TMPDIR/in"
	etv-validate -j 1 -s $F/doc.schema.json --schema-dir $F/lib \
	    --rejects "$BATS_TEST_TMPDIR/r1" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/o1" 2>/dev/null || true
	etv-validate -j 2 -s $F/doc.schema.json --schema-dir $F/lib \
	    --rejects "$BATS_TEST_TMPDIR/r2" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/o2" 2>/dev/null || true
	cmp "$BATS_TEST_TMPDIR/o1" "$BATS_TEST_TMPDIR/o2"
	cmp "$BATS_TEST_TMPDIR/r1" "$BATS_TEST_TMPDIR/r2"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/o1")" -eq 3000 ]
}

# ---- dataset contract ----

@test "validate contract rejects rows breaking fail rules and reports each check" {
	run --separate-stderr etv-validate -c $F/people.contract.json \
	    --rejects "$BATS_TEST_TMPDIR/rej" --report "$BATS_TEST_TMPDIR/rep.json" $F/people.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = "$(sed -n '1p;2p;5p' $F/people.jsonl)" ]
	r=$BATS_TEST_TMPDIR/rep.json
	[ "$(jget "$r" 'r["records"], r["passed"], r["rejected"], r["status"]')" = "(5, 3, 2, 'fail')" ]
	# unique id: the second p1 (line 4) is the duplicate
	[ "$(jget "$r" '[(c["failed"], c["examples"][0]["line"]) for c in r["checks"] if c["check"]=="unique"]')" = "[(1, 4)]" ]
	[ "$(jget "$r" '[c["failed"] for c in r["checks"] if c["check"]=="min_length"]')" = "[1]" ]
	[ "$(jget "$r" '[c["status"] for c in r["checks"] if c["check"]=="max_length"]')" = "['pass']" ]
	[ "$(jget "$r" '[c["failed"] for c in r["checks"] if c["check"] in ("min","max")]')" = "[1, 1]" ]
	[ "$(jget "$r" '[c["examples"][0]["value"] for c in r["checks"] if c["check"]=="accepted_values"]')" = "['XX']" ]
	[ "$(jget "$r" '[c["examples"][0]["value"] for c in r["checks"] if c["check"]=="relationships"]')" = "['t9']" ]
	[ "$(jget "$r" '[c["status"] for c in r["checks"] if c["check"] in ("row_count","freshness","pattern")]')" = "['pass', 'pass', 'pass']" ]
	grep -q '"keyword":"contract/unique"' "$BATS_TEST_TMPDIR/rej"
	grep -q '"keyword":"contract/relationships"' "$BATS_TEST_TMPDIR/rej"
	[[ "$stderr" == *"contract: 5 records, 2 rejected, status fail"* ]]
}

@test "validate contract warnings never change the exit status" {
	printf '{"fields":{"email":{"format":"email","severity":"warn"}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5 ]
	[[ "$stderr" == *"format email: warning (1 of 3)"* ]]
}

@test "validate contract not_null, pattern and composite keys" {
	printf '{"fields":{"email":{"not_null":true},"team":{"pattern":"^t[12]$"}},"unique":[["team","country"]]}\n' \
	    >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" \
	    --report "$BATS_TEST_TMPDIR/r.json" --rejects "$BATS_TEST_TMPDIR/rej" $F/people.jsonl
	[ "$status" -eq 1 ]
	r=$BATS_TEST_TMPDIR/r.json
	[ "$(jget "$r" '[(c["check"], c["failed"]) for c in r["checks"]]')" = "[('not_null', 2), ('pattern', 1), ('unique', 0)]" ]
	printf '{"unique":[["team"]]}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" --rejects /dev/null $F/people.jsonl
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
}

@test "validate contract rate thresholds decide at the end" {
	printf '{"fields":{"email":{"not_null":true,"max_null_rate":0.5}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5 ]
	printf '{"fields":{"email":{"max_null_rate":0.2}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"null_rate email: FAILED (2 of 5)"* ]]
	printf '{"fields":{"age":{"min":0,"max":130,"max_invalid_rate":0.25}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" --report "$BATS_TEST_TMPDIR/r.json" $F/people.jsonl
	[ "$status" -eq 1 ]
	[ "$(jget "$BATS_TEST_TMPDIR/r.json" '[c["observed"] for c in r["checks"] if c["check"]=="invalid_rate"]')" = "[0.4]" ]
	printf '{"fields":{"age":{"min":0,"max":130,"max_invalid_rate":0.5}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 0 ]
}

@test "validate contract row_count and freshness" {
	printf '{"row_count":{"min":10}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"row_count: FAILED"* ]]
	printf '{"row_count":{"max":3},"severity":"warn"}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 2 ]
	printf '{"row_count":{"max":3,"severity":"warn"}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"row_count: warning"* ]]
	printf '{"freshness":{"field":"ts","max_age":"P1D","now":"2026-11-25T00:00:00Z"}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" $F/people.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"freshness ts: FAILED"* ]]
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	printf '{"freshness":{"field":"ts","max_age":"1h"}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" <<<"{\"ts\":\"$now\"}"
	[ "$status" -eq 0 ]
}

@test "validate refuses a contract with an unknown rule" {
	printf '{"fields":{"a":{"not_nul":true}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown rule 'not_nul'"* ]]
}

@test "validate --report without a contract counts schema rejects" {
	run --separate-stderr etv-validate -s $F/doc.schema.json --schema-dir $F/lib \
	    --report "$BATS_TEST_TMPDIR/r.json" --rejects /dev/null $F/docs.jsonl
	[ "$status" -eq 1 ]
	[ "$(jget "$BATS_TEST_TMPDIR/r.json" '[(c["check"], c["failed"]) for c in r["checks"]], r["rejected"]')" = "([('schema', 3)], 3)" ]
}

# ---- PII ----

# pii_types TEXT: the types etv-validate --pii detect finds in TEXT.
pii_types() {
	printf '{"text":"%s"}\n' "$1" | etv-validate --pii detect |
	    python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(" ".join(f["type"] for f in r.get("pii", [])))'
}

@test "validate finds emails" {
	[ "$(pii_types 'write to jane.doe+tag@mail.example.org today')" = email ]
	[ "$(pii_types 'not an email: jane@ or @example.com or a@b')" = "" ]
}

@test "validate finds phone numbers in E.164 and national forms" {
	[ "$(pii_types 'call +44 20 7946 0958 now')" = phone ]
	[ "$(pii_types 'call +14155552671')" = phone ]
	[ "$(pii_types 'call (415) 555-2671')" = phone ]
	[ "$(pii_types 'appelez le 06 12 34 56 78')" = phone ]
	[ "$(pii_types 'ring 0044 20 7946 0958')" = phone ]
	[ "$(pii_types 'version 1.2.3 build 12345 year 2026')" = "" ]
}

@test "validate finds payment cards passing Luhn" {
	[ "$(pii_types 'card 4111 1111 1111 1111 exp')" = card ]
	[ "$(pii_types 'card 5500-0000-0000-0004')" = card ]
	[ "$(pii_types 'card 4111 1111 1111 1112 exp')" = "" ]
}

@test "validate finds IBANs by length and mod 97" {
	[ "$(pii_types 'pay GB82 WEST 1234 5698 7654 32 please')" = iban ]
	[ "$(pii_types 'pay DE89370400440532013000')" = iban ]
	[ "$(pii_types 'pay GB82 WEST 1234 5698 7654 33 please')" = "" ]
	[ "$(pii_types 'pay DE8937040044053201300')" = "" ]
}

@test "validate finds IPv4 and IPv6 addresses" {
	[ "$(pii_types 'from 192.168.10.254 and 2001:db8::8a2e:370:7334')" = "ip ip" ]
	[ "$(pii_types 'from 999.1.1.1 and 12:30:45')" = "" ]
}

@test "validate finds US social security numbers" {
	[ "$(pii_types 'ssn 123-45-6789')" = ssn ]
	[ "$(pii_types 'ssn 000-45-6789 or 666-12-3456 or 123-00-6789')" = "" ]
}

@test "validate --pii detect gives byte offsets" {
	run --separate-stderr etv-validate --pii detect <<<'{"id":"x","text":"é a@b.io"}'
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"x","text":"é a@b.io","pii":[{"field":"text","type":"email","start":3,"end":9}]}' ]
}

@test "validate --pii redact masks by type" {
	run --separate-stderr etv-validate --pii redact --pii-fields text,note \
	    <<<'{"text":"mail a@b.io or 123-45-6789","note":"card 4111111111111111","n":1}'
	[ "$status" -eq 0 ]
	[ "$output" = '{"text":"mail [EMAIL] or [SSN]","note":"card [CARD]","n":1}' ]
}

@test "validate --pii-hash redacts with a keyed pseudonym" {
	in='{"text":"a@b.io and a@b.io and c@d.io"}'
	run --separate-stderr env ETV_PII_KEY=k1 etv-validate --pii redact --pii-hash <<<"$in"
	[ "$status" -eq 0 ]
	one=$output
	[[ "$one" =~ \[EMAIL:([0-9a-f]{16})\]\ and\ \[EMAIL:([0-9a-f]{16})\]\ and\ \[EMAIL:([0-9a-f]{16})\] ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[3]}" ]
	run --separate-stderr env ETV_PII_KEY=k2 etv-validate --pii redact --pii-hash <<<"$in"
	[ "$output" != "$one" ]
	run --separate-stderr env -u ETV_PII_KEY etv-validate --pii redact --pii-hash <<<"$in"
	[ "$status" -eq 2 ]
}

@test "validate --pii reject quarantines records with personal data" {
	printf '{"text":"clean"}\n{"text":"ip 10.0.0.1"}\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate --pii reject --pii-types ip,email \
	    --rejects "$BATS_TEST_TMPDIR/rej" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$output" = '{"text":"clean"}' ]
	[ "$(cat "$BATS_TEST_TMPDIR/rej")" = '{"text":"ip 10.0.0.1","errors":[{"path":"/text","keyword":"pii","message":"ip at bytes 3-11"}]}' ]
	run --separate-stderr etv-validate --pii reject --pii-types ssn "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
}

# ---- text hygiene ----

@test "validate --nfc check rejects non-NFC text and control characters" {
	printf '{"text":"caf\\u00e9"}\n{"text":"cafe\\u0301"}\n{"text":"bell\\u0007"}\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate --nfc check --rejects "$BATS_TEST_TMPDIR/rej" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$output" = '{"text":"caf\u00e9"}' ]
	grep -q '"keyword":"nfc"' "$BATS_TEST_TMPDIR/rej"
	grep -q 'control character U+0007 at byte 4' "$BATS_TEST_TMPDIR/rej"
}

@test "validate --nfc fix normalises text and drops control characters" {
	printf '{"text":"cafe\\u0301\\u0007!","id":1}\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate --nfc fix "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = '{"text":"café!","id":1}' ]
}

# ---- usage ----

@test "validate rejects bad option values" {
	run --separate-stderr etv-validate --pii maybe </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-validate --pii-types email,fax </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr etv-validate -s /nonexistent.json </dev/null
	[ "$status" -eq 4 ]
}

@test "validate usage matches the man page synopsis" {
	run etv-validate --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: etv-validate "* ]]
	[ -f ../man/etv-validate.1 ]
	mandoc -Tlint -Wwarning ../man/etv-validate.1
}

# ---- CSV input ----

@test "validate --csv --types: min/max pass numeric cells, not_null catches empty ones" {
	printf 'sku,price,in_stock\na1,9.5,true\na2,120,false\n' >"$BATS_TEST_TMPDIR/ok.csv"
	printf '{"fields":{"price":{"min":0,"max":1000,"not_null":true}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate --csv --types price:number,in_stock:boolean \
	    -c "$BATS_TEST_TMPDIR/c.json" "$BATS_TEST_TMPDIR/ok.csv"
	[ "$status" -eq 0 ]
	[ "$output" = $'{"sku":"a1","price":9.5,"in_stock":true}\n{"sku":"a2","price":120,"in_stock":false}' ]
	# An empty cell is null: not_null rejects the row.
	printf 'sku,price,in_stock\na1,9.5,true\na3,,true\n' >"$BATS_TEST_TMPDIR/empty.csv"
	run --separate-stderr etv-validate --csv --types price:number \
	    -c "$BATS_TEST_TMPDIR/c.json" "$BATS_TEST_TMPDIR/empty.csv"
	[ "$status" -eq 1 ]
	[ "$output" = '{"sku":"a1","price":9.5,"in_stock":"true"}' ]
	[[ "$stderr" == *"empty.csv:3: "*"price"* ]]
	# A cell that is not of its type is malformed input, naming the column.
	printf 'sku,price\na1,9.5\na4,cheap\n' >"$BATS_TEST_TMPDIR/bad.csv"
	run --separate-stderr etv-validate --csv --types price:number "$BATS_TEST_TMPDIR/bad.csv"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"bad.csv:3: column 'price': 'cheap' is not a number"* ]]
	# auto infers numbers and booleans, and keeps leading zeros.
	printf 'zip,n,b\n01234,7,true\n' | etv-validate --csv --types auto >"$BATS_TEST_TMPDIR/o"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = '{"zip":"01234","n":7,"b":true}' ]
	run --separate-stderr etv-validate --csv --types price:float "$BATS_TEST_TMPDIR/ok.csv"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'--types'"* ]]
}

# ---- schema and contract files ----

@test "validate: a missing schema or contract file is an I/O error, with no position" {
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/nope.json" </dev/null
	[ "$status" -eq 4 ]
	[ "$stderr" = "etv-validate: cannot open schema '$BATS_TEST_TMPDIR/nope.json': No such file or directory" ]
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/nope.json" </dev/null
	[ "$status" -eq 4 ]
	[ "$stderr" = "etv-validate: cannot open contract '$BATS_TEST_TMPDIR/nope.json': No such file or directory" ]
}

@test "validate: an error in the schema or contract file does not suggest --help" {
	printf '{"type":\n' >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-validate: $BATS_TEST_TMPDIR/s.json:2: "* ]]
	[[ "$stderr" != *"--help"* ]]
	printf '{"minLength": -1}\n' >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" != *"--help"* ]]
	printf '{"fields":{"a":{"nope":1}}}\n' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr etv-validate -c "$BATS_TEST_TMPDIR/c.json" </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-validate: contract "* ]]
	[[ "$stderr" != *"--help"* ]]
}

@test "validate reports every schema error of a record, on stderr and in errors" {
	printf '{"type":"object","required":["id"],"properties":{"n":{"type":["integer","null"],"minimum":0},"t":{"type":"string"}}}\n' \
	    >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" \
	    --rejects "$BATS_TEST_TMPDIR/rej" <<<'{"n":-1,"t":5}'
	[ "$status" -eq 1 ]
	[ "$stderr" = "etv-validate: <stdin>:1: /: required property 'id' is missing
etv-validate: <stdin>:1: /n: -1 is less than the minimum 0
etv-validate: <stdin>:1: /t: expected a string, got integer" ]
	[ "$(jget "$BATS_TEST_TMPDIR/rej" '[(e["path"], e["message"]) for e in r["errors"]]')" = \
	    "[('', \"required property 'id' is missing\"), ('/n', '-1 is less than the minimum 0'), ('/t', 'expected a string, got integer')]" ]
	# A type error names every type the schema allows.
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" <<<'{"id":1,"n":"x"}'
	[ "$status" -eq 1 ]
	[ "$stderr" = "etv-validate: <stdin>:1: /n: expected an integer or null, got string" ]
}

@test "validate --schema-dir skips schemas of other drafts with a warning" {
	mkdir "$BATS_TEST_TMPDIR/dir"
	printf '{"$schema":"http://json-schema.org/draft-04/schema#","$id":"http://x.test/old.json","type":"object"}\n' \
	    >"$BATS_TEST_TMPDIR/dir/old.json"
	printf '{"$id":"http://x.test/name.json","type":"string"}\n' >"$BATS_TEST_TMPDIR/dir/name.json"
	printf '{"properties":{"a":{"$ref":"http://x.test/name.json"}}}\n' >"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" \
	    --schema-dir "$BATS_TEST_TMPDIR/dir" <<<$'{"a":"x"}\n{"a":1}'
	[ "$status" -eq 1 ]
	[ "$output" = '{"a":"x"}' ]
	[[ "${stderr_lines[0]}" == "etv-validate: schema '$BATS_TEST_TMPDIR/dir/old.json': unknown meta-schema 'http://json-schema.org/draft-04/schema#'; skipped" ]]
	[ "${stderr_lines[1]}" = "etv-validate: <stdin>:2: /a: expected a string, got integer" ]
	# -q silences the warning.
	run --separate-stderr etv-validate -q -s "$BATS_TEST_TMPDIR/s.json" \
	    --schema-dir "$BATS_TEST_TMPDIR/dir" <<<'{"a":"x"}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "validate(1) quotes the severity values right" {
	command -v mandoc >/dev/null || skip "no mandoc"
	run mandoc -Tascii ../man/etv-validate.1
	[[ "$(printf '%s\n' "$output" | sed 's/.\x08//g' | tr -s ' \n' '  ')" == *'severity ("fail" or "warn")'* ]]
}

@test "validate escapes member names and file names in its messages" {
	printf '{"additionalProperties":false}\n' >"$BATS_TEST_TMPDIR/s.json"
	f="$BATS_TEST_TMPDIR/"$'in\n\e[31m.jsonl'
	printf '{"a\\u001b[2J\\netv-validate: x:1: fine":1}\n' >"$f"
	run --separate-stderr etv-validate -s "$BATS_TEST_TMPDIR/s.json" "$f"
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'in\n\x1b[31m.jsonl:1: /a\x1b[2J\netv-validate: x:1: fine: '* ]]
}

@test "validate --stats: valid and invalid records, the contract's checks" {
	local s="$BATS_TEST_TMPDIR/st.json"
	run --separate-stderr etv-validate -c $F/people.contract.json \
	    --rejects "$BATS_TEST_TMPDIR/rej" \
	    --report "$BATS_TEST_TMPDIR/rep.json" --stats "$s" $F/people.jsonl
	[ "$status" -eq 1 ]
	r=$BATS_TEST_TMPDIR/rep.json
	[ "$(jq -c '[.status, .read, .valid, .invalid, .contract]' "$s")" = \
	    '[1,5,3,2,"fail"]' ]
	[ "$(jq '.checks_failed' "$s")" = \
	    "$(jq '[.checks[] | select(.status == "fail")] | length' "$r")" ]
	[ "$(jq '.checks_warned' "$s")" = \
	    "$(jq '[.checks[] | select(.status == "warn")] | length' "$r")" ]
	[ "$(jq '.checks' "$s")" = "$(jq '.checks | length' "$r")" ]
	# A malformed line is rejected but is not an invalid record.
	printf '{"id":"a"}\nnot json\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr etv-validate --rejects "$BATS_TEST_TMPDIR/rej" \
	    --stats "$s" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$(jq -c '[.status, .valid, .invalid, .rejected, .malformed]' "$s")" = \
	    '[3,1,0,1,1]' ]
}
