"""Result types shared by the dense and lexical indexes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Hit(BaseModel):
    """One retrieved entry: its id, a higher-is-better score, its text and stored metadata."""

    model_config = ConfigDict(frozen=True)

    id: str
    score: float = Field(description="Higher is better: cosine similarity (dense) or BM25 score (lexical)")
    text: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
