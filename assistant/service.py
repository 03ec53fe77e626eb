"""The one in-process service the CLI, the API, the UI and the eval all call.

service = build_service(settings)
service.ask(question, history) -> Answer      # raises InvalidQuestionError / IndexNotFoundError /
                                              # IndexCorruptError / StoreUnavailableError only
service.ask_stream(question, history) -> Iterator[AnswerEvent]
service.document, get_task, list_tasks, get_item, list_units, check_ready, index_version

Answering is a visible pipeline: analyse -> pick a handler from HANDLERS -> (the handler gathers evidence,
checks answerability, composes). Follow-ups are resolved against the previous turn before a handler is picked.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from assistant.analysis import Analysis, analyse, row_mentions_topic
from assistant.catalog import DocumentCatalog, UnitSummary
from assistant.compose import item_citation, task_citation
from assistant.config import Settings
from assistant.handlers.base import Context, Handler, refusal
from assistant.handlers.lookup import LookupHandler
from assistant.handlers.numbered import NumberedHandler
from assistant.handlers.structure import StructureHandler
from assistant.handlers.units import UnitListHandler
from assistant.lexicon import DocumentLexicon, build_lexicon, is_noun_word
from assistant.llm import generate_answer, make_chat_model, sources_for_prompt
from assistant.loader import IndexHolder, LoadedIndex, return_freed_memory
from assistant.models import Answer, Citation
from assistant.question_text import validate_question
from assistant.vocabulary import LEVEL_CONTRAST, LEVEL_WORD, LIST_CUE
from ingest.records import NoticeItem, PolicyDocument, Task
from ingest.sentences import Sentence, record_sentences, record_text
from ingest.units import UnitDirectory, load_unit_directory
from vectorstore.embeddings import load_embeddings
from vectorstore.errors import LLMError

logger = logging.getLogger(__name__)

__all__ = ["AnswerEvent", "PolicyQAService", "UnitSummary", "build_service"]

#: The handler table, most specific first; the lookup handler takes everything else.
HANDLERS: list[Handler] = [NumberedHandler(), UnitListHandler(), StructureHandler(), LookupHandler()]


class AnswerEvent(BaseModel):
    """A typed streaming event: answer text deltas, then the citations, then done."""

    type: Literal["delta", "citations", "done"]
    text: str = ""
    citations: list[Citation] = []
    answer: Answer | None = None


@dataclass
class _DocumentState:
    """What is derived once per index version: vocabulary and sentences."""

    version: str
    lexicon: DocumentLexicon
    sentences: dict[tuple[str, int], list[Sentence]]


@dataclass
class _Source:
    type: str
    ref: int


class PolicyQAService:
    """Answers questions about the document from the current index version."""

    def __init__(
        self,
        holder: IndexHolder,
        units: UnitDirectory,
        *,
        top_k: int = 5,
        max_question_chars: int = 2000,
        chat_model: Any = None,
    ) -> None:
        self.holder = holder
        self.units = units
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.chat_model = chat_model
        self._state: _DocumentState | None = None
        self._state_lock = threading.Lock()

    # ------------------------------------------------------------------ records
    @property
    def document(self) -> PolicyDocument:
        """The typed records of the current index version."""
        return self.holder.get().document

    @property
    def catalog(self) -> DocumentCatalog:
        """Look-ups and filters over the current version's records."""
        return DocumentCatalog(self.document, self.units)

    @property
    def index_version(self) -> str:
        """Id of the index version answers currently come from."""
        return self.holder.get().version

    def check_ready(self) -> None:
        """Raise unless the index is loaded and its store answers."""
        self.holder.get().dense.count()

    def get_task(self, no: int) -> Task | None:
        """One annex row, or None."""
        return self.catalog.get_task(no)

    def get_item(self, index: int) -> NoticeItem | None:
        """One notice item, or None."""
        return self.catalog.get_item(index)

    def list_tasks(
        self,
        lead_unit: str | None = None,
        coop_unit: str | None = None,
        section: str | None = None,
        q: str | None = None,
    ) -> list[Task]:
        """Filter the table; unit filters resolve aliases, `q` matches any column text."""
        return self.catalog.list_tasks(lead_unit, coop_unit, section, q)

    def list_units(self) -> list[UnitSummary]:
        """Every unit named in the table, with its task counts (most tasks first)."""
        return self.catalog.list_units()

    # ------------------------------------------------------------------ answering
    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Answer one question (with optional OpenAI-style history) from one index version."""
        started = time.perf_counter()
        text = validate_question(question, self.max_question_chars)
        index = self.holder.get()
        ctx = self._context(index)
        analysis = resolve_followup(analyse(text, history, self.units, ctx.lexicon, ctx.doc), ctx)
        if analysis.foreign_anchors:  # another district or city, a year or a quoted title the document lacks
            answer = refusal(analysis, "refused")
            handler_name = "scope"
        else:
            handler = next(h for h in HANDLERS if h.matches(analysis))
            answer = handler.answer(analysis, ctx)
            handler_name = handler.name
        if self.chat_model is not None and not answer.refused and handler_name == "lookup":
            answer = self._generate(ctx.doc, analysis, answer, history or [])
        answer.index_version = index.version
        answer.timings["total"] = (time.perf_counter() - started) * 1e3
        return answer

    def ask_stream(self, question: str, history: list[dict[str, str]] | None = None) -> Iterator[AnswerEvent]:
        """Stream an answer as typed events (text deltas by line, citations, done)."""
        answer = self.ask(question, history)
        for line in answer.answer.splitlines(keepends=True):
            yield AnswerEvent(type="delta", text=line)
        yield AnswerEvent(type="citations", citations=answer.citations)
        yield AnswerEvent(type="done", answer=answer)

    def _context(self, index: LoadedIndex) -> Context:
        state = self._state
        if state is None or state.version != index.version:
            with self._state_lock:
                state = self._state
                if state is None or state.version != index.version:
                    state = _DocumentState(
                        version=index.version,
                        lexicon=build_lexicon(index.document, self.units.all_names(cjk_only=True)),
                        sentences=record_sentences(index.document),
                    )
                    self._state = state
                    return_freed_memory()  # the superseded version's lexicon and sentences
        return Context(
            doc=index.document,
            units=self.units,
            lexicon=state.lexicon,
            sentences=state.sentences,
            retriever=index.retriever,
            top_k=self.top_k,
        )

    def _generate(
        self, doc: PolicyDocument, analysis: Analysis, grounded: Answer, history: list[dict[str, str]]
    ) -> Answer:
        """Optional LLM mode over the grounded answer's records; falls back to it on any LLM failure."""
        records = [_Source(c.type, c.id) for c in grounded.citations]
        sources = sources_for_prompt(doc, records, analysis.language)
        try:
            generated = generate_answer(
                analysis.question, history, sources, analysis.language, self.chat_model
            )
        except LLMError as exc:
            logger.warning("LLM answer unusable, using the grounded answer: %s", exc)
            return grounded
        cites = _citations_for(doc, generated.cited, grounded)
        return Answer(
            answer=generated.text,
            citations=cites,
            language=analysis.language,
            intent=grounded.intent,
            timings=grounded.timings,
        )


