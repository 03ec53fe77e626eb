"""The `policyqa eval` and `policyqa bench` commands, registered through the `policyqa.commands` entry point."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from eval.gold import DEFAULT_GOLD_PATH

Handler = Callable[[argparse.Namespace, Settings], int]


def _positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def gold_files(text: str) -> list[Path]:
    """argparse type of --gold: one file or a comma-separated list of files."""
    paths = [Path(part.strip()) for part in text.split(",") if part.strip()]
    if not paths:
        raise argparse.ArgumentTypeError("expected a gold file path")
    return paths


def _non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def register_eval(sub: Any) -> Handler:
    """Add `eval` to the CLI and return its handler."""
    p = sub.add_parser(
        "eval", help="score the assistant on the dev and held-out gold sets (or on given gold files)"
    )
    p.add_argument(
        "--gold",
        type=gold_files,
        action="append",
        metavar="FILE[,FILE...]",
        help="gold JSONL file(s), repeatable or comma-separated; each is a set named by its file stem "
        "(default: eval/gold/qa.jsonl, eval/gold/probe_*.jsonl, eval/gold/heldout.jsonl and heldout_*.jsonl)",
    )
    p.add_argument(
        "--out", type=Path, default=Path("reports/eval"), help="report directory (default reports/eval)"
    )
    p.add_argument("--baseline", action="store_true", help="also score the vanilla LangChain RAG baseline")
    p.add_argument("--limit", type=_positive_int, help="evaluate only the first N questions of each set")
    p.add_argument(
        "--failures",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="print up to N failing questions per dev set (report.md always lists them all)",
    )
    p.add_argument(
        "--show-heldout-failures",
        action="store_true",
        help="also list the held-out set's failures (never pick rules from them)",
    )
    return run_eval_command


def run_eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """Build the service, score every set (and the baseline), write the reports, print the summary."""
    from assistant.service import build_service
    from eval.report import format_summary
    from eval.runner import run_eval

    gold = [path for group in args.gold for path in group] if args.gold else None
    report = run_eval(
        build_service(settings),
        gold,
        args.out,
        baseline=args.baseline,
        progress=True,
        limit=args.limit,
        show_heldout_failures=args.show_heldout_failures,
    )
    sys.stdout.write(format_summary(report, args.failures) + f"\n\nreports written to {args.out}\n")
    return 0


def register_bench(sub: Any) -> Handler:
    """Add `bench` to the CLI and return its handler."""
    p = sub.add_parser("bench", help="measure latency, throughput, memory and ingest time on this machine")
    p.add_argument("--json", action="store_true", help="print the result JSON instead of the table")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("reports/bench.json"),
        help="JSON output (default reports/bench.json)",
    )
    p.add_argument("--quick", action="store_true", help="40 requests per level, no cold ingest")
    p.add_argument(
        "--gold", type=Path, default=DEFAULT_GOLD_PATH, help="question file (default: the bundled gold set)"
    )
    p.add_argument("--limit", type=_positive_int, help="use only the first N questions")
    p.add_argument(
        "--requests", type=_positive_int, help="HTTP requests per concurrency level (overrides --quick)"
    )
    return run_bench_command


def run_bench_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bench, write the JSON, print the table (or the JSON)."""
    from eval.bench import render_report, run_bench, write_result

    result = run_bench(settings, args.gold, quick=args.quick, limit=args.limit, requests=args.requests)
    path = write_result(result, args.out)
    if args.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_report(result) + f"\n\nJSON written to {path}\n")
    return 0
