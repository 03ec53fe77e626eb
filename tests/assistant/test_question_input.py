"""Raw questions are normalised or refused before any costly work."""

from __future__ import annotations

import pytest

from assistant.question_input import (
    MAX_COMBINING_RUN,
    clean_question,
    collapse_combining_runs,
    has_lone_surrogate,
    screen_question,
)
from vectorstore.errors import InvalidQuestionError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  用气报装\u3000由哪个部门牵头？ ", "用气报装 由哪个部门牵头?"),  # NFKC: full-width space and ？
        ("ｔａｓｋ ３４", "task 34"),
        ("任务\u200b34\u0007牵头", "任务34牵头"),  # zero-width space and BEL dropped
        ("Viê\u0323t Nam", "Việt Nam"),  # real stacked marks survive (composed by NFKC)
    ],
)
def test_clean_question_normalises(raw: str, expected: str) -> None:
    assert clean_question(raw) == expected


def test_combining_mark_floods_are_cut_to_a_few() -> None:
    flood = "a" + "\u0301" * 1900 + "b" + "\u0300" * 3
    collapsed = collapse_combining_runs(flood)
    assert collapsed == "a" + "\u0301" * MAX_COMBINING_RUN + "b" + "\u0300" * 3
    assert len(clean_question(flood)) <= 2 * (1 + MAX_COMBINING_RUN)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc\ud800", "surrogate"),
        ("\udfff", "surrogate"),
        ("\u0000\u0007\u200b  ", "empty"),
        ("字" * 2001, "2001 characters; the limit is 2000"),
        ("字" * 9000, "too long"),
        (None, "text string"),
    ],
)
def test_clean_question_refuses(raw: object, message: str) -> None:
    with pytest.raises(InvalidQuestionError, match=message):
        clean_question(raw, 2000)


def test_screen_question_keeps_the_wording() -> None:
    assert screen_question("  用气报装由哪个部门牵头？ ") == "用气报装由哪个部门牵头？"
    assert screen_question("a" + "\u0301" * 50) == "a" + "\u0301" * MAX_COMBINING_RUN
    with pytest.raises(InvalidQuestionError):
        screen_question("x\ud800")
    assert has_lone_surrogate("\ud83d") and not has_lone_surrogate("😀")
