"""Points the `champion` alias at a registered model version."""
import argparse

from mlflow import MlflowClient


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", required=True)
    args = parser.parse_args()
    MlflowClient().set_registered_model_alias("churn", "champion", args.version)


if __name__ == "__main__":
    main()
