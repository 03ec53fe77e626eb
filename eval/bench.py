"""`policyqa bench`: in-process and HTTP latency, throughput, server memory and ingest time on this machine.

Every number is a measurement reported against a target; nothing here asserts on time.
"""

from __future__ import annotations

import logging
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from assistant.config import Settings
from eval.attack import AttackBench, bench_attack
from eval.baseline import BaselineRAG
from eval.gold import DEFAULT_GOLD_PATH, GoldQuestion, load_gold
from eval.load import HttpBench, LoadLevel, bench_http
from eval.metrics import LatencyStats, latency_stats
from eval.runner import QAService
from vectorstore.errors import PolicyQAError

logger = logging.getLogger(__name__)

DEFAULT_OUT = Path("reports/bench.json")
FULL_REQUESTS = 200
QUICK_REQUESTS = 40
CPUINFO = Path("/proc/cpuinfo")


class MachineFacts(BaseModel):
    """Where and when the bench ran."""

    date: str
    nproc: int
    cpu_model: str
    python: str
    load_avg_1m: float | None = None


class InProcessBench(BaseModel):
    """Ask latency of our service vs the vanilla baseline's retrieval, over the same gold questions."""

    questions: int
    errors: int
    first_pass: LatencyStats
    ours: LatencyStats
    baseline_first_pass: LatencyStats
    baseline: LatencyStats
    ratio_p50: float | None
    ratio_p95: float | None


class IngestRun(BaseModel):
    """One build_index: wall-clock seconds, chunks, how many were embedded and how many came from the cache."""

    seconds: float
    chunks: int
    embedded: int
    cached: int


class IngestBench(BaseModel):
    """Cold ingest (empty embedding cache; None when skipped) and warm ingest (cache filled)."""

    cold: IngestRun | None
    warm: IngestRun


class BenchResult(BaseModel):
    """Everything `policyqa bench` measured."""

    machine: MachineFacts
    quick: bool
    gold_path: str
    requests_per_level: int
    in_process: InProcessBench
    http: HttpBench
    ingest: IngestBench
    attack: AttackBench | None = None


class Target(BaseModel):
    """A target for a metric: value `op` threshold."""

    op: Literal["<=", ">=", "=="]
    threshold: float

    def met(self, value: float | None) -> bool | None:
        """Whether the value meets the target (None when it was not measured)."""
        if value is None:
            return None
        if self.op == "<=":
            return value <= self.threshold
        if self.op == ">=":
            return value >= self.threshold
        return value == self.threshold

    def label(self) -> str:
        """The target as shown in the table, e.g. `<= 25`."""
        return f"{self.op} {self.threshold:g}"


class Row(BaseModel):
    """One line of the bench table."""

    metric: str
    value: float | None
    unit: str = ""
    target: Target | None = None


# ---------------------------------------------------------------- pure helpers


def ratio(ours: float, theirs: float) -> float | None:
    """ours / theirs; None when the denominator is not positive."""
    return ours / theirs if theirs > 0 else None


