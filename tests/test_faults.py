"""Faults with real processes: `kill -9` in the middle of an ingest, broken sources and a corrupt index
handed to the `policyqa` command line. The previous index must keep answering; errors are one clear line.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from ingest.pipeline import build_index
from tests.fixtures.damaged import SOURCE, Damage, all_damages
from tests.fixtures.indexes import (
    GAS_QUESTION,
    assert_gas_answer,
    cli_env,
    copy_index,
    current_version,
    make_service,
    policyqa_command,
    run_cli,
    snapshot,
    version_dirs,
)
from tests.fixtures.servers import ServeProcess
from tests.vectorstore.helpers import ChromaServer
from tests.web.live import live_server
from vectorstore.errors import IndexCorruptError
from web.app import create_app

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


# ---------------------------------------------------------------- a live server across index switches


@pytest.fixture(scope="module")
def served(
    indexed_settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, ServeProcess]]:
    """`policyqa serve` over a private copy of the session index (module-wide: starting it is slow)."""
    root = tmp_path_factory.mktemp("served")
    index = copy_index(indexed_settings.index_dir, root / "index")
    with ServeProcess(index, root, rate_limit_per_minute="0") as server:
        yield index, server


def _served_version(server: ServeProcess) -> str:
    response = httpx.get(f"{server.url}/v1/tasks/34", timeout=30)
    assert response.status_code == 200, response.text
    ready = httpx.get(f"{server.url}/readyz", timeout=30)
    assert ready.status_code == 200, ready.text
    return str(ready.json()["index_version"])


def test_twenty_switches_leave_no_deleted_files_open_and_memory_flat(
    served: tuple[Path, ServeProcess], embeddings: Any
) -> None:
    index, server = served
    rss: list[float] = []
    for round_no in range(20):
        summary = build_index(SOURCE, index, embeddings, None, progress=False, rebuild=round_no % 5 == 4)
        assert _served_version(server) == summary.version  # the switch has happened and settled
        answer = httpx.post(f"{server.url}/v1/ask", json={"question": GAS_QUESTION}, timeout=60)
        assert answer.status_code == 200
        assert server.deleted_open_files() == [], f"after switch {round_no + 1}"
        assert len(server.reader_copies()) == 1, "a superseded version's store was not closed"
        rss.append(server.rss_mb())
    print("server RSS (MB) after each switch:", [round(mb) for mb in rss])
    warm = rss[4]  # after the first switches have filled the caches and the allocator's arenas
    # A version kept alive costs ~80 MB per switch; what remains is ~2 MB per switch (chromadb's Rust
    # bindings keep ~0.7 MB per embedded client, chroma-core/chroma#5843), ~30 MB over these 15 switches.
    assert max(rss[5:]) <= warm * 1.10, rss


def test_broken_or_missing_current_keeps_the_last_good_version(served: tuple[Path, ServeProcess]) -> None:
    index, server = served
    good = _served_version(server)
    current = index / "CURRENT"
    saved = current.read_bytes()
    try:
        for damage in (lambda: current.write_text("garbage\n"), current.unlink):
            damage()
            for path in ("/v1/tasks/34", "/readyz"):
                response = httpx.get(f"{server.url}{path}", timeout=30)
                assert response.status_code == 200, response.text
            answer = httpx.post(f"{server.url}/v1/ask", json={"question": GAS_QUESTION}, timeout=60)
            assert answer.status_code == 200
            assert answer.json()["index_version"] == good
            current.write_bytes(saved)
        current.write_text("20991231T000000000000Z-abcdef\n")  # names a version that does not exist
        assert httpx.get(f"{server.url}/v1/tasks/34", timeout=30).status_code == 200
    finally:
        current.write_bytes(saved)


def test_a_corrupt_chroma_file_is_a_typed_error_everywhere(index_dir: Path, embeddings: Any) -> None:
    version = current_version(index_dir)
    database = index_dir / "versions" / version / "chroma" / "chroma.sqlite3"
    data = bytearray(database.read_bytes())
    for offset in range(4096, len(data) - 512, 4096):
        data[offset + 100 : offset + 400] = b"\xff" * 300
    database.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match=str(database.parent)):
        make_service(index_dir, embeddings).ask(GAS_QUESTION)
    client = TestClient(create_app(Settings(index_dir=index_dir, source=SOURCE), mount_ui=False))
    with client:
        response = client.post("/v1/ask", json={"question": GAS_QUESTION})
    assert response.status_code == 503
    assert response.json()["detail"]["code"] == "index_corrupt"
    assert str(index_dir) not in response.text


def test_reading_with_the_cli_never_changes_a_committed_version(index_dir: Path) -> None:
    before = snapshot(index_dir)
    result = run_cli(["ask", GAS_QUESTION], cli_env(index_dir))
    assert result.returncode == 0, result.stderr
    assert snapshot(index_dir) == before


@pytest.mark.server
def test_a_hung_chroma_server_does_not_stall_the_probes(tmp_path: Path, embeddings: Any) -> None:
    chroma = ChromaServer(tmp_path / "chroma-data")
    chroma.wait_ready()
    try:
        index = tmp_path / "index"
        build_index(SOURCE, index, embeddings, chroma.url, progress=False)
        settings = Settings(index_dir=index, source=SOURCE, chroma_url=chroma.url, rate_limit_per_minute=0)
        with live_server(create_app(settings, make_service_for(settings, embeddings), mount_ui=False)) as url:
            assert httpx.post(f"{url}/v1/ask", json={"question": GAS_QUESTION}, timeout=60).status_code == 200
            os.kill(chroma.process.pid, signal.SIGSTOP)
            hung: list[threading.Thread] = []
            try:
                for n in range(48):  # more than the server's worker threads
                    question = {"question": f"{GAS_QUESTION} {n}"}
                    thread = threading.Thread(target=_ask_quietly, args=(url, question), daemon=True)
                    thread.start()
                    hung.append(thread)
                time.sleep(1.0)
                assert httpx.get(f"{url}/healthz", timeout=5).json() == {"status": "ok"}
                ready = httpx.get(f"{url}/readyz", timeout=30)
                assert ready.status_code == 503
                assert ready.json()["detail"]["code"] == "service_unavailable"
            finally:
                os.kill(chroma.process.pid, signal.SIGCONT)
                for thread in hung:
                    thread.join(timeout=120)
    finally:
        chroma.stop()


def make_service_for(settings: Settings, embeddings: Any) -> Any:
    from assistant.service import build_service

    return build_service(settings, embeddings=embeddings)


def _ask_quietly(url: str, question: dict[str, str]) -> None:
    try:
        httpx.post(f"{url}/v1/ask", json=question, timeout=120)
    except httpx.HTTPError:
        pass
