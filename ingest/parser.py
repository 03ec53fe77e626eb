"""Source text -> PolicyDocument (NoticeMeta, 21 NoticeItems, 176 Tasks), validated."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ingest.annex import EXPECTED_ROWS, annex_sections, find_annex_start, parse_annex
from ingest.notice import scan_notice
from ingest.records import PolicyDocument
from ingest.textutil import join_wrapped, read_source
from vectorstore.errors import SourceError


def load_document(path: Path) -> PolicyDocument:
    """Read and parse the source file; raise SourceError with the row and line of the first defect."""
    text, sha = read_source(path)
    return parse_document(text, sha256=sha)


def parse_document(text: str, sha256: str | None = None) -> PolicyDocument:
    """Parse the full source text (notice + annex) into typed, validated records."""
    if not text.strip():
        raise SourceError("source text is empty")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    annex_at = find_annex_start(lines)
    notice = scan_notice(lines[:annex_at])
    tasks = parse_annex(lines, annex_at, EXPECTED_ROWS)
    annex_title = _annex_title(lines[:annex_at])
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return PolicyDocument(
        meta=notice.meta.model_copy(update={"annex_title": annex_title}),
        items=notice.items,
        tasks=tasks,
        source_sha256=digest,
        parts=notice.parts,
        annex_sections=annex_sections(tasks),
    )


def _annex_title(notice_lines: list[str]) -> str:
    """The annex title as announced in the notice (`附件：…`)."""
    for raw in notice_lines:
        if raw.strip().startswith("附件："):
            return join_wrapped([re.sub(r"^附件：", "", raw.strip())])
    return ""
