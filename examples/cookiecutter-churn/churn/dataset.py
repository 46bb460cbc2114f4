from pathlib import Path

from loguru import logger
import pandas as pd
import typer

from churn.config import PROCESSED_DATA_DIR, RAW_DATA_DIR

app = typer.Typer()


@app.command()
def main(
    input_path: Path = RAW_DATA_DIR / "subscribers_2025-06.csv",
    output_path: Path = PROCESSED_DATA_DIR / "dataset.csv",
):
    """Clean the monthly subscriber export from the billing warehouse."""
    logger.info("Processing dataset...")
    df = pd.read_csv(input_path)
    df = df.drop_duplicates("customer_id")
    df = df[df["tenure_months"] >= 0]
    df.to_csv(output_path, index=False)
    logger.success(f"Wrote {len(df)} rows to {output_path}")


if __name__ == "__main__":
    app()
