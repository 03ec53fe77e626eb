"""Translate errors into HTTP responses with one stable JSON shape; never leak a stack trace.

Every error body is {"detail": {"code": "<machine code>", "message": "<human text>"}}; request
validation errors add "errors": [{"loc", "msg", "type"}, ...].
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vectorstore.chroma_store import is_rust_panic
from vectorstore.errors import (
    IndexCorruptError,
    IndexNotFoundError,
    InvalidQuestionError,
    PolicyQAError,
    StoreUnavailableError,
)

logger = logging.getLogger(__name__)

GENERIC_MESSAGE = "Internal server error; the incident was logged."


class ServiceUnavailableError(PolicyQAError):
    """The question-answering service could not be started (it is retried on the next request)."""

    code = "service_unavailable"


UNAVAILABLE = (IndexNotFoundError, IndexCorruptError, StoreUnavailableError, ServiceUnavailableError)

STATUS_CODES = {
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}


# An absolute filesystem path inside a message (not the //host part of a URL).
_ABSOLUTE_PATH = re.compile(r"(?<![\w./:~-])/[^\s'\"(),;]*")


def _shorten(match: re.Match[str]) -> str:
    path = match.group(0).rstrip(".:")
    tail = match.group(0)[len(path) :]
    _, sep, inside = path.rpartition("/versions/")
    if sep:
        return f"<index>/versions/{inside}{tail}"
    return f"<{path.rsplit('/', 1)[-1] or 'path'}>{tail}"


def public_message(exc: BaseException) -> str:
    """The error's message with absolute paths cut to what a client may see (the log keeps the full text)."""
    return _ABSOLUTE_PATH.sub(_shorten, str(exc))


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """Return the stable error JSON body."""
    return {"detail": {"code": code, "message": message}}


def status_for(exc: PolicyQAError) -> int:
    """Map a project error to its HTTP status."""
    if isinstance(exc, InvalidQuestionError):
        return 422
    if isinstance(exc, UNAVAILABLE):
        return 503
    return 500


async def handle_policyqa_error(request: Request, exc: Exception) -> JSONResponse:
    """422 for bad questions, 503 when the index or store is unavailable, else a generic 500."""
    assert isinstance(exc, PolicyQAError)
    status = status_for(exc)
    if status == 500:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse(error_body("internal_error", GENERIC_MESSAGE), status_code=500)
    logger.warning("%s %s -> %d: %s", request.method, request.url.path, status, exc)
    return JSONResponse(error_body(exc.code, public_message(exc)), status_code=status)


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Log any unexpected exception and answer a generic 500."""
    logger.error("%s %s crashed", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("internal_error", GENERIC_MESSAGE), status_code=500)


async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Give HTTP errors (404, 401, 413, 429, ...) the stable shape, keeping their headers."""
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.detail, dict) and {"code", "message"} <= set(exc.detail):
        body = {"detail": exc.detail}
    else:
        default = HTTPStatus(exc.status_code).phrase
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else default
        body = error_body(STATUS_CODES.get(exc.status_code, "http_error"), message)
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with a readable summary and the field errors (without echoing the input back)."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        for err in exc.errors()
    ]
    summary = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
    body = error_body("validation_error", f"Invalid request: {summary}")
    body["detail"]["errors"] = errors  # type: ignore[assignment]
    return JSONResponse(body, status_code=422)


class StoreFaultMiddleware:
    """Turn a Rust panic from Chroma (pyo3's PanicException, a BaseException no handler sees) into the
    typed 503 of any other store fault, instead of a plain-text 500 from the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except BaseException as exc:
            if not is_rust_panic(exc) or started:
                raise
            logger.error(
                "%s %s: the vector store panicked", scope.get("method"), scope.get("path"), exc_info=exc
            )
            body = error_body(
                "index_corrupt", "The vector store failed reading the index; see the server log."
            )
            await JSONResponse(body, status_code=503)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on `app`."""
    app.add_exception_handler(PolicyQAError, handle_policyqa_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected)
