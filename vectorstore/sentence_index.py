"""Sentence vectors of one index version: every sentence of every record, embedded once at ingest and searched
exactly at query time.

A few hundred 384-dimensional rows make one matrix product (well under a millisecond), so the matrix is kept as
a file beside the BM25 index instead of a second Chroma collection: no second store round-trip per question
(a network hop in server mode), the same answer in embedded and server mode, and nothing to garbage-collect on a
server. Keys are (record type, record number, sentence position), as `ingest.sentences.Sentence` numbers them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.embeddings import normalize_rows
from vectorstore.errors import IndexCorruptError

logger = logging.getLogger(__name__)
SentenceKey = tuple[str, int, int]
VECTORS_FILE = "vectors.npy"
KEYS_FILE = "keys.json"


class SentenceIndex:
    """Unit-length sentence vectors and their keys; cosine similarity to a query vector by one product."""

    def __init__(self, keys: Sequence[SentenceKey], vectors: np.ndarray) -> None:
        if vectors.ndim != 2 or len(keys) != vectors.shape[0]:
            raise ValueError(f"{len(keys)} keys for a vector matrix of shape {vectors.shape}")
        self.keys: list[SentenceKey] = [(str(k[0]), int(k[1]), int(k[2])) for k in keys]
        self.vectors = vectors.astype(np.float32, copy=False)

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def build(
        cls,
        keys: Sequence[SentenceKey],
        texts: Sequence[str],
        embeddings: Embeddings,
        batch: int = 64,
        on_batch: Callable[[int], None] | None = None,
    ) -> SentenceIndex:
        """Embed `texts` as passages in batches (`on_batch(n)` after each, for a progress bar). A sentence that
        recurs (a district measure repeating its city task) is embedded once."""
        if len(keys) != len(texts):
            raise ValueError("keys and texts must have the same length")
        table = embed_passages(texts, embeddings, batch, on_batch)
        return cls.from_table(keys, texts, table)

    @classmethod
    def from_table(
        cls, keys: Sequence[SentenceKey], texts: Sequence[str], table: dict[str, np.ndarray]
    ) -> SentenceIndex:
        """The index of `texts` whose vectors `embed_passages` already made (ingest embeds once for all uses)."""
        if len(keys) != len(texts):
            raise ValueError("keys and texts must have the same length")
        matrix = np.asarray([table[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)
        return cls(keys, matrix)

    def save(self, directory: Path) -> None:
        """Write the matrix and its keys into `directory` (created)."""
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / VECTORS_FILE, self.vectors, allow_pickle=False)
        (directory / KEYS_FILE).write_text(json.dumps([list(k) for k in self.keys]), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> SentenceIndex:
        """Read what `save` wrote; IndexCorruptError when it is unreadable or inconsistent."""
        try:
            vectors = np.load(directory / VECTORS_FILE, allow_pickle=False)
            keys = [
                (str(t), int(r), int(p)) for t, r, p in json.loads((directory / KEYS_FILE).read_text("utf-8"))
            ]
            return cls(keys, vectors)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorruptError(
                f"sentence vectors in {directory} are unreadable; run `policyqa ingest --rebuild`"
            ) from exc

    def similarities(self, vector: Sequence[float]) -> dict[SentenceKey, float]:
        """Cosine similarity of every sentence to `vector` (a unit-length query embedding)."""
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        scores = self.vectors @ (query / norm if norm else query)
        return dict(zip(self.keys, scores.tolist(), strict=True))


def embed_passages(
    texts: Sequence[str],
    embeddings: Embeddings,
    batch: int = 64,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Unit vectors of the distinct `texts`, each embedded once as a passage, in batches (`on_batch(n)` after
    each; the repeats are reported at the end, served from their first occurrence)."""
    unique = list(dict.fromkeys(texts))
    rows: list[list[float]] = []
    for start in range(0, len(unique), batch):
        part = unique[start : start + batch]
        rows.extend(embeddings.embed_documents(part))
        if on_batch is not None:
            on_batch(len(part))
    if on_batch is not None and len(unique) < len(texts):
        on_batch(len(texts) - len(unique))
    matrix = normalize_rows(np.asarray(rows, dtype=np.float32).reshape(len(unique), -1))
    return dict(zip(unique, matrix, strict=True))


def mean_direction(vectors: Sequence[np.ndarray]) -> np.ndarray:
    """The unit vector along the mean of unit `vectors` (a record's vector from its sentences' vectors)."""
    total = np.sum(np.asarray(vectors, dtype=np.float32), axis=0)
    norm = float(np.linalg.norm(total))
    return total / norm if norm else total


def best_by_record(similarities: dict[SentenceKey, float]) -> dict[tuple[str, int], float]:
    """Each record's best sentence similarity."""
    best: dict[tuple[str, int], float] = {}
    for (kind, ref, _), score in similarities.items():
        if score > best.get((kind, ref), -2.0):
            best[(kind, ref)] = score
    return best
