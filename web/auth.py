"""The API key, checked once for the whole app (REST, OpenAI-compatible, docs and the mounted Gradio UI).

An ASGI middleware runs before routing and before any body is read: with `settings.api_key` set, a request
passes with `Authorization: Bearer <key>` or with the signed, HttpOnly session cookie that the key-entry
form at /login sets; only the probes and the login form itself are open. Gradio's upload endpoints are
refused always (the UI has no upload component).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from html import escape
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

import prompts
from web.limits import RateLimiter, client_key

COOKIE_NAME = "policyqa_session"
COOKIE_TTL_S = 12 * 3600
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
OPEN_PATHS = frozenset({"/healthz", "/readyz", LOGIN_PATH, LOGOUT_PATH})
# Gradio stores uploaded files on disk; nothing in this UI needs that, so the endpoints are closed.
UPLOAD_PATHS = ("/upload", "/gradio_api/upload")
MAX_LOGIN_BODY = 4096


def bearer_token(headers: Headers) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def key_matches(candidate: str | None, api_key: str) -> bool:
    """Constant-time comparison of a presented key with the configured one."""
    return candidate is not None and secrets.compare_digest(candidate.encode(), api_key.encode())


def _signature(api_key: str, expires: int) -> str:
    return hmac.new(api_key.encode(), f"policyqa-ui:{expires}".encode(), hashlib.sha256).hexdigest()


def sign_cookie(api_key: str, now: float | None = None) -> str:
    """A cookie value `<expiry>.<hmac>`: valid until expiry and only while the key stays the same."""
    expires = int(now if now is not None else time.time()) + COOKIE_TTL_S
    return f"{expires}.{_signature(api_key, expires)}"


def cookie_valid(value: str | None, api_key: str, now: float | None = None) -> bool:
    """True for an unexpired cookie signed with the current key."""
    expires_text, _, signature = (value or "").partition(".")
    if not expires_text.isdigit() or int(expires_text) < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(signature, _signature(api_key, int(expires_text)))


def is_authorized(headers: Headers, api_key: str) -> bool:
    """A valid bearer key or a valid session cookie."""
    if key_matches(bearer_token(headers), api_key):
        return True
    cookies = Request({"type": "http", "headers": headers.raw}).cookies
    return cookie_valid(cookies.get(COOKIE_NAME), api_key)


def unauthorized() -> JSONResponse:
    """The 401 every protected route gives without the key."""
    return JSONResponse(
        {
            "detail": {
                "code": "unauthorized",
                "message": "Missing or invalid API key (Authorization: Bearer <key>, or log in at /login).",
            }
        },
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


class AuthMiddleware:
    """Require the API key on every route but the probes and the login form; refuse uploads."""

    def __init__(self, app: ASGIApp, api_key: str | None, login_limiter: RateLimiter | None = None) -> None:
        self.app = app
        self.api_key = api_key
        self.login_limiter = login_limiter  # key guesses count against the client's rate limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.rstrip("/") in UPLOAD_PATHS or path.startswith(tuple(p + "/" for p in UPLOAD_PATHS)):
            await _refuse(scope, receive, send, _uploads_disabled())
            return
        if not self.api_key:
            await self.app(scope, receive, send)
            return
        if path in (LOGIN_PATH, LOGOUT_PATH) and scope["type"] == "http":
            await self._login(scope, receive, send)
            return
        if path in OPEN_PATHS or is_authorized(Headers(scope=scope), self.api_key):
            await self.app(scope, receive, send)
            return
        await _refuse(scope, receive, send, self._challenge(scope))

    def _challenge(self, scope: Scope) -> Response:
        """A browser asking for the page is sent to the key form; everything else gets a 401."""
        accept = Headers(scope=scope).get("accept", "")
        if scope["type"] == "http" and scope.get("method") == "GET" and "text/html" in accept:
            return RedirectResponse(LOGIN_PATH, status_code=303)
        return unauthorized()

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.api_key is not None
        request = Request(scope, receive)
        if scope["path"] == LOGOUT_PATH:
            response: Response = RedirectResponse(LOGIN_PATH, status_code=303)
            response.delete_cookie(COOKIE_NAME, path="/")
        elif request.method == "POST":
            response = self._login_refusal(scope) or await self._check_login(request)
        elif request.method in ("GET", "HEAD"):
            response = login_page(_lang(request))
        else:
            response = JSONResponse(
                {"detail": {"code": "method_not_allowed", "message": "Method Not Allowed"}}, status_code=405
            )
        await response(scope, receive, send)

    def _login_refusal(self, scope: Scope) -> Response | None:
        if self.login_limiter is None:
            return None
        decision = self.login_limiter.check(client_key(scope))
        if decision.allowed:
            return None
        return JSONResponse(
            {
                "detail": {
                    "code": "rate_limited",
                    "message": f"Too many attempts; retry in {decision.retry_after} s.",
                }
            },
            status_code=429,
            headers={"Retry-After": str(decision.retry_after)},
        )

    async def _check_login(self, request: Request) -> Response:
        assert self.api_key is not None
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_LOGIN_BODY:
                return JSONResponse(
                    {"detail": {"code": "payload_too_large", "message": "Login form too large."}},
                    status_code=413,
                )
        fields = parse_qs(body.decode("utf-8", "replace"))
        if not key_matches((fields.get("key") or [""])[0], self.api_key):
            return login_page(_lang(request), failed=True)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE_NAME,
            sign_cookie(self.api_key),
            max_age=COOKIE_TTL_S,
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response


def _lang(request: Request) -> str:
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "zh"


def login_page(lang: str, failed: bool = False) -> HTMLResponse:
    """The key-entry form (401 while the key is missing or wrong)."""
    text = prompts.load_toml("auth")[lang]
    error = f'<p role="alert" style="color:#b00">{escape(text["failed"])}</p>' if failed else ""
    html = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(text["title"])}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:28em;margin:4em auto">
<h1 style="font-size:1.3em">{escape(text["title"])}</h1><p>{escape(text["intro"])}</p>{error}
<form method="post" action="{LOGIN_PATH}"><label>{escape(text["key"])}
<input type="password" name="key" id="pq-key" autocomplete="current-password" required autofocus></label>
<button type="submit" id="pq-login">{escape(text["submit"])}</button></form></body></html>"""
    return HTMLResponse(html, status_code=401, headers={"Cache-Control": "no-store"})


def _uploads_disabled() -> JSONResponse:
    return JSONResponse(
        {"detail": {"code": "uploads_disabled", "message": "File uploads are disabled on this server."}},
        status_code=403,
    )


async def _refuse(scope: Scope, receive: Receive, send: Send, response: Response) -> None:
    """Send `response` for HTTP, or close a websocket with a policy-violation code."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await response(scope, receive, send)
