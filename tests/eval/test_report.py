"""eval.tables and eval.report on hand-built reports: targets, marks, cells, the side-by-side layout."""

from __future__ import annotations

import pytest

from eval.metrics import LatencyStats, LengthStats
from eval.models import BaselineConfig, BaselineReport, EvalReport, Failure, MetricSummary, SetReport
from eval.report import format_summary, render_html, render_markdown
from eval.tables import FAIL, PASS, Target, fmt, scores_table, type_table

LATENCY = LatencyStats(count=2, mean=15.0, p50=15.0, p90=19.0, p95=19.5, p99=19.9, max=20.0)


def summary(**scores: object) -> MetricSummary:
    values: dict[str, object] = {"n": 10, "latency": LATENCY} | scores
    return MetricSummary.model_validate(values)


def failure(qid: str) -> Failure:
    return Failure(
        id=qid,
        type="lead_unit",
        question=f"question {qid}?",
        expected="primary task:34",
        got="区财政局牵头。",
        first_line="区财政局牵头。",
        cited=["task:33"],
        gold=["task:34"],
        reasons=["answer lacks all of ['经济信息委']", "primary source task:34 not cited"],
    )


def set_report(name: str, heldout: bool, overall: MetricSummary, shown: bool = True) -> SetReport:
    failures = [failure(f"{name}-1"), failure(f"{name}-2")]
    return SetReport(
        name=name,
        heldout=heldout,
        gold_path=f"eval/gold/{name}.jsonl",
        gold_sha256="ab" * 32,
        n_questions=overall.n,
        n_failed=2,
        overall=overall,
        per_type={"lead_unit": overall},
        failures_shown=shown,
        failures=failures if shown else [],
        results=[],
    )


def report_of(*sets: SetReport) -> EvalReport:
    return EvalReport(
        created_at="2026-12-02T05:00:00+00:00",
        index_version="v1",
        n_questions=sum(s.n_questions for s in sets),
        overall=summary(),
        sets={s.name: s for s in sets},
    )


def row(report: EvalReport, label: str) -> list[str]:
    return next(r for r in scores_table(report).rows if r[0] == label)


@pytest.mark.parametrize(
    ("target", "value", "met"),
    [
        (Target(0.95), 0.95, True),  # the bound itself meets the target
        (Target(0.95), 0.949, False),
        (Target(0.03, at_least=False), 0.03, True),
        (Target(0.03, at_least=False), 0.031, False),
        (Target(160, at_least=False), 159.5, True),
        (Target(160, at_least=False), 161.0, False),
    ],
)
def test_target_met_at_the_bound(target: Target, value: float, met: bool) -> None:
    assert target.met(value) is met


def test_targets_print_as_bounds() -> None:
    assert [Target(0.95).text(), Target(0.03, False).text(), Target(160, False).text()] == [
        ">= 0.95",
        "<= 0.03",
        "<= 160",
    ]


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.9166, "score", "0.917"),
        (None, "score", "–"),
        (151.5, "chars", "152"),
        (12.34, "ms", "12.3"),
        (7, "count", "7"),
    ],
)
def test_cells(value: float | None, unit: str, text: str) -> None:
    assert fmt(value, unit) == text  # type: ignore[arg-type]


def test_marks_sit_on_the_held_out_column_only() -> None:
    report = report_of(
        set_report("heldout", True, summary(hit=0.96, cite_at_1=0.80, false_refusal_rate=0.05)),
        set_report("qa", False, summary(hit=0.99, cite_at_1=0.99, false_refusal_rate=0.0)),
    )
    assert scores_table(report).headers == ["metric", "heldout", "qa", "target"]
    assert row(report, "hit") == ["hit", f"0.960 {PASS}", "0.990", ">= 0.95"]
    assert row(report, "cite@1") == ["cite@1", f"0.800 {FAIL}", "0.990", ">= 0.90"]
    assert row(report, "false-refusal rate") == ["false-refusal rate", f"0.050 {FAIL}", "0.000", "<= 0.03"]
    assert row(report, "English hit") == ["English hit", "–", "–", ">= 0.90"]  # nothing to judge, no mark
    assert row(report, "failed questions") == ["failed questions", "2", "2", ""]


def test_length_rows_read_the_length_stats() -> None:
    lengths = LengthStats(count=4, median=150.0, p90=240.0)
    short = LengthStats(count=2, median=40.0, p90=61.0)
    report = report_of(set_report("heldout", True, summary(answer_length=lengths, short_answer_length=short)))
    assert row(report, "median answer length") == ["median answer length", f"150 {PASS}", "<= 160"]
    assert row(report, "p90 answer length")[1] == "240"
    assert row(report, "median length, short answers")[1] == "40"
    assert row(report, "p90 length, short answers")[1] == "61"
    assert row(report, "latency p90 (ms)")[1] == "19.0"


def test_without_a_held_out_set_the_first_set_is_judged() -> None:
    report = report_of(
        set_report("qa", False, summary(hit=0.5)), set_report("other", False, summary(hit=1.0))
    )
    assert report.headline().name == "qa"
    assert row(report, "hit")[1:] == [f"0.500 {FAIL}", "1.000", ">= 0.95"]


def test_baseline_columns_follow_their_set() -> None:
    scored = set_report("qa", False, summary(hit=0.9, answer_accuracy=0.8))
    scored.baseline = BaselineReport(
        config=BaselineConfig(k=5, chunk_size=500, chunk_overlap=50, chunks=80),
        overall=summary(hit=0.6),
        per_type={"lead_unit": summary(hit=0.6)},
        results=[],
    )
    report = report_of(scored)
    assert scores_table(report).headers == ["metric", "qa", "qa (base)", "target"]
    assert row(report, "hit") == ["hit", f"0.900 {FAIL}", "0.600", ">= 0.95"]
    assert row(report, "first-line accuracy")[2] == "–"  # the baseline only retrieves
    assert row(report, "failed questions") == ["failed questions", "2", "–", ""]
    types = type_table(scored)
    assert types.headers[:5] == ["type", "n", "hit", "hit (base)", "cite@1"]
    assert types.rows[-1][:4] == ["OVERALL", "10", "0.900", "0.600"]


def test_markdown_puts_sets_side_by_side_and_hides_held_out_failures() -> None:
    report = report_of(
        set_report("heldout", True, summary(hit=0.96), shown=False), set_report("qa", False, summary(hit=0.9))
    )
    markdown = render_markdown(report)
    assert "| metric | heldout | qa | target |" in markdown
    assert markdown.index("## Per type: heldout") < markdown.index("## Per type: qa")
    assert "### qa-1 (lead_unit)" in markdown and "- cited: task:33; gold: task:34" in markdown
    assert "- first line: 区财政局牵头。" in markdown
    assert "heldout-1" not in markdown and "2 failed; not listed because `heldout` is held out" in markdown
    page = render_html(report)
    assert "heldout-1" not in page and "qa-2" in page and page.count("data:image/png;base64,") == 5


def test_summary_lists_at_most_n_failures_per_shown_set() -> None:
    report = report_of(
        set_report("heldout", True, summary(), shown=False), set_report("qa", False, summary())
    )
    assert "qa-1" not in format_summary(report)  # no listing unless asked
    text = format_summary(report, failures=1)
    assert "qa failures (1 of 2):" in text and "qa-1 (lead_unit): question qa-1?" in text
    assert "  cited: task:33 | gold: task:34" in text and "qa-2" not in text
    assert "heldout failures: 2 failed; not listed" in text and "heldout-1" not in text
