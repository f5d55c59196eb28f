#!/usr/bin/env bats
# examples.bats -- the pipelines of scripts/examples/, each run in a
# temporary directory on a few small documents.

load test_helper

EX=$BATS_TEST_DIRNAME/../scripts/examples
TOP=$BATS_TEST_DIRNAME/..

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T" || return 1
}

# make as a user runs it, whatever make runs these tests.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
	    -f "$EX/Makefile" CHUNK='--size 60' "$@"
}

# Twelve notes of three paragraphs, a chunk each at --size 60.
notes() {
	local i p
	mkdir -p docs
	for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
		for p in 1 2 3; do
			printf 'Note %s, part %s. The backups of server %s run at %s am.\n\n' \
			    "$i" "$p" "$i" "$p"
		done >"docs/n$i.txt"
	done
}

# A knowledge base as nightly.sh and etv_dag.py expect it: six documents,
# their contract, four questions and their judgments.
kb() {
	mkdir -p kb/docs
	cp "$TOP/scripts/demo/doc.schema.json" kb/
	cd kb || return 1
	echo 'Backups run every night at two. To restore a file, run the restore command with its path and compare the checksum.' >docs/backup.txt
	echo 'The office printer on the second floor takes A4 and A3 paper. Print jobs wait in the queue of the print server until the toner is replaced.' >docs/printer.txt
	echo 'Connect to the VPN before you open the wiki from home. The VPN client asks for a one-time token from the phone app.' >docs/vpn.txt
	echo 'Holidays are requested in the HR portal at least two weeks ahead; the team lead approves them.' >docs/holiday.txt
	echo 'New laptops are ordered through the IT shop and arrive within a week, set up and encrypted.' >docs/laptop.txt
	echo 'The coffee machine in the kitchen is descaled every Friday afternoon by whoever is on duty.' >docs/coffee.txt
	cat >questions.jsonl <<-'EOF'
	{"id":"q1","text":"how do I restore a file from the nightly backups?"}
	{"id":"q2","text":"my print job is stuck in the printer queue"}
	{"id":"q3","text":"the VPN wants a token when I work from home"}
	{"id":"q4","text":"how do I order a new laptop?"}
	EOF
	cat >qrels.jsonl <<-'EOF'
	{"query_id":"q1","id":"backup.txt","relevance":2}
	{"query_id":"q2","id":"printer.txt","relevance":2}
	{"query_id":"q3","id":"vpn.txt","relevance":2}
	{"query_id":"q4","id":"laptop.txt","relevance":2}
	EOF
	cd .. || return 1
}

# A file's checksum, to tell whether it was replaced.
sum() { cksum <"$1"; }

@test "examples/Makefile: nothing changed embeds nothing; a changed file, only its chunks" {
	notes
	run --separate-stderr mk
	[ "$status" -eq 0 ]
	[ "$(grep -c '^etv extract docs/' <<<"$output")" -eq 12 ]
	[[ "$stderr" == *"etv-embed: cache: 0 hits, 36 misses"* ]]
	[[ "$stderr" == *"etv-index: added 36, replaced 0, unchanged 0, deleted 0"* ]]

	# Nothing changed: no tool runs.
	run --separate-stderr mk
	[ "$status" -eq 0 ]
	[ -z "$output" ] && [ -z "$stderr" ]

	# One paragraph of one note: that note is extracted and chunked
	# again, and only its changed chunk reaches the model.
	sed -i 's/part 2\. The backups/part 2. The snapshots/' docs/n05.txt
	run --separate-stderr mk
	[ "$status" -eq 0 ]
	[ "$(grep '^etv extract' <<<"$output")" = \
	    "etv extract docs/n05.txt | etv chunk --size 60 >work/docs/n05.txt.jsonl.tmp" ]
	[[ "$stderr" == *"etv-embed: cache: 35 hits, 1 misses"* ]]
	[[ "$stderr" == *"etv-embed: model: 1 texts embedded"* ]]
	# Its three rows are rewritten (the new mtime is stored), none added.
	[[ "$stderr" == *"etv-index: added 0, replaced 3, unchanged 33, deleted 0"* ]]

	# A note removed: no chunk file is new, but the list of documents
	# changed, and sync --prune drops the note's chunks.
	rm docs/n07.txt
	run --separate-stderr mk
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"etv-embed: cache: 33 hits, 0 misses"* ]]
	[[ "$stderr" == *"deleted 3,"* ]]
	[ "$(etv index dump --docs kb.etv | wc -l)" -eq 11 ]
	! etv index dump --docs kb.etv | grep -q n07
}

