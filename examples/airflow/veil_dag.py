"""Airflow DAG: a daily export goes through veil before anyone trains on it.

    profile -> anonymize -> report (the gate)

Each task is one veil command run by a BashOperator. veil prints one JSON
summary line last on stdout, which BashOperator pushes to XCom; logs go to
stderr. Exit codes (see README): 0 ok, 2 bad usage or policy, 3 bad input
data, 4 privacy gate failed, 5 utility gate failed, 99 nothing to do
(--skip-if-done found a manifest matching this run; BashOperator marks the
task skipped), 143 killed by SIGTERM (no partial output is left).

Retries: a failed gate or a bad policy fails the same way every time, so the
report (gate) task has retries=0; the transform tasks retry, and thanks to
--skip-if-done a retry after a success elsewhere costs nothing. Never drop
--skip-if-done from a differentially private step: recomputing DP noise for
the same data spends the privacy budget twice (veil refuses to, unless told
--new-release).

The command lines live in COMMANDS so that tests can render them with a
fixed date and run them against the real binary (see
cmd/veil/airflow_test.go); keep them plain string literals.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

# Where things are on the workers. The hash key for pseudonyms comes from the
# environment (an Airflow Variable or a secrets backend), never from the policy.
PARAMS = {
    "veil": "/usr/local/bin/veil",
    "data": "/data",
    "policy": "/opt/veil/policy.yaml",
}

COMMANDS = {
    "profile": (
        "mkdir -p {{ params.data }}/veil/{{ ds }} && "
        "{{ params.veil }} profile {{ params.data }}/exports/{{ ds }}/customers.csv "
        "--out {{ params.data }}/veil/{{ ds }}/profile.json "
        "--html {{ params.data }}/veil/{{ ds }}/profile.html "
        "--policy-out {{ params.data }}/veil/{{ ds }}/policy.draft.yaml "
        "--skip-if-done"
    ),
    "anonymize": (
        "{{ params.veil }} anonymize {{ params.data }}/exports/{{ ds }}/customers.csv "
        "--policy {{ params.policy }} "
        "--out {{ params.data }}/veil/{{ ds }}/customers.anon.parquet "
        "--report {{ params.data }}/veil/{{ ds }}/anon.json "
        "--seed 1 --skip-if-done"
    ),
    "report": (
        "{{ params.veil }} report "
        "--original {{ params.data }}/exports/{{ ds }}/customers.csv "
        "--released {{ params.data }}/veil/{{ ds }}/customers.anon.parquet "
        "--policy {{ params.policy }} "
        "--anon-report {{ params.data }}/veil/{{ ds }}/anon.json "
        "--json {{ params.data }}/veil/{{ ds }}/report.json "
        "--html {{ params.data }}/veil/{{ ds }}/report.html "
        "--seed 1"
    ),
}

default_args = {
    "owner": "data-platform",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
}

with DAG(
    dag_id="veil_customers_daily",
    description="Anonymize the daily customer export with veil before training",
    start_date=datetime(2026, 11, 1),
    schedule="@daily",
    catchup=False,
    default_args=default_args,
    params=PARAMS,
    tags=["privacy", "veil"],
) as dag:
    profile = BashOperator(
        task_id="profile",
        bash_command=COMMANDS["profile"],
        env={"VEIL_LOG_FORMAT": "json"},
        append_env=True,
        do_xcom_push=True,  # the summary line
        skip_on_exit_code=99,
    )
    anonymize = BashOperator(
        task_id="anonymize",
        bash_command=COMMANDS["anonymize"],
        # Airflow Variable holding the pseudonymisation key (never the policy).
        env={"VEIL_HASH_KEY": "{{ var.value.veil_hash_key }}"},
        append_env=True,
        do_xcom_push=True,
        skip_on_exit_code=99,
    )
    report = BashOperator(
        task_id="report",
        bash_command=COMMANDS["report"],
        do_xcom_push=True,
        retries=0,  # a failed gate (exit 4 or 5) is deterministic: do not retry
    )
    profile >> anonymize >> report
