from app.ingest import EMBEDDING_MODEL


def test_embedding_model_is_pinned():
    assert EMBEDDING_MODEL == "text-embedding-3-small"
