"""Open the current index version: records, Chroma collection, BM25, embedder -> a ready retriever."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.retrieval import HybridRetriever
from ingest.pipeline import CHROMA_DIR, LEXICAL_DIR, SENTENCES_DIR, load_version_document
from ingest.records import PolicyDocument
from vectorstore.chroma_store import StoreClient, VectorIndex, open_reader
from vectorstore.errors import IndexCorruptError, PolicyQAError
from vectorstore.lexical import LexicalIndex
from vectorstore.sentence_index import SentenceIndex
from vectorstore.versions import IndexManager

logger = logging.getLogger(__name__)


def _load_libc() -> ctypes.CDLL | None:
    """glibc, for malloc_trim; None on a platform without it (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _load_libc()
# After a failed switch, CURRENT is retried when it changes again, or after this many seconds.
RETRY_FAILED_SWITCH_S = 5.0


@dataclass
class LoadedIndex:
    """Everything that belongs to one index version; swapped as a whole so answers never mix versions."""

    version: str
    document: PolicyDocument
    retriever: HybridRetriever
    dense: VectorIndex


def open_index(index_dir: Path, embeddings: Embeddings, chroma_url: str | None) -> LoadedIndex:
    """Load the current version; raise IndexNotFoundError / IndexCorruptError / StoreUnavailableError."""
    info = IndexManager(index_dir).current()
    document = load_version_document(info.path)
    collection = str(info.manifest.get("collection", ""))
    built_for = info.manifest.get("chroma_url")
    if (built_for or None) != (chroma_url or None):
        raise IndexCorruptError(
            f"index {info.path} was built for chroma_url={built_for!r}, not {chroma_url!r}; run `policyqa ingest`"
        )
    try:
        lexical = LexicalIndex.load(info.path / LEXICAL_DIR)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexCorruptError(
            f"BM25 index in {info.path} is unreadable; run `policyqa ingest --rebuild`"
        ) from exc
    client = open_reader(chroma_url, None if chroma_url else info.path / CHROMA_DIR)
    try:
        dense = VectorIndex(client, collection, embeddings)
        if not chroma_url:
            dense.count()  # a corrupt store fails here, at the switch, not in the middle of an answer
    except BaseException:
        client.close()
        raise
    sentences = _load_sentences(info.path / SENTENCES_DIR)
    loaded = LoadedIndex(
        info.id, document, HybridRetriever(embeddings, dense, lexical, sentences=sentences), dense
    )
    _close_when_unused(loaded, client)
    return loaded


def _load_sentences(directory: Path) -> SentenceIndex | None:
    """The version's sentence vectors; None for a version built before they existed (answers then rank
    sentences lexically only; `policyqa ingest` adds them)."""
    if not directory.exists():
        logger.warning(
            "index version %s has no sentence vectors; run `policyqa ingest` to add them", directory.parent
        )
        return None
    return SentenceIndex.load(directory)


def _close_when_unused(loaded: LoadedIndex, client: StoreClient) -> None:
    """Close the store client once nothing refers to `loaded` any more: the holder has moved on and the
    last request that took it has finished (CPython frees it then; at the latest at interpreter exit)."""
    weakref.finalize(loaded, _close_quietly, client, loaded.version)


def _close_quietly(client: StoreClient, version: str) -> None:
    try:
        client.close()
        logger.info("closed the store of superseded index version %s", version)
    except Exception as exc:  # a finalizer must not raise; the files are gone with the process anyway
        logger.warning("closing the store of index version %s failed: %s", version, exc)
    return_freed_memory()


def return_freed_memory() -> None:
    """Hand the heap pages a superseded version freed back to the OS (glibc only; a no-op elsewhere).

    glibc keeps freed memory in per-thread arenas, so a server that switches versions from request threads
    grew ~3.7 MB per switch although no object outlives its version; with this, ~1.9 MB, most of it
    chromadb's own: its Rust bindings keep ~0.7 MB per embedded client opened (chroma-core/chroma#5843)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


class IndexHolder:
    """Holds the loaded index and reloads it when ingest switches CURRENT to a new version."""

    def __init__(self, index_dir: Path, embeddings: Embeddings, chroma_url: str | None) -> None:
        self.index_dir = index_dir
        self.embeddings = embeddings
        self.chroma_url = chroma_url
        self._lock = threading.Lock()
        self._loaded: LoadedIndex | None = None
        self._pointer: tuple[float, int] | None = None
        self._failed_at = 0.0
        self.last_error: PolicyQAError | None = None

    def get(self) -> LoadedIndex:
        """The current index, reloaded if CURRENT changed (one stat() per call).

        When CURRENT names a broken version or vanishes, the last good version keeps serving (and the
        switch is retried when CURRENT changes again); only with no good version ever loaded does this raise.
        """
        pointer = self._stat_pointer()
        loaded = self._loaded
        if loaded is not None and pointer == self._pointer and not self._retry_due():
            return loaded
        with self._lock:
            if self._loaded is not None and pointer == self._pointer and not self._retry_due():
                return self._loaded
            try:
                fresh = open_index(self.index_dir, self.embeddings, self.chroma_url)
            except PolicyQAError as exc:
                if self._loaded is None:
                    raise
                self._keep_serving(pointer, exc)
                return self._loaded
            if self._loaded is not None:
                logger.info("index switched %s -> %s", self._loaded.version, fresh.version)
            self._loaded, self._pointer, self._failed_at, self.last_error = fresh, pointer, 0.0, None
            return fresh

    def _keep_serving(self, pointer: tuple[float, int] | None, exc: PolicyQAError) -> None:
        assert self._loaded is not None
        if self.last_error is None or pointer != self._pointer:
            logger.error(
                "CURRENT is unusable (%s); still serving index version %s", exc, self._loaded.version
            )
        self._pointer, self._failed_at, self.last_error = pointer, time.monotonic(), exc

    def _retry_due(self) -> bool:
        return self.last_error is not None and time.monotonic() - self._failed_at > RETRY_FAILED_SWITCH_S

    def _stat_pointer(self) -> tuple[float, int] | None:
        try:
            st = (self.index_dir / "CURRENT").stat()
        except OSError:
            return None
        return (st.st_mtime, st.st_ino)
