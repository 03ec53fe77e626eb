"""What every handler gets: the analysed question and the document context of one index version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from assistant.analysis import Analysis
from assistant.lexicon import DocumentLexicon
from assistant.models import Answer
from assistant.retrieval import HybridRetriever
from ingest.records import PolicyDocument
from ingest.sentences import Sentence
from ingest.units import UnitDirectory
from prompts import format_phrase


@dataclass
class Context:
    """The document of one index version, its vocabulary and sentences, and its retriever."""

    doc: PolicyDocument
    units: UnitDirectory
    lexicon: DocumentLexicon
    sentences: dict[tuple[str, int], list[Sentence]]
    retriever: HybridRetriever | None
    top_k: int = 5


class Handler(Protocol):
    """A kind of question: does it match, and how is it answered."""

    name: str

    def matches(self, analysis: Analysis) -> bool: ...

    def answer(self, analysis: Analysis, ctx: Context) -> Answer: ...


def refusal(analysis: Analysis, intent: str, text: str | None = None) -> Answer:
    """A refusal that cites nothing."""
    return Answer(
        answer=text or format_phrase("refusal", analysis.language),
        refused=True,
        language=analysis.language,
        intent=intent,
    )
