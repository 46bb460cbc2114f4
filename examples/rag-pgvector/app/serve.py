"""HTTP API for the assistant; loads the chain by registry alias."""
import mlflow
from fastapi import FastAPI

app = FastAPI()
CHAIN = mlflow.pyfunc.load_model("models:/support-rag@production")


@app.post("/ask")
def ask(payload: dict) -> dict:
    return {"answer": CHAIN.predict([payload["question"]])[0]}
