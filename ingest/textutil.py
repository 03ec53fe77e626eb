"""Small text helpers for PDF-extracted Chinese: reading the source, de-wrapping, unit-list splitting."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from vectorstore.errors import SourceError

_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_WS = re.compile(r"\s+")


def read_source(path: Path) -> tuple[str, str]:
    """Read the source as strict UTF-8; return (text with \\n newlines, sha256 of the bytes)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read source file {path}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise SourceError(f"source file {path} is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"source file {path} is not valid UTF-8 (byte {exc.start})", line=line) from exc
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, hashlib.sha256(data).hexdigest()


def join_wrapped(parts: list[str]) -> str:
    """Join PDF-wrapped fragments and drop layout spaces.

    Whitespace is kept (as one space) only between two ASCII letters/digits, where it separates words;
    everywhere else in Chinese text it is a layout artifact (`13 个工作日` -> `13个工作日`).
    """
    joined = " ".join(p.strip() for p in parts if p.strip())

    def gap(match: re.Match[str]) -> str:
        before = joined[match.start() - 1 : match.start()]
        after = joined[match.end() : match.end() + 1]
        return " " if _ASCII_ALNUM.match(before) and _ASCII_ALNUM.match(after) else ""

    return _WS.sub(gap, joined)


def split_units(cell: str) -> list[str]:
    """Split a unit cell on 、 except inside “…” or （…）/(…); drop empties and trailing 等."""
    units: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in cell:
        if ch in "“（(":
            depth += 1
        elif ch in "”）)" and depth:
            depth -= 1
        if ch == "、" and depth == 0:
            units.append("".join(current))
            current = []
        else:
            current.append(ch)
    units.append("".join(current))
    return [u.strip() for u in units if u.strip()]


def strip_trailing_deng(unit: str) -> str:
    """`区商务委等` -> `区商务委` (the notice lists end with 等, meaning 'and others')."""
    return unit[:-1] if unit.endswith("等") and len(unit) > 2 else unit
