"""The answer schema shared by the CLI, the API, the UI and the eval harness."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SourceType = Literal["task", "item", "meta"]


class Citation(BaseModel):
    """One cited source; `quote` is verbatim text of that record."""

    type: SourceType
    id: int
    section: str = ""
    title: str = ""
    lead_units: list[str] = Field(default_factory=list)
    coop_units: list[str] = Field(default_factory=list)
    quote: str = ""
    score: float = 0.0


class Answer(BaseModel):
    """A grounded answer: text with citation markers, the citations most relevant first."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    language: Literal["zh", "en"] = "zh"
    intent: str = "search"
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per stage")
    index_version: str = ""


class ChatMessage(BaseModel):
    """An OpenAI-style chat message."""

    role: Literal["system", "user", "assistant"]
    content: str
