"""Trains the churn model from Feast features, logs lineage and registers it."""
import os
import sys

import mlflow
from feast import FeatureStore
from sklearn.linear_model import LogisticRegression


def main(entity_path: str) -> None:
    import pandas as pd

    store = FeatureStore(repo_path="feature_repo")
    entities = pd.read_parquet(entity_path)
    df = store.get_historical_features(entity_df=entities, features=store.get_feature_service("churn_v2")).to_df()
    X, y = df.drop(columns=["churned", "customer_id", "event_timestamp"]), df["churned"]
    mlflow.set_experiment("churn")
    with mlflow.start_run():
        mlflow.set_tag("git_commit", os.environ.get("GITHUB_SHA", "unknown"))
        mlflow.log_input(mlflow.data.from_pandas(df, source=entity_path), context="training")
        model = LogisticRegression(C=0.5, random_state=0).fit(X, y)
        mlflow.sklearn.log_model(model, "model", registered_model_name="churn")


if __name__ == "__main__":
    main(sys.argv[1])