# An English word this rare names a thing of its own (Chinese words are told apart by their part of speech).
NEW_MATTER_IDF = 3.0


def resolve_followup(analysis: Analysis, ctx: Context) -> Analysis:
    """Resolve a follow-up against the previous turn: its rows (navigation, a detail of the last row) or its
    ask (the same question about a new topic)."""
    previous = analysis.previous
    if previous is None:
        return analysis
    if analysis.units and not analysis.kinds and LIST_CUE.search(previous.question):
        analysis.listing = True
        return analysis
    tasks = [r.id for r in previous.refs if r.type == "task"]
    items = [r.id for r in previous.refs if r.type == "item"]
    if (
        analysis.structure
        and not analysis.about_document
        and (tasks or items)
        and not any(t.in_document for t in analysis.own_topic)
    ):
        # 要达到什么效果？ right after a row asks what that row aims at, not the notice's 工作目标.
        analysis.structure = []
        return _on_last_row(analysis, tasks, items)
    if (
        (tasks or items)
        and analysis.units
        and "yesno" in analysis.kinds
        and {"lead", "coop"} & set(analysis.kinds)
        and not any(t.in_document for t in analysis.own_topic)
    ):
        # 配合单位里有没有工商联？ right after a row asks whether that unit is among the row's units
        analysis.listing = False
        return _on_last_row(analysis, tasks, items)
    if tasks and LEVEL_CONTRAST.search(analysis.question) and not _names_new_matter(analysis, ctx, tasks[0]):
        # 区里是自己做，还是配合市里做？ right after a row asks how its district measure stands to the city task
        analysis.kinds = ["content"]
        return _on_last_row(analysis, tasks, items)
    if not analysis.followup:
        return analysis
    if analysis.navigate and (tasks or items):
        if tasks:
            analysis.task_numbers = [tasks[0] + analysis.navigate]
        else:
            analysis.item_numbers = [items[0] + analysis.navigate]
        return analysis
    if not analysis.own_topic and (tasks or items):
        analysis.kinds = analysis.kinds or previous.kinds
        return _on_last_row(analysis, tasks, items)
    last = ("task", tasks[0]) if tasks else ("item", items[0]) if items else None
    if last and row_mentions_topic(analysis, record_text(ctx.doc, *last)):
        # A detail of the last row (能网上办吗？, DN40以下的呢？): every word of it is in that row; the ask
        # carries over when the follow-up has none of its own.
        analysis.kinds = analysis.kinds or list(previous.kinds)
        return _on_last_row(analysis, tasks, items)
    if not analysis.kinds:
        analysis.kinds = list(previous.kinds)
    if analysis.own_topic:
        # The same ask about a new topic (那不动产登记那边呢？, 中小企业呢？): the new words lead, the previous
        # question's topic stays in at half weight, as a refinement would need it.
        earlier = analyse(previous.question, None, ctx.units, ctx.lexicon, ctx.doc)
        new = {t.text for t in analysis.topic}
        kept = [t for t in earlier.topic if t.text not in new and t.in_document]
        if len(kept) >= 2:  # the new words replace the previous subject (its rarest word): gas -> water
            kept.remove(max(kept, key=lambda t: t.idf))
        analysis.topic += [replace(t, idf=t.idf / 2) for t in kept]
        analysis.focus_text = f"{analysis.focus_text} {earlier.focus_text}"
        return analysis
    if not analysis.own_topic:
        # No valid rows to fall back on (forged or marker-less history): ask about the previous question's topic.
        merged = analyse(f"{previous.question} {analysis.question}", None, ctx.units, ctx.lexicon, ctx.doc)
        merged.kinds = analysis.kinds or merged.kinds
        merged.language = analysis.language
        return merged
    return analysis