def cpu_model(cpuinfo: str) -> str:
    """The CPU model name from /proc/cpuinfo text (platform.processor() or 'unknown' when absent)."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return platform.processor() or "unknown"


def machine_facts() -> MachineFacts:
    """Date, core count, CPU model, Python version and 1-minute load of this machine."""
    cpuinfo = CPUINFO.read_text(encoding="utf-8", errors="replace") if CPUINFO.exists() else ""
    return MachineFacts(
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        nproc=os.cpu_count() or 1,
        cpu_model=cpu_model(cpuinfo),
        python=platform.python_version(),
        load_avg_1m=os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    )


def ask_payloads(questions: Sequence[GoldQuestion]) -> list[dict[str, Any]]:
    """The /v1/ask request bodies of the gold questions, history included."""
    return [{"question": q.question, "history": q.history_dicts()} for q in questions]


def load_questions(gold_path: Path, limit: int | None = None) -> list[GoldQuestion]:
    """The gold questions, or the first `limit` of them."""
    questions = load_gold(gold_path)
    return questions[:limit] if limit else questions


# ---------------------------------------------------------------- in-process


class TimedPass(BaseModel):
    """Latencies (ms) of one pass over the questions and how many calls raised."""

    latencies_ms: list[float]
    errors: int = 0


def time_pass(call: Callable[[GoldQuestion], object], questions: Sequence[GoldQuestion]) -> TimedPass:
    """Time `call` on every question; a PolicyQAError counts as an error, not a latency."""
    timed = TimedPass(latencies_ms=[])
    for question in questions:
        started = time.perf_counter()
        try:
            call(question)
        except PolicyQAError as exc:
            logger.warning("bench: %s raised %s", question.id, exc)
            timed.errors += 1
            continue
        timed.latencies_ms.append((time.perf_counter() - started) * 1e3)
    return timed


def baseline_passes(
    service: QAService, questions: Sequence[GoldQuestion], embeddings: Embeddings
) -> list[TimedPass]:
    """Two passes of the baseline's retrieval latency, timed the way eval.runner.run_baseline times it."""
    with BaselineRAG(service.document, embeddings) as rag:
        passes = []
        for _ in range(2):
            clear_query_cache(embeddings)  # both systems embed every question in the timed pass
            passes.append(TimedPass(latencies_ms=[rag.retrieve(q.question).latency_ms for q in questions]))
        return passes


def clear_query_cache(embeddings: Embeddings) -> None:
    """Drop cached query vectors (when the embedder has such a cache)."""
    clear = getattr(embeddings, "clear_query_cache", None)
    if clear is not None:
        clear()


def bench_in_process(
    service: QAService, questions: Sequence[GoldQuestion], embeddings: Embeddings
) -> InProcessBench:
    """A first pass (cold start: model, index and jieba load), then a timed pass of new questions.

    The query-embedding cache is cleared before the timed pass so every question really embeds: the number
    a user with a new question sees, not a cache hit.
    """
    ask = lambda q: service.ask(q.question, q.history_dicts())  # noqa: E731
    first = time_pass(ask, questions)
    clear_query_cache(embeddings)
    passes = [first, time_pass(ask, questions)]
    base_first, base = baseline_passes(service, questions, embeddings)
    ours, theirs = latency_stats(passes[1].latencies_ms), latency_stats(base.latencies_ms)
    return InProcessBench(
        questions=len(questions),
        errors=passes[1].errors,
        first_pass=latency_stats(passes[0].latencies_ms),
        ours=ours,
        baseline_first_pass=latency_stats(base_first.latencies_ms),
        baseline=theirs,
        ratio_p50=ratio(ours.p50, theirs.p50),
        ratio_p95=ratio(ours.p95, theirs.p95),
    )


# ---------------------------------------------------------------- ingest


def timed_build(settings: Settings, index_dir: Path, embeddings: Embeddings) -> IngestRun:
    """Run build_index into index_dir (embedded Chroma) and time it by the wall clock."""
    from ingest.pipeline import build_index

    started = time.perf_counter()
    summary = build_index(settings.source, index_dir, embeddings, None, progress=False)
    seconds = time.perf_counter() - started
    return IngestRun(seconds=seconds, chunks=summary.chunks, embedded=summary.embedded, cached=summary.cached)


def bench_ingest(settings: Settings, quick: bool) -> IngestBench:
    """Cold build into a temp index with a fresh cache, then a warm one reusing it (quick: warm only, shared cache)."""
    from vectorstore.embeddings import load_embeddings

    with tempfile.TemporaryDirectory(prefix="policyqa-bench-ingest-", ignore_cleanup_errors=True) as tmp:
        cache_dir = settings.cache_dir if quick else Path(tmp) / "cache"
        embeddings = load_embeddings(settings.embedding_model, cache_dir)  # loading the model is not timed
        index_dir = Path(tmp) / "index"
        cold = None if quick else timed_build(settings, index_dir, embeddings)
        warm = timed_build(settings, index_dir, embeddings)
    return IngestBench(cold=cold, warm=warm)


