"""Security of a real `policyqa serve` (uvicorn) process: the key guards the API and the Gradio API over
HTTP, and X-Forwarded-For from an untrusted peer (loopback included) does not reset the rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.indexes import GAS_QUESTION, copy_index
from tests.fixtures.servers import ServeProcess

pytestmark = pytest.mark.slow
KEY = "live-key"


@pytest.fixture(scope="module")
def server(indexed_settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """A keyed server with a small rate limit."""
    root = tmp_path_factory.mktemp("secure")
    index = copy_index(indexed_settings.index_dir, root / "index")
    with ServeProcess(index, root, api_key=KEY, rate_limit_per_minute="6") as process:
        yield process


def test_rotating_x_forwarded_for_does_not_reset_the_rate_limit(server: ServeProcess) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    statuses = [
        httpx.get(
            f"{server.url}/v1/tasks/{n}", headers={**headers, "X-Forwarded-For": f"10.0.0.{n}"}, timeout=30
        ).status_code
        for n in range(1, 9)
    ]
    assert statuses[:6] == [200] * 6
    assert statuses[6:] == [429, 429]


def test_without_the_key_nothing_answers_over_http(server: ServeProcess, tmp_path: Path) -> None:
    question = {"question": GAS_QUESTION}
    assert httpx.post(f"{server.url}/v1/ask", json=question, timeout=30).status_code == 401
    assert (
        httpx.post(
            f"{server.url}/gradio_api/run/respond", json={"data": [GAS_QUESTION]}, timeout=30
        ).status_code
        == 401
    )
    assert httpx.post(f"{server.url}/gradio_api/queue/join", json={}, timeout=30).status_code == 401
    assert httpx.get(f"{server.url}/config", timeout=30).status_code == 401
    upload = httpx.post(f"{server.url}/gradio_api/upload", files={"files": ("a.txt", b"x")}, timeout=30)
    assert upload.status_code == 403
    assert httpx.get(f"{server.url}/healthz", timeout=30).status_code == 200
