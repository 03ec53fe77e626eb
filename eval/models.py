"""The eval report schema (report.json); `schema_version` changes whenever a field changes meaning."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eval.metrics import LatencyStats, LengthStats, SetScores

SCHEMA_VERSION = (
    2  # 2: one SetReport per gold file under `sets`; first-line, length, English/multi-turn/meta scores
)


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
    first_line: str = Field(default="", description="the answer's first non-empty line")
    first_line_correct: bool | None = Field(
        default=None, description="None unless a short-answer type that was answered (not refused)"
    )
    english: bool = Field(default=False, description="type english, or the question is written in English")
    answer_chars: int = 0
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
    in_scope_accuracy: float | None = Field(
        default=None, description="answer accuracy, out_of_scope excluded"
    )
    first_line_accuracy: float | None = Field(
        default=None, description="answered short-answer questions whose first line alone is correct"
    )
    english_hit: float | None = None
    multi_turn_hit: float | None = None
    meta_accuracy: float | None = None
    answer_length: LengthStats | None = Field(default=None, description="answered in-scope questions")
    short_answer_length: LengthStats | None = Field(default=None, description="answered short-answer types")
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
    """A failed question as listed in the reports: question, first line of the answer, cited vs gold ids."""

    id: str
    type: str
    question: str
    expected: str
    got: str
    first_line: str = ""
    cited: list[str] = Field(default_factory=list)
    gold: list[str] = Field(default_factory=list, description="gold source labels, primary first")
    reasons: list[str]


class SetReport(BaseModel):
    """One gold file's scores: overall, per type, failures, per-question results, the baseline's retrieval."""

    name: str = Field(description="the gold file's stem, e.g. qa or heldout")
    heldout: bool = Field(description="scored, never tuned on: its failures are listed only on request")
    gold_path: str
    gold_sha256: str
    limit: int | None = Field(default=None, description="only the first `limit` questions were asked")
    n_questions: int
    n_failed: int
    overall: MetricSummary
    per_type: dict[str, MetricSummary]
    failures_shown: bool
    failures: list[Failure] = Field(description="empty when failures_shown is false")
    results: list[QuestionResult]
    baseline: BaselineReport | None = None


class EvalReport(BaseModel):
    """Everything one eval run measured: one SetReport per gold file, held-out sets first."""

    schema_version: int = SCHEMA_VERSION
    created_at: str
    index_version: str = ""
    n_questions: int = Field(description="all sets together")
    overall: MetricSummary = Field(description="all sets pooled (the per-set summaries are the ones to read)")
    sets: dict[str, SetReport]

    def headline(self) -> SetReport:
        """The set the targets are judged on: the first held-out set, else the first set."""
        return next((s for s in self.sets.values() if s.heldout), next(iter(self.sets.values())))


class RagasRow(BaseModel):
    """One line of ragas.jsonl, shaped like a ragas SingleTurnSample."""

    id: str
    gold_set: str
    user_input: str
    retrieved_contexts: list[str]
    response: str
    reference: str
    reference_contexts: list[str]
