"""Run gold files (dev and held-out) through the in-process service (and optionally the baseline); score each."""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from assistant.models import Answer, Citation
from eval import metrics
from eval.baseline import BaselineRAG
from eval.gold import (
    DEFAULT_GOLD_PATH,
    ENGLISH,
    HELDOUT_GOLD_PATH,
    META,
    MULTI_TURN,
    OUT_OF_SCOPE,
    SHORT_ANSWER_TYPES,
    UNIT_TASKS,
    GoldQuestion,
    SourceRef,
    load_gold,
)
from eval.models import (
    BaselineReport,
    BaselineResult,
    EvalReport,
    Expected,
    MetricSummary,
    QuestionResult,
    SetReport,
)
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


@dataclass(frozen=True)
class GoldSet:
    """One gold file to score, named by its stem."""

    name: str
    path: Path
    sha256: str
    questions: list[GoldQuestion]
    heldout: bool
    limit: int | None = None


def default_gold_paths() -> list[Path]:
    """The dev sets (qa.jsonl, then any probe_*.jsonl beside it), plus the held-out sets (heldout.jsonl, then any
    heldout_*.jsonl) when they exist."""
    dev = [DEFAULT_GOLD_PATH, *sorted(DEFAULT_GOLD_PATH.parent.glob("probe_*.jsonl"))]
    if HELDOUT_GOLD_PATH.exists():
        return [*dev, HELDOUT_GOLD_PATH, *sorted(HELDOUT_GOLD_PATH.parent.glob("heldout_*.jsonl"))]
    logger.warning("no held-out set at %s; scoring the dev sets only", HELDOUT_GOLD_PATH)
    return dev


def is_heldout(path: Path) -> bool:
    """A held-out file is named like eval/gold/heldout.jsonl (its stem contains `heldout`)."""
    return "heldout" in Path(path).stem.casefold()


