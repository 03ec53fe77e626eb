"""Questions about the notice itself: issuers, date, title, what it implements and is based on, goals, its parts
and the items under them, the annex sections and the rows they span. Answered from the parsed records."""

from __future__ import annotations

import re

from assistant.analysis import Analysis
from assistant.compose import item_citation, item_line, marker, meta_citation, task_citation, task_title
from assistant.handlers.base import Context
from assistant.markers import int_to_cn
from assistant.models import Answer, Citation
from assistant.vocabulary import STRUCTURE_CUES
from ingest.annex import COLUMNS
from ingest.records import NoticePart, PolicyDocument
from ingest.structure import find_annex_section, find_notice_section, find_part, named_parts, shared_heads
from prompts import format_phrase

_BODY_WORDS = re.compile(r"正文|通知本身|方案本身|\bbody\b|\bmain text\b", re.I)
_ANNEX_WORDS = re.compile(r"附件|附表|任务清单|任务|清单|\bannex\b|\btasks?\b|\brows?\b", re.I)
_PART_WORDS = re.compile(r"部分|板块|方面|\bpart\b|\bsection\b|这一?块|这一?章", re.I)
_NAMES_ASK = re.compile(r"叫什么|是什么|名称|标题|题目|分别")
_LIST_OR_SCOPE = re.compile(
    r"哪几|哪些|哪[一二两三四五六七八九十]|包括|包含|有几|几项|几条|多少|从第|到第|第几|几号|序号|编号|排到|范围|讲什么|讲的是|内容|什么|标题"
    r"|\bwhich\b|\bwhat\b|\bhow many\b|\blist\b",
    re.I,
)

# The meta chunk each fact is cited from (ingest.chunks numbers them 1..5 in this order).
META_TITLE, META_PREAMBLE, META_GUIDING, META_GOALS, META_ANNEX = 1, 2, 3, 4, 5


