"""Plain records the store returns (never ORM objects, so callers hold no database session)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Rating = Literal["up", "down"]


class SessionInfo(BaseModel):
    """A live session: its id, when it expires and its conversation so far (oldest first)."""

    id: str
    expires_at: datetime
    history: list[dict[str, str]] = Field(default_factory=list)
    bytes: int = 0


class LoggedQuestion(BaseModel):
    """One answered question as logged."""

    id: str
    created_at: datetime
    channel: str
    question: str
    history: list[dict[str, Any]] = Field(default_factory=list)
    answer: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    refused: bool
    language: str
    intent: str
    index_version: str


class FeedbackRecord(BaseModel):
    """A rating of one answer with the answer, its citations and the index version it came from."""

    id: str
    created_at: datetime
    question_id: str
    rating: Rating
    comment: str | None = None
    question: str
    history: list[dict[str, Any]] = Field(default_factory=list)
    answer: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    refused: bool
    language: str
    index_version: str
