"""Optional generative answers through any OpenAI-compatible endpoint, allowed to cite only retrieved sources.

The caller (assistant.service) retrieves first, then hands the sources here; any citation marker the model
writes that is not one of those sources is removed. An endpoint failure, a timeout, or an answer left with
no valid citation raises LLMError so the caller can fall back to the grounded (template) answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field, SecretStr

import prompts
from assistant.models import SourceType
from assistant.question_text import SourceRef, chat_turns, find_markers, format_marker
from ingest.chunks import meta_texts
from ingest.records import PolicyDocument
from vectorstore.errors import LLMError

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

logger = logging.getLogger(__name__)

HISTORY_MESSAGES = 6
# Anything shaped like a marker (〔任务…〕, 〔通知…〕, [Task …], [Notice …]); exact valid ones are kept, the rest
# dropped. Narrow on purpose: the document itself prints 渝经信发〔2019〕119号, which must survive.
_MARKER_LIKE = re.compile(
    r"〔(?:任务|通知)[^〔〕\n]{0,16}〕|\[(?:task|notice)\b[^\[\]\n]{0,24}\]", re.IGNORECASE
)


class RecordHit(Protocol):
    """A retrieved record reference (assistant.retrieval.Retrieved has this shape)."""

    type: str
    ref: int


class SourceForPrompt(BaseModel):
    """One retrieved source as shown to the model: its citation marker and text."""

    marker: str = Field(description="The marker the model must copy, e.g. 〔任务34〕 or [Task 34]")
    type: SourceType
    id: int
    text: str


class LLMResult(BaseModel):
    """A generated answer whose markers all point at retrieved sources."""

    text: str
    cited: list[SourceRef] = Field(default_factory=list, description="Cited sources, first citation first")
    dropped: list[str] = Field(
        default_factory=list, description="Markers removed because nothing retrieved matches"
    )


def make_chat_model(base_url: str, model: str, api_key: str | None, timeout: float) -> ChatOpenAI:
    """A chat-completions client for an OpenAI-compatible endpoint; no retries, so failures fall back fast."""
    from langchain_openai import ChatOpenAI  # imported on demand: ~1 s, and only generative mode needs it

    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=SecretStr(api_key or "not-needed"),
        timeout=timeout,
        max_retries=0,
        temperature=0,
        use_responses_api=False,
    )


def build_messages(
    question: str, history: list[dict] | None, sources: list[SourceForPrompt], lang: str
) -> list[BaseMessage]:
    """System prompt, the last few user/assistant turns, then the numbered sources and the question."""
    examples = prompts.get_phrase("unit_separator", lang).join(s.marker for s in sources[:2])
    system = prompts.get_prompt("system", lang).format(
        refusal=prompts.get_phrase("refusal", lang), marker_examples=examples
    )
    lines = [
        prompts.get_prompt("source_line", lang).format(n=n, marker=s.marker, text=s.text)
        for n, s in enumerate(sources, start=1)
    ]
    user = prompts.get_prompt("user", lang).format(
        sources=prompts.get_prompt("source_separator", lang).join(lines), question=question
    )
    return [SystemMessage(system), *_history_messages(history), HumanMessage(user)]


def _history_messages(history: list[dict] | None) -> list[BaseMessage]:
    """Prior user/assistant turns only: a client-sent system message must not override ours."""
    kinds: dict[str, type[BaseMessage]] = {"user": HumanMessage, "assistant": AIMessage}
    return [kinds[role](content) for role, content in chat_turns(history)[-HISTORY_MESSAGES:]]


def _key(source_type: str, source_id: int) -> tuple[str, int]:
    # the notice marker (〔通知正文〕 / [Notice]) names no fact id: it stands for any retrieved notice fact
    return (source_type, 0 if source_type == "meta" else source_id)


def filter_citations(text: str, sources: list[SourceForPrompt]) -> LLMResult:
    """Keep markers of retrieved sources (rewritten to their given form), drop every other marker."""
    allowed: dict[tuple[str, int], SourceForPrompt] = {}
    for source in sources:
        allowed.setdefault(_key(source.type, source.id), source)
    cited: list[SourceRef] = []
    dropped: list[str] = []

    def replace(match: re.Match[str]) -> str:
        exact = [ref for m, ref in find_markers(match.group(0)) if m.group(0) == match.group(0)]
        source = allowed.get(_key(exact[0].type, exact[0].id)) if exact else None
        if source is None:
            dropped.append(match.group(0))
            return ""
        cited.append(SourceRef(type=source.type, id=source.id))
        return source.marker

    cleaned = _MARKER_LIKE.sub(replace, text)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    return LLMResult(text=cleaned, cited=list(dict.fromkeys(cited)), dropped=dropped)


def sources_for_prompt(
    document: PolicyDocument, hits: Iterable[RecordHit], lang: str
) -> list[SourceForPrompt]:
    """Retrieved records (anything with .type and .ref) as prompt sources with their markers and full text."""
    sources = []
    for hit in hits:
        text = _record_text(document, hit.type, hit.ref, lang)
        if text is not None:
            ref = SourceRef(type=hit.type, id=hit.ref)  # type: ignore[arg-type]
            sources.append(
                SourceForPrompt(marker=format_marker(ref, lang), type=ref.type, id=ref.id, text=text)
            )
    return sources


def _record_text(document: PolicyDocument, source_type: str, ref: int, lang: str) -> str | None:
    """The full text of one record, labelled by the llm.toml source templates; None when it does not exist."""
    separator = prompts.get_phrase("unit_separator", lang)
    if source_type == "task" and (task := document.task(ref)):
        return prompts.get_prompt("task_source", lang).format(
            no=task.no,
            section=task.section,
            city_task=task.city_task,
            district_measure=task.district_measure,
            lead_units=separator.join(task.lead_units) or prompts.get_phrase("none_value", lang),
            coop_units=separator.join(task.coop_units) or prompts.get_phrase("none_value", lang),
        )
    if source_type == "item" and (item := document.item(ref)):
        units = separator.join(item.responsible_units) or prompts.get_phrase("none_value", lang)
        return prompts.get_prompt("item_source", lang).format(part=item.part, text=item.text, units=units)
    facts = meta_texts(document)
    if source_type == "meta" and 1 <= ref <= len(facts):
        return prompts.get_prompt("meta_source", lang).format(title=facts[ref - 1][0], text=facts[ref - 1][1])
    return None


def generate_answer(
    question: str,
    history: list[dict] | None,
    sources: list[SourceForPrompt],
    lang: str,
    chat_model: BaseChatModel,
) -> LLMResult:
    """Ask the model to answer from the sources; raise LLMError on failure or when no valid citation remains."""
    if not sources:
        raise LLMError("no retrieved sources to ground a generated answer")
    messages = build_messages(question, history, sources, lang)
    try:
        reply = chat_model.invoke(messages)
    except Exception as exc:  # any endpoint failure (HTTP status, timeout, refused connection, bad JSON)
        raise LLMError(f"LLM endpoint failed: {type(exc).__name__}: {exc}") from exc
    result = filter_citations(reply.text, sources)
    if result.dropped:
        logger.warning(
            "dropped %d citation(s) to unretrieved sources: %s", len(result.dropped), result.dropped
        )
    if not result.cited:
        raise LLMError("LLM answer cites none of the retrieved sources")
    return result
