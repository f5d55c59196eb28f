"""etv_dag.py -- the nightly refresh of scripts/examples/nightly.sh as an
Airflow DAG: one BashOperator a step, each step's output staged in a file
of $ETV_KB_DIR/work, so that a failed task can be run again by itself.

Put it in the DAGs folder; the workers need the etv tools on PATH and
$ETV_KB_DIR (default /srv/kb) laid out as nightly.sh describes.  A task
fails on any status but 0 (1 records rejected or the gate failed, 3
malformed input, 4 I/O), which stops the tasks after it: the live index
is replaced by the last task only.  A failed task is tried once more,
which helps an I/O failure (4) only.  Airflow 2 (airflow.operators.bash).

Each task's etv tool writes the figures of its run, its exit status among
them, to work/TASK.stats.json (--stats), for a dashboard or an alert to
read: records read and rejected, chunks made, cache hits, the metrics.
"""

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

KB_DIR = os.environ.get("ETV_KB_DIR", "/srv/kb")

# The quality gate: floors, and the margin below the baseline summary.
FLOOR = "recall@10=0.5,mrr@10=0.3"
MARGIN = "ndcg@10=0.05"

with DAG(
    dag_id="etv_refresh",
    description="refresh the RAG index behind a retrieval quality gate",
    schedule="30 2 * * *",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
) as dag:

    def step(task_id, command):
        stats = " --stats work/%s.stats.json" % task_id
        return BashOperator(task_id=task_id, cwd=KB_DIR,
                            bash_command="set -o pipefail; " +
                            command.replace("{stats}", stats))

    extract = step(
        "extract",
        "rm -rf work && mkdir work && "
        "etv extract{stats} --rejects work/unreadable.jsonl"
        " --manifest work/docs.manifest docs >work/docs.jsonl")
    validate = step(
        "validate",
        "etv validate{stats} -s doc.schema.json --rejects work/invalid.jsonl"
        " work/docs.jsonl >work/valid.jsonl")
    chunk = step(
        "chunk",
        "etv chunk{stats} --size 800 --overlap 80 work/valid.jsonl"
        " >work/chunks.jsonl")
    dedupe = step(
        "dedupe",
        "etv dedupe{stats} --removed work/duplicates.jsonl work/chunks.jsonl"
        " >work/unique.jsonl")
    embed = step(
        "embed",
        "etv embed{stats} --cache embed.db work/unique.jsonl >work/vectors.jsonl")
    # A copy of the live index is synced, asked and then put in its place.
    sync = step(
        "sync",
        "rm -f work/kb.etv && { [ ! -f kb.etv ] || cp -p kb.etv work/kb.etv; }"
        " && etv index sync{stats} --prune --manifest work/docs.manifest"
        " work/kb.etv work/vectors.jsonl")
    questions = step(
        "embed_questions",
        "etv embed questions.jsonl >work/questions.jsonl")
    gate = step(
        "evaluate",
        "etv index query -k 100 work/kb.etv work/questions.jsonl"
        " >work/run.jsonl && "
        "drop=; if [ -f baseline.json ]; then"
        " drop='--fail-drop baseline.json " + MARGIN + "'; fi; "
        "etv eval{stats} --by doc_id --qrels qrels.jsonl --save work/eval.json"
        " --fail-under " + FLOOR + " $drop work/run.jsonl")
    publish = step(
        "publish",
        "{ [ -f baseline.json ] || cp work/eval.json baseline.json; }"
        " && mv work/kb.etv kb.etv")

    extract >> validate >> chunk >> dedupe >> embed >> sync
    extract >> questions
    [sync, questions] >> gate >> publish
