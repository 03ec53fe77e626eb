"""Suggested next questions under an answer, built from the record it cites first.

From a cited annex row: who else the lead unit works for (its other tasks), the row's time limits (when it
states any), its cooperating units, and its neighbouring row in the same section. From a notice item: its
responsible units and the next item. Phrasings live in prompts/suggestions.toml (zh, en).
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.models import Answer, Citation
from ingest.records import NoticeItem, PolicyDocument, Task
from prompts import load_toml

Lang = Literal["zh", "en"]
MAX_SUGGESTIONS = 4
# a number followed by a unit of time, as the table states its commitments (13个工作日, 4小时, 3天内)
TIME_LIMIT = re.compile(r"\d+(?:\.\d+)?\s*(?:个)?(?:工作日|自然日|日|天|小时|个月|周)")


def _phrase(key: str, lang: Lang, **fields: object) -> str:
    template: str = load_toml("suggestions")[lang][key]
    return template.format(**fields)


def has_time_limit(task: Task) -> bool:
    """Whether the row states a time limit in either column."""
    return bool(TIME_LIMIT.search(task.city_task) or TIME_LIMIT.search(task.district_measure))


def _neighbour(document: PolicyDocument, task: Task) -> Task | None:
    """The next row of the same section (else the previous one)."""
    for no in (task.no + 1, task.no - 1):
        other = document.task(no)
        if other is not None and other.section == task.section:
            return other
    return None


def _for_task(document: PolicyDocument, task: Task, lang: Lang) -> list[str]:
    out = []
    if task.lead_units:
        out.append(_phrase("lead_tasks", lang, unit=task.lead_units[0]))
    if has_time_limit(task):
        out.append(_phrase("time_limits", lang, no=task.no))
    if task.coop_units:
        out.append(_phrase("coop_units", lang, no=task.no))
    neighbour = _neighbour(document, task)
    if neighbour is not None:
        out.append(_phrase("neighbour_task", lang, no=neighbour.no))
    return out


def _for_item(document: PolicyDocument, item: NoticeItem, lang: Lang) -> list[str]:
    out = []
    if item.responsible_units:
        out.append(_phrase("item_units", lang, id=item.index))
    nxt = document.item(item.index + 1) or document.item(item.index - 1)
    if nxt is not None:
        out.append(_phrase("neighbour_item", lang, id=nxt.index))
    return out


def _for_citation(document: PolicyDocument, citation: Citation, lang: Lang) -> list[str]:
    if citation.type == "task" and (task := document.task(citation.id)):
        return _for_task(document, task, lang)
    if citation.type == "item" and (item := document.item(citation.id)):
        return _for_item(document, item, lang)
    return []


def suggest_questions(
    answer: Answer, document: PolicyDocument, question: str = "", limit: int = MAX_SUGGESTIONS
) -> list[str]:
    """Up to `limit` follow-up questions from the answer's cited records (none for a refusal)."""
    if answer.refused:
        return []
    asked = question.strip()
    out: list[str] = []
    for citation in answer.citations:
        for suggestion in _for_citation(document, citation, answer.language):
            if suggestion != asked and suggestion not in out:
                out.append(suggestion)
        if len(out) >= limit:
            break
    return out[:limit]
