"""The harness against the real PolicyQAService and the real bundled embedder (a slice of the gold set)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.gold import DEFAULT_GOLD_PATH, QUESTION_TYPES
from eval.runner import run_eval

pytestmark = pytest.mark.slow
PER_TYPE = 2


@pytest.fixture
def gold_slice(tmp_path: Path) -> Path:
    """The first PER_TYPE questions of every type, in file order."""
    taken: dict[str, int] = {}
    lines = []
    for line in DEFAULT_GOLD_PATH.read_text(encoding="utf-8").splitlines():
        kind = json.loads(line)["type"]
        if taken.get(kind, 0) < PER_TYPE:
            taken[kind] = taken.get(kind, 0) + 1
            lines.append(line)
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_real_service_and_baseline_are_scored_on_every_question(
    service: Any, embeddings: Any, gold_slice: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    report = run_eval(service, gold_slice, out, baseline=True, progress=False, embeddings=embeddings)
    assert report.n_questions == PER_TYPE * len(QUESTION_TYPES)
    assert report.overall.errors == 0 and report.index_version == service.index_version
    scored = report.sets["slice"]
    assert set(scored.per_type) == set(QUESTION_TYPES)
    assert scored.baseline is not None and set(scored.baseline.per_type) == set(QUESTION_TYPES)
    assert all(r.answer.strip() for r in scored.results)
    assert all(r.latency_ms > 0 for r in scored.results)
    assert scored.overall.first_line_accuracy is not None and scored.overall.answer_length is not None
    assert {p.name for p in out.iterdir()} == {"report.json", "report.md", "report.html", "ragas.jsonl"}
