"""Unit tests of eval.metrics: every scoring rule the eval report relies on."""

from __future__ import annotations

import pytest

from eval import metrics
from eval.gold import SourceRef


def t(n: int) -> SourceRef:
    return SourceRef(type="task", id=n)


def i(n: int) -> SourceRef:
    return SourceRef(type="item", id=n)


META = SourceRef(type="meta", id=0)


@pytest.mark.parametrize(
    ("cited", "primary", "expected"),
    [
        ([t(34)], t(34), 1.0),
        ([t(1), t(2), t(34)], t(34), 1.0),
        ([t(1), t(2)], t(34), 0.0),
        ([], t(34), 0.0),
        ([i(3)], t(3), 0.0),  # same number, different record type
        ([t(44), i(3)], i(3), 1.0),
        ([META], t(1), 0.0),
    ],
)
def test_hit_is_primary_cited_anywhere(cited: list[SourceRef], primary: SourceRef, expected: float) -> None:
    assert metrics.hit(cited, primary) == expected


@pytest.mark.parametrize(
    ("cited", "primary", "expected"),
    [
        ([t(34), t(33)], t(34), 1.0),
        ([t(33), t(34)], t(34), 0.0),
        ([], t(34), 0.0),
        ([i(12), t(123)], i(12), 1.0),
        ([t(12)], i(12), 0.0),
    ],
)
def test_cite_at_1_is_primary_first(cited: list[SourceRef], primary: SourceRef, expected: float) -> None:
    assert metrics.cite_at_1(cited, primary) == expected


@pytest.mark.parametrize(
    ("cited", "primary", "expected"),
    [
        ([t(34)], t(34), 1.0),
        ([t(1), t(34)], t(34), 0.5),
        ([t(1), t(2), t(34)], t(34), 1 / 3),
        ([t(1), t(2), t(3), t(4), t(34)], t(34), 0.2),
        ([t(1), t(1), t(34)], t(34), 0.5),  # duplicates do not push the primary down
        ([t(1), t(2)], t(34), 0.0),
        ([], t(34), 0.0),
    ],
)
def test_reciprocal_rank(cited: list[SourceRef], primary: SourceRef, expected: float) -> None:
    assert metrics.reciprocal_rank(cited, primary) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cited", "gold", "expected"),
    [
        ([t(34)], [t(34)], 1.0),
        ([t(34), t(33)], [t(34)], 0.5),
        ([t(34), t(33), t(35), t(1)], [t(34), t(35)], 0.5),
        ([t(1), t(2), t(3)], [t(34)], 0.0),
        ([t(34), t(34)], [t(34)], 1.0),  # a source cited twice counts once
        ([t(44), i(3), META], [t(44), i(3)], 2 / 3),
        ([], [t(34)], None),  # nothing cited: precision undefined, not zero
    ],
)
def test_citation_precision(cited: list[SourceRef], gold: list[SourceRef], expected: float | None) -> None:
    result = metrics.citation_precision(cited, gold)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


def test_dedupe_keeps_first_occurrence_order() -> None:
    assert metrics.dedupe([t(3), i(3), t(3), t(1), i(3)]) == [t(3), i(3), t(1)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13 个工作日", "13个工作日"),
        (" 2021年 9月 27日 ", "2021年9月27日"),
        ("90％", "90%"),
        ("１小时", "1小时"),
        ("Nine Working\nDays", "nineworkingdays"),
        ("（重庆站）", "(重庆站)"),
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert metrics.normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("answer", "groups", "expected"),
    [
        (
            "用气总用时不超过13个工作日，由区经济信息委牵头。",
            [["13个工作日", "13 个工作日"], ["经济信息委"]],
            True,
        ),
        ("用气总用时不超过13 个工作日。", [["13个工作日"]], True),  # whitespace in the answer is ignored
        ("不超过13个工作日", [["13 个工作日"]], True),  # whitespace in the expected string is ignored
        ("占比达到90％以上", [["90%"]], True),  # full-width percent sign
        ("It takes 9 Working Days.", [["9 working days"]], True),  # case-insensitive
        ("由区经济信息委牵头。", [["13个工作日"], ["经济信息委"]], False),  # one group missing
        ("", [["经济信息委"]], False),
        ("任何回答", [], True),  # no groups: nothing to check
        (
            "区财政局、区各采购单位",
            [["区各采购单位", "政府采购代理机构"]],
            True,
        ),  # any string of a group suffices
        ("区财政局", [["区各采购单位", "政府采购代理机构"]], False),
    ],
)
def test_answer_correct(answer: str, groups: list[list[str]], expected: bool) -> None:
    assert metrics.answer_correct(answer, groups) is expected


def test_missing_groups_lists_only_the_unmet_groups() -> None:
    groups = [["13个工作日"], ["经济信息委"], ["区城市管理局", "城市管理局"]]
    assert metrics.missing_groups("13个工作日，城市管理局", groups) == [["经济信息委"]]


