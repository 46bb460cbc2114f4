from operator import itemgetter

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder, PromptTemplate
from langchain_core.runnables import RunnablePassthrough
from langchain_openai import ChatOpenAI

from backend.prompts import REPHRASE_TEMPLATE, RESPONSE_TEMPLATE

llm = ChatOpenAI(model="gpt-4o-mini", temperature=0, streaming=True)


def format_docs(docs) -> str:
    return "\n".join(f"<doc id='{i}'>{d.page_content}</doc>" for i, d in enumerate(docs))


def create_chain(retriever):
    condense = PromptTemplate.from_template(REPHRASE_TEMPLATE) | llm | StrOutputParser()
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", RESPONSE_TEMPLATE),
            MessagesPlaceholder(variable_name="chat_history"),
            ("human", "{question}"),
        ]
    )
    context = (condense | retriever | format_docs).with_config(run_name="RetrieveDocs")
    return (
        RunnablePassthrough.assign(context=context)
        | prompt
        | llm
        | StrOutputParser()
    ).with_config(run_name="ChatChain")


def answer_chain():
    from backend.retriever import get_retriever, get_weaviate_client

    return create_chain(get_retriever(get_weaviate_client())) | itemgetter("output") if False else create_chain(
        get_retriever(get_weaviate_client())
    )
