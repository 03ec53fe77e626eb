"""`policyqa eval`: its options, and one run over two small sets against the real session index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import build_parser, main
from assistant.config import Settings, get_settings
from eval.gold import DEFAULT_GOLD_PATH


def test_gold_is_repeatable_and_takes_comma_lists() -> None:
    parser, _ = build_parser()
    args = parser.parse_args(["eval", "--gold", "a.jsonl", "--gold", "b.jsonl, c.jsonl"])
    assert args.gold == [[Path("a.jsonl")], [Path("b.jsonl"), Path("c.jsonl")]]
    assert (args.failures, args.show_heldout_failures) == (0, False)


def test_failure_listing_options() -> None:
    parser, _ = build_parser()
    args = parser.parse_args(["eval", "--failures", "5", "--show-heldout-failures"])
    assert (args.failures, args.show_heldout_failures, args.gold) == (5, True, None)


@pytest.mark.parametrize("argv", [["eval", "--failures", "-1"], ["eval", "--gold", ","]])
def test_bad_values_are_rejected(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    parser, _ = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
    assert "argument --" in capsys.readouterr().err


@pytest.mark.slow
def test_eval_command_scores_given_sets_side_by_side(
    indexed_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(indexed_settings.index_dir))
    get_settings.cache_clear()
    lines = DEFAULT_GOLD_PATH.read_text(encoding="utf-8").splitlines()
    dev, held = tmp_path / "dev.jsonl", tmp_path / "heldout.jsonl"  # stand-ins: dev questions only
    dev.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    held.write_text("\n".join(lines[100:103]) + "\n", encoding="utf-8")
    out = tmp_path / "eval"
    argv = ["eval", "--gold", f"{dev},{held}", "--limit", "2", "--failures", "2", "--out", str(out)]
    assert main(argv) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert list(report["sets"]) == ["heldout", "dev"]
    assert [report["sets"][name]["n_questions"] for name in ("heldout", "dev")] == [2, 2]
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].split() == ["metric", "heldout", "dev", "target"]
    assert "heldout: 2 questions" in printed and "dev: 2 questions" in printed
    assert f"reports written to {out}" in printed
