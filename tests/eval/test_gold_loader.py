"""load_gold: accepts any file of the gold schema, rejects malformed ones with the line number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.gold import GoldQuestion, SourceRef, load_gold
from vectorstore.errors import ConfigurationError

GOOD: dict[str, Any] = {
    "id": "q1",
    "type": "lead_unit",
    "question": "压减用气接入时间谁牵头？",
    "history": [],
    "gold_tasks": [34],
    "gold_items": [3],
    "answer_must_contain_any": [["经济信息委"]],
    "notes": "",
}


def write(tmp_path: Path, *records: dict[str, Any] | str) -> Path:
    path = tmp_path / "gold.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_valid_file_loads_with_defaults(tmp_path: Path) -> None:
    [question] = load_gold(write(tmp_path, GOOD, ""))
    assert question.primary_source() == SourceRef(type="task", id=34)
    assert question.gold_sources() == [SourceRef(type="task", id=34), SourceRef(type="item", id=3)]
    assert question.history_dicts() == []


def test_explicit_primary_wins_and_history_converts(tmp_path: Path) -> None:
    record = dict(GOOD, primary={"type": "item", "id": 3}, history=[{"role": "user", "content": "嗯"}])
    [question] = load_gold(write(tmp_path, record))
    assert question.primary_source() == SourceRef(type="item", id=3)
    assert question.history_dicts() == [{"role": "user", "content": "嗯"}]


def test_items_only_question_has_item_primary() -> None:
    question = GoldQuestion.model_validate(dict(GOOD, gold_tasks=[]))
    assert question.primary_source() == SourceRef(type="item", id=3)


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ((GOOD, GOOD), "duplicate gold id 'q1'"),
        ((GOOD, "{not json"), ":2: invalid gold record"),
        ((dict(GOOD, gold_tasks=[177]),), ":1: invalid gold record"),
        ((dict(GOOD, gold_items=[22]),), ":1: invalid gold record"),
        ((dict(GOOD, answer_must_contain_any=[[]]),), "empty group"),
        ((dict(GOOD, primary={"type": "task", "id": 1}),), "not among the gold sources"),
        ((dict(GOOD, question=""),), ":1: invalid gold record"),
        (("",), "no gold questions"),
    ],
)
def test_malformed_files_are_rejected(
    tmp_path: Path, records: tuple[dict[str, Any] | str, ...], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_gold(write(tmp_path, *records))


def test_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read gold file"):
        load_gold(tmp_path / "nope.jsonl")
