"""The same pipeline with KubernetesPodOperator: veil runs in its own pod.

KubernetesPodOperator reads /airflow/xcom/return.json from the pod on
success, so each task passes --summary-file /airflow/xcom/return.json; veil
writes it atomically, with the same JSON as its summary line. On failure veil
writes the error to /dev/termination-log, which Kubernetes shows as the pod's
termination message. Exit codes as in veil_dag.py; the report (gate) task
has retries=0.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from kubernetes.client import models as k8s

IMAGE = "registry.example.com/veil:latest"
DATA = "/data"
XCOM = "/airflow/xcom/return.json"
TERMINATION_LOG = "/dev/termination-log"
POLICY = "/etc/veil/policy.yaml"

volume = k8s.V1Volume(
    name="data",
    persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name="exports"),
)
mount = k8s.V1VolumeMount(name="data", mount_path=DATA)
hash_key = k8s.V1EnvVar(
    name="VEIL_HASH_KEY",
    value_from=k8s.V1EnvVarSource(
        secret_key_ref=k8s.V1SecretKeySelector(name="veil-hash-key", key="key")
    ),
)

ARGUMENTS = {
    "profile": [
        "profile", DATA + "/exports/{{ ds }}/customers.csv",
        "--out", DATA + "/veil/{{ ds }}/profile.json",
        "--policy-out", DATA + "/veil/{{ ds }}/policy.draft.yaml",
        "--skip-if-done", "--summary-file", XCOM, "--termination-log", TERMINATION_LOG,
    ],
    "anonymize": [
        "anonymize", DATA + "/exports/{{ ds }}/customers.csv",
        "--policy", POLICY,
        "--out", DATA + "/veil/{{ ds }}/customers.anon.parquet",
        "--report", DATA + "/veil/{{ ds }}/anon.json",
        "--seed", "1", "--skip-if-done", "--summary-file", XCOM, "--termination-log", TERMINATION_LOG,
    ],
    "report": [
        "report",
        "--original", DATA + "/exports/{{ ds }}/customers.csv",
        "--released", DATA + "/veil/{{ ds }}/customers.anon.parquet",
        "--policy", POLICY,
        "--anon-report", DATA + "/veil/{{ ds }}/anon.json",
        "--json", DATA + "/veil/{{ ds }}/report.json",
        "--html", DATA + "/veil/{{ ds }}/report.html",
        "--seed", "1", "--summary-file", XCOM, "--termination-log", TERMINATION_LOG,
    ],
}

with DAG(
    dag_id="veil_customers_daily_k8s",
    start_date=datetime(2026, 11, 1),
    schedule="@daily",
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["privacy", "veil"],
) as dag:
    tasks = {}
    for name, arguments in ARGUMENTS.items():
        tasks[name] = KubernetesPodOperator(
            task_id=name,
            name="veil-" + name,
            image=IMAGE,
            cmds=["veil"],
            arguments=arguments,
            env_vars=[hash_key] if name == "anonymize" else [],
            volumes=[volume],
            volume_mounts=[mount],
            do_xcom_push=True,
            skip_on_exit_code=99,
            retries=0 if name == "report" else 2,
        )
    tasks["profile"] >> tasks["anonymize"] >> tasks["report"]
