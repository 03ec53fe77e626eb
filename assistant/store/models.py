"""SQLAlchemy models of the store. Times are naive UTC datetimes (the same on SQLite and PostgreSQL).

Every schema change needs a new Alembic revision in migrations/versions (tests compare the two).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class SessionRow(Base):
    """A server-issued conversation session, optionally bound to an API key (by its fingerprint)."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class TurnRow(Base):
    """One question/answer turn of a session."""

    __tablename__ = "session_turns"
    __table_args__ = (Index("ix_session_turns_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), ForeignKey("sessions.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class QuestionRow(Base):
    """One answered question (the question log); no client identifier unless configured."""

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    refused: Mapped[bool] = mapped_column(Boolean, index=True)
    language: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str] = mapped_column(String(64))
    index_version: Mapped[str] = mapped_column(String(128))
    client: Mapped[str | None] = mapped_column(String(64))


class FeedbackRow(Base):
    """A rating (+1 / -1) and optional comment on one answer, with a copy of what was rated."""

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    question_id: Mapped[str] = mapped_column(String(32), index=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    refused: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(8))
    index_version: Mapped[str] = mapped_column(String(128))
