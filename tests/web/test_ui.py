"""The Gradio UI without a browser: labels, escaping of rendered records, chat and hotline handlers, mounting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.models import Answer, Citation
from ingest.records import PolicyDocument
from tests.web.conftest import GAS_QUESTION, ClientFactory
from tests.web.fakes import FakeService
from vectorstore.errors import IndexNotFoundError
from web.labels import LANGS, load_labels
from web.render import render_answer, render_citations, render_plain, render_task, task_rows
from web.sessions import StoreHolder
from web.ui import PolicyUI

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def real_ui(service: Any) -> PolicyUI:
    """The UI handlers over the real session service."""
    return PolicyUI(lambda: service, max_question_chars=2000)


def _evil_citation() -> Citation:
    return Citation(
        type="task", id=7, section=EVIL, lead_units=[EVIL], coop_units=["区税务局"], quote=EVIL + "\n\n第二行"
    )


def test_labels_define_the_same_keys_in_both_languages() -> None:
    labels = load_labels()
    assert set(labels.texts["zh"]) == set(labels.texts["en"])
    assert labels.text("zh", "task_title", no=34) == "任务 34"
    assert labels.text("en", "task_title", no=34) == "Task 34"
    assert all(len(labels.headers(lang)) == 5 for lang in LANGS)
    assert labels.examples


def test_citation_cards_escape_all_record_text() -> None:
    html = render_citations([_evil_citation()], load_labels(), "zh")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<details") == 1 and "pq-task-7" in html
    assert "区税务局" in html
    assert "\n\n" not in html  # a blank line would end the Markdown HTML block


def test_answer_text_is_escaped_before_the_cards() -> None:
    answer = Answer(answer=f"回答 {EVIL}", citations=[_evil_citation()])
    message = render_answer(answer, load_labels(), "en")
    assert message.startswith("回答 &lt;script&gt;")
    assert "<script>" not in message
    assert "Task 7" in message


def test_plain_text_for_copying_lists_answer_and_citations() -> None:
    answer = Answer(answer="由区经济信息委牵头〔任务34〕", citations=[_evil_citation()])
    text = render_plain(answer, load_labels(), "zh")
    lines = text.splitlines()
    assert lines[0] == "由区经济信息委牵头〔任务34〕"
    assert any(line.startswith("[任务 7]") for line in lines)
    assert "  配合单位: 区税务局" in lines
    assert "<" in text  # plain text is not HTML-escaped


def test_task_detail_and_rows(document: PolicyDocument) -> None:
    task = document.task(34)
    assert task is not None
    html = render_task(task, load_labels(), "en")
    assert 'data-no="34"' in html and "区经济信息委" in html and "Lead units" in html
    rows = task_rows(document.tasks)
    assert [row[0] for row in rows] == list(range(1, 177))
    assert all(len(str(row[2])) <= 81 for row in rows)


def _final(ui: PolicyUI, question: str, state: dict | None = None, lang: str = "zh") -> tuple:
    """The last frame of a streamed answer: (chat, state, plain, ticket, question box, *chips)."""
    return list(ui.chat.respond(question, state or {}, lang))[-1]  # type: ignore[arg-type]


def _store(tmp_path: Path) -> StoreHolder:
    return StoreHolder(Settings(database_url=f"sqlite:///{tmp_path / 'ui.sqlite3'}"))


def test_chat_streams_lines_then_cards(real_ui: PolicyUI) -> None:
    frames = list(real_ui.chat.respond(GAS_QUESTION, {}, "zh"))[1:]  # after the question's own frame
    texts = [frame[0][-1]["content"] for frame in frames]
    partial, final = texts[:-1], texts[-1]
    assert len(partial) >= 2
    assert all("pq-cite" not in text for text in partial)
    assert all(later.startswith(earlier) for earlier, later in zip(partial, partial[1:], strict=False))
    assert "pq-cite pq-task-34" in final


def test_chat_answers_with_citation_cards(real_ui: PolicyUI) -> None:
    frames = list(real_ui.chat.respond(GAS_QUESTION, {}, "zh"))
    assert frames[0][4] == ""  # the first frame empties the question box, later ones leave it alone
    assert all(isinstance(frame[4], gr.Textbox) for frame in frames[1:])
    chat, state, plain, ticket, _box, *chips = frames[-1]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert chat[0]["content"] == GAS_QUESTION
    reply = chat[1]["content"]
    assert "区经济信息委" in reply
    assert "pq-cite pq-task-34" in reply
    assert "任务 34" in plain
    assert state["history"][0] == {"role": "user", "content": GAS_QUESTION}


def test_card_shows_the_full_row_with_the_quote_highlighted(real_ui: PolicyUI, service: Any) -> None:
    chat, *_ = _final(real_ui, GAS_QUESTION)
    reply = chat[1]["content"]
    task = service.get_task(34)
    card = reply[reply.index("pq-cite pq-task-34") :]
    card = card[: card.index("</details>")]
    assert "市级工作任务" in card and "区级贯彻措施" in card and task.section in card
    marked = re.findall(r'<mark class="pq-quote">(.*?)</mark>', card)
    assert marked
    assert all(m.replace("<br>", "") in task.city_task + task.district_measure for m in marked)


def test_ticket_text_names_unit_task_commitment_and_answer(real_ui: PolicyUI) -> None:
    chat, state, plain, ticket, *_ = _final(real_ui, GAS_QUESTION)
    assert ticket.startswith("【区经济信息委】任务34：")
    answer_first_line = state["history"][1]["content"].splitlines()[0]
    assert ticket.endswith(f"答复：{answer_first_line}")


def test_suggestion_chips_come_from_the_cited_row(real_ui: PolicyUI) -> None:
    *_, chip0, chip1, chip2, chip3 = _final(real_ui, GAS_QUESTION)
    shown = [chip.value for chip in (chip0, chip1, chip2, chip3) if chip.visible]
    assert "区经济信息委牵头哪些任务？" in shown
    assert "第35项任务是什么？" in shown or "第33项任务是什么？" in shown


def test_thumbs_down_and_comment_land_in_the_store(fake: FakeService, tmp_path: Path) -> None:
    store = _store(tmp_path)
    ui = PolicyUI(lambda: fake, max_question_chars=2000, store=store)
    chat, state, *_ = _final(ui, GAS_QUESTION)
    like = gr.LikeData(None, {"index": 1, "value": chat[1]["content"], "liked": False})
    feedback_id, row, status = ui.chat.rate(state, "zh", like)
    assert feedback_id and row.visible is True and status == "感谢反馈，已记录。"
    cleared, status = ui.chat.comment(feedback_id, "应该是任务35", "zh")
    assert cleared == "" and status == "说明已记录。"
    [record] = store.get().feedback()
    assert (record.rating, record.comment, record.question) == ("down", "应该是任务35", GAS_QUESTION)
    assert record.index_version == "fake-version"


def test_chat_escapes_the_user_question(fake: FakeService) -> None:
    ui = PolicyUI(lambda: fake, max_question_chars=2000)
    chat, *_ = _final(ui, EVIL)
    assert "<script>" not in chat[0]["content"]
    assert "<script>" not in chat[1]["content"]


def test_chat_reports_an_unavailable_service(document: PolicyDocument) -> None:
    ui = PolicyUI(lambda: FakeService(document, fail_with=IndexNotFoundError("run policyqa ingest")), 2000)
    chat, state, plain, *_ = _final(ui, GAS_QUESTION, lang="en")
    assert chat[1]["content"] == "The service is not available: run policyqa ingest"
    assert state["history"] == [] and plain == ""


def test_chat_rejects_a_too_long_question(fake: FakeService) -> None:
    chat, state, *_ = _final(PolicyUI(lambda: fake, max_question_chars=5), "这是一个很长的问题")
    assert chat[1]["content"].startswith("无法回答这个问题")
    assert fake.calls == [] and state["history"] == []


def test_chat_passes_history_on(fake: FakeService) -> None:
    ui = PolicyUI(lambda: fake, max_question_chars=2000)
    _, state, *_ = _final(ui, GAS_QUESTION)
    _final(ui, "配合单位有哪些？", state)
    history = state["history"]
    assert fake.calls[1][1] == history
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[1]["content"].startswith(f"FAKE answer to {GAS_QUESTION}")
    assert "引用来源" not in history[1]["content"]


def test_gap_report_tab_needs_the_api_key(fake: FakeService, tmp_path: Path) -> None:
    store = _store(tmp_path)
    settings = Settings(api_key="secret")
    ui = PolicyUI(lambda: fake, 2000, store=store, settings=settings)
    assert ui.key_required()
    assert "密钥不正确" in ui.gap_report("wrong", "zh")


def test_hotline_unit_filter_covers_lead_and_cooperating_tasks(real_ui: PolicyUI) -> None:
    tasks = real_ui.select_tasks("", "区经济信息委")
    assert tasks
    roles = {("lead" if "区经济信息委" in t.lead_units else "coop") for t in tasks}
    assert roles == {"lead", "coop"}
    assert 34 in [t.no for t in tasks]
    gas = real_ui.select_tasks("用气", "区经济信息委")
    assert 34 in [t.no for t in gas]
    assert all("用气" in t.city_task + t.district_measure for t in gas)


def test_hotline_unit_choices_start_with_all_units(real_ui: PolicyUI) -> None:
    choices = real_ui.unit_choices("zh")
    assert choices[0] == ("全部单位", "")
    assert "区经济信息委" in [value for _, value in choices]
    english = real_ui.unit_choices("en")
    assert english[0] == ("All units", "")


def test_hotline_table_and_language_switch(real_ui: PolicyUI) -> None:
    rows, count = real_ui.table_rows("zh", "", "")
    assert len(rows) == 176 and count.startswith("共 176 项任务")
    html = real_ui.task_html("en", 34)
    assert "Task 34" in html
    assert real_ui.task_html("en", None) == ""


def test_ui_is_mounted_at_root_behind_the_api(make_client: ClientFactory, fake: FakeService) -> None:
    client: TestClient = make_client(fake, mount_ui=True)
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    config = client.get("/config").json()
    elem_ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
    assert {
        "pq-chatbot",
        "pq-question",
        "pq-unit",
        "pq-tasks",
        "pq-copy",
        "pq-lang",
        "pq-stop",
        "pq-ticket",
        "pq-chip-0",
        "pq-feedback-comment",
        "pq-gaps-build",
    } <= elem_ids
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/v1/tasks/34").json()["no"] == 34


def test_stop_button_cancels_every_way_of_asking(make_client: ClientFactory, fake: FakeService) -> None:
    config = make_client(fake, mount_ui=True).get("/config").json()
    elem = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    deps = config["dependencies"]
    asking = {"pq-send", "pq-question", "pq-chip-0", "pq-chip-1", "pq-chip-2", "pq-chip-3"}
    ask_ids = {n for n, dep in enumerate(deps) if {elem.get(t[0]) for t in dep["targets"]} & asking}
    ask_ids = {deps[n]["id"] for n in ask_ids if deps[n]["targets"][0][1] in ("click", "submit")}
    cancelled = {c for dep in deps if elem.get(dep["targets"][0][0]) == "pq-stop" for c in dep["cancels"]}
    assert len(ask_ids) == 6
    assert ask_ids <= cancelled
