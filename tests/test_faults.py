"""Faults with real processes: `kill -9` in the middle of an ingest, broken sources and a corrupt index
handed to the `policyqa` command line. The previous index must keep answering; errors are one clear line.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.damaged import Damage, all_damages
from tests.fixtures.indexes import (
    GAS_QUESTION,
    assert_gas_answer,
    cli_env,
    current_version,
    make_service,
    policyqa_command,
    run_cli,
    snapshot,
    version_dirs,
)

pytestmark = pytest.mark.slow


def error_lines(stderr: str) -> list[str]:
    """The non-blank lines the CLI wrote to stderr."""
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("damage", all_damages(), ids=lambda d: d.name)
def test_cli_ingest_of_broken_source_fails_with_one_line(
    damage: Damage, index_dir: Path, tmp_path: Path
) -> None:
    before = snapshot(index_dir)
    result = run_cli(["ingest", "--quiet", "--source", str(damage.write(tmp_path))], cli_env(index_dir))
    assert result.returncode != 0
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("policyqa ingest: error: ")
    assert re.search(damage.message, lines[0])
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert snapshot(index_dir) == before


def test_cli_ask_on_corrupt_index_names_the_directory(index_dir: Path) -> None:
    version = current_version(index_dir)
    (index_dir / "versions" / version / "document.json").unlink()
    result = run_cli(["ask", GAS_QUESTION], cli_env(index_dir))
    assert result.returncode != 0
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("policyqa ask: error: ")
    assert str(index_dir / "versions" / version) in lines[0]
    assert "--rebuild" in lines[0]


class _StderrWatch:
    """Drain a subprocess's stderr in a thread and signal when a marker shows up."""

    def __init__(self, proc: subprocess.Popen[bytes], marker: bytes) -> None:
        self.seen = threading.Event()
        self.text = b""
        self._thread = threading.Thread(target=self._drain, args=(proc, marker), daemon=True)
        self._thread.start()

    def _drain(self, proc: subprocess.Popen[bytes], marker: bytes) -> None:
        assert proc.stderr is not None
        while chunk := os.read(proc.stderr.fileno(), 4096):
            self.text += chunk
            if marker in self.text:
                self.seen.set()
        self.seen.set()  # the process ended: stop waiting either way


def test_kill_9_mid_embedding_keeps_the_previous_index(
    index_dir: Path, tmp_path: Path, embeddings: Any
) -> None:
    before, old = snapshot(index_dir), current_version(index_dir)
    service = make_service(index_dir, embeddings)
    env = cli_env(index_dir, cache_dir=tmp_path / "fresh-cache")  # a cold cache: the child really embeds
    proc = subprocess.Popen(
        [*policyqa_command(), "ingest"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    watch = _StderrWatch(proc, b"embedding")
    try:
        watch.seen.wait(timeout=180)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, watch.text.decode("utf-8", "replace")
    half_built = sorted(version_dirs(index_dir) - {old})
    assert len(half_built) == 1  # killed mid-build: a version dir without a commit
    assert current_version(index_dir) == old
    prefix = f"versions/{half_built[0]}/"
    assert {k: v for k, v in snapshot(index_dir).items() if not k.startswith(prefix)} == before

    answer = service.ask(GAS_QUESTION)
    assert_gas_answer(answer)
    assert answer.index_version == old

    result = run_cli(["ingest", "--quiet"], cli_env(index_dir))  # the shared, warm cache keeps this quick
    assert result.returncode == 0, result.stderr
    new = current_version(index_dir)
    assert new != old
    assert version_dirs(index_dir) == {old, new}  # the dead build was garbage-collected
    answer = service.ask(GAS_QUESTION)
    assert_gas_answer(answer)
    assert answer.index_version == new
