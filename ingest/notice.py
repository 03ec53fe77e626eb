"""Parse the notice body: header facts (NoticeMeta) and the numbered items (一)..(二十一)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.records import (
    NoticeClosing,
    NoticeItem,
    NoticeMeta,
    NoticePart,
    NoticeSection,
    NoticeSignOff,
    split_heading,
)
from ingest.textutil import join_wrapped, split_units, strip_trailing_deng
from vectorstore.errors import SourceError

# A heading is a phrase: wrapped body text can start with `一、` too, but it carries punctuation.
PART_RE = re.compile(r"^([一二三四五六七八九十])、([^\s。，；：、（）]{2,20})$")
ITEM_RE = re.compile(r"^（([一二三四五六七八九十]+)）")
RESP_RE = re.compile(r"（责任单位：(.+?)）$")
DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
DATE_LINE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
SENTENCE_PUNCT = re.compile(r"[。，；：:！？、（）()《》“”]")
CLOSING_CUES = ("抄送", "附件", "（此件", "(此件")
MAX_NAME_LEN = 24
MAX_ISSUER_LINES = 4
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
    kind: str  # "head" | "preamble" | "part" | "meta" | "item" | "closing"
    number: int
    part: str
    line: int
    lines: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # 1-based source line of each entry in `lines`

    @property
    def text(self) -> str:
        return join_wrapped(self.lines)

    def add(self, text: str, lineno: int) -> None:
        self.lines.append(text)
        self.numbers.append(lineno)


@dataclass
class NoticeParse:
    """Everything the notice body yields: meta facts, the 21 items and the parts 一..七."""

    meta: NoticeMeta
    items: list[NoticeItem]
    parts: list[NoticePart]


def parse_notice(lines: list[str]) -> tuple[NoticeMeta, list[NoticeItem]]:
    """Parse the notice (everything before the annex) into its meta facts and 21 items."""
    parsed = scan_notice(lines)
    return parsed.meta, parsed.items


def scan_notice(lines: list[str]) -> NoticeParse:
    """Parse the notice into meta facts (cover, sign-off, closing included), items and parts."""
    blocks = _split_closing(_scan_blocks(lines))
    items = [_to_item(b) for b in blocks if b.kind == "item"]
    _check_items(items, blocks)
    return NoticeParse(meta=_to_meta(blocks), items=items, parts=_to_parts(blocks))


def _scan_blocks(lines: list[str]) -> list[_Block]:
    head = _Block("head", 0, "", 1)
    blocks = [head]
    part = ""
    expected = 1
    for idx, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            continue
        if text.startswith("附件：") or text.startswith("附件:"):
            blocks.append(_Block("closing", 0, part, idx + 1))
            blocks[-1].add(text, idx + 1)
            break
        if text.startswith("为") and blocks[-1].kind == "head" and "实施方案" in head.text:
            blocks.append(_Block("preamble", 0, "", idx + 1))
        part_match = PART_RE.match(text)
        item_match = ITEM_RE.match(text)
        if part_match and blocks[-1].kind != "head":
            _check_part_order(part_match.group(1), part, idx + 1)
            part = text
            expected = 1 if part_match.group(1) == "一" else expected
            blocks.append(_Block("part", cn_to_int(part_match.group(1)), part, idx + 1))
        elif item_match and part:
            number = cn_to_int(item_match.group(1))
            kind = "meta" if part.startswith("一、") else "item"
            if kind == "item" and number != expected:
                raise SourceError(
                    f"notice item ({item_match.group(1)}) out of order; expected item {expected}",
                    line=idx + 1,
                )
            expected += kind == "item"
            blocks.append(_Block(kind, number, part, idx + 1))
        blocks[-1].add(text, idx + 1)
    return blocks


def _check_part_order(numeral: str, previous: str, lineno: int) -> None:
    """Parts run 一、二、…; a skipped or repeated part heading means the source is damaged."""
    expected = cn_to_int(split_heading(previous)[0]) + 1 if previous else 1
    if cn_to_int(numeral) != expected:
        raise SourceError(f"notice part {numeral}、 out of order; expected part {expected}", line=lineno)


def _split_closing(blocks: list[_Block]) -> list[_Block]:
    """Move what follows the last item's text (落款, 抄送, 印发, 附件 lines) into one closing block."""
    items = [b for b in blocks if b.kind == "item"]
    if not items:
        return blocks
    last = items[-1]
    cut = next((j for j in range(1, len(last.lines)) if _closing_starts(last.lines, j)), len(last.lines))
    closing = _Block("closing", 0, last.part, last.numbers[cut] if cut < len(last.lines) else 0)
    closing.lines, closing.numbers = last.lines[cut:], last.numbers[cut:]
    del last.lines[cut:], last.numbers[cut:]
    rest = [b for b in blocks if b.kind == "closing"]
    for block in rest:
        closing.lines += block.lines
        closing.numbers += block.numbers
        closing.line = closing.line or block.line
    return [b for b in blocks if b.kind != "closing"] + [closing]


