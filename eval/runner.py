"""Run a gold file through the in-process service (and optionally the vanilla baseline) and score it."""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from assistant.models import Answer, Citation
from eval import metrics
from eval.baseline import BaselineRAG
from eval.gold import DEFAULT_GOLD_PATH, OUT_OF_SCOPE, UNIT_TASKS, GoldQuestion, SourceRef, load_gold
from eval.models import BaselineReport, BaselineResult, EvalReport, Expected, MetricSummary, QuestionResult
from eval.report import failures_of, source_text, write_reports
from ingest.records import PolicyDocument
from vectorstore.errors import ConfigurationError, InvalidQuestionError

logger = logging.getLogger(__name__)
T = TypeVar("T")


class QAService(Protocol):
    """What the harness needs of assistant.service.PolicyQAService."""

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer: ...

    @property
    def document(self) -> PolicyDocument: ...


def run_eval(
    service: QAService,
    gold_path: Path = DEFAULT_GOLD_PATH,
    out_dir: Path = Path("eval-report"),
    baseline: bool = False,
    progress: bool = False,
    *,
    embeddings: Embeddings | None = None,
    baseline_k: int = 5,
) -> EvalReport:
    """Ask every gold question, score it, optionally score the baseline, write all report files to out_dir."""
    gold_path = Path(gold_path)
    questions = load_gold(gold_path)
    document = service.document
    results = [evaluate_question(service, q, document) for q in _progress(questions, progress, "eval")]
    baseline_report = None
    if baseline:
        baseline_report = run_baseline(
            document, questions, embeddings or service_embeddings(service), baseline_k, progress
        )
    report = EvalReport(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        gold_path=str(gold_path),
        gold_sha256=hashlib.sha256(gold_path.read_bytes()).hexdigest(),
        index_version=str(getattr(service, "index_version", "") or ""),
        n_questions=len(results),
        overall=summarize(results),
        per_type={kind: summarize(group) for kind, group in group_by_type(results).items()},
        failures=failures_of(results),
        results=results,
        baseline=baseline_report,
    )
    write_reports(report, questions, document, Path(out_dir))
    return report


def evaluate_question(service: QAService, question: GoldQuestion, document: PolicyDocument) -> QuestionResult:
    """Ask one gold question in-process, time it, and score the answer."""
    started = time.perf_counter()
    try:
        answer = service.ask(question.question, question.history_dicts())
    except InvalidQuestionError as exc:
        logger.warning("gold question %s rejected by the service: %s", question.id, exc)
        result = score_answer(question, "", False, [], (time.perf_counter() - started) * 1e3)
        result.error = f"{type(exc).__name__}: {exc}"
        result.reasons.insert(0, f"error: {result.error}")
        return result
    latency_ms = (time.perf_counter() - started) * 1e3
    cited = metrics.dedupe(SourceRef(type=c.type, id=c.id) for c in answer.citations)
    result = score_answer(question, answer.answer, answer.refused, cited, latency_ms)
    result.contexts = [citation_context(document, c) for c in answer.citations]
    return result


def score_answer(
    question: GoldQuestion, answer: str, refused: bool, cited: Sequence[SourceRef], latency_ms: float
) -> QuestionResult:
    """Score one answer (text, refusal flag, cited sources in rank order) against its gold question."""
    primary = question.primary_source()
    result = QuestionResult(
        id=question.id,
        type=question.type,
        question=question.question,
        history_turns=len(question.history),
        expected=expected_of(question),
        answer=answer,
        refused=refused,
        cited=[source.label() for source in cited],
        latency_ms=latency_ms,
    )
    if primary is not None:
        result.hit = metrics.hit(cited, primary)
        result.cite_at_1 = metrics.cite_at_1(cited, primary)
        result.reciprocal_rank = metrics.reciprocal_rank(cited, primary)
        result.citation_precision = metrics.citation_precision(cited, question.gold_sources())
    missing = metrics.missing_groups(answer, question.answer_must_contain_any)
    if question.type == OUT_OF_SCOPE:
        result.answer_correct = refused
    else:
        result.answer_correct = not refused and not missing
    if question.type == UNIT_TASKS:
        result.set_scores = metrics.set_scores((s.id for s in cited if s.type == "task"), question.gold_tasks)
    result.reasons = failure_reasons(question, result, missing)
    return result


def failure_reasons(question: GoldQuestion, result: QuestionResult, missing: list[list[str]]) -> list[str]:
    """Human-readable reasons a scored question counts as failed (empty when it passed)."""
    if question.type == OUT_OF_SCOPE:
        return [] if result.refused else ["answered an out-of-scope question instead of refusing"]
    reasons = ["refused an answerable question"] if result.refused else []
    reasons += [f"answer lacks all of {group}" for group in missing]
    primary = question.primary_source()
    if primary is not None and not result.hit:
        reasons.append(f"primary source {primary.label()} not cited")
    if question.type == UNIT_TASKS:
        cited = {int(label.split(":")[1]) for label in result.cited if label.startswith("task:")}
        if absent := sorted(set(question.gold_tasks) - cited):
            reasons.append(f"tasks not cited: {absent}")
        if extra := sorted(cited - set(question.gold_tasks)):
            reasons.append(f"tasks cited but not led by the unit: {extra}")
    return reasons


