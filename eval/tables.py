"""Tables of an EvalReport: scores per set against the issue targets, per type, latency, failure listings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from eval.models import EvalReport, Failure, MetricSummary, SetReport

Unit = Literal["score", "chars", "ms", "count"]
PASS, FAIL = "✓", "✗"


@dataclass(frozen=True)
class Table:
    """A header row and body rows of cell strings (first column = row label)."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Target:
    """An issue target: a bound the headline set's value must reach."""

    bound: float
    at_least: bool = True

    def met(self, value: float) -> bool:
        """True when the value is on the good side of the bound (the bound itself counts)."""
        return value >= self.bound if self.at_least else value <= self.bound

    def text(self) -> str:
        """The target as printed, e.g. `>= 0.95` or `<= 160`."""
        bound = f"{self.bound:.2f}" if self.bound < 1.5 else f"{self.bound:.0f}"
        return f"{'>=' if self.at_least else '<='} {bound}"


@dataclass(frozen=True)
class MetricRow:
    """One row of the scores table: how to read it from a MetricSummary, its unit and target."""

    label: str
    value: Callable[[MetricSummary], float | None]
    unit: Unit = "score"
    target: Target | None = None
    baseline: bool = False  # the baseline (retrieval only) has this metric too


def _length(summary: MetricSummary, short: bool, p90: bool) -> float | None:
    stats = summary.short_answer_length if short else summary.answer_length
    if stats is None:
        return None
    return stats.p90 if p90 else stats.median


def _latency(summary: MetricSummary, p90: bool) -> float | None:
    stats = summary.latency
    if stats is None or not stats.count:
        return None
    return stats.p90 if p90 else stats.p50


METRIC_ROWS = [
    MetricRow("questions", lambda s: s.n, "count", baseline=True),
    MetricRow("hit", lambda s: s.hit, target=Target(0.95), baseline=True),
    MetricRow("cite@1", lambda s: s.cite_at_1, target=Target(0.90), baseline=True),
    MetricRow("MRR", lambda s: s.mrr, baseline=True),
    MetricRow("citation precision", lambda s: s.citation_precision, baseline=True),
    MetricRow("answer accuracy (in scope)", lambda s: s.in_scope_accuracy, target=Target(0.92)),
    MetricRow("first-line accuracy", lambda s: s.first_line_accuracy, target=Target(0.85)),
    MetricRow("refusal rate (out of scope)", lambda s: s.refusal_rate, target=Target(0.90)),
    MetricRow("false-refusal rate", lambda s: s.false_refusal_rate, target=Target(0.03, at_least=False)),
    MetricRow("English hit", lambda s: s.english_hit, target=Target(0.90)),
    MetricRow("multi-turn hit", lambda s: s.multi_turn_hit, target=Target(0.90)),
    MetricRow("meta accuracy", lambda s: s.meta_accuracy, target=Target(0.90)),
    MetricRow("unit-list set F1", lambda s: s.set_f1),
    MetricRow(
        "median answer length", lambda s: _length(s, False, False), "chars", Target(160, at_least=False)
    ),
    MetricRow("p90 answer length", lambda s: _length(s, False, True), "chars"),
    MetricRow("median length, short answers", lambda s: _length(s, True, False), "chars"),
    MetricRow("p90 length, short answers", lambda s: _length(s, True, True), "chars"),
    MetricRow("latency p50 (ms)", lambda s: _latency(s, False), "ms", baseline=True),
    MetricRow("latency p90 (ms)", lambda s: _latency(s, True), "ms", baseline=True),
    MetricRow("errors", lambda s: s.errors, "count"),
]

_TYPE_COLUMNS = [  # (header, attribute, also shown for the baseline)
    ("hit", "hit", True),
    ("cite@1", "cite_at_1", True),
    ("MRR", "mrr", True),
    ("cit.prec", "citation_precision", True),
    ("accuracy", "answer_accuracy", False),
    ("first line", "first_line_accuracy", False),
    ("set F1", "set_f1", False),
    ("refusal", "refusal_rate", False),
    ("false ref.", "false_refusal_rate", False),
]


