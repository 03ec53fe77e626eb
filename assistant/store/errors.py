"""Errors of the store, in the project's hierarchy (the API maps them to 404 / 403 / 503)."""

from __future__ import annotations

from vectorstore.errors import PolicyQAError, StoreUnavailableError


class DatabaseUnavailableError(StoreUnavailableError):
    """The sessions / feedback database cannot be reached or migrated."""

    code = "database_unavailable"


class SessionNotFoundError(PolicyQAError):
    """No live session has this id (never issued, expired or deleted)."""

    code = "session_not_found"


class SessionForbiddenError(PolicyQAError):
    """The session belongs to another API key."""

    code = "session_forbidden"


class AnswerNotFoundError(PolicyQAError):
    """No logged answer has this id (never issued or past retention)."""

    code = "answer_not_found"


class FeedbackNotFoundError(PolicyQAError):
    """No feedback has this id."""

    code = "feedback_not_found"
