"""Open the current index version: records, Chroma collection, BM25, embedder -> a ready retriever."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.retrieval import HybridRetriever
from ingest.pipeline import CHROMA_DIR, LEXICAL_DIR, load_version_document
from ingest.records import PolicyDocument
from vectorstore.chroma_store import VectorIndex, open_client
from vectorstore.errors import IndexCorruptError
from vectorstore.lexical import LexicalIndex
from vectorstore.versions import IndexManager

logger = logging.getLogger(__name__)


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
    client = open_client(chroma_url, None if chroma_url else info.path / CHROMA_DIR)
    dense = VectorIndex(client, collection, embeddings)
    try:
        lexical = LexicalIndex.load(info.path / LEXICAL_DIR)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexCorruptError(
            f"BM25 index in {info.path} is unreadable; run `policyqa ingest --rebuild`"
        ) from exc
    return LoadedIndex(info.id, document, HybridRetriever(embeddings, dense, lexical), dense)


class IndexHolder:
    """Holds the loaded index and reloads it when ingest switches CURRENT to a new version."""

    def __init__(self, index_dir: Path, embeddings: Embeddings, chroma_url: str | None) -> None:
        self.index_dir = index_dir
        self.embeddings = embeddings
        self.chroma_url = chroma_url
        self._lock = threading.Lock()
        self._loaded: LoadedIndex | None = None
        self._pointer: tuple[float, int] | None = None

    def get(self) -> LoadedIndex:
        """The current index, reloaded if CURRENT changed (one stat() per call)."""
        pointer = self._stat_pointer()
        loaded = self._loaded
        if loaded is not None and pointer == self._pointer:
            return loaded
        with self._lock:
            if self._loaded is None or pointer != self._pointer:
                fresh = open_index(self.index_dir, self.embeddings, self.chroma_url)
                if self._loaded is not None:
                    logger.info("index switched %s -> %s", self._loaded.version, fresh.version)
                self._loaded, self._pointer = fresh, pointer
            return self._loaded

    def _stat_pointer(self) -> tuple[float, int] | None:
        try:
            st = (self.index_dir / "CURRENT").stat()
        except OSError:
            return None
        return (st.st_mtime, st.st_ino)
