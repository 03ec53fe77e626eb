"""Chroma through langchain-chroma: an embedded directory by default, a Chroma server when a URL is given."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import httpx
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, InvalidArgumentError, NotFoundError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from vectorstore.errors import (
    ConfigurationError,
    IndexCorruptError,
    IndexNotFoundError,
    StoreUnavailableError,
)
from vectorstore.models import Hit

logger = logging.getLogger(__name__)

COSINE_CONFIGURATION: dict[str, Any] = {"hnsw": {"space": "cosine"}}
_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")
_CONNECT_TIMEOUT_S = 5.0
_REQUEST_TIMEOUT_S = 60.0
_ADD_BATCH = 512
_UNREACHABLE = (httpx.TransportError, ConnectionError, socket.timeout)
READER_PREFIX = "policyqa-reader-"


def is_rust_panic(exc: BaseException) -> bool:
    """True for pyo3's PanicException (a BaseException raised when Chroma's Rust core panics)."""
    return type(exc).__name__ == "PanicException"


@dataclass
class StoreClient:
    """An open Chroma client and where it points, so every error can name the location."""

    client: ClientAPI
    location: str
    remote: bool
    private_copy: Path | None = None

    def heartbeat(self) -> None:
        """Check the store answers; raise StoreUnavailableError / IndexCorruptError if not."""
        with translate_errors(self):
            self.client.heartbeat()

    def collection_names(self) -> list[str]:
        """Names of the collections in the store."""
        with translate_errors(self):
            return [collection.name for collection in self.client.list_collections()]

    def delete_collection(self, name: str) -> None:
        """Drop a collection if it exists (e.g. the collection of a garbage-collected version)."""
        with translate_errors(self):
            if name in self.collection_names():
                self.client.delete_collection(name)

    def close(self) -> None:
        """Release the client (and, for an embedded store, its files; a reader's private copy is deleted)."""
        close = getattr(self.client, "close", None)
        try:
            if close is not None:
                close()
        finally:
            if self.private_copy is not None:
                shutil.rmtree(self.private_copy, ignore_errors=True)


def open_client(url: str | None = None, path: Path | None = None) -> StoreClient:
    """Connect to the Chroma server at `url`, or open (creating) the embedded store in `path`."""
    if (url is None) == (path is None):
        raise ConfigurationError("Give exactly one of a Chroma server URL or an embedded store directory")
    settings = ChromaSettings(anonymized_telemetry=False)
    if url is not None:
        return _open_http(url, settings)
    assert path is not None
    return _open_embedded(Path(path), settings)


def open_reader(url: str | None, path: Path | None) -> StoreClient:
    """Open a committed version for reading: a server by URL, or a private copy of the embedded store.

    Chroma opens its SQLite file read-write and writes to it even for queries, so readers work on a copy:
    the committed version's bytes never change, and deleting that version later leaves no open files.
    """
    if url is not None or path is None:
        return open_client(url, path)
    if not (path / "chroma.sqlite3").is_file():
        raise IndexCorruptError(f"Chroma directory {path} has no chroma.sqlite3")
    _remove_dead_copies()
    copy = Path(tempfile.mkdtemp(prefix=f"{READER_PREFIX}{os.getpid()}-"))
    try:
        shutil.copytree(path, copy / "chroma")
        store = _open_embedded(copy / "chroma", ChromaSettings(anonymized_telemetry=False))
    except BaseException as exc:
        shutil.rmtree(copy, ignore_errors=True)
        if isinstance(exc, OSError):
            raise IndexCorruptError(f"Chroma directory {path} cannot be copied: {exc}") from exc
        if isinstance(exc, IndexCorruptError):  # name the committed directory, not the private copy
            raise IndexCorruptError(str(exc).replace(str(copy / "chroma"), str(path))) from exc
        raise
    return StoreClient(client=store.client, location=str(path), remote=False, private_copy=copy)


def _remove_dead_copies() -> None:
    """Delete reader copies left behind by processes that no longer run (e.g. after kill -9)."""
    for old in Path(tempfile.gettempdir()).glob(f"{READER_PREFIX}*"):
        pid = old.name[len(READER_PREFIX) :].partition("-")[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _open_http(url: str, settings: ChromaSettings) -> StoreClient:
    """HttpClient after a quick TCP probe, so a dead host fails in seconds instead of hanging."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"Chroma URL must look like http://host:port, got {url!r}")
    ssl = parts.scheme == "https"
    port = parts.port or (443 if ssl else 8000)
    try:
        socket.create_connection((parts.hostname, port), timeout=_CONNECT_TIMEOUT_S).close()
        client = chromadb.HttpClient(host=parts.hostname, port=port, ssl=ssl, settings=settings)
    except (OSError, ValueError, *_UNREACHABLE) as exc:
        raise StoreUnavailableError(f"Chroma server at {url} is unreachable: {exc}") from exc
    _bound_request_time(client)
    return StoreClient(client=client, location=url, remote=True)


def _bound_request_time(client: ClientAPI) -> None:
    """chromadb's HTTP session has no timeout; bound it so a hung server surfaces as unavailable."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(_REQUEST_TIMEOUT_S, connect=_CONNECT_TIMEOUT_S)


def _open_embedded(path: Path, settings: ChromaSettings) -> StoreClient:
    """PersistentClient on `path`; unreadable files become IndexCorruptError naming the directory."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=settings)
    except (OSError, ChromaError, ValueError, RuntimeError) as exc:
        raise IndexCorruptError(f"Chroma directory {path} cannot be opened: {exc}") from exc
    except BaseException as exc:
        if is_rust_panic(exc):
            raise IndexCorruptError(f"Chroma directory {path} cannot be opened (store panicked)") from exc
        raise
    return StoreClient(client=client, location=str(path), remote=False)


@contextmanager
def translate_errors(store: StoreClient) -> Iterator[None]:
    """Turn chromadb/httpx failures into the project's errors, naming the store location."""
    try:
        yield
    except NotFoundError as exc:
        if store.remote:
            raise IndexNotFoundError(f"Chroma server at {store.location}: {exc}") from exc
        raise IndexCorruptError(f"Chroma directory {store.location} is missing data: {exc}") from exc
    except _UNREACHABLE as exc:
        raise StoreUnavailableError(f"Chroma server at {store.location} is unreachable: {exc}") from exc
    except ValueError as exc:
        if "Could not connect" in str(exc):
            raise StoreUnavailableError(f"Chroma server at {store.location} is unreachable: {exc}") from exc
        raise
    except InvalidArgumentError as exc:
        if "dimension" in str(exc):
            raise IndexCorruptError(
                f"Chroma collection at {store.location} holds vectors of another size ({exc}); "
                "was it built with a different embedding model? Rebuild the index."
            ) from exc
        raise ValueError(f"Chroma rejected the request: {exc}") from exc
    except ChromaError as exc:
        if store.remote:
            raise StoreUnavailableError(f"Chroma server at {store.location} failed: {exc}") from exc
        raise IndexCorruptError(f"Chroma directory {store.location} cannot be read: {exc}") from exc
    except BaseException as exc:
        # A corrupt chroma.sqlite3 makes the Rust core panic; pyo3 raises that as a BaseException.
        if not is_rust_panic(exc):
            raise
        if store.remote:
            raise StoreUnavailableError(f"Chroma server at {store.location} failed (store panicked)") from exc
        raise IndexCorruptError(f"Chroma directory {store.location} cannot be read (store panicked)") from exc


class VectorIndex:
    """One cosine-space collection: add texts (embedded via `embeddings`) and search by vector."""

    def __init__(
        self, store: StoreClient, name: str, embeddings: Embeddings, *, create: bool = False
    ) -> None:
        if not _COLLECTION_NAME.match(name):
            raise ConfigurationError(
                f"Invalid collection name {name!r}: 3-512 characters of [A-Za-z0-9._-], alphanumeric at both ends"
            )
        self.store = store
        self.name = name
        self.embeddings = embeddings
        self._collection: Any = None  # fetched on the first `nearest`
        with translate_errors(store):
            self._chroma = Chroma(
                collection_name=name,
                embedding_function=embeddings,
                client=store.client,
                collection_configuration=COSINE_CONFIGURATION,  # type: ignore[arg-type]
                create_collection_if_not_exists=create,
            )

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        vectors: np.ndarray | None = None,
    ) -> None:
        """Upsert entries (same id = replace), in batches the store accepts; embedded here unless `vectors`
        gives each entry's vector."""
        if not len(ids) == len(texts) == len(metadatas) or (vectors is not None and len(vectors) != len(ids)):
            raise ValueError("ids, texts, metadatas (and vectors) must have the same length")
        batch = _ADD_BATCH
        with translate_errors(self.store):
            batch = min(batch, self.store.client.get_max_batch_size())
            if vectors is not None:
                collection = self.store.client.get_collection(self.name)
                for start in range(0, len(ids), batch):
                    end = start + batch
                    collection.upsert(
                        ids=list(ids[start:end]),
                        embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                        documents=list(texts[start:end]),
                        metadatas=list(metadatas[start:end]),
                    )
            else:
                for start in range(0, len(ids), batch):
                    end = start + batch
                    self._chroma.add_texts(
                        texts=list(texts[start:end]),
                        metadatas=list(metadatas[start:end]),
                        ids=list(ids[start:end]),
                    )
        logger.info("Added %d entries to collection %s at %s", len(ids), self.name, self.store.location)

    def search_by_vector(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[Hit]:
        """The `k` nearest entries to `vector` (optionally filtered by metadata), best first."""
        if k <= 0:
            return []
        with translate_errors(self.store):
            pairs = self._chroma.similarity_search_by_vector_with_relevance_scores(
                list(vector), k=k, filter=where
            )
        return [
            Hit(id=str(doc.id), score=1.0 - distance, text=doc.page_content, metadata=dict(doc.metadata))
            for doc, distance in pairs
        ]

    def nearest(self, vector: Sequence[float], k: int) -> list[Hit]:
        """Ids and cosine similarities of the `k` nearest entries, best first, without texts or metadata.

        The fast path for retrieval: the answerer reads records from the typed document, and fetching the
        stored texts and metadata triples the cost of a query on a collection this size."""
        if k <= 0:
            return []
        with translate_errors(self.store):
            if self._collection is None:
                self._collection = self.store.client.get_collection(self.name)
            result = self._collection.query(
                query_embeddings=[list(vector)], n_results=k, include=["distances"]
            )
        distances = (result.get("distances") or [[]])[0]
        return [
            Hit(id=str(i), score=1.0 - float(d)) for i, d in zip(result["ids"][0], distances, strict=True)
        ]

    def search(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """Embed `query` with the index's embedder and search by the resulting vector."""
        return self.search_by_vector(self.embeddings.embed_query(query), k, where)

    def count(self) -> int:
        """Number of entries in the collection."""
        with translate_errors(self.store):
            return self.store.client.get_collection(self.name).count()

    def delete_collection(self) -> None:
        """Drop the whole collection from the store."""
        with translate_errors(self.store):
            self._chroma.delete_collection()
