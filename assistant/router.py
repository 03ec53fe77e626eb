"""Table-aware routing: explicit numbers and unit lists answer from records; the rest from hybrid retrieval."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.compose import (
    compose_item,
    compose_task,
    compose_task_card,
    compose_unit_list,
    item_citation,
    marker,
    meta_citation,
    meta_facts,
    meta_quote,
    sentences,
)
from assistant.expand import expansions, load_glossary
from assistant.markers import int_to_cn
from assistant.models import Answer, Citation
from assistant.retrieval import RetrievalResult, Retrieved
from assistant.scope import content_bigrams, coverage
from ingest.chunks import meta_texts
from ingest.records import NoticeItem, PolicyDocument, Task
from ingest.units import UnitDirectory
from prompts import format_phrase

# Places the document does not govern: another district/city named in the question means "not in scope".
OTHER_PLACES = re.compile(
    r"(渝中|沙坪坝|江北|南岸|渝北|巴南|北碚|大渡口|长寿|江津|合川|永川|南川|綦江|大足|璧山|铜梁|潼南|荣昌|开州|梁平|武隆|"
    r"万州|涪陵|黔江|两江新区|北京|上海|天津|广州|深圳|成都|杭州|武汉|西安|南京)"
)
CJK_RE = re.compile(r"[\u4e00-\u9fff]{2,}")
TIME_CUE = re.compile(
    r"(多久|多长时间|几天|几个工作日|多少天|时限|用时|how long|how many days|how many hours|time)", re.I
)
DURATION_WORDS = re.compile(r"(用时|时限|时间|办结|工作日|时长)")
TIME_NUMBER = re.compile(r"\d+\s*(?:个)?(?:工作日|小时|天|日)")
DOCUMENT_WORDS = re.compile(
    r"(通知|方案|文件|附件|本文|this plan|the plan|the notice|this notice|document)", re.I
)
PART_LIST_CUE = re.compile(r"(哪几条|哪些条|哪几项|包括哪|包含哪|有哪些措施|which items|what items)", re.I)
AMOUNT_RE = re.compile(r"\d[\d.]*\s*(?:万|亿)?元")
UNIT_LIKE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:局|委|办|院|中心|公司|集团|部)")


@dataclass
class RefusalPolicy:
    """Thresholds below which retrieval is too weak to answer (calibrated on the gold set)."""

    min_dense: float = 0.90
    min_dense_en: float = 0.83
    min_coverage: float = 0.1
    second_ratio: float = 0.97
    max_extra: int = 1


def as_language(lang: str) -> Literal["zh", "en"]:
    """The answer language as the Answer schema types it."""
    return "en" if lang == "en" else "zh"


def refuse(lang: str, intent: str) -> Answer:
    """An answer that says the document does not cover the question; cites nothing."""
    return Answer(
        answer=format_phrase("refusal", lang), refused=True, language=as_language(lang), intent=intent
    )


def _lexicon(table: str, question: str) -> bool:
    glossary = load_glossary()[table]
    low = question.lower()
    return any(term.lower() in low for term in [*glossary["zh"], *glossary["en"]])


def is_out_of_scope(
    question: str, lang: str, result: RetrievalResult, texts: list[str], policy: RefusalPolicy
) -> bool:
    """Out of scope: another place or an off-domain topic named, an amount the records never state,
    or weak evidence (no topic word of the question in the top records and a low dense score)."""
    if OTHER_PLACES.search(question) or _lexicon("out_of_scope", question):
        return True
    if _lexicon("money", question) and not any(AMOUNT_RE.search(t) for t in texts[:1]):
        return True
    found = expansions(question)
    if lang == "en" and not CJK_RE.search(question):
        return not found and result.top_dense < policy.min_dense_en
    cover = coverage(question, texts, found)
    return cover < policy.min_coverage and result.top_dense < policy.min_dense


LIST_CUE = re.compile(r"(哪些|列出|多少项|几项|all tasks|which tasks|what tasks|list)", re.I)


def list_intent(question: str, intent: str, has_unit: bool) -> str:
    """A unit plus "which tasks / 哪些任务 / 列出" is a list question, whatever cue words surround it."""
    if has_unit and ("任务" in question or "task" in question.lower()) and LIST_CUE.search(question):
        return "list_coop" if ("配合" in question or "cooperat" in question.lower()) else "list_lead"
    return intent


def answer_task_numbers(doc: PolicyDocument, numbers: list[int], lang: str, english: UnitDirectory) -> Answer:
    """Explicit row numbers: the rows themselves, or a plain 'not in the document'."""
    parts: list[tuple[str, Citation | None]] = []
    for no in numbers:
        task = doc.task(no)
        if task is None:
            parts.append((format_phrase("unknown_task", lang, n=no, total=len(doc.tasks)), None))
        else:
            parts.append(compose_task_card(task, lang, english.english_for_entry))
    return _numbered_answer(parts, lang, "task_lookup")


def answer_item_numbers(
    doc: PolicyDocument, numbers: list[int], question: str, lang: str, units: UnitDirectory
) -> Answer:
    """Explicit notice item numbers."""
    parts: list[tuple[str, Citation | None]] = []
    for index in numbers:
        item = doc.item(index)
        if item is None:
            parts.append((format_phrase("unknown_item", lang, n=index, total=len(doc.items)), None))
        else:
            parts.append(compose_item(item, question, lang, units.english_for_entry, full=True))
    return _numbered_answer(parts, lang, "item_lookup")


def _numbered_answer(parts: list[tuple[str, Citation | None]], lang: str, intent: str) -> Answer:
    """One paragraph per requested number; refused when none of them exists."""
    cites = [cite for _, cite in parts if cite is not None]
    return Answer(
        answer="\n\n".join(text for text, _ in parts),
        citations=cites,
        refused=not cites,
        language=as_language(lang),
        intent=intent,
    )


def tasks_for_unit(doc: PolicyDocument, units: UnitDirectory, unit: str, role: str) -> list[Task]:
    """All tasks whose lead (or coop) cell names `unit` (aliases and `X等…` entries resolved)."""
    found = []
    for task in doc.tasks:
        entries = task.lead_units if role == "lead" else task.coop_units
        if any(unit in units.units_in_cell_entry(entry) for entry in entries):
            found.append(task)
    return found


def answer_unit_list(doc: PolicyDocument, units: UnitDirectory, unit: str, role: str, lang: str) -> Answer:
    """The complete list of a unit's tasks, straight from the table."""
    tasks = tasks_for_unit(doc, units, unit, role)
    text, cites = compose_unit_list(unit, tasks, role, lang, units.english_for_entry)
    intent = "list_lead" if role == "lead" else "list_coop"
    return Answer(answer=text, citations=cites, refused=False, language=as_language(lang), intent=intent)


