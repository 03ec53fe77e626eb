"""Which tasks does a unit lead (or cooperate on)? Answered completely from the table."""

from __future__ import annotations

import re

from assistant.analysis import Analysis, Language
from assistant.catalog import tasks_for_unit
from assistant.compose import (
    district_gist,
    item_citation,
    item_line,
    marker,
    task_citation,
    task_title,
    unit_names,
)
from assistant.handlers.base import Context
from assistant.models import Answer
from ingest.records import NoticeItem
from prompts import format_phrase

# Sentences of one notice item quoted for a unit named in it (the item says what the unit does).
MAX_NAMING_SENTENCES = 2


class UnitListHandler:
    """A unit plus a list cue (哪些任务, 列出, which tasks, how many tasks)."""

    name = "unit_list"

    def matches(self, analysis: Analysis) -> bool:
        """A known unit and a request for its tasks."""
        return analysis.listing and not analysis.task_numbers

    def answer(self, analysis: Analysis, ctx: Context) -> Answer:
        """Every row whose lead (or coop) cell names the unit."""
        lang, english = analysis.language, ctx.units.english_for_entry
        role = "coop" if "coop" in analysis.kinds and "lead" not in _lead_words(analysis) else "lead"
        unit = analysis.units[0]
        if analysis.in_notice and role == "lead" and (items := _items_for_unit(ctx, unit)):
            return _item_list(items, unit_names([unit], lang, english), lang)  # 正文里哪几条是它负责的
        tasks = tasks_for_unit(ctx.doc, ctx.units, unit, role)
        name = unit_names([unit], lang, english)
        intent = "list_coop" if role == "coop" else "list_lead"
        if not tasks:
            return _named_in_notice(
                ctx, unit, format_phrase(f"task_list_empty_{role}", lang, unit=name), lang, intent
            )
        lines = [format_phrase(f"task_list_{role}_header", lang, unit=name, n=len(tasks))]
        cites = []
        for task in tasks:
            title = task_title(task)
            # the row's title is the city's task; what the district itself commits to follows, when it says more
            gist = district_gist(task)
            summary = title + (format_phrase("task_list_district", lang, gist=gist) if gist else "")
            lines.append(
                format_phrase(
                    "task_list_line", lang, no=task.no, summary=summary, marker=marker("task", task.no, lang)
                )
            )
            cites.append(task_citation(task, title))
        return Answer(answer="\n".join(lines), citations=cites, language=lang, intent=intent)


def _items_for_unit(ctx: Context, unit: str) -> list[NoticeItem]:
    """The notice's numbered items whose 责任单位 name the unit (by any of its names)."""
    return [i for i in ctx.doc.items if unit in ctx.units.find_units("、".join(i.responsible_units))]


def _item_list(items: list[NoticeItem], name: str, lang: Language) -> Answer:
    """The notice's items a unit is responsible for, one line each."""
    lines = [format_phrase("item_list_header", lang, unit=name, n=len(items))]
    lines += [item_line("part_item_line", item, lang) for item in items]
    cites = [item_citation(i, i.title) for i in items]
    return Answer(answer="\n".join(lines), citations=cites, language=lang, intent="list_lead")


def _named_in_notice(ctx: Context, unit: str, empty: str, lang: Language, intent: str) -> Answer:
    """A unit with no row in that role (区优化营商环境工作领导小组): the notice's sentences that name it say what
    it does, quoted verbatim under the 'no task' line."""
    lines, cites = [empty], []
    for (kind, ref), sentences in ctx.sentences.items():
        item = ctx.doc.item(ref) if kind == "item" else None
        if item is None:
            continue
        named = [s.text for s in sentences if unit in ctx.units.find_units(s.text)]
        if not named:
            continue
        quote = "".join(named[:MAX_NAMING_SENTENCES]).strip()
        mk = marker("item", ref, lang)
        lines.append(format_phrase("quote_line", lang, quote=quote, marker=mk, scope=""))
        cites.append(item_citation(item, quote))
    return Answer(answer="\n".join(lines), citations=cites, language=lang, intent=intent)


def _lead_words(analysis: Analysis) -> list[str]:
    return ["lead"] if re.search(r"牵头|负责|\blead", analysis.question, re.I) else []
