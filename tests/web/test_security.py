"""The API key guards every route (REST, OpenAI-compatible, docs and the mounted Gradio app), uploads are off,
limits cover every entry point, and errors name no server paths. In-process (TestClient) over FakeService."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from assistant.config import Settings
from tests.web.conftest import ClientFactory
from tests.web.fakes import FakeService
from vectorstore.errors import IndexCorruptError
from web.app import create_app
from web.auth import COOKIE_NAME, OPEN_PATHS, cookie_valid, sign_cookie
from web.limits import ConcurrencyLimiter

KEY = "s3cret-key"
BEARER = {"Authorization": f"Bearer {KEY}"}
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def walk_routes(app: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(method, concrete path) of every route of `app` and of the apps mounted in it (Gradio's included)."""
    found: list[tuple[str, str]] = []
    for route in app.routes:
        if isinstance(route, Mount):
            found += walk_routes(route.app, (prefix + route.path).rstrip("/"))
            continue
        # FastAPI keeps an included router as one entry whose contexts are its routes
        contexts = getattr(route, "effective_route_contexts", None)
        for leaf in contexts() if contexts is not None else [route]:
            concrete = re.sub(r"\{[^}]+\}", "1", prefix + leaf.path) or "/"
            for method in sorted(getattr(leaf, "methods", None) or {"GET"}):
                if method in METHODS:
                    found.append((method, concrete))
    return found


@pytest.fixture
def keyed_app(fake: FakeService) -> Any:
    """The whole app (API and UI) with an API key."""
    return create_app(Settings(api_key=KEY), fake, mount_ui=True)


@pytest.fixture
def keyed(keyed_app: Any) -> Any:
    with TestClient(keyed_app) as client:
        yield client


def test_every_route_of_the_app_and_of_gradio_needs_the_key(keyed_app: Any, keyed: TestClient) -> None:
    routes = walk_routes(keyed_app)
    paths = {path for _, path in routes}
    assert {"/v1/ask", "/v1/tasks", "/v1/chat/completions", "/docs", "/openapi.json"} <= paths
    assert {"/config", "/gradio_api/upload", "/gradio_api/queue/join"} <= paths  # Gradio's table was walked
    assert any(p.startswith("/gradio_api/run/") or p.startswith("/gradio_api/call/") for p in paths)
    leaks = []
    for method, path in routes:
        if path in OPEN_PATHS:
            continue
        response = keyed.request(method, path, json={"data": ["用气报装由哪个部门牵头？"]})
        if response.status_code not in (401, 403):
            leaks.append((method, path, response.status_code))
    assert leaks == []


def test_the_page_sends_a_browser_to_the_key_form(keyed: TestClient) -> None:
    page = keyed.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/login")
    form = keyed.get("/login")
    assert form.status_code == 401
    assert 'name="key"' in form.text and 'type="password"' in form.text


def test_a_wrong_key_sets_no_cookie(keyed: TestClient) -> None:
    response = keyed.post("/login", data={"key": "guess"}, follow_redirects=False)
    assert response.status_code == 401
    assert COOKIE_NAME not in response.cookies
    assert keyed.get("/config").status_code == 401


