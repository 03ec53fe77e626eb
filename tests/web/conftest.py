"""Web fixtures: TestClients over the real session service, and over FakeService for fault statuses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import REPO_ROOT, Settings
from ingest.parser import load_document
from ingest.records import PolicyDocument
from tests.web.fakes import FakeService
from web.app import create_app

GAS_QUESTION = "用气报装由哪个部门牵头？"
ClientFactory = Callable[..., TestClient]


@pytest.fixture(scope="session")
def document() -> PolicyDocument:
    """The real parsed document (fast: no embedding)."""
    return load_document(REPO_ROOT / "data" / "jiulongpo-business-environment-2021.txt")


@pytest.fixture
def fake(document: PolicyDocument) -> FakeService:
    """A fresh FakeService over the real records."""
    return FakeService(document)


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """Build a TestClient over `service` with settings overrides (the API only unless mount_ui=True)."""
    clients: list[TestClient] = []

    def factory(
        service: Any, *, mount_ui: bool = False, raise_errors: bool = True, **overrides: Any
    ) -> TestClient:
        app = create_app(Settings(**overrides), service, mount_ui=mount_ui)
        client = TestClient(app, raise_server_exceptions=raise_errors)
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def real_client(indexed_settings: Settings, service: Any) -> Iterator[TestClient]:
    """The API over the real session service, with default limits."""
    with TestClient(create_app(indexed_settings, service, mount_ui=False)) as client:
        yield client
