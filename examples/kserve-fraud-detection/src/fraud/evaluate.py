"""Scores the candidate on the held-out month and fails when it is not good enough."""
import json
import sys

import lightgbm as lgb
import mlflow
import pandas as pd
import yaml
from sklearn.metrics import average_precision_score, roc_auc_score

from fraud.schema import FEATURES

params = yaml.safe_load(open("params.yaml"))["evaluate"]
test = pd.read_parquet("data/prepared/test.parquet")

candidate = lgb.Booster(model_file="models/model.txt")
champion = mlflow.pyfunc.load_model("models:/fraud-lgbm@champion")

auc = roc_auc_score(test["is_fraud"], candidate.predict(test[FEATURES]))
champion_auc = roc_auc_score(test["is_fraud"], champion.predict(test[FEATURES]))
ap = average_precision_score(test["is_fraud"], candidate.predict(test[FEATURES]))

json.dump({"auc": auc, "champion_auc": champion_auc, "average_precision": ap}, open("metrics.json", "w"))

if auc < params["min_auc"]:
    sys.exit(f"AUC {auc:.4f} is below the floor {params['min_auc']}")
if auc < champion_auc - params["max_auc_drop"]:
    sys.exit(f"AUC {auc:.4f} is worse than the champion's {champion_auc:.4f}")
