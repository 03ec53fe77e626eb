"""Grounded, extractive answers: line 1 answers (in the asker's language) and cites its record, then the
supporting sentences verbatim, then related rows one line each. Every quote is verbatim from its record."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import jieba.posseg

from assistant.evidence import RecordEvidence, ScoredSentence
from assistant.markers import int_to_cn
from assistant.models import Citation
from assistant.vocabulary import HEDGES, VALUE_PATTERNS
from ingest.records import NoticeItem, PolicyDocument, Task
from ingest.sentences import meta_records, split_sentences
from prompts import format_phrase

EnglishName = Callable[[str], str]
_CLAUSE_END = "，,：:；;。！？"
MAX_QUOTE = 110
# A title runs on past clauses that only set the scene, up to this many clauses.
MAX_TITLE_CLAUSES = 3
_COVERB = re.compile(r"(?:在|对|除|立足|聚焦|依托|围绕|针对|基于|借助|按照|根据|结合|通过|以|为)")
_FRAME_ENDS = ("内", "下", "中", "上", "里", "外")
_TAKE_AS = re.compile(r"^以[^，,；]{2,}为[\u4e00-\u9fff]{1,3}$")
_REDUCED_TO = re.compile(r"(?:压减|缩短|减少|降低|压缩|控制)[^，。；]{0,8}(?:为|至|到|在)")
#: Titles of the notice paragraphs that are searched like records (ingest.sentences.meta_records).
META_TITLES = {2: "实施方案前言", 3: "指导思想", 4: "工作目标"}
_EN_UNITS = {
    "工作日": "working days",
    "自然日": "calendar days",
    "小时": "hours",
    "天": "days",
    "日": "days",
    "分钟": "minutes",
    "个月": "months",
    "月": "months",
    "周": "weeks",
    "年": "years",
    "家": "enterprises",
    "项": "items",
    "类": "categories",
    "户": "households",
    "件": "cases",
    "次": "times",
    "个": "",
    "人": "people",
    "元": "yuan",
    "万元": "ten thousand yuan",
    "亿元": "hundred million yuan",
}


def marker(kind: str, ref: int, lang: str) -> str:
    """The citation marker of a record in the answer language."""
    if kind == "task":
        return format_phrase("marker_task", lang, no=ref)
    if kind == "item":
        return format_phrase("marker_item", lang, index=ref, cn=int_to_cn(ref))
    return format_phrase("marker_meta", lang)


def unit_names(units: list[str], lang: str, english: EnglishName) -> str:
    """Unit list in the answer language (Chinese names; English answers add the English name)."""
    if not units:
        return format_phrase("none_value", lang)
    names = [format_phrase("unit_name", lang, name=u, english=english(u)) for u in units]
    return format_phrase("unit_separator", lang).join(names)


def item_line(key: str, item: NoticeItem, lang: str, **fields: str) -> str:
    """One line naming a notice item by its numeral and title, with its marker (and the phrase's own fields)."""
    return format_phrase(
        key,
        lang,
        cn=int_to_cn(item.index),
        index=item.index,
        title=item.title,
        marker=marker("item", item.index, lang),
        **fields,
    )


def task_title(task: Task) -> str:
    """A title that stands on its own: the city-level task's first clause (a whole clause, never cut), with
    the clauses that follow a frame (在…范围内，除…外，不得…; 依托…系统，借助…为企业精准“画像”)."""
    return _title_of(task.city_task)


# A district measure's opening clause that only defers to the city (按照市级部署, 根据市级要求): not what it does.
_DEFERS = re.compile(
    r"^(?:按照|根据|依照|遵照|配合|落实|贯彻|结合)[^，,；]{0,10}(?:部署|要求|安排|精神|统一|方案)$"
)
# A district gist sharing this share of its character pairs with the city task repeats it.
REPEAT_SHARE = 0.7


def district_gist(task: Task) -> str:
    """What the district itself commits to in a row, verbatim: the district measure's opening clause(s) after
    any that only defer to the city, or "" when they repeat the city task (按照市级部署，推进完善…地方特色系统)."""
    first = split_sentences(task.district_measure)[0] if task.district_measure.strip() else ""
    starts = [0] + [m.end() for m in re.finditer(r"[，,；]", first)]
    ends = [*starts[1:], len(first) + 1]
    start = next((a for a, b in zip(starts, ends, strict=True) if not _DEFERS.match(first[a : b - 1])), None)
    if start is None:
        return ""
    rest = first[start:]
    title = _title_of(rest)
    gist = title if rest.startswith(title) else rest.split("，", 1)[0]
    pairs = {gist[i : i + 2] for i in range(len(gist) - 1)}
    if not pairs or len({p for p in pairs if p in task.city_task}) >= REPEAT_SHARE * len(pairs):
        return ""
    return gist


@functools.lru_cache(maxsize=512)
def _title_of(text: str) -> str:
    first = split_sentences(text)[0].rstrip("。；")
    clauses = re.split(r"[，,；]", first)
    taken = 1
    while taken < min(len(clauses), MAX_TITLE_CLAUSES) and _is_frame(clauses[taken - 1]):
        taken += 1
    title = "，".join(clauses[:taken])
    return title if len(title) >= 6 else first


def _is_frame(clause: str) -> bool:
    """A clause that only sets the scene for the next one: a when-clause (…时), or one that opens with a coverb
    (在, 对, 依托, 除 ...) and ends on a place word (范围内, 前提下, 另有规定外) or holds no verb after it."""
    if clause.endswith(("时", "时候")) and not clause.endswith("小时"):  # 制定…规范性文件时: a when-clause
        return True
    if _TAKE_AS.match(clause):  # 以深化作风建设为抓手: 以 X 为 Y names the means, the next clause the act
        return True
    if not _COVERB.match(clause):
        return False
    if clause.endswith(_FRAME_ENDS):
        return True
    return not any(flag == "v" for _, flag in list(jieba.posseg.cut(clause))[1:])


def record_title(doc: PolicyDocument, kind: str, ref: int) -> str:
    """Title of a task row or notice item."""
    if kind == "task" and (task := doc.task(ref)):
        return task_title(task)
    if kind == "item" and (item := doc.item(ref)):
        return item.title
    if kind == "meta" and (text := meta_records(doc).get(ref)):
        return re.split(r"[，。；]", text.split("。", 1)[-1] if text.startswith("（") else text, maxsplit=1)[
            0
        ]
    return ""


def task_citation(task: Task, quote: str, score: float = 0.0) -> Citation:
    """A citation card for a task row."""
    return Citation(
        type="task",
        id=task.no,
        section=task.section,
        title=task_title(task),
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


def record_citation(
    doc: PolicyDocument, kind: str, ref: int, quote: str, score: float = 0.0
) -> Citation | None:
    """The citation card of any task or item."""
    if kind == "task" and (task := doc.task(ref)):
        return task_citation(task, quote, score)
    if kind == "item" and (item := doc.item(ref)):
        return item_citation(item, quote, score)
    if kind == "meta" and ref in META_TITLES:
        return meta_citation(ref, META_TITLES[ref], quote, score)
    return None


# ------------------------------------------------------------------ clauses and values


def value_clause(sentence: str, kinds: list[str], relevance: Callable[[str], float] | None = None) -> str:
    """The verbatim clause of `sentence` holding a value of one of `kinds` (widened when very short); with
    several values, the clause most relevant to the question (10千伏 -> its own 30个工作日, not the 8 before it)."""
    clauses = [
        _clause_around(sentence, m.start(), m.end())
        for kind in kinds
        if (pattern := VALUE_PATTERNS.get(kind)) is not None
        for m in pattern.finditer(sentence)
    ]
    if not clauses:
        return short_quote(sentence)
    if relevance is None:
        return clauses[0]
    return max(clauses, key=lambda c: (relevance(c), -clauses.index(c)))


def _clause_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in _CLAUSE_END) + 1
    right_positions = [p for c in _CLAUSE_END if (p := text.find(c, end)) >= 0]
    right = min(right_positions) if right_positions else len(text)
    if end - left < 12 and left > 0:  # "3个工作日内办结" alone says too little: take the clause before too
        left = max(text.rfind(c, 0, left - 1) for c in _CLAUSE_END) + 1
    return text[left:right].strip()


def short_quote(sentence: str) -> str:
    """A sentence, or its leading clauses up to MAX_QUOTE characters (verbatim, whole clauses)."""
    text = sentence.strip()
    if len(text) <= MAX_QUOTE:
        return text
    cut = max((text.rfind(c, 0, MAX_QUOTE) for c in "，；："), default=-1)
    return text[: cut if cut > 20 else MAX_QUOTE]


def english_value(clause: str, kinds: list[str]) -> str:
    """Numbers with their units in English (13个工作日 -> 13 working days): the clause's value, or in
    "从15个工作日压减为9个工作日" the value it is cut to."""
    for kind in kinds:
        pattern = VALUE_PATTERNS.get(kind)
        matches = list(pattern.finditer(clause)) if pattern else []
        if matches:
            target = matches[-1] if _REDUCED_TO.search(clause) else matches[0]
            return _english_number(target.group(0))
    return ""


def quote_window(sentence: str, relevance: Callable[[str], float]) -> str:
    """A long sentence's most relevant run of whole clauses, at most MAX_QUOTE characters (verbatim)."""
    text = sentence.strip()
    if len(text) <= MAX_QUOTE:
        return text
    bounds = [0, *(m.end() for m in re.finditer(r"[，；：]", text)), len(text)]
    best, best_score = short_quote(text), relevance(short_quote(text))
    for i, start in enumerate(bounds[:-1]):
        for end in bounds[i + 1 :]:
            if end - start > MAX_QUOTE:
                break
            piece = text[start:end].rstrip("，；：")
            score = relevance(piece)
            if score > best_score or (score == best_score and len(piece) > len(best)):
                best, best_score = piece, score
    return best


def _english_number(value: str) -> str:
    compact = re.sub(r"\s+", "", value)
    number = re.match(r"\d+(?:\.\d+)?", compact)
    if not number:
        return compact
    rest = compact[number.end() :]
    if rest.startswith("年") and len(number.group(0)) == 4:  # a year, not a number of years
        return f"by {number.group(0)}" if "底" in rest or "前" in rest else number.group(0)
    for unit in sorted(_EN_UNITS, key=len, reverse=True):
        if rest.startswith(unit) or rest.startswith(f"个{unit}"):
            return f"{number.group(0)} {_EN_UNITS[unit]}".strip()
    return compact.replace("%", " %").replace(" %", "%")


def scope_of(sentence: ScoredSentence | None, lang: str) -> str:
    """Whose commitment a sentence is: the city-level task or the district measure (tasks only)."""
    if sentence is None or sentence.sentence.type != "task":
        return ""
    return format_phrase("scope_city" if sentence.sentence.cell == "city" else "scope_district", lang)


def hedge_of(text: str) -> str:
    """The document's own hedge word in a sentence (探索, 推动, 力争 ...), if any."""
    match = HEDGES.search(text)
    return match.group(0) if match else ""


def related_line(doc: PolicyDocument, record: RecordEvidence, lang: str, english: EnglishName) -> str:
    """One line for a related record: its number, title and lead units."""
    mk = marker(record.type, record.ref, lang)
    title = record_title(doc, record.type, record.ref)
    if record.type == "task" and (task := doc.task(record.ref)):
        units = unit_names(task.lead_units, lang, english)
    elif record.type == "item" and (item := doc.item(record.ref)):
        units = unit_names(item.responsible_units, lang, english)
    else:
        return format_phrase("related_line_plain", lang, marker=mk, title=title)
    return format_phrase("related_line", lang, marker=mk, title=title, units=units)
