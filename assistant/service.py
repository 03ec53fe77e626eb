"""The one in-process service the CLI, the API, the UI and the eval all call.

service = build_service(settings)
service.ask(question, history) -> Answer      # raises InvalidQuestionError / IndexNotFoundError /
                                              # IndexCorruptError / StoreUnavailableError only
service.ask_stream(question, history) -> Iterator[AnswerEvent]
service.document, get_task, list_tasks, get_item, list_units, check_ready, index_version
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any, Literal

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from assistant import router
from assistant.compose import item_citation, task_citation
from assistant.config import Settings
from assistant.expand import expand_query, expansions
from assistant.intent import (
    QuestionAnalysis,
    SourceRef,
    analyze_question,
    extract_references,
    resolve_followup,
    validate_question,
)
from assistant.llm import generate_answer, make_chat_model, sources_for_prompt
from assistant.loader import IndexHolder, LoadedIndex
from assistant.models import Answer, Citation
from assistant.scope import content_bigrams, coverage
from ingest.records import NoticeItem, PolicyDocument, Task
from ingest.units import UnitDirectory, load_unit_directory
from prompts import format_phrase
from vectorstore.embeddings import load_embeddings
from vectorstore.errors import LLMError

logger = logging.getLogger(__name__)


class UnitSummary(BaseModel):
    """A unit with how many tasks it leads and cooperates on."""

    name: str
    english: str
    lead_count: int
    coop_count: int


class AnswerEvent(BaseModel):
    """A typed streaming event: answer text deltas, then the citations, then done."""

    type: Literal["delta", "citations", "done"]
    text: str = ""
    citations: list[Citation] = []
    answer: Answer | None = None


class PolicyQAService:
    """Answers questions about the document from the current index version."""

    def __init__(
        self,
        holder: IndexHolder,
        units: UnitDirectory,
        *,
        top_k: int = 5,
        max_question_chars: int = 2000,
        policy: router.RefusalPolicy | None = None,
        chat_model: Any = None,
    ) -> None:
        self.holder = holder
        self.units = units
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.policy = policy or router.RefusalPolicy()
        self.chat_model = chat_model

    # ------------------------------------------------------------------ records
    @property
    def document(self) -> PolicyDocument:
        """The typed records of the current index version."""
        return self.holder.get().document

    @property
    def index_version(self) -> str:
        """Id of the index version answers currently come from."""
        return self.holder.get().version

    def check_ready(self) -> None:
        """Raise unless the index is loaded and its store answers."""
        self.holder.get().dense.count()

    def get_task(self, no: int) -> Task | None:
        """One annex row, or None."""
        return self.document.task(no)

    def get_item(self, index: int) -> NoticeItem | None:
        """One notice item, or None."""
        return self.document.item(index)

    def list_tasks(
        self,
        lead_unit: str | None = None,
        coop_unit: str | None = None,
        section: str | None = None,
        q: str | None = None,
    ) -> list[Task]:
        """Filter the table; unit filters resolve aliases, `q` matches any column text."""
        doc = self.document
        tasks = list(doc.tasks)
        for unit, role in ((lead_unit, "lead"), (coop_unit, "coop")):
            if unit:
                name = self.units.canonical(unit) or unit
                keep = {t.no for t in router.tasks_for_unit(doc, self.units, name, role)}
                tasks = [t for t in tasks if t.no in keep]
        if section:
            tasks = [t for t in tasks if section in t.section]
        if q:
            tasks = [t for t in tasks if q in _row_text(t)]
        return tasks

    def list_units(self) -> list[UnitSummary]:
        """Every unit named in the table, with its task counts (most tasks first)."""
        doc = self.document
        counts: dict[str, list[int]] = {}
        for task in doc.tasks:
            for role, entries in ((0, task.lead_units), (1, task.coop_units)):
                for name in {u for e in entries for u in self.units.units_in_cell_entry(e)}:
                    counts.setdefault(name, [0, 0])[role] += 1
        summaries = [
            UnitSummary(name=n, english=self.units.english(n), lead_count=c[0], coop_count=c[1])
            for n, c in counts.items()
        ]
        return sorted(summaries, key=lambda s: (-(s.lead_count + s.coop_count), s.name))

    # ------------------------------------------------------------------ answering
    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Answer one question (with optional OpenAI-style history) from one index version."""
        started = time.perf_counter()
        text = validate_question(question, self.max_question_chars)
        index = self.holder.get()
        analysis = analyze_question(text, history or [], self.units)
        answer = self._route(index, analysis, history or [])
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

    def _route(self, index: LoadedIndex, analysis: QuestionAnalysis, history: list[dict[str, str]]) -> Answer:
        doc, query = index.document, analysis.question
        if router.OTHER_PLACES.search(analysis.question):
            return router.refuse(analysis.language, analysis.intent)
        own_topic = bool(
            content_bigrams(analysis.question)
            or expansions(analysis.question)
            or analysis.units
            or analysis.task_numbers
        )
        # With history, a question without a topic of its own ("配合单位有哪些？") can only be about the last turn.
        if history and (analysis.is_followup or not own_topic):
            followup = resolve_followup(analysis, history, self.units)
            if followup is not None:
                focus = _focus_refs(followup.previous_refs, followup.previous_answer)
                analysis = followup.resolved
                if focus and (not own_topic or self._topic_in(doc, focus[0], analysis.question)):
                    return self._answer_on_focus(index, analysis, focus[:1])
                query = followup.query or analysis.question
        lang = analysis.language
        if analysis.task_numbers:
            return router.answer_task_numbers(doc, analysis.task_numbers, lang, self.units)
        if analysis.item_numbers:
            return router.answer_item_numbers(doc, analysis.item_numbers, analysis.question, lang, self.units)
        intent = router.list_intent(analysis.question, analysis.intent, bool(analysis.units))
        if intent in ("list_lead", "list_coop"):
            role = "lead" if intent == "list_lead" else "coop"
            if analysis.units:
                return router.answer_unit_list(doc, self.units, analysis.units[0], role, lang)
            unknown = router.unknown_unit_name(analysis.question, self.units)
            if unknown:
                return router.answer_unknown_unit(unknown, lang, analysis.intent)
        part = router.answer_part(doc, analysis.question, lang)
        if part is not None:
            return part
        item = router.item_by_title(doc, analysis.question)
        if item is not None:
            hits = [router.Retrieved(type="item", ref=item.index, score=1.0)]
            return self._compose(index, analysis, hits)
        if analysis.intent == "meta" or router.mentions_document(analysis.question):
            meta = router.answer_meta(doc, analysis.question, lang)
            if meta is not None:
                return meta
        return self._answer_by_retrieval(index, analysis, query, history)

    def _compose(
        self, index: LoadedIndex, analysis: QuestionAnalysis, hits: list[router.Retrieved]
    ) -> Answer:
        """A grounded answer from given records."""
        text, cites = router.compose_from_hits(
            index.document,
            hits,
            analysis.question,
            analysis.intent,
            analysis.language,
            self.units,
            analysis.wants_coop,
        )
        return Answer(answer=text, citations=cites, language=analysis.language, intent=analysis.intent)

    def _topic_in(self, doc: PolicyDocument, ref: Any, question: str) -> bool:
        """Does a follow-up's own topic lie inside the focused record (a refinement, not a new topic)?"""
        text = router.record_text(doc, router.Retrieved(type=ref.type, ref=ref.id, score=1.0))
        return coverage(question, [text], expansions(question)) >= 0.5

    def _answer_on_focus(self, index: LoadedIndex, analysis: QuestionAnalysis, focus: list[Any]) -> Answer:
        """A follow-up without a topic of its own ("那配合单位呢？"): answer on the previous turn's record."""
        return self._compose(
            index, analysis, [router.Retrieved(type=r.type, ref=r.id, score=1.0) for r in focus]
        )

    def _answer_by_retrieval(
        self, index: LoadedIndex, analysis: QuestionAnalysis, query: str, history: list[dict[str, str]]
    ) -> Answer:
        result = index.retriever.retrieve(expand_query(query), max(self.top_k, 10))
        lang, intent = analysis.language, analysis.intent
        texts = [router.record_text(index.document, h) for h in result.hits[:3]]
        if router.is_out_of_scope(analysis.question, lang, result, texts, self.policy):
            answer = router.refuse(lang, intent)
            answer.timings.update(result.timings)
            return answer
        if intent == "numeric":
            result.hits = router.prefer_time_numbers(index.document, query, result.hits)
        hits = router.pick_records(result, self.policy)
        answer = self._compose(index, analysis, hits)
        if intent == "numeric" and router.asks_time_but_none_stated(index.document, analysis.question, hits):
            answer.answer = f"{format_phrase('no_time_stated', lang)}\n{answer.answer}"
        answer.timings = dict(result.timings)
        if self.chat_model is not None:
            answer = self._generate(index, analysis, result, answer, history)
        return answer

    def _generate(
        self,
        index: LoadedIndex,
        analysis: QuestionAnalysis,
        result: router.RetrievalResult,
        grounded: Answer,
        history: list[dict[str, str]],
    ) -> Answer:
        """Optional LLM mode; falls back to the grounded answer on any LLM failure."""
        sources = sources_for_prompt(index.document, result.hits[: self.top_k], analysis.language)
        try:
            generated = generate_answer(
                analysis.question, history, sources, analysis.language, self.chat_model
            )
        except LLMError as exc:
            logger.warning("LLM answer unusable, using the grounded answer: %s", exc)
            return grounded
        cites = _citations_for(index.document, generated.cited, grounded)
        return Answer(
            answer=generated.text,
            citations=cites,
            language=analysis.language,
            intent=analysis.intent,
            timings=grounded.timings,
        )


def _focus_refs(refs: list[Any], previous_answer: str) -> list[Any]:
    """The previous turn's task/item references: its markers, else plain references like 第34项."""
    focus = [r for r in refs if r.type in ("task", "item")]
    if focus:
        return focus
    tasks, items = extract_references(previous_answer)
    return [SourceRef(type="task", id=n) for n in tasks] + [SourceRef(type="item", id=n) for n in items]


def _row_text(task: Task) -> str:
    return "".join(
        [
            str(task.no),
            task.section,
            task.city_task,
            task.district_measure,
            *task.lead_units,
            *task.coop_units,
        ]
    )


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
    policy = router.RefusalPolicy()
    if settings.refusal_threshold is not None:
        policy.min_dense = settings.refusal_threshold
    return PolicyQAService(
        holder,
        load_unit_directory(),
        top_k=settings.top_k,
        max_question_chars=settings.max_question_chars,
        policy=policy,
        chat_model=chat_model,
    )
