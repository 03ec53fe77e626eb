"""The `policyqa serve`, `policyqa db` and `policyqa report` commands (`policyqa.commands` entry points)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from assistant.config import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def register_serve(sub: Any) -> Handler:
    """Add `serve` to the CLI and return its handler."""
    p = sub.add_parser("serve", help="serve the REST API and the Gradio chat")
    p.add_argument("--host", default=None, help="bind address (default POLICYQA_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default POLICYQA_PORT, 8000)")
    return run_serve


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run uvicorn with the app until interrupted."""
    from web.server import serve

    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return 0


def register_db(sub: Any) -> Handler:
    """Add `db upgrade | current | purge` to the CLI and return its handler."""
    p = sub.add_parser("db", help="the sessions / feedback / question-log database")
    actions = p.add_subparsers(dest="db_command", required=True)
    actions.add_parser("upgrade", help="apply the pending schema migrations")
    actions.add_parser("current", help="print the schema revision of the database and the newest one")
    actions.add_parser("purge", help="delete expired sessions and entries older than POLICYQA_RETENTION_DAYS")
    return run_db


def run_db(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `policyqa db` action."""
    from assistant.store import database_url, open_store
    from assistant.store.db import create_db_engine, current_revision, head_revision

    url = database_url(settings)
    if args.db_command == "current":
        engine = create_db_engine(url)
        print(f"database {engine.url!r}: revision {current_revision(engine)} (newest {head_revision()})")  # noqa: T201
        engine.dispose()
        return 0
    store = open_store(url)
    try:
        if args.db_command == "purge":
            counts = store.purge(timedelta(days=settings.retention_days))
            print("deleted " + ", ".join(f"{n} {what}" for what, n in counts.items()))  # noqa: T201
        else:
            print(f"database {store.engine.url!r} is at the newest revision")  # noqa: T201
    finally:
        store.close()
    return 0


def register_report(sub: Any) -> Handler:
    """Add `report gaps` to the CLI and return its handler."""
    p = sub.add_parser("report", help="reports over the question log")
    actions = p.add_subparsers(dest="report_command", required=True)
    gaps = actions.add_parser("gaps", help="refused / rated-down questions grouped by topic")
    gaps.add_argument(
        "--out", type=Path, default=Path("reports/gaps"), help="directory for gaps.md and gaps.html"
    )
    gaps.add_argument("--days", type=int, default=None, help="only questions of the last N days")
    gaps.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the report headings")
    return run_report


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """Write the gap report as Markdown and HTML and print the Markdown."""
    from assistant.gaps import build_gap_report, gap_report_html, gap_report_markdown
    from assistant.store import database_url, open_store
    from assistant.store.repository import utcnow
    from vectorstore.embeddings import load_embeddings

    store = open_store(database_url(settings))
    try:
        since = utcnow() - timedelta(days=args.days) if args.days else None
        candidates = store.gap_candidates(since)
    finally:
        store.close()
    report = build_gap_report(candidates, load_embeddings(settings.embedding_model, settings.cache_dir))
    markdown = gap_report_markdown(report, args.lang)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gaps.md").write_text(markdown, encoding="utf-8")
    (args.out / "gaps.html").write_text(gap_report_html(report, args.lang), encoding="utf-8")
    print(markdown)  # noqa: T201
    return 0
