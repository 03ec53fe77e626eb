"""Generative mode end to end through the service, against a FAKE OpenAI-compatible server (no LLM offline)."""

from __future__ import annotations

import pytest

from assistant.llm import make_chat_model
from assistant.service import PolicyQAService
from tests.assistant.fake_openai_server import FakeOpenAIServer, FakeReply

QUESTION = "用气报装由哪个部门牵头？"


def llm_service(service, base_url: str, timeout: float = 5.0) -> PolicyQAService:  # type: ignore[no-untyped-def]
    """The session service's index and units, with a chat model pointed at the fake server."""
    return PolicyQAService(
        service.holder, service.units, chat_model=make_chat_model(base_url, "fake-model", None, timeout)
    )


def test_generated_answer_keeps_only_retrieved_citations(service) -> None:  # type: ignore[no-untyped-def]
    reply = "用气报装由区经济信息委牵头〔任务34〕，总用时不超过13个工作日。另见〔任务999〕。"
    with FakeOpenAIServer([FakeReply(content=reply)]) as fake:
        answer = llm_service(service, fake.base_url).ask(QUESTION)
    assert "区经济信息委" in answer.answer and "〔任务34〕" in answer.answer
    assert "〔任务999〕" not in answer.answer
    assert [(c.type, c.id) for c in answer.citations] == [("task", 34)]
    prompt = str(fake.requests[0]["messages"])
    assert "〔任务34〕" in prompt  # the retrieved sources were in the prompt


@pytest.mark.parametrize(
    "reply",
    [
        FakeReply(content="我不知道。"),  # no valid citation left
        FakeReply(content="〔任务999〕说了算。"),  # only an invented citation
        FakeReply(content="boom", status=500),  # endpoint error
        FakeReply(content="太慢了〔任务34〕", delay=3.0),  # beyond the client timeout
    ],
)
def test_unusable_llm_output_falls_back_to_the_grounded_answer(service, reply: FakeReply) -> None:  # type: ignore[no-untyped-def]
    grounded = service.ask(QUESTION)
    with FakeOpenAIServer([reply]) as fake:
        answer = llm_service(service, fake.base_url, timeout=1.0).ask(QUESTION)
    assert answer.answer == grounded.answer
    assert [(c.type, c.id) for c in answer.citations] == [(c.type, c.id) for c in grounded.citations]


def test_refused_question_never_reaches_the_llm(service) -> None:  # type: ignore[no-untyped-def]
    with FakeOpenAIServer([FakeReply(content="重庆明天晴〔任务1〕")]) as fake:
        answer = llm_service(service, fake.base_url).ask("明天重庆天气怎么样？")
    assert answer.refused and answer.citations == []
    assert fake.requests == []