@test "examples/nightly.sh: the first night publishes; a worse index is kept out (status 1)" {
	kb
	export KB_DIR=$T/kb
	run --separate-stderr bash "$EX/nightly.sh"
	[ "$status" -eq 0 ]
	[ -z "$output" ] && [ -z "$stderr" ]
	[ -f kb/kb.etv ] && [ -f kb/baseline.json ]
	[ "$(etv index dump --docs kb/kb.etv | wc -l)" -eq 6 ]
	before=$(sum kb/kb.etv)

	# The backup and printer pages lose their text: tonight's answers
	# are worse than the baseline's, and the live index stays.
	cp kb/docs/coffee.txt kb/docs/backup.txt
	cp kb/docs/holiday.txt kb/docs/printer.txt
	run --separate-stderr bash "$EX/nightly.sh"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"nightly: the quality gate failed (status 1): $T/kb/kb.etv stays as it was"* ]]
	[ "$(sum kb/kb.etv)" = "$before" ]
	[ -f kb/tonight.json ]

	# Above the floors but below the baseline's ndcg@10 by less than
	# the margin: published.
	run --separate-stderr env MARGIN='ndcg@10=0.9' bash "$EX/nightly.sh"
	[ "$status" -eq 0 ]
	[ "$(sum kb/kb.etv)" != "$before" ]
}

@test "examples/nightly.sh: malformed input is 3, a broken contract 1, I/O 4; the old index stays" {
	kb
	export KB_DIR=$T/kb
	bash "$EX/nightly.sh"
	before=$(sum kb/kb.etv)

	printf 'caf\351 cr\350me\n' >kb/docs/menu.txt
	run --separate-stderr bash "$EX/nightly.sh"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"menu.txt"*"not valid UTF-8"* ]]
	[[ "$stderr" == *"nightly: the refresh failed (status 3)"* ]]
	grep -q '"id":"menu.txt"' kb/work/unreadable.jsonl
	[ "$(sum kb/kb.etv)" = "$before" ]

	# An empty document breaks the contract (no text to retrieve).
	rm kb/docs/menu.txt
	: >kb/docs/empty.txt
	run --separate-stderr bash "$EX/nightly.sh"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"nightly: the refresh failed (status 1)"* ]]
	grep -q '"id":"empty.txt"' kb/work/invalid.jsonl
	[ "$(sum kb/kb.etv)" = "$before" ]

	run --separate-stderr env KB_DIR="$T/missing" bash "$EX/nightly.sh"
	[ "$status" -eq 4 ]
}

