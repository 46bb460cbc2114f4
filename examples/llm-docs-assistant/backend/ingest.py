"""Load the docs site, split it, embed it and index it into Weaviate."""
import logging
import os

from bs4 import BeautifulSoup
from langchain.indexes import SQLRecordManager, index
from langchain_community.document_loaders import SitemapLoader
from langchain_text_splitters import RecursiveCharacterTextSplitter
from langchain_weaviate import WeaviateVectorStore

from backend.embeddings import get_embeddings_model
from backend.retriever import WEAVIATE_DOCS_INDEX_NAME, get_weaviate_client

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)


def simple_extractor(html: str) -> str:
    return BeautifulSoup(html, "lxml").get_text(" ", strip=True)


def load_docs():
    return SitemapLoader(
        "https://docs.acme.example/sitemap.xml",
        filter_urls=["https://docs.acme.example/"],
        parsing_function=simple_extractor,
        default_parser="lxml",
    ).load()


def ingest_docs():
    splitter = RecursiveCharacterTextSplitter(chunk_size=4000, chunk_overlap=200)
    docs = splitter.split_documents(load_docs())
    for doc in docs:
        doc.metadata.setdefault("title", "")

    with get_weaviate_client() as client:
        vectorstore = WeaviateVectorStore(
            client=client,
            index_name=WEAVIATE_DOCS_INDEX_NAME,
            text_key="text",
            embedding=get_embeddings_model(),
            attributes=["source", "title"],
        )
        record_manager = SQLRecordManager(
            f"weaviate/{WEAVIATE_DOCS_INDEX_NAME}", db_url=os.environ["RECORD_MANAGER_DB_URL"]
        )
        record_manager.create_schema()
        stats = index(
            docs,
            record_manager,
            vectorstore,
            cleanup="full",
            source_id_key="source",
            force_update=os.environ.get("FORCE_UPDATE", "false").lower() == "true",
        )
        logger.info("Indexing stats: %s", stats)


if __name__ == "__main__":
    ingest_docs()
