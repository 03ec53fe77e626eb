"""The Gradio UI: a streamed, cited policy chat, a hotline lookup over the 176 tasks and the gap report.

It is handed the service (and the store); it never builds pipelines.
"""

from __future__ import annotations

import logging
import secrets
from html import escape
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.gaps import build_gap_report, gap_report_html
from assistant.suggestions import MAX_SUGGESTIONS
from ingest.records import Task
from vectorstore.embeddings import load_embeddings
from vectorstore.errors import PolicyQAError
from web.chat import ChatHandlers, ServiceGetter
from web.errors import public_message
from web.labels import Lang, UiLabels, load_labels
from web.render import render_task, task_rows, ticket_text
from web.sessions import StoreHolder

logger = logging.getLogger(__name__)

LANG_CHOICES = [("中文", "zh"), ("English", "en")]
# UI events are not a public API: programs use /v1/* (API key, rate limit, documented schemas)
PRIVATE: dict[str, Any] = {"api_visibility": "private"}

CSS = """
.pq-citations { margin-top: .5em; font-size: .92em; }
.pq-sources { font-weight: 600; margin-bottom: .25em; }
.pq-cite { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .3em .6em; margin: .3em 0; }
.pq-cite summary { cursor: pointer; font-weight: 600; }
.pq-cite blockquote { margin: .4em 0; padding-left: .6em; border-left: 3px solid var(--color-accent); }
.pq-source dt, .pq-task dt { font-weight: 600; margin-top: .5em; }
mark.pq-quote { background: #fde68a; color: inherit; padding: 0 .1em; }
.pq-chip { flex-grow: 0 !important; min-width: fit-content !important; }
.pq-gap-topic h3 { margin-bottom: .2em; }
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


class PolicyUI:
    """Builds the Blocks and holds the hotline and gap-report handlers; the chat handlers are ChatHandlers."""

    def __init__(
        self,
        get_service: ServiceGetter,
        max_question_chars: int,
        labels: UiLabels | None = None,
        *,
        store: StoreHolder | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.get_service = get_service
        self.max_question_chars = max_question_chars
        self.labels = labels or load_labels()
        self.store = store
        self.settings = settings
        self.chat = ChatHandlers(get_service, self.labels, max_question_chars, store)

    def t(self, lang: Lang, key: str, **fields: object) -> str:
        """A UI label in `lang`."""
        return self.labels.text(lang, key, **fields)

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
            return [], self.t(lang, "unavailable", message=public_message(exc))
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
        """The full task `no` as the source view ('' when none is selected)."""
        if no is None:
            return ""
        try:
            task = self.get_service().get_task(no)
        except PolicyQAError as exc:
            return escape(self.t(lang, "unavailable", message=public_message(exc)))
        return render_task(task, self.labels, lang) if task else ""

    def task_ticket(self, lang: Lang, no: int | None) -> str:
        """The ticket summary of task `no` (unit, number, commitment)."""
        try:
            task = self.get_service().get_task(no) if no is not None else None
        except PolicyQAError:
            return ""
        return ticket_text(task, self.labels, lang) if task else ""

    def show_task(self, lang: Lang, evt: gr.SelectData) -> tuple[str, int | None, str]:
        """Open the full task of the selected table row; also return its number and its ticket text."""
        row = evt.row_value or []
        no = int(row[0]) if row and str(row[0]).isdigit() else None
        return self.task_html(lang, no), no, self.task_ticket(lang, no)

    # --- gap report -----------------------------------------------------------------------------------
    def key_required(self) -> bool:
        """Whether the gap report asks for the API key (it shows users' questions)."""
        return bool(self.settings and self.settings.api_key)

    def gap_report(self, key: str, lang: Lang) -> str:
        """The gap report as HTML, for holders of the API key only (open when the server has no key)."""
        if self.key_required():
            expected = (self.settings.api_key if self.settings else "") or ""
            if not secrets.compare_digest((key or "").encode(), expected.encode()):
                return f"<p>{escape(self.t(lang, 'gaps_denied'))}</p>"
        if self.store is None:
            return ""
        try:
            candidates = self.store.get().gap_candidates()
            report = build_gap_report(candidates, self._embeddings())
        except PolicyQAError as exc:
            return f"<p>{escape(self.t(lang, 'unavailable', message=public_message(exc)))}</p>"
        return gap_report_html(report, lang)

    def _embeddings(self) -> Any:
        """The service's embedder (already loaded), else the configured one."""
        holder = getattr(self.get_service(), "holder", None)
        embeddings = getattr(holder, "embeddings", None)
        if embeddings is None and self.settings is not None:
            embeddings = load_embeddings(self.settings.embedding_model, self.settings.cache_dir)
        return embeddings

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
                with gr.Tab(self.t(zh, "gaps_tab"), id="gaps", elem_id="pq-gaps-tab") as gaps_tab:
                    gaps = self._build_gaps(lang)
            demo.load(
                self.load_hotline,
                inputs=[lang, hotline["search"], hotline["unit"]],
                outputs=[hotline["unit"], hotline["table"], hotline["count"]],
                **PRIVATE,
            )
            selected = hotline.pop("selected")
            widgets = {
                "header": header,
                "lang": lang,
                "chat_tab": chat_tab,
                "hotline_tab": hotline_tab,
                "gaps_tab": gaps_tab,
            }
            widgets |= chat | hotline | gaps
            lang.change(
                lambda code, query, unit, no: self.relabel(widgets, code, query, unit, no),
                inputs=[lang, hotline["search"], hotline["unit"], selected],
                outputs=list(widgets.values()),
                **PRIVATE,
            )
        return demo

    def _build_chat(self, lang: gr.Radio) -> dict[str, Any]:
        """The chat tab: chatbot with ratings, question box, buttons, suggestion chips and examples."""
        zh: Lang = "zh"
        state = gr.State({})
        chatbot = gr.Chatbot(
            label=self.t(zh, "chatbot"), height=520, elem_id="pq-chatbot", buttons=["copy_all"]
        )
        with gr.Row(elem_id="pq-chips"):
            chips = [
                gr.Button(visible=False, size="sm", elem_classes=["pq-chip"], elem_id=f"pq-chip-{i}")
                for i in range(MAX_SUGGESTIONS)
            ]
        question = gr.Textbox(
            label=self.t(zh, "question"),
            placeholder=self.t(zh, "question_placeholder"),
            max_length=self.max_question_chars,
            elem_id="pq-question",
        )
        with gr.Row():
            send = gr.Button(self.t(zh, "send"), variant="primary", elem_id="pq-send")
            stop = gr.Button(self.t(zh, "stop"), variant="stop", elem_id="pq-stop")
            copy = gr.Button(self.t(zh, "copy"), elem_id="pq-copy")
            ticket = gr.Button(self.t(zh, "ticket"), elem_id="pq-ticket")
            clear = gr.Button(self.t(zh, "clear"), elem_id="pq-clear")
        feedback_id = gr.State(None)
        feedback_status = gr.Markdown(elem_id="pq-feedback-status")
        with gr.Row(visible=False, elem_id="pq-feedback") as feedback_row:
            comment = gr.Textbox(
                label=self.t(zh, "feedback_comment"), elem_id="pq-feedback-comment", scale=4, max_length=2000
            )
            comment_send = gr.Button(self.t(zh, "feedback_send"), elem_id="pq-feedback-send", scale=1)
        plain = gr.Textbox(visible="hidden", elem_id="pq-plain")
        ticket_box = gr.Textbox(visible="hidden", elem_id="pq-ticket-text")
        examples = gr.Examples(
            [[q] for q in self.labels.examples],
            inputs=[question],
            label=self.t(zh, "examples"),
            cache_examples=False,
            **PRIVATE,
        )
        outputs = [chatbot, state, plain, ticket_box, question, *chips]
        asks: list[Any] = [
            send.click(self.chat.respond, inputs=[question, state, lang], outputs=outputs, **PRIVATE),
            question.submit(self.chat.respond, inputs=[question, state, lang], outputs=outputs, **PRIVATE),
        ]
        asks += [
            chip.click(self.chat.respond, inputs=[chip, state, lang], outputs=outputs, **PRIVATE)
            for chip in chips
        ]
        stop.click(None, cancels=asks, **PRIVATE)
        reset = [[], {}, "", "", *[gr.Button(visible=False)] * MAX_SUGGESTIONS]
        clear.click(lambda: reset, outputs=[chatbot, state, plain, ticket_box, *chips], **PRIVATE)
        chatbot.clear(lambda: reset[1:], outputs=[state, plain, ticket_box, *chips], **PRIVATE)
        chatbot.like(
            self.chat.rate,
            inputs=[state, lang],
            outputs=[feedback_id, feedback_row, feedback_status],
            **PRIVATE,
        )
        comment_send.click(
            self.chat.comment,
            inputs=[feedback_id, comment, lang],
            outputs=[comment, feedback_status],
            **PRIVATE,
        )
        copy.click(
            lambda text, code: self.chat.notify(text, code, "copy_done"),
            inputs=[plain, lang],
            js=COPY_JS,
            **PRIVATE,
        )
        ticket.click(
            lambda text, code: self.chat.notify(text, code, "ticket_done"),
            inputs=[ticket_box, lang],
            js=COPY_JS,
            **PRIVATE,
        )
        return {
            "chatbot": chatbot,
            "question": question,
            "send": send,
            "stop": stop,
            "copy": copy,
            "ticket": ticket,
            "clear": clear,
            "comment": comment,
            "comment_send": comment_send,
            "examples": examples.dataset,
        }

    def _build_hotline(self, lang: gr.Radio) -> dict[str, Any]:
        """The hotline tab: keyword search, unit filter, the task table and the selected task's source view."""
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
        hotline_ticket = gr.Button(self.t(zh, "ticket"), elem_id="pq-hotline-ticket")
        ticket_box = gr.Textbox(visible="hidden", elem_id="pq-hotline-ticket-text")
        for trigger in (search.change, unit.change):
            trigger(
                self.filter_tasks,
                inputs=[lang, search, unit],
                outputs=[table, count],
                trigger_mode="always_last",
                **PRIVATE,
            )
        selected = gr.State(None)
        table.select(self.show_task, inputs=[lang], outputs=[detail, selected, ticket_box], **PRIVATE)
        hotline_ticket.click(
            lambda text, code: self.chat.notify(text, code, "ticket_done"),
            inputs=[ticket_box, lang],
            js=COPY_JS,
            **PRIVATE,
        )
        return {
            "search": search,
            "unit": unit,
            "count": count,
            "table": table,
            "detail": detail,
            "hotline_ticket": hotline_ticket,
            "selected": selected,
        }

    def _build_gaps(self, lang: gr.Radio) -> dict[str, Any]:
        """The gap-report tab: the API key (when the server has one), a button and the report."""
        zh: Lang = "zh"
        key = gr.Textbox(
            label=self.t(zh, "gaps_key"), type="password", visible=self.key_required(), elem_id="pq-gaps-key"
        )
        build = gr.Button(self.t(zh, "gaps_refresh"), elem_id="pq-gaps-build")
        report = gr.HTML(elem_id="pq-gaps-report")
        build.click(self.gap_report, inputs=[key, lang], outputs=[report], **PRIVATE)
        return {"gaps_key": key, "gaps_build": build}

    def relabel(
        self, widgets: dict[str, Any], lang: Lang, query: str, unit: str, no: int | None
    ) -> dict[Any, Any]:
        """Switch every label to `lang` (and reload the table with translated headers)."""
        rows, count = self.table_rows(lang, query, unit)
        t = self.t
        updates = {
            "header": gr.Markdown(self.header(lang)),
            "lang": gr.Radio(label=t(lang, "language")),
            "chat_tab": gr.Tab(label=t(lang, "chat_tab")),
            "hotline_tab": gr.Tab(label=t(lang, "hotline_tab")),
            "gaps_tab": gr.Tab(label=t(lang, "gaps_tab")),
            "chatbot": gr.Chatbot(label=t(lang, "chatbot")),
            "question": gr.Textbox(label=t(lang, "question"), placeholder=t(lang, "question_placeholder")),
            "send": gr.Button(t(lang, "send")),
            "stop": gr.Button(t(lang, "stop")),
            "copy": gr.Button(t(lang, "copy")),
            "ticket": gr.Button(t(lang, "ticket")),
            "clear": gr.Button(t(lang, "clear")),
            "comment": gr.Textbox(label=t(lang, "feedback_comment")),
            "comment_send": gr.Button(t(lang, "feedback_send")),
            "examples": gr.Dataset(label=t(lang, "examples")),
            "search": gr.Textbox(label=t(lang, "search"), placeholder=t(lang, "search_placeholder")),
            "unit": gr.Dropdown(choices=self.safe_unit_choices(lang), label=t(lang, "unit")),
            "count": count,
            "table": gr.Dataframe(value=rows, headers=self.labels.headers(lang), label=t(lang, "table")),
            "detail": gr.HTML(value=self.task_html(lang, no), label=t(lang, "task_detail")),
            "hotline_ticket": gr.Button(t(lang, "ticket")),
            "gaps_key": gr.Textbox(label=t(lang, "gaps_key")),
            "gaps_build": gr.Button(t(lang, "gaps_refresh")),
        }
        return {widgets[key]: update for key, update in updates.items()}


def build_ui(get_service: ServiceGetter, settings: Settings, store: StoreHolder | None = None) -> gr.Blocks:
    """Build the Gradio Blocks over the service returned by `get_service` (and the store, for feedback)."""
    return PolicyUI(get_service, settings.max_question_chars, store=store, settings=settings).build()
