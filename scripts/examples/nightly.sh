#!/bin/bash
# nightly.sh -- the job of scripts/examples/crontab: bring a copy of the
# index up to date, ask it questions whose answers are known, and put it
# in place of the live index only when everything went well.
#
# It works in $KB_DIR (default /srv/kb), which holds
#   docs/             the documents
#   doc.schema.json   their contract (etv-validate -s)
#   questions.jsonl   questions, and qrels.jsonl their judgments
#   baseline.json     the summary of a good run (etv-eval --save), which
#                     the first run that passes writes; write it again
#                     by hand to accept a new level
#   kb.etv            the live index, replaced by a rename
# and leaves there embed.db (the vector cache), tonight.json (tonight's
# summary) and work/ (the staged files, rejects among them).
#
# Exit status, the worst seen; cron mails whatever is printed:
#   0  the new index is live
#   1  the quality gate failed, or records broke the contract
#   3  malformed input, such as a file that is not UTF-8
#   4  an I/O failure
# On any status but 0 the old index stays and the reason is printed.
set -u
cd "${KB_DIR:-/srv/kb}" || exit 4
# The gate: floors that any night must reach, and how far below the
# baseline a metric may fall.
FLOOR=${FLOOR:-recall@10=0.5,mrr@10=0.3}
MARGIN=${MARGIN:-ndcg@10=0.05}

keep() {
	echo "nightly: $1 (status $2): $PWD/kb.etv stays as it was" >&2
	exit "$2"
}
# The worst status of the pipeline just run.
worst() {
	local s m=0
	for s in "$@"; do
		[ "$s" -gt "$m" ] && m=$s
	done
	return "$m"
}

{ rm -rf work && mkdir work; } || keep "cannot make $PWD/work" 4
if [ -f kb.etv ]; then
	cp -p kb.etv work/kb.etv || keep "cannot copy kb.etv" 4
fi

# The refresh: the manifest names every file extract saw, so that a file
# it could not read is not pruned from the index.
etv extract --rejects work/unreadable.jsonl --manifest work/docs.manifest \
    docs |
    etv validate -s doc.schema.json --rejects work/invalid.jsonl |
    etv chunk --size 800 --overlap 80 |
    etv dedupe --removed work/duplicates.jsonl |
    etv embed --cache embed.db |
    etv index sync --prune --manifest work/docs.manifest work/kb.etv
worst "${PIPESTATUS[@]}" || keep "the refresh failed" $?

# The gate.
etv embed questions.jsonl | etv index query -k 100 work/kb.etv \
    >work/run.jsonl
worst "${PIPESTATUS[@]}" || keep "the questions could not be asked" $?
gate=(--fail-under "$FLOOR")
if [ -f baseline.json ]; then
	gate+=(--fail-drop baseline.json "$MARGIN")
fi
etv eval --by doc_id --qrels qrels.jsonl --save tonight.json "${gate[@]}" \
    work/run.jsonl >/dev/null || keep "the quality gate failed" $?

if [ ! -f baseline.json ]; then
	cp tonight.json baseline.json || keep "cannot write baseline.json" 4
fi
mv work/kb.etv kb.etv || keep "cannot replace kb.etv" 4
