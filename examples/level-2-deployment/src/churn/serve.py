"""HTTP API serving churn predictions from the registry's champion model."""
import mlflow
from fastapi import FastAPI
from prometheus_client import Counter, Histogram, make_asgi_app

app = FastAPI()
app.mount("/metrics", make_asgi_app())
MODEL = mlflow.pyfunc.load_model("models:/churn@champion")
PREDICTIONS = Counter("churn_predictions_total", "Predictions served")
LATENCY = Histogram("churn_predict_seconds", "Prediction latency")


@app.post("/predict")
def predict(features: dict) -> dict:
    with LATENCY.time():
        PREDICTIONS.inc()
        return {"churn_probability": float(MODEL.predict([features])[0])}
