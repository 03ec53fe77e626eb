"""Normalise and validate a raw question before any costly work: the first thing every entry point calls.

Pathological input (lone surrogates, control garbage, thousands of stacked combining marks, megabytes of
text) is normalised or refused here in linear time, so nothing downstream pays for it.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import opencc

from vectorstore.errors import InvalidQuestionError

# Real scripts stack at most a few marks on a base character (Vietnamese: 2, Thai: 3); Zalgo text stacks
# hundreds. Longer runs are cut to this many before NFKC (whose cost grows with the length of a run).
MAX_COMBINING_RUN = 4
DEFAULT_MAX_CHARS = 2000
# Refuse before normalising anything longer than this many code points: NFKC may shrink text (e.g. a
# full-width run), but never by more than this factor in practice.
_RAW_FACTOR = 4
# Control (Cc), format (Cf), private use (Co), unassigned (Cn): dropped, except whitespace controls.
_DROPPED = {"Cc", "Cf", "Co", "Cn"}


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds a UTF-16 surrogate code point (not encodable as UTF-8)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def collapse_combining_runs(text: str, limit: int = MAX_COMBINING_RUN) -> str:
    """Keep at most `limit` consecutive combining marks after each base character."""
    out: list[str] = []
    run = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if run > limit:
                continue
        else:
            run = 0
        out.append(ch)
    return "".join(out)


def normalise_question(text: str) -> str:
    """Collapse combining runs, NFKC, drop control/format characters, collapse whitespace."""
    text = unicodedata.normalize("NFKC", collapse_combining_runs(text))
    text = collapse_combining_runs(text)  # NFKC may decompose into new marks
    kept = (
        " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _DROPPED
    )
    return " ".join("".join(kept).split())


@cache
def _traditional_to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in simplified characters, the document's script (聽說區裡 -> 听说区里; OpenCC's phrase tables, so
    a simplified text comes back unchanged: checked over the document and every gold question)."""
    return str(_traditional_to_simplified().convert(text)) if text else text


def clean_question(raw: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return the normalised question or raise InvalidQuestionError (not text, lone surrogate, empty or
    nothing but control characters, too long). Linear in the input; oversize input is refused before NFKC.
    Whether the text asks anything answerable is the answerer's decision, not this module's."""
    if not isinstance(raw, str):
        raise InvalidQuestionError("The question must be a text string.")
    if len(raw) > _RAW_FACTOR * max_chars:
        raise InvalidQuestionError(f"The question is too long (the limit is {max_chars} characters).")
    if has_lone_surrogate(raw):
        raise InvalidQuestionError("The question contains an invalid character (a lone UTF-16 surrogate).")
    question = normalise_question(raw)
    if not question:
        raise InvalidQuestionError("The question is empty.")
    if len(question) > max_chars:
        raise InvalidQuestionError(
            f"The question is too long ({len(question)} characters; the limit is {max_chars})."
        )
    return question


def screen_question(raw: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Refuse what clean_question refuses, but return the text as written (stripped, combining runs cut):
    for an entry point that passes the user's wording on (to the answerer, a session) unchanged."""
    clean_question(raw, max_chars)
    assert isinstance(raw, str)
    return collapse_combining_runs(raw.strip())
