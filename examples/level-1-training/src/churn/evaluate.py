"""Scores the latest model on the hold-out set and prints the metrics."""
import sys

import pandas as pd
from sklearn.metrics import f1_score, roc_auc_score


def main(model, holdout: str) -> dict:
    df = pd.read_parquet(holdout)
    X, y = df.drop(columns=["churned"]), df["churned"]
    scores = {"f1": f1_score(y, model.predict(X)), "auc": roc_auc_score(y, model.predict_proba(X)[:, 1])}
    print(scores)
    return scores


if __name__ == "__main__":
    main(None, sys.argv[1])
