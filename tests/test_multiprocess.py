"""Two real `policyqa serve` processes on one PostgreSQL: a conversation started on one continues on the
other, both take feedback, and a restart loses nothing. Skipped locally without a PostgreSQL URL; in CI
(CI=true) a missing URL fails, because .ci/run must start PostgreSQL (.ci/start-postgres)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.store import open_store
from tests.assistant.test_store import fresh_postgres_schema, postgres_url
from tests.conftest import SHARED_CACHE, SOURCE
from tests.fixtures.indexes import copy_index
from tests.vectorstore.helpers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.server]

KEY = "multi-process-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
GAS_QUESTION = "用气报装由哪个部门牵头？"
FOLLOW_UP = "配合单位有哪些？"
START_SECONDS = 180


class Serve:
    """One `policyqa serve` process with its own copy of the index and the shared database."""

    def __init__(self, index_dir: Path, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "POLICYQA_INDEX_DIR": str(index_dir),
            "POLICYQA_CACHE_DIR": str(SHARED_CACHE),
            "POLICYQA_SOURCE": str(SOURCE),
            "POLICYQA_DATABASE_URL": database_url,
            "POLICYQA_API_KEY": KEY,
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Serve:
        cmd = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"policyqa serve exited: {self.log.read_text(encoding='utf-8')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"policyqa serve on {self.url} did not become ready")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def post(self, path: str, body: dict[str, object] | None = None) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", json=body, headers=AUTH, timeout=120.0)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", headers=AUTH, timeout=60.0)


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL (dropped afterwards)."""
    url = postgres_url()
    if not url:
        pytest.skip("no PostgreSQL configured (POLICYQA_TEST_DATABASE_URL); run .ci/start-postgres")
    with fresh_postgres_schema(url) as schema_url:
        yield schema_url


@pytest.fixture
def servers(indexed_settings: Settings, database_url: str, tmp_path: Path) -> Iterator[list[Serve]]:
    """Two serve processes (each with its own index copy) on one database; stopped at the end."""
    started: list[Serve] = []
    for name in ("a", "b"):
        index = copy_index(indexed_settings.index_dir, tmp_path / f"index-{name}")
        started.append(Serve(index, database_url, tmp_path / f"serve-{name}.log"))
    try:
        for server in started:
            server.start()
        yield started
    finally:
        for server in started:
            server.stop()


def test_two_processes_share_sessions_and_feedback_and_survive_a_restart(
    servers: list[Serve], database_url: str
) -> None:
    a, b = servers
    session = a.post("/v1/sessions")
    assert session.status_code == 201
    session_id = session.json()["session_id"]

    first = a.post("/v1/ask", {"question": GAS_QUESTION, "session_id": session_id})
    assert first.status_code == 200
    second = b.post("/v1/ask", {"question": FOLLOW_UP, "session_id": session_id})
    assert second.status_code == 200
    assert any(c["type"] == "task" and c["id"] == 34 for c in second.json()["citations"])
    history = b.get(f"/v1/sessions/{session_id}").json()["history"]
    assert [m["content"] for m in history if m["role"] == "user"] == [GAS_QUESTION, FOLLOW_UP]

    rated_on_b = b.post("/v1/feedback", {"answer_id": first.json()["answer_id"], "rating": "up"})
    rated_on_a = a.post(
        "/v1/feedback", {"answer_id": second.json()["answer_id"], "rating": "down", "comment": "缺少配合单位"}
    )
    assert rated_on_b.status_code == rated_on_a.status_code == 201

    for server in servers:
        server.stop()
    a.start()
    after = a.get(f"/v1/sessions/{session_id}")
    assert after.status_code == 200
    assert after.json()["history"] == history
    third = a.post("/v1/ask", {"question": "牵头单位是谁？", "session_id": session_id})
    assert third.status_code == 200
    store = open_store(database_url)
    try:
        feedback = store.feedback()
    finally:
        store.close()
    assert [(f.rating, f.comment) for f in feedback] == [("up", None), ("down", "缺少配合单位")]
    assert {f.question_id for f in feedback} == {first.json()["answer_id"], second.json()["answer_id"]}
