"""The `policyqa` command line: ingest, ask, tasks, items; serve/eval/bench come from entry points.

Edge packages (web/, eval/) register their commands under the `policyqa.commands` entry-point group,
so this module never imports them (imports point down only).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from assistant.config import REPO_ROOT, Settings, get_settings
from assistant.distribution import find_clashes, install_kind, package_version
from assistant.models import Answer
from vectorstore.errors import PolicyQAError

Handler = Callable[[argparse.Namespace, Settings], int]


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:  # pydantic ValidationError: a bad POLICYQA_* value
        raise PolicyQAError(f"invalid configuration: {exc}") from exc


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Parse, embed and index the source document."""
    from ingest.pipeline import build_index
    from vectorstore.embeddings import load_embeddings

    source = Path(args.source) if args.source else settings.source
    embeddings = load_embeddings(settings.embedding_model, settings.cache_dir)
    summary = build_index(
        source,
        settings.index_dir,
        embeddings,
        settings.chroma_url,
        settings.collection_prefix,
        rebuild=args.rebuild,
        progress=not args.quiet,
    )
    print(
        f"ingested {summary.tasks} tasks, {summary.items} notice items, {summary.chunks} chunks "
        f"({summary.embedded} embedded, {summary.cached} from cache), {summary.sentences} sentences "
        f"in {summary.seconds:.1f} s "
        f"-> index version {summary.version}"
    )
    return 0


def print_answer(answer: Answer) -> None:
    """Readable answer with its citation list."""
    print(answer.answer)
    if answer.citations:
        print()
        for c in answer.citations:
            units = "、".join(c.lead_units)
            print(f"  [{c.type} {c.id}] {c.title} | {units}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Ask one question, run a REPL, or answer JSON lines from stdin."""
    from assistant.service import build_service

    service = build_service(settings)
    if args.jsonl:
        return _ask_jsonl(service)
    if args.question:
        answer = service.ask(" ".join(args.question))
        print(answer.model_dump_json(indent=2) if args.json else "", end="")
        if not args.json:
            print_answer(answer)
        return 0
    return _repl(service)


def _ask_jsonl(service: Any) -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            answer = service.ask(request["question"], request.get("history") or [])
            out: dict[str, Any] = {
                "answer": answer.answer,
                "citations": [{"type": c.type, "id": c.id} for c in answer.citations],
                "refused": answer.refused,
            }
        except (ValueError, KeyError, TypeError) as exc:
            out = {"error": f"bad input line: {exc}"}
        except PolicyQAError as exc:
            out = {"error": str(exc)}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def _repl(service: Any) -> int:
    history: list[dict[str, str]] = []
    print("policyqa — ask about the Jiulongpo 2021 business-environment plan (Ctrl-D to quit)")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        try:
            answer = service.ask(question, history)
        except PolicyQAError as exc:
            print(f"error: {exc}")
            continue
        print_answer(answer)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


def cmd_tasks(args: argparse.Namespace, settings: Settings) -> int:
    """Print all tasks (or one) from the parsed source."""
    from ingest.parser import load_document

    doc = load_document(settings.source)
    if args.no is not None:
        task = doc.task(args.no)
        if task is None:
            raise PolicyQAError(f"no task {args.no}: the annex has {len(doc.tasks)} tasks")
        if args.json:
            print(task.model_dump_json(indent=2))
        else:
            print(
                f"任务 {task.no}  [{task.section}]\n市级工作任务：{task.city_task}\n区级贯彻措施：{task.district_measure}"
            )
            print(f"牵头单位：{'、'.join(task.lead_units)}\n配合单位：{'、'.join(task.coop_units) or '无'}")
        return 0
    if args.json:
        print(json.dumps([t.model_dump() for t in doc.tasks], ensure_ascii=False, indent=1))
    else:
        for t in doc.tasks:
            print(f"{t.no:>3}  {t.city_task[:40]}  | {'、'.join(t.lead_units)}")
    return 0


def cmd_items(args: argparse.Namespace, settings: Settings) -> int:
    """Print the 21 notice items (or one)."""
    from ingest.parser import load_document

    doc = load_document(settings.source)
    items = doc.items if args.index is None else [i for i in doc.items if i.index == args.index]
    if not items:
        raise PolicyQAError(f"no notice item {args.index}: the notice has {len(doc.items)} items")
    if args.json:
        print(json.dumps([i.model_dump() for i in items], ensure_ascii=False, indent=1))
    else:
        for i in items:
            print(f"({i.index}) {i.title}  [{i.part}]  责任单位：{'、'.join(i.responsible_units) or '—'}")
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Report where everything lives and whether the index is ready; exit 1 if anything is not usable."""
    from assistant.doctor import diagnose, format_findings

    findings = diagnose(settings)
    print(format_findings(findings))
    return 0 if all(f.ok for f in findings) else 1


def version_line() -> str:
    """`policyqa 0.1.0 from <dir> (installed package, Python 3.11.7)`, like `pip --version`."""
    return (
        f"policyqa {package_version()} from {REPO_ROOT} ({install_kind()}, Python {sys.version.split()[0]})"
    )


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The argument parser and the handler of each subcommand (plugins included)."""
    # Raw: the --version line names a path and must not be wrapped at the terminal width.
    parser = argparse.ArgumentParser(
        prog="policyqa",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=version_line())
    sub = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Handler] = {
        "ingest": cmd_ingest,
        "ask": cmd_ask,
        "tasks": cmd_tasks,
        "items": cmd_items,
        "doctor": cmd_doctor,
    }
    p = sub.add_parser("ingest", help="parse, embed and index the source document")
    p.add_argument("--source", help="source text file (default: POLICYQA_SOURCE)")
    p.add_argument("--rebuild", action="store_true", help="discard every existing index version first")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = sub.add_parser("ask", help="ask a question (no question: interactive REPL)")
    p.add_argument("question", nargs="*")
    p.add_argument("--jsonl", action="store_true", help="read JSON lines {question, history} from stdin")
    p.add_argument("--json", action="store_true", help="print the full Answer as JSON")
    p = sub.add_parser("tasks", help="print the annex tasks")
    p.add_argument("no", nargs="?", type=int)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("items", help="print the notice items")
    p.add_argument("index", nargs="?", type=int)
    p.add_argument("--json", action="store_true")
    sub.add_parser("doctor", help="where the source, index and cache live; embedder, store, index readiness")
    for ep in entry_points(group="policyqa.commands"):
        try:
            register = ep.load()
        except ImportError as exc:  # an edge package not installed: its command is simply absent
            logging.getLogger(__name__).warning("command %s unavailable: %s", ep.name, exc)
            continue
        handlers[ep.name] = register(sub)
    return parser, handlers


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `policyqa` console script."""
    clashes = find_clashes()  # before loading plugins: a foreign `web` would make them fail obscurely
    if clashes:
        print(f"policyqa: error: {clashes[0].describe()}", file=sys.stderr)
        return 2
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return handlers[args.command](args, _settings())
    except PolicyQAError as exc:
        print(f"policyqa {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
