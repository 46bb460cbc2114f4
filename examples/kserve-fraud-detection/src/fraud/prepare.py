import pandas as pd
import yaml

from fraud.schema import TRANSACTION_SCHEMA

params = yaml.safe_load(open("params.yaml"))["prepare"]

df = pd.read_parquet("data/transactions.parquet")
df = TRANSACTION_SCHEMA.validate(df, lazy=True)
split = pd.Timestamp(params["split_date"])
df[df["ts"] < split].to_parquet("data/prepared/train.parquet")
df[df["ts"] >= split].to_parquet("data/prepared/test.parquet")
