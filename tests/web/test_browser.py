"""The UI in real headless Chromium: ask, see the cited answer, copy it, filter the hotline table, switch language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import REPO_ROOT, Settings
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
README_SCREENSHOT = REPO_ROOT / "docs" / "ui.png"
WAIT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def base_url(indexed_settings: Settings, service: Any) -> Iterator[str]:
    """A live server (API + UI) over the session service."""
    with live_server(create_app(indexed_settings, service)) as url:
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
    """Type a question, send it and return the newest bot message."""
    before = page.locator('#pq-chatbot [data-testid="bot"]').count()
    page.locator("#pq-question textarea").fill(question)
    page.locator("#pq-send").click()
    page.locator('#pq-chatbot [data-testid="bot"]').nth(before).wait_for()
    return page.locator('#pq-chatbot [data-testid="bot"]').nth(before)


def test_chat_answer_cites_task_34(page: Any) -> None:
    reply = _ask(page, GAS_QUESTION)
    assert "区经济信息委" in reply.inner_text()
    card = reply.locator("details.pq-cite.pq-task-34")
    card.wait_for()
    assert "任务 34" in card.locator("summary").inner_text()
    card.locator("summary").click()
    assert "用气" in card.locator("blockquote").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "chat.png"), full_page=True)
    README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(README_SCREENSHOT), full_page=True)


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
    page.screenshot(path=str(SCREENSHOTS / "hotline.png"), full_page=True)

    # switching to English relabels the UI and re-renders the open task
    page.locator("#pq-lang").get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Hotline lookup").wait_for()
    page.locator("#pq-count").get_by_text("tasks; click a row").wait_for()
    assert "Task 34" in page.locator("#pq-task-detail").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "english.png"), full_page=True)
    page.locator("#pq-lang").get_by_text("中文", exact=True).click()
    page.get_by_role("tab", name="热线速查").wait_for()
