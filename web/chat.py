"""The chat tab's handlers: a streamed, cited answer; thumbs up/down with a comment; suggestions; tickets.

Every answer comes from the injected service (`ask_stream`'s typed events); answers are logged to the
store (channel "ui", no client identifier) so they can be rated, and ratings land in the same database
as the API's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from html import escape
from typing import Any

import gradio as gr
from pydantic import BaseModel, Field

from assistant.models import Answer
from assistant.service import PolicyQAService
from assistant.suggestions import MAX_SUGGESTIONS, suggest_questions
from ingest.records import PolicyDocument
from vectorstore.errors import InvalidQuestionError, PolicyQAError
from web.errors import UNAVAILABLE, public_message
from web.labels import Lang, UiLabels
from web.render import render_answer, render_plain, ticket_text
from web.sessions import StoreHolder, log_answer

logger = logging.getLogger(__name__)

ServiceGetter = Callable[[], PolicyQAService]
MAX_UI_TURNS = 10
# The grounded answer is composed at once, so its lines arrive together and a browser would paint them
# as one frame; a short pause between lines lets each one appear (the answer-first line comes first).
STREAM_LINE_PAUSE_SECONDS = 0.04
Messages = list[dict[str, str]]


class ChatTurn(BaseModel):
    """What the chat keeps between events: service history, shown messages, answer ids by message index."""

    history: Messages = Field(default_factory=list)
    display: Messages = Field(default_factory=list)
    answer_ids: dict[int, str] = Field(default_factory=dict)


class ChatHandlers:
    """Event handlers of the chat tab."""

    def __init__(
        self, get_service: ServiceGetter, labels: UiLabels, max_question_chars: int, store: StoreHolder | None
    ) -> None:
        self.get_service = get_service
        self.labels = labels
        self.max_question_chars = max_question_chars
        self.store = store

    def t(self, lang: Lang, key: str, **fields: object) -> str:
        """A UI label in `lang`."""
        return self.labels.text(lang, key, **fields)

    # --- answering --------------------------------------------------------------------------------------
    def respond(
        self, question: str, state: ChatTurn | dict[str, Any] | None, lang: Lang
    ) -> Iterator[tuple[Any, ...]]:
        """Stream the answer: the chatbot grows line by line; cards, chips and copy texts come at the end.

        Yields (chatbot messages, chat state, plain copy text, ticket text, cleared question box, *chips).
        """
        turn = ChatTurn.model_validate(state or {})
        question = (question or "").strip()
        if not question:
            yield self._frame(turn, "", "", [], keep_question=True)
            return
        display = [*turn.display, {"role": "user", "content": escape(question)}]
        if len(question) > self.max_question_chars:
            message = self.t(lang, "invalid", message=f"{len(question)} > {self.max_question_chars}")
            turn.display = [*display, {"role": "assistant", "content": escape(message)}]
            yield self._frame(turn, "", "", [])
            return
        # the first frame shows the question and empties the box; later frames leave the box alone,
        # so whatever the user types while the answer streams is kept
        yield self._frame(
            ChatTurn(history=turn.history, display=display, answer_ids=turn.answer_ids), "", "", []
        )
        partial = ""
        answer: Answer | None = None
        try:
            for event in self.get_service().ask_stream(question, turn.history or None):
                if event.type == "delta":
                    if partial:
                        time.sleep(STREAM_LINE_PAUSE_SECONDS)
                    partial += event.text
                    shown = ChatTurn(history=turn.history, display=display, answer_ids=turn.answer_ids)
                    shown.display = [*display, {"role": "assistant", "content": escape(partial)}]
                    yield self._frame(shown, "", "", [], keep_question=True)
                elif event.type == "done":
                    answer = event.answer
        except (InvalidQuestionError, *UNAVAILABLE, PolicyQAError) as exc:
            turn.display = [*display, {"role": "assistant", "content": escape(self._error(exc, lang))}]
            yield self._frame(turn, "", "", [], keep_question=True)
            return
        if answer is None:
            return
        if partial:
            time.sleep(STREAM_LINE_PAUSE_SECONDS)  # the last line is painted before the cards arrive
        yield self._finish(turn, display, question, answer, lang)

    def _error(self, exc: Exception, lang: Lang) -> str:
        if isinstance(exc, InvalidQuestionError):
            return self.t(lang, "invalid", message=str(exc))
        if isinstance(exc, UNAVAILABLE):
            return self.t(lang, "unavailable", message=public_message(exc))
        logger.error("UI answer failed", exc_info=exc)
        return self.t(lang, "failed")

    def _document(self) -> PolicyDocument | None:
        try:
            return self.get_service().document
        except PolicyQAError:
            return None

    def _finish(
        self, turn: ChatTurn, display: Messages, question: str, answer: Answer, lang: Lang
    ) -> tuple[Any, ...]:
        """The final frame: the answer with its cards, the logged answer id, suggestions and copy texts."""
        document = self._document()
        answer_id = None
        if self.store is not None:
            answer_id = log_answer(self.store, question, turn.history, answer, "ui", None)
        turn.display = [
            *display,
            {"role": "assistant", "content": render_answer(answer, self.labels, lang, document)},
        ]
        if answer_id:
            turn.answer_ids[len(turn.display) - 1] = answer_id
        turn.history = (
            turn.history
            + [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
        )[-2 * MAX_UI_TURNS :]
        first = next((c for c in answer.citations if c.type == "task"), None)
        task = document.task(first.id) if (document and first) else None
        ticket = ticket_text(task, self.labels, lang, answer, first.quote if first else "")
        chips = suggest_questions(answer, document, question) if document else []
        return self._frame(turn, render_plain(answer, self.labels, lang), ticket, chips, keep_question=True)

    def _frame(
        self, turn: ChatTurn, plain: str, ticket: str, chips: list[str], *, keep_question: bool = False
    ) -> tuple[Any, ...]:
        buttons = [
            gr.Button(value=chips[i], visible=True) if i < len(chips) else gr.Button(visible=False)
            for i in range(MAX_SUGGESTIONS)
        ]
        question = gr.Textbox() if keep_question else ""
        return (turn.display, turn.model_dump(), plain, ticket, question, *buttons)

    # --- feedback ---------------------------------------------------------------------------------------
    def rate(
        self, state: ChatTurn | dict[str, Any] | None, lang: Lang, data: gr.LikeData
    ) -> tuple[str | None, Any, str]:
        """Store a thumbs up / down on the rated answer; open the comment box. Returns (feedback id, row, status)."""
        turn = ChatTurn.model_validate(state or {})
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer_id = turn.answer_ids.get(index)
        if self.store is None or answer_id is None or data.liked not in (True, False):
            return None, gr.Row(visible=False), ""
        try:
            record = self.store.get().add_feedback(answer_id, "up" if data.liked else "down")
        except PolicyQAError as exc:
            return (
                None,
                gr.Row(visible=False),
                self.t(lang, "database_unavailable", message=public_message(exc)),
            )
        return record.id, gr.Row(visible=True), self.t(lang, "feedback_thanks")

    def comment(self, feedback_id: str | None, text: str, lang: Lang) -> tuple[str, str]:
        """Attach the comment to the last rating. Returns (cleared comment box, status)."""
        if not feedback_id or self.store is None:
            return text, self.t(lang, "feedback_first")
        try:
            self.store.get().set_feedback_comment(feedback_id, (text or "").strip())
        except PolicyQAError as exc:
            return text, self.t(lang, "database_unavailable", message=public_message(exc))
        return "", self.t(lang, "feedback_comment_saved")

    def notify(self, text: str, lang: Lang, key: str) -> None:
        """Confirm a copy with a toast."""
        if text:
            gr.Info(self.t(lang, key))
