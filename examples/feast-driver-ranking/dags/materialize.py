from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="feast_materialize_driver_ranking",
    schedule="@hourly",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    default_args={
        "retries": 2,
        "sla": timedelta(minutes=45),
        "email": ["marketplace-ml@acme.example"],
        "email_on_failure": True,
    },
) as dag:
    BashOperator(
        task_id="materialize_incremental",
        bash_command="cd /opt/driver-ranking/feature_repo && feast materialize-incremental {{ ts }}",
    )
