"""Feedback on answers, and the schemas of the store-backed routes (sessions, feedback)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.store import SessionInfo
from assistant.store.records import FeedbackRecord
from web.deps import StoreDep
from web.routes.common import SERVICE_ERRORS, error_doc
from web.sessions import store_errors

router = APIRouter(prefix="/v1", tags=["feedback"])

SESSION_ERRORS: dict[int | str, dict[str, Any]] = {
    403: error_doc("The session belongs to another API key"),
    404: error_doc("Unknown or expired session"),
}
FEEDBACK_ERRORS: dict[int | str, dict[str, Any]] = {
    **SERVICE_ERRORS,
    404: error_doc("Unknown answer_id (never issued or past retention)"),
}


class SessionOut(BaseModel):
    """A server-side conversation session."""

    session_id: str = Field(description="Pass as `session_id` to /v1/ask")
    expires_at: datetime = Field(description="UTC; renewed by every question in the session")
    ttl_seconds: int
    max_bytes: int = Field(description="Byte budget of the kept history (oldest turns are dropped)")
    bytes: int = 0
    history: list[dict[str, str]] = Field(default_factory=list)

    @classmethod
    def from_info(cls, info: SessionInfo, settings: Settings) -> SessionOut:
        """Build from the store's SessionInfo."""
        return cls(
            session_id=info.id,
            expires_at=info.expires_at.replace(tzinfo=UTC),  # the store keeps naive UTC
            ttl_seconds=settings.session_ttl_seconds,
            max_bytes=settings.session_max_bytes,
            bytes=info.bytes,
            history=info.history,
        )


class FeedbackIn(BaseModel):
    """A rating of one answer (its `answer_id` from /v1/ask) with an optional comment."""

    answer_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    """The stored feedback: what was rated and the index version the answer came from."""

    feedback_id: str
    answer_id: str
    rating: Literal["up", "down"]
    comment: str | None
    question: str
    index_version: str
    citations: list[dict[str, Any]]

    @classmethod
    def from_record(cls, record: FeedbackRecord) -> FeedbackOut:
        """Build from the store's FeedbackRecord."""
        return cls(
            feedback_id=record.id,
            answer_id=record.question_id,
            rating=record.rating,
            comment=record.comment,
            question=record.question,
            index_version=record.index_version,
            citations=record.citations,
        )


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=201,
    responses=FEEDBACK_ERRORS,
    summary="Rate an answer",
)
def post_feedback(body: FeedbackIn, store: StoreDep) -> FeedbackOut:
    """Thumbs up / down (and an optional comment) on an answer; stored with its citations and index version."""
    with store_errors():
        record = store.get().add_feedback(body.answer_id, body.rating, (body.comment or "").strip() or None)
    return FeedbackOut.from_record(record)
