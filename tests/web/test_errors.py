"""Fault statuses: 401, 404, 413, 422, 429, 503, 500, each with the stable JSON detail; CORS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.service import build_service
from tests.web.conftest import GAS_QUESTION, ClientFactory
from tests.web.fakes import FakeService
from vectorstore.errors import (
    IndexCorruptError,
    IndexNotFoundError,
    InvalidQuestionError,
    LLMError,
    StoreUnavailableError,
)
from web.app import create_app


def _detail(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"detail"}
    assert {"code", "message"} <= set(body["detail"])
    assert "Traceback" not in response.text
    return body["detail"]


# --- 401 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic s3cret", "s3cret"])
def test_api_key_required_on_v1(make_client: ClientFactory, fake: FakeService, header: str | None) -> None:
    client = make_client(fake, api_key="s3cret")
    headers = {"Authorization": header} if header else {}
    response = client.post("/v1/ask", json={"question": GAS_QUESTION}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert _detail(response)["code"] == "unauthorized"
    assert client.get("/v1/models", headers=headers).status_code == 401
    assert fake.calls == []


def test_valid_api_key_passes_and_probes_stay_open(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, api_key="s3cret")
    ok = client.post("/v1/ask", json={"question": GAS_QUESTION}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


# --- 404 -------------------------------------------------------------------------------------------------
def test_unknown_records_are_404(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    assert _detail(client.get("/v1/tasks/500"))["code"] == "task_not_found"
    assert _detail(client.get("/v1/items/0"))["code"] == "item_not_found"
    assert client.get("/v1/tasks/500").status_code == 404
    assert _detail(client.get("/v1/nothing-here"))["code"] == "not_found"


# --- 413 -------------------------------------------------------------------------------------------------
def test_body_over_limit_is_413(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, max_body_bytes=1024)
    response = client.post("/v1/ask", json={"question": "税" * 2000})
    assert response.status_code == 413
    assert _detail(response)["code"] == "payload_too_large"
    assert fake.calls == []


def test_streamed_body_over_limit_is_413(make_client: ClientFactory, fake: FakeService) -> None:
    """Without Content-Length the limit applies to the bytes actually received."""

    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    client = make_client(fake, max_body_bytes=1024)
    response = client.post("/v1/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert _detail(response)["code"] == "payload_too_large"


# --- 422 -------------------------------------------------------------------------------------------------
def test_too_long_question_is_422_with_a_clear_message(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, max_question_chars=10)
    response = client.post("/v1/ask", json={"question": "用气报装由哪个部门牵头？请详细说明"})
    assert response.status_code == 422
    detail = _detail(response)
    assert detail["code"] == "invalid_question"
    assert "limit is 10" in detail["message"]
    assert fake.calls == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": "   "}, "validation_error"),
        ({"question": ""}, "validation_error"),
        ({}, "validation_error"),
        ({"question": 42}, "validation_error"),
        ({"question": "hi", "session_id": "bad id with spaces"}, "validation_error"),
        ({"question": "hi", "history": [{"role": "robot", "content": "x"}]}, "validation_error"),
    ],
)
def test_invalid_ask_requests_are_422(
    make_client: ClientFactory, fake: FakeService, body: dict, code: str
) -> None:
    response = make_client(fake).post("/v1/ask", json=body)
    assert response.status_code == 422
    assert _detail(response)["code"] == code


def test_malformed_json_is_422(make_client: ClientFactory, fake: FakeService) -> None:
    response = make_client(fake).post(
        "/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert _detail(response)["code"] == "validation_error"


def test_service_rejection_is_422(make_client: ClientFactory, document) -> None:  # type: ignore[no-untyped-def]
    client = make_client(FakeService(document, fail_with=InvalidQuestionError("unreadable question")))
    response = client.post("/v1/ask", json={"question": "???"})
    assert response.status_code == 422
    assert _detail(response) == {"code": "invalid_question", "message": "unreadable question"}


@pytest.mark.parametrize(
    "messages",
    [[{"role": "system", "content": "be brief"}], [{"role": "user", "content": "  "}]],
)
def test_chat_without_a_question_is_422(
    make_client: ClientFactory, fake: FakeService, messages: list
) -> None:
    response = make_client(fake).post(
        "/v1/chat/completions", json={"model": "policyqa", "messages": messages}
    )
    assert response.status_code == 422
    assert _detail(response)["code"] == "invalid_question"
    assert fake.calls == []


# --- 429 -------------------------------------------------------------------------------------------------
def test_rate_limit_is_429_with_retry_after(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, rate_limit_per_minute=2)
    statuses = [client.get("/v1/tasks/1").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.post("/v1/ask", json={"question": GAS_QUESTION})
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert _detail(limited)["code"] == "rate_limited"
    assert client.get("/healthz").status_code == 200
    assert fake.calls == []


# --- 503 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("error", "code"),
    [
        (IndexNotFoundError("no index yet; run `policyqa ingest`"), "index_not_found"),
        (IndexCorruptError("index unreadable"), "index_corrupt"),
        (StoreUnavailableError("chroma server at http://127.0.0.1:9 is down"), "store_unavailable"),
    ],
)
def test_unavailable_index_or_store_is_503(
    make_client: ClientFactory, document, error: Exception, code: str
) -> None:  # type: ignore[no-untyped-def]
    client = make_client(FakeService(document, fail_with=error))
    for response in (
        client.get("/readyz"),
        client.post("/v1/ask", json={"question": GAS_QUESTION}),
        client.get("/v1/tasks/1"),
        client.post(
            "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": GAS_QUESTION}], "stream": True},
        ),
    ):
        assert response.status_code == 503
        assert _detail(response) == {"code": code, "message": str(error)}
    assert client.get("/healthz").status_code == 200


def test_real_service_without_index_starts_and_answers_503(tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(index_dir=tmp_path / "no-index")
    app = create_app(
        settings, service_factory=lambda s: build_service(s, embeddings=embeddings), mount_ui=False
    )
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert _detail(ready)["code"] == "index_not_found"
        asked = client.post("/v1/ask", json={"question": GAS_QUESTION})
        assert asked.status_code == 503
        assert _detail(asked)["code"] == "index_not_found"


def test_failed_construction_is_retried_on_the_next_request(document) -> None:  # type: ignore[no-untyped-def]
    attempts: list[Settings] = []

    def factory(settings: Settings) -> FakeService:
        attempts.append(settings)
        if len(attempts) == 1:
            raise IndexNotFoundError("no index yet")
        return FakeService(document)

    with TestClient(create_app(Settings(), service_factory=factory, mount_ui=False)) as client:
        assert len(attempts) == 1  # tried once at start-up, failed, and the app still started
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/ask", json={"question": GAS_QUESTION}).status_code == 200
    assert len(attempts) == 2


def test_unexpected_construction_crash_is_503_without_details(document) -> None:  # type: ignore[no-untyped-def]
    def factory(settings: Settings) -> FakeService:
        raise RuntimeError("secret internals /home/x")

    with TestClient(create_app(Settings(), service_factory=factory, mount_ui=False)) as client:
        response = client.get("/v1/units")
        assert response.status_code == 503
        assert _detail(response)["code"] == "service_unavailable"
        assert "secret" not in response.text


# --- 500 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("error", [RuntimeError("secret internals"), LLMError("secret upstream says no")])
def test_other_errors_are_a_generic_500(make_client: ClientFactory, document, error: Exception) -> None:  # type: ignore[no-untyped-def]
    client = make_client(FakeService(document, fail_with=error), raise_errors=False)
    response = client.post("/v1/ask", json={"question": GAS_QUESTION})
    assert response.status_code == 500
    assert _detail(response)["code"] == "internal_error"
    assert "secret" not in response.text


# --- CORS ------------------------------------------------------------------------------------------------
def test_cors_allows_only_configured_origins(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, cors_origins=["https://portal.example.org"])
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = client.options("/v1/ask", headers={"Origin": "https://portal.example.org", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.org"
    denied = client.options("/v1/ask", headers={"Origin": "https://evil.example.com", **preflight})
    assert "access-control-allow-origin" not in denied.headers
