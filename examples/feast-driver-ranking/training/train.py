"""Builds a point-in-time training set from Feast, trains the ranker and registers it."""
import lightgbm as lgb
import mlflow
import pandas as pd
from feast import FeatureStore
from sklearn.metrics import ndcg_score

MIN_NDCG = 0.60
store = FeatureStore(repo_path="feature_repo")

offers = pd.read_parquet("s3://acme-marketplace/offers/last_31_days/")
offers = offers.rename(columns={"offered_at": "event_timestamp"})
training_df = store.get_historical_features(
    entity_df=offers[["driver_id", "event_timestamp", "request_id", "accepted"]],
    features=store.get_feature_service("driver_ranking"),
).to_df()

cutoff = training_df["event_timestamp"].max() - pd.Timedelta(days=3)
train = training_df[training_df["event_timestamp"] < cutoff].sort_values("request_id")
test = training_df[training_df["event_timestamp"] >= cutoff].sort_values("request_id")
features = ["conv_rate", "acc_rate", "avg_daily_trips"]

mlflow.set_experiment("driver-ranking")
with mlflow.start_run():
    ranker = lgb.LGBMRanker(objective="lambdarank", n_estimators=400, random_state=7)
    ranker.fit(train[features], train["accepted"], group=train.groupby("request_id").size())
    scores = ranker.predict(test[features])
    ndcg = ndcg_score([test["accepted"].to_numpy()], [scores], k=10)
    mlflow.log_metric("ndcg_at_10", ndcg)
    if ndcg < MIN_NDCG:
        raise SystemExit(f"NDCG@10 {ndcg:.3f} below {MIN_NDCG}; not registering")
    mlflow.lightgbm.log_model(ranker, "model", registered_model_name="driver-ranking")
