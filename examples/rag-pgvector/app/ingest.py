"""Embeds the support corpus into the documents table."""
import pathlib
import sys

import psycopg
from openai import OpenAI
from pgvector.psycopg import register_vector

EMBEDDING_MODEL = "text-embedding-3-small"


def main(corpus: str) -> None:
    client = OpenAI()
    with psycopg.connect() as conn:
        register_vector(conn)
        for path in sorted(pathlib.Path(corpus).glob("**/*.md")):
            body = path.read_text()
            vector = client.embeddings.create(model=EMBEDDING_MODEL, input=body).data[0].embedding
            conn.execute(
                "INSERT INTO documents (source_url, body, embedding, embedding_model) VALUES (%s, %s, %s, %s)",
                (str(path), body, vector, EMBEDDING_MODEL),
            )


if __name__ == "__main__":
    main(sys.argv[1])
