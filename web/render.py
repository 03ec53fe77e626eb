"""Render answers, citations and tasks for the UI: HTML (every user/record text escaped) and plain text."""

from __future__ import annotations

from html import escape

from assistant.models import Answer, Citation
from ingest.records import NoticeItem, PolicyDocument, Task
from web.highlight import highlight, quote_sentences
from web.labels import Lang, UiLabels

MEASURE_PREVIEW_CHARS = 80


def _lines(text: str) -> str:
    """Escape `text` and keep its line breaks without blank lines (which would end a Markdown HTML block)."""
    return "<br>".join(escape(line) for line in text.splitlines() if line.strip())


def _units(units: list[str], labels: UiLabels, lang: Lang) -> str:
    return "、".join(units) if units else labels.text(lang, "none")


def task_source(task: Task, labels: UiLabels, lang: Lang, quote: str = "") -> str:
    """The full annex row (section, lead / cooperating units, both columns), quoted sentences in <mark>."""
    sentences = quote_sentences(quote)
    fields = [
        ("section", escape(task.section)),
        ("lead", escape(_units(task.lead_units, labels, lang))),
        ("coop", escape(_units(task.coop_units, labels, lang))),
        ("city_task", highlight(task.city_task, sentences)),
        ("district_measure", highlight(task.district_measure, sentences)),
    ]
    rows = "".join(f"<dt>{escape(labels.text(lang, key))}</dt><dd>{value}</dd>" for key, value in fields)
    return f'<dl class="pq-source">{rows}</dl>'


def item_source(item: NoticeItem, labels: UiLabels, lang: Lang, quote: str = "") -> str:
    """A full notice item (part, responsible units, text), quoted sentences in <mark>."""
    fields = [
        ("section", escape(item.part)),
        ("lead", escape(_units(item.responsible_units, labels, lang))),
        ("quote", highlight(item.text, quote_sentences(quote))),
    ]
    rows = "".join(f"<dt>{escape(labels.text(lang, key))}</dt><dd>{value}</dd>" for key, value in fields)
    return f'<dl class="pq-source">{rows}</dl>'


def citation_label(citation: Citation, labels: UiLabels, lang: Lang) -> str:
    """A short plain-text name of the cited record, e.g. 任务 34 / Task 34."""
    if citation.type == "task":
        return labels.text(lang, "task_title", no=citation.id)
    if citation.type == "item":
        return labels.text(lang, "item_title", id=citation.id)
    return labels.text(lang, "meta_title")


def citation_card(
    citation: Citation, labels: UiLabels, lang: Lang, document: PolicyDocument | None = None
) -> str:
    """One citation as an expandable <details> card: the full record with the quoted sentences highlighted."""
    parts = [citation_label(citation, labels, lang), citation.section or citation.title]
    if citation.lead_units:
        parts.append(f"{labels.text(lang, 'lead')}：{'、'.join(citation.lead_units)}")
    heading = " · ".join(part for part in parts if part)
    rows = [f"<summary>{escape(heading)}</summary>"]
    record = _record(citation, document)
    if isinstance(record, Task):
        rows.append(task_source(record, labels, lang, citation.quote))
    elif isinstance(record, NoticeItem):
        rows.append(item_source(record, labels, lang, citation.quote))
    else:
        rows += _units_rows(citation, labels, lang)
        if citation.quote:
            rows.append(f"<blockquote>{_lines(citation.quote)}</blockquote>")
    # the chatbot's sanitizer drops data-* attributes, so the cited record travels as a class (pq-task-34)
    return f'<details class="pq-cite pq-{escape(citation.type)}-{citation.id}">{"".join(rows)}</details>'


def _record(citation: Citation, document: PolicyDocument | None) -> Task | NoticeItem | None:
    if document is None:
        return None
    if citation.type == "task":
        return document.task(citation.id)
    if citation.type == "item":
        return document.item(citation.id)
    return None


