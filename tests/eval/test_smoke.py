"""CI smoke: the real service over a slice of the gold set, every question type represented."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import REPO_ROOT
from eval.runner import run_eval


def test_eval_smoke_slice_writes_reports_and_scores(service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = (REPO_ROOT / "eval" / "gold" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    gold = tmp_path / "slice.jsonl"
    gold.write_text("\n".join(lines[::6]) + "\n", encoding="utf-8")
    report = run_eval(service, gold, tmp_path / "out", baseline=True)
    for name in ("report.json", "report.md", "report.html", "ragas.jsonl"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert data["n_questions"] == len(lines[::6])
    assert report.overall.answer_accuracy is not None and report.overall.answer_accuracy >= 0.8
    assert list(report.sets) == ["slice"] and report.sets["slice"].baseline is not None