def fmt(value: float | None, unit: Unit = "score") -> str:
    """A cell: 3 decimals for scores, whole numbers for counts and characters, 1 decimal for ms; – for None."""
    if value is None:
        return "–"
    if unit == "score":
        return f"{value:.3f}"
    return f"{value:.1f}" if unit == "ms" else f"{value:.0f}"


def scores_table(report: EvalReport) -> Table:
    """Rows = metrics, columns = sets (each followed by its baseline when run) and the target.

    The headline set's cells carry a check mark or a cross for every metric that has a target.
    """
    headline = report.headline().name
    headers = ["metric"]
    for name, scored in report.sets.items():
        headers += [name, f"{name} (base)"] if scored.baseline is not None else [name]
    headers.append("target")
    rows = []
    for row in METRIC_ROWS:
        cells = [row.label]
        for name, scored in report.sets.items():
            cells.append(_cell(row, scored.overall, mark=name == headline))
            if scored.baseline is not None:
                cells.append(fmt(row.value(scored.baseline.overall), row.unit) if row.baseline else "–")
        rows.append([*cells, row.target.text() if row.target else ""])
    failed = []
    for scored in report.sets.values():
        failed += [str(scored.n_failed), "–"] if scored.baseline is not None else [str(scored.n_failed)]
    rows.append(["failed questions", *failed, ""])
    return Table(headers, rows)


def _cell(row: MetricRow, summary: MetricSummary, mark: bool) -> str:
    value = row.value(summary)
    text = fmt(value, row.unit)
    if mark and row.target is not None and value is not None:
        text += " " + (PASS if row.target.met(value) else FAIL)
    return text


def type_table(scored: SetReport) -> Table:
    """One set's metrics per question type and overall; baseline columns sit beside ours when it was run."""
    base = scored.baseline
    headers = ["type", "n"]
    for label, _, has_base in _TYPE_COLUMNS:
        headers += [label, f"{label} (base)"] if base is not None and has_base else [label]
    headers.append("median chars")
    rows = []
    for name, summary in [*scored.per_type.items(), ("OVERALL", scored.overall)]:
        theirs = None if base is None else (base.overall if name == "OVERALL" else base.per_type.get(name))
        cells = []
        for _, attr, has_base in _TYPE_COLUMNS:
            cells.append(fmt(getattr(summary, attr)))
            if base is not None and has_base:
                cells.append(fmt(getattr(theirs, attr)) if theirs is not None else "–")
        rows.append([name, str(summary.n), *cells, fmt(_length(summary, False, False), "chars")])
    return Table(headers, rows)


def latency_table(report: EvalReport) -> Table:
    """Latency percentiles (ms) of service.ask per set and, when run, of the baseline's retrieval."""
    headers = ["", "count", "mean", "p50", "p90", "p95", "p99", "max"]
    rows = []
    for name, scored in report.sets.items():
        pairs = [(f"{name}: service.ask", scored.overall.latency)]
        if scored.baseline is not None:
            pairs.append((f"{name}: baseline retrieval", scored.baseline.overall.latency))
        for label, stats in pairs:
            if stats is not None:
                values = [stats.mean, stats.p50, stats.p90, stats.p95, stats.p99, stats.max]
                rows.append([label, str(stats.count), *(f"{v:.1f}" for v in values)])
    return Table(headers, rows)


def failure_lines(failure: Failure) -> list[str]:
    """A failure as a few plain lines: id, type and question; the answer's first line; cited vs gold; why."""
    return [
        f"{failure.id} ({failure.type}): {failure.question}",
        f"  first line: {failure.first_line or '(empty)'}",
        f"  cited: {', '.join(failure.cited) or 'nothing'} | gold: {', '.join(failure.gold) or 'none'}",
        f"  why: {'; '.join(failure.reasons)}",
    ]


def text_table(table: Table) -> str:
    """A table for the terminal: first column left-aligned, the rest right-aligned."""
    widths = [max(len(r[i]) for r in [table.headers, *table.rows]) for i in range(len(table.headers))]
    lines = [table.headers, ["-" * w for w in widths], *table.rows]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        for cells in lines
    )


def markdown_table(table: Table) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""
    lines = ["| " + " | ".join(table.headers) + " |", "|" + "---|" * len(table.headers)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in table.rows]
    return "\n".join(lines)
