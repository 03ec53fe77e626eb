"""Query expansion from a domain glossary (everyday Chinese / English -> the document's vocabulary)."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources


@cache
def load_glossary() -> dict[str, dict[str, list[str]]]:
    """The glossary (assistant/glossary.toml): language -> term -> expansions."""
    text = resources.files("assistant").joinpath("glossary.toml").read_text(encoding="utf-8")
    data: dict[str, dict[str, list[str]]] = tomllib.loads(text)
    return data


def expansions(question: str) -> list[str]:
    """Document terms for the everyday / English words found in `question`, without repeats."""
    glossary = load_glossary()
    found: list[str] = []
    for term, values in glossary["zh"].items():  # expansion tables only: [zh] and [en]
        if term in question:
            found.extend(values)
    low = question.lower()
    for term, values in glossary["en"].items():
        if re.search(rf"(?<![a-z]){re.escape(term.lower())}(?![a-z])", low):
            found.extend(values)
    return [t for t in dict.fromkeys(found) if t not in question]


def expand_query(question: str) -> str:
    """The question with its glossary expansions appended (for both dense and lexical search)."""
    extra = expansions(question)
    return f"{question} {' '.join(extra)}" if extra else question
