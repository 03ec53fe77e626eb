"""Charts for report.html, rendered with matplotlib's Agg canvas and returned as base64 PNG strings."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

from eval.models import EvalReport

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


def type_chart(report: EvalReport) -> str:
    """Grouped bars per question type: answer accuracy and hit, against the baseline's hit when present."""
    types = list(report.per_type)
    series = [
        ("accuracy", [report.per_type[t].answer_accuracy or 0.0 for t in types]),
        ("hit", [report.per_type[t].hit or 0.0 for t in types]),
    ]
    if report.baseline is not None:
        base = report.baseline.per_type
        series.append(("baseline hit", [(base[t].hit or 0.0) if t in base else 0.0 for t in types]))
    figure = _new_figure(max(6.0, 0.9 * len(types)), 4.0)
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    for offset, (label, values) in enumerate(series):
        axes.bar([i + offset * width for i in range(len(types))], values, width=width, label=label)
    axes.set_xticks(
        [i + width * (len(series) - 1) / 2 for i in range(len(types))], types, rotation=30, ha="right"
    )
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("score")
    axes.set_title("Per-type answer accuracy and hit (primary source cited)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _to_base64(figure)


def latency_chart(report: EvalReport) -> str:
    """Histogram of per-question latency of the service (and of the baseline's retrieval when present)."""
    series = [("service.ask", [r.latency_ms for r in report.results if r.error is None])]
    if report.baseline is not None:
        series.append(("baseline retrieval", [r.latency_ms for r in report.baseline.results]))
    top = max((max(values) for _, values in series if values), default=1.0)
    bins = [top * i / 30 for i in range(31)]  # shared bins so the two distributions compare directly
    figure = _new_figure(6.0, 3.5)
    axes = figure.add_subplot()
    for label, values in series:
        axes.hist(values, bins=bins, alpha=0.6, label=label)
    axes.set_xlabel("latency (ms)")
    axes.set_ylabel("questions")
    axes.set_title("Latency per question")
    axes.legend()
    return _to_base64(figure)
