"""Scores the candidate model on the hold-out set; fails below the release bar."""
import sys

import mlflow
import pandas as pd
from sklearn.metrics import f1_score, roc_auc_score

MIN_F1 = 0.80


def main(holdout: str) -> dict:
    model = mlflow.pyfunc.load_model("models:/churn@candidate")
    df = pd.read_parquet(holdout)
    X, y = df.drop(columns=["churned"]), df["churned"]
    f1 = f1_score(y, model.predict(X))
    assert f1 >= MIN_F1, f"F1 {f1:.3f} is below the release threshold {MIN_F1}"
    champion = mlflow.pyfunc.load_model("models:/churn@champion")
    champion_f1 = f1_score(y, champion.predict(X))
    assert f1 >= champion_f1 - 0.01, f"F1 {f1:.3f} is worse than production ({champion_f1:.3f})"
    return {"f1": f1, "auc": roc_auc_score(y, model.predict(X))}


if __name__ == "__main__":
    main(sys.argv[1])