@test "examples/crontab: the nightly line runs nightly.sh under its lock" {
	kb
	# Five time fields and a command on every line that is neither a
	# comment nor a variable.
	run awk '!/^#/ && !/^$/ && !/^[A-Z_]+=/ && NF < 6' "$EX/crontab"
	[ -z "$output" ]
	grep -q '^SHELL=/bin/bash$' "$EX/crontab"
	line=$(grep 'nightly\.sh' "$EX/crontab" | grep -v '^#')
	cmd=$(awk '{ $1 = $2 = $3 = $4 = $5 = ""; print }' <<<"$line")
	cmd=${cmd//\/usr\/local\/lib\/etv\/nightly.sh/$EX/nightly.sh}
	run --separate-stderr env KB_DIR="$T/kb" bash -c "$cmd"
	[ "$status" -eq 0 ]
	[ -f kb/kb.etv ]
	# A second run while the first holds the lock does not start.
	exec 9>"$T/kb/.nightly.lock"
	flock 9
	run --separate-stderr env KB_DIR="$T/kb" bash -c \
	    "${cmd%% || *}"
	exec 9>&-
	[ "$status" -eq 75 ]
}

# A stand-in for the parts of Airflow that etv_dag.py uses: DAG as a
# context manager, BashOperator recording its command and its upstream
# tasks through >> and <<.
airflow_stub() {
	mkdir -p stub/airflow/operators
	cat >stub/airflow/__init__.py <<-'EOF'
	class DAG:
	    current = None

	    def __init__(self, dag_id, description=None, schedule=None,
	                 start_date=None, catchup=True, max_active_runs=16,
	                 default_args=None):
	        self.dag_id = dag_id
	        self.tasks = []

	    def __enter__(self):
	        DAG.current = self
	        return self

	    def __exit__(self, *exc):
	        DAG.current = None
	EOF
	: >stub/airflow/operators/__init__.py
	cat >stub/airflow/operators/bash.py <<-'EOF'
	from airflow import DAG


	class BashOperator:
	    def __init__(self, task_id, bash_command, cwd=None, env=None,
	                 append_env=False, retries=None):
	        if DAG.current is None:
	            raise RuntimeError(task_id + ": not inside a DAG")
	        self.task_id = task_id
	        self.bash_command = bash_command
	        self.cwd = cwd
	        self.upstream = []
	        DAG.current.tasks.append(self)

	    def _before(self, other):
	        for o in other if isinstance(other, list) else [other]:
	            o.upstream.append(self)
	        return other

	    def __rshift__(self, other):
	        return self._before(other)

	    def __lshift__(self, other):
	        for o in other if isinstance(other, list) else [other]:
	            o._before(self)
	        return other

	    def __rrshift__(self, other):
	        for o in other:
	            o._before(self)
	        return self

	    def __rlshift__(self, other):
	        self._before(other)
	        return self
	EOF
	# Run the tasks of each DAG in an order their dependencies allow,
	# each by bash in its cwd, and stop at the first that fails.
	cat >run_dag.py <<-'EOF'
	import importlib.util, subprocess, sys
	sys.path.insert(0, "stub")
	from airflow import DAG
	spec = importlib.util.spec_from_file_location("etv_dag", sys.argv[1])
	mod = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(mod)
	dags = [v for v in vars(mod).values() if isinstance(v, DAG)]
	assert len(dags) == 1, dags
	done = []
	todo = list(dags[0].tasks)
	while todo:
	    t = next(t for t in todo if all(u in done for u in t.upstream))
	    r = subprocess.run(["bash", "-c", t.bash_command], cwd=t.cwd)
	    print(t.task_id, r.returncode)
	    if r.returncode:
	        sys.exit(1)
	    done.append(t)
	    todo.remove(t)
	EOF
}

@test "examples/etv_dag.py: parses, and its tasks run in dependency order" {
	/usr/bin/python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' \
	    "$EX/etv_dag.py"
	kb
	airflow_stub
	export ETV_KB_DIR=$T/kb
	run --separate-stderr /usr/bin/python3 run_dag.py "$EX/etv_dag.py"
	[ "$status" -eq 0 ]
	# The tasks, as run_dag.py reports them (the rest is their output).
	[ "$(grep -E '^[a-z_]+ 0$' <<<"$output" | cut -d' ' -f1 | tr '\n' ' ')" = \
	    "extract validate chunk dedupe embed sync embed_questions evaluate publish " ]
	[ "$(etv index dump --docs kb/kb.etv | wc -l)" -eq 6 ]
	[ -f kb/baseline.json ]
	# Each task left the figures of its run.
	for t in extract validate chunk dedupe embed sync evaluate; do
		jq -e '.status == 0' "kb/work/$t.stats.json" >/dev/null ||
		    { echo "$t.stats.json"; return 1; }
	done
	[ "$(jq .chunks kb/work/chunk.stats.json)" -gt 0 ]
	jq -e '.metrics["ndcg@10"] > 0' kb/work/evaluate.stats.json
	# Again, now against the baseline.
	run --separate-stderr /usr/bin/python3 run_dag.py "$EX/etv_dag.py"
	[ "$status" -eq 0 ]
	# A worse night stops at the gate.
	cp kb/docs/coffee.txt kb/docs/backup.txt
	cp kb/docs/holiday.txt kb/docs/printer.txt
	before=$(sum kb/kb.etv)
	run --separate-stderr /usr/bin/python3 run_dag.py "$EX/etv_dag.py"
	[ "$status" -eq 1 ]
	[[ "$output" == *"evaluate 1" ]]
	[ "$(sum kb/kb.etv)" = "$before" ]
}

@test "examples/chunk-size.sh: two chunk sizes compared on the demo's questions" {
	mkdir -p docs/man
	bs=$(printf '\b')
	for page in "$TOP"/man/*.[17]; do
		mandoc -Tascii "$page" | sed "s/.$bs//g" >"docs/man/${page##*/}"
	done
	cp "$TOP/README.md" .
	etv extract README.md docs >docs.jsonl
	run --separate-stderr sh "$EX/chunk-size.sh" docs.jsonl \
	    "$TOP/scripts/demo/questions.jsonl" "$TOP/scripts/demo/qrels.jsonl"
	echo "$output" "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"A: --size 300, "*" chunks"* ]]
	[[ "$output" == *"B: --size 800, "*" chunks"* ]]
	[[ "$output" == *"ndcg@10"* ]]
}
