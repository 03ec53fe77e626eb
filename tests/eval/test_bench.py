"""`policyqa bench` and `policyqa eval`: summaries, targets, the table, the commands; never timings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import build_parser, main
from assistant.config import Settings, get_settings
from assistant.models import Answer
from eval.bench import (
    BenchResult,
    IngestBench,
    IngestRun,
    InProcessBench,
    MachineFacts,
    Target,
    ask_payloads,
    bench_in_process,
    bench_rows,
    cpu_model,
    format_value,
    missed_targets,
    ratio,
    render_report,
    render_table,
    time_pass,
)
from eval.gold import DEFAULT_GOLD_PATH, load_gold
from eval.load import HttpBench, LoadLevel, Outcome, summarize_level
from eval.metrics import LatencyStats
from ingest.parser import load_document
from tests.eval.fakes import BigramEmbeddings, FakeService
from vectorstore.errors import InvalidQuestionError

SOURCE = Path(__file__).resolve().parents[2] / "data" / "jiulongpo-business-environment-2021.txt"
CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
flags\t\t: fpu vme

processor\t: 1
model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
"""


def stats(p50: float, p95: float) -> LatencyStats:
    """Latency stats with chosen p50 and p95 (the rest derived from them)."""
    return LatencyStats(count=3, mean=(p50 + p95) / 2, p50=p50, p90=p95, p95=p95, p99=p95, max=p95)


def level(clients: int, rps: float, errors: int = 0) -> LoadLevel:
    return LoadLevel(
        clients=clients,
        requests=100,
        errors=errors,
        seconds=100 / rps,
        throughput_rps=rps,
        latency=stats(20.0, 30.0),
    )


def make_result(*, cold: float | None = 12.0, rps16: float = 80.0, errors16: int = 0) -> BenchResult:
    """A BenchResult with chosen values: ours p50 20 ms / p95 40 ms, baseline p50 10 ms, RSS 500 MB."""
    return BenchResult(
        machine=MachineFacts(
            date="2026-01-01T00:00:00+00:00", nproc=2, cpu_model="Test CPU", python="3.11.7"
        ),
        quick=cold is None,
        gold_path="gold.jsonl",
        requests_per_level=100,
        in_process=InProcessBench(
            questions=3,
            errors=0,
            first_pass=stats(400.0, 500.0),
            ours=stats(20.0, 40.0),
            baseline_first_pass=stats(10.0, 10.0),
            baseline=stats(10.0, 20.0),
            ratio_p50=2.0,
            ratio_p95=2.0,
        ),
        http=HttpBench(
            startup_s=3.0,
            warmup=level(1, 30.0),
            levels=[level(1, 30.0), level(4, 60.0), level(16, rps16, errors16)],
            peak_rss_mb=500.0,
        ),
        ingest=IngestBench(
            cold=IngestRun(seconds=cold, chunks=202, embedded=202, cached=0) if cold is not None else None,
            warm=IngestRun(seconds=2.0, chunks=202, embedded=0, cached=202),
        ),
    )


# ---------------------------------------------------------------- pure parts


def test_summarize_level_counts_errors_and_times_only_successes() -> None:
    outcomes = [Outcome(10.0), Outcome(30.0), Outcome(500.0, error="HTTP 500: boom"), Outcome(20.0)]
    summary = summarize_level(4, outcomes, seconds=2.0)
    assert (summary.clients, summary.requests, summary.errors) == (4, 4, 1)
    assert summary.throughput_rps == pytest.approx(2.0)
    assert summary.latency.count == 3
    assert summary.latency.p50 == pytest.approx(20.0)
    assert summary.latency.max == pytest.approx(30.0)
    assert summary.error_examples == ["HTTP 500: boom"]


def test_summarize_level_keeps_only_a_few_error_examples() -> None:
    outcomes = [Outcome(1.0, error=f"HTTP 503: {i}") for i in range(10)]
    summary = summarize_level(16, outcomes, seconds=1.0)
    assert summary.errors == 10
    assert summary.latency.count == 0
    assert summary.error_examples == ["HTTP 503: 0", "HTTP 503: 1", "HTTP 503: 2"]


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"), [(30.0, 10.0, 3.0), (5.0, 20.0, 0.25), (5.0, 0.0, None)]
)
def test_ratio(ours: float, theirs: float, expected: float | None) -> None:
    assert ratio(ours, theirs) == (pytest.approx(expected) if expected is not None else None)


def test_cpu_model_reads_model_name() -> None:
    assert cpu_model(CPUINFO) == "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz"


def test_cpu_model_without_model_name_falls_back_to_a_name() -> None:
    assert cpu_model("processor\t: 0\nvendor_id\t: ARM\n").strip() != ""


