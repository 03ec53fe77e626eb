"""Suggested next questions: built from the cited row (units, time limits, neighbours), zh and en."""

from __future__ import annotations

import pytest

from assistant.config import REPO_ROOT
from assistant.models import Answer, Citation
from assistant.suggestions import has_time_limit, suggest_questions
from ingest.parser import load_document
from ingest.records import PolicyDocument


@pytest.fixture(scope="module")
def document() -> PolicyDocument:
    return load_document(REPO_ROOT / "data" / "jiulongpo-business-environment-2021.txt")


def _cite(*refs: tuple[str, int], language: str = "zh", refused: bool = False) -> Answer:
    citations = [Citation(type=kind, id=n) for kind, n in refs]  # type: ignore[arg-type]
    return Answer(answer="…", citations=citations, language=language, refused=refused)  # type: ignore[arg-type]


def test_task_suggestions_name_its_unit_time_limits_and_neighbour(document: PolicyDocument) -> None:
    task = document.task(34)
    assert task is not None and has_time_limit(task)
    suggestions = suggest_questions(_cite(("task", 34)), document)
    assert suggestions[0] == f"{task.lead_units[0]}牵头哪些任务？"
    assert "任务34规定了哪些办理时限？" in suggestions
    neighbour = 35 if document.task(35).section == task.section else 33  # type: ignore[union-attr]
    assert f"第{neighbour}项任务是什么？" in suggestions
    assert not any("配合单位" in s for s in suggestions) or task.coop_units


def test_cooperating_units_are_suggested_only_when_the_row_has_them(document: PolicyDocument) -> None:
    with_coop = next(t for t in document.tasks if t.coop_units)
    without = next(t for t in document.tasks if not t.coop_units)
    assert f"任务{with_coop.no}的配合单位有哪些？" in suggest_questions(
        _cite(("task", with_coop.no)), document
    )
    assert not any("配合单位" in s for s in suggest_questions(_cite(("task", without.no)), document))


def test_english_items_refusals_and_the_asked_question(document: PolicyDocument) -> None:
    english = suggest_questions(_cite(("item", 3), language="en"), document)
    assert english == ["Which units are responsible for notice item 3?", "What does notice item 4 say?"]
    assert suggest_questions(_cite(("task", 34), refused=True), document) == []
    asked = "第35项任务是什么？"
    assert asked not in suggest_questions(_cite(("task", 34)), document, question=asked)
    assert len(suggest_questions(_cite(("task", 34), ("task", 35), ("task", 36)), document)) <= 4
