from datetime import datetime

import pandas as pd
from feast import FeatureStore


def run_demo():
    store = FeatureStore(repo_path=".")
    entity_df = pd.DataFrame.from_dict(
        {"driver_id": [1001, 1002], "event_timestamp": [datetime(2025, 4, 12, 10, 59, 42), datetime(2025, 4, 12, 8, 12, 10)]}
    )
    training_df = store.get_historical_features(entity_df=entity_df, features=store.get_feature_service("driver_ranking")).to_df()
    print(training_df.head())


if __name__ == "__main__":
    run_demo()
