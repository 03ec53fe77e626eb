"""Atomic, versioned index directories: build into a fresh version dir, then switch root/CURRENT."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from vectorstore.errors import IndexBusyError, IndexCorruptError, IndexNotFoundError

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
BUILDING_FILE = ".building"
INGEST_LOCK_FILE = ".ingest.lock"
_VERSION_ID = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{6}$")
_FOREIGN_BUILD_MAX_AGE_S = 24 * 3600.0


class NewVersion(BaseModel):
    """A version directory being built (not visible to readers until committed)."""

    model_config = ConfigDict(frozen=True)

    id: str
    path: Path


class VersionInfo(BaseModel):
    """A committed version: its directory and the manifest the builder wrote."""

    model_config = ConfigDict(frozen=True)

    id: str
    path: Path
    committed_at: str
    manifest: dict[str, Any]


def new_version_id() -> str:
    """A lexicographically sortable id: UTC timestamp to the microsecond plus random hex."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def fsync_tree(root: Path) -> None:
    """Flush every file and directory under `root` (and `root` itself) to stable storage."""
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        elif path.is_dir():
            _fsync_dir(path)
    _fsync_dir(root)


def _fsync_dir(path: Path) -> None:
    dir_fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _atomic_write(path: Path, text: str) -> None:
    """Write via a synced temp file and os.replace, so readers see the old or the new file, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


class IndexManager:
    """Owns root/versions/<id>/ and root/CURRENT; a killed build never changes what CURRENT names."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions_dir = self.root / "versions"

    @contextmanager
    def ingest_lock(self, wait_s: float = 600.0, poll_s: float = 0.2) -> Iterator[None]:
        """Hold the build lock for a whole ingest: a second ingest waits up to `wait_s`, then fails clearly.

        flock is released by the kernel when the holder dies, so a killed ingest never blocks the next one.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / INGEST_LOCK_FILE).open("a+", encoding="utf-8") as handle:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusyError(
                            f"another ingest is building an index in {self.root}; "
                            f"waited {wait_s:g} s, try again when it has finished"
                        ) from None
                    time.sleep(poll_s)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise begin/commit/gc between processes sharing the root."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _path(self, version_id: str) -> Path:
        if not _VERSION_ID.match(version_id):
            raise ValueError(f"Not a version id: {version_id!r}")
        return self.versions_dir / version_id

    def begin(self) -> NewVersion:
        """Create an empty version directory marked as being built by this process."""
        with self._locked():
            version_id = new_version_id()
            path = self._path(version_id)
            path.mkdir(parents=True)
            marker = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
            (path / BUILDING_FILE).write_text(json.dumps(marker), encoding="utf-8")
        logger.info("Building index version %s in %s", version_id, path)
        return NewVersion(id=version_id, path=path)

    def commit(self, version_id: str, manifest: dict[str, Any]) -> VersionInfo:
        """Seal the version with its manifest, then atomically make it CURRENT."""
        path = self._path(version_id)
        if not (path / BUILDING_FILE).is_file():
            raise ValueError(f"Version {version_id} is not an uncommitted build under {self.versions_dir}")
        committed_at = datetime.now(UTC).isoformat()
        record = {"id": version_id, "committed_at": committed_at, "manifest": manifest}
        fsync_tree(path)  # every file of the version is on disk before anything can name it
        _atomic_write(path / MANIFEST_FILE, json.dumps(record, ensure_ascii=False, indent=2))
        with self._locked():
            (path / BUILDING_FILE).unlink()
            _atomic_write(self.root / CURRENT_FILE, version_id + "\n")
        logger.info("Index version %s is now current", version_id)
        return VersionInfo(id=version_id, path=path, committed_at=committed_at, manifest=manifest)

    def current_id(self) -> str | None:
        """The id CURRENT names, or None when nothing was ever committed."""
        current_file = self.root / CURRENT_FILE
        try:
            version_id = current_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise IndexCorruptError(f"{current_file} cannot be read: {exc}") from exc
        if not _VERSION_ID.match(version_id):
            raise IndexCorruptError(f"{current_file} does not name a version (got {version_id[:40]!r})")
        return version_id

    def current(self) -> VersionInfo:
        """The committed version CURRENT names; IndexNotFoundError if none, IndexCorruptError if broken."""
        version_id = self.current_id()
        if version_id is None:
            raise IndexNotFoundError(f"No index version has been committed under {self.root}")
        return self.read_version(version_id)

    def read_version(self, version_id: str) -> VersionInfo:
        """Load a committed version's manifest; IndexCorruptError naming the directory if it is unusable."""
        path = self._path(version_id)
        if not path.is_dir():
            raise IndexCorruptError(f"Index version directory {path} is missing")
        try:
            record = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
            return VersionInfo(
                id=record["id"], path=path, committed_at=record["committed_at"], manifest=record["manifest"]
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorruptError(
                f"Index version directory {path} has no valid {MANIFEST_FILE}: {exc}"
            ) from exc

    def committed_ids(self) -> list[str]:
        """Ids of all committed versions, oldest first."""
        return [path.name for path in self._version_dirs() if _is_committed(path)]

    def _version_dirs(self) -> list[Path]:
        if not self.versions_dir.is_dir():
            return []
        return sorted(p for p in self.versions_dir.iterdir() if p.is_dir() and _VERSION_ID.match(p.name))

    def abort(self, version_id: str) -> None:
        """Delete a failed or abandoned build (never the current version)."""
        path = self._path(version_id)
        if version_id == self._current_id_or_none():
            raise ValueError(f"Refusing to abort {version_id}: it is the current index version")
        shutil.rmtree(path, ignore_errors=True)
        logger.info("Removed index version %s", version_id)

    def _current_id_or_none(self) -> str | None:
        try:
            return self.current_id()
        except IndexCorruptError:
            return None

    def gc(self, keep: int = 2) -> list[str]:
        """Remove committed versions beyond the `keep` newest (current always kept) and dead builds."""
        if keep < 1:
            raise ValueError("keep must be at least 1")
        removed: list[str] = []
        with self._locked():
            current = self.current_id()  # a corrupt CURRENT raises: deleting blind would be unsafe
            committed = [v for v in self.committed_ids() if v != current]
            survivors = set(committed[-(keep - 1) :] if keep > 1 else []) | {current}
            for path in self._version_dirs():
                if path.name in survivors or (not _is_committed(path) and _build_alive(path)):
                    continue
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        if removed:
            logger.info("Garbage-collected index versions: %s", ", ".join(removed))
        return removed


def _is_committed(path: Path) -> bool:
    """A manifest and no build marker: commit() got past sealing the version."""
    return (path / MANIFEST_FILE).is_file() and not (path / BUILDING_FILE).exists()


def _build_alive(path: Path) -> bool:
    """True while the process that began this build may still be running it."""
    try:
        marker = json.loads((path / BUILDING_FILE).read_text(encoding="utf-8"))
        pid, host, started = int(marker["pid"]), str(marker["host"]), float(marker["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if host != socket.gethostname():
        return time.time() - started < _FOREIGN_BUILD_MAX_AGE_S
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
