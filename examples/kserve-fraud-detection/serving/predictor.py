"""KServe custom predictor for the fraud model."""
import os

import lightgbm as lgb
import pandas as pd
from kserve import Model, ModelServer
from prometheus_client import Counter, Histogram

from fraud.schema import FEATURES, TRANSACTION_SCHEMA

PREDICTIONS = Counter("fraud_predictions_total", "Predictions served", ["decision"])
SCORES = Histogram("fraud_score", "Predicted fraud probability", buckets=[i / 10 for i in range(11)])


class FraudModel(Model):
    def __init__(self, name: str):
        super().__init__(name)
        self.booster = None
        self.ready = False

    def load(self):
        self.booster = lgb.Booster(model_file=os.path.join(os.environ["MODEL_DIR"], "model.txt"))
        self.ready = True

    def predict(self, payload: dict, headers: dict | None = None) -> dict:
        rows = TRANSACTION_SCHEMA.validate(pd.DataFrame(payload["instances"]))
        scores = self.booster.predict(rows[FEATURES])
        for s in scores:
            SCORES.observe(s)
            PREDICTIONS.labels(decision="block" if s > 0.8 else "allow").inc()
        return {"predictions": scores.tolist()}


if __name__ == "__main__":
    model = FraudModel("fraud")
    model.load()
    ModelServer().start([model])
