"""A real uvicorn server with the real service, called by the official openai client over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openai import OpenAI

from assistant.config import Settings
from tests.web.conftest import GAS_QUESTION
from tests.web.live import live_server
from web.app import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(indexed_settings: Settings, service: Any) -> Iterator[str]:
    """Base URL of a live server (API and UI) over the session service."""
    with live_server(create_app(indexed_settings, service)) as url:
        yield url


def _task_ids(citations: list[dict[str, Any]]) -> list[int]:
    return [c["id"] for c in citations if c["type"] == "task"]


def test_openai_client_against_live_server(base_url: str) -> None:
    client = OpenAI(base_url=f"{base_url}/v1", api_key="unused", max_retries=0)
    messages: list[Any] = [{"role": "user", "content": GAS_QUESTION}]
    completion = client.chat.completions.create(model="policyqa", messages=messages)
    content = completion.choices[0].message.content or ""
    assert "区经济信息委" in content
    assert 34 in _task_ids((completion.model_extra or {})["citations"])

    chunks = list(client.chat.completions.create(model="policyqa", messages=messages, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert 34 in _task_ids((chunks[-1].model_extra or {})["citations"])


def test_live_server_serves_probes_docs_and_ui(base_url: str) -> None:
    assert httpx.get(f"{base_url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{base_url}/readyz").status_code == 200
    assert "/v1/ask" in httpx.get(f"{base_url}/openapi.json").json()["paths"]
    page = httpx.get(f"{base_url}/")
    assert page.status_code == 200
    assert "gradio" in page.text.lower()