def _closing_starts(lines: list[str], j: int) -> bool:
    """True when line `j` opens the closing: a cc/print line, a date line or the sign-off above one."""
    if lines[j].startswith(CLOSING_CUES) or lines[j].endswith("印发"):
        return True
    if not _is_name_line(lines[j]) and not DATE_LINE_RE.match(lines[j]):
        return False
    if _is_name_line(lines[j - 1]):
        return False  # not the first line of the sign-off
    run = j
    while run < len(lines) and _is_name_line(lines[run]) and run - j < MAX_ISSUER_LINES:
        run += 1
    return run < len(lines) and DATE_LINE_RE.match(lines[run]) is not None


def _is_name_line(text: str) -> bool:
    """An issuer line of a sign-off: short and without sentence punctuation."""
    return len(text) <= MAX_NAME_LEN and not SENTENCE_PUNCT.search(text) and not DATE_LINE_RE.match(text)


def _find_sign_off(block: _Block, start: int = 0) -> tuple[int, int] | None:
    """(first issuer line, date line) indexes of the first sign-off in `block.lines[start:]`."""
    for d in range(start, len(block.lines)):
        if DATE_LINE_RE.match(block.lines[d]):
            first = d
            while first > start and d - first < MAX_ISSUER_LINES and _is_name_line(block.lines[first - 1]):
                first -= 1
            return first, d
    return None


def _sign_off(block: _Block, span: tuple[int, int]) -> NoticeSignOff:
    first, d = span
    return NoticeSignOff(
        issuers=block.lines[first:d], date=join_wrapped([block.lines[d]]), line=block.numbers[first]
    )


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
    cover = _cover(head)
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
        cover_text=cover.text,
        sign_off=cover.sign_off,
        plan_title=cover.plan_title,
        closing=_to_closing(next((b for b in blocks if b.kind == "closing"), None)),
    )


@dataclass
class _Cover:
    text: str
    sign_off: NoticeSignOff | None
    plan_title: str


def _cover(head: _Block) -> _Cover:
    """Split the header into the forwarding text, its sign-off and the forwarded plan's title."""
    addressed = next((j for j, t in enumerate(head.lines) if t.endswith(("：", ":"))), None)
    if addressed is None:
        return _Cover("", None, "")
    span = _find_sign_off(head, addressed + 1)
    if span is None:
        return _Cover(join_wrapped(head.lines[addressed + 1 :]), None, "")
    return _Cover(
        text=join_wrapped(head.lines[addressed + 1 : span[0]]),
        sign_off=_sign_off(head, span),
        plan_title=join_wrapped(head.lines[span[1] + 1 :]),
    )


def _to_closing(block: _Block | None) -> NoticeClosing | None:
    """Sort the closing lines into 落款, 抄送, 印发, the 附件 reference and any other paragraphs."""
    if block is None or not block.lines:
        return None
    span = _find_sign_off(block)
    signed = set(range(span[0], span[1] + 1)) if span else set()
    rest = [(j, t) for j, t in enumerate(block.lines) if j not in signed]
    cc = [t for _, t in rest if t.startswith("抄送")]
    printed = [t for _, t in rest if t.endswith("印发")]
    annex = [t for _, t in rest if t.startswith("附件")]
    other = [t for _, t in rest if t not in (*cc, *printed, *annex)]
    return NoticeClosing(
        text="\n".join(join_wrapped([t]) for t in block.lines),
        requirements=[join_wrapped([t]) for t in other],
        annex_ref=join_wrapped(annex[:1]),
        sign_off=_sign_off(block, span) if span else None,
        cc=join_wrapped(cc[:1]),
        printed_by=join_wrapped(printed[:1]),
    )


def _to_parts(blocks: list[_Block]) -> list[NoticePart]:
    """Each part heading with the sub-sections (一、总体要求) or items that follow it."""
    parts: list[NoticePart] = []
    for block in blocks:
        if block.kind != "part":
            continue
        held = [b for b in blocks if b.part == block.part and b.kind in ("meta", "item")]
        sections = [_to_section(b) for b in held if b.kind == "meta"]
        intro = join_wrapped(block.lines[1:])
        numeral, title = split_heading(block.part)
        parts.append(
            NoticePart(
                index=block.number,
                numeral=numeral,
                heading=block.part,
                title=title,
                item_indexes=[b.number for b in held if b.kind == "item"],
                sections=sections,
                text="\n".join([block.part, *([intro] if intro else []), *(b.text for b in held)]),
                line=block.line,
            )
        )
    return parts


def _to_section(block: _Block) -> NoticeSection:
    body = ITEM_RE.sub("", block.text, count=1)
    numeral = ITEM_RE.match(block.text)
    return NoticeSection(
        index=block.number,
        numeral=numeral.group(1) if numeral else "",
        title=body.split("。", 1)[0],
        text=block.text,
    )
