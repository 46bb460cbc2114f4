"""Feature engineers the abalone dataset."""
import argparse
import logging
import os
import pathlib

import boto3
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

logger = logging.getLogger()
logger.setLevel(logging.INFO)

feature_columns_names = [
    "sex", "length", "diameter", "height", "whole_weight",
    "shucked_weight", "viscera_weight", "shell_weight",
]
label_column = "rings"

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--input-data", type=str, required=True)
    args = parser.parse_args()

    base_dir = "/opt/ml/processing"
    pathlib.Path(f"{base_dir}/data").mkdir(parents=True, exist_ok=True)
    bucket = args.input_data.split("/")[2]
    key = "/".join(args.input_data.split("/")[3:])
    fn = f"{base_dir}/data/abalone-dataset.csv"
    boto3.resource("s3").Bucket(bucket).download_file(key, fn)

    df = pd.read_csv(fn, header=None, names=feature_columns_names + [label_column])
    os.unlink(fn)

    numeric_features = list(feature_columns_names)
    numeric_features.remove("sex")
    preprocess = ColumnTransformer(
        transformers=[
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric_features),
            ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"), OneHotEncoder(handle_unknown="ignore")), ["sex"]),
        ]
    )
    y = df.pop("rings")
    X_pre = preprocess.fit_transform(df)
    X = np.concatenate((y.to_numpy().reshape(len(y), 1), X_pre), axis=1)

    np.random.shuffle(X)
    train, validation, test = np.split(X, [int(0.7 * len(X)), int(0.85 * len(X))])

    pd.DataFrame(train).to_csv(f"{base_dir}/train/train.csv", header=False, index=False)
    pd.DataFrame(validation).to_csv(f"{base_dir}/validation/validation.csv", header=False, index=False)
    pd.DataFrame(test).to_csv(f"{base_dir}/test/test.csv", header=False, index=False)
