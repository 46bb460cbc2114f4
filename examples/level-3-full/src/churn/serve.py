"""HTTP API serving churn predictions from the registry's champion model."""
import json

import boto3
import mlflow
from fastapi import FastAPI
from prometheus_client import Counter, Histogram, make_asgi_app

app = FastAPI()
app.mount("/metrics", make_asgi_app())
MODEL = mlflow.pyfunc.load_model("models:/churn@champion")
CAPTURE = boto3.client("firehose")
PREDICTIONS = Counter("churn_predictions_total", "Predictions served")
LATENCY = Histogram("churn_predict_seconds", "Prediction latency")


@app.post("/predict")
def predict(features: dict) -> dict:
    with LATENCY.time():
        PREDICTIONS.inc()
        proba = float(MODEL.predict([features])[0])
        log_prediction(features, proba)
        return {"churn_probability": proba}


def log_prediction(features: dict, proba: float) -> None:
    """Appends the request and prediction to the capture stream labelled later."""
    CAPTURE.put_record(Data=json.dumps({"features": features, "proba": proba}))
