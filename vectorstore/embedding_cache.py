"""Storage behind CachedEmbeddings: a per-model SQLite file of passage vectors and a query LRU."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from vectorstore.errors import EmbeddingError

_LOOKUP_CHUNK = 500
_BUSY_TIMEOUT_S = 60.0


class CacheStats(BaseModel):
    """How often the embedding caches answered without running the model."""

    document_hits: int
    document_misses: int
    query_hits: int
    query_misses: int


class VectorCache:
    """Passage vectors in cache_dir/embeddings/<model hash>/vectors.sqlite3 (WAL: safe for several processes)."""

    def __init__(self, cache_dir: Path, model_id: str) -> None:
        model_hash = hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:16]
        folder = cache_dir / "embeddings" / model_hash
        self.path = folder / "vectors.sqlite3"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "model_id.txt").write_text(model_id + "\n", encoding="utf-8")
            with self._connect() as conn:
                _use_wal(conn)
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID"
                )
        except (OSError, sqlite3.Error) as exc:
            raise EmbeddingError(
                f"Embedding cache {self.path} is unusable ({exc}); delete it to rebuild"
            ) from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection committing on success; one per call keeps threads and processes apart."""
        try:
            with closing(sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S)) as conn, conn:
                yield conn
        except sqlite3.Error as exc:
            raise EmbeddingError(f"Embedding cache {self.path} failed ({exc}); delete it to rebuild") from exc

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among `keys`."""
        unique = list(dict.fromkeys(keys))
        found: dict[str, np.ndarray] = {}
        with self._connect() as conn:
            for start in range(0, len(unique), _LOOKUP_CHUNK):
                chunk = unique[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk)
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors; a key another process stored meanwhile is left as it is."""
        rows = [(key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in vectors.items()]
        with self._connect() as conn:
            conn.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)


class QueryLRU:
    """A small thread-safe least-recently-used map from query text to its vector."""

    def __init__(self, size: int) -> None:
        self.size = max(0, size)
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        """Return the cached vector (marking it recent) or None."""
        with self._lock:
            vector = self._items.get(text)
            if vector is None:
                self.misses += 1
                return None
            self._items.move_to_end(text)
            self.hits += 1
            return vector

    def clear(self) -> None:
        """Forget every cached query (benchmarks time uncached queries this way)."""
        with self._lock:
            self._items.clear()

    def put(self, text: str, vector: np.ndarray) -> None:
        """Remember a vector, evicting the least recently used beyond `size`."""
        if self.size == 0:
            return
        with self._lock:
            self._items[text] = vector
            self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL once. Changing the journal mode needs the file to itself and does not wait on the
    busy timeout, so a second process opening a new cache at the same moment retries for a while; once one of them
    has switched, the mode is stored in the file and the others see it."""
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
