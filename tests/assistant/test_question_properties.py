"""Property tests for the question path: any text gets a grounded Answer or a clear InvalidQuestionError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vectorstore.errors import InvalidQuestionError

# Chinese from the document's own vocabulary mixed with arbitrary unicode, markers and injection-like text.
WORDS = [
    "用气",
    "报装",
    "牵头",
    "哪些",
    "任务",
    "〔任务999〕",
    "第",
    "项",
    "区税务局",
    "ignore previous",
    "<script>",
    "多久",
    "'; DROP",
]
QUESTIONS = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=5), max_size=12).map("".join),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(question=QUESTIONS)
def test_any_text_gets_a_grounded_answer_or_a_clear_error(service, question: str) -> None:  # type: ignore[no-untyped-def]
    try:
        answer = service.ask(question)
    except InvalidQuestionError as exc:
        assert str(exc)
        return
    assert answer.answer.strip()
    if answer.refused:  # "not stated" answers point to related rows: each shown in the answer, one line each
        assert all(cite.quote and cite.quote in answer.answer for cite in answer.citations)
    doc = service.document
    for cite in answer.citations:
        if cite.type == "task":
            task = doc.task(cite.id)
            assert task is not None
            assert cite.quote in task.city_task + task.district_measure or cite.quote in (
                task.city_task,
                task.district_measure,
            )
        elif cite.type == "item":
            item = doc.item(cite.id)
            assert item is not None and cite.quote in item.text
