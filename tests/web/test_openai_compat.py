"""The OpenAI-compatible endpoint: raw JSON and SSE, the official openai client and langchain's ChatOpenAI."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from openai import OpenAI

from tests.web.conftest import GAS_QUESTION, ClientFactory
from tests.web.fakes import FakeService


def _sse_events(text: str) -> list[str]:
    return [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]


def test_completion_has_the_standard_shape_and_citations(real_client: TestClient) -> None:
    response = real_client.post(
        "/v1/chat/completions",
        json={
            "model": "policyqa",
            "messages": [{"role": "user", "content": GAS_QUESTION}],
            "temperature": 0.2,
            "n": 1,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["finish_reason"] == "stop"
    assert "区经济信息委" in choice["message"]["content"]
    assert {"type": "task", "id": 34} in [{"type": c["type"], "id": c["id"]} for c in body["citations"]]


def test_stream_is_sse_chunks_then_citations_then_done(real_client: TestClient) -> None:
    messages = [{"role": "user", "content": GAS_QUESTION}]
    plain = real_client.post("/v1/chat/completions", json={"messages": messages}).json()
    response = real_client.post("/v1/chat/completions", json={"messages": messages, "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _sse_events(response.text)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    content = "".join(chunk["choices"][0]["delta"].get("content", "") for chunk in chunks)
    assert content == plain["choices"][0]["message"]["content"]
    final = chunks[-1]
    assert final["choices"][0]["finish_reason"] == "stop"
    assert 34 in [c["id"] for c in final["citations"] if c["type"] == "task"]
    assert all("citations" not in chunk for chunk in chunks[:-1])


def test_earlier_messages_become_history(make_client: ClientFactory, fake: FakeService) -> None:
    messages = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": GAS_QUESTION},
        {"role": "assistant", "content": "区经济信息委〔任务34〕"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "配合单位"}, {"type": "text", "text": "有哪些？"}],
        },
    ]
    response = make_client(fake).post("/v1/chat/completions", json={"model": "any", "messages": messages})
    assert response.status_code == 200
    assert fake.calls == [
        (
            "配合单位有哪些？",
            [
                {"role": "user", "content": GAS_QUESTION},
                {"role": "assistant", "content": "区经济信息委〔任务34〕"},
            ],
        )
    ]


def test_official_openai_client(real_client: TestClient) -> None:
    client = OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=real_client)
    assert [model.id for model in client.models.list()] == ["policyqa"]
    completion = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": GAS_QUESTION}], temperature=0
    )
    assert "区经济信息委" in (completion.choices[0].message.content or "")
    assert 34 in [c["id"] for c in (completion.model_extra or {})["citations"] if c["type"] == "task"]

    stream = client.chat.completions.create(
        model="policyqa", messages=[{"role": "user", "content": GAS_QUESTION}], stream=True
    )
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == completion.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert 34 in [c["id"] for c in (chunks[-1].model_extra or {})["citations"] if c["type"] == "task"]


def test_openai_client_sees_api_key_errors(make_client: ClientFactory, fake: FakeService) -> None:
    import openai

    http = make_client(fake, api_key="right")
    client = OpenAI(base_url="http://testserver/v1", api_key="wrong", http_client=http, max_retries=0)
    try:
        client.chat.completions.create(model="policyqa", messages=[{"role": "user", "content": GAS_QUESTION}])
    except openai.AuthenticationError as exc:
        assert exc.status_code == 401
    else:
        raise AssertionError("a wrong key must be rejected")
    ok = OpenAI(base_url="http://testserver/v1", api_key="right", http_client=http)
    assert ok.chat.completions.create(model="policyqa", messages=[{"role": "user", "content": "q"}]).choices


def test_langchain_chat_openai(real_client: TestClient) -> None:
    chat = ChatOpenAI(
        model="policyqa",
        base_url="http://testserver/v1",
        api_key="unused",
        http_client=real_client,
        temperature=0,
    )
    reply = chat.invoke([SystemMessage("Answer from the plan."), HumanMessage(GAS_QUESTION)])
    assert isinstance(reply, AIMessage)
    assert "区经济信息委" in str(reply.content)
    streamed = "".join(str(chunk.content) for chunk in chat.stream([HumanMessage(GAS_QUESTION)]))
    assert streamed == reply.content