# ---------------------------------------------------------------- the whole run


def _in_process_part(settings: Settings, questions: Sequence[GoldQuestion]) -> InProcessBench:
    """Build the service from settings and time it (the service is dropped before the HTTP part)."""
    from assistant.service import build_service
    from vectorstore.embeddings import load_embeddings

    embeddings = load_embeddings(settings.embedding_model, settings.cache_dir)
    return bench_in_process(build_service(settings, embeddings=embeddings), questions, embeddings)


def run_bench(
    settings: Settings,
    gold_path: Path = DEFAULT_GOLD_PATH,
    *,
    quick: bool = False,
    limit: int | None = None,
    requests: int | None = None,
) -> BenchResult:
    """Measure in-process latency, HTTP load against a server subprocess, then ingest time."""
    machine = machine_facts()
    questions = load_questions(gold_path, limit)
    per_level = requests or (QUICK_REQUESTS if quick else FULL_REQUESTS)
    logger.info("bench: in-process latency over %d questions", len(questions))
    in_process = _in_process_part(settings, questions)
    logger.info("bench: HTTP load, %d requests per level", per_level)
    http = bench_http(settings, ask_payloads(questions), per_level)
    logger.info("bench: %d-character questions from other clients", settings.max_question_chars)
    attack = bench_attack(settings, ask_payloads(questions), per_level)
    logger.info("bench: ingest (%s)", "warm only" if quick else "cold and warm")
    ingest = bench_ingest(settings, quick)
    return BenchResult(
        machine=machine,
        quick=quick,
        gold_path=str(gold_path),
        requests_per_level=per_level,
        in_process=in_process,
        http=http,
        ingest=ingest,
        attack=attack,
    )


def write_result(result: BenchResult, path: Path) -> Path:
    """Write the result as indented JSON (parent directories created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.model_dump_json(indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the table

ASK_P50 = Target(op="<=", threshold=25)
ASK_P95 = Target(op="<=", threshold=60)
HTTP_RPS = Target(op=">=", threshold=50)
NO_ERRORS = Target(op="==", threshold=0)
COLD_INGEST = Target(op="<=", threshold=30)
WARM_INGEST = Target(op="<=", threshold=5)
PEAK_RSS = Target(op="<=", threshold=800)
ATTACK_RATIO = Target(op="<=", threshold=3)
_DECIMALS = {"ms": 1, "req/s": 1, "x": 2, "s": 1, "MB": 0, "": 0}


def in_process_rows(bench: InProcessBench) -> list[Row]:
    """Rows for our ask latency, the baseline's retrieval latency and their ratio."""
    return [
        Row(metric="in-process ask p50", value=bench.ours.p50, unit="ms", target=ASK_P50),
        Row(metric="in-process ask p95", value=bench.ours.p95, unit="ms", target=ASK_P95),
        Row(metric="in-process ask mean", value=bench.ours.mean, unit="ms"),
        Row(metric="in-process ask p50, first pass (cold caches)", value=bench.first_pass.p50, unit="ms"),
        Row(metric="in-process ask p95, first pass (cold caches)", value=bench.first_pass.p95, unit="ms"),
        Row(metric="in-process ask errors", value=bench.errors, target=NO_ERRORS),
        Row(metric="baseline retrieval p50", value=bench.baseline.p50, unit="ms"),
        Row(metric="baseline retrieval p95", value=bench.baseline.p95, unit="ms"),
        Row(metric="ratio ours/baseline p50", value=bench.ratio_p50, unit="x"),
        Row(metric="ratio ours/baseline p95", value=bench.ratio_p95, unit="x"),
    ]


def level_rows(level: LoadLevel) -> list[Row]:
    """Throughput, latency and errors of one concurrency level (the 16-client level carries the target)."""
    name = f"HTTP {level.clients} client{'s' if level.clients > 1 else ''}"
    return [
        Row(
            metric=f"{name} throughput",
            value=level.throughput_rps,
            unit="req/s",
            target=HTTP_RPS if level.clients == 16 else None,
        ),
        Row(metric=f"{name} p50", value=level.latency.p50, unit="ms"),
        Row(metric=f"{name} p95", value=level.latency.p95, unit="ms"),
        Row(metric=f"{name} errors", value=level.errors, target=NO_ERRORS),
    ]


