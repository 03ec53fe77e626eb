"""OpenAI-compatible endpoints: /v1/chat/completions (JSON or SSE stream) and /v1/models."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from itertools import chain

from fastapi import APIRouter, HTTPException
from fastapi.sse import EventSourceResponse
from pydantic import BaseModel

from assistant.models import Citation
from assistant.question_input import collapse_combining_runs, has_lone_surrogate
from assistant.service import AnswerEvent, PolicyQAService
from vectorstore.errors import InvalidQuestionError
from web.deps import ServiceDep, SettingsDep
from web.errors import GENERIC_MESSAGE
from web.routes.common import AUTH_ERRORS, QUESTION_ERRORS, check_question, error_doc, to_citations_out
from web.schemas import (
    ChatCompletionChoice,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChatCompletionRequest,
    ChatCompletionResponse,
    ChunkChoice,
    ChunkDelta,
    ModelList,
    ModelOut,
    OpenAIMessageIn,
)

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["openai"])

MODEL_ID = "policyqa"
HISTORY_ROLES = {"user", "assistant"}
STREAM_DOC = {"description": "chat.completion, or with stream=true an SSE stream of chat.completion.chunk"}


class Conversation(BaseModel):
    """The question (last user message) and the turns before it."""

    question: str
    history: list[dict[str, str]]


def split_conversation(messages: list[OpenAIMessageIn]) -> Conversation:
    """Take the last user message as the question and earlier user/assistant messages as history."""
    last_user = max((i for i, message in enumerate(messages) if message.role == "user"), default=None)
    if last_user is None:
        raise InvalidQuestionError("The messages contain no user message.")
    history = [
        {"role": message.role, "content": _history_text(message.text())}
        for message in messages[:last_user]
        if message.role in HISTORY_ROLES and message.text().strip()
    ]
    return Conversation(question=messages[last_user].text(), history=history)


def _history_text(text: str) -> str:
    """A history turn, refused like a question when it holds a lone surrogate, with combining runs cut."""
    if has_lone_surrogate(text):
        raise InvalidQuestionError("A message contains an invalid character (a lone UTF-16 surrogate).")
    return collapse_combining_runs(text)


@router.get("/models", response_model=ModelList, responses=AUTH_ERRORS, summary="List models")
def list_models() -> ModelList:
    """The single model this server answers with."""
    return ModelList(data=[ModelOut(id=MODEL_ID)])


@router.get(
    "/models/{model_id}",
    response_model=ModelOut,
    responses={**AUTH_ERRORS, 404: error_doc("No such model")},
    summary="One model",
)
def get_model(model_id: str) -> ModelOut:
    """Return the model `policyqa`; 404 for any other id."""
    if model_id != MODEL_ID:
        raise HTTPException(404, detail={"code": "model_not_found", "message": f"No model {model_id!r}."})
    return ModelOut(id=MODEL_ID)


@router.post(
    "/chat/completions",
    response_model=ChatCompletionResponse,
    responses={**QUESTION_ERRORS, 200: {**STREAM_DOC, "content": {"text/event-stream": {}}}},
    summary="OpenAI-compatible chat completion",
)
def chat_completions(
    body: ChatCompletionRequest, service: ServiceDep, settings: SettingsDep
) -> ChatCompletionResponse | EventSourceResponse:
    """Answer the last user message; `stream: true` streams chunks, the last one carrying `citations`."""
    conversation = split_conversation(body.messages)
    question = check_question(conversation.question, settings)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    if body.stream:
        return _stream_response(service, question, conversation.history, completion_id)
    answer = service.ask(question, conversation.history or None)
    return ChatCompletionResponse(
        id=completion_id,
        created=int(time.time()),
        model=MODEL_ID,
        choices=[ChatCompletionChoice(message=ChatCompletionMessage(content=answer.answer))],
        citations=to_citations_out(answer.citations),
    )


def _stream_response(
    service: PolicyQAService, question: str, history: list[dict[str, str]], completion_id: str
) -> EventSourceResponse:
    """Start the answer stream now, so that errors before the first event get a proper status code."""
    events = iter(service.ask_stream(question, history or None))
    first = next(events, None)
    remaining = chain([first], events) if first is not None else events
    return EventSourceResponse(_sse_chunks(remaining, completion_id), headers={"Cache-Control": "no-cache"})


def _sse_chunks(events: Iterator[AnswerEvent], completion_id: str) -> Iterator[str]:
    """Turn answer events into OpenAI chunk SSE lines, ending with citations and [DONE]."""
    created = int(time.time())

    def chunk(delta: ChunkDelta, finish: bool = False, citations: list[Citation] | None = None) -> str:
        body = ChatCompletionChunk(
            id=completion_id,
            created=created,
            model=MODEL_ID,
            choices=[ChunkChoice(delta=delta, finish_reason="stop" if finish else None)],
            citations=None if citations is None else to_citations_out(citations),
        )
        data = body.model_dump(mode="json")
        data["choices"][0]["delta"] = delta.model_dump(exclude_none=True)  # OpenAI omits unset delta keys
        if citations is None:
            del data["citations"]
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk(ChunkDelta(role="assistant", content=""))
    citations: list[Citation] = []
    try:
        for event in events:
            if event.type == "delta" and event.text:
                yield chunk(ChunkDelta(content=event.text))
            elif event.type == "citations":
                citations = event.citations
    except Exception as exc:  # the response has started: report in-band, as OpenAI streams do
        logger.error("answer stream failed", exc_info=exc)
        error = {"error": {"code": "internal_error", "message": GENERIC_MESSAGE, "type": "server_error"}}
        yield f"data: {json.dumps(error)}\n\n"
        return
    yield chunk(ChunkDelta(), finish=True, citations=citations)
    yield "data: [DONE]\n\n"
