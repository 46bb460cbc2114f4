from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import typer

from churn.config import FIGURES_DIR, PROCESSED_DATA_DIR

app = typer.Typer()


@app.command()
def main(
    input_path: Path = PROCESSED_DATA_DIR / "features.csv",
    output_path: Path = FIGURES_DIR / "tenure.png",
):
    df = pd.read_csv(input_path)
    df.groupby("tenure_months")["churned"].mean().plot()
    plt.savefig(output_path)


if __name__ == "__main__":
    app()
