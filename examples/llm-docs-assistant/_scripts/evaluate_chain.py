"""Run the chain over the docs-qa dataset in LangSmith and score the answers."""
from langsmith import Client
from langsmith.evaluation import LangChainStringEvaluator, evaluate

from backend.chain import answer_chain

client = Client()
chain = answer_chain()


def predict(inputs: dict) -> dict:
    return {"output": chain.invoke({"question": inputs["question"], "chat_history": []})}


results = evaluate(
    predict,
    data="docs-qa",
    evaluators=[LangChainStringEvaluator("cot_qa")],
    experiment_prefix="docs-assistant",
    max_concurrency=4,
)
print(results.to_pandas()["feedback.COT Contextual Accuracy"].mean())
