"""UI labels in Chinese and English, read from prompts/ui.toml (package data)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel

from vectorstore.errors import ConfigurationError

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class UiLabels(BaseModel):
    """Every UI phrasing in both languages plus the example questions."""

    examples: list[str]
    texts: dict[str, dict[str, str | list[str]]]

    def text(self, lang: Lang, key: str, **fields: object) -> str:
        """Return the label `key` in `lang`, with {placeholders} filled from `fields`."""
        value = self.texts[lang][key]
        if not isinstance(value, str):
            raise ConfigurationError(f"ui label {key!r} is not a string")
        return value.format(**fields) if fields else value

    def headers(self, lang: Lang) -> list[str]:
        """Return the hotline table's column headers in `lang`."""
        return [str(header) for header in self.texts[lang]["table_headers"]]


@lru_cache(maxsize=1)
def load_labels() -> UiLabels:
    """Load and check prompts/ui.toml: both languages must define the same keys."""
    raw = resources.files("prompts").joinpath("ui.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    texts: dict[str, dict[str, str | list[str]]] = {lang: data[lang] for lang in LANGS}
    if set(texts["zh"]) != set(texts["en"]):
        missing = sorted(set(texts["zh"]) ^ set(texts["en"]))
        raise ConfigurationError(f"prompts/ui.toml: languages differ in keys {missing}")
    return UiLabels(examples=data["examples"], texts=texts)