def test_the_key_form_sets_a_signed_httponly_cookie_that_opens_the_ui(keyed: TestClient) -> None:
    response = keyed.post("/login", data={"key": KEY}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header
    assert keyed.get("/config").status_code == 200
    assert keyed.get("/v1/tasks/34").json()["no"] == 34  # the cookie also opens the API (e.g. /docs)
    keyed.cookies.clear()
    keyed.cookies.set(COOKIE_NAME, "9999999999.forged")
    assert keyed.get("/config").status_code == 401


def test_key_guesses_are_rate_limited(fake: FakeService) -> None:
    app = create_app(Settings(api_key=KEY, rate_limit_per_minute=3), fake, mount_ui=False)
    with TestClient(app) as client:
        statuses = [client.post("/login", data={"key": f"guess{n}"}).status_code for n in range(4)]
        assert statuses == [401, 401, 401, 429]
        assert client.post("/login", data={"key": KEY}).status_code == 429


def test_cookie_signature_expiry_and_key_change() -> None:
    value = sign_cookie(KEY, now=1000.0)
    assert cookie_valid(value, KEY, now=1001.0)
    assert not cookie_valid(value, "another-key", now=1001.0)
    assert not cookie_valid(value, KEY, now=1000.0 + 13 * 3600)
    assert not cookie_valid(value.replace(".", ".0"), KEY, now=1001.0)


def test_auth_is_checked_before_the_body_is_parsed(keyed: TestClient) -> None:
    malformed = keyed.post("/v1/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    assert malformed.status_code == 401
    assert malformed.json()["detail"]["code"] == "unauthorized"
    with_key = keyed.post(
        "/v1/ask", content=b'{"question": ', headers={**BEARER, "Content-Type": "application/json"}
    )
    assert with_key.status_code == 422


def test_uploads_are_refused_even_with_the_key(keyed: TestClient, tmp_path: Path) -> None:
    import gradio.utils

    folder = Path(gradio.utils.get_upload_folder())
    before = set(folder.rglob("*")) if folder.exists() else set()
    for path in ("/gradio_api/upload", "/upload"):
        response = keyed.post(path, headers=BEARER, files={"files": ("a.txt", b"payload", "text/plain")})
        assert response.status_code == 403
        assert response.json()["detail"]["code"] == "uploads_disabled"
    after = set(folder.rglob("*")) if folder.exists() else set()
    assert after == before


def test_docs_need_the_key(keyed: TestClient) -> None:
    assert keyed.get("/openapi.json").status_code == 401
    assert keyed.get("/docs").status_code == 401
    assert "/v1/ask" in keyed.get("/openapi.json", headers=BEARER).json()["paths"]


def test_probes_stay_open(keyed: TestClient) -> None:
    assert keyed.get("/healthz").json() == {"status": "ok"}
    assert keyed.get("/readyz").status_code == 200


@pytest.mark.parametrize(
    "path", ["/v1/tasks/34.0", "/v1/tasks/+34", "/v1/tasks/%EF%BC%93%EF%BC%94", "/v1/items/3.0"]
)
def test_record_numbers_are_plain_digits(make_client: ClientFactory, fake: FakeService, path: str) -> None:
    response = make_client(fake).get(path)
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "validation_error"


def test_a_lone_surrogate_is_refused_on_every_question_route(
    make_client: ClientFactory, fake: FakeService
) -> None:
    client = make_client(fake)
    headers = {"Content-Type": "application/json"}
    ask = client.post("/v1/ask", content=b'{"question": "\\ud800abc"}', headers=headers)
    chat = client.post(
        "/v1/chat/completions",
        content=b'{"model": "policyqa", "messages": [{"role": "user", "content": "\\ud800abc"}]}',
        headers=headers,
    )
    history = client.post(
        "/v1/chat/completions",
        content=(
            b'{"model": "policyqa", "messages": [{"role": "user", "content": "\\udfffx"},'
            b' {"role": "assistant", "content": "ok"}, {"role": "user", "content": "abc"}]}'
        ),
        headers=headers,
    )
    assert [r.status_code for r in (ask, chat, history)] == [422, 422, 422]
    assert fake.calls == []


def test_combining_mark_floods_are_collapsed_before_the_service(
    make_client: ClientFactory, fake: FakeService
) -> None:
    client = make_client(fake)
    response = client.post(
        "/v1/chat/completions", json={"messages": [{"role": "user", "content": "a" + "\u0301" * 1900}]}
    )
    assert response.status_code == 200
    assert len(fake.calls[0][0]) <= 5


def test_unavailable_errors_name_no_server_paths(
    make_client: ClientFactory, document: Any, tmp_path: Path
) -> None:
    secret = tmp_path / "srv" / "index" / "versions" / "20260101T000000000000Z-abcdef"
    broken = FakeService(
        document, fail_with=IndexCorruptError(f"Chroma directory {secret}/chroma cannot be read")
    )
    client = make_client(broken)
    for response in (
        client.get("/readyz"),
        client.post("/v1/ask", json={"question": "用气报装由哪个部门牵头？"}),
    ):
        assert response.status_code == 503
        detail = response.json()["detail"]
        assert detail["code"] == "index_corrupt"
        assert str(tmp_path) not in detail["message"]
        assert "versions/20260101T000000000000Z-abcdef" in detail["message"]


def test_a_rust_panic_from_the_store_is_a_typed_503(make_client: ClientFactory, document: Any) -> None:
    from tests.vectorstore.test_durability import rust_panic_type

    client = make_client(FakeService(document, fail_with=rust_panic_type()("index out of bounds")))  # type: ignore[arg-type]
    response = client.post("/v1/ask", json={"question": "用气报装由哪个部门牵头？"})
    assert response.status_code == 503
    assert response.json()["detail"]["code"] == "index_corrupt"
    assert "index out of bounds" not in response.text


def test_rate_limit_is_on_by_default_and_covers_gradio_events(fake: FakeService) -> None:
    assert Settings().rate_limit_per_minute > 0
    app = create_app(Settings(rate_limit_per_minute=2), fake, mount_ui=True)
    with TestClient(app) as client:
        statuses = [client.post("/gradio_api/queue/join", json={}).status_code for _ in range(3)]
        assert statuses[2] == 429
        assert client.get("/v1/tasks/34").status_code == 429  # one budget for every entry point


def test_concurrency_limit_per_client() -> None:
    async def scenario() -> list[bool]:
        limiter = ConcurrencyLimiter(per_client=2, wait_s=0.2)
        taken = [await limiter.acquire("a"), await limiter.acquire("a")]
        refused = await limiter.acquire("a")  # waits 0.2 s, no slot frees up
        other = await limiter.acquire("b")
        limiter.release("a")
        again = await limiter.acquire("a")
        return [*taken, refused, other, again]

    assert anyio.run(scenario) == [True, True, False, True, True]
