"""Write an EvalReport as report.json, report.md, report.html and ragas.jsonl; format it for the terminal."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path

from eval import plots
from eval.gold import OUT_OF_SCOPE, GoldQuestion, SourceRef
from eval.metrics import LatencyStats
from eval.models import EvalReport, Failure, MetricSummary, QuestionResult, RagasRow
from ingest.records import PolicyDocument

logger = logging.getLogger(__name__)

OUT_OF_SCOPE_REFERENCE = "The document does not cover this question; the assistant should decline to answer."
_COLUMNS = [  # (header, attribute, also shown for the baseline)
    ("hit", "hit", True),
    ("cite@1", "cite_at_1", True),
    ("MRR", "mrr", True),
    ("cit.prec", "citation_precision", True),
    ("accuracy", "answer_accuracy", False),
    ("set F1", "set_f1", False),
    ("refusal", "refusal_rate", False),
    ("false ref.", "false_refusal_rate", False),
]


def source_text(document: PolicyDocument, source: SourceRef) -> str:
    """Plain text of a task row (number, columns, units) or a notice item; empty when it does not exist."""
    if source.type == "task" and (task := document.task(source.id)):
        units = f"牵头单位：{'、'.join(task.lead_units)}；配合单位：{'、'.join(task.coop_units) or '无'}"
        return f"{task.no}. {task.city_task}\n{task.district_measure}\n{units}"
    if source.type == "item" and (item := document.item(source.id)):
        return item.text
    return ""


def failures_of(results: Sequence[QuestionResult]) -> list[Failure]:
    """Every failed question with what was expected and what came back."""
    return [
        Failure(
            id=r.id,
            type=r.type,
            question=r.question,
            expected=_expected_text(r),
            got=_got_text(r),
            reasons=r.reasons,
        )
        for r in results
        if r.reasons
    ]


def _expected_text(result: QuestionResult) -> str:
    if result.type == OUT_OF_SCOPE:
        return "a refusal"
    exp = result.expected
    groups = "; ".join(" | ".join(group) for group in exp.answer_must_contain_any) or "(no strings)"
    sources = (
        ", ".join([f"task:{n}" for n in exp.gold_tasks] + [f"item:{n}" for n in exp.gold_items]) or "none"
    )
    return f"primary {exp.primary or '-'} (gold: {sources}); answer contains: {groups}"


def _got_text(result: QuestionResult) -> str:
    if result.error:
        return result.error
    answer = " ".join(result.answer.split())
    answer = answer if len(answer) <= 300 else answer[:300] + "…"
    refused = " [refused]" if result.refused else ""
    return f"{answer}{refused} (cited: {', '.join(result.cited) or 'nothing'})"


def ragas_rows(
    report: EvalReport, questions: Sequence[GoldQuestion], document: PolicyDocument
) -> list[RagasRow]:
    """One ragas SingleTurnSample-shaped row per question, in gold order."""
    by_id = {q.id: q for q in questions}
    rows = []
    for result in report.results:
        gold = by_id[result.id]
        if gold.type == OUT_OF_SCOPE:
            reference = OUT_OF_SCOPE_REFERENCE
        else:
            reference = "；".join(group[0] for group in gold.answer_must_contain_any)
        rows.append(
            RagasRow(
                id=result.id,
                user_input=result.question,
                retrieved_contexts=result.contexts,
                response=result.answer,
                reference=reference,
                reference_contexts=[text for s in gold.gold_sources() if (text := source_text(document, s))],
            )
        )
    return rows


def write_reports(
    report: EvalReport, questions: Sequence[GoldQuestion], document: PolicyDocument, out_dir: Path
) -> None:
    """Write report.json, report.md, report.html and ragas.jsonl into out_dir (created if missing)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (out_dir / "report.html").write_text(render_html(report), encoding="utf-8")
    lines = [row.model_dump_json() for row in ragas_rows(report, questions, document)]
    (out_dir / "ragas.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    logger.info("eval reports written to %s", out_dir)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def metric_table(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Header and rows (each type, then overall) of the metrics table; baseline columns sit beside ours."""
    base = report.baseline
    headers = ["type", "n"]
    for label, _, has_base in _COLUMNS:
        headers += [label, f"{label} (base)"] if base is not None and has_base else [label]
    rows = []
    named = [*report.per_type.items(), ("OVERALL", report.overall)]
    for name, summary in named:
        theirs = None if base is None else (base.overall if name == "OVERALL" else base.per_type.get(name))
        rows.append([name, str(summary.n), *_metric_cells(summary, theirs, base is not None)])
    return headers, rows


def _metric_cells(ours: MetricSummary, theirs: MetricSummary | None, with_base: bool) -> list[str]:
    cells = []
    for _, attr, has_base in _COLUMNS:
        cells.append(_fmt(getattr(ours, attr)))
        if with_base and has_base:
            cells.append(_fmt(getattr(theirs, attr)) if theirs is not None else "–")
    return cells


def latency_table(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Latency percentiles (ms) of service.ask and, when run, of the baseline's retrieval."""
    headers = ["", "count", "mean", "p50", "p90", "p95", "p99", "max"]
    pairs: list[tuple[str, LatencyStats | None]] = [("service.ask", report.overall.latency)]
    if report.baseline is not None:
        pairs.append(("baseline retrieval", report.baseline.overall.latency))
    rows = []
    for name, stats in pairs:
        if stats is not None:
            values = [stats.mean, stats.p50, stats.p90, stats.p95, stats.p99, stats.max]
            rows.append([name, str(stats.count), *(f"{v:.1f}" for v in values)])
    return headers, rows


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(report: EvalReport) -> str:
    """The report as Markdown: metrics per type and overall (ours vs baseline), latency, failures."""
    parts = [
        "# policyqa eval report",
        f"- gold file: `{report.gold_path}` (sha256 {report.gold_sha256[:12]}), {report.n_questions} questions",
        f"- index version: `{report.index_version or '-'}`; run at {report.created_at}",
        f"- failures: {len(report.failures)}; errors: {report.overall.errors}",
        "",
        "## Metrics per type" + (" (base = vanilla LangChain RAG baseline)" if report.baseline else ""),
        _md_table(*metric_table(report)),
        "",
        "## Latency (ms)",
        _md_table(*latency_table(report)),
        "",
        f"## Failures ({len(report.failures)})",
    ]
    for failure in report.failures:
        parts += [
            f"### {failure.id} ({failure.type})",
            f"- question: {failure.question}",
            f"- expected: {failure.expected}",
            f"- got: {failure.got}",
            f"- reasons: {'; '.join(failure.reasons)}",
            "",
        ]
    return "\n".join(parts) + "\n"


def _html_table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_CSS = (
    "body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
    "tr:last-child td{font-weight:bold}.fail{border-left:4px solid #c33;padding-left:8px;margin:8px 0}"
)


def render_html(report: EvalReport) -> str:
    """A self-contained HTML report: the tables plus the charts embedded as base64 PNG."""
    failures = "".join(
        f"<div class='fail'><b>{html.escape(f.id)}</b> ({html.escape(f.type)}): {html.escape(f.question)}<br>"
        f"expected: {html.escape(f.expected)}<br>got: {html.escape(f.got)}<br>"
        f"reasons: {html.escape('; '.join(f.reasons))}</div>"
        for f in report.failures
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>policyqa eval report</title>"
        f"<style>{_CSS}</style></head><body><h1>policyqa eval report</h1>"
        f"<p>{report.n_questions} questions from <code>{html.escape(report.gold_path)}</code>; index "
        f"<code>{html.escape(report.index_version or '-')}</code>; {html.escape(report.created_at)}</p>"
        f"<h2>Metrics per type</h2>{_html_table(*metric_table(report))}"
        f"<img alt='per-type accuracy and hit' src='data:image/png;base64,{plots.type_chart(report)}'>"
        f"<h2>Latency (ms)</h2>{_html_table(*latency_table(report))}"
        f"<img alt='latency histogram' src='data:image/png;base64,{plots.latency_chart(report)}'>"
        f"<h2>Failures ({len(report.failures)})</h2>{failures}</body></html>"
    )


def _text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(_pad(cells, widths) for cells in lines)


def _pad(cells: list[str], widths: list[int]) -> str:
    """First column left-aligned, the rest right-aligned."""
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def format_summary(report: EvalReport) -> str:
    """A compact terminal table: metrics per type and overall (with baseline columns), latency, failures."""
    return "\n\n".join(
        [
            _text_table(*metric_table(report)),
            _text_table(*latency_table(report)),
            f"{report.n_questions} questions, {len(report.failures)} failed, {report.overall.errors} errors",
        ]
    )