def _units_rows(citation: Citation, labels: UiLabels, lang: Lang) -> list[str]:
    rows = []
    if citation.type == "task" or citation.lead_units:
        rows.append(
            f"<div><b>{escape(labels.text(lang, 'lead'))}</b>：{escape(_units(citation.lead_units, labels, lang))}</div>"
        )
    if citation.type == "task" or citation.coop_units:
        rows.append(
            f"<div><b>{escape(labels.text(lang, 'coop'))}</b>：{escape(_units(citation.coop_units, labels, lang))}</div>"
        )
    return rows


def render_citations(
    citations: list[Citation], labels: UiLabels, lang: Lang, document: PolicyDocument | None = None
) -> str:
    """All citation cards under a 'sources' heading (empty when there are none)."""
    if not citations:
        return ""
    cards = "".join(citation_card(citation, labels, lang, document) for citation in citations)
    return f'<div class="pq-citations"><div class="pq-sources">{escape(labels.text(lang, "sources"))}</div>{cards}</div>'


def render_answer(
    answer: Answer, labels: UiLabels, lang: Lang, document: PolicyDocument | None = None
) -> str:
    """The chat message of an answer: escaped answer text, a blank line, then the citation cards."""
    body = escape(answer.answer)
    cards = render_citations(answer.citations, labels, lang, document)
    return f"{body}\n\n{cards}" if cards else body


def render_plain(answer: Answer, labels: UiLabels, lang: Lang) -> str:
    """The answer and its citations as plain text, for the copy button."""
    lines = [answer.answer.strip()]
    if answer.citations:
        lines += ["", labels.text(lang, "sources") + ":"]
    for citation in answer.citations:
        head = f"[{citation_label(citation, labels, lang)}] {citation.section or citation.title}".rstrip()
        lines.append(head)
        if citation.type == "task" or citation.lead_units:
            lines.append(f"  {labels.text(lang, 'lead')}: {_units(citation.lead_units, labels, lang)}")
        if citation.type == "task" or citation.coop_units:
            lines.append(f"  {labels.text(lang, 'coop')}: {_units(citation.coop_units, labels, lang)}")
        if citation.quote:
            lines.append(f"  {labels.text(lang, 'quote')}: {' '.join(citation.quote.split())}")
    return "\n".join(lines)


def render_task(task: Task, labels: UiLabels, lang: Lang, quote: str = "") -> str:
    """A full annex task as HTML for the hotline tab: the same source view as a citation card."""
    title = escape(labels.text(lang, "task_title", no=task.no))
    body = task_source(task, labels, lang, quote)
    return f'<div class="pq-task" data-no="{task.no}"><h3>{title}</h3>{body}</div>'


def ticket_text(
    task: Task | None, labels: UiLabels, lang: Lang, answer: Answer | None = None, quote: str = ""
) -> str:
    """A short text for a 12345 ticket: unit, task number, the commitment and the answer's first line."""
    if task is None:
        first = answer.answer.strip().splitlines()[0] if answer and answer.answer.strip() else ""
        return first
    sentences = quote_sentences(quote) or quote_sentences(task.district_measure) or [task.city_task]
    fields = {"unit": "、".join(task.lead_units), "no": task.no, "commitment": sentences[0]}
    if answer is None or not answer.answer.strip():
        return labels.text(lang, "ticket_line_task", **fields)
    return labels.text(lang, "ticket_line", answer=answer.answer.strip().splitlines()[0], **fields)


def task_rows(tasks: list[Task]) -> list[list[str | int]]:
    """Rows of the hotline table: number, section, a preview of the measure, lead and cooperating units."""
    rows: list[list[str | int]] = []
    for task in tasks:
        measure = " ".join(task.district_measure.split())
        if len(measure) > MEASURE_PREVIEW_CHARS:
            measure = measure[:MEASURE_PREVIEW_CHARS] + "…"
        rows.append([task.no, task.section, measure, "、".join(task.lead_units), "、".join(task.coop_units)])
    return rows
