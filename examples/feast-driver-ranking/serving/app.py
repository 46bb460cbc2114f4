import mlflow
import pandas as pd
from fastapi import FastAPI
from feast import FeatureStore
from pydantic import BaseModel

app = FastAPI()
store = FeatureStore(repo_path="feature_repo")
model = mlflow.pyfunc.load_model("models:/driver-ranking@production")


class RankRequest(BaseModel):
    driver_ids: list[int]


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/rank")
def rank(request: RankRequest):
    features = store.get_online_features(
        features=store.get_feature_service("driver_ranking"),
        entity_rows=[{"driver_id": d} for d in request.driver_ids],
    ).to_df()
    features["score"] = model.predict(features[["conv_rate", "acc_rate", "avg_daily_trips"]])
    ranked = features.sort_values("score", ascending=False)
    return {"driver_ids": ranked["driver_id"].tolist()}
