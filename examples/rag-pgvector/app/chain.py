"""Retrieval and answer generation."""
import pathlib

import mlflow
from langfuse.decorators import observe
from openai import OpenAI

PROMPT = (pathlib.Path(__file__).parent.parent / "prompts" / "answer.md").read_text()


@observe()
def answer(question: str, conn) -> str:
    client = OpenAI()
    q = client.embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
    rows = conn.execute("SELECT body FROM documents ORDER BY embedding <=> %s LIMIT 5", (q,)).fetchall()
    context = "\n\n".join(r[0] for r in rows)
    reply = client.chat.completions.create(
        model="gpt-4o-mini-2024-07-18",
        messages=[{"role": "system", "content": PROMPT}, {"role": "user", "content": f"{context}\n\n{question}"}],
    )
    return reply.choices[0].message.content


def register() -> None:
    with mlflow.start_run():
        mlflow.pyfunc.log_model("chain", python_model="app/chain_model.py", registered_model_name="support-rag")
