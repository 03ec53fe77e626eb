"""Small fakes for the eval tests: services that return canned Answers, and a char-bigram embedder."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.models import Answer, Citation
from eval.gold import OUT_OF_SCOPE, GoldQuestion
from ingest.records import PolicyDocument
from vectorstore.errors import InvalidQuestionError


def task_cite(no: int) -> Citation:
    return Citation(type="task", id=no)


def item_cite(index: int) -> Citation:
    return Citation(type="item", id=index)


class FakeService:
    """Answers from a function of (question, history); records every call."""

    index_version = "fake-v1"

    def __init__(
        self, document: PolicyDocument, reply: Callable[[str, list[dict[str, str]]], Answer]
    ) -> None:
        self.document = document
        self.reply = reply
        self.calls: list[tuple[str, list[dict[str, str]]]] = []

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        self.calls.append((question, list(history or [])))
        if not question.strip():
            raise InvalidQuestionError("empty question")
        return self.reply(question, list(history or []))


class FakeOracleService(FakeService):
    """A perfect service for a given gold set: cites every gold source (primary first), says the first string of
    every answer group in the answer's first line (a quote line follows), refuses out-of-scope questions."""

    def __init__(self, document: PolicyDocument, questions: list[GoldQuestion]) -> None:
        # The same follow-up ("配合单位呢？") recurs with different histories, so key on both.
        by_turns = {(q.question, _key(q.history_dicts())): q for q in questions}
        super().__init__(
            document, lambda question, history: self._answer(by_turns[(question, _key(history))])
        )

    @staticmethod
    def _answer(question: GoldQuestion) -> Answer:
        if question.type == OUT_OF_SCOPE:
            return Answer(answer="文件未涉及。", refused=True)
        primary = question.primary_source()
        sources = question.gold_sources()
        if primary is not None:
            sources = [primary, *[s for s in sources if s != primary]]
        first = "；".join(group[0] for group in question.answer_must_contain_any) or "见来源。"
        text = f"{first}\n\n> 原文：见所引条目。"
        return Answer(answer=text, citations=[Citation(type=s.type, id=s.id) for s in sources])


def _key(history: list[dict[str, str]]) -> str:
    return json.dumps(history, ensure_ascii=False, sort_keys=True)


class BigramEmbeddings(Embeddings):
    """A tiny deterministic embedder: hashed character bigrams, L2-normalised (lexical, but real similarity)."""

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(self.dim, dtype=np.float32)
        for a, b in zip(text, text[1:], strict=False):
            vector[zlib.crc32((a + b).encode("utf-8")) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return (vector / norm if norm else vector).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)
