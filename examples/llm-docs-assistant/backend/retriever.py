import os

import weaviate
from langchain_weaviate import WeaviateVectorStore

from backend.embeddings import get_embeddings_model

WEAVIATE_DOCS_INDEX_NAME = "AcmeDocs"


def get_weaviate_client() -> weaviate.WeaviateClient:
    return weaviate.connect_to_weaviate_cloud(
        cluster_url=os.environ["WEAVIATE_URL"],
        auth_credentials=weaviate.classes.init.Auth.api_key(os.environ["WEAVIATE_API_KEY"]),
        skip_init_checks=True,
    )


def get_retriever(client: weaviate.WeaviateClient, k: int = 6):
    store = WeaviateVectorStore(
        client=client,
        index_name=WEAVIATE_DOCS_INDEX_NAME,
        text_key="text",
        embedding=get_embeddings_model(),
        attributes=["source", "title"],
    )
    return store.as_retriever(search_kwargs=dict(k=k))
