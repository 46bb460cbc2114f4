"""Main entrypoint for the app."""
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from backend.chain import answer_chain

os.environ.setdefault("LANGCHAIN_PROJECT", "docs-assistant")

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["*"],
    allow_headers=["*"],
)
chain = answer_chain()


class ChatRequest(BaseModel):
    question: str
    chat_history: list[tuple[str, str]] = []


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.post("/chat")
async def chat(request: ChatRequest):
    async def stream():
        async for chunk in chain.astream(request.model_dump()):
            yield chunk

    return StreamingResponse(stream(), media_type="text/plain")
