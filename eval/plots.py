"""Charts for report.html, rendered with matplotlib's Agg canvas and returned as base64 PNG strings."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

from eval.models import EvalReport, SetReport
from eval.tables import METRIC_ROWS

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _new_figure(width: float, height: float) -> Figure:
    """A figure drawn on the non-interactive Agg canvas (no pyplot global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _to_base64(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def type_chart(scored: SetReport) -> str:
    """Grouped bars per question type of one set: answer accuracy, first-line accuracy and hit (+ baseline hit)."""
    types = list(scored.per_type)
    series = [
        ("accuracy", [scored.per_type[t].answer_accuracy or 0.0 for t in types]),
        ("first line", [scored.per_type[t].first_line_accuracy or 0.0 for t in types]),
        ("hit", [scored.per_type[t].hit or 0.0 for t in types]),
    ]
    if scored.baseline is not None:
        base = scored.baseline.per_type
        series.append(("baseline hit", [(base[t].hit or 0.0) if t in base else 0.0 for t in types]))
    return _bars(types, series, f"{scored.name}: per-type accuracy, first-line accuracy and hit", None)


def sets_chart(report: EvalReport) -> str:
    """Grouped bars of the targeted scores, one series per set, the targets drawn as short black lines."""
    rows = [row for row in METRIC_ROWS if row.unit == "score" and row.target is not None]
    series = [(name, [row.value(s.overall) or 0.0 for row in rows]) for name, s in report.sets.items()]
    targets = [row.target.bound if row.target else 0.0 for row in rows]
    return _bars([row.label for row in rows], series, "Scores by set against the issue targets", targets)


def _bars(
    labels: list[str], series: list[tuple[str, list[float]]], title: str, targets: list[float] | None
) -> str:
    """Grouped bar chart on a 0..1 scale; optional per-group target marks."""
    figure = _new_figure(max(6.0, 0.9 * len(labels)), 4.0)
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    for offset, (label, values) in enumerate(series):
        axes.bar([i + offset * width for i in range(len(labels))], values, width=width, label=label)
    centres = [i + width * (len(series) - 1) / 2 for i in range(len(labels))]
    if targets is not None:
        axes.hlines(
            targets, [c - 0.4 for c in centres], [c + 0.4 for c in centres], colors="black", label="target"
        )
    axes.set_xticks(centres, labels, rotation=30, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("score")
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _to_base64(figure)


def latency_chart(scored: SetReport) -> str:
    """Histogram of one set's per-question latency (and of the baseline's retrieval when present)."""
    series = [("service.ask", [r.latency_ms for r in scored.results if r.error is None])]
    if scored.baseline is not None:
        series.append(("baseline retrieval", [r.latency_ms for r in scored.baseline.results]))
    top = max((max(values) for _, values in series if values), default=1.0)
    bins = [top * i / 30 for i in range(31)]  # shared bins so the two distributions compare directly
    figure = _new_figure(6.0, 3.5)
    axes = figure.add_subplot()
    for label, values in series:
        axes.hist(values, bins=bins, alpha=0.6, label=label)
    axes.set_xlabel("latency (ms)")
    axes.set_ylabel("questions")
    axes.set_title(f"{scored.name}: latency per question")
    axes.legend()
    return _to_base64(figure)