class StructureHandler:
    """Facts and structure of the notice."""

    name = "structure"

    def matches(self, analysis: Analysis) -> bool:
        """A structural cue, or a part/section of the document named with a list/scope cue."""
        if analysis.task_numbers or analysis.listing:
            return False
        if analysis.structure:
            return True
        return analysis.names_part and bool(_LIST_OR_SCOPE.search(analysis.question))

    def answer(self, analysis: Analysis, ctx: Context) -> Answer:
        """The fact, or the part's items / the section's rows."""
        doc, lang = ctx.doc, analysis.language
        if "part_of" in analysis.structure and analysis.item_numbers:
            return _parts_of_items(analysis, doc)
        scoped = self._scoped(analysis, doc)
        if scoped is not None:
            return scoped
        facts = [f for f in analysis.structure if f in _FACTS] or []
        if "parts" in analysis.structure or "annex" in analysis.structure:
            # 每部分标题是什么 / the title of the annex: the parts' headings or the annex's name, not the notice's title
            facts = [f for f in facts if f != "title"]
        annex_parts = _parts_asked_of_annex(analysis.question)
        if ("parts" in analysis.structure and annex_parts) or (
            "part_of" in analysis.structure
            and not analysis.item_numbers
            and _ANNEX_WORDS.search(analysis.question)
        ):
            # 附件清单分了哪几块: its sections and the rows they span
            overview = _annex_overview(analysis, doc)
            if "annex" in analysis.structure:  # 附件叫什么名字？分成哪几块？ both parts, the name first
                text, cite = _annex(doc, lang)
                overview.answer = f"{text}\n{overview.answer}"
                overview.citations = [cite]
            return overview
        if not facts:
            return self._parts_overview(analysis, doc)
        if "parts" in analysis.structure:
            # 正文分几大部分？附件叫什么？ the body's parts, and the other fact asked beside them
            overview = self._parts_overview(analysis, doc)
            text, cite = _FACTS[facts[0]](doc, lang)
            overview.answer = f"{overview.answer}\n{text}"
            overview.citations = [*overview.citations, cite]
            return overview
        lines: list[str] = []
        cites: list[Citation] = []
        for fact in facts[:2]:
            text, cite = _FACTS[fact](doc, lang)
            lines.append(text)
            if all((c.type, c.id) != (cite.type, cite.id) for c in cites):  # date and issuers: one record
                cites.append(cite)
        # two facts asked together (when, and by whom) answer together in the first line
        return Answer(answer=" ".join(lines), citations=cites, language=lang, intent="meta")

    def _scoped(self, analysis: Analysis, doc: PolicyDocument) -> Answer | None:
        question = analysis.heading or analysis.question
        several = named_parts(doc, question) if analysis.language == "zh" else []
        if len(several) >= 2 and _NAMES_ASK.search(question):
            return _part_names(analysis, doc, several)
        if not analysis.names_part and "closing" not in analysis.structure:
            section = find_notice_section(doc, question)
            return _subsection(analysis, doc, section.title) if section else None
        if _ANNEX_WORDS.search(analysis.question):
            annex = find_annex_section(doc, question)
            if annex is not None:
                return _annex_rows(analysis, doc, annex.index)
        part = find_part(doc, question)
        if part is None and "closing" in analysis.structure:
            part = doc.part(len(doc.parts)) if doc.parts else None
        if part is None:
            return None
        if not part.item_indexes:
            section = find_notice_section(doc, question)
            return (
                _subsection(analysis, doc, section.title)
                if section
                else _part_sections(analysis, doc, part.index)
            )
        return _part_items(analysis, doc, part.index)

    def _parts_overview(self, analysis: Analysis, doc: PolicyDocument) -> Answer:
        lang = analysis.language
        # line 1 names every part (a reader asking for the headings has them there); parts without numbered
        # items (一、总体要求) show no count
        headings = format_phrase("part_item_separator", lang).join(
            format_phrase("parts_line", lang, heading=part.heading, n=len(part.item_indexes))
            if part.item_indexes
            else part.heading
            for part in doc.parts
        )
        lines = [format_phrase("parts_header", lang, n=len(doc.parts), headings=headings)]
        lines.append(
            format_phrase("annex_sections_header", lang, n=len(doc.annex_sections), total=len(doc.tasks))
        )
        # parts_header says 实施方案 / "The plan": the words of the title it stands for
        quote = "实施方案" if lang == "zh" else ""
        cites = [meta_citation(META_TITLE, doc.meta.title, quote)] if quote else []
        return Answer(answer="\n".join(lines), citations=cites, language=lang, intent="meta")


def _parts_asked_of_annex(question: str) -> bool:
    """Do the parts asked for belong to the annex (附件分几块), not the notice's body (正文分几部分？附件叫什么)? The
    sentence that asks for parts says whose they are; with none naming either, any annex word in the question."""
    asking = [
        c for c in re.split(r"(?<=[？?。；;!！])", question) if STRUCTURE_CUES["parts"].search(c.lower())
    ]
    if any(_BODY_WORDS.search(c) and not _ANNEX_WORDS.search(c) for c in asking):
        return False
    return bool(_ANNEX_WORDS.search(question))


def _annex_overview(analysis: Analysis, doc: PolicyDocument) -> Answer:
    """The annex's sections, each with the rows it spans and how many (the shortest and longest can be read off)."""
    lang = analysis.language
    lines = [format_phrase("annex_sections_header", lang, n=len(doc.annex_sections), total=len(doc.tasks))]
    for section in doc.annex_sections:
        tasks = doc.tasks_in_section(section.index)
        if tasks:
            lines.append(
                format_phrase(
                    "annex_section_line",
                    lang,
                    heading=section.heading,
                    first=tasks[0].no,
                    last=tasks[-1].no,
                    n=len(tasks),
                )
            )
    # the header names the annex (任务清单, the words of its title); the spans come from the parsed rows
    cites = [meta_citation(META_ANNEX, doc.meta.annex_title, "任务清单")] if lang == "zh" else []
    return Answer(answer="\n".join(lines), citations=cites, language=lang, intent="meta")


