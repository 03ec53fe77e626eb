"""Request and response schemas of the HTTP API, named by role."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import ChatMessage, Citation
from ingest.records import NoticeItem, Task


class ErrorDetail(BaseModel):
    """The stable error body: a machine-readable code and a human-readable message."""

    code: str = Field(examples=["index_not_found"])
    message: str
    errors: list[dict[str, Any]] | None = Field(default=None, description="Field errors (validation only)")


class ErrorResponse(BaseModel):
    """Every error response has this shape: {"detail": {"code": ..., "message": ...}}."""

    detail: ErrorDetail


class CitationOut(Citation):
    """A cited record: type 'task' | 'item' | 'meta', its id and the verbatim quote."""


class TaskOut(Task):
    """One row of the annex task table."""


class ItemOut(NoticeItem):
    """One numbered item (一)..(二十一) of the notice body."""


class UnitOut(BaseModel):
    """A responsible unit and how many tasks it leads or cooperates on."""

    name: str
    english: str = ""
    lead_count: int
    coop_count: int


class AskRequest(BaseModel):
    """A question, optionally with earlier turns or a server-side session id."""

    question: str = Field(
        min_length=1,
        pattern=r"\S",
        examples=["用气报装由哪个部门牵头？"],
        description="The question (at most settings.max_question_chars characters)",
    )
    history: list[ChatMessage] | None = Field(
        default=None, description="Earlier turns; when omitted and session_id is given, the session's history"
    )
    session_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="A session id issued by POST /v1/sessions: the server keeps the conversation's history",
    )


class AskResponse(BaseModel):
    """A grounded answer with its citations, most relevant first."""

    answer: str
    citations: list[CitationOut]
    refused: bool
    language: Literal["zh", "en"]
    intent: str
    timings: dict[str, float] = Field(description="milliseconds per stage")
    index_version: str = ""
    session_id: str | None = None
    answer_id: str | None = Field(default=None, description="Rate this answer with POST /v1/feedback")


class HealthOut(BaseModel):
    """Liveness: the process is up."""

    status: Literal["ok"] = "ok"


class ReadyOut(BaseModel):
    """Readiness: the index is loaded and the store answers."""

    status: Literal["ready"] = "ready"
    index_version: str


class OpenAIMessageIn(BaseModel):
    """An incoming OpenAI chat message; content may be a string or a list of content parts."""

    model_config = ConfigDict(extra="ignore")

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """Return the message's text, joining text content parts."""
        if isinstance(self.content, str):
            return self.content
        parts = self.content or []
        return "".join(str(part.get("text", "")) for part in parts if part.get("type") == "text")


class ChatCompletionRequest(BaseModel):
    """The OpenAI chat-completions request; unknown fields (temperature, ...) are ignored."""

    model_config = ConfigDict(extra="ignore")

    model: str = "policyqa"
    messages: list[OpenAIMessageIn] = Field(min_length=1)
    stream: bool = False


class ChatCompletionMessage(BaseModel):
    """The assistant message of a completion choice."""

    role: Literal["assistant"] = "assistant"
    content: str


class ChatCompletionChoice(BaseModel):
    """One (the only) completion choice."""

    index: int = 0
    message: ChatCompletionMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletionResponse(BaseModel):
    """An OpenAI `chat.completion` object plus the top-level `citations` field."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatCompletionChoice]
    citations: list[CitationOut]


class ChunkDelta(BaseModel):
    """The incremental part of a streamed chunk."""

    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    """The choice of a streamed chunk."""

    index: int = 0
    delta: ChunkDelta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """An OpenAI `chat.completion.chunk`; the final one carries `citations`."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[CitationOut] | None = None


class ModelOut(BaseModel):
    """An OpenAI model object."""

    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "policyqa"


class ModelList(BaseModel):
    """The OpenAI model list."""

    object: Literal["list"] = "list"
    data: list[ModelOut]
