"""The product's database: conversation sessions, the question log and answer feedback (SQLAlchemy + Alembic).

SQLite in a file beside the index by default; any server database by URL (`POLICYQA_DATABASE_URL`).
Migrations ship as package data (`assistant/store/migrations`) and are applied by `open_store` and
`policyqa db upgrade`.
"""

from assistant.store.db import database_url, migrate, open_store
from assistant.store.errors import (
    AnswerNotFoundError,
    DatabaseUnavailableError,
    FeedbackNotFoundError,
    SessionForbiddenError,
    SessionNotFoundError,
)
from assistant.store.records import FeedbackRecord, LoggedQuestion, SessionInfo
from assistant.store.repository import Store

__all__ = [
    "AnswerNotFoundError",
    "DatabaseUnavailableError",
    "FeedbackNotFoundError",
    "FeedbackRecord",
    "LoggedQuestion",
    "SessionForbiddenError",
    "SessionInfo",
    "SessionNotFoundError",
    "Store",
    "database_url",
    "migrate",
    "open_store",
]
