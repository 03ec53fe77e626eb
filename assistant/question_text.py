"""The question's text: normalisation and validation, its language, the task/item numbers it names, and the
chat turns of a history. (What a question asks is decided in assistant.analysis from assistant.vocabulary.)

Task numbers are annex rows (第57项, 任务57, 57号任务, 序号57, task 57); item numbers are notice items
(（三）, 通知第十二项, 第三条措施, notice item 12). A bare 第N项 / "item N" is a task unless the question speaks
of the notice (通知 / 正文 / notice). Citation markers are the formats of prompts/answers.toml.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from assistant.markers import SourceRef, cn_to_int, find_markers, format_marker, int_to_cn, parse_markers
from assistant.question_input import clean_question, normalise_question, simplified
from vectorstore.errors import InvalidQuestionError

__all__ = [
    "SourceRef",
    "chat_turns",
    "cn_to_int",
    "detect_language",
    "extract_references",
    "find_markers",
    "format_marker",
    "int_to_cn",
    "normalize_question",
    "parse_markers",
    "validate_question",
]

Language = Literal["zh", "en"]
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RUN = re.compile(rf"[{_CJK}](?:[{_CJK}\d ]*[{_CJK}])?")
_EN_WORD = re.compile(r"(?<![a-z0-9])[a-z]+(?![a-z0-9])")  # DN50 is a code, not a word


# ---------------------------------------------------------------- normalization and validation


def normalize_question(text: str) -> str:
    """What the analysis reads: NFKC, combining-mark runs cut, control/format characters dropped, whitespace
    collapsed, traditional characters in simplified form (the document's script)."""
    return simplified(normalise_question(text))


def validate_question(text: object, max_chars: int) -> str:
    """Return the normalized question or raise InvalidQuestionError (not text, empty, too long, garbled,
    no words at all)."""
    question = clean_question(text, max_chars)
    if not any(unicodedata.category(ch).startswith("L") for ch in question):
        raise InvalidQuestionError("The question contains no words (letters or Chinese characters).")
    return question


# ---------------------------------------------------------------- task and item numbers

_NUM = r"(?<!\d)(?:\d{1,3}|[零〇一二两三四五六七八九十百]{1,6})(?!\d)"
_LIST = rf"{_NUM}(?:\s*(?:、|,|和|及|与|或|至|到|-|~|—)\s*(?:第\s*)?{_NUM})*"
_EN_LIST = r"(?<!\d)(\d{1,3})(?:\s*(?:,|-|–|and|or|to|&)\s*#?(\d{1,3}))*(?!\d)"
_NOT_QUANTITY = r"(?!\s*(?:个|天|年|月|日|%|万|亿|千|小时|家|人|名|位|篇|份|次|元|days?|years?|%))"
# (kind, pattern); kind "either" is decided by notice context. Order matters: matched spans are masked.
_NUMBER_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "item",
        re.compile(
            rf"通知\s*(?:的|中|里)?\s*(?:第\s*{_LIST}\s*(?:项|条|点)|第?\s*\(\s*{_LIST}\s*\)\s*(?:项|条|点)?)"
        ),
    ),
    ("item", re.compile(r"\(\s*([零〇一二两三四五六七八九十]{1,4})\s*\)")),
    ("item", re.compile(rf"\bnotice\s+items?\s*(?:no\.?|number|#)?\s*\(?{_EN_LIST}\)?")),
    ("item", re.compile(rf"\bitems?\s*\(?{_EN_LIST}\)?\s+(?:of|in)\s+the\s+notice")),
    ("task", re.compile(rf"第\s*{_LIST}\s*(?:项|条|个|号)\s*(?:工作)?任务")),
    ("task", re.compile(rf"(?:附件|附表)\s*(?:的|中|里)?\s*第\s*{_LIST}\s*(?:项|条|行|号)?")),
    ("task", re.compile(rf"(?:序号|编号)\s*(?:为|是|第)?\s*{_LIST}")),
    ("task", re.compile(rf"任务\s*(?:第|序号|编号|no\.?|#)?\s*(\d{{1,3}})(?!\d){_NOT_QUANTITY}")),
    (
        "task",
        re.compile(
            rf"(?:任务)?(?:清单|列表|(?<=任务)表)\s*(?:的|中|里)?\s*第?\s*(\d{{1,3}})(?!\d){_NOT_QUANTITY}"
        ),
    ),
    ("task", re.compile(r"(?<!\d)(\d{1,3})\s*号\s*(?:工作)?任务")),
    (
        "task",
        re.compile(rf"\b(?:tasks?|rows?|annex\s+items?)\s*(?:no\.?|number|#)?\s*{_EN_LIST}{_NOT_QUANTITY}"),
    ),
    ("measure", re.compile(rf"第\s*\(?\s*{_LIST}\s*\)?\s*(?:项|条)\s*措施")),
    ("either", re.compile(rf"第\s*(\(?)\s*{_LIST}\s*\)?\s*(?:项|条|号)")),
    # a bare number opening a terse lookup (137项说的什么, 88条 内容): no 第, but nothing counts either
    (
        "either",
        re.compile(
            r"(?:^|(?<=[\s，,。；;：:?？]))()(\d{1,3})\s*(?:项|条|号)(?=\s*(?:说|讲|写|是(?:什么|啥)|的?内容|要求|呢|[?？]|$))"
        ),
    ),
    ("either", re.compile(rf"\b()items?\s*(?:no\.?|number|#)?\s*\(?{_EN_LIST}\)?{_NOT_QUANTITY}")),
]
_NOTICE_CONTEXT = re.compile(r"通知|正文|方案|notice")
_TASK_WORDS = re.compile(r"附件|附表|任务|序号|annex|task")
_RANGE_SEP = re.compile(r"(至|到|-|~|—|–|to)")


