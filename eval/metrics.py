"""Pure scoring functions of the eval harness: retrieval, answers, first lines, language, lengths, latency."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from eval.gold import SourceRef

PERCENTILES = (50.0, 90.0, 95.0, 99.0)


class SetScores(BaseModel):
    """Precision, recall and F1 of a predicted set against a gold set."""

    precision: float
    recall: float
    f1: float


class LengthStats(BaseModel):
    """Answer length in characters: how many answers, their median and 90th percentile (None for none)."""

    count: int
    median: float | None = None
    p90: float | None = None


class LatencyStats(BaseModel):
    """Latency summary in milliseconds (all zero when nothing was timed)."""

    count: int
    mean: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float


def dedupe(sources: Iterable[SourceRef]) -> list[SourceRef]:
    """Keep the first occurrence of each source, preserving rank order."""
    seen: set[SourceRef] = set()
    ordered = []
    for source in sources:
        if source not in seen:
            seen.add(source)
            ordered.append(source)
    return ordered


def hit(cited: Sequence[SourceRef], primary: SourceRef) -> float:
    """1.0 when the primary source is cited anywhere, else 0.0."""
    return 1.0 if primary in cited else 0.0


def cite_at_1(cited: Sequence[SourceRef], primary: SourceRef) -> float:
    """1.0 when the first citation is the primary source, else 0.0."""
    return 1.0 if cited and cited[0] == primary else 0.0


def reciprocal_rank(cited: Sequence[SourceRef], primary: SourceRef) -> float:
    """1/rank of the primary source among the de-duplicated citations; 0.0 when absent."""
    ranked = dedupe(cited)
    return 1.0 / (ranked.index(primary) + 1) if primary in ranked else 0.0


def citation_precision(cited: Sequence[SourceRef], gold: Iterable[SourceRef]) -> float | None:
    """Fraction of de-duplicated citations that are gold sources; None when nothing is cited."""
    ranked = dedupe(cited)
    if not ranked:
        return None
    gold_set = set(gold)
    return sum(source in gold_set for source in ranked) / len(ranked)


def normalize_text(text: str) -> str:
    """NFKC-fold, drop all whitespace and case-fold, so `13 个工作日` == `13个工作日` and `９０％` == `90%`."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).casefold()


def missing_groups(answer: str, groups: Sequence[Sequence[str]]) -> list[list[str]]:
    """The groups of which the answer contains no string (after normalisation)."""
    text = normalize_text(answer)
    return [list(group) for group in groups if not any(normalize_text(s) in text for s in group)]


def answer_correct(answer: str, groups: Sequence[Sequence[str]]) -> bool:
    """True when the answer contains at least one string of every group (no groups: True)."""
    return not missing_groups(answer, groups)


def first_line(answer: str) -> str:
    """The first non-empty line of an answer, stripped; empty when the answer is blank."""
    return next((line.strip() for line in answer.splitlines() if line.strip()), "")


def first_line_correct(answer: str, groups: Sequence[Sequence[str]]) -> bool:
    """True when the first non-empty line alone contains at least one string of every group."""
    return answer_correct(first_line(answer), groups)


def _is_cjk(char: str) -> bool:
    """CJK unified ideographs (basic block and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def is_english(text: str) -> bool:
    """True when a text holds more Latin letters than CJK characters (a question asked in English)."""
    latin = sum(char.isascii() and char.isalpha() for char in text)
    return latin > sum(_is_cjk(char) for char in text)


def answer_length(answer: str) -> int:
    """Length of an answer in characters, surrounding whitespace excluded."""
    return len(answer.strip())


def length_stats(lengths: Sequence[int]) -> LengthStats:
    """Count, median and 90th percentile of answer lengths (median and p90 None when there are none)."""
    if not lengths:
        return LengthStats(count=0)
    values = [float(n) for n in lengths]
    return LengthStats(count=len(values), median=percentile(values, 50.0), p90=percentile(values, 90.0))


def set_scores(predicted: Iterable[int], gold: Iterable[int]) -> SetScores:
    """Set precision/recall/F1; an empty prediction scores 0 against a non-empty gold, both empty score 1."""
    pred, truth = set(predicted), set(gold)
    if not pred and not truth:
        return SetScores(precision=1.0, recall=1.0, f1=1.0)
    common = len(pred & truth)
    precision = common / len(pred) if pred else 0.0
    recall = common / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SetScores(precision=precision, recall=recall, f1=f1)


def rate(flags: Iterable[bool]) -> float | None:
    """Fraction of True flags; None for no flags (e.g. the refusal rate of zero out-of-scope questions)."""
    values = list(flags)
    return sum(values) / len(values) if values else None


def refusal_rate(refused_out_of_scope: Iterable[bool]) -> float | None:
    """Share of out-of-scope questions that were refused (higher is better)."""
    return rate(refused_out_of_scope)


def false_refusal_rate(refused_in_scope: Iterable[bool]) -> float | None:
    """Share of answerable questions that were refused anyway (lower is better)."""
    return rate(refused_in_scope)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile {q} outside 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_stats(latencies_ms: Sequence[float]) -> LatencyStats:
    """Count, mean, p50/p90/p95/p99 and max of latencies in milliseconds."""
    if not latencies_ms:
        return LatencyStats(count=0, mean=0.0, p50=0.0, p90=0.0, p95=0.0, p99=0.0, max=0.0)
    p50, p90, p95, p99 = (percentile(latencies_ms, q) for q in PERCENTILES)
    return LatencyStats(
        count=len(latencies_ms),
        mean=sum(latencies_ms) / len(latencies_ms),
        p50=p50,
        p90=p90,
        p95=p95,
        p99=p99,
        max=max(latencies_ms),
    )
