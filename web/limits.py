"""Request limits: body size (413) and per-client rate (429)."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

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
