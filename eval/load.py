"""HTTP load for `policyqa bench`: start the server as a subprocess, drive /v1/ask, sample its memory."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import psutil
from pydantic import BaseModel

from assistant.config import Settings
from eval.metrics import LatencyStats, latency_stats
from vectorstore.errors import PolicyQAError

logger = logging.getLogger(__name__)

ASK_PATH = "/v1/ask"
READY_TIMEOUT_S = 180.0
REQUEST_TIMEOUT_S = 60.0
LEVELS = (1, 4, 16)
STOP_TIMEOUT_S = 10.0
MAX_ERROR_EXAMPLES = 3


@dataclass(frozen=True)
class Outcome:
    """One HTTP request: how long it took and what went wrong, if anything."""

    latency_ms: float
    error: str | None = None


class LoadLevel(BaseModel):
    """Throughput and latency of a fixed number of requests sent by `clients` concurrent clients."""

    clients: int
    requests: int
    errors: int
    seconds: float
    throughput_rps: float
    latency: LatencyStats
    error_examples: list[str] = []


def summarize_level(clients: int, outcomes: Sequence[Outcome], seconds: float) -> LoadLevel:
    """Aggregate request outcomes: errors, requests per second, latency of the successful requests."""
    failed = [o.error for o in outcomes if o.error is not None]
    return LoadLevel(
        clients=clients,
        requests=len(outcomes),
        errors=len(failed),
        seconds=seconds,
        throughput_rps=len(outcomes) / seconds if seconds > 0 else 0.0,
        latency=latency_stats([o.latency_ms for o in outcomes if o.error is None]),
        error_examples=failed[:MAX_ERROR_EXAMPLES],
    )


def post_question(client: httpx.Client, payload: dict[str, Any]) -> Outcome:
    """POST one question; anything but a 200 with an `answer` field counts as an error."""
    started = time.perf_counter()
    try:
        response = client.post(ASK_PATH, json=payload)
        error = None if response.status_code == 200 else f"HTTP {response.status_code}: {response.text[:200]}"
        if error is None and "answer" not in response.json():
            error = "200 without an answer field"
    except (httpx.HTTPError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return Outcome(latency_ms=(time.perf_counter() - started) * 1e3, error=error)


def _client_loop(client: httpx.Client, payloads: Sequence[dict[str, Any]]) -> list[Outcome]:
    """One closed-loop client: send a payload, wait for the reply, send the next."""
    return [post_question(client, payload) for payload in payloads]


def run_level(
    base_url: str, payloads: Sequence[dict[str, Any]], clients: int, requests: int, headers: dict[str, str]
) -> LoadLevel:
    """Send `requests` questions (cycling through payloads) from `clients` concurrent clients."""
    jobs = [payloads[i % len(payloads)] for i in range(requests)]
    shares = [jobs[i::clients] for i in range(clients)]
    with ExitStack() as stack:
        # Each client has its own connection; they are built before the clock starts (an SSL context is slow).
        pool_clients = [
            stack.enter_context(httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_S))
            for _ in range(clients)
        ]
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=clients, thread_name_prefix="bench-client"))
        started = time.perf_counter()
        per_client = list(pool.map(_client_loop, pool_clients, shares))
        seconds = time.perf_counter() - started
    return summarize_level(clients, [o for outcomes in per_client for o in outcomes], seconds)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(settings: Settings) -> dict[str, str]:
    """The current environment plus the settings' locations, with rate limiting off (it would cap the load)."""
    env = dict(os.environ)
    env.update(
        POLICYQA_INDEX_DIR=str(settings.index_dir),
        POLICYQA_CACHE_DIR=str(settings.cache_dir),
        POLICYQA_SOURCE=str(settings.source),
        POLICYQA_EMBEDDING_MODEL=settings.embedding_model,
        POLICYQA_CHROMA_URL=settings.chroma_url or "",
        POLICYQA_RATE_LIMIT_PER_MINUTE="0",
    )
    return env


def auth_headers(settings: Settings) -> dict[str, str]:
    """The Authorization header the server expects when it has an API key."""
    return {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}


class ServerProcess:
    """`policyqa serve` on a free local port as a subprocess; a context manager that always stops it."""

    def __init__(self, settings: Settings) -> None:
        self.env = server_env(settings)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.NamedTemporaryFile(prefix="policyqa-bench-server-", suffix=".log", delete=False)
        self.log_path = Path(self._log.name)
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_s = 0.0

    @property
    def pid(self) -> int:
        """The server's process id (it must have been started)."""
        if self.process is None:
            raise RuntimeError("ServerProcess.pid read before start()")
        return self.process.pid

    def __enter__(self) -> ServerProcess:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Launch the server and block until /healthz and /readyz both answer 200."""
        command = [
            sys.executable,
            "-m",
            "assistant.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        started = time.perf_counter()
        self.process = subprocess.Popen(command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        for path in ("/healthz", "/readyz"):
            self._wait_for(path, started + READY_TIMEOUT_S)
        self.startup_s = time.perf_counter() - started
        logger.info("bench server ready on %s after %.1f s", self.base_url, self.startup_s)

    def _wait_for(self, path: str, deadline: float) -> None:
        """Poll `path` until it answers 200; fail with the server log if the process dies or time runs out."""
        while time.perf_counter() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise PolicyQAError(f"bench server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.base_url + path, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass  # not listening yet
            time.sleep(0.25)
        raise PolicyQAError(
            f"bench server not ready on {path} after {READY_TIMEOUT_S:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server's output."""
        self._log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the server (kill it if it lingers) and remove its log."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                logger.warning("bench server ignored SIGTERM; killing it")
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        self._log.close()
        self.log_path.unlink(missing_ok=True)


class RssSampler:
    """Samples the resident memory of a process (and its children) in a background thread; keeps the peak."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-rss", daemon=True)

    @property
    def peak_mb(self) -> float:
        """The highest RSS seen, in MiB."""
        return self.peak_bytes / 2**20

    def sample(self) -> None:
        """Record the current RSS of the process tree."""
        try:
            tree = [self.process, *self.process.children(recursive=True)]
            self.peak_bytes = max(self.peak_bytes, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass  # the process (or a child) just exited

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


class HttpBench(BaseModel):
    """The HTTP part of the bench: server start-up, the warm-up pass, each concurrency level, peak RSS."""

    startup_s: float
    warmup: LoadLevel
    levels: list[LoadLevel]
    peak_rss_mb: float


def bench_http(
    settings: Settings,
    payloads: Sequence[dict[str, Any]],
    requests: int,
    levels: Sequence[int] = LEVELS,
) -> HttpBench:
    """Start the server, warm it with one sequential pass, then load it at each concurrency level."""
    headers = auth_headers(settings)
    warm = list(payloads[:requests])
    with ServerProcess(settings) as server:
        with RssSampler(server.pid) as rss:
            warmup = run_level(server.base_url, warm, 1, len(warm), headers)
            results = [run_level(server.base_url, payloads, n, requests, headers) for n in levels]
        return HttpBench(startup_s=server.startup_s, warmup=warmup, levels=results, peak_rss_mb=rss.peak_mb)
