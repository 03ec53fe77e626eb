"""Repository functions over the store: sessions (TTL, byte budget, owner), the question log, feedback."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.models import Answer
from assistant.store.errors import (
    AnswerNotFoundError,
    DatabaseUnavailableError,
    FeedbackNotFoundError,
    SessionForbiddenError,
    SessionNotFoundError,
)
from assistant.store.models import FeedbackRow, QuestionRow, SessionRow, TurnRow
from assistant.store.records import FeedbackRecord, LoggedQuestion, Rating, SessionInfo

SESSION_ID_BYTES = 24  # 192 random bits -> 32 URL-safe characters


def utcnow() -> datetime:
    """Now as a naive UTC datetime (the store's time format)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _turn_bytes(question: str, answer: str) -> int:
    return len(question.encode("utf-8")) + len(answer.encode("utf-8"))


class Store:
    """All reads and writes of the product database; one instance per process, thread-safe."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction; database failures become DatabaseUnavailableError (a 503)."""
        try:
            with self._sessions.begin() as session:
                yield session
        except SQLAlchemyError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DatabaseUnavailableError(f"the database failed: {first}") from exc

    def ping(self) -> None:
        """Raise DatabaseUnavailableError unless the database answers."""
        with self._tx() as db:
            db.execute(select(1))

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # --- sessions --------------------------------------------------------------------------------------
    def create_session(self, owner: str | None, ttl: timedelta) -> SessionInfo:
        """Issue a new random, unguessable session id bound to `owner` (an API-key fingerprint or None)."""
        now = utcnow()
        row = SessionRow(
            id=secrets.token_urlsafe(SESSION_ID_BYTES), owner=owner, created_at=now, expires_at=now + ttl
        )
        with self._tx() as db:
            db.add(row)
        return SessionInfo(id=row.id, expires_at=row.expires_at)

    def _live_session(self, db: Session, session_id: str, owner: str | None, *, lock: bool) -> SessionRow:
        query = select(SessionRow).where(SessionRow.id == session_id)
        row = db.scalars(query.with_for_update() if lock else query).first()
        if row is None or row.expires_at <= utcnow():
            raise SessionNotFoundError(f"No live session {session_id!r} (unknown, expired or deleted).")
        if row.owner is not None and not secrets.compare_digest(row.owner, owner or ""):
            raise SessionForbiddenError("This session belongs to another API key.")
        return row

    def get_session(self, session_id: str, owner: str | None) -> SessionInfo:
        """The live session with its history; raise SessionNotFoundError / SessionForbiddenError."""
        with self._tx() as db:
            row = self._live_session(db, session_id, owner, lock=False)
            turns = db.scalars(
                select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.id)
            ).all()
        history: list[dict[str, str]] = []
        for turn in turns:
            history += [
                {"role": "user", "content": turn.question},
                {"role": "assistant", "content": turn.answer},
            ]
        size = sum(_turn_bytes(t.question, t.answer) for t in turns)
        return SessionInfo(id=row.id, expires_at=row.expires_at, history=history, bytes=size)

    def append_turn(
        self,
        session_id: str,
        owner: str | None,
        question: str,
        answer: str,
        *,
        ttl: timedelta,
        max_turns: int,
        max_bytes: int,
    ) -> SessionInfo:
        """Add a turn, renew the TTL, and drop the oldest turns beyond `max_turns` or `max_bytes`."""
        with self._tx() as db:
            row = self._live_session(db, session_id, owner, lock=True)
            row.expires_at = utcnow() + ttl
            db.add(TurnRow(session_id=session_id, question=question, answer=answer, created_at=utcnow()))
            db.flush()
            turns = db.scalars(
                select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.id.desc())
            ).all()
            kept, size = 0, 0
            for turn in turns:
                cost = _turn_bytes(turn.question, turn.answer)
                # the newest turn is always kept, whatever its size
                if kept and (kept >= max_turns or size + cost > max_bytes):
                    db.delete(turn)
                    continue
                kept, size = kept + 1, size + cost
        return self.get_session(session_id, owner)

    def delete_session(self, session_id: str, owner: str | None) -> None:
        """End a session now."""
        with self._tx() as db:
            row = self._live_session(db, session_id, owner, lock=True)
            db.execute(delete(TurnRow).where(TurnRow.session_id == row.id))
            db.delete(row)

    # --- question log ----------------------------------------------------------------------------------
    def log_answer(
        self,
        question: str,
        history: list[dict[str, str]] | None,
        answer: Answer,
        *,
        channel: str,
        client: str | None = None,
    ) -> str:
        """Log one answered question; return its id (the `answer_id` clients rate)."""
        row = QuestionRow(
            id=uuid.uuid4().hex,
            created_at=utcnow(),
            channel=channel,
            question=question,
            history=list(history or []),
            answer=answer.answer,
            citations=[citation.model_dump() for citation in answer.citations],
            refused=answer.refused,
            language=answer.language,
            intent=answer.intent,
            index_version=answer.index_version,
            client=client,
        )
        with self._tx() as db:
            db.add(row)
        return row.id

    def get_question(self, question_id: str) -> LoggedQuestion:
        """One logged answer; raise AnswerNotFoundError."""
        with self._tx() as db:
            row = db.get(QuestionRow, question_id)
            if row is None:
                raise AnswerNotFoundError(f"No logged answer {question_id!r}.")
            return _logged(row)

    def questions(
        self, *, refused: bool | None = None, since: datetime | None = None
    ) -> list[LoggedQuestion]:
        """Logged questions, oldest first, optionally only (not) refused ones or those after `since`."""
        query = select(QuestionRow).order_by(QuestionRow.created_at, QuestionRow.id)
        if refused is not None:
            query = query.where(QuestionRow.refused == refused)
        if since is not None:
            query = query.where(QuestionRow.created_at >= since)
        with self._tx() as db:
            return [_logged(row) for row in db.scalars(query)]

    # --- feedback --------------------------------------------------------------------------------------
    def add_feedback(self, question_id: str, rating: Rating, comment: str | None = None) -> FeedbackRecord:
        """Rate a logged answer, keeping a copy of the answer, its citations and the index version."""
        with self._tx() as db:
            logged = db.get(QuestionRow, question_id)
            if logged is None:
                raise AnswerNotFoundError(f"No logged answer {question_id!r}.")
            row = FeedbackRow(
                id=uuid.uuid4().hex,
                created_at=utcnow(),
                question_id=question_id,
                rating=1 if rating == "up" else -1,
                comment=comment or None,
                question=logged.question,
                history=list(logged.history),
                answer=logged.answer,
                citations=list(logged.citations),
                refused=logged.refused,
                language=logged.language,
                index_version=logged.index_version,
            )
            db.add(row)
            return _feedback(row)

    def set_feedback_comment(self, feedback_id: str, comment: str) -> FeedbackRecord:
        """Attach (or replace) the comment of a feedback entry."""
        with self._tx() as db:
            row = db.get(FeedbackRow, feedback_id)
            if row is None:
                raise FeedbackNotFoundError(f"No feedback {feedback_id!r}.")
            row.comment = comment or None
            return _feedback(row)

    def feedback(self, rating: Rating | None = None) -> list[FeedbackRecord]:
        """All feedback, oldest first, optionally of one rating."""
        query = select(FeedbackRow).order_by(FeedbackRow.created_at, FeedbackRow.id)
        if rating is not None:
            query = query.where(FeedbackRow.rating == (1 if rating == "up" else -1))
        with self._tx() as db:
            return [_feedback(row) for row in db.scalars(query)]

    # --- retention -------------------------------------------------------------------------------------
    def purge(self, retention: timedelta) -> dict[str, int]:
        """Delete expired sessions and questions / feedback older than `retention`; return the counts."""
        now = utcnow()
        cutoff = now - retention
        with self._tx() as db:
            expired = select(SessionRow.id).where(SessionRow.expires_at <= now)
            db.execute(delete(TurnRow).where(TurnRow.session_id.in_(expired)))
            sessions = db.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
            questions = db.execute(delete(QuestionRow).where(QuestionRow.created_at < cutoff))
            feedback = db.execute(delete(FeedbackRow).where(FeedbackRow.created_at < cutoff))
        return {
            "sessions": _count(sessions),
            "questions": _count(questions),
            "feedback": _count(feedback),
        }

    def gap_candidates(self, since: datetime | None = None) -> list[tuple[str, str, str]]:
        """(question, reason, language) of every refused question and every answer rated down."""
        log = select(QuestionRow.question, QuestionRow.language).where(QuestionRow.refused.is_(True))
        down = select(FeedbackRow.question, FeedbackRow.language, FeedbackRow.refused).where(
            FeedbackRow.rating < 0
        )
        if since is not None:
            log = log.where(QuestionRow.created_at >= since)
            down = down.where(FeedbackRow.created_at >= since)
        with self._tx() as db:
            refused = [(q, "refused", lang) for q, lang in db.execute(log)]
            rated = [(q, "rated_down", lang) for q, lang, was_refused in db.execute(down) if not was_refused]
        return refused + rated


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _logged(row: QuestionRow) -> LoggedQuestion:
    return LoggedQuestion(
        id=row.id,
        created_at=row.created_at,
        channel=row.channel,
        question=row.question,
        history=list(row.history or []),
        answer=row.answer,
        citations=list(row.citations or []),
        refused=row.refused,
        language=row.language,
        intent=row.intent,
        index_version=row.index_version,
    )


def _feedback(row: FeedbackRow) -> FeedbackRecord:
    return FeedbackRecord(
        id=row.id,
        created_at=row.created_at,
        question_id=row.question_id,
        rating="up" if row.rating > 0 else "down",
        comment=row.comment,
        question=row.question,
        history=list(row.history or []),
        answer=row.answer,
        citations=list(row.citations or []),
        refused=row.refused,
        language=row.language,
        index_version=row.index_version,
    )
