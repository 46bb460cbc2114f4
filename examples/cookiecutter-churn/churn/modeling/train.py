from pathlib import Path

import joblib
from loguru import logger
import mlflow
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
import typer
from xgboost import XGBClassifier

from churn.config import MODELS_DIR, PROCESSED_DATA_DIR, RANDOM_STATE, TEST_SIZE

app = typer.Typer()

FEATURES = [
    "tenure_months",
    "monthly_charges",
    "support_tickets_90d",
    "charges_per_month_of_tenure",
    "has_recent_tickets",
]


@app.command()
def main(
    features_path: Path = PROCESSED_DATA_DIR / "features.csv",
    model_path: Path = MODELS_DIR / "model.pkl",
    max_depth: int = 6,
    n_estimators: int = 300,
):
    df = pd.read_csv(features_path)
    X_train, X_test, y_train, y_test = train_test_split(
        df[FEATURES], df["churned"], test_size=TEST_SIZE, random_state=RANDOM_STATE
    )

    mlflow.set_experiment("churn")
    mlflow.xgboost.autolog()
    with mlflow.start_run():
        model = XGBClassifier(
            max_depth=max_depth, n_estimators=n_estimators, random_state=RANDOM_STATE
        )
        model.fit(X_train, y_train)
        auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
        mlflow.log_metric("test_roc_auc", auc)
        logger.info(f"test ROC AUC: {auc:.3f}")

    joblib.dump(model, model_path)
    logger.success(f"Model saved to {model_path}")
    # TODO: mlflow.register_model once the platform team gives us a tracking server


if __name__ == "__main__":
    app()
