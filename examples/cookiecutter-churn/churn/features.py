from pathlib import Path

from loguru import logger
import pandas as pd
import typer

from churn.config import PROCESSED_DATA_DIR

app = typer.Typer()


def build_features(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["charges_per_month_of_tenure"] = out["monthly_charges"] / (out["tenure_months"] + 1)
    out["has_recent_tickets"] = out["support_tickets_90d"] > 0
    return out


@app.command()
def main(
    input_path: Path = PROCESSED_DATA_DIR / "dataset.csv",
    output_path: Path = PROCESSED_DATA_DIR / "features.csv",
):
    logger.info("Generating features from dataset...")
    build_features(pd.read_csv(input_path)).to_csv(output_path, index=False)
    logger.success("Features generation complete.")


if __name__ == "__main__":
    app()
