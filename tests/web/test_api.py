"""The policy API over the real service: ask, sessions, records, probes and the OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import GAS_QUESTION, ClientFactory
from tests.web.fakes import FakeService


def _cited(body: dict) -> set[tuple[str, int]]:
    return {(c["type"], c["id"]) for c in body["citations"]}


def test_ask_cites_task_34_and_names_the_lead_unit(real_client: TestClient) -> None:
    response = real_client.post("/v1/ask", json={"question": GAS_QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert ("task", 34) in _cited(body)
    assert "区经济信息委" in body["answer"]
    assert body["refused"] is False
    assert body["language"] == "zh"
    assert body["index_version"]
    task34 = next(c for c in body["citations"] if c["type"] == "task" and c["id"] == 34)
    assert task34["lead_units"] == ["区经济信息委"]
    assert "用气" in task34["quote"]
    assert set(body) >= {"answer", "citations", "refused", "timings", "language", "intent"}


def _new_session(client: TestClient, key: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = client.post("/v1/sessions", headers=headers)
    assert response.status_code == 201
    return str(response.json()["session_id"])


def test_session_keeps_history_on_the_server(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    s1, s2 = _new_session(client), _new_session(client)
    first = client.post("/v1/ask", json={"question": GAS_QUESTION, "session_id": s1})
    second = client.post("/v1/ask", json={"question": "配合单位有哪些？", "session_id": s1})
    other = client.post("/v1/ask", json={"question": "另一个会话", "session_id": s2})
    assert first.json()["session_id"] == s1
    assert second.status_code == other.status_code == 200
    assert fake.calls[0][1] is None
    assert fake.calls[1][1] == [
        {"role": "user", "content": GAS_QUESTION},
        {"role": "assistant", "content": first.json()["answer"]},
    ]
    assert fake.calls[2][1] is None
    history = client.get(f"/v1/sessions/{s1}").json()["history"]
    assert [m["content"] for m in history][::2] == [GAS_QUESTION, "配合单位有哪些？"]


def test_session_history_is_capped_to_the_last_turns(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    session = _new_session(client)
    for n in range(12):
        client.post("/v1/ask", json={"question": f"问题{n}", "session_id": session})
    history = fake.calls[-1][1]
    assert history is not None and len(history) == 20
    assert history[0]["content"] == "问题1"


def test_explicit_history_is_passed_on(make_client: ClientFactory, fake: FakeService) -> None:
    client = make_client(fake)
    history = [
        {"role": "user", "content": GAS_QUESTION},
        {"role": "assistant", "content": "区经济信息委〔任务34〕"},
    ]
    response = client.post("/v1/ask", json={"question": "配合单位呢？", "history": history})
    assert response.status_code == 200
    assert fake.calls == [("配合单位呢？", history)]


def test_session_follow_up_with_the_real_service(real_client: TestClient) -> None:
    session = _new_session(real_client)
    real_client.post("/v1/ask", json={"question": GAS_QUESTION, "session_id": session})
    response = real_client.post("/v1/ask", json={"question": "配合单位有哪些？", "session_id": session})
    assert response.status_code == 200
    assert ("task", 34) in _cited(response.json())


def test_get_task(real_client: TestClient) -> None:
    body = real_client.get("/v1/tasks/34").json()
    assert body["no"] == 34
    assert body["lead_units"] == ["区经济信息委"]
    assert "用气" in body["district_measure"]


def test_unknown_task_and_item_are_404(real_client: TestClient) -> None:
    for path, code in (
        ("/v1/tasks/177", "task_not_found"),
        ("/v1/tasks/0", "task_not_found"),
        ("/v1/items/22", "item_not_found"),
    ):
        response = real_client.get(path)
        assert response.status_code == 404
        assert response.json()["detail"]["code"] == code


def test_list_tasks_without_filters_returns_all_176(real_client: TestClient) -> None:
    tasks = real_client.get("/v1/tasks").json()
    assert [t["no"] for t in tasks] == list(range(1, 177))


def test_list_tasks_resolves_unit_aliases(real_client: TestClient) -> None:
    tasks = real_client.get("/v1/tasks", params={"lead_unit": "税务局"}).json()
    assert tasks
    assert all("区税务局" in t["lead_units"] for t in tasks)


def test_list_tasks_by_keyword_and_section(real_client: TestClient) -> None:
    by_keyword = real_client.get("/v1/tasks", params={"q": "用气"}).json()
    assert 34 in [t["no"] for t in by_keyword]
    section = by_keyword[0]["section"]
    in_section = real_client.get("/v1/tasks", params={"section": section}).json()
    assert in_section and all(t["section"] == section for t in in_section)
    assert real_client.get("/v1/tasks", params={"q": "不存在的关键词XYZ"}).json() == []


def test_get_item(real_client: TestClient) -> None:
    body = real_client.get("/v1/items/1").json()
    assert body["index"] == 1
    assert body["title"] == "畅通市场准入"


def test_units_list_counts(real_client: TestClient) -> None:
    units = {u["name"]: u for u in real_client.get("/v1/units").json()}
    assert units["区经济信息委"]["lead_count"] >= 2
    assert units["区税务局"]["english"]


def test_models_lists_policyqa(real_client: TestClient) -> None:
    body = real_client.get("/v1/models").json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["policyqa"]
    assert real_client.get("/v1/models/policyqa").json()["id"] == "policyqa"
    assert real_client.get("/v1/models/gpt-4").status_code == 404


def test_health_and_ready(real_client: TestClient) -> None:
    assert real_client.get("/healthz").json() == {"status": "ok"}
    ready = real_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["index_version"]


def test_openapi_documents_every_endpoint_with_named_schemas(real_client: TestClient) -> None:
    spec = real_client.get("/openapi.json").json()
    expected_paths = {
        "/v1/ask",
        "/v1/chat/completions",
        "/v1/tasks",
        "/v1/tasks/{no}",
        "/v1/items/{index}",
        "/v1/units",
        "/v1/sessions",
        "/v1/sessions/{session_id}",
        "/v1/feedback",
        "/v1/models",
        "/healthz",
        "/readyz",
    }
    assert expected_paths <= set(spec["paths"])
    schemas = set(spec["components"]["schemas"])
    assert {
        "AskRequest",
        "AskResponse",
        "CitationOut",
        "TaskOut",
        "ItemOut",
        "UnitOut",
        "ErrorResponse",
        "SessionOut",
        "FeedbackIn",
        "FeedbackOut",
    } <= schemas
    assert {"ChatCompletionRequest", "ChatCompletionResponse"} <= schemas
    assert "503" in spec["paths"]["/v1/ask"]["post"]["responses"]