def _expand(span_text: str) -> list[int]:
    """Numbers of one matched reference list; small ranges (第3至5项) expand."""
    tokens = re.findall(r"\d{1,3}|[零〇一二两三四五六七八九十百]+|至|到|-|~|—|–|\bto\b", span_text)
    numbers: list[int] = []
    pending_range = False
    for token in tokens:
        if _RANGE_SEP.fullmatch(token):
            pending_range = bool(numbers)
            continue
        value = cn_to_int(token)
        if pending_range and 0 < value - numbers[-1] <= 30:
            numbers.extend(range(numbers[-1] + 1, value + 1))
        else:
            numbers.append(value)
        pending_range = False
    return [n for n in numbers if n > 0]


def _classify(kind: str, match: re.Match[str], notice_context: bool, numbers: list[int]) -> str:
    if kind == "measure":
        return "item" if all(n <= 21 for n in numbers) else "task"
    if kind == "either":
        parenthesized = match.group(1) == "("
        # the notice has 21 items: a larger number is a task row whatever the context
        return "item" if (parenthesized or notice_context) and all(n <= 21 for n in numbers) else "task"
    return kind


def _extract_references(text: str, notice_context: bool | None = None) -> tuple[list[int], list[int]]:
    """(task numbers, item numbers) explicitly referenced in a normalized, lower-cased question."""
    if notice_context is None:
        notice_context = bool(_NOTICE_CONTEXT.search(text)) and not _TASK_WORDS.search(text)
    tasks: list[int] = []
    items: list[int] = []
    for kind, pattern in _NUMBER_RULES:
        for match in pattern.finditer(text):
            numbers = _expand(match.group(0).replace("第", " "))
            target = tasks if _classify(kind, match, notice_context, numbers) == "task" else items
            target.extend(numbers)
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return list(dict.fromkeys(tasks)), list(dict.fromkeys(items))


def detect_language(text: str) -> Language:
    """'en' when Latin-script words outweigh runs of Chinese characters, else 'zh'."""
    lowered = text.lower()
    words = len(_EN_WORD.findall(lowered))
    runs = len(_CJK_RUN.findall(lowered))
    if words > runs:
        return "en"
    first_letter = next((ch for ch in lowered if unicodedata.category(ch).startswith("L")), "")
    return "en" if words and words == runs and first_letter.isascii() else "zh"


def chat_turns(history: Iterable[object] | None) -> list[tuple[str, str]]:
    """(role, content) of the user/assistant messages of OpenAI-style history (dicts or ChatMessage-likes)."""
    turns = []
    for message in history or []:
        get = message.get if isinstance(message, dict) else lambda key, m=message: getattr(m, key, None)
        role, content = get("role"), get("content")
        if role in ("user", "assistant") and isinstance(content, str) and content.strip():
            turns.append((str(role), content))
    return turns


def extract_references(text: str) -> tuple[list[int], list[int]]:
    """Task numbers and notice item numbers referenced in free text (第34项, task 34, （三）)."""
    return _extract_references(text.lower())