@pytest.mark.parametrize(
    ("op", "threshold", "value", "met"),
    [
        ("<=", 25, 25.0, True),
        ("<=", 25, 25.1, False),
        (">=", 50, 49.9, False),
        (">=", 50, 50.0, True),
        ("==", 0, 0, True),
        ("==", 0, 2, False),
        ("<=", 30, None, None),
    ],
)
def test_target_met(op: str, threshold: float, value: float | None, met: bool | None) -> None:
    assert Target.model_validate({"op": op, "threshold": threshold}).met(value) is met


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (23.456, "ms", "23.5 ms"),
        (1.234, "x", "1.23 x"),
        (512.7, "MB", "513 MB"),
        (0, "", "0"),
        (None, "s", "skipped"),
    ],
)
def test_format_value(value: float | None, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_table_has_metric_value_target_rows() -> None:
    table = render_table(bench_rows(make_result()))
    lines = table.splitlines()
    assert lines[0] == "| metric | value | target |"
    assert "| in-process ask p50 | 20.0 ms | <= 25 |" in lines
    assert "| in-process ask p95 | 40.0 ms | <= 60 |" in lines
    assert "| ratio ours/baseline p50 | 2.00 x | — |" in lines
    assert "| HTTP 16 clients throughput | 80.0 req/s | >= 50 |" in lines
    assert "| HTTP 16 clients errors | 0 | == 0 |" in lines
    assert "| HTTP warm-up pass, 1 client (cold caches) p95 | 30.0 ms | — |" in lines
    assert "| server peak RSS | 500 MB | <= 800 |" in lines
    assert "| cold ingest | 12.0 s | <= 30 |" in lines
    assert "| warm ingest | 2.0 s | <= 5 |" in lines
    assert all(line.count("|") == 4 for line in lines)


def test_report_lists_missed_targets_and_skips_unmeasured_ones() -> None:
    result = make_result(cold=None, rps16=20.0, errors16=3)
    text = render_report(result)
    assert "| cold ingest | skipped | <= 30 |" in text
    assert [row.metric for row in missed_targets(bench_rows(result))] == [
        "HTTP 16 clients throughput",
        "HTTP 16 clients errors",
    ]
    assert "missed: HTTP 16 clients throughput; HTTP 16 clients errors" in text
    assert "2 cores, Test CPU, Python 3.11.7" in text


def test_report_with_every_target_met() -> None:
    text = render_report(make_result())
    judged = [row for row in bench_rows(make_result()) if row.target is not None]
    assert f"targets met: {len(judged)}/{len(judged)}" in text
    assert "missed" not in text


def test_result_round_trips_through_json() -> None:
    result = make_result(cold=None)
    assert BenchResult.model_validate_json(result.model_dump_json()) == result


def test_payloads_carry_question_and_history() -> None:
    questions = load_gold(DEFAULT_GOLD_PATH)
    with_history = next(q for q in questions if q.history)
    payload = ask_payloads([with_history])[0]
    assert payload["question"] == with_history.question
    assert payload["history"] == with_history.history_dicts() != []


def test_time_pass_counts_rejected_questions_as_errors() -> None:
    questions = load_gold(DEFAULT_GOLD_PATH)[:4]

    def ask(question: object) -> None:
        if question is questions[1]:
            raise InvalidQuestionError("too long")

    timed = time_pass(ask, questions)
    assert timed.errors == 1
    assert len(timed.latencies_ms) == 3


def test_in_process_bench_times_ours_and_the_baseline_on_the_same_questions() -> None:
    document = load_document(SOURCE)
    questions = load_gold(DEFAULT_GOLD_PATH)[:5]
    service = FakeService(document, lambda question, history: Answer(answer="见来源。"))
    bench = bench_in_process(service, questions, BigramEmbeddings())
    assert bench.questions == 5
    assert bench.errors == 0
    assert (bench.first_pass.count, bench.ours.count, bench.baseline.count) == (5, 5, 5)
    assert len(service.calls) == 10  # one warm-up pass and one timed pass
    assert service.calls[:5] == [(q.question, q.history_dicts()) for q in questions]
    assert bench.ratio_p50 is not None


# ---------------------------------------------------------------- the commands


def test_commands_are_registered_with_their_defaults() -> None:
    parser, handlers = build_parser()
    assert {"eval", "bench"} <= set(handlers)
    bench = parser.parse_args(["bench"])
    assert (bench.out, bench.quick, bench.json, bench.limit) == (
        Path("reports/bench.json"),
        False,
        False,
        None,
    )
    evaluation = parser.parse_args(["eval", "--baseline", "--limit", "3"])
    assert (evaluation.out, evaluation.baseline, evaluation.limit) == (Path("reports/eval"), True, 3)
    assert evaluation.gold is None  # the dev and the held-out set


def test_limit_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    parser, _ = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["eval", "--limit", "0"])
    assert "must be at least 1" in capsys.readouterr().err


def _use_index(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(settings.index_dir))
    get_settings.cache_clear()


@pytest.mark.slow
def test_eval_command_scores_a_slice(
    indexed_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _use_index(monkeypatch, indexed_settings)
    assert main(["eval", "--limit", "4", "--out", str(tmp_path / "eval")]) == 0
    report = json.loads((tmp_path / "eval" / "report.json").read_text(encoding="utf-8"))
    assert report["sets"]["qa"]["n_questions"] == 4
    assert report["overall"]["errors"] == 0
    assert "4 questions" in capsys.readouterr().out


@pytest.mark.slow
def test_quick_bench_against_a_real_server(
    indexed_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _use_index(monkeypatch, indexed_settings)
    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--limit", "3", "--requests", "4", "--out", str(out)]) == 0
    result = BenchResult.model_validate_json(out.read_text(encoding="utf-8"))
    assert result.quick and result.requests_per_level == 4
    assert (result.in_process.questions, result.in_process.errors) == (3, 0)
    assert [(lv.clients, lv.requests, lv.errors) for lv in result.http.levels] == [
        (1, 4, 0),
        (4, 4, 0),
        (16, 4, 0),
    ]
    assert result.http.warmup.errors == 0
    assert result.http.peak_rss_mb > 0
    assert result.ingest.cold is None
    assert result.ingest.warm.chunks > 0
    printed = capsys.readouterr().out
    assert "| in-process ask p50 |" in printed
    assert "| cold ingest | skipped | <= 30 |" in printed
    assert f"JSON written to {out}" in printed
