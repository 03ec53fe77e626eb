"""The `policyqa serve` command, registered through the `policyqa.commands` entry point."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from assistant.config import Settings


def register_serve(sub: Any) -> Callable[[argparse.Namespace, Settings], int]:
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
