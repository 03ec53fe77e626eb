"""`policyqa feedback export`: rated answers -> draft gold lines (eval/gold/README.md schema), unverified.

A reviewer checks each draft, fixes `type`, the sources and `answer_must_contain_any`, removes `draft`, and
moves it into a gold file. The answer's citations are only a proposal: a thumbs-down says they may be wrong.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.store import FeedbackRecord, Store, database_url, open_store
from eval.gold import OUT_OF_SCOPE, GoldQuestion, load_gold

Handler = Callable[[argparse.Namespace, Settings], int]
LATIN_WORDS = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _guess_type(record: FeedbackRecord) -> str:
    """A starting `type` for the reviewer: a confirmed refusal is out of scope, English is english."""
    if record.refused and record.rating == "up":
        return OUT_OF_SCOPE
    if LATIN_WORDS.search(record.question) and not CJK.search(record.question):
        return "english"
    return "paraphrase"


def draft_line(record: FeedbackRecord) -> dict[str, Any]:
    """One draft gold record from a rated answer, with its citations as the proposed (unverified) gold."""
    kind = _guess_type(record)
    cited = [(str(c.get("type")), int(c.get("id", 0))) for c in record.citations]
    tasks = list(dict.fromkeys(n for t, n in cited if t == "task")) if kind != OUT_OF_SCOPE else []
    items = list(dict.fromkeys(n for t, n in cited if t == "item")) if kind != OUT_OF_SCOPE else []
    primary = next(({"type": t, "id": n} for t, n in cited if t in ("task", "item")), None)
    comment = f"; comment: {record.comment}" if record.comment else ""
    notes = (
        f"UNVERIFIED draft from feedback {record.id}: rated {record.rating}{comment}; "
        f"sources are the answer's citations (index {record.index_version}); type guessed."
    )
    line = {
        "id": f"fb-{record.id[:12]}",
        "type": kind,
        "question": record.question,
        "history": [{"role": m["role"], "content": m["content"]} for m in record.history],
        "gold_tasks": tasks,
        "gold_items": items,
        "answer_must_contain_any": [],
        "primary": primary if (tasks or items) else None,
        "notes": notes,
        "draft": {
            "status": "unverified",
            "rating": record.rating,
            "comment": record.comment,
            "answer": record.answer,
            "refused": record.refused,
            "index_version": record.index_version,
            "rated_at": record.created_at.isoformat(timespec="seconds"),
        },
    }
    GoldQuestion.model_validate(line)  # a draft that the gold loader would reject is a bug here
    return line


def export_feedback(store: Store, out: Path, rating: str | None = None) -> int:
    """Write every rated question (or only `rating`) as draft gold lines to `out`; return how many."""
    records = store.feedback(rating if rating in ("up", "down") else None)  # type: ignore[arg-type]
    lines = [json.dumps(draft_line(r), ensure_ascii=False) for r in records]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    if lines:
        load_gold(out)  # the same validator as `policyqa eval --gold`
    return len(lines)


def register_feedback(sub: Any) -> Handler:
    """Add `feedback export` to the CLI and return its handler."""
    p = sub.add_parser("feedback", help="export rated answers as draft gold questions")
    actions = p.add_subparsers(dest="feedback_command", required=True)
    export = actions.add_parser("export", help="write draft gold lines (eval/gold/README.md schema)")
    export.add_argument("--out", type=Path, required=True, help="output JSONL file")
    export.add_argument("--rating", choices=["up", "down"], help="only answers rated up / down")
    return run_feedback


def run_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Run `policyqa feedback export`."""
    store = open_store(database_url(settings))
    try:
        count = export_feedback(store, args.out, args.rating)
    finally:
        store.close()
    print(f"wrote {count} draft gold lines (unverified) to {args.out}")  # noqa: T201
    return 0
