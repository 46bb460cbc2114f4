"""Schema checks run before training and on every scoring batch."""
import pandera as pa

SCHEMA = pa.DataFrameSchema(
    {
        "tenure_months": pa.Column(int, pa.Check.ge(0)),
        "monthly_charges": pa.Column(float, pa.Check.gt(0)),
        "support_calls": pa.Column(int, pa.Check.ge(0)),
    }
)


def validate(df):
    return SCHEMA.validate(df, lazy=True)


if __name__ == "__main__":
    import argparse

    import pandas as pd

    parser = argparse.ArgumentParser(description="Validate recent production inputs.")
    parser.add_argument("--window", default="1d")
    args = parser.parse_args()
    validate(pd.read_parquet(f"s3://acme-ml-logs/churn/requests/{args.window}.parquet"))