def _part_names(analysis: Analysis, doc: PolicyDocument, parts: list[NoticePart]) -> Answer:
    """正文头一部分和最后一部分分别叫什么: each named part's heading."""
    lang = analysis.language
    names = format_phrase("part_item_separator", lang).join(
        format_phrase("part_name", lang, cn=int_to_cn(p.index), index=str(p.index), heading=p.heading)
        for p in parts
    )
    text = format_phrase("part_names", lang, parts=names, marker=marker("meta", META_TITLE, lang))
    return Answer(
        answer=text,
        citations=[meta_citation(META_TITLE, doc.meta.title, "实施方案")],
        language=lang,
        intent="meta",
    )


def _part_items(analysis: Analysis, doc: PolicyDocument, index: int) -> Answer:
    lang = analysis.language
    part = doc.part(index)
    assert part is not None
    items = doc.items_in_part(index)
    listed = [item_line("part_item_line", item, lang) for item in items]
    separator = format_phrase("part_item_separator", lang)
    text = format_phrase(
        "part_items_header", lang, part=part.heading, n=len(items), items=separator.join(listed)
    )
    cites: list[Citation] = [item_citation(item, item.title) for item in items]
    return Answer(answer=text, citations=cites, language=lang, intent="item_lookup")


def _parts_of_items(analysis: Analysis, doc: PolicyDocument) -> Answer:
    """Which part of the notice each named item sits in (（九）推动贸易和投资便利化 -> 四、营造透明便利的开放环境)."""
    lang = analysis.language
    lines, cites = [], []
    for item in (doc.item(n) for n in analysis.item_numbers):
        if item is None:
            continue
        lines.append(item_line("part_of_line", item, lang, part=item.part))
        cites.append(item_citation(item, item.title))
    text = format_phrase("part_item_separator", lang).join(lines)
    return Answer(answer=text, citations=cites, language=lang, intent="meta")


def _part_sections(analysis: Analysis, doc: PolicyDocument, index: int) -> Answer:
    """A part made of un-numbered sub-sections (一、总体要求: 指导思想, 工作目标), each cited."""
    lang = analysis.language
    part = doc.part(index)
    assert part is not None
    refs = {"指导思想": META_GUIDING, "工作目标": META_GOALS}
    sections = [s for s in part.sections if s.title]
    names = format_phrase("part_item_separator", lang).join(
        f"{s.title}{marker('meta', refs[s.title], lang)}" if s.title in refs else s.title for s in sections
    )
    text = format_phrase("part_sections", lang, part=part.heading, n=len(sections), sections=names)
    cites = [meta_citation(refs[s.title], s.title, s.title) for s in sections if s.title in refs]
    return Answer(answer=text, citations=cites, language=lang, intent="meta")


def _annex_rows(analysis: Analysis, doc: PolicyDocument, index: int) -> Answer:
    lang = analysis.language
    section = doc.annex_section(index)
    assert section is not None
    tasks = doc.tasks_in_section(index)
    first, last = tasks[0], tasks[-1]
    text = format_phrase(
        "annex_section_rows",
        lang,
        heading=section.heading,
        first=first.no,
        last=last.no,
        n=len(tasks),
        first_marker=marker("task", first.no, lang),
        last_marker=marker("task", last.no, lang),
        first_title=task_title(first),
        last_title=task_title(last),
    )
    cites = [task_citation(first, task_title(first)), task_citation(last, task_title(last))]
    return Answer(answer=text, citations=cites, language=lang, intent="meta")


def _subsection(analysis: Analysis, doc: PolicyDocument, title: str) -> Answer:
    lang = analysis.language
    if "工作目标" in title or "goals" in analysis.structure:
        text, cite = _goals(doc, lang)
    else:
        text, cite = _guiding(doc, lang)
    return Answer(answer=text, citations=[cite], language=lang, intent="meta")


def _fact(key: str, ref: int, card: str, quote: str, lang: str, **fields: str) -> tuple[str, Citation]:
    text = format_phrase(f"meta_{key}", lang, marker=marker("meta", ref, lang), **fields)
    return text, meta_citation(ref, card, quote)


