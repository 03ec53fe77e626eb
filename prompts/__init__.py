"""User-facing phrasings and LLM prompts as package data (TOML); imports nothing of this project.

answers.toml: grounded-answer templates and citation marker formats; llm.toml: generative-mode prompts;
ui.toml: web UI labels. Each file has one table per language ("zh", "en"); answers.toml and llm.toml also
have a [fields] table naming the str.format placeholders of every key.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("zh", "en")


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse prompts/<name>.toml (cached); raise FileNotFoundError for an unknown file."""
    text = resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _language_table(name: str, lang: str) -> dict[str, Any]:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    table: dict[str, Any] = load_toml(name)[lang]
    return table


def load_phrases(lang: str) -> dict[str, str]:
    """All answer phrasings (answers.toml) of one language, key -> template."""
    return dict(_language_table("answers", lang))


def phrase_fields() -> dict[str, list[str]]:
    """The documented str.format placeholders of every answers.toml key."""
    return dict(load_toml("answers")["fields"])


def get_phrase(key: str, lang: str) -> str:
    """One answer template; raise KeyError for an unknown key."""
    phrase: str = _language_table("answers", lang)[key]
    return phrase


def format_phrase(key: str, lang: str, **fields: Any) -> str:
    """Fill one answer template with str.format fields."""
    return get_phrase(key, lang).format(**fields)


def get_prompt(name: str, lang: str) -> str:
    """One LLM prompt template from llm.toml (system, user, source_line, source_separator)."""
    prompt: str = _language_table("llm", lang)[name]
    return prompt


def prompt_fields() -> dict[str, list[str]]:
    """The documented str.format placeholders of every llm.toml key."""
    return dict(load_toml("llm")["fields"])
