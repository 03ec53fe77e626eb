"""Property tests: re-laying out the annex the way another PDF extraction might must not change the records.

The annex is cut into blocks: structural lines (column header, page number, section heading, row
number, an empty cell's lone space) and cell segments (wrapped lines up to one ending in a space).
Hypothesis then re-wraps segments, changes blank lines between blocks and moves or adds page breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.parser import parse_document
from ingest.records import PolicyDocument
from tests.fixtures.damaged import HEADER, annex_header, source_lines

PAGE_BREAK = ["— 99 —", "", f" {HEADER} "]
_ASCII = re.compile(r"[A-Za-z0-9]")
_CJK_GAP = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")
_LAYOUT_GAP = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")


@dataclass
class Block:
    """One structural line or one cell segment of the annex."""

    lines: list[str]
    kind: str  # "page" | "line" | "segment"


def _is_structural(text: str, raw: str) -> bool:
    return (
        text == HEADER
        or re.fullmatch(r"—\s*\d+\s*—", text) is not None
        or re.fullmatch(r"[一二三四五]、营造\S+环境", text) is not None
        or text.isdigit()
        or (not text and raw != "")
    )


def split_blocks(lines: list[str]) -> list[Block]:
    """Cut annex lines into blocks; blank lines between blocks are dropped (the layout adds its own)."""
    blocks: list[Block] = []
    segment: list[str] = []
    for raw in lines:
        text = raw.strip()
        if not segment and _is_structural(text, raw):
            kind = "page" if text == HEADER or text.startswith("—") else "line"
            blocks.append(Block([raw], kind))
        elif text:
            segment.append(raw)
            if raw[-1].isspace():
                blocks.append(Block(segment, "segment"))
                segment = []
    assert not segment, "the real source ends every cell with a space"
    return blocks


def _cut_points(text: str, width: int) -> list[int]:
    """Line-break positions every ~`width` chars, never between two ASCII letters/digits."""
    cuts, at = [], width
    while at < len(text):
        while at < len(text) and _ASCII.match(text[at - 1]) and _ASCII.match(text[at]):
            at += 1
        if at < len(text):
            cuts.append(at)
        at += width
    return cuts


def rewrap(segment: Block, width: int) -> Block:
    """Wrap a segment's text at `width`; the last line keeps its trailing space (the cell end)."""
    stripped = [raw.strip() for raw in segment.lines]
    if len(stripped) == 1 and _CJK_GAP.search(stripped[0]):
        return segment  # `区医保局 各镇街`: the gap itself separates lead and coop
    text = " ".join(stripped)
    bounds = [0, *_cut_points(text, width), len(text)]
    lines = [text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
    lines = [line for line in lines if line]
    if len(lines) == 1:  # one line: a layout gap between two names would read as lead|coop
        lines = [_LAYOUT_GAP.sub("", lines[0])]
    if lines[0].isdigit():  # a line of digits alone would read as a row number
        lines[:2] = [lines[0] + lines[1]] if len(lines) > 1 else lines[:1]
    return Block([*lines[:-1], lines[-1] + " "], "segment")


@dataclass
class Layout:
    """The random choices of one re-layout."""

    widths: list[int]
    blanks: list[int]
    keep_pages: list[bool]
    new_pages: set[int]


def render(blocks: list[Block], layout: Layout) -> list[str]:
    """Lay the blocks out again as source lines."""
    out: list[str] = []
    start_page = False
    for idx, block in enumerate(blocks):
        if block.kind == "page" and not layout.keep_pages[idx % len(layout.keep_pages)]:
            continue
        if idx in layout.new_pages:
            out += PAGE_BREAK + [""]
            start_page = True
        if block.kind == "segment":
            block = rewrap(block, layout.widths[idx % len(layout.widths)])
        lines = list(block.lines)
        if start_page and block.kind != "page":
            lines[0] = " " + lines[0]
            start_page = False
        out += lines + [""] * layout.blanks[idx % len(layout.blanks)]
    return out


LINES = source_lines()
ANNEX_AT = annex_header(LINES)
BLOCKS = split_blocks(LINES[ANNEX_AT + 1 :])
ORIGINAL = parse_document("\n".join(LINES))


def relaid(layout: Layout) -> PolicyDocument:
    """Parse the source with its annex (after the first column header) laid out by `layout`."""
    return parse_document("\n".join([*LINES[: ANNEX_AT + 1], *render(BLOCKS, layout)]))


layouts = st.builds(
    Layout,
    widths=st.lists(st.integers(min_value=3, max_value=40), min_size=1, max_size=20),
    blanks=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=20),
    keep_pages=st.lists(st.booleans(), min_size=1, max_size=8),
    new_pages=st.sets(st.integers(min_value=0, max_value=len(BLOCKS) - 1), max_size=40),
)
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_one_line_per_cell_keeps_every_record() -> None:
    unwrapped = Layout(widths=[10_000], blanks=[1], keep_pages=[True], new_pages=set())
    assert sum(b.kind == "segment" for b in BLOCKS) >= 3 * 176  # city task, district measure, lead per row
    assert relaid(unwrapped).tasks == ORIGINAL.tasks


@FAST
@given(layouts)
def test_relayout_keeps_every_record(layout: Layout) -> None:
    assert relaid(layout).tasks == ORIGINAL.tasks


@FAST
@given(width=st.integers(min_value=3, max_value=60))
def test_any_single_wrap_width_keeps_every_record(width: int) -> None:
    layout = Layout(widths=[width], blanks=[0], keep_pages=[True], new_pages=set())
    assert relaid(layout).tasks == ORIGINAL.tasks


@FAST
@given(at=st.sets(st.integers(min_value=0, max_value=len(BLOCKS) - 1), min_size=1, max_size=60))
def test_page_breaks_anywhere_between_cells_keep_every_record(at: set[int]) -> None:
    layout = Layout(widths=[10_000], blanks=[1], keep_pages=[False], new_pages=at)
    assert relaid(layout).tasks == ORIGINAL.tasks
