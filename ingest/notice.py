"""Parse the notice body: header facts (NoticeMeta) and the numbered items (一)..(二十一)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.records import NoticeItem, NoticeMeta
from ingest.textutil import join_wrapped, split_units, strip_trailing_deng
from vectorstore.errors import SourceError

PART_RE = re.compile(r"^([一二三四五六七八九十])、(\S{2,20})$")
ITEM_RE = re.compile(r"^（([一二三四五六七八九十]+)）")
RESP_RE = re.compile(r"（责任单位：(.+?)）$")
DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
EXPECTED_ITEMS = 21
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_to_int(numeral: str) -> int:
    """Convert a Chinese numeral up to 99 (`二十一` -> 21)."""
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[numeral]


@dataclass
class _Block:
    kind: str  # "head" | "preamble" | "meta" | "item"
    number: int
    part: str
    line: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_wrapped(self.lines)


def parse_notice(lines: list[str]) -> tuple[NoticeMeta, list[NoticeItem]]:
    """Parse the notice (everything before the annex) into its meta facts and 21 items."""
    blocks = _scan_blocks(lines)
    items = [_to_item(b) for b in blocks if b.kind == "item"]
    _check_items(items, blocks)
    return _to_meta(blocks), items


def _scan_blocks(lines: list[str]) -> list[_Block]:
    head = _Block("head", 0, "", 1)
    blocks = [head]
    part = ""
    expected = 1
    for idx, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            continue
        if text.startswith("附件："):
            break
        if text.startswith("为") and blocks[-1].kind == "head" and "实施方案" in head.text:
            blocks.append(_Block("preamble", 0, "", idx + 1))
        part_match = PART_RE.match(text)
        item_match = ITEM_RE.match(text)
        if part_match and blocks[-1].kind != "head":
            part = text
            expected = 1 if part_match.group(1) == "一" else expected
            continue
        if item_match and part:
            number = cn_to_int(item_match.group(1))
            kind = "meta" if part.startswith("一、") else "item"
            if kind == "item" and number != expected:
                raise SourceError(
                    f"notice item ({item_match.group(1)}) out of order; expected item {expected}",
                    line=idx + 1,
                )
            expected += kind == "item"
            blocks.append(_Block(kind, number, part, idx + 1))
        blocks[-1].lines.append(text)
    return blocks


def _to_item(block: _Block) -> NoticeItem:
    text = block.text
    body = ITEM_RE.sub("", text, count=1)
    title = body.split("。", 1)[0]
    resp = RESP_RE.search(text)
    units = [strip_trailing_deng(u) for u in split_units(resp.group(1))] if resp else []
    return NoticeItem(index=block.number, part=block.part, title=title, responsible_units=units, text=text)


def _check_items(items: list[NoticeItem], blocks: list[_Block]) -> None:
    if len(items) != EXPECTED_ITEMS:
        last_line = blocks[-1].line if blocks else 0
        raise SourceError(
            f"notice has {len(items)} numbered items; expected {EXPECTED_ITEMS}", line=last_line
        )


def _to_meta(blocks: list[_Block]) -> NoticeMeta:
    head = next(b for b in blocks if b.kind == "head")
    preamble = next((b for b in blocks if b.kind == "preamble"), None)
    metas = {b.number: b for b in blocks if b.kind == "meta"}
    if preamble is None or 1 not in metas or 2 not in metas:
        raise SourceError("notice header, preamble or 总体要求 (指导思想/工作目标) not found", line=head.line)
    head_text = head.text
    title = re.search(r"关于印发.+?的通知", head_text)
    date = DATE_RE.search(head_text)
    plan = re.search(r"贯彻落实(《.+?》)实施方案", head_text)
    recipients = re.search(r"(各镇党委.+?)：", head_text)
    goals = ITEM_RE.sub("", metas[2].text, count=1)
    year = re.search(r"到(\d{4})年", goals)
    if not (title and date and plan and recipients and year):
        raise SourceError(
            "notice header facts (title, date, recipients, target year) not found", line=head.line
        )
    based = re.search(r"根据(.+?)，结合", preamble.text)
    return NoticeMeta(
        title=title.group(0),
        issuers=[head.lines[0], head.lines[1]],
        date=date.group(0),
        target_year=int(year.group(1)),
        implements=plan.group(1),
        based_on=re.findall(r"《[^《》]+(?:〈[^〉]*〉[^《》]*)?》", based.group(1)) if based else [],
        recipients=recipients.group(1),
        guiding_ideology=ITEM_RE.sub("", metas[1].text, count=1),
        goals=goals,
        preamble=preamble.text,
        annex_title="",
    )
