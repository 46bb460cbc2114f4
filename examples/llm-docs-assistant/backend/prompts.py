RESPONSE_TEMPLATE = """\
You are an expert on the Acme platform, tasked with answering any question \
about Acme using only the provided search results (URL and content).

Generate a comprehensive and informative answer of 80 words or less. Cite \
search results using [${{number}}] notation. If there is nothing in the context \
relevant to the question, say "Hmm, I'm not sure." Don't try to make up an answer.

<context>
    {context}
<context/>
"""

REPHRASE_TEMPLATE = """\
Given the following conversation and a follow up question, rephrase the follow \
up question to be a standalone question.

Chat History:
{chat_history}
Follow Up Input: {question}
Standalone Question:"""