def answer_unknown_unit(name: str, lang: str, intent: str) -> Answer:
    """A unit the document never names."""
    return Answer(
        answer=format_phrase("unknown_unit", lang, unit=name),
        refused=True,
        language=as_language(lang),
        intent=intent,
    )


def unknown_unit_name(question: str, units: UnitDirectory) -> str | None:
    """A unit-like name in the question that the directory does not know, if any."""
    for match in UNIT_LIKE.finditer(question):
        name = match.group(0)
        if not units.find_units(name) and not units.canonical(name):
            return name
    return None


META_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("target_year", ("哪一年", "哪年", "到哪", "目标年", "what year", "which year", "by when")),
    ("date", ("日期", "时间印发", "什么时候", "何时", "哪天", "when", "date")),
    (
        "issuers",
        ("谁发", "发布", "印发单位", "发文单位", "哪个单位印发", "issued by", "who issued", "issuer"),
    ),
    ("implements", ("贯彻落实", "落实哪个", "implement")),
    ("based_on", ("依据", "根据", "based on")),
    ("goals", ("目标", "goal")),
    ("guiding", ("指导思想", "guiding")),
    ("task_count", ("多少项", "几项", "how many tasks")),
    ("annex", ("附件", "任务清单叫", "annex")),
    ("recipients", ("发给", "主送", "印发给", "recipients", "sent to")),
    ("goals", ("契机", "示范城区")),
    ("issuers", ("哪两个", "联合印发", "机关")),
    ("title", ("名称", "标题", "title")),
]


# The placeholder each meta_<fact> phrase fills with the fact's value.
META_FIELD = {
    "title": "title",
    "date": "date",
    "issuers": "issuers",
    "target_year": "year",
    "implements": "implements",
    "based_on": "documents",
    "goals": "goals",
    "guiding": "text",
    "task_count": "n",
    "annex": "title",
    "recipients": "title",
}


def answer_meta(doc: PolicyDocument, question: str, lang: str) -> Answer | None:
    """Facts about the notice itself (date, issuers, goals...), or None when no fact matches."""
    low = question.lower()
    facts = meta_facts(doc)
    for fact, keywords in META_KEYWORDS:
        if any(k in low for k in keywords):
            ref, value = facts[fact]
            mk = marker("meta", ref, lang)
            text = format_phrase(f"meta_{fact}", lang, marker=mk, **{META_FIELD[fact]: value})
            title = meta_texts(doc)[ref - 1][0]
            return Answer(
                answer=text,
                citations=[meta_citation(ref, title, value)],
                language=as_language(lang),
                intent="meta",
            )
    return None


