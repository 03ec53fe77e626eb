"""Build a new index version (Chroma + BM25 + records) and switch to it atomically."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field
from tqdm import tqdm

from ingest.chunks import CHUNK_SCHEMA_VERSION, Chunk, build_chunks
from ingest.parser import load_document
from ingest.records import PolicyDocument
from ingest.sentences import record_sentences
from ingest.units import load_unit_directory
from vectorstore.chroma_store import VectorIndex, open_client
from vectorstore.errors import IndexCorruptError
from vectorstore.lexical import LexicalIndex
from vectorstore.sentence_index import SentenceIndex, embed_passages, mean_direction
from vectorstore.versions import IndexManager

logger = logging.getLogger(__name__)
DOCUMENT_FILE = "document.json"
LEXICAL_DIR = "bm25"
SENTENCES_DIR = "sentences"
CHROMA_DIR = "chroma"
BATCH = 64


class IngestSummary(BaseModel):
    """What an ingest built and how long it took."""

    version: str
    tasks: int
    items: int
    chunks: int
    sentences: int
    embedded: int = Field(
        description="Distinct passages (sentences, units lines, meta chunks) run through the model"
    )
    cached: int = Field(description="Distinct passages served from the embedding cache")
    seconds: float
    collection: str
    chroma_url: str | None


def collection_name(prefix: str, version: str) -> str:
    """Chroma collection name of an index version (valid chars: [a-zA-Z0-9._-])."""
    return f"{prefix}-{version}"[:60]


def build_index(
    source: Path,
    index_dir: Path,
    embeddings: Embeddings,
    chroma_url: str | None = None,
    prefix: str = "policyqa",
    rebuild: bool = False,
    progress: bool = True,
    before_commit: Callable[[str], None] | None = None,
    lock_wait_s: float = 600.0,
) -> IngestSummary:
    """Parse `source`, embed and index it as a new version, smoke-test it, then make it current.

    A source that fails validation raises before anything is written; a failure later removes the
    half-built version, so the previous index keeps serving. `rebuild` builds beside the live version
    like any ingest and then removes every other version. One ingest per index dir at a time: a second
    one waits up to `lock_wait_s` for the build lock, then raises IndexBusyError.
    """
    started = time.perf_counter()
    doc = load_document(source)
    directory = load_unit_directory()
    chunks = build_chunks(doc, english=directory.english_for_entry)
    manager = IndexManager(index_dir)
    with manager.ingest_lock(wait_s=lock_wait_s):
        new = manager.begin()
        version, path = new.id, new.path
        name = collection_name(prefix, version)
        try:
            vectors = _embed(doc, chunks, embeddings, progress)
            vectors.sentences.save(path / SENTENCES_DIR)
            _write_version(
                path, doc, chunks, vectors.chunks, directory.all_names(), embeddings, chroma_url, name
            )
            if before_commit is not None:
                before_commit(version)
            manager.commit(version, _manifest(doc, chunks, embeddings, chroma_url, name))
        except BaseException:
            manager.abort(version)
            if chroma_url:
                _drop_collection(chroma_url, name)
            raise
        # --rebuild forgets every other version (healing a corrupt directory) only once the new one is live.
        _collect_garbage(manager, chroma_url, prefix, keep=1 if rebuild else 2)
    return IngestSummary(
        version=version,
        tasks=len(doc.tasks),
        items=len(doc.items),
        chunks=len(chunks),
        sentences=len(vectors.sentences),
        embedded=vectors.passages - vectors.cached,
        cached=vectors.cached,
        seconds=time.perf_counter() - started,
        collection=name,
        chroma_url=chroma_url,
    )


def _write_version(
    path: Path,
    doc: PolicyDocument,
    chunks: list[Chunk],
    chunk_vectors: np.ndarray,
    user_words: list[str],
    embeddings: Embeddings,
    chroma_url: str | None,
    name: str,
) -> None:
    """Write the Chroma collection, the BM25 index and the records of a version, then smoke-test them."""
    client = open_client(chroma_url, None if chroma_url else path / CHROMA_DIR)
    try:
        dense = VectorIndex(client, name, embeddings, create=True)
        dense.add(
            [c.id for c in chunks], [c.text for c in chunks], [c.metadata for c in chunks], chunk_vectors
        )
        lexical = LexicalIndex.build(
            [c.id for c in chunks], [c.lexical_text for c in chunks], user_words=user_words
        )
        lexical.save(path / LEXICAL_DIR)
        (path / DOCUMENT_FILE).write_text(doc.model_dump_json(), encoding="utf-8")
        _smoke_test(doc, chunks, dense, lexical, embeddings)
    finally:
        client.close()  # releases SQLite (and checkpoints its journal) before the files are synced


@dataclass(frozen=True)
class _Vectors:
    sentences: SentenceIndex
    chunks: np.ndarray  # one row per chunk, in chunk order
    passages: int  # distinct passages embedded or read from the cache
    cached: int


def _embed(doc: PolicyDocument, chunks: list[Chunk], embeddings: Embeddings, progress: bool) -> _Vectors:
    """Embed every distinct passage once, with a progress bar: the sentences of every record, each row's units
    line and the meta chunks. A record's vector is the mean of its parts' vectors, so the rows cost no second
    pass of the model over the same words (dense retrieval on dev was as good as embedding whole rows:
    top-1 0.73 vs 0.70 over 1189 questions)."""
    sentences = [s for group in record_sentences(doc).values() for s in group]
    texts = [s.text for s in sentences] + [p for c in chunks for p in c.parts]
    stats = getattr(embeddings, "stats", None)  # CachedEmbeddings counts disk-cache hits
    hits_before = stats().document_hits if stats else 0
    with tqdm(total=len(texts), desc="embedding", unit="passage", disable=not progress, leave=False) as bar:
        table = embed_passages(texts, embeddings, BATCH, on_batch=bar.update)
    keys = [(s.type, s.ref, s.position) for s in sentences]
    return _Vectors(
        sentences=SentenceIndex.from_table(keys, [s.text for s in sentences], table),
        chunks=np.vstack([mean_direction([table[p] for p in c.parts]) for c in chunks]),
        passages=len(table),
        cached=stats().document_hits - hits_before if stats else 0,
    )


def _smoke_test(
    doc: PolicyDocument,
    chunks: list[Chunk],
    dense: VectorIndex,
    lexical: LexicalIndex,
    embeddings: Embeddings,
) -> None:
    """A fresh index must find a known row by its own wording, densely and lexically."""
    probe = doc.tasks[len(doc.tasks) // 2]
    wanted = f"task-{probe.no}"
    dense_ids = [h.id for h in dense.search_by_vector(embeddings.embed_query(probe.city_task), 5)]
    lexical_ids = [h.id for h in lexical.search(probe.city_task, 5)]
    if dense.count() != len(chunks) or wanted not in dense_ids or wanted not in lexical_ids:
        raise IndexCorruptError(
            f"smoke query failed on the new index: {wanted} not found (dense {dense_ids[:3]}, lexical {lexical_ids[:3]})"
        )


def _manifest(
    doc: PolicyDocument, chunks: list[Chunk], embeddings: Embeddings, chroma_url: str | None, name: str
) -> dict[str, object]:
    return {
        "schema": CHUNK_SCHEMA_VERSION,
        "source_sha256": doc.source_sha256,
        "embedding_model": getattr(embeddings, "model_id", type(embeddings).__name__),
        "chroma_url": chroma_url,
        "collection": name,
        "counts": {"tasks": len(doc.tasks), "items": len(doc.items), "chunks": len(chunks)},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def load_version_document(version_path: Path) -> PolicyDocument:
    """The records an index version was built from."""
    try:
        return PolicyDocument.model_validate_json((version_path / DOCUMENT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"index version {version_path} has no readable {DOCUMENT_FILE}; run `policyqa ingest --rebuild`"
        ) from exc


def _drop_collection(chroma_url: str, name: str) -> None:
    try:
        open_client(chroma_url, None).delete_collection(name)
    except Exception as exc:  # best effort: the collection may never have been created
        logger.debug("could not drop collection %s: %s", name, exc)


def _collect_garbage(manager: IndexManager, chroma_url: str | None, prefix: str, keep: int) -> None:
    """Remove old versions (and their server collections), keeping the current and `keep - 1` previous."""
    removed = manager.gc(keep=keep)
    if chroma_url:
        for version in removed:
            _drop_collection(chroma_url, collection_name(prefix, version))
