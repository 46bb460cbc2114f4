from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="retrain_driver_ranking",
    schedule="0 3 * * 1",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    default_args={"email": ["marketplace-ml@acme.example"], "email_on_failure": True},
) as dag:
    BashOperator(task_id="train", bash_command="cd /opt/driver-ranking && python training/train.py")