def attack_rows(attack: AttackBench | None) -> list[Row]:
    """Ordinary clients' p50 alone and beside clients sending maximum-length questions, and their ratio."""
    if attack is None:
        return []
    name = f"HTTP {attack.clients} clients"
    beside = f"while {attack.attackers} clients send {attack.question_chars}-character questions"
    return [
        Row(metric=f"{name} p50, alone", value=attack.alone.latency.p50, unit="ms"),
        Row(metric=f"{name} p50, {beside}", value=attack.under_attack.latency.p50, unit="ms"),
        Row(metric=f"{name} p50 ratio, {beside}", value=attack.ratio_p50, unit="x", target=ATTACK_RATIO),
        Row(metric=f"{name} errors, {beside}", value=attack.under_attack.errors, target=NO_ERRORS),
        Row(metric=f"long questions sent {beside}", value=attack.attack_requests),
    ]


def bench_rows(result: BenchResult) -> list[Row]:
    """Every row of the bench table, in reading order."""
    ingest = result.ingest
    return [
        *in_process_rows(result.in_process),
        Row(
            metric="HTTP warm-up pass, 1 client (cold caches) p50",
            value=result.http.warmup.latency.p50,
            unit="ms",
        ),
        Row(
            metric="HTTP warm-up pass, 1 client (cold caches) p95",
            value=result.http.warmup.latency.p95,
            unit="ms",
        ),
        Row(metric="HTTP warm-up pass errors", value=result.http.warmup.errors, target=NO_ERRORS),
        *(row for level in result.http.levels for row in level_rows(level)),
        *attack_rows(result.attack),
        Row(metric="server start-up (to /readyz)", value=result.http.startup_s, unit="s"),
        Row(metric="server peak RSS", value=result.http.peak_rss_mb, unit="MB", target=PEAK_RSS),
        Row(
            metric="cold ingest",
            value=ingest.cold.seconds if ingest.cold else None,
            unit="s",
            target=COLD_INGEST,
        ),
        Row(metric="warm ingest", value=ingest.warm.seconds, unit="s", target=WARM_INGEST),
    ]


def format_value(value: float | None, unit: str) -> str:
    """A value with its unit at the unit's precision; `skipped` when not measured."""
    if value is None:
        return "skipped"
    number = f"{value:.{_DECIMALS.get(unit, 1)}f}"
    return f"{number} {unit}".rstrip()


def render_table(rows: Sequence[Row]) -> str:
    """The rows as a markdown table: metric | value | target."""
    lines = ["| metric | value | target |", "|---|---:|---|"]
    for row in rows:
        target = row.target.label() if row.target else "—"
        lines.append(f"| {row.metric} | {format_value(row.value, row.unit)} | {target} |")
    return "\n".join(lines)


def missed_targets(rows: Sequence[Row]) -> list[Row]:
    """Rows with a target that was measured and not met."""
    return [row for row in rows if row.target is not None and row.target.met(row.value) is False]


def render_report(result: BenchResult) -> str:
    """The terminal report: machine facts, the table, and which targets were missed."""
    m = result.machine
    load = f", load {m.load_avg_1m:.2f}" if m.load_avg_1m is not None else ""
    header = f"policyqa bench, {m.date}: {m.nproc} cores, {m.cpu_model}, Python {m.python}{load}"
    rows = bench_rows(result)
    judged = [row for row in rows if row.target is not None and row.value is not None]
    missed = missed_targets(rows)
    verdict = f"targets met: {len(judged) - len(missed)}/{len(judged)}"
    if missed:
        verdict += " (missed: " + "; ".join(row.metric for row in missed) + ")"
    return "\n\n".join([header, render_table(rows), verdict])
