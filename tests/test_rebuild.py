"""`policyqa ingest --rebuild` against a live `policyqa serve`: it builds beside the live version, so clients
asking all the while never see anything but 200, even when the rebuild is killed (-9) at random points;
concurrent ingests wait for each other instead of corrupting the index."""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from types import TracebackType

import httpx
import pytest

from tests.fixtures.indexes import (
    GAS_QUESTION,
    cli_env,
    current_version,
    policyqa_command,
    run_cli,
    version_dirs,
)
from tests.fixtures.servers import ServeProcess

pytestmark = pytest.mark.slow

QUESTIONS = [
    GAS_QUESTION,
    "任务34由哪个部门牵头？",
    "办理用水报装需要多长时间？",
    "区市场监管局牵头哪些任务？",
]


class Askers:
    """`clients` threads asking the server in a loop; every status code is counted."""

    def __init__(self, url: str, clients: int) -> None:
        self.url = url
        self.statuses: Counter[int] = Counter()
        self.versions: set[str] = set()
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(clients)]

    def __enter__(self) -> Askers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def _loop(self, i: int) -> None:
        with httpx.Client(base_url=self.url, timeout=60.0) as client:
            n = 0
            while not self._stop.is_set():
                question = QUESTIONS[(i + n) % len(QUESTIONS)]
                n += 1
                try:
                    response = client.post("/v1/ask", json={"question": question})
                except httpx.HTTPError as exc:
                    with self._lock:
                        self.failures.append(repr(exc))
                    continue
                with self._lock:
                    self.statuses[response.status_code] += 1
                    if response.status_code == 200:
                        self.versions.add(response.json()["index_version"])
                    else:
                        self.failures.append(response.text[:300])


def _wait_for_version(url: str, version: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/readyz", timeout=10).json().get("index_version") == version:
            return
        time.sleep(0.2)
    raise AssertionError(f"the server never switched to {version}")


def test_rebuild_killed_at_random_points_never_interrupts_answers(index_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(20261202)
    env = cli_env(index_dir)
    with (
        ServeProcess(index_dir, tmp_path, rate_limit_per_minute="0") as server,
        Askers(server.url, 4) as askers,
    ):
        started = time.monotonic()
        first = run_cli(["ingest", "--rebuild", "--quiet"], env)
        duration = time.monotonic() - started
        assert first.returncode == 0, first.stderr
        _wait_for_version(server.url, current_version(index_dir))
        for _ in range(10):
            proc = subprocess.Popen([*policyqa_command(), "ingest", "--rebuild", "--quiet"], env=env)
            time.sleep(rng.uniform(0.1, duration))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            time.sleep(0.3)  # let the server notice a switch, if the kill came after the commit
        final = run_cli(["ingest", "--rebuild", "--quiet"], env)
        assert final.returncode == 0, final.stderr
        _wait_for_version(server.url, current_version(index_dir))
        time.sleep(1.0)
    assert askers.failures == []
    assert set(askers.statuses) == {200}
    assert askers.statuses[200] > 40
    assert current_version(index_dir) in askers.versions
    assert version_dirs(index_dir) == {current_version(index_dir)}  # the rebuild removed every other version


def test_concurrent_ingests_wait_for_each_other(index_dir: Path) -> None:
    env = cli_env(index_dir)
    procs = [
        subprocess.Popen(
            [*policyqa_command(), "ingest", *flags, "--quiet"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flags in (["--rebuild"], [])
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr and "readonly" not in stderr
    result = run_cli(["ask", GAS_QUESTION], env)
    assert result.returncode == 0, result.stderr
    assert "区经济信息委" in result.stdout
