"""The UI in real headless Chromium: a streamed cited answer with the quote highlighted, suggestion chips,
thumbs-down with a comment into the database, copy and ticket copy, the hotline table, the gap report, language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import REPO_ROOT, Settings
from assistant.store import Store, open_store
from tests.web.conftest import GAS_QUESTION
from tests.web.live import live_server
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="needs the playwright package (pip install playwright)"
)

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
DOCS = REPO_ROOT / "docs"
README_SCREENSHOT = DOCS / "ui.png"
# out-of-scope questions of our own (not from any gold file) for the gap report
GAP_QUESTIONS = [
    "沙坪坝区用气报装要多久？",
    "渝北区开办企业需要几天？",
    "明天去北京的高铁票多少钱？",
    "重庆到成都的高铁票价是多少？",
    "明天重庆天气怎么样？",
    "重庆这周天气如何？",
]
# records every distinct text of the newest bot message, so the test sees the partial renders
OBSERVE_JS = """() => {
  window.__pqRenders = [];
  const root = document.querySelector('#pq-chatbot');
  new MutationObserver(() => {
    const bots = root.querySelectorAll('[data-testid="bot"]');
    if (!bots.length) return;
    const text = bots[bots.length - 1].innerText;
    const seen = window.__pqRenders;
    if (text.trim() && seen[seen.length - 1] !== text) seen.push(text);
  }).observe(root, {subtree: true, childList: true, characterData: true});
}"""
WAIT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def browser_settings(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The session index with a database of this module's own."""
    database = tmp_path_factory.mktemp("browser-db") / "policyqa.sqlite3"
    return indexed_settings.model_copy(update={"database_url": f"sqlite:///{database}"})


