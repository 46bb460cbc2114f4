-- Embeddings live next to the documents they describe.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE documents (
    id bigserial PRIMARY KEY,
    source_url text NOT NULL,
    body text NOT NULL,
    embedding vector(1536) NOT NULL,
    embedding_model text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX documents_embedding_idx ON documents USING hnsw (embedding vector_cosine_ops);
