"""The store on SQLite and (when configured, always in CI) PostgreSQL: migrations, sessions, log, feedback."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from assistant.config import Settings
from assistant.models import Answer, Citation
from assistant.store import (
    AnswerNotFoundError,
    SessionForbiddenError,
    SessionNotFoundError,
    Store,
    database_url,
    open_store,
)
from assistant.store.db import create_db_engine, current_revision, head_revision
from assistant.store.models import Base

PG_URL_ENV = "POLICYQA_TEST_DATABASE_URL"
TTL = timedelta(hours=1)


def postgres_url() -> str | None:
    """The test PostgreSQL URL; in CI (CI=true) a missing URL fails instead of skipping."""
    url = os.environ.get(PG_URL_ENV)
    if not url and os.environ.get("CI") == "true":
        pytest.fail(f"{PG_URL_ENV} is not set in CI: .ci/run must start PostgreSQL (.ci/start-postgres)")
    return url


@contextmanager
def fresh_postgres_schema(url: str) -> Iterator[str]:
    """A new, empty schema on the test server (dropped afterwards); yields a URL whose connections use it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh schema on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    url = postgres_url()
    if not url:
        pytest.skip(f"no PostgreSQL configured ({PG_URL_ENV}); run .ci/start-postgres")
    with fresh_postgres_schema(url) as schema_url:
        yield schema_url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated store."""
    opened = open_store(store_url)
    yield opened
    opened.close()


def _answer(refused: bool = False) -> Answer:
    citation = Citation(type="task", id=34, lead_units=["区经济信息委"], quote="压减用气接入时间。")
    return Answer(
        answer="由区经济信息委牵头〔任务34〕",
        citations=[] if refused else [citation],
        refused=refused,
        index_version="v1",
    )


def test_default_database_is_a_sqlite_file_beside_the_index(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx")
    assert database_url(settings) == f"sqlite:///{tmp_path / 'policyqa.sqlite3'}"
    assert database_url(Settings(database_url="postgresql+psycopg://u@h/db")) == "postgresql+psycopg://u@h/db"


def test_migrations_reach_head_and_match_the_models(store_url: str) -> None:
    engine = create_db_engine(store_url)
    assert current_revision(engine) is None
    open_store(store_url).close()
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
    open_store(store_url).close()  # upgrading again is a no-op


def test_session_history_ttl_and_owner(store: Store) -> None:
    info = store.create_session("key-a", TTL)
    store.append_turn(info.id, "key-a", "问1", "答1", ttl=TTL, max_turns=10, max_bytes=10_000)
    store.append_turn(info.id, "key-a", "问2", "答2", ttl=TTL, max_turns=10, max_bytes=10_000)
    session = store.get_session(info.id, "key-a")
    assert [m["content"] for m in session.history] == ["问1", "答1", "问2", "答2"]
    assert session.bytes == 4 * len("问1".encode())
    with pytest.raises(SessionForbiddenError):
        store.get_session(info.id, "key-b")
    with pytest.raises(SessionForbiddenError):
        store.get_session(info.id, None)
    with pytest.raises(SessionNotFoundError):
        store.get_session("no-such-id", "key-a")
    expired = store.create_session(None, timedelta(seconds=-1))
    with pytest.raises(SessionNotFoundError):
        store.get_session(expired.id, None)
    assert store.purge(timedelta(days=1))["sessions"] == 1


def test_turn_and_byte_caps_keep_the_newest_turns(store: Store) -> None:
    info = store.create_session(None, TTL)
    for n in range(5):
        store.append_turn(info.id, None, f"q{n}", "a" * 100, ttl=TTL, max_turns=3, max_bytes=10_000)
    assert [m["content"] for m in store.get_session(info.id, None).history][::2] == ["q2", "q3", "q4"]
    store.append_turn(info.id, None, "big", "b" * 250, ttl=TTL, max_turns=3, max_bytes=300)
    assert [m["content"] for m in store.get_session(info.id, None).history][::2] == ["big"]


def test_question_log_and_feedback(store: Store) -> None:
    answered = store.log_answer("用气找谁？", [], _answer(), channel="api")
    refused = store.log_answer("沙坪坝区用气要多久？", [], _answer(refused=True), channel="ui")
    record = store.add_feedback(answered, "down", "应为任务35")
    assert record.citations[0]["id"] == 34 and record.index_version == "v1"
    assert store.set_feedback_comment(record.id, "改了").comment == "改了"
    store.add_feedback(refused, "up")
    assert [f.rating for f in store.feedback()] == ["down", "up"]
    assert [f.rating for f in store.feedback("up")] == ["up"]
    assert store.get_question(refused).refused is True
    assert sorted(store.gap_candidates()) == [
        ("沙坪坝区用气要多久？", "refused", "zh"),
        ("用气找谁？", "rated_down", "zh"),
    ]
    with pytest.raises(AnswerNotFoundError):
        store.add_feedback("missing", "up")


def test_retention_deletes_old_questions_and_feedback(store: Store) -> None:
    old = store.log_answer("旧问题", [], _answer(), channel="api")
    store.add_feedback(old, "up")
    store.log_answer("新问题", [], _answer(), channel="api")
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE questions SET created_at = '2000-01-01' WHERE question = '旧问题'"))
        connection.execute(text("UPDATE feedback SET created_at = '2000-01-01'"))
    counts = store.purge(timedelta(days=90))
    assert counts["questions"] == 1 and counts["feedback"] == 1
    assert [q.question for q in store.questions()] == ["新问题"]


def test_an_unreachable_database_is_a_503_error() -> None:
    from assistant.store import DatabaseUnavailableError

    with pytest.raises(DatabaseUnavailableError):
        open_store("postgresql+psycopg://nobody:wrong@127.0.0.1:9/none?connect_timeout=2")


def test_db_cli_upgrades_reports_and_purges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("POLICYQA_DATABASE_URL", url)
    assert main(["db", "current"]) == 0
    assert "revision None" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    assert f"revision {head_revision()} (newest {head_revision()})" in capsys.readouterr().out
    assert main(["db", "purge"]) == 0
    assert "deleted 0 sessions, 0 questions, 0 feedback" in capsys.readouterr().out
