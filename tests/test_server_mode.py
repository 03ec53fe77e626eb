"""Server mode end to end: a real `chroma run` on loopback, ingest and answers through POLICYQA_CHROMA_URL,
and the store going down and coming back while our app keeps running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.service import build_service
from tests.conftest import SHARED_CACHE, SOURCE, session_embeddings
from tests.vectorstore.helpers import chroma_cli, free_port
from web.app import create_app

pytestmark = [pytest.mark.server, pytest.mark.slow]


class Server:
    """`chroma run` that can be stopped and started again on the same port and data dir."""

    def __init__(self, data: Path) -> None:
        self.data, self.port = data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [chroma_cli(), "run", "--path", str(self.data), "--port", str(self.port), "--host", "127.0.0.1"]
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"chroma server at {self.url} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("chroma-data"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server_settings(chroma: Server, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Ingest through the real CLI with POLICYQA_CHROMA_URL set (a subprocess, as a deployment would)."""
    index_dir = tmp_path_factory.mktemp("server-index")
    env = {
        **os.environ,
        "POLICYQA_CHROMA_URL": chroma.url,
        "POLICYQA_INDEX_DIR": str(index_dir),
        "POLICYQA_CACHE_DIR": str(SHARED_CACHE),
        "POLICYQA_SOURCE": str(SOURCE),
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "ingested 176 tasks" in done.stdout
    return Settings(index_dir=index_dir, cache_dir=SHARED_CACHE, source=SOURCE, chroma_url=chroma.url)


def test_ingest_and_answers_go_through_the_chroma_server(chroma: Server, server_settings: Settings) -> None:
    names = httpx.get(
        f"{chroma.url}/api/v2/tenants/default_tenant/databases/default_database/collections"
    ).json()
    assert any(c["name"].startswith("policyqa-") for c in names)
    service = build_service(server_settings, embeddings=session_embeddings())  # type: ignore[arg-type]
    answer = service.ask("用气报装由哪个部门牵头？")
    assert answer.citations[0].id == 34 and "区经济信息委" in answer.answer


def test_store_down_gives_503_and_recovers_without_a_restart(
    chroma: Server, server_settings: Settings
) -> None:
    service = build_service(server_settings, embeddings=session_embeddings())  # type: ignore[arg-type]
    with TestClient(create_app(server_settings, service, mount_ui=False)) as client:
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/ask", json={"question": "用气报装由哪个部门牵头？"}).status_code == 200
        chroma.stop()
        ready = client.get("/readyz")
        asked = client.post("/v1/ask", json={"question": "用水报装由哪个部门牵头？"})
        assert ready.status_code == 503 and ready.json()["detail"]["code"]
        assert asked.status_code == 503 and "detail" in asked.json()
        assert "Traceback" not in asked.text
        chroma.start()
        assert client.get("/readyz").status_code == 200
        again = client.post("/v1/ask", json={"question": "用水报装由哪个部门牵头？"})
        assert again.status_code == 200
        assert again.json()["citations"][0]["id"] in (32, 35)
