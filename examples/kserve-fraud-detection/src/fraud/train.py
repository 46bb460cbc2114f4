import lightgbm as lgb
import mlflow
import pandas as pd
import yaml

from fraud.schema import FEATURES

params = yaml.safe_load(open("params.yaml"))["train"]
train = pd.read_parquet("data/prepared/train.parquet")

mlflow.set_experiment("fraud")
with mlflow.start_run() as run:
    mlflow.log_params(params)
    model = lgb.LGBMClassifier(
        num_leaves=params["num_leaves"],
        learning_rate=params["learning_rate"],
        n_estimators=params["n_estimators"],
        random_state=params["seed"],
    )
    model.fit(train[FEATURES], train["is_fraud"])
    model.booster_.save_model("models/model.txt")
    mlflow.lightgbm.log_model(model, "model", registered_model_name="fraud-lgbm")
