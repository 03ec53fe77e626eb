"""Write an EvalReport as report.json, report.md, report.html and ragas.jsonl; format it for the terminal."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from eval import plots
from eval.gold import OUT_OF_SCOPE, GoldQuestion, SourceRef
from eval.models import EvalReport, Failure, QuestionResult, RagasRow, SetReport
from eval.tables import (
    FAIL,
    PASS,
    Table,
    failure_lines,
    latency_table,
    markdown_table,
    scores_table,
    text_table,
    type_table,
)
from ingest.records import PolicyDocument

logger = logging.getLogger(__name__)

OUT_OF_SCOPE_REFERENCE = "The document does not cover this question; the assistant should decline to answer."


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
            first_line=r.first_line,
            cited=r.cited,
            gold=_gold_labels(r),
            reasons=r.reasons,
        )
        for r in results
        if r.reasons
    ]


def _gold_labels(result: QuestionResult) -> list[str]:
    """Gold source labels, the primary first."""
    exp = result.expected
    labels = [f"task:{n}" for n in exp.gold_tasks] + [f"item:{n}" for n in exp.gold_items]
    if exp.primary in labels:
        labels.remove(exp.primary)
        labels.insert(0, exp.primary)
    return labels


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
    report: EvalReport, questions: Mapping[str, Sequence[GoldQuestion]], document: PolicyDocument
) -> list[RagasRow]:
    """One ragas SingleTurnSample-shaped row per question, set by set in report order, gold order within."""
    rows = []
    for name, scored in report.sets.items():
        by_id = {q.id: q for q in questions[name]}
        for result in scored.results:
            gold = by_id[result.id]
            if gold.type == OUT_OF_SCOPE:
                reference = OUT_OF_SCOPE_REFERENCE
            else:
                reference = "；".join(group[0] for group in gold.answer_must_contain_any)
            rows.append(
                RagasRow(
                    id=result.id,
                    gold_set=name,
                    user_input=result.question,
                    retrieved_contexts=result.contexts,
                    response=result.answer,
                    reference=reference,
                    reference_contexts=[t for s in gold.gold_sources() if (t := source_text(document, s))],
                )
            )
    return rows


def write_reports(
    report: EvalReport,
    questions: Mapping[str, Sequence[GoldQuestion]],
    document: PolicyDocument,
    out_dir: Path,
) -> None:
    """Write report.json, report.md, report.html and ragas.jsonl into out_dir (created if missing)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (out_dir / "report.html").write_text(render_html(report), encoding="utf-8")
    lines = [row.model_dump_json() for row in ragas_rows(report, questions, document)]
    (out_dir / "ragas.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    logger.info("eval reports written to %s", out_dir)


def _set_line(scored: SetReport) -> str:
    limit = f" (first {scored.limit})" if scored.limit else ""
    role = "held-out" if scored.heldout else "dev"
    return (
        f"`{scored.name}` ({role}): `{scored.gold_path}` (sha256 {scored.gold_sha256[:12]}), "
        f"{scored.n_questions} questions{limit}, {scored.n_failed} failed, {scored.overall.errors} errors"
    )


def _hidden_note(scored: SetReport) -> str:
    return (
        f"{scored.n_failed} failed; not listed because `{scored.name}` is held out "
        "(scored, never tuned on). Rerun with `--show-heldout-failures` to list them."
    )


def render_markdown(report: EvalReport) -> str:
    """The report as Markdown: scores per set side by side with targets, latency, per-type tables, failures."""
    headline = report.headline().name
    parts = [
        "# policyqa eval report",
        f"- index version: `{report.index_version or '-'}`; run at {report.created_at}",
        *(f"- {_set_line(scored)}" for scored in report.sets.values()),
        "",
        f"## Scores by set ({PASS}/{FAIL}: issue target met on `{headline}`)",
        markdown_table(scores_table(report)),
        "",
        "## Latency (ms)",
        markdown_table(latency_table(report)),
    ]
    for name, scored in report.sets.items():
        parts += ["", f"## Per type: {name}", markdown_table(type_table(scored))]
    for name, scored in report.sets.items():
        parts += ["", f"## Failures: {name} ({scored.n_failed})"]
        if not scored.failures_shown:
            parts.append(_hidden_note(scored))
        for failure in scored.failures:
            parts += [
                f"### {failure.id} ({failure.type})",
                f"- question: {failure.question}",
                f"- first line: {failure.first_line or '(empty)'}",
                f"- cited: {', '.join(failure.cited) or 'nothing'}; gold: {', '.join(failure.gold) or 'none'}",
                f"- expected: {failure.expected}",
                f"- got: {failure.got}",
                f"- reasons: {'; '.join(failure.reasons)}",
                "",
            ]
    return "\n".join(parts) + "\n"


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _img(alt: str, png: str) -> str:
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{png}'>"


_CSS = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
    ".types tr:last-child td{font-weight:bold}.fail{border-left:4px solid #c33;padding-left:8px;margin:8px 0}"
    ".sets{display:flex;gap:2em;align-items:flex-start;overflow-x:auto}.sets>div{flex:0 0 auto;max-width:960px}"
)


