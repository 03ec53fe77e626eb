"""With an API key, real headless Chromium is sent to the key form, and after entering the key the Gradio
chat works (its API calls carry the signed cookie); a wrong key leaves the UI closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.config import Settings
from tests.web.conftest import GAS_QUESTION
from tests.web.live import live_server
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, sync_api
from web.app import create_app

KEY = "browser-key"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def keyed_url(
    indexed_settings: Settings, service: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A live keyed server (API + UI) over the session service."""
    database = tmp_path_factory.mktemp("auth-db") / "policyqa.sqlite3"
    settings = indexed_settings.model_copy(update={"api_key": KEY, "database_url": f"sqlite:///{database}"})
    with live_server(create_app(settings, service)) as url:
        yield url


@pytest.fixture
def tab(keyed_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN").new_page()
        page.set_default_timeout(WAIT_MS)
        yield page
        browser.close()


def test_a_wrong_key_keeps_the_ui_closed(tab: Any, keyed_url: str) -> None:
    tab.goto(f"{keyed_url}/", wait_until="load")
    assert tab.url.endswith("/login")
    tab.locator("#pq-key").fill("wrong")
    tab.locator("#pq-login").click()
    tab.get_by_role("alert").wait_for()
    assert tab.locator("#pq-question").count() == 0


def test_the_key_form_opens_a_working_chat(tab: Any, keyed_url: str) -> None:
    tab.goto(f"{keyed_url}/", wait_until="load")
    tab.locator("#pq-key").fill(KEY)
    tab.locator("#pq-login").click()
    tab.locator("#pq-question textarea").wait_for()
    tab.locator("#pq-question textarea").fill(GAS_QUESTION)
    tab.locator("#pq-send").click()
    reply = tab.locator('#pq-chatbot [data-testid="bot"]').first
    reply.wait_for()
    tab.wait_for_function("() => !document.querySelector('#pq-chatbot .pending, #pq-chatbot .generating')")
    tab.get_by_text("区经济信息委").first.wait_for()
