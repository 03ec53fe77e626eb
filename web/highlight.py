"""Highlight quoted sentences inside a record's text (HTML-escaped, whitespace-insensitive matching)."""

from __future__ import annotations

import re
from html import escape

SENTENCE_END = re.compile(r"(?<=[。；！？!?;])|\n+")
MIN_SENTENCE_CHARS = 2


def quote_sentences(quote: str) -> list[str]:
    """Split a citation's quote into its sentences (on 。；！？ and line breaks), without empty pieces."""
    pieces = (piece.strip() for piece in SENTENCE_END.split(quote or ""))
    return [piece for piece in pieces if len(piece) >= MIN_SENTENCE_CHARS]


def _spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of every sentence, ignoring whitespace differences (wrapped cells)."""
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(text[i] for i in positions)
    spans = []
    for sentence in sentences:
        needle = "".join(sentence.split())
        start = compact.find(needle)
        while needle and start != -1:
            spans.append((positions[start], positions[start + len(needle) - 1] + 1))
            start = compact.find(needle, start + len(needle))
    return _merge(sorted(spans))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _escape_lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines() if line.strip())


def highlight(text: str, sentences: list[str]) -> str:
    """`text` escaped with line breaks kept, each quoted sentence wrapped in <mark class="pq-quote">."""
    out, cursor = [], 0
    for start, end in _spans(text, sentences):
        out.append(_escape_lines(text[cursor:start]) if text[cursor:start].strip() else "")
        out.append(f'<mark class="pq-quote">{_escape_lines(text[start:end])}</mark>')
        cursor = end
    out.append(_escape_lines(text[cursor:]) if text[cursor:].strip() else "")
    return "".join(out)