@pytest.mark.parametrize(
    ("predicted", "gold", "precision", "recall", "f1"),
    [
        ([146, 147, 148], [146, 147, 148], 1.0, 1.0, 1.0),
        ([146, 147], [146, 147, 148, 149], 1.0, 0.5, 2 / 3),
        ([146, 147, 1, 2], [146, 147], 0.5, 1.0, 2 / 3),
        ([1, 2], [146, 147], 0.0, 0.0, 0.0),
        ([], [146, 147], 0.0, 0.0, 0.0),
        ([146], [], 0.0, 0.0, 0.0),
        ([], [], 1.0, 1.0, 1.0),
        ([146, 146, 147], [146, 147, 148], 1.0, 2 / 3, 0.8),  # duplicates collapse
        ([10, 146, 147, 200], [10, 146, 150], 0.5, 2 / 3, 4 / 7),
    ],
)
def test_set_scores(
    predicted: list[int], gold: list[int], precision: float, recall: float, f1: float
) -> None:
    scores = metrics.set_scores(predicted, gold)
    assert scores.precision == pytest.approx(precision)
    assert scores.recall == pytest.approx(recall)
    assert scores.f1 == pytest.approx(f1)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([True, True, False, True], 0.75),
        ([False, False], 0.0),
        ([True], 1.0),
        ([], None),
    ],
)
def test_refusal_and_false_refusal_rates(flags: list[bool], expected: float | None) -> None:
    for fn in (metrics.rate, metrics.refusal_rate, metrics.false_refusal_rate):
        result = fn(iter(flags))
        assert result == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 0.0, 0.5], 0.5),
        ([1.0, None, 0.0], 0.5),  # not-applicable values are skipped, not counted as 0
        ([None, None], None),
        ([], None),
    ],
)
def test_mean_skips_none(values: list[float | None], expected: float | None) -> None:
    result = metrics.mean(values)
    assert result == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([10.0, 20.0, 30.0, 40.0, 50.0], 90, 46.0),
        ([10.0, 20.0, 30.0, 40.0, 50.0], 95, 48.0),
        ([10.0, 20.0, 30.0, 40.0, 50.0], 0, 10.0),
        ([10.0, 20.0, 30.0, 40.0, 50.0], 100, 50.0),
        ([5.0, 1.0, 3.0], 50, 3.0),  # unsorted input
        ([7.0], 99, 7.0),
    ],
)
def test_percentile_linear_interpolation(values: list[float], q: float, expected: float) -> None:
    assert metrics.percentile(values, q) == pytest.approx(expected)


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_rejects_bad_input(values: list[float], q: float) -> None:
    with pytest.raises(ValueError):
        metrics.percentile(values, q)


def test_latency_stats_summarises_milliseconds() -> None:
    stats = metrics.latency_stats([float(v) for v in range(1, 101)])
    assert stats.count == 100
    assert stats.mean == pytest.approx(50.5)
    assert stats.p50 == pytest.approx(50.5)
    assert stats.p90 == pytest.approx(90.1)
    assert stats.p95 == pytest.approx(95.05)
    assert stats.p99 == pytest.approx(99.01)
    assert stats.max == pytest.approx(100.0)


def test_latency_stats_of_nothing_is_all_zero() -> None:
    stats = metrics.latency_stats([])
    assert stats.count == 0
    assert (stats.mean, stats.p50, stats.p99, stats.max) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("区经济信息委牵头。\n\n> 原文：……", "区经济信息委牵头。"),
        ("\n\n  13个工作日  \n依据第34项", "13个工作日"),  # leading blank lines are skipped
        ("one line only", "one line only"),
        ("", ""),
        (" \n \n", ""),
    ],
)
def test_first_line_is_the_first_non_empty_line(answer: str, expected: str) -> None:
    assert metrics.first_line(answer) == expected


@pytest.mark.parametrize(
    ("answer", "groups", "expected"),
    [
        ("不超过13 个工作日。\n> 原文：压减用气接入时间", [["13个工作日"]], True),
        ("第34项的规定如下：\n不超过13个工作日。", [["13个工作日"]], False),  # right answer, second line
        (
            "区经济信息委牵头，\n区住房城乡建委配合。",
            [["经济信息委"], ["住房城乡建委"]],
            False,
        ),  # one group below
        ("\nIt takes 9 Working Days.\nSource: task 34", [["9 working days"]], True),
        ("", [["13个工作日"]], False),
        ("任何回答", [], True),
    ],
)
def test_first_line_correct_reads_only_the_first_line(
    answer: str, groups: list[list[str]], expected: bool
) -> None:
    assert metrics.first_line_correct(answer, groups) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Which unit leads the work on gas connection time?", True),
        ("Who leads task 34 (压减用气接入时间)?", True),  # a quoted Chinese title in an English question
        ("压减用气接入时间由谁牵头？", False),
        ("5G基站建设由哪个部门负责？", False),  # a Latin token inside a Chinese question
        ("IT系统", False),  # two letters, two ideographs: a tie is not English
        ("第34项？", False),
        ("", False),
        ("ＡＢＣ", False),  # full-width letters are not ASCII letters
    ],
)
def test_is_english_compares_latin_letters_with_cjk_characters(text: str, expected: bool) -> None:
    assert metrics.is_english(text) is expected


def test_answer_length_counts_characters_without_surrounding_whitespace() -> None:
    assert metrics.answer_length("  区经济信息委牵头。\n") == 9
    assert metrics.answer_length("") == 0


def test_length_stats_median_and_p90() -> None:
    stats = metrics.length_stats([10, 40, 20, 30, 100])
    assert (stats.count, stats.median, stats.p90) == (5, 30.0, pytest.approx(76.0))
    even = metrics.length_stats([10, 20])
    assert even.median == pytest.approx(15.0) and even.p90 == pytest.approx(19.0)


def test_length_stats_of_nothing_has_no_median() -> None:
    stats = metrics.length_stats([])
    assert (stats.count, stats.median, stats.p90) == (0, None, None)
