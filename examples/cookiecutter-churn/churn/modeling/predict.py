from pathlib import Path

import joblib
from loguru import logger
import pandas as pd
import typer

from churn.config import MODELS_DIR, PROCESSED_DATA_DIR
from churn.modeling.train import FEATURES

app = typer.Typer()


@app.command()
def main(
    features_path: Path = PROCESSED_DATA_DIR / "features.csv",
    model_path: Path = MODELS_DIR / "model.pkl",
    predictions_path: Path = PROCESSED_DATA_DIR / "predictions.csv",
):
    """Batch scoring for the retention team's monthly campaign list."""
    model = joblib.load(model_path)
    df = pd.read_csv(features_path)
    df["churn_probability"] = model.predict_proba(df[FEATURES])[:, 1]
    df[["customer_id", "churn_probability"]].to_csv(predictions_path, index=False)
    logger.success(f"Scored {len(df)} customers")


if __name__ == "__main__":
    app()
