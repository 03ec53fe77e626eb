"""Sentence vectors: built through the (cached) embedder, saved and loaded beside the BM25 index, searched by one
matrix product; an unreadable file is a corrupt index, not a crash in the middle of an answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vectorstore.errors import IndexCorruptError
from vectorstore.sentence_index import (
    KEYS_FILE,
    SentenceIndex,
    best_by_record,
    embed_passages,
    mean_direction,
)

SENTENCES = {
    ("task", 1, 0): "推行企业登记全程电子化。",
    ("task", 1, 1): "营业执照可以邮寄到家。",
    ("task", 2, 0): "压减用气接入时间至13个工作日。",
    ("item", 3, 0): "优化要素供给机制。",
}


@pytest.fixture(scope="module")
def index(embeddings) -> SentenceIndex:  # type: ignore[no-untyped-def]
    batches: list[int] = []
    built = SentenceIndex.build(
        list(SENTENCES), list(SENTENCES.values()), embeddings, batch=3, on_batch=batches.append
    )
    assert batches == [3, 1]
    return built


def test_the_nearest_sentence_is_the_one_that_says_it(index: SentenceIndex, embeddings) -> None:  # type: ignore[no-untyped-def]
    sims = index.similarities(embeddings.embed_query("天然气接入要多久"))
    assert max(sims, key=sims.__getitem__) == ("task", 2, 0)
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)


def test_a_record_scores_by_its_best_sentence(index: SentenceIndex, embeddings) -> None:  # type: ignore[no-untyped-def]
    sims = index.similarities(embeddings.embed_query("执照能寄给我吗"))
    best = best_by_record(sims)
    assert best[("task", 1)] == max(sims[("task", 1, 0)], sims[("task", 1, 1)])
    assert set(best) == {("task", 1), ("task", 2), ("item", 3)}


def test_save_and_load_round_trip(index: SentenceIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "sentences")
    loaded = SentenceIndex.load(tmp_path / "sentences")
    assert loaded.keys == index.keys
    assert np.array_equal(loaded.vectors, index.vectors)


def test_an_unreadable_or_inconsistent_file_is_a_corrupt_index(index: SentenceIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "s")
    (tmp_path / "s" / KEYS_FILE).write_text('[["task", 1, 0]]', encoding="utf-8")  # one key, four vectors
    with pytest.raises(IndexCorruptError, match="sentence vectors"):
        SentenceIndex.load(tmp_path / "s")
    with pytest.raises(IndexCorruptError):
        SentenceIndex.load(tmp_path / "missing")


class _CountingEmbeddings:
    """Wraps the shared embedder and records every text it is asked to embed."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.seen: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.seen.extend(texts)
        return self.inner.embed_documents(texts)  # type: ignore[no-any-return]


def test_a_recurring_sentence_is_embedded_once_and_shared(embeddings) -> None:  # type: ignore[no-untyped-def]
    repeated = "压减用气接入时间至13个工作日。"
    keys = [("task", 2, 0), ("task", 2, 1), ("task", 3, 0)]
    counting = _CountingEmbeddings(embeddings)
    progress: list[int] = []
    built = SentenceIndex.build(
        keys, [repeated, repeated, "优化要素供给机制。"], counting, on_batch=progress.append
    )  # type: ignore[arg-type]
    assert counting.seen.count(repeated) == 1 and sum(progress) == 3
    assert np.array_equal(built.vectors[0], built.vectors[1])
    assert not np.array_equal(built.vectors[0], built.vectors[2])


def test_passages_embedded_once_serve_the_sentence_index_and_record_vectors(embeddings) -> None:  # type: ignore[no-untyped-def]
    texts = list(SENTENCES.values())
    counting = _CountingEmbeddings(embeddings)
    table = embed_passages([*texts, texts[0]], counting)  # type: ignore[arg-type]
    assert counting.seen == texts and set(table) == set(texts)
    assert all(abs(float(np.linalg.norm(v)) - 1.0) < 1e-5 for v in table.values())
    from_table = SentenceIndex.from_table(list(SENTENCES), texts, table)
    built = SentenceIndex.build(list(SENTENCES), texts, embeddings)
    assert np.allclose(from_table.vectors, built.vectors, atol=1e-6)
    # A record of two sentences points between them: nearer to each than they are to each other.
    first, second = table[texts[0]], table[texts[1]]
    record = mean_direction([first, second])
    assert abs(float(np.linalg.norm(record)) - 1.0) < 1e-5
    assert min(float(record @ first), float(record @ second)) > float(first @ second)
    assert np.allclose(mean_direction([first]), first)
