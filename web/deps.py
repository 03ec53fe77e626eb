"""Shared objects of the app (service, settings, sessions, limiter) and the route dependencies."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from assistant.config import Settings
from assistant.service import PolicyQAService, build_service
from vectorstore.errors import PolicyQAError
from web.auth import COOKIE_NAME, bearer_token, cookie_valid, key_matches
from web.errors import UNAVAILABLE, ServiceUnavailableError
from web.limits import ConcurrencyLimiter, RateLimiter
from web.sessions import StoreHolder

logger = logging.getLogger(__name__)

ServiceFactory = Callable[[Settings], PolicyQAService]


class ServiceHolder:
    """Holds the one service; builds it on first use and retries after a failed build."""

    def __init__(
        self,
        settings: Settings,
        service: PolicyQAService | None = None,
        factory: ServiceFactory = build_service,
    ) -> None:
        self.settings = settings
        self._service = service
        self._factory = factory
        self._lock = threading.Lock()

    def get(self) -> PolicyQAService:
        """Return the service, building it now if needed; raise a 503-mapped error when that fails."""
        if self._service is None:
            with self._lock:
                if self._service is None:
                    self._service = self._build()
        return self._service

    def start(self) -> None:
        """Try to build the service at start-up; a failure is logged and retried on the next request."""
        try:
            self.get()
        except PolicyQAError as exc:
            logger.warning("service not ready at start-up (will retry on the next request): %s", exc)

    def _build(self) -> PolicyQAService:
        try:
            return self._factory(self.settings)
        except UNAVAILABLE:
            raise
        except PolicyQAError as exc:
            logger.error("building the service failed: %s", exc)
            raise ServiceUnavailableError(str(exc)) from exc
        except Exception as exc:
            logger.exception("building the service crashed")
            raise ServiceUnavailableError("the service could not be started; see the server log") from exc


class AppState:
    """Everything the routes share, stored on app.state.policyqa."""

    def __init__(self, settings: Settings, holder: ServiceHolder) -> None:
        self.settings = settings
        self.holder = holder
        self.store = StoreHolder(settings)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.concurrency = ConcurrencyLimiter(settings.max_concurrent_per_client)


def get_state(request: Request) -> AppState:
    """Return the app's shared state."""
    state: AppState = request.app.state.policyqa
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    """Return the app's settings."""
    return state.settings


def get_service(state: StateDep) -> PolicyQAService:
    """Return the service (built lazily; 503 while the index or store is unavailable)."""
    return state.holder.get()


def get_store(state: StateDep) -> StoreHolder:
    """Return the holder of the sessions / feedback / question-log store."""
    return state.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[PolicyQAService, Depends(get_service)]
StoreDep = Annotated[StoreHolder, Depends(get_store)]


def require_api_key(request: Request, settings: SettingsDep) -> None:
    """401 unless the bearer key or the login cookie is valid (AuthMiddleware already refused the rest)."""
    if not settings.api_key:
        return
    if key_matches(bearer_token(request.headers), settings.api_key):
        return
    if cookie_valid(request.cookies.get(COOKIE_NAME), settings.api_key):
        return
    raise HTTPException(
        status_code=401,
        detail={
            "code": "unauthorized",
            "message": "Missing or invalid API key (Authorization: Bearer <key>).",
        },
        headers={"WWW-Authenticate": "Bearer"},
    )