def record_text(doc: PolicyDocument, hit: Retrieved) -> str:
    """The full text of a retrieved record (for coverage checks)."""
    if hit.type == "task" and (task := doc.task(hit.ref)):
        return "".join([task.city_task, task.district_measure, *task.lead_units, *task.coop_units])
    if hit.type == "item" and (item := doc.item(hit.ref)):
        return item.text
    metas = meta_texts(doc)
    return metas[hit.ref - 1][1] if hit.type == "meta" and 1 <= hit.ref <= len(metas) else ""


def prefer_time_numbers(doc: PolicyDocument, question: str, hits: list[Retrieved]) -> list[Retrieved]:
    """For "how long" questions, among the top 3 the record that states a processing time for the asked topic
    comes first: its best sentence has a time number, processing-time words (用时/时限/办结/工作日) and topic words."""
    if not TIME_CUE.search(question):
        return hits
    topic = content_bigrams(" ".join([question, *expansions(question)]))
    head, tail = hits[:3], hits[3:]
    scored = [(_time_sentence_score(record_text(doc, h), topic), -i, h) for i, h in enumerate(head)]
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [h for _, _, h in scored] + tail


def _time_sentence_score(text: str, topic: set[str]) -> int:
    best = 0
    for sentence in sentences(text):
        if TIME_NUMBER.search(sentence):
            score = 1 + len(DURATION_WORDS.findall(sentence)) + len(topic & content_bigrams(sentence))
            best = max(best, score)
    return best


def asks_time_but_none_stated(doc: PolicyDocument, question: str, hits: list[Retrieved]) -> bool:
    """A "how long" question whose best record states no time limit at all."""
    return (
        bool(TIME_CUE.search(question)) and bool(hits) and not TIME_NUMBER.search(record_text(doc, hits[0]))
    )


def item_by_title(doc: PolicyDocument, question: str) -> NoticeItem | None:
    """A notice item whose title the question names (longest title wins); not for task questions."""
    if "任务" in question:
        return None
    named = [i for i in doc.items if len(i.title) >= 4 and i.title in question]
    return max(named, key=lambda i: len(i.title)) if named else None


def answer_part(doc: PolicyDocument, question: str, lang: str) -> Answer | None:
    """ "…这部分包括哪几条": the notice items under a part heading the question names."""
    if not PART_LIST_CUE.search(question):
        return None
    for part in dict.fromkeys(i.part for i in doc.items):
        heading = part.split("、", 1)[-1]
        if heading and heading in question:
            items = [i for i in doc.items if i.part == part]
            lines = [format_phrase("part_items_header", lang, part=part, n=len(items))]
            cites = []
            for item in items:
                mk = marker("item", item.index, lang)
                lines.append(
                    format_phrase(
                        "part_item_line",
                        lang,
                        cn=int_to_cn(item.index),
                        index=item.index,
                        title=item.title,
                        marker=mk,
                    )
                )
                cites.append(item_citation(item, item.title))
            return Answer(
                answer="\n".join(lines), citations=cites, language=as_language(lang), intent="item_lookup"
            )
    return None


def mentions_document(question: str) -> bool:
    """Does the question ask about the notice/plan itself?"""
    return bool(DOCUMENT_WORDS.search(question))


def pick_records(result: RetrievalResult, policy: RefusalPolicy) -> list[Retrieved]:
    """The top hit plus close runners-up of a different record (at most policy.max_extra)."""
    if not result.hits:
        return []
    top = result.hits[0]
    picked = [top]
    for hit in result.hits[1:]:
        if len(picked) > policy.max_extra or hit.score < top.score * policy.second_ratio:
            break
        picked.append(hit)
    return picked


def compose_from_hits(
    doc: PolicyDocument,
    hits: list[Retrieved],
    question: str,
    intent: str,
    lang: str,
    units: UnitDirectory,
    wants_coop: bool,
) -> tuple[str, list[Citation]]:
    """Compose an answer from retrieved records, one paragraph per record, in rank order."""
    parts, cites = [], []
    for hit in hits:
        if hit.type == "task" and (task := doc.task(hit.ref)):
            text, cite = compose_task(task, question, intent, lang, units.english_for_entry, wants_coop)
        elif hit.type == "item" and (item := doc.item(hit.ref)):
            text, cite = compose_item(item, question, lang, units.english_for_entry, full=False)
        elif hit.type == "meta" and 1 <= hit.ref <= len(meta_texts(doc)):
            title, body = meta_texts(doc)[hit.ref - 1][0], meta_quote(doc, hit.ref)
            text = format_phrase("search_line", lang, quote=body, marker=marker("meta", hit.ref, lang))
            cite = meta_citation(hit.ref, title, body)
        else:
            continue
        cite.score = hit.score
        parts.append(text)
        cites.append(cite)
    return "\n\n".join(parts), cites
