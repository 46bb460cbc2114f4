"""Per-segment quality: the model must not be much worse for any customer segment."""
import sys

import mlflow
import pandas as pd
from fairlearn.metrics import MetricFrame
from sklearn.metrics import recall_score

MAX_GAP = 0.10


def main(holdout: str) -> None:
    model = mlflow.pyfunc.load_model("models:/churn@candidate")
    df = pd.read_parquet(holdout)
    X, y = df.drop(columns=["churned"]), df["churned"]
    frame = MetricFrame(metrics=recall_score, y_true=y, y_pred=model.predict(X), sensitive_features=df["segment"])
    assert frame.difference() <= MAX_GAP, frame.by_group


if __name__ == "__main__":
    main(sys.argv[1])