def load_sets(paths: Sequence[Path], limit: int | None = None) -> list[GoldSet]:
    """Load each gold file (its first `limit` questions), held-out sets first; stems must be distinct."""
    sets = []
    for path in map(Path, paths):
        questions = load_gold(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        chosen = questions[:limit] if limit else questions
        sets.append(GoldSet(path.stem, path, digest, chosen, is_heldout(path), limit))
    names = [s.name for s in sets]
    if duplicated := sorted({n for n in names if names.count(n) > 1}):
        raise ConfigurationError(f"gold files must have distinct names (file stems); repeated: {duplicated}")
    return sorted(sets, key=lambda s: not s.heldout)


def run_eval(
    service: QAService,
    gold_paths: Path | Sequence[Path] | None = None,
    out_dir: Path = Path("eval-report"),
    baseline: bool = False,
    progress: bool = False,
    *,
    embeddings: Embeddings | None = None,
    baseline_k: int = 5,
    limit: int | None = None,
    show_heldout_failures: bool = False,
) -> EvalReport:
    """Score every gold file (default: dev + held-out) side by side, optionally the baseline; write the reports."""
    if gold_paths is None:
        gold_paths = default_gold_paths()
    sets = load_sets([gold_paths] if isinstance(gold_paths, Path | str) else gold_paths, limit)
    document = service.document
    results = {
        s.name: [
            evaluate_question(service, q, document)
            for q in _progress(s.questions, progress, f"eval {s.name}")
        ]
        for s in sets
    }
    baselines: dict[str, BaselineReport] = {}
    if baseline:
        baselines = run_baselines(
            document, sets, embeddings or service_embeddings(service), baseline_k, progress
        )
    pooled = [r for group in results.values() for r in group]
    report = EvalReport(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        index_version=str(getattr(service, "index_version", "") or ""),
        n_questions=len(pooled),
        overall=summarize(pooled),
        sets={
            s.name: set_report(s, results[s.name], baselines.get(s.name), show_heldout_failures) for s in sets
        },
    )
    write_reports(report, {s.name: s.questions for s in sets}, document, Path(out_dir))
    return report


def set_report(
    gold: GoldSet, results: list[QuestionResult], baseline: BaselineReport | None, show_heldout_failures: bool
) -> SetReport:
    """One set's scores; a held-out set's failures are kept out of the report unless asked for."""
    failures = failures_of(results)
    shown = show_heldout_failures or not gold.heldout
    return SetReport(
        name=gold.name,
        heldout=gold.heldout,
        gold_path=str(gold.path),
        gold_sha256=gold.sha256,
        limit=gold.limit,
        n_questions=len(results),
        n_failed=len(failures),
        overall=summarize(results),
        per_type={kind: summarize(group) for kind, group in group_by_type(results).items()},
        failures_shown=shown,
        failures=failures if shown else [],
        results=results,
        baseline=baseline,
    )


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
    result.first_line = metrics.first_line(answer)
    if question.type in SHORT_ANSWER_TYPES and not refused:
        result.first_line_correct = metrics.first_line_correct(answer, question.answer_must_contain_any)
    result.english = question.type == ENGLISH or metrics.is_english(question.question)
    result.answer_chars = metrics.answer_length(answer)
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
    if not missing and result.first_line_correct is False:
        reasons.append("the answer is not in the first line")
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
    in_scope = [r for r in results if r.type != OUT_OF_SCOPE]
    answered = [r for r in in_scope if not r.refused and r.error is None]
    return MetricSummary(
        n=len(results),
        hit=metrics.mean(r.hit for r in results),
        cite_at_1=metrics.mean(r.cite_at_1 for r in results),
        mrr=metrics.mean(r.reciprocal_rank for r in results),
        citation_precision=metrics.mean(r.citation_precision for r in results),
        answer_accuracy=metrics.mean(float(r.answer_correct) for r in results),
        in_scope_accuracy=metrics.mean(float(r.answer_correct) for r in in_scope),
        first_line_accuracy=metrics.rate(
            r.first_line_correct for r in results if r.first_line_correct is not None
        ),
        english_hit=metrics.mean(r.hit for r in results if r.english),
        multi_turn_hit=metrics.mean(r.hit for r in results if r.type == MULTI_TURN),
        meta_accuracy=metrics.mean(float(r.answer_correct) for r in results if r.type == META),
        answer_length=metrics.length_stats([r.answer_chars for r in answered]),
        short_answer_length=metrics.length_stats(
            [r.answer_chars for r in answered if r.type in SHORT_ANSWER_TYPES]
        ),
        set_precision=metrics.mean(s.precision for s in sets),
        set_recall=metrics.mean(s.recall for s in sets),
        set_f1=metrics.mean(s.f1 for s in sets),
        refusal_rate=metrics.refusal_rate(r.refused for r in results if r.type == OUT_OF_SCOPE),
        false_refusal_rate=metrics.false_refusal_rate(r.refused for r in results if r.type != OUT_OF_SCOPE),
        errors=sum(r.error is not None for r in results),
        latency=metrics.latency_stats([r.latency_ms for r in results if r.error is None]),
    )


def run_baselines(
    document: PolicyDocument, sets: Sequence[GoldSet], embeddings: Embeddings, k: int, progress: bool
) -> dict[str, BaselineReport]:
    """Score the vanilla RAG baseline's retrieval on every set's questions (one index, the question alone)."""
    reports = {}
    with BaselineRAG(document, embeddings, k=k) as rag:
        for gold in sets:
            results = []
            for question in _progress(gold.questions, progress, f"baseline {gold.name}"):
                retrieval = rag.retrieve(question.question)
                results.append(score_baseline(question, retrieval.sources, retrieval.latency_ms))
            reports[gold.name] = BaselineReport(
                config=rag.config,
                overall=summarize_baseline(results),
                per_type={kind: summarize_baseline(group) for kind, group in group_by_type(results).items()},
                results=results,
            )
    return reports


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
