"""A FAKE OpenAI-compatible chat-completions server for tests: stdlib http.server on a loopback port.

It implements only non-streaming ``POST /v1/chat/completions`` and answers from a script of FakeReply
objects (content, HTTP status, delay), one per request, recording every request body it received.
It is not a model and not a mock of our code: the real ChatOpenAI client talks to it over real HTTP.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel

CHAT_PATH = "/v1/chat/completions"


class FakeReply(BaseModel):
    """One scripted reply of the fake server."""

    content: str = ""
    status: int = 200
    delay: float = 0.0


class FakeOpenAIServer:
    """A fake chat-completions endpoint; use as a context manager and point base_url at it."""

    def __init__(self, replies: list[FakeReply] | None = None) -> None:
        self.replies: list[FakeReply] = list(replies or [])
        self.requests: list[dict[str, Any]] = []
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (ending in /v1) of this fake server."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def next_reply(self, body: dict[str, Any]) -> FakeReply:
        """Record a request and pop the next scripted reply (a 500 once the script is exhausted)."""
        with self._lock:
            self.requests.append(body)
            if not self.replies:
                return FakeReply(content="fake server: no scripted reply left", status=500)
            return self.replies.pop(0)

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()  # ends any scripted delay still sleeping
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def completion_body(content: str, model: str) -> dict[str, Any]:
    """A minimal chat.completion response object."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _handler_for(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            if self.path != CHAT_PATH:
                self._send(404, {"error": {"message": f"fake server: no route {self.path}"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            reply = server.next_reply(body)
            if reply.delay and server.closing.wait(reply.delay):
                return
            if reply.status != 200:
                self._send(reply.status, {"error": {"message": reply.content, "type": "server_error"}})
                return
            self._send(200, completion_body(reply.content, str(body.get("model", "fake"))))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test); nothing to deliver

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server API)
            pass

    return Handler
