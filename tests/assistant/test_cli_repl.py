"""`policyqa ask` with no question is a REPL that keeps the conversation's history."""

from __future__ import annotations

import os
import subprocess
import sys

from assistant.config import Settings


def test_repl_keeps_history_for_follow_ups(indexed_settings: Settings) -> None:
    env = {
        **os.environ,
        "POLICYQA_INDEX_DIR": str(indexed_settings.index_dir),
        "POLICYQA_CACHE_DIR": str(indexed_settings.cache_dir),
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask"],
        input="第32项任务是什么？\n那配合单位呢？\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    answers = done.stdout.split("> ")[1:]  # the REPL prints "> " before reading each question
    assert "〔任务32〕" in answers[0]
    # The follow-up has no topic of its own: only the kept history points it at task 32's cooperating units.
    assert "〔任务32〕" in answers[1] and "市自来水公司九龙坡营管所" in answers[1]
    assert "Traceback" not in done.stderr