def _names_new_matter(analysis: Analysis, ctx: Context, task: int) -> bool:
    """Does the question name a thing of its own that the last row does not (不动产 after a row on gas)? A
    general verb (落实, 开发) or a word of the levels themselves (city-level) names none."""
    text = record_text(ctx.doc, "task", task).lower()
    return any(
        not LEVEL_WORD.match(t.text)
        and (is_noun_word(t.text) if analysis.language == "zh" else t.idf >= NEW_MATTER_IDF)
        and not any(form in text for form in t.doc_forms)
        for t in analysis.own_topic
    )


def _on_last_row(analysis: Analysis, tasks: list[int], items: list[int]) -> Analysis:
    """Answer about the previous turn's first row (its first task, else its first item)."""
    analysis.task_numbers, analysis.item_numbers = tasks[:1], ([] if tasks else items[:1])
    return analysis


def _citations_for(doc: PolicyDocument, cited: list[Any], grounded: Answer) -> list[Citation]:
    """Citation cards for the (already validated) sources an LLM answer cites."""
    cards = []
    for ref in cited:
        if ref.type == "task" and (task := doc.task(ref.id)):
            cards.append(task_citation(task, task.city_task))
        elif ref.type == "item" and (item := doc.item(ref.id)):
            cards.append(item_citation(item, item.title))
    return cards or grounded.citations


def build_service(settings: Settings, embeddings: Embeddings | None = None) -> PolicyQAService:
    """Wire the service from settings: embedder, index holder, unit directory, optional LLM."""
    emb = embeddings or load_embeddings(settings.embedding_model, settings.cache_dir)
    holder = IndexHolder(settings.index_dir, emb, settings.chroma_url)
    chat_model = None
    if settings.llm_base_url and settings.llm_model:
        chat_model = make_chat_model(
            settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout
        )
    return PolicyQAService(
        holder,
        load_unit_directory(),
        top_k=settings.top_k,
        max_question_chars=settings.max_question_chars,
        chat_model=chat_model,
    )
