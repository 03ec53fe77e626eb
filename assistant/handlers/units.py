"""Which tasks does a unit lead (or cooperate on)? Answered completely from the table."""

from __future__ import annotations

import re

from assistant.analysis import Analysis
from assistant.catalog import tasks_for_unit
from assistant.compose import marker, task_citation, task_title, unit_names
from assistant.handlers.base import Context
from assistant.models import Answer
from prompts import format_phrase


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
        tasks = tasks_for_unit(ctx.doc, ctx.units, unit, role)
        name = unit_names([unit], lang, english)
        intent = "list_coop" if role == "coop" else "list_lead"
        if not tasks:
            text = format_phrase(f"task_list_empty_{role}", lang, unit=name)
            return Answer(answer=text, language=lang, intent=intent)
        lines = [format_phrase(f"task_list_{role}_header", lang, unit=name, n=len(tasks))]
        cites = []
        for task in tasks:
            title = task_title(task)
            lines.append(
                format_phrase(
                    "task_list_line", lang, no=task.no, summary=title, marker=marker("task", task.no, lang)
                )
            )
            cites.append(task_citation(task, title))
        return Answer(answer="\n".join(lines), citations=cites, language=lang, intent=intent)


def _lead_words(analysis: Analysis) -> list[str]:
    return ["lead"] if re.search(r"牵头|负责|\blead", analysis.question, re.I) else []