def _date(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    return _fact("date", META_TITLE, doc.meta.title, doc.meta.date, lang, date=doc.meta.date)


def _issuers(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    names = "、".join(doc.meta.issuers)
    return _fact("issuers", META_TITLE, doc.meta.title, names, lang, issuers=names, date=doc.meta.date)


def _title(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    return _fact("title", META_TITLE, doc.meta.title, doc.meta.title, lang, title=doc.meta.title)


def _implements(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    m = doc.meta
    return _fact("implements", META_PREAMBLE, m.title, m.implements, lang, implements=m.implements)


def _based_on(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    docs = "".join(doc.meta.based_on)
    return _fact("based_on", META_PREAMBLE, doc.meta.title, docs, lang, documents=docs)


def _without_heading(text: str, heading: str) -> str:
    """The section's text after its own heading (工作目标。以… -> 以…): the answer's label already says it."""
    return re.sub(rf"^\s*{re.escape(heading)}\s*[。.：:]\s*", "", text) or text


def _target_year(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    goals = _without_heading(doc.meta.goals, "工作目标")
    return _fact(
        "target_year", META_GOALS, "工作目标", goals, lang, year=str(doc.meta.target_year), goals=goals
    )


def _goals(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    goals = _without_heading(doc.meta.goals, "工作目标")
    return _fact("goals", META_GOALS, "工作目标", goals, lang, goals=goals)


def _guiding(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    text = _without_heading(doc.meta.guiding_ideology, "指导思想")
    return _fact("guiding", META_GUIDING, "指导思想", text, lang, text=text)


def _recipients(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    m = doc.meta
    return _fact("recipients", META_TITLE, m.title, m.recipients, lang, title=m.recipients)


def _task_count(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    m = doc.meta
    return _fact(
        "task_count",
        META_ANNEX,
        m.annex_title,
        m.annex_title,
        lang,
        n=str(len(doc.tasks)),
        title=m.annex_title,
    )


def _item_count(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    """How many numbered items the notice has, and the parts they sit in."""
    holding = [p for p in doc.parts if p.item_indexes]
    return _fact(
        "item_count",
        META_TITLE,
        doc.meta.title,
        "实施方案",
        lang,
        n=str(len(doc.items)),
        last=int_to_cn(len(doc.items)),
        first_part=holding[0].heading if holding else "",
        last_part=holding[-1].heading if holding else "",
    )


def _annex(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    m = doc.meta
    return _fact(
        "annex", META_ANNEX, m.annex_title, m.annex_title, lang, title=m.annex_title, n=str(len(doc.tasks))
    )


def _cover(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    m = doc.meta
    return _fact("cover", META_TITLE, m.title, m.cover_text, lang, text=m.cover_text)


def _columns(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    m = doc.meta
    names = format_phrase("part_item_separator", lang).join(COLUMNS)
    return _fact(
        "columns",
        META_ANNEX,
        m.annex_title,
        m.annex_title,
        lang,
        columns=names,
        n=str(len(COLUMNS)),
        title=m.annex_title,
    )


def _heads(doc: PolicyDocument, lang: str) -> tuple[str, Citation]:
    """The parts whose titles end with a head noun they share (营造…的市场环境, …的法治环境: the 5 环境)."""
    heads = shared_heads(doc)
    parts = [p for p in doc.parts if p.title[-2:] in heads]
    head = parts[0].title[-2:] if parts else ""
    headings = format_phrase("part_item_separator", lang).join(p.heading for p in parts)
    text = format_phrase(
        "meta_heads",
        lang,
        n=str(len(parts)),
        head=head,
        headings=headings,
        marker=marker("meta", META_TITLE, lang),
    )
    return text, meta_citation(META_TITLE, doc.meta.title, "实施方案")


_FACTS = {
    "date": _date,
    "issuers": _issuers,
    "title": _title,
    "implements": _implements,
    "based_on": _based_on,
    "target_year": _target_year,
    "goals": _goals,
    "aims": _goals,
    "guiding": _guiding,
    "recipients": _recipients,
    "task_count": _task_count,
    "item_count": _item_count,
    "annex": _annex,
    "cover": _cover,
    "heads": _heads,
    "columns": _columns,
}
