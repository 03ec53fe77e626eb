"""Hybrid retrieval: dense (Chroma) + lexical (BM25/jieba), fused by reciprocal rank."""

from __future__ import annotations

import time
from typing import Any, Protocol

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field

from ingest.chunks import parse_chunk_id
from vectorstore.fusion import reciprocal_rank_fusion
from vectorstore.sentence_index import SentenceIndex, SentenceKey, best_by_record

# More than the rows a document of this kind has: with sentence vectors, every row's similarity is fetched.
ALL_ROWS = 1000


class DenseIndex(Protocol):
    def nearest(self, vector: list[float], k: int) -> list[Any]: ...


class LexicalSearch(Protocol):
    def search(self, query: str, k: int) -> list[Any]: ...


class Retrieved(BaseModel):
    """One fused hit: which record, its fused score and the raw signals behind it."""

    type: str
    ref: int
    score: float
    dense: float = 0.0
    dense_rank: int | None = None
    lexical: float = 0.0
    lexical_rank: int | None = None


class RetrievalResult(BaseModel):
    """Fused ranking plus the strongest raw signals (used for refusal)."""

    hits: list[Retrieved]
    top_dense: float = 0.0
    top_lexical: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)
    # every sentence's similarity to the question, by (type, ref, position); empty without sentence vectors
    sentences: dict[SentenceKey, float] = Field(default_factory=dict)


class HybridRetriever:
    """Dense + BM25 candidates fused with RRF; the dense list gets a little more weight."""

    def __init__(
        self,
        embeddings: Embeddings,
        dense: DenseIndex,
        lexical: LexicalSearch,
        depth: int = 20,
        sentences: SentenceIndex | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.dense = dense
        self.lexical = lexical
        self.depth = depth
        self.sentences = sentences

    def retrieve(self, query: str, k: int = 10, dense_query: str | None = None) -> RetrievalResult:
        """Return the top-k fused records for `query` (`dense_query`, when given, is what the embedder sees)."""
        t0 = time.perf_counter()
        vector = self.embeddings.embed_query(dense_query or query)
        t1 = time.perf_counter()
        # With sentence vectors every row's similarity is needed (a few hundred rows cost a millisecond more).
        dense_hits = self.dense.nearest(vector, self.depth if self.sentences is None else ALL_ROWS)
        t2 = time.perf_counter()
        lexical_hits = self.lexical.search(query, self.depth)
        t3 = time.perf_counter()
        dense_ids = [h.id for h in dense_hits]
        sentence_similarity: dict[SentenceKey, float] = {}
        if self.sentences is not None:
            # The dense ranking adds each row's best sentence to the row's own similarity: a long row that says
            # it in one clause is no longer averaged away by the rest of the row.
            sentence_similarity = self.sentences.similarities(vector)
            best = best_by_record(sentence_similarity)
            combined = {h.id: h.score + best.get(parse_chunk_id(h.id), 0.0) for h in dense_hits}
            dense_ids = sorted(combined, key=lambda cid: -combined[cid])
        dense_ids = dense_ids[: self.depth]
        fused = reciprocal_rank_fusion([dense_ids, [h.id for h in lexical_hits]], k=60, weights=[1.0, 0.8])
        scores = {h.id: h.score for h in dense_hits}
        dense_by_id: dict[str, tuple[int | None, float]] = {
            cid: (rank, scores[cid]) for rank, cid in enumerate(dense_ids)
        }
        # every row's own similarity is known when all rows were fetched: a row found lexically keeps it too
        dense_by_id.update({cid: (None, score) for cid, score in scores.items() if cid not in dense_by_id})
        lex_by_id = {h.id: (rank, h.score) for rank, h in enumerate(lexical_hits)}
        hits = [_to_retrieved(f.id, f.score, dense_by_id, lex_by_id) for f in fused[:k]]
        timings = {
            "embed": (t1 - t0) * 1e3,
            "dense": (t2 - t1) * 1e3,
            "lexical": (t3 - t2) * 1e3,
            "sentences": (time.perf_counter() - t3) * 1e3,
        }
        return RetrievalResult(
            hits=hits,
            top_dense=dense_hits[0].score if dense_hits else 0.0,
            top_lexical=lexical_hits[0].score if lexical_hits else 0.0,
            timings=timings,
            sentences=sentence_similarity,
        )


def _to_retrieved(
    cid: str, score: float, dense: dict[str, tuple[int | None, float]], lexical: dict[str, tuple[int, float]]
) -> Retrieved:
    kind, ref = parse_chunk_id(cid)
    d_rank, d_score = dense.get(cid, (None, 0.0))
    l_rank, l_score = lexical.get(cid, (None, 0.0))
    return Retrieved(
        type=kind,
        ref=ref,
        score=score,
        dense=d_score,
        dense_rank=d_rank,
        lexical=l_score,
        lexical_rank=l_rank,
    )
