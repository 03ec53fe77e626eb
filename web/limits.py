"""Request limits: body size (413), per-client rate and per-client concurrency (429)."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

import anyio
from fastapi import HTTPException
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WINDOW_SECONDS = 60.0


class BodyTooLargeError(HTTPException):
    """The request body exceeds the configured limit (rendered as 413 by the HTTP error handler)."""

    def __init__(self, max_bytes: int) -> None:
        message = f"The request body exceeds the limit of {max_bytes} bytes."
        super().__init__(status_code=413, detail={"code": "payload_too_large", "message": message})


class BodyLimitMiddleware:
    """Reject bodies over `max_bytes` with a 413 JSON error: by Content-Length up front, else as bytes arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLargeError(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLargeError(self.max_bytes)
        await JSONResponse({"detail": error.detail}, status_code=413)(scope, receive, send)


class RateDecision(BaseModel):
    """Whether a request may proceed and, if not, how many seconds to wait."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """At most `per_minute` requests per client key in any 60-second window; 0 disables it."""

    def __init__(
        self, per_minute: int, max_clients: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str) -> RateDecision:
        """Record a request from `client` and decide whether it is within the limit."""
        if self.per_minute <= 0:
            return RateDecision(allowed=True)
        now = self._clock()
        with self._lock:
            hits = self._hits.pop(client, None) or deque()
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            self._hits[client] = hits
            if len(self._hits) > self.max_clients:
                self._hits.popitem(last=False)
            if len(hits) >= self.per_minute:
                wait = hits[0] + WINDOW_SECONDS - now
                return RateDecision(allowed=False, retry_after=max(1, math.ceil(wait)))
            hits.append(now)
            return RateDecision(allowed=True)


class ConcurrencyLimiter:
    """At most `per_client` requests of one client in flight; a further one waits up to `wait_s`."""

    def __init__(self, per_client: int, wait_s: float = 10.0) -> None:
        self.per_client = per_client
        self.wait_s = wait_s
        self._active: dict[str, int] = {}
        self._freed = anyio.Event()

    async def acquire(self, client: str) -> bool:
        """Take a slot for `client` (waiting for one to free up); False when none freed in time."""
        if self.per_client <= 0:
            return True
        with anyio.move_on_after(self.wait_s):
            while self._active.get(client, 0) >= self.per_client:
                await self._freed.wait()
            self._active[client] = self._active.get(client, 0) + 1
            return True
        return False

    def release(self, client: str) -> None:
        """Give the slot back and wake the waiters."""
        if self.per_client <= 0:
            return
        left = self._active.get(client, 0) - 1
        if left > 0:
            self._active[client] = left
        else:
            self._active.pop(client, None)
        freed, self._freed = self._freed, anyio.Event()
        freed.set()


def metered(scope: Scope) -> bool:
    """Requests that count against the rate limit: every API call and every non-GET (Gradio events too)."""
    path: str = scope.get("path", "")
    method: str = scope.get("method", "GET")
    return (path.startswith(("/v1/", "/gradio_api/")) and method != "OPTIONS") or method == "POST"


def client_key(scope: Scope) -> str:
    """The client's address as the server sees it (uvicorn rewrites it from X-Forwarded-For only for
    trusted proxies, see web.server)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class ClientLimitMiddleware:
    """The rate limit (429 + Retry-After) and the per-client concurrency limit for every entry point:
    REST, OpenAI-compatible and Gradio's API (its queue joins and direct runs are POSTs)."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, concurrency: ConcurrencyLimiter) -> None:
        self.app = app
        self.limiter = limiter
        self.concurrency = concurrency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not metered(scope):
            await self.app(scope, receive, send)
            return
        client = client_key(scope)
        decision = self.limiter.check(client)
        if not decision.allowed:
            message = f"Too many requests; retry in {decision.retry_after} s."
            await _too_many(message, decision.retry_after)(scope, receive, send)
            return
        if scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        if not await self.concurrency.acquire(client):
            message = (
                f"Too many concurrent requests from this client (at most {self.concurrency.per_client})."
            )
            await _too_many(message, 1)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.concurrency.release(client)


def _too_many(message: str, retry_after: int) -> JSONResponse:
    return JSONResponse(
        {"detail": {"code": "rate_limited", "message": message}},
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )
