"""Grounded, extractive answers composed from records: every quote is verbatim from the record it cites."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.markers import int_to_cn
from assistant.models import Citation
from ingest.records import NoticeItem, PolicyDocument, Task
from prompts import format_phrase

_SENTENCE_RE = re.compile(r"[^。；！？]+[。；！？]?")
_DIGIT_RE = re.compile(r"\d")
EnglishName = Callable[[str], str]


def marker(kind: str, ref: int, lang: str) -> str:
    """The citation marker of a record in the answer language."""
    if kind == "task":
        return format_phrase("marker_task", lang, no=ref)
    if kind == "item":
        return format_phrase("marker_item", lang, index=ref, cn=int_to_cn(ref))
    return format_phrase("marker_meta", lang)


def unit_names(units: list[str], lang: str, english: EnglishName) -> str:
    """Unit list in the answer language (Chinese names, English name added for English answers)."""
    if not units:
        return format_phrase("none_value", lang)
    names = [format_phrase("unit_name", lang, name=u, english=english(u)) for u in units]
    return format_phrase("unit_separator", lang).join(names)


def sentences(text: str) -> list[str]:
    """Split record text into verbatim sentences/clauses ending in 。；！？."""
    return [s for s in _SENTENCE_RE.findall(text) if s.strip()]


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text.lower())
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def best_sentences(texts: list[str], question: str, want_numbers: bool, limit: int = 2) -> list[str]:
    """The sentences of `texts` that best match the question (numbers preferred when asked for)."""
    q = _bigrams(question)
    scored = []
    for order, sent in enumerate(s for t in texts for s in sentences(t)):
        overlap = len(q & _bigrams(sent))
        bonus = 2.5 if want_numbers and _DIGIT_RE.search(sent) else 0.0
        scored.append((overlap + bonus, -order, sent))
    scored.sort(reverse=True)
    chosen = [s for _, _, s in scored[:limit] if s]
    order_of = {s: i for i, s in enumerate(s for t in texts for s in sentences(t))}
    return sorted(dict.fromkeys(chosen), key=lambda s: order_of[s])


def task_citation(task: Task, quote: str, score: float = 0.0) -> Citation:
    """A citation card for a task row."""
    return Citation(
        type="task",
        id=task.no,
        section=task.section,
        title=task.city_task.split("，", 1)[0].rstrip("。"),
        lead_units=list(task.lead_units),
        coop_units=list(task.coop_units),
        quote=quote,
        score=score,
    )


def item_citation(item: NoticeItem, quote: str, score: float = 0.0) -> Citation:
    """A citation card for a notice item."""
    return Citation(
        type="item",
        id=item.index,
        section=item.part,
        title=item.title,
        lead_units=list(item.responsible_units),
        quote=quote,
        score=score,
    )


def meta_citation(ref: int, title: str, quote: str, score: float = 0.0) -> Citation:
    """A citation card for a fact of the notice itself."""
    return Citation(type="meta", id=ref, title=title, quote=quote, score=score)


def compose_task(
    task: Task, question: str, intent: str, lang: str, english: EnglishName, wants_coop: bool = False
) -> tuple[str, Citation]:
    """Answer about one task: responsible units and the commitment, quoted, each with its marker."""
    mk = marker("task", task.no, lang)
    lead = unit_names(task.lead_units, lang, english)
    lines = []
    if intent == "who_coops" or wants_coop:
        if task.coop_units:
            coop = unit_names(task.coop_units, lang, english)
            lines.append(format_phrase("lead_coop_answer", lang, lead_units=lead, coop_units=coop, marker=mk))
        else:
            lines.append(format_phrase("lead_answer", lang, units=lead, marker=mk))
            lines.append(format_phrase("no_coop_units", lang, marker=mk))
    else:
        lines.append(format_phrase("lead_answer", lang, units=lead, marker=mk))
    quotes = best_sentences([task.city_task, task.district_measure], question, intent == "numeric")
    quoted = [format_phrase("numeric_answer", lang, quote=q, marker=mk) for q in quotes]
    lines = [*quoted, *lines] if intent == "numeric" else [*lines, *quoted]
    return "\n".join(lines), task_citation(task, quotes[0])


def compose_task_card(task: Task, lang: str, english: EnglishName) -> tuple[str, Citation]:
    """The whole row, for explicit task-number lookups."""
    text = format_phrase(
        "task_card",
        lang,
        no=task.no,
        section=task.section,
        city_task=task.city_task,
        district_measure=task.district_measure,
        lead_units=unit_names(task.lead_units, lang, english),
        coop_units=unit_names(task.coop_units, lang, english),
        marker=marker("task", task.no, lang),
    )
    return text, task_citation(task, task.district_measure)


def compose_item(
    item: NoticeItem, question: str, lang: str, english: EnglishName, full: bool
) -> tuple[str, Citation]:
    """Answer from a notice item: its responsible units and the most relevant sentences."""
    mk = marker("item", item.index, lang)
    units = unit_names(item.responsible_units, lang, english)
    if full:
        text = format_phrase(
            "item_card",
            lang,
            index=item.index,
            cn=int_to_cn(item.index),
            part=item.part,
            title=item.title,
            text=item.text,
            units=units,
            marker=mk,
        )
        return text, item_citation(item, item.text)
    quotes = best_sentences([item.text], question, want_numbers=True)
    lines = [format_phrase("numeric_answer", lang, quote=q, marker=mk) for q in quotes]
    quote = quotes[0]
    if item.responsible_units:
        lines.append(
            format_phrase(
                "item_responsible",
                lang,
                index=item.index,
                cn=int_to_cn(item.index),
                title=item.title,
                units=units,
                marker=mk,
            )
        )
    return "\n".join(lines), item_citation(item, quote)


def summary(task: Task) -> str:
    """A verbatim short summary of a task: the first clause of its city-level task."""
    first = sentences(task.city_task)[0]
    return first.split("，", 1)[0] if len(first) > 40 else first


def compose_unit_list(
    unit: str, tasks: list[Task], role: str, lang: str, english: EnglishName
) -> tuple[str, list[Citation]]:
    """The complete list of tasks a unit leads (role='lead') or cooperates on (role='coop')."""
    name = unit_names([unit], lang, english)
    if not tasks:
        return format_phrase(f"task_list_empty_{role}", lang, unit=name), []
    lines = [format_phrase(f"task_list_{role}_header", lang, unit=name, n=len(tasks))]
    citations = []
    for task in tasks:
        short = summary(task)
        lines.append(
            format_phrase(
                "task_list_line", lang, no=task.no, summary=short, marker=marker("task", task.no, lang)
            )
        )
        citations.append(task_citation(task, short))
    return "\n".join(lines), citations


def meta_quote(doc: PolicyDocument, ref: int) -> str:
    """Verbatim document text behind meta chunk `ref` (chunk 5's counts are derived, so it quotes the annex title)."""
    m = doc.meta
    verbatim = {1: m.title, 2: m.preamble, 3: m.guiding_ideology, 4: m.goals, 5: m.annex_title}
    return verbatim.get(ref, "")


def meta_facts(doc: PolicyDocument) -> dict[str, tuple[int, str]]:
    """Fact name -> (meta chunk id, verbatim value) for meta questions."""
    m = doc.meta
    return {
        "date": (1, m.date),
        "issuers": (1, "、".join(m.issuers)),
        "title": (1, m.title),
        "implements": (2, m.implements),
        "based_on": (2, "".join(m.based_on)),
        "target_year": (4, str(m.target_year)),
        "goals": (4, m.goals),
        "guiding": (3, m.guiding_ideology),
        "task_count": (5, str(len(doc.tasks))),
        "annex": (5, m.annex_title),
        "recipients": (1, m.recipients),
    }
