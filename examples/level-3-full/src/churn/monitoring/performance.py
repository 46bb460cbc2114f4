"""Weekly live performance: joins delayed churn labels to logged predictions."""
import nannyml as nml
import pandas as pd


def main() -> float:
    reference = pd.read_parquet("s3://acme-ml-logs/churn/reference.parquet")
    analysis = pd.read_parquet("s3://acme-ml-logs/churn/labelled/latest.parquet")
    calc = nml.PerformanceCalculator(
        problem_type="classification_binary",
        y_true="churned",
        y_pred="prediction",
        y_pred_proba="proba",
        metrics=["roc_auc", "f1"],
    )
    calc.fit(reference)
    return calc.calculate(analysis).to_df()["f1"]["value"].iloc[-1]
