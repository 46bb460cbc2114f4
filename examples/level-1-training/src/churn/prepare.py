"""Cleans the raw export into model-ready features."""
import sys

import pandas as pd


def main(src: str, dst: str) -> None:
    df = pd.read_csv(src).dropna()
    df.to_parquet(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
