"""Daily drift report: compares yesterday's requests with the training data."""
import argparse
import sys

import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference", required=True)
    parser.add_argument("--window", default="1d")
    args = parser.parse_args()
    reference = pd.read_parquet(args.reference)
    current = pd.read_parquet("s3://acme-ml-logs/churn/requests/latest.parquet")
    result = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
    drifted = result.dict()["metrics"][0]["value"]["share"]
    return 1 if drifted > 0.3 else 0


if __name__ == "__main__":
    sys.exit(main())
