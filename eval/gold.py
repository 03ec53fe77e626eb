"""The gold-question schema (eval/gold/qa.jsonl and any hidden file of the same shape) and its loader."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vectorstore.errors import ConfigurationError

logger = logging.getLogger(__name__)

DEFAULT_GOLD_PATH = Path(__file__).resolve().parent / "gold" / "qa.jsonl"
HELDOUT_GOLD_PATH = DEFAULT_GOLD_PATH.with_name("heldout.jsonl")
OUT_OF_SCOPE = "out_of_scope"
UNIT_TASKS = "unit_tasks"
ENGLISH = "english"
MULTI_TURN = "multi_turn"
META = "meta"
QUESTION_TYPES = (
    "lead_unit",
    "coop_unit",
    "numeric_fact",
    "task_lookup",
    UNIT_TASKS,
    "notice_item",
    META,
    ENGLISH,
    "paraphrase",
    MULTI_TURN,
    OUT_OF_SCOPE,
)
# Types whose answer is one short fact (a unit, a number, a date, an item's point): it belongs in the first line.
SHORT_ANSWER_TYPES = frozenset(
    {"lead_unit", "coop_unit", "numeric_fact", "paraphrase", ENGLISH, MULTI_TURN, META, "notice_item"}
)
MAX_TASK = 176
MAX_ITEM = 21


class SourceRef(BaseModel):
    """One citable record: an annex row (task), a notice item, or a fact of the notice itself (meta)."""

    model_config = ConfigDict(frozen=True)

    type: Literal["task", "item", "meta"]
    id: int

    def label(self) -> str:
        """A short stable label such as `task:34`."""
        return f"{self.type}:{self.id}"


class Turn(BaseModel):
    """One prior turn of a conversation."""

    role: Literal["user", "assistant", "system"]
    content: str


class GoldQuestion(BaseModel):
    """One gold question with its expected sources and answer strings."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    type: str
    question: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list)
    gold_tasks: list[int] = Field(default_factory=list)
    gold_items: list[int] = Field(default_factory=list)
    answer_must_contain_any: list[list[str]] = Field(default_factory=list)
    primary: SourceRef | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _check(self) -> GoldQuestion:
        bad_tasks = [n for n in self.gold_tasks if not 1 <= n <= MAX_TASK]
        bad_items = [n for n in self.gold_items if not 1 <= n <= MAX_ITEM]
        if bad_tasks or bad_items:
            raise ValueError(f"source numbers out of range: tasks {bad_tasks}, items {bad_items}")
        if any(not group for group in self.answer_must_contain_any):
            raise ValueError("answer_must_contain_any holds an empty group")
        if self.primary is not None and self.primary not in self.gold_sources():
            raise ValueError(f"primary {self.primary.label()} is not among the gold sources")
        return self

    def gold_sources(self) -> list[SourceRef]:
        """All gold sources, tasks first then items, in file order."""
        tasks = [SourceRef(type="task", id=n) for n in self.gold_tasks]
        return tasks + [SourceRef(type="item", id=n) for n in self.gold_items]

    def primary_source(self) -> SourceRef | None:
        """The primary source: the explicit `primary`, else the first gold task, else the first gold item."""
        if self.primary is not None:
            return self.primary
        sources = self.gold_sources()
        return sources[0] if sources else None

    def history_dicts(self) -> list[dict[str, str]]:
        """History as OpenAI-style dicts, the shape `service.ask` takes."""
        return [turn.model_dump() for turn in self.history]


def load_gold(path: Path) -> list[GoldQuestion]:
    """Read a gold JSONL file; raise ConfigurationError naming the line of any bad record."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigurationError(f"cannot read gold file {path}: {exc}") from exc
    questions: list[GoldQuestion] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            questions.append(GoldQuestion.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ConfigurationError(f"{path}:{lineno}: invalid gold record: {exc}") from exc
    _check_ids(questions, path)
    unknown = sorted({q.type for q in questions} - set(QUESTION_TYPES))
    if unknown:
        logger.warning("gold file %s uses question types outside the known set: %s", path, unknown)
    return questions


def _check_ids(questions: list[GoldQuestion], path: Path) -> None:
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise ConfigurationError(f"{path}: duplicate gold id {question.id!r}")
        seen.add(question.id)
    if not questions:
        raise ConfigurationError(f"{path}: no gold questions")
