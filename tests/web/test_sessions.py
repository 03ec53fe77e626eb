"""Server-issued sessions over HTTP: ids, API-key binding, TTL, byte budget, 404/403 error shapes, feedback."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.store import database_url, open_store
from tests.web.conftest import GAS_QUESTION, ClientFactory
from tests.web.fakes import FakeService

KEY_A = {"Authorization": "Bearer key-a"}
KEY_B = {"Authorization": "Bearer key-b"}


def _start(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = client.post("/v1/sessions", headers=headers or {})
    assert response.status_code == 201
    body: dict[str, Any] = response.json()
    return body


def test_session_ids_are_random_and_unguessable(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    ids = {_start(client)["session_id"] for _ in range(20)}
    assert len(ids) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", i) for i in ids)


def test_unknown_session_is_a_clear_404(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    response = client.post("/v1/ask", json={"question": GAS_QUESTION, "session_id": "made-up-id"})
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "session_not_found"
    assert set(response.json()["detail"]) >= {"code", "message"}
    assert fake.calls == []  # nothing is answered in an unknown session
    assert client.get("/v1/sessions/made-up-id").status_code == 404


def test_another_keys_session_is_refused(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    session = _start(client, KEY_A)["session_id"]
    ok = client.post("/v1/ask", json={"question": GAS_QUESTION, "session_id": session}, headers=KEY_A)
    assert ok.status_code == 200
    for headers in (KEY_B, {}):
        refused = client.post(
            "/v1/ask", json={"question": "配合单位呢？", "session_id": session}, headers=headers
        )
        assert refused.status_code == 403
        assert refused.json()["detail"]["code"] == "session_forbidden"
    assert client.get(f"/v1/sessions/{session}", headers=KEY_B).status_code == 403
    assert len(client.get(f"/v1/sessions/{session}", headers=KEY_A).json()["history"]) == 2


def test_sessions_are_bound_to_the_servers_api_key(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, api_key="secret")
    assert client.post("/v1/sessions").status_code == 401
    session = _start(client, {"Authorization": "Bearer secret"})["session_id"]
    response = client.post(
        "/v1/ask",
        json={"question": GAS_QUESTION, "session_id": session},
        headers={"Authorization": "Bearer secret"},
    )
    assert response.status_code == 200 and response.json()["session_id"] == session


def test_expired_session_is_gone(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, session_ttl_seconds=1)
    body = _start(client)
    settings = Settings(session_ttl_seconds=1)
    store = open_store(database_url(settings))
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE sessions SET expires_at = '2000-01-01 00:00:00'")
    store.close()
    response = client.post("/v1/ask", json={"question": GAS_QUESTION, "session_id": body["session_id"]})
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "session_not_found"


def test_byte_budget_drops_the_oldest_turns(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake, session_max_bytes=1024)
    session = _start(client)
    assert session["max_bytes"] == 1024
    for n in range(6):
        client.post("/v1/ask", json={"question": f"问题{n}" + "长" * 60, "session_id": session["session_id"]})
    kept = client.get(f"/v1/sessions/{session['session_id']}").json()
    assert 0 < kept["bytes"] <= 1024
    questions = [m["content"] for m in kept["history"] if m["role"] == "user"]
    assert questions[-1].startswith("问题5")
    assert not any(q.startswith("问题0") for q in questions)


def test_deleted_session_is_gone(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    session = _start(client)["session_id"]
    assert client.delete(f"/v1/sessions/{session}").status_code == 204
    assert client.get(f"/v1/sessions/{session}").status_code == 404


def test_feedback_stores_the_answer_citations_and_index_version(
    make_client: ClientFactory, fake: FakeService
) -> None:
    client = make_client(fake)
    answer = client.post("/v1/ask", json={"question": GAS_QUESTION}).json()
    response = client.post(
        "/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "down", "comment": "单位不对"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["rating"] == "down" and body["comment"] == "单位不对"
    assert answer["answer"] == f"FAKE answer to {body['question']}\nsecond line〔任务34〕"
    assert body["index_version"] == "fake-version"
    assert [(c["type"], c["id"]) for c in body["citations"]] == [("task", 34)]
    store = open_store(database_url(Settings()))
    stored = store.feedback()
    store.close()
    assert [(f.rating, f.comment, f.answer) for f in stored] == [("down", "单位不对", answer["answer"])]


def test_feedback_on_an_unknown_answer_is_404(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    response = client.post("/v1/feedback", json={"answer_id": "nope", "rating": "up"})
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "answer_not_found"
    bad = client.post("/v1/feedback", json={"answer_id": "x", "rating": "meh"})
    assert bad.status_code == 422


def test_questions_are_logged_without_client_identifiers(
    make_client: ClientFactory, fake: FakeService
) -> None:
    client = make_client(fake)
    client.post("/v1/ask", json={"question": GAS_QUESTION}, headers=KEY_A)
    store = open_store(database_url(Settings()))
    with store.engine.connect() as connection:
        clients = connection.exec_driver_sql("SELECT client, channel FROM questions").all()
    store.close()
    assert [tuple(row) for row in clients] == [(None, "api")]
