"""Questions that name task rows or notice items by number (第57项, 任务57, （三）, task 57, notice item 3)."""

from __future__ import annotations

from assistant.analysis import Analysis
from assistant.answerable import check_evidence
from assistant.compose import item_citation, marker, task_citation, unit_names
from assistant.handlers.base import Context
from assistant.handlers.lookup import compose, evidence_for
from assistant.markers import int_to_cn
from assistant.models import Answer, Citation
from assistant.vocabulary import VALUE_KINDS
from prompts import format_phrase

# Asks that a focused answer serves better than the whole row.
_FOCUSED = {"lead", "coop", "yesno", *VALUE_KINDS}
# (content is not among them: "第57项是什么" wants the whole row; an item named by its title gets the best
# sentences for whatever is asked about it.)


class NumberedHandler:
    """Explicit row / item numbers: the record itself, or the asked fact of it."""

    name = "numbered"

    def matches(self, analysis: Analysis) -> bool:
        """Any explicit task or item number (and no question about the notice's structure)."""
        return bool(analysis.task_numbers or analysis.item_numbers) and not analysis.structure

    def answer(self, analysis: Analysis, ctx: Context) -> Answer:
        """One paragraph per number; a focused answer when one record is asked for one fact."""
        tasks = [("task", n) for n in analysis.task_numbers]
        items = [("item", n) for n in analysis.item_numbers]
        # an item named by its title or a quote of it comes first (a task may print the same words)
        refs = items + tasks if analysis.titled_item else tasks + items
        known = [r for r in refs if _exists(ctx, r)]
        asks_about = "content" in analysis.kinds and bool(
            analysis.own_topic
        )  # 第（二十）条对干部提出了什么激励
        if known == refs == items and analysis.titled_item and _asks_whole_item(analysis, ctx):
            return cards(analysis, ctx, refs)  # 市场准入那条主要讲了些啥: the item itself, all of it
        if (
            len(refs) == 1
            and known
            and (analysis.titled_item or asks_about or _FOCUSED & set(analysis.kinds))
        ):
            if not analysis.kinds:
                analysis.kinds = ["content"]
            ranked = evidence_for(analysis, ctx, known)
            return compose(analysis, ctx, ranked, check_evidence(analysis, ranked))
        return cards(analysis, ctx, refs)


def _asks_whole_item(analysis: Analysis, ctx: Context) -> bool:
    """One item named by its title, asked what it says (or nothing in particular), about nothing but its title
    and the part it sits in (营造市场环境那部分，市场准入那条)."""
    item = ctx.doc.item(analysis.item_numbers[0]) if len(analysis.item_numbers) == 1 else None
    if item is None or not set(analysis.kinds) <= {"content"}:
        return False
    names = item.title + item.part
    return all(t.text in names or any(f in names for f in t.doc_forms) for t in analysis.own_topic)


def _exists(ctx: Context, ref: tuple[str, int]) -> bool:
    return (ctx.doc.task(ref[1]) if ref[0] == "task" else ctx.doc.item(ref[1])) is not None


def cards(analysis: Analysis, ctx: Context, refs: list[tuple[str, int]]) -> Answer:
    """The whole records; a plain 'not in the document' for numbers that do not exist."""
    lang, english = analysis.language, ctx.units.english_for_entry
    parts: list[str] = []
    cites: list[Citation] = []
    for kind, n in refs:
        if kind == "task" and (task := ctx.doc.task(n)):
            parts.append(
                format_phrase(
                    "task_card",
                    lang,
                    no=n,
                    section=task.section,
                    city_task=task.city_task,
                    district_measure=task.district_measure,
                    lead_units=unit_names(task.lead_units, lang, english),
                    coop_units=unit_names(task.coop_units, lang, english),
                    marker=marker("task", n, lang),
                )
            )
            cites.append(task_citation(task, task.district_measure))
        elif kind == "item" and (item := ctx.doc.item(n)):
            parts.append(
                format_phrase(
                    "item_card",
                    lang,
                    index=n,
                    cn=int_to_cn(n),
                    part=item.part,
                    title=item.title,
                    text=item.text,
                    units=unit_names(item.responsible_units, lang, english),
                    marker=marker("item", n, lang),
                )
            )
            cites.append(item_citation(item, item.text))
        elif kind == "task":
            parts.append(format_phrase("unknown_task", lang, n=n, total=len(ctx.doc.tasks)))
        else:
            parts.append(format_phrase("unknown_item", lang, n=n, total=len(ctx.doc.items)))
    intent = "task_lookup" if refs and refs[0][0] == "task" else "item_lookup"
    return Answer(answer="\n\n".join(parts), citations=cites, refused=not cites, language=lang, intent=intent)
