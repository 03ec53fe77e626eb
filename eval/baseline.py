"""A vanilla LangChain RAG baseline: split the de-wrapped text, embed it into Chroma, top-k similarity search.

It knows nothing of tasks or units; its retrieved chunks are mapped back to the records they overlap
(via a char-offset -> source map built with the text) so it can be scored on the same retrieval metrics.
"""

from __future__ import annotations

import logging
import tempfile
import time
from types import TracebackType

from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel

from eval.gold import SourceRef
from eval.models import BaselineConfig
from ingest.records import PolicyDocument

logger = logging.getLogger(__name__)

SEPARATORS = ["\n\n", "\n", "。", "；", "，", ""]
META_SOURCE = SourceRef(type="meta", id=0)


class CorpusSpan(BaseModel):
    """The char range [start, end) of the corpus text that one record produced."""

    start: int
    end: int
    source: SourceRef


class BaselineCorpus(BaseModel):
    """The de-wrapped document as one string plus the map from char offsets back to records."""

    text: str
    spans: list[CorpusSpan]

    def sources_between(self, start: int, end: int) -> list[SourceRef]:
        """Records overlapping [start, end), largest overlap first (document order breaks ties)."""
        overlaps = [(min(end, s.end) - max(start, s.start), s.start, s.source) for s in self.spans]
        ranked = sorted((o for o in overlaps if o[0] > 0), key=lambda o: (-o[0], o[1]))
        return [source for _, _, source in ranked]


class BaselineChunk(BaseModel):
    """One splitter chunk with its offset and the records it overlaps."""

    text: str
    start: int
    sources: list[SourceRef]


class BaselineRetrieval(BaseModel):
    """The baseline's answer to one query: cited sources in rank order, the chunks, the time it took."""

    sources: list[SourceRef]
    chunks: list[str]
    latency_ms: float


class _CorpusBuilder:
    """Appends text pieces and remembers which record each came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[CorpusSpan] = []
        self.length = 0

    def add(self, text: str, source: SourceRef | None, end: str = "\n") -> None:
        if source is not None:
            self.spans.append(CorpusSpan(start=self.length, end=self.length + len(text), source=source))
        self.parts.append(text + end)
        self.length += len(text) + len(end)

    def build(self) -> BaselineCorpus:
        return BaselineCorpus(text="".join(self.parts), spans=self.spans)


def build_corpus(doc: PolicyDocument) -> BaselineCorpus:
    """The document in reading order: notice (title, preamble, goals, items) then the annex rows."""
    builder = _CorpusBuilder()
    meta = doc.meta
    for text in (meta.title, meta.recipients, meta.preamble, meta.guiding_ideology, meta.goals):
        builder.add(text, META_SOURCE)
    part = ""
    for item in doc.items:
        if item.part != part:
            part = item.part
            builder.add(part, None)
        builder.add(item.text, SourceRef(type="item", id=item.index))
    builder.add(meta.annex_title, META_SOURCE, end="\n\n")
    section = ""
    for task in doc.tasks:
        if task.section != section:
            section = task.section
            builder.add(section, None)
        row = " ".join(
            [
                str(task.no),
                task.city_task,
                task.district_measure,
                "、".join(task.lead_units),
                "、".join(task.coop_units),
            ]
        )
        builder.add(row.rstrip(), SourceRef(type="task", id=task.no))
    return builder.build()


def split_corpus(corpus: BaselineCorpus, chunk_size: int, chunk_overlap: int) -> list[BaselineChunk]:
    """Split with RecursiveCharacterTextSplitter (Chinese-aware separators) and map chunks to records."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=SEPARATORS,
        keep_separator="end",
        add_start_index=True,
    )
    chunks = []
    for document in splitter.create_documents([corpus.text]):
        start = int(document.metadata.get("start_index", -1))
        sources = corpus.sources_between(start, start + len(document.page_content)) if start >= 0 else []
        chunks.append(BaselineChunk(text=document.page_content, start=start, sources=sources))
    return chunks


class BaselineRAG:
    """The baseline retriever over an embedded Chroma collection in a temp dir; use as a context manager."""

    def __init__(
        self,
        document: PolicyDocument,
        embeddings: Embeddings,
        *,
        k: int = 5,
        chunk_size: int = 500,
        chunk_overlap: int = 100,
    ) -> None:
        self.document = document
        self.embeddings = embeddings
        self.k = k
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.chunks: list[BaselineChunk] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._store: Chroma | None = None

    @property
    def config(self) -> BaselineConfig:
        """The knobs that define this baseline, for the report."""
        return BaselineConfig(
            k=self.k, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap, chunks=len(self.chunks)
        )

    def __enter__(self) -> BaselineRAG:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Split the document, embed every chunk and load them into a fresh Chroma collection."""
        self.chunks = split_corpus(build_corpus(self.document), self.chunk_size, self.chunk_overlap)
        self._tmp = tempfile.TemporaryDirectory(prefix="policyqa-baseline-", ignore_cleanup_errors=True)
        self._store = Chroma(
            collection_name="baseline", embedding_function=self.embeddings, persist_directory=self._tmp.name
        )
        ids = [f"chunk-{i}" for i in range(len(self.chunks))]
        self._store.add_texts(
            [c.text for c in self.chunks], metadatas=[{"chunk": i} for i in range(len(self.chunks))], ids=ids
        )
        logger.info("baseline: %d chunks embedded into %s", len(self.chunks), self._tmp.name)

    def retrieve(self, question: str) -> BaselineRetrieval:
        """Top-k similarity search; the sources the hit chunks overlap, in rank order, are its citations."""
        if self._store is None:
            raise RuntimeError("BaselineRAG.retrieve called before start()")
        started = time.perf_counter()
        documents = self._store.similarity_search(question, k=self.k)
        latency_ms = (time.perf_counter() - started) * 1e3
        sources: list[SourceRef] = []
        texts = []
        for document in documents:
            chunk = self.chunks[int(document.metadata["chunk"])]
            texts.append(chunk.text)
            sources.extend(s for s in chunk.sources if s not in sources)
        return BaselineRetrieval(sources=sources, chunks=texts, latency_ms=latency_ms)

    def close(self) -> None:
        """Drop the collection and the temp dir."""
        if self._store is not None:
            self._store.delete_collection()
            self._store = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