@pytest.fixture(scope="module")
def store(browser_settings: Settings) -> Iterator[Store]:
    """The live server's database, read directly."""
    opened = open_store(str(browser_settings.database_url))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def base_url(browser_settings: Settings, service: Any) -> Iterator[str]:
    """A live server (API + UI) over the session service."""
    with live_server(create_app(browser_settings, service)) as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    """A Chromium page on the UI, allowed to use the clipboard."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        tab = context.new_page()
        tab.set_default_timeout(WAIT_MS)
        tab.goto(f"{base_url}/", wait_until="load")
        tab.locator("#pq-question textarea").wait_for()
        yield tab
        browser.close()


def _ask(page: Any, question: str) -> Any:
    """Type a question, send it and return the newest bot message once its answer is complete."""
    before = page.locator('#pq-chatbot [data-testid="bot"]').count()
    page.locator("#pq-question textarea").fill(question)
    page.locator("#pq-send").click()
    return _wait_reply(page, before)


def _wait_reply(page: Any, before: int) -> Any:
    reply = page.locator('#pq-chatbot [data-testid="bot"]').nth(before)
    reply.wait_for()
    # the copy text is emptied when a question starts and filled by the answer's last frame
    page.wait_for_function("() => document.querySelector('#pq-plain textarea').value !== ''")
    return reply


def test_answer_streams_then_cites_task_34_with_the_quote_highlighted(page: Any, service: Any) -> None:
    page.evaluate(OBSERVE_JS)
    page.locator("#pq-question textarea").fill(GAS_QUESTION)
    page.locator("#pq-send").click()
    card = page.locator("#pq-chatbot details.pq-cite.pq-task-34").first
    card.wait_for()
    renders = page.evaluate("window.__pqRenders")
    partial = [text for text in renders if "引用来源" not in text]
    # the answer streams: its text is painted before the cards arrive (a browser may paint two quick
    # lines as one frame, so how many partial frames it shows is timing, not behaviour), and each partial
    # frame is the start of the final answer
    assert partial, renders
    assert "引用来源" in renders[-1]
    final = "".join(renders[-1].split())
    for text in partial:
        assert final.startswith("".join(text.split())), (text, renders[-1])
    reply = page.locator('#pq-chatbot [data-testid="bot"]').last
    assert "区经济信息委" in reply.inner_text()
    assert "任务 34" in card.locator("summary").inner_text()
    card.locator("summary").click()
    task = service.get_task(34)
    marks = card.locator("mark.pq-quote")
    assert marks.count() >= 1
    for n in range(marks.count()):
        assert "".join(marks.nth(n).inner_text().split()) in "".join(
            (task.city_task + task.district_measure).split()
        )
    source = card.inner_text()
    assert "市级工作任务" in source and "区级贯彻措施" in source and task.section in source
    page.locator("#pq-chip-0").wait_for()
    marks.last.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "chat.png"), full_page=True)
    page.screenshot(path=str(DOCS / "chat.png"), full_page=True)
    page.screenshot(path=str(README_SCREENSHOT), full_page=True)


def test_suggestion_chip_asks_its_question(page: Any) -> None:
    chip = page.locator("#pq-chip-0")
    chip.wait_for()
    text = chip.inner_text().strip()
    assert text
    before = page.locator('#pq-chatbot [data-testid="bot"]').count()
    chip.click()
    _wait_reply(page, before)
    assert page.locator('#pq-chatbot [data-testid="user"]').last.inner_text().strip() == text
    assert page.locator('#pq-chatbot [data-testid="bot"]').count() == before + 1


def test_thumbs_down_with_a_comment_lands_in_the_database(page: Any, store: Store) -> None:
    _ask(page, GAS_QUESTION)
    # Gradio labels its thumbs in the browser's language (zh-CN: 踩 = dislike); the newest answer's is last
    page.locator('#pq-chatbot button[aria-label="踩"]').last.click()
    comment = page.locator("#pq-feedback-comment textarea")
    comment.wait_for()
    comment.fill("应该同时列出配合单位")
    page.locator("#pq-feedback-send").click()
    page.locator("#pq-feedback-status").get_by_text("说明已记录").wait_for()
    page.screenshot(path=str(DOCS / "feedback.png"), full_page=True)
    rated = [f for f in store.feedback("down") if f.comment == "应该同时列出配合单位"]
    assert len(rated) == 1
    assert rated[0].question == GAS_QUESTION or "用气报装" in rated[0].question
    assert 34 in [c["id"] for c in rated[0].citations]
    assert rated[0].index_version


def test_example_question_fills_the_question_box(page: Any) -> None:
    example = "用气报装慢，该转哪个部门？"
    page.get_by_text(example, exact=True).first.click()
    sync_api.expect(page.locator("#pq-question textarea")).to_have_value(example)
    page.locator("#pq-question textarea").fill("")


def test_copy_button_copies_answer_with_citations(page: Any) -> None:
    _ask(page, GAS_QUESTION)
    page.locator("#pq-copy").click()
    page.get_by_text("已复制").first.wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "区经济信息委" in copied
    assert "[任务 34]" in copied
    assert "<details" not in copied
    page.locator("#pq-ticket").click()
    page.get_by_text("工单摘要已复制").first.wait_for()
    ticket = page.evaluate("navigator.clipboard.readText()")
    assert ticket.startswith("【区经济信息委】任务34：")
    assert "答复：" in ticket and "\n" not in ticket


def test_user_text_cannot_inject_html(page: Any) -> None:
    _ask(page, '<img src=x onerror="window.__pq_injected=1">用气报装')
    user_messages = page.locator('#pq-chatbot [data-testid="user"]')
    assert "<img src=x" in user_messages.last.inner_text()
    assert page.evaluate("window.__pq_injected === undefined")


def test_hotline_unit_filter_and_task_detail(page: Any, service: Any) -> None:
    unit = "区经济信息委"
    expected = {t.no for t in service.list_tasks(lead_unit=unit)} | {
        t.no for t in service.list_tasks(coop_unit=unit)
    }
    page.get_by_role("tab", name="热线速查").click()
    page.locator("#pq-count").get_by_text("共 176 项任务").wait_for()
    page.locator("#pq-unit input").click()
    page.get_by_role("option", name=f"{unit}（").first.click()
    page.locator("#pq-count").get_by_text(f"共 {len(expected)} 项任务").wait_for()
    page.locator("#pq-tasks").get_by_text("34", exact=True).first.click()
    detail = page.locator("#pq-task-detail .pq-task[data-no='34']")
    detail.wait_for()
    assert unit in detail.inner_text()
    assert "市级工作任务" in detail.inner_text()  # the same source view as a citation card
    page.screenshot(path=str(SCREENSHOTS / "hotline.png"), full_page=True)

    # switching to English relabels the UI and re-renders the open task
    page.locator("#pq-lang").get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Hotline lookup").wait_for()
    page.locator("#pq-count").get_by_text("tasks; click a row").wait_for()
    assert "Task 34" in page.locator("#pq-task-detail").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "english.png"), full_page=True)
    page.locator("#pq-lang").get_by_text("中文", exact=True).click()
    page.get_by_role("tab", name="热线速查").wait_for()


def test_gap_report_tab_groups_refused_questions(page: Any, service: Any, store: Store) -> None:
    for question in GAP_QUESTIONS:
        answer = service.ask(question)
        assert answer.refused, question
        store.log_answer(question, [], answer, channel="api")
    page.get_by_role("tab", name="未覆盖问题").click()
    page.locator("#pq-gaps-build").click()
    report = page.locator("#pq-gaps-report")
    report.locator(".pq-gap-topic").first.wait_for()
    text = report.inner_text()
    assert "缺口报告" in text
    for word in ("天气", "高铁"):
        assert word in text
    page.screenshot(path=str(DOCS / "gaps.png"), full_page=True)
    page.get_by_role("tab", name="政策问答").click()
