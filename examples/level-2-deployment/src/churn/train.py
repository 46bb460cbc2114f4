"""Trains the churn model and registers it in the MLflow model registry."""
import sys

import mlflow
import pandas as pd
from sklearn.linear_model import LogisticRegression


def main(path: str) -> None:
    df = pd.read_parquet(path)
    X, y = df.drop(columns=["churned"]), df["churned"]
    mlflow.set_experiment("churn")
    with mlflow.start_run():
        model = LogisticRegression(C=0.5, random_state=0).fit(X, y)
        mlflow.sklearn.log_model(model, "model", registered_model_name="churn")


if __name__ == "__main__":
    main(sys.argv[1])
