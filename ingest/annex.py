"""Parse the annex task table (序号 | 市级工作任务 | 区级贯彻措施 | 牵头单位 | 配合单位) into Task records.

The PDF extraction wraps every cell across short lines. A cell's last line ends with a trailing space;
a line holding only a space is an empty cell; blank lines usually (not always) separate cells; page
breaks repeat the column header and print `— 30 —`. A row's text cells always end in 。, which lets us
re-join a cell that a stray trailing space or blank line split in two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.records import AnnexSection, Task, derive_annex_sections, split_heading
from ingest.textutil import join_wrapped, split_units
from vectorstore.errors import SourceError

#: The table's header row, as printed: its columns.
COLUMNS = ("序号", "市级工作任务", "区级贯彻措施", "牵头单位", "配合单位")
HEADER_RE = re.compile(r"^" + r"\s*".join(COLUMNS) + r"$")
PAGE_NO_RE = re.compile(r"^—\s*\d+\s*—$")
SECTION_RE = re.compile(r"^[一二三四五六七八九十]、\S+环境$")
HEADER_WORDS = ("序号", "市级工作任务", "区级贯彻措施")
TEXT_END = ("。", "！", "？", "；")
EXPECTED_ROWS = 176
_NUMERALS = "一二三四五六七八九十"
_RUN_TOGETHER = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


@dataclass
class _Segment:
    lines: list[str]
    line: int

    @property
    def empty(self) -> bool:
        return not any(part.strip() for part in self.lines)


@dataclass
class _RawRow:
    no: int
    section: str
    line: int
    segments: list[_Segment] = field(default_factory=list)


def find_annex_start(lines: list[str]) -> int:
    """Index of the first column-header line of the annex table."""
    for idx, raw in enumerate(lines):
        if HEADER_RE.match(raw.strip()):
            return idx
    raise SourceError("annex table not found: no line '序号 市级工作任务 区级贯彻措施 牵头单位 配合单位'")


def parse_annex(lines: list[str], start: int, expected_rows: int = EXPECTED_ROWS) -> list[Task]:
    """Parse annex rows from `lines[start:]`; raise SourceError naming the row and line on any defect."""
    rows = _scan_rows(lines, start)
    if not rows:
        raise SourceError("annex has no numbered rows", line=start + 1)
    if len(rows) != expected_rows:
        last, end = rows[-1], _last_text_line(lines)
        raise SourceError(
            f"annex ends after row {last.no}; expected {expected_rows} rows (truncated source?)",
            line=end,
            row=last.no + 1,
        )
    return [_assemble(row) for row in rows]


def annex_sections(tasks: list[Task]) -> list[AnnexSection]:
    """The annex headings 一、… with the row ranges under them; raise SourceError if they are out of order."""
    sections = derive_annex_sections(tasks)
    for section in sections:
        numeral = split_heading(section.heading)[0]
        if not section.heading or numeral != _NUMERALS[section.index - 1 : section.index]:
            where = f"heading {section.heading!r}" if section.heading else "no section heading"
            raise SourceError(
                f"annex rows {section.first_task}-{section.last_task} sit under {where}; "
                f"expected heading {_NUMERALS[section.index - 1 : section.index] or section.index}、",
                row=section.first_task,
            )
    return sections


def _last_text_line(lines: list[str]) -> int:
    """1-based number of the last line holding text (where a truncated source stops)."""
    return next((idx + 1 for idx in range(len(lines) - 1, -1, -1) if lines[idx].strip()), 0)


def _scan_rows(lines: list[str], start: int) -> list[_RawRow]:
    rows: list[_RawRow] = []
    buf: list[str] = []
    buf_line = 0
    section = ""
    for idx in range(start, len(lines)):
        raw, lineno = lines[idx], idx + 1
        text = raw.strip()
        if HEADER_RE.match(text) or PAGE_NO_RE.match(text):
            continue
        if not buf and SECTION_RE.match(text):
            section = text
            continue
        if not buf and text.isdigit() and _is_row_number(int(text), rows, lineno):
            rows.append(_RawRow(no=int(text), section=section, line=lineno))
            continue
        if not text:
            if raw and rows and not buf:
                rows[-1].segments.append(_Segment([], lineno))
            elif raw and buf:
                rows[-1].segments.append(_Segment(buf, buf_line))
                buf = []
            continue
        if not rows:
            raise SourceError(f"text before annex row 1: {text[:20]!r}", line=lineno, row=1)
        if not buf:
            buf_line = lineno
        buf.append(text)
        if raw[-1:].isspace():
            rows[-1].segments.append(_Segment(buf, buf_line))
            buf = []
    if buf and rows:
        # Every cell's last line ends in a space; text running into the end of file was cut off.
        no = rows[-1].no
        raise SourceError(
            f"annex row {no}: the source ends inside a cell (truncated source?)", line=buf_line, row=no
        )
    return rows


def _is_row_number(n: int, rows: list[_RawRow], lineno: int) -> bool:
    """True when `n` on its own line starts the next row; raise on a skipped or repeated row number."""
    expected = rows[-1].no + 1 if rows else 1
    if n == expected:
        return True
    if rows and n < expected and n >= expected - 3:
        raise SourceError(f"annex row {n} appears twice", line=lineno, row=n)
    if expected < n <= expected + 3:
        raise SourceError(
            f"annex row {expected} is missing (row {n} follows row {expected - 1})", line=lineno, row=expected
        )
    return False


def _assemble(row: _RawRow) -> Task:
    segments = [s for s in row.segments if not s.empty]
    cells: list[str] = []
    pending: list[str] = []
    while segments and len(cells) < 2:
        pending.extend(segments.pop(0).lines)
        joined = join_wrapped(pending)
        if joined.endswith(TEXT_END):
            cells.append(joined)
            pending = []
    if len(cells) < 2:
        raise SourceError(
            f"annex row {row.no}: cannot find both task columns ending in 。", line=row.line, row=row.no
        )
    lead, coop = _split_unit_cells(segments, row)
    task = Task(
        no=row.no,
        section=row.section,
        city_task=cells[0],
        district_measure=cells[1],
        lead_units=split_units(lead),
        coop_units=split_units(coop),
    )
    _validate(task, row)
    return task


def _split_unit_cells(segments: list[_Segment], row: _RawRow) -> tuple[str, str]:
    """Return (lead cell, coop cell) from the non-empty unit segments of a row."""
    if not segments:
        raise SourceError(f"annex row {row.no} has no lead unit (牵头单位)", line=row.line, row=row.no)
    if len(segments) > 2:
        raise SourceError(
            f"annex row {row.no}: {len(segments)} unit cells, expected 牵头单位 and 配合单位",
            line=segments[-1].line,
            row=row.no,
        )
    if len(segments) == 2:
        return join_wrapped(segments[0].lines), join_wrapped(segments[1].lines)
    only = segments[0]
    if len(only.lines) == 1:
        # Lead and coop printed on one line (`区医保局 各镇街`): the gap between two names separates them.
        parts = _RUN_TOGETHER.split(re.sub(r"\s*、\s*", "、", only.lines[0]), maxsplit=1)
        if len(parts) == 2:
            return parts[0], parts[1]
    return join_wrapped(only.lines), ""


def _validate(task: Task, row: _RawRow) -> None:
    cells = [task.city_task, task.district_measure, *task.lead_units, *task.coop_units]
    for cell in cells:
        if any(word in cell for word in HEADER_WORDS) or re.search(r"—\s*\d+\s*—", cell):
            raise SourceError(
                f"annex row {task.no}: page header text inside a cell: {cell[:30]!r}",
                line=row.line,
                row=task.no,
            )
    for unit in [*task.lead_units, *task.coop_units]:
        if unit.endswith("。") or len(unit) > 40:
            raise SourceError(
                f"annex row {task.no}: unit cell looks like text: {unit[:30]!r}", line=row.line, row=task.no
            )
