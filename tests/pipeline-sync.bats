#!/usr/bin/env bats
# pipeline-sync.bats -- etv-extract | etv-chunk | etv-embed | etv-index sync
# as a cron job runs it: an upstream failure must not delete documents.

load test_helper

# The documents of the index, one per line.
docs() {
	etv index dump kb.etv | python3 -c '
import json, sys
for d in sorted({json.loads(l)["doc_id"] for l in sys.stdin}):
    print(d)'
}

setup() {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/docs/a" "$T/docs/m" "$T/docs/z"
	for i in 1 2 3 4 5 6; do
		printf 'Alpha note %s: rotate the keys every %s days.\n' \
		    "$i" "$i" >"$T/docs/a/n$i.txt"
		printf 'Zulu note %s: the backups run at %s am.\n' \
		    "$i" "$i" >"$T/docs/z/n$i.txt"
	done
	cd "$T" || return 1
	# The first sync sees every document.
	sh -c 'etv extract docs | etv chunk | etv embed \
	    | etv index sync --prune kb.etv'
	[ "$(docs | wc -l)" -eq 12 ]
	# Then a Latin-1 file appears in the middle of the tree.
	printf 'caf\351 cr\350me\n' >"$T/docs/m/latin1.txt"
}

@test "pipeline: a file extract stops at mid-tree does not empty the index" {
	# sh has no pipefail: the pipeline's status is that of sync.
	run --separate-stderr sh -c 'etv extract docs | etv chunk \
	    | etv embed | etv index sync --prune kb.etv'
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"not valid UTF-8"* ]]
	[[ "$stderr" == *"--prune would delete 6 of 12 documents (50%), more than --max-prune 10%"* ]]
	[ "$(docs | wc -l)" -eq 12 ]
	[ "$(etv index stats kb.etv | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["deleted"])')" -eq 0 ]
}

@test "pipeline: with --manifest, documents extract saw are never pruned" {
	etv extract --rejects rej.jsonl --manifest docs.manifest docs \
	    >docs.jsonl || [ $? -eq 3 ]
	# The stream breaks after a few documents: the manifest names the
	# others, so that not even --force prunes them.
	run --separate-stderr sh -c 'head -n 3 docs.jsonl | etv chunk \
	    | etv embed \
	    | etv index sync --prune --force --manifest docs.manifest kb.etv'
	[ "$status" -eq 0 ]
	[ "$(docs | wc -l)" -eq 12 ]
	grep -q '"m/latin1.txt"' docs.manifest
	grep -q '"id":"m/latin1.txt"' rej.jsonl
	# A document really deleted goes, even past the bound.
	rm docs/z/n3.txt docs/z/n4.txt
	run --separate-stderr bash -c 'set -o pipefail
	    etv extract --rejects rej.jsonl --manifest docs.manifest docs \
	    | etv chunk | etv embed \
	    | etv index sync --prune --max-prune 20% \
	      --manifest docs.manifest kb.etv'
	[ "$status" -eq 3 ]	# the Latin-1 file, kept aside
	[ "$(docs | wc -l)" -eq 10 ]
	! docs | grep -q 'z/n3.txt' || false
}

@test "pipeline: a manifest is written only by a walk that completes" {
	echo '{"complete":true,"documents":[]}' >docs.manifest
	run --separate-stderr sh -c 'etv extract --manifest docs.manifest \
	    docs >/dev/null'
	[ "$status" -eq 3 ]
	[ ! -e docs.manifest ]
	run --separate-stderr sh -c 'etv extract docs --manifest \
	    docs.manifest | etv chunk | etv embed \
	    | etv index sync --prune --force --manifest docs.manifest kb.etv'
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"cannot read manifest 'docs.manifest'"* ]]
	[[ "$stderr" == *"without a complete manifest, nothing pruned"* ]]
	[ "$(docs | wc -l)" -eq 12 ]
	# A truncated manifest is no manifest.
	etv extract --rejects rej.jsonl --manifest docs.manifest docs \
	    >docs.jsonl || true
	head -c 40 docs.manifest >short.manifest
	run --separate-stderr sh -c 'grep "\"id\":\"a/" docs.jsonl \
	    | etv chunk | etv embed | etv index sync --prune --force \
	    --manifest short.manifest kb.etv'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"manifest 'short.manifest': not a complete manifest"* ]]
	[ "$(docs | wc -l)" -eq 12 ]
}

@test "pipeline: the README's cron script keeps a bad file aside" {
	# The script of the README, run in this folder.
	sed -n '/^#!\/bin\/bash$/,/^```$/p' "$BATS_TEST_DIRNAME/../README.md" \
	    | sed '$d' >refresh.sh
	grep -q 'set -o pipefail' refresh.sh
	grep -q -- '--manifest' refresh.sh
	export KB_DIR=$T
	run --separate-stderr bash refresh.sh
	[ "$status" -eq 3 ]
	[ "$(docs | wc -l)" -eq 12 ]
	grep -q '"id":"m/latin1.txt"' rejects.jsonl
	rm docs/m/latin1.txt docs/a/n1.txt
	run --separate-stderr bash refresh.sh
	[ "$status" -eq 0 ]
	[ "$(docs | wc -l)" -eq 11 ]
}