def expected_of(question: GoldQuestion) -> Expected:
    """The gold expectations of a question as stored in the report."""
    primary = question.primary_source()
    return Expected(
        gold_tasks=question.gold_tasks,
        gold_items=question.gold_items,
        primary=primary.label() if primary else None,
        answer_must_contain_any=question.answer_must_contain_any,
    )


def citation_context(document: PolicyDocument, citation: Citation) -> str:
    """The full text of a cited record (ragas `retrieved_contexts`); the quote for meta citations."""
    if citation.type == "meta":
        return citation.quote
    return source_text(document, SourceRef(type=citation.type, id=citation.id)) or citation.quote


def summarize(results: Sequence[QuestionResult]) -> MetricSummary:
    """Aggregate per-question scores: means of retrieval scores, accuracy, set scores, refusal rates, latency."""
    sets = [r.set_scores for r in results if r.set_scores is not None]
    return MetricSummary(
        n=len(results),
        hit=metrics.mean(r.hit for r in results),
        cite_at_1=metrics.mean(r.cite_at_1 for r in results),
        mrr=metrics.mean(r.reciprocal_rank for r in results),
        citation_precision=metrics.mean(r.citation_precision for r in results),
        answer_accuracy=metrics.mean(float(r.answer_correct) for r in results),
        set_precision=metrics.mean(s.precision for s in sets),
        set_recall=metrics.mean(s.recall for s in sets),
        set_f1=metrics.mean(s.f1 for s in sets),
        refusal_rate=metrics.refusal_rate(r.refused for r in results if r.type == OUT_OF_SCOPE),
        false_refusal_rate=metrics.false_refusal_rate(r.refused for r in results if r.type != OUT_OF_SCOPE),
        errors=sum(r.error is not None for r in results),
        latency=metrics.latency_stats([r.latency_ms for r in results if r.error is None]),
    )


def run_baseline(
    document: PolicyDocument,
    questions: Sequence[GoldQuestion],
    embeddings: Embeddings,
    k: int,
    progress: bool,
) -> BaselineReport:
    """Score the vanilla RAG baseline's retrieval on the same questions (the question alone, no history)."""
    with BaselineRAG(document, embeddings, k=k) as rag:
        results = []
        for question in _progress(questions, progress, "baseline"):
            retrieval = rag.retrieve(question.question)
            results.append(score_baseline(question, retrieval.sources, retrieval.latency_ms))
        config = rag.config
    return BaselineReport(
        config=config,
        overall=summarize_baseline(results),
        per_type={kind: summarize_baseline(group) for kind, group in group_by_type(results).items()},
        results=results,
    )


def score_baseline(question: GoldQuestion, cited: Sequence[SourceRef], latency_ms: float) -> BaselineResult:
    """Retrieval scores of the baseline's sources for one question."""
    result = BaselineResult(
        id=question.id, type=question.type, cited=[s.label() for s in cited], latency_ms=latency_ms
    )
    primary = question.primary_source()
    if primary is not None:
        result.hit = metrics.hit(cited, primary)
        result.cite_at_1 = metrics.cite_at_1(cited, primary)
        result.reciprocal_rank = metrics.reciprocal_rank(cited, primary)
        result.citation_precision = metrics.citation_precision(cited, question.gold_sources())
    return result


def summarize_baseline(results: Sequence[BaselineResult]) -> MetricSummary:
    """Aggregate the baseline's retrieval scores and retrieval latency."""
    return MetricSummary(
        n=len(results),
        hit=metrics.mean(r.hit for r in results),
        cite_at_1=metrics.mean(r.cite_at_1 for r in results),
        mrr=metrics.mean(r.reciprocal_rank for r in results),
        citation_precision=metrics.mean(r.citation_precision for r in results),
        latency=metrics.latency_stats([r.latency_ms for r in results]),
    )


class _Typed(Protocol):
    type: str


_R = TypeVar("_R", bound=_Typed)


def group_by_type(results: Iterable[_R]) -> dict[str, list[_R]]:
    """Results grouped by question type, types in first-seen order."""
    groups: dict[str, list[_R]] = {}
    for result in results:
        groups.setdefault(result.type, []).append(result)
    return groups


def service_embeddings(service: object) -> Embeddings:
    """The embedder the service uses (so the baseline embeds with the same model)."""
    for owner in (service, getattr(service, "holder", None)):
        found = getattr(owner, "embeddings", None)
        if isinstance(found, Embeddings):
            return found
    raise ConfigurationError("the baseline needs an embedder: pass embeddings= or a service that exposes one")


def _progress(items: Sequence[T], enabled: bool, label: str) -> Iterator[T]:
    """Iterate with a tqdm bar on stderr when enabled."""
    yield from tqdm(items, desc=label, unit="q", file=sys.stderr, disable=not enabled)
