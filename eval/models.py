"""The eval report schema (report.json); `schema_version` changes whenever a field changes meaning."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eval.metrics import LatencyStats, SetScores

SCHEMA_VERSION = 1


class Expected(BaseModel):
    """What the gold file expects for one question."""

    gold_tasks: list[int]
    gold_items: list[int]
    primary: str | None = Field(description="label of the primary source, e.g. task:34")
    answer_must_contain_any: list[list[str]]


class QuestionResult(BaseModel):
    """How the service did on one gold question."""

    id: str
    type: str
    question: str
    history_turns: int
    expected: Expected
    answer: str = ""
    refused: bool = False
    cited: list[str] = Field(
        default_factory=list, description="cited source labels in rank order, de-duplicated"
    )
    latency_ms: float = 0.0
    hit: float | None = None
    cite_at_1: float | None = None
    reciprocal_rank: float | None = None
    citation_precision: float | None = None
    answer_correct: bool = False
    set_scores: SetScores | None = None
    error: str | None = None
    reasons: list[str] = Field(
        default_factory=list, description="why the question counts as failed; empty = passed"
    )
    contexts: list[str] = Field(
        default_factory=list, exclude=True, description="cited records' text (ragas only)"
    )

    @property
    def passed(self) -> bool:
        """True when nothing went wrong on this question."""
        return not self.reasons


class BaselineResult(BaseModel):
    """How the vanilla RAG baseline's retrieval did on one gold question."""

    id: str
    type: str
    cited: list[str] = Field(default_factory=list)
    latency_ms: float = 0.0
    hit: float | None = None
    cite_at_1: float | None = None
    reciprocal_rank: float | None = None
    citation_precision: float | None = None


class MetricSummary(BaseModel):
    """Aggregated metrics of one group of questions (a type, or all); None = not applicable."""

    n: int
    hit: float | None = None
    cite_at_1: float | None = None
    mrr: float | None = None
    citation_precision: float | None = None
    answer_accuracy: float | None = None
    set_precision: float | None = None
    set_recall: float | None = None
    set_f1: float | None = None
    refusal_rate: float | None = None
    false_refusal_rate: float | None = None
    errors: int = 0
    latency: LatencyStats | None = None


class BaselineConfig(BaseModel):
    """The knobs that define the vanilla RAG baseline."""

    k: int
    chunk_size: int
    chunk_overlap: int
    chunks: int
    splitter: str = "langchain_text_splitters.RecursiveCharacterTextSplitter"
    store: str = "langchain_chroma.Chroma (embedded, temp dir)"


class BaselineReport(BaseModel):
    """The baseline's retrieval metrics, overall and per type, and its configuration."""

    config: BaselineConfig
    overall: MetricSummary
    per_type: dict[str, MetricSummary]
    results: list[BaselineResult]


class Failure(BaseModel):
    """A failed question as listed in the reports: question, expected, got."""

    id: str
    type: str
    question: str
    expected: str
    got: str
    reasons: list[str]


class EvalReport(BaseModel):
    """Everything one eval run measured."""

    schema_version: int = SCHEMA_VERSION
    created_at: str
    gold_path: str
    gold_sha256: str
    index_version: str = ""
    n_questions: int
    overall: MetricSummary
    per_type: dict[str, MetricSummary]
    failures: list[Failure]
    results: list[QuestionResult]
    baseline: BaselineReport | None = None


class RagasRow(BaseModel):
    """One line of ragas.jsonl, shaped like a ragas SingleTurnSample."""

    id: str
    user_input: str
    retrieved_contexts: list[str]
    response: str
    reference: str
    reference_contexts: list[str]
