"""build_index against real index directories: bad sources change nothing, corrupt dirs are named and
healed by `policyqa ingest --rebuild`, queries keep working during a re-ingest, the embedding cache is reused.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.models import Answer
from ingest.pipeline import build_index
from tests.fixtures.damaged import SOURCE, Damage, all_damages, truncated_between_rows
from tests.fixtures.indexes import (
    GAS_QUESTION,
    assert_gas_answer,
    cli_env,
    current_version,
    make_service,
    run_cli,
    snapshot,
    version_dirs,
)
from vectorstore.errors import IndexCorruptError, SourceError


@pytest.mark.parametrize("damage", all_damages(), ids=lambda d: d.name)
def test_bad_source_writes_nothing_and_old_index_keeps_answering(
    damage: Damage, index_dir: Path, embeddings: Any, tmp_path: Path
) -> None:
    before = snapshot(index_dir)
    with pytest.raises(SourceError, match=damage.message):
        build_index(damage.write(tmp_path), index_dir, embeddings, None, progress=False)
    assert snapshot(index_dir) == before
    assert_gas_answer(make_service(index_dir, embeddings).ask(GAS_QUESTION))


def test_bad_source_with_rebuild_still_wipes_nothing(
    index_dir: Path, embeddings: Any, tmp_path: Path
) -> None:
    before = snapshot(index_dir)
    with pytest.raises(SourceError, match="truncated"):
        build_index(truncated_between_rows().write(tmp_path), index_dir, embeddings, None, rebuild=True)
    assert snapshot(index_dir) == before


def _delete_document(index_dir: Path) -> None:
    (index_dir / "versions" / current_version(index_dir) / "document.json").unlink()


def _delete_bm25(index_dir: Path) -> None:
    shutil.rmtree(index_dir / "versions" / current_version(index_dir) / "bm25")


def _garbage_current(index_dir: Path) -> None:
    (index_dir / "CURRENT").write_text("not a version id, just garbage\n", encoding="utf-8")


def _binary_current(index_dir: Path) -> None:
    (index_dir / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")


def _delete_version_dir(index_dir: Path) -> None:
    shutil.rmtree(index_dir / "versions" / current_version(index_dir))


CORRUPTIONS = [
    pytest.param(_delete_document, id="document-json-deleted"),
    pytest.param(_delete_bm25, id="bm25-dir-deleted"),
    pytest.param(_garbage_current, id="garbage-in-current"),
    pytest.param(_delete_version_dir, id="current-version-dir-deleted"),
    pytest.param(
        _binary_current,
        id="binary-garbage-in-current",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_corrupt_index_is_named_and_rebuild_heals_it(
    corrupt: Callable[[Path], None], index_dir: Path, embeddings: Any
) -> None:
    corrupt(index_dir)
    broken = make_service(index_dir, embeddings)
    with pytest.raises(IndexCorruptError) as caught:
        broken.ask(GAS_QUESTION)
    assert str(index_dir) in str(caught.value)

    result = run_cli(["ingest", "--rebuild", "--quiet"], cli_env(index_dir))
    assert result.returncode == 0, result.stderr
    assert "ingested 176 tasks, 21 notice items" in result.stdout
    assert version_dirs(index_dir) == {current_version(index_dir)}
    assert_gas_answer(broken.ask(GAS_QUESTION))  # the same service recovers once CURRENT is good again


@pytest.mark.slow
def test_queries_during_reingest_see_one_whole_version(index_dir: Path, embeddings: Any) -> None:
    service = make_service(index_dir, embeddings)
    old = service.index_version
    questions = [GAS_QUESTION, "任务34由哪个部门牵头？"]
    answers: dict[str, list[Answer]] = {q: [] for q in questions}
    errors: list[BaseException] = []
    built = threading.Event()

    def ask_loop(question: str) -> None:
        try:
            while not built.is_set() or len(answers[question]) < 3:
                answers[question].append(service.ask(question))
        except BaseException as exc:  # collected and reported by the main thread
            errors.append(exc)

    askers = [threading.Thread(target=ask_loop, args=(q,)) for q in questions]
    for thread in askers:
        thread.start()
    try:
        summary = build_index(SOURCE, index_dir, embeddings, None, progress=False)
    finally:
        built.set()
        for thread in askers:
            thread.join(timeout=120)
    assert errors == []
    final = service.ask(GAS_QUESTION)
    assert (final.index_version, summary.version) == (summary.version, current_version(index_dir))
    assert summary.version != old
    for question, given in answers.items():
        assert {a.index_version for a in given} <= {old, summary.version}
        assert len({(a.answer, tuple((c.type, c.id) for c in a.citations)) for a in given}) == 1, question
        for answer in given:
            assert_gas_answer(answer)


def test_warm_reingest_reuses_the_embedding_cache(index_dir: Path, embeddings: Any) -> None:
    old = current_version(index_dir)
    summary = build_index(SOURCE, index_dir, embeddings, None, progress=False)
    assert summary.embedded == 0  # every sentence, units line and meta chunk comes from the cache
    assert summary.cached > summary.chunks
    assert (summary.tasks, summary.items) == (176, 21)
    assert current_version(index_dir) == summary.version != old
    assert version_dirs(index_dir) == {old, summary.version}
    answer = make_service(index_dir, embeddings).ask(GAS_QUESTION)
    assert_gas_answer(answer)
    assert answer.index_version == summary.version


def test_a_version_built_before_sentence_vectors_still_answers(index_dir: Path, embeddings: Any) -> None:
    shutil.rmtree(index_dir / "versions" / current_version(index_dir) / "sentences")
    service = make_service(index_dir, embeddings)
    assert service.holder.get().retriever.sentences is None
    assert_gas_answer(service.ask(GAS_QUESTION))


def test_unreadable_sentence_vectors_are_a_corrupt_index(index_dir: Path, embeddings: Any) -> None:
    (index_dir / "versions" / current_version(index_dir) / "sentences" / "vectors.npy").write_bytes(b"broken")
    with pytest.raises(IndexCorruptError, match="sentence vectors"):
        make_service(index_dir, embeddings).ask(GAS_QUESTION)
