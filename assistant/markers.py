"""Citation markers (〔任务34〕 / [Task 34], formats from prompts/answers.toml) and Chinese numerals."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict

import prompts
from assistant.models import SourceType


class SourceRef(BaseModel):
    """A source a citation marker points at: annex task `no`, notice item `index`, or the notice (id 0)."""

    model_config = ConfigDict(frozen=True)

    type: SourceType
    id: int


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_BY_VALUE = "零一二三四五六七八九"


def cn_to_int(numeral: str) -> int:
    """Parse an Arabic or Chinese numeral up to 999 (五十七 -> 57, 一百零五 -> 105)."""
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return total + current


def int_to_cn(n: int) -> str:
    """Write 0..999 as a Chinese numeral (3 -> 三, 12 -> 十二, 105 -> 一百零五)."""
    if not 0 <= n <= 999:
        raise ValueError(f"out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    if not hundreds:
        if tens == 0:
            return _CN_BY_VALUE[ones]
        head = "十" if tens == 1 else _CN_BY_VALUE[tens] + "十"
        return head + (_CN_BY_VALUE[ones] if ones else "")
    text = _CN_BY_VALUE[hundreds] + "百"
    if rest and tens == 0:
        return text + "零" + _CN_BY_VALUE[ones]
    return text + (_CN_BY_VALUE[tens] + "十" if tens else "") + (_CN_BY_VALUE[ones] if ones else "")


_SOURCE_TYPES: tuple[SourceType, ...] = ("task", "item", "meta")
_PLACEHOLDERS = {
    r"\{no\}": r"(\d{1,3})",
    r"\{index\}": r"(\d{1,3})",
    r"\{cn\}": r"([零〇一二两三四五六七八九十百]{1,6})",
}


def format_marker(ref: SourceRef, lang: str) -> str:
    """The citation marker of one source in one language (〔任务34〕 / [Task 34])."""
    template = prompts.get_phrase(f"marker_{ref.type}", lang)
    return template.format(no=ref.id, index=ref.id, cn=int_to_cn(ref.id))


@cache
def _marker_patterns() -> list[tuple[SourceType, re.Pattern[str]]]:
    patterns = []
    for lang in prompts.LANGUAGES:
        for source_type in _SOURCE_TYPES:
            pattern = re.escape(prompts.get_phrase(f"marker_{source_type}", lang))
            for placeholder, group in _PLACEHOLDERS.items():
                pattern = pattern.replace(placeholder, group)
            patterns.append((source_type, re.compile(pattern)))
    return patterns


def find_markers(text: str) -> list[tuple[re.Match[str], SourceRef]]:
    """Every exact citation marker (either language) in text, in order of appearance."""
    found = []
    for source_type, pattern in _marker_patterns():
        for match in pattern.finditer(text):
            number = cn_to_int(match.group(1)) if match.groups() else 0
            found.append((match, SourceRef(type=source_type, id=number)))
    return sorted(found, key=lambda pair: pair[0].start())


def parse_markers(text: str) -> list[SourceRef]:
    """The sources cited in text, first appearance first, without repeats."""
    return list(dict.fromkeys(ref for _, ref in find_markers(text)))
