"""The web side of the store: one lazily opened Store per app, API-key fingerprints, and error mapping.

Sessions live in the database (assistant.store), so several `policyqa serve` processes on one database
share them. Ids are issued by the server (random, unguessable); a session is bound to the API key that
created it (by a fingerprint, never the key itself), expires after its TTL and keeps a byte budget.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from fastapi import HTTPException, Request

from assistant.config import Settings
from assistant.models import Answer
from assistant.store import (
    AnswerNotFoundError,
    FeedbackNotFoundError,
    SessionForbiddenError,
    SessionNotFoundError,
    Store,
    database_url,
    open_store,
)
from vectorstore.errors import PolicyQAError

logger = logging.getLogger(__name__)

NOT_FOUND = (SessionNotFoundError, AnswerNotFoundError, FeedbackNotFoundError)


class StoreHolder:
    """Opens the store (running migrations) on first use; retried on the next request after a failure."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self._store = store
        self._lock = threading.Lock()

    def get(self) -> Store:
        """The store; raise DatabaseUnavailableError (503) when the database cannot be opened."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = open_store(database_url(self.settings))
        return self._store

    def start(self) -> None:
        """Open and migrate at start-up and apply retention; failures are logged and retried later."""
        try:
            self.get().purge(timedelta(days=self.settings.retention_days))
        except PolicyQAError as exc:
            logger.warning("database not ready at start-up (will retry on the next request): %s", exc)

    def close(self) -> None:
        """Release the connection pool."""
        if self._store is not None:
            self._store.close()

    @property
    def session_ttl(self) -> timedelta:
        """How long a session lives after its last use."""
        return timedelta(seconds=self.settings.session_ttl_seconds)


def key_fingerprint(request: Request) -> str | None:
    """A fingerprint of the caller's bearer key (None without one); sessions are bound to it."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


@contextmanager
def store_errors() -> Iterator[None]:
    """Map the store's lookup errors to 404 / 403 with the stable error shape."""
    try:
        yield
    except NOT_FOUND as exc:
        raise HTTPException(404, detail={"code": exc.code, "message": str(exc)}) from exc
    except SessionForbiddenError as exc:
        raise HTTPException(403, detail={"code": exc.code, "message": str(exc)}) from exc


def log_answer(
    store: StoreHolder,
    question: str,
    history: list[dict[str, str]],
    answer: Answer,
    channel: str,
    owner: str | None,
) -> str | None:
    """Log the answered question (no client identifier unless configured); None when the database is down."""
    client = owner if store.settings.log_client_ids else None
    try:
        return store.get().log_answer(question, history, answer, channel=channel, client=client)
    except PolicyQAError as exc:
        # the answer still reaches the user; only the log entry (and rating it) is lost
        logger.warning("question not logged: %s", exc)
        return None
