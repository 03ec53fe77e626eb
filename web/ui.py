"""The Gradio UI: a cited policy chat and a hotline lookup over the 176 tasks. It is handed the service."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from typing import Any

import gradio as gr
from pydantic import BaseModel

from assistant.service import PolicyQAService
from ingest.records import Task
from vectorstore.errors import InvalidQuestionError, PolicyQAError
from web.errors import UNAVAILABLE
from web.labels import Lang, UiLabels, load_labels
from web.render import render_answer, render_plain, render_task, task_rows

logger = logging.getLogger(__name__)

ServiceGetter = Callable[[], PolicyQAService]
MAX_UI_TURNS = 10
LANG_CHOICES = [("中文", "zh"), ("English", "en")]
# UI events are not a public API: programs use /v1/* (API key, rate limit, documented schemas)
PRIVATE: dict[str, Any] = {"api_visibility": "private"}

CSS = """
.pq-citations { margin-top: .5em; font-size: .92em; }
.pq-sources { font-weight: 600; margin-bottom: .25em; }
.pq-cite { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .3em .6em; margin: .3em 0; }
.pq-cite summary { cursor: pointer; font-weight: 600; }
.pq-cite blockquote { margin: .4em 0; padding-left: .6em; border-left: 3px solid var(--color-accent); }
.pq-task dt { font-weight: 600; margin-top: .5em; }
"""

COPY_JS = """
(text, lang) => {
  if (text) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text);
    } else {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
  }
  return [text, lang];
}
"""


class ChatReply(BaseModel):
    """One assistant turn: the chat message (HTML-safe), its plain-text copy, the answer for the history."""

    message: str
    plain: str = ""
    answer: str | None = None


class PolicyUI:
    """Builds the Blocks and holds the event handlers; every answer comes from the injected service."""

    def __init__(
        self, get_service: ServiceGetter, max_question_chars: int, labels: UiLabels | None = None
    ) -> None:
        self.get_service = get_service
        self.max_question_chars = max_question_chars
        self.labels = labels or load_labels()

    def t(self, lang: Lang, key: str, **fields: object) -> str:
        """A UI label in `lang`."""
        return self.labels.text(lang, key, **fields)

    # --- chat -----------------------------------------------------------------------------------------
    def respond(
        self, question: str, history: list[dict[str, str]], display: list[dict[str, str]], lang: Lang
    ) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]], str, str]:
        """Answer `question`; return the chatbot messages, the new history and display state, copy text, ''."""
        question = (question or "").strip()
        if not question:
            return display, history, display, "", ""
        reply = self._answer(question, history, lang)
        if reply.answer is not None:
            turn = [{"role": "user", "content": question}, {"role": "assistant", "content": reply.answer}]
            history = (history + turn)[-2 * MAX_UI_TURNS :]
        display = display + [
            {"role": "user", "content": escape(question)},
            {"role": "assistant", "content": reply.message},
        ]
        return display, history, display, reply.plain, ""

    def _answer(self, question: str, history: list[dict[str, str]], lang: Lang) -> ChatReply:
        """Ask the service; its errors become chat messages instead of failures."""
        if len(question) > self.max_question_chars:
            message = f"{len(question)} > {self.max_question_chars}"
            return ChatReply(message=escape(self.t(lang, "invalid", message=message)))
        try:
            answer = self.get_service().ask(question, history or None)
        except InvalidQuestionError as exc:
            return ChatReply(message=escape(self.t(lang, "invalid", message=str(exc))))
        except UNAVAILABLE as exc:
            return ChatReply(message=escape(self.t(lang, "unavailable", message=str(exc))))
        except PolicyQAError as exc:
            logger.error("UI answer failed", exc_info=exc)
            return ChatReply(message=escape(self.t(lang, "failed")))
        return ChatReply(
            message=render_answer(answer, self.labels, lang),
            plain=render_plain(answer, self.labels, lang),
            answer=answer.answer,
        )

    def notify_copied(self, text: str, lang: Lang) -> None:
        """Confirm the copy with a toast."""
        if text:
            gr.Info(self.t(lang, "copy_done"))

    # --- hotline --------------------------------------------------------------------------------------
    def select_tasks(self, query: str, unit: str) -> list[Task]:
        """Tasks matching the keywords, led or co-handled by `unit` when one is chosen."""
        service = self.get_service()
        q = (query or "").strip() or None
        if not unit:
            return service.list_tasks(q=q)
        found = {t.no: t for t in service.list_tasks(lead_unit=unit, q=q)}
        found.update({t.no: t for t in service.list_tasks(coop_unit=unit, q=q)})
        return [found[no] for no in sorted(found)]

    def unit_choices(self, lang: Lang) -> list[tuple[str, str]]:
        """Dropdown choices: all units first, then units by how many tasks they handle."""
        units = sorted(
            self.get_service().list_units(), key=lambda u: (-(u.lead_count + u.coop_count), u.name)
        )
        choices = [(self.t(lang, "all_units"), "")]
        for unit in units:
            name = unit.name if lang == "zh" or not unit.english else f"{unit.name} {unit.english}"
            label = self.t(lang, "unit_choice", name=name, lead=unit.lead_count, coop=unit.coop_count)
            choices.append((label, unit.name))
        return choices

    def table_rows(self, lang: Lang, query: str, unit: str) -> tuple[list[list[str | int]], str]:
        """Rows of the hotline table and its count line (or why the service is unavailable)."""
        try:
            tasks = self.select_tasks(query, unit)
        except PolicyQAError as exc:
            return [], self.t(lang, "unavailable", message=str(exc))
        return task_rows(tasks), self.t(lang, "task_count", count=len(tasks))

    def filter_tasks(self, lang: Lang, query: str, unit: str) -> tuple[Any, str]:
        """The hotline table and its count line for the current filters."""
        rows, count = self.table_rows(lang, query, unit)
        return gr.Dataframe(value=rows, headers=self.labels.headers(lang)), count

    def safe_unit_choices(self, lang: Lang) -> list[tuple[str, str]]:
        """Unit choices, or only 'all units' while the service is unavailable."""
        try:
            return self.unit_choices(lang)
        except PolicyQAError:
            return [(self.t(lang, "all_units"), "")]

    def load_hotline(self, lang: Lang, query: str, unit: str) -> tuple[Any, Any, str]:
        """On page load: fill the unit dropdown and the table."""
        table, count = self.filter_tasks(lang, query, unit)
        return gr.Dropdown(choices=self.safe_unit_choices(lang), value=unit or ""), table, count

    def task_html(self, lang: Lang, no: int | None) -> str:
        """The full task `no` as HTML ('' when none is selected)."""
        if no is None:
            return ""
        try:
            task = self.get_service().get_task(no)
        except PolicyQAError as exc:
            return escape(self.t(lang, "unavailable", message=str(exc)))
        return render_task(task, self.labels, lang) if task else ""

    def show_task(self, lang: Lang, evt: gr.SelectData) -> tuple[str, int | None]:
        """Open the full task of the selected table row; also return its number for re-rendering."""
        row = evt.row_value or []
        no = int(row[0]) if row and str(row[0]).isdigit() else None
        return self.task_html(lang, no), no

    # --- layout ---------------------------------------------------------------------------------------
    def header(self, lang: Lang) -> str:
        """The page title and subtitle as Markdown."""
        return f"## {self.t(lang, 'title')}\n{self.t(lang, 'subtitle')}"

    def build(self) -> gr.Blocks:
        """Lay out the Blocks and wire the events."""
        zh: Lang = "zh"
        with gr.Blocks(title=self.t(zh, "title"), analytics_enabled=False) as demo:
            with gr.Row():
                header = gr.Markdown(self.header(zh), elem_id="pq-header")
                lang = gr.Radio(
                    LANG_CHOICES, value=zh, label=self.t(zh, "language"), elem_id="pq-lang", scale=0
                )
            with gr.Tabs():
                with gr.Tab(self.t(zh, "chat_tab"), id="chat", elem_id="pq-chat-tab") as chat_tab:
                    chat = self._build_chat(lang)
                with gr.Tab(self.t(zh, "hotline_tab"), id="hotline", elem_id="pq-hotline-tab") as hotline_tab:
                    hotline = self._build_hotline(lang)
            demo.load(
                self.load_hotline,
                inputs=[lang, hotline["search"], hotline["unit"]],
                outputs=[hotline["unit"], hotline["table"], hotline["count"]],
                **PRIVATE,
            )
            selected = hotline.pop("selected")
            widgets = {"header": header, "lang": lang, "chat_tab": chat_tab, "hotline_tab": hotline_tab}
            widgets |= chat | hotline
            lang.change(
                lambda code, query, unit, no: self.relabel(widgets, code, query, unit, no),
                inputs=[lang, hotline["search"], hotline["unit"], selected],
                outputs=list(widgets.values()),
                **PRIVATE,
            )
        return demo

    def _build_chat(self, lang: gr.Radio) -> dict[str, Any]:
        """The chat tab: chatbot, question box, buttons and example questions."""
        zh: Lang = "zh"
        history = gr.State([])
        display = gr.State([])
        chatbot = gr.Chatbot(
            label=self.t(zh, "chatbot"), height=520, elem_id="pq-chatbot", buttons=["copy_all"]
        )
        question = gr.Textbox(
            label=self.t(zh, "question"),
            placeholder=self.t(zh, "question_placeholder"),
            max_length=self.max_question_chars,
            elem_id="pq-question",
        )
        with gr.Row():
            send = gr.Button(self.t(zh, "send"), variant="primary", elem_id="pq-send")
            copy = gr.Button(self.t(zh, "copy"), elem_id="pq-copy")
            clear = gr.Button(self.t(zh, "clear"), elem_id="pq-clear")
        plain = gr.Textbox(visible="hidden", elem_id="pq-plain")
        examples = gr.Examples(
            [[q] for q in self.labels.examples],
            inputs=[question],
            label=self.t(zh, "examples"),
            cache_examples=False,
            **PRIVATE,
        )
        ask_io: dict[str, Any] = {
            "fn": self.respond,
            "inputs": [question, history, display, lang],
            "outputs": [chatbot, history, display, plain, question],
            **PRIVATE,
        }
        send.click(**ask_io)
        question.submit(**ask_io)
        clear.click(lambda: ([], [], [], ""), outputs=[chatbot, history, display, plain], **PRIVATE)
        chatbot.clear(lambda: ([], [], ""), outputs=[history, display, plain], **PRIVATE)
        copy.click(self.notify_copied, inputs=[plain, lang], js=COPY_JS, **PRIVATE)
        return {
            "chatbot": chatbot,
            "question": question,
            "send": send,
            "copy": copy,
            "clear": clear,
            "examples": examples.dataset,
        }

    def _build_hotline(self, lang: gr.Radio) -> dict[str, Any]:
        """The hotline tab: keyword search, unit filter, the task table and the selected task."""
        zh: Lang = "zh"
        with gr.Row():
            search = gr.Textbox(
                label=self.t(zh, "search"), placeholder=self.t(zh, "search_placeholder"), elem_id="pq-search"
            )
            unit = gr.Dropdown(
                [(self.t(zh, "all_units"), "")], value="", label=self.t(zh, "unit"), elem_id="pq-unit"
            )
        count = gr.Markdown(elem_id="pq-count")
        table = gr.Dataframe(
            headers=self.labels.headers(zh),
            interactive=False,
            wrap=True,
            max_height=520,
            column_widths=["6%", "18%", "40%", "18%", "18%"],
            label=self.t(zh, "table"),
            elem_id="pq-tasks",
        )
        detail = gr.HTML(label=self.t(zh, "task_detail"), elem_id="pq-task-detail")
        for trigger in (search.change, unit.change):
            trigger(
                self.filter_tasks,
                inputs=[lang, search, unit],
                outputs=[table, count],
                trigger_mode="always_last",
                **PRIVATE,
            )
        selected = gr.State(None)
        table.select(self.show_task, inputs=[lang], outputs=[detail, selected], **PRIVATE)
        return {
            "search": search,
            "unit": unit,
            "count": count,
            "table": table,
            "detail": detail,
            "selected": selected,
        }

    def relabel(
        self, widgets: dict[str, Any], lang: Lang, query: str, unit: str, no: int | None
    ) -> dict[Any, Any]:
        """Switch every label to `lang` (and reload the table with translated headers)."""
        rows, count = self.table_rows(lang, query, unit)
        updates = {
            "header": gr.Markdown(self.header(lang)),
            "lang": gr.Radio(label=self.t(lang, "language")),
            "chat_tab": gr.Tab(label=self.t(lang, "chat_tab")),
            "hotline_tab": gr.Tab(label=self.t(lang, "hotline_tab")),
            "chatbot": gr.Chatbot(label=self.t(lang, "chatbot")),
            "question": gr.Textbox(
                label=self.t(lang, "question"), placeholder=self.t(lang, "question_placeholder")
            ),
            "send": gr.Button(self.t(lang, "send")),
            "copy": gr.Button(self.t(lang, "copy")),
            "clear": gr.Button(self.t(lang, "clear")),
            "examples": gr.Dataset(label=self.t(lang, "examples")),
            "search": gr.Textbox(
                label=self.t(lang, "search"), placeholder=self.t(lang, "search_placeholder")
            ),
            "unit": gr.Dropdown(choices=self.safe_unit_choices(lang), label=self.t(lang, "unit")),
            "count": count,
            "table": gr.Dataframe(value=rows, headers=self.labels.headers(lang), label=self.t(lang, "table")),
            "detail": gr.HTML(value=self.task_html(lang, no), label=self.t(lang, "task_detail")),
        }
        return {widgets[key]: update for key, update in updates.items()}


def build_ui(get_service: ServiceGetter, max_question_chars: int) -> gr.Blocks:
    """Build the Gradio Blocks over the service returned by `get_service`."""
    return PolicyUI(get_service, max_question_chars).build()
