"""Records -> verbatim sentences: every task cell and notice item split at 。；！？ (the unit of evidence)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ingest.records import PolicyDocument

Cell = Literal["city", "district", "item", "meta"]
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")


@dataclass(frozen=True)
class Sentence:
    """One verbatim sentence of a record: which record, which cell, its position and text."""

    type: Literal["task", "item", "meta"]
    ref: int
    cell: Cell
    position: int
    text: str


def split_sentences(text: str) -> list[str]:
    """Verbatim sentences/clauses of `text`, each ending in 。；！？ when the text has one."""
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def record_sentences(doc: PolicyDocument) -> dict[tuple[str, int], list[Sentence]]:
    """The sentences of every task (city cell, then district cell) and notice item, keyed by (type, ref)."""
    table: dict[tuple[str, int], list[Sentence]] = {}
    for task in doc.tasks:
        cells: list[tuple[Cell, str]] = [("city", task.city_task), ("district", task.district_measure)]
        table[("task", task.no)] = [
            Sentence("task", task.no, cell, n, s)
            for n, (cell, s) in enumerate((c, s) for c, text in cells for s in split_sentences(text))
        ]
    for item in doc.items:
        table[("item", item.index)] = [
            Sentence("item", item.index, "item", n, s) for n, s in enumerate(split_sentences(item.text))
        ]
    for ref, text in meta_records(doc).items():
        table[("meta", ref)] = [
            Sentence("meta", ref, "meta", n, s) for n, s in enumerate(split_sentences(text))
        ]
    return table


def meta_records(doc: PolicyDocument) -> dict[int, str]:
    """The notice's own paragraphs that answer questions, by meta chunk id: preamble, 指导思想, 工作目标."""
    return {2: doc.meta.preamble, 3: doc.meta.guiding_ideology, 4: doc.meta.goals}


def record_text(doc: PolicyDocument, kind: str, ref: int) -> str:
    """The full text of a record (both columns and the units of a task; an item's text)."""
    if kind == "task" and (task := doc.task(ref)):
        return "".join([task.city_task, task.district_measure, *task.lead_units, *task.coop_units])
    if kind == "item" and (item := doc.item(ref)):
        return item.text
    if kind == "meta":
        return meta_records(doc).get(ref, "")
    return ""
