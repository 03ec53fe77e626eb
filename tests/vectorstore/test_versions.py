"""Versioned index directories: commit switches CURRENT atomically, failed builds never become current."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vectorstore.errors import IndexCorruptError, IndexNotFoundError
from vectorstore.versions import IndexManager, VersionInfo

REPO_ROOT = Path(__file__).resolve().parents[2]


def _build(manager: IndexManager, rows: int) -> VersionInfo:
    """A complete build: files written, then committed."""
    version = manager.begin()
    (version.path / "data.txt").write_text("x" * rows, encoding="utf-8")
    return manager.commit(version.id, {"rows": rows})


def test_no_index_yet_is_index_not_found(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match=str(tmp_path)):
        IndexManager(tmp_path).current()


def test_commit_makes_the_version_current(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    committed = _build(manager, 176)
    current = manager.current()
    assert (current.id, current.manifest) == (committed.id, {"rows": 176})
    assert (current.path / "data.txt").read_text(encoding="utf-8") == "x" * 176
    assert (tmp_path / "CURRENT").read_text(encoding="utf-8").strip() == committed.id


def test_version_ids_sort_in_creation_order(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    ids = [manager.begin().id for _ in range(5)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 5


def test_an_uncommitted_build_never_replaces_the_current_version(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    old = _build(manager, 1)
    partial = manager.begin()
    (partial.path / "chroma").mkdir()
    (partial.path / "chroma" / "chroma.sqlite3").write_bytes(b"half written")
    assert manager.current().id == old.id
    assert manager.committed_ids() == [old.id]


def test_a_killed_ingest_leaves_the_previous_version_current_and_is_collected(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    old = _build(manager, 1)
    script = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from vectorstore.versions import IndexManager
        version = IndexManager(Path(sys.argv[1])).begin()
        (version.path / "lexical").mkdir()
        (version.path / "lexical" / "lexical.json").write_text('{"ids": [', encoding="utf-8")
        print(version.id, flush=True)
        time.sleep(600)
        """
    )
    ingest = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    assert ingest.stdout is not None
    killed_id = ingest.stdout.readline().strip()
    assert manager.gc() == []  # the build is still running: leave it alone
    ingest.send_signal(signal.SIGKILL)
    ingest.wait(timeout=30)

    assert manager.current().id == old.id
    assert manager.gc() == [killed_id]
    assert not (tmp_path / "versions" / killed_id).exists()
    assert manager.current().id == old.id


def test_abort_removes_a_failed_build(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    version = manager.begin()
    (version.path / "partial.bin").write_bytes(b"\0" * 10)
    manager.abort(version.id)
    assert not version.path.exists()
    with pytest.raises(IndexNotFoundError):
        manager.current()


def test_abort_refuses_the_current_version(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    current = _build(manager, 1)
    with pytest.raises(ValueError, match="current"):
        manager.abort(current.id)
    assert manager.current().id == current.id


def test_commit_twice_is_refused(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    version = _build(manager, 1)
    with pytest.raises(ValueError, match="not an uncommitted build"):
        manager.commit(version.id, {"rows": 2})
    assert manager.current().manifest == {"rows": 1}


def test_gc_keeps_the_current_and_previous_versions(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    ids = [_build(manager, rows).id for rows in range(4)]
    running = manager.begin()  # an in-progress build by this (live) process
    assert sorted(manager.gc(keep=2)) == ids[:2]
    assert manager.committed_ids() == ids[2:]
    assert running.path.is_dir()
    assert manager.current().id == ids[3]
    assert manager.gc(keep=1) == [ids[2]]


def test_current_pointing_at_a_missing_version_names_the_dir(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    committed = _build(manager, 1)
    for path in committed.path.iterdir():
        path.unlink()
    committed.path.rmdir()
    with pytest.raises(IndexCorruptError, match=str(committed.path)):
        manager.current()


def test_a_damaged_manifest_names_the_dir(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    committed = _build(manager, 1)
    (committed.path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=str(committed.path)):
        manager.current()
    (committed.path / "manifest.json").write_text(json.dumps({"id": committed.id}), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=str(committed.path)):
        manager.current()


def test_garbage_in_current_is_corrupt_and_blocks_gc(tmp_path: Path) -> None:
    manager = IndexManager(tmp_path)
    committed = _build(manager, 1)
    (tmp_path / "CURRENT").write_text("../../etc\n", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="CURRENT"):
        manager.current()
    with pytest.raises(IndexCorruptError):
        manager.gc()
    assert committed.path.is_dir()
