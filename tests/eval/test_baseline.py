"""The vanilla RAG baseline: corpus offsets map back to records, chunks carry their sources, retrieval cites them."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.baseline import BaselineCorpus, BaselineRAG, CorpusSpan, build_corpus, split_corpus
from eval.gold import SourceRef
from ingest.parser import load_document
from ingest.records import PolicyDocument
from tests.eval.fakes import BigramEmbeddings

SOURCE = Path(__file__).resolve().parents[2] / "data" / "jiulongpo-business-environment-2021.txt"


@pytest.fixture(scope="module")
def document() -> PolicyDocument:
    return load_document(SOURCE)


def test_corpus_is_notice_then_annex_with_one_span_per_record(document: PolicyDocument) -> None:
    corpus = build_corpus(document)
    tasks = [s for s in corpus.spans if s.source.type == "task"]
    items = [s for s in corpus.spans if s.source.type == "item"]
    assert [s.source.id for s in tasks] == list(range(1, len(document.tasks) + 1))
    assert [s.source.id for s in items] == list(range(1, len(document.items) + 1))
    assert items[-1].end < tasks[0].start  # the notice comes before the annex
    row34 = corpus.text[tasks[33].start : tasks[33].end]
    assert row34.startswith("34 压减用气接入时间") and row34.endswith("区经济信息委")
    item3 = corpus.text[items[2].start : items[2].end]
    assert item3 == document.items[2].text


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 10, [1]),
        (5, 25, [2, 1]),  # 15 chars of record 2, 5 of record 1
        (8, 12, [1, 2]),  # tie: document order
        (30, 40, []),
        (10, 20, [2]),
    ],
)
def test_sources_between_orders_by_overlap(start: int, end: int, expected: list[int]) -> None:
    corpus = BaselineCorpus(
        text="x" * 40,
        spans=[
            CorpusSpan(start=0, end=10, source=SourceRef(type="task", id=1)),
            CorpusSpan(start=10, end=20, source=SourceRef(type="task", id=2)),
        ],
    )
    assert [s.id for s in corpus.sources_between(start, end)] == expected


def test_chunks_keep_their_offsets_and_sources(document: PolicyDocument) -> None:
    corpus = build_corpus(document)
    chunks = split_corpus(corpus, chunk_size=300, chunk_overlap=50)
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(corpus.text[c.start : c.start + len(c.text)] == c.text for c in chunks)
    covered = {s for c in chunks for s in c.sources}
    assert {SourceRef(type="task", id=t.no) for t in document.tasks} <= covered
    gas = next(c for c in chunks if "获得用气用户办理总用时不超过" in c.text)
    assert SourceRef(type="task", id=34) in gas.sources


def test_retrieval_cites_the_sources_of_the_top_chunks(document: PolicyDocument) -> None:
    with BaselineRAG(document, BigramEmbeddings(), k=3, chunk_size=300, chunk_overlap=50) as rag:
        result = rag.retrieve("获得用气用户办理总用时不超过13个工作日")
        assert SourceRef(type="task", id=34) in result.sources
        assert len(result.chunks) == 3 and result.latency_ms > 0
        assert len(result.sources) == len(set(result.sources))
        assert rag.config.k == 3 and rag.config.chunks == len(rag.chunks)


def test_retrieve_before_start_is_an_error(document: PolicyDocument) -> None:
    with pytest.raises(RuntimeError):
        BaselineRAG(document, BigramEmbeddings()).retrieve("用气")
