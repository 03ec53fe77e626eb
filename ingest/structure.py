"""Find the notice's parts and the annex's sections by ordinal (第三部分) or by (partial) heading text.

Parts are counted 一..七 in the notice, sections 一..五 in the annex; the notice's parts 二..六 carry the
same titles as the annex's sections 一..五, which `section_for_part` / `part_for_section` follow.
The index lookups themselves (`part_of_item`, `items_in_part`, `section_of_task`, `tasks_in_section`)
are methods of PolicyDocument.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from ingest.notice import cn_to_int
from ingest.records import AnnexSection, NoticePart, NoticeSection, PolicyDocument

_NUM = r"[一二三四五六七八九十]+|[0-9０-９]+"
PART_ORDINAL_RE = re.compile(rf"第\s*({_NUM})\s*(?:个)?\s*(?:部分|大部分|板块|方面)")
HEADING_NUMERAL_RE = re.compile(rf"^\s*({_NUM})\s*(?:、|[.．](?![0-9０-９]))")  # 三、 / 3. but not 3.5
BARE_ORDINAL_RE = re.compile(rf"^\s*({_NUM})\s*$")
_NOISE = re.compile(r"[\s、，。？！?!,.：:“”\"'（）()《》]")
MIN_OVERLAP = 2

Heading = TypeVar("Heading", NoticePart, AnnexSection)


def numeral_value(numeral: str) -> int | None:
    """`三` / `3` / `３` -> 3; None when the text is not a number."""
    try:
        return int(numeral) if numeral.isdigit() else cn_to_int(numeral)
    except (KeyError, ValueError):
        return None


def part_ordinal(text: str) -> int | None:
    """The part number a text names: `第三部分` / `第3部分` / `三、…` / a bare `三` -> 3, else None."""
    for pattern in (PART_ORDINAL_RE, HEADING_NUMERAL_RE, BARE_ORDINAL_RE):
        match = pattern.search(text)
        if match:
            return numeral_value(match.group(1))
    return None


_FIRST_PART = re.compile(r"(?:头一?|开头的?|首|第一)(?:个)?(?:部分|板块)")
_LAST_PART = re.compile(r"(?:最后|末尾|结尾)(?:的)?(?:一)?(?:个)?(?:部分|板块)")


def named_parts(doc: PolicyDocument, query: str) -> list[NoticePart]:
    """Every notice part a query names by ordinal, in the order named: 第二部分, 头一部分 (the first), 最后一部分 (the
    last)."""
    found: list[tuple[int, int]] = [
        (m.start(), numeral_value(m.group(1)) or 0) for m in PART_ORDINAL_RE.finditer(query)
    ]
    found += [(m.start(), 1) for m in _FIRST_PART.finditer(query)]
    found += [(m.start(), len(doc.parts)) for m in _LAST_PART.finditer(query)]
    parts = [doc.part(index) for _, index in sorted(found)]
    return list({p.index: p for p in parts if p is not None}.values())


def find_part(doc: PolicyDocument, query: str) -> NoticePart | None:
    """The notice part a query names by ordinal (第三部分 -> 三、) or by (partial) heading text."""
    return _find(doc.parts, query, doc.part, doc)


def find_annex_section(doc: PolicyDocument, query: str) -> AnnexSection | None:
    """The annex section a query names by ordinal (第二部分 -> 二、) or by (partial) heading text."""
    return _find(doc.annex_sections, query, doc.annex_section, doc)


def section_for_part(doc: PolicyDocument, part_index: int) -> AnnexSection | None:
    """The annex section with the same title as notice part `part_index` (二、 -> annex 一、), or None."""
    part = doc.part(part_index)
    return next((s for s in doc.annex_sections if part and s.title == part.title), None)


def part_for_section(doc: PolicyDocument, section_index: int) -> NoticePart | None:
    """The notice part with the same title as annex section `section_index`, or None."""
    section = doc.annex_section(section_index)
    return next((p for p in doc.parts if section and p.title == section.title), None)


def _find(
    headings: Sequence[Heading], query: str, by_index: Callable[[int], Heading | None], doc: PolicyDocument
) -> Heading | None:
    ordinal = part_ordinal(query)
    if ordinal is not None:
        return by_index(ordinal)
    return match_heading(headings, query, generic=document_names(doc))


def document_names(doc: PolicyDocument) -> str:
    """The titles naming the whole document; a phrase found in them (营商环境) names no single part."""
    meta = doc.meta
    return "\n".join([meta.title, meta.plan_title, meta.annex_title, meta.implements])


def match_heading(headings: Sequence[Heading], query: str, generic: str = "") -> Heading | None:
    """The heading sharing the longest run of characters with the query, if exactly one heading does.

    A run that also occurs in `generic` (the document's own titles) does not count: `营商环境` names the
    whole document, so it does not pick 营造风清气正的政商环境 for sharing 商环境 with it.
    A run must be at least MIN_OVERLAP characters (`法治环境` -> 营造公平公正的法治环境; `环境` -> none).
    """
    text = _NOISE.sub("", query)
    scored = [(len(_distinctive_run(text, h.title, generic)), h) for h in headings]
    best = max((score for score, _ in scored), default=0)
    winners = [h for score, h in scored if score == best]
    return winners[0] if best >= MIN_OVERLAP and len(winners) == 1 else None


def _distinctive_run(text: str, title: str, generic: str) -> str:
    """The longest substring of `title` found in `text` but not in `generic` ("" when none)."""
    for size in range(min(len(title), len(text)), 0, -1):
        for start in range(len(title) - size + 1):
            run = title[start : start + size]
            if run in text and run not in generic:
                return run
    return ""


def named_heading(doc: PolicyDocument, query: str, min_run: int = 4) -> str | None:
    """The run of a part or annex-section title the query names without any 部分/板块 word (市场环境, 政商环境,
    总体要求): at least `min_run` characters, not part of the document's own titles, and naming one title
    (a notice part and its annex section share theirs). None otherwise."""
    text = _NOISE.sub("", query)
    generic = document_names(doc)
    titles = [p.title for p in doc.parts] + [s.title for s in doc.annex_sections]
    runs = [_distinctive_run(text, title, generic) for title in titles]
    longest = max((len(r) for r in runs), default=0)
    winners = {r for r in runs if len(r) == longest}
    return winners.pop() if longest >= min_run and len(winners) == 1 else None


def heading_for_terms(doc: PolicyDocument, terms: list[str]) -> str | None:
    """The first of `terms` (document words, e.g. glosses of an English question) that occurs in exactly one
    part title: 政务 for "government services section", 法治 for "rule of law part"."""
    titles = [p.title for p in doc.parts]
    for term in terms:
        if len(term) >= 2 and sum(term in t for t in titles) == 1:
            return term
    return None


def shared_heads(doc: PolicyDocument) -> set[str]:
    """Head nouns that end three or more part titles (营造…的市场环境, …的法治环境 -> 环境): a question asking
    which 环境 the plan names asks for its parts."""
    tails = [p.title[-2:] for p in doc.parts if len(p.title) >= 2]
    return {t for t in tails if tails.count(t) >= 3}


def find_notice_section(doc: PolicyDocument, query: str) -> NoticeSection | None:
    """The un-numbered sub-section (一、总体要求: 指导思想 / 工作目标) whose title the query contains."""
    sections = [s for p in doc.parts for s in p.sections]
    return next((s for s in sections if s.title and s.title in _NOISE.sub("", query)), None)