def _html_failures(scored: SetReport) -> str:
    if not scored.failures_shown:
        return f"<p>{html.escape(_hidden_note(scored))}</p>"
    return "".join(
        f"<div class='fail'><b>{html.escape(f.id)}</b> ({html.escape(f.type)}): {html.escape(f.question)}<br>"
        f"first line: {html.escape(f.first_line or '(empty)')}<br>"
        f"cited: {html.escape(', '.join(f.cited) or 'nothing')}; gold: {html.escape(', '.join(f.gold) or 'none')}"
        f"<br>expected: {html.escape(f.expected)}<br>got: {html.escape(f.got)}<br>"
        f"reasons: {html.escape('; '.join(f.reasons))}</div>"
        for f in scored.failures
    )


def _html_set_column(scored: SetReport) -> str:
    """One set's column: per-type table, its charts, its failures."""
    name = html.escape(scored.name)
    return (
        f"<div><h2>{name}{' (held-out)' if scored.heldout else ' (dev)'}</h2>"
        f"<p>{html.escape(_set_line(scored).replace('`', ''))}</p>"
        f"<h3>Per type</h3><div class='types'>{_html_table(type_table(scored))}</div>"
        + _img(f"{scored.name}: per-type accuracy and hit", plots.type_chart(scored))
        + _img(f"{scored.name}: latency histogram", plots.latency_chart(scored))
        + f"<h3>Failures ({scored.n_failed})</h3>{_html_failures(scored)}</div>"
    )


def render_html(report: EvalReport) -> str:
    """A self-contained HTML report: the scores table, then one column per set with its tables and charts."""
    headline = report.headline().name
    columns = "".join(_html_set_column(scored) for scored in report.sets.values())
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>policyqa eval report</title>"
        f"<style>{_CSS}</style></head><body><h1>policyqa eval report</h1>"
        f"<p>index <code>{html.escape(report.index_version or '-')}</code>; {html.escape(report.created_at)}</p>"
        f"<h2>Scores by set ({PASS}/{FAIL}: issue target met on {html.escape(headline)})</h2>"
        f"{_html_table(scores_table(report))}"
        + _img("scores by set against the targets", plots.sets_chart(report))
        + f"<h2>Latency (ms)</h2>{_html_table(latency_table(report))}"
        f"<div class='sets'>{columns}</div></body></html>"
    )


def format_summary(report: EvalReport, failures: int = 0) -> str:
    """The terminal summary: metrics x sets (+ targets), latency, one line per set, up to N failures per set."""
    counts = "\n".join(
        f"{name}: {s.n_questions} questions, {s.n_failed} failed, {s.overall.errors} errors"
        for name, s in report.sets.items()
    )
    parts = [text_table(scores_table(report)), text_table(latency_table(report)), counts]
    if failures:
        parts += [_failure_block(scored, failures) for scored in report.sets.values()]
    return "\n\n".join(parts)


def _failure_block(scored: SetReport, limit: int) -> str:
    if not scored.failures_shown:
        return f"{scored.name} failures: {_hidden_note(scored).replace('`', '')}"
    shown = scored.failures[:limit]
    lines = [f"{scored.name} failures ({len(shown)} of {scored.n_failed}):"]
    for failure in shown:
        lines += failure_lines(failure)
    return "\n".join(lines)
