"""The unit directory: canonical names, aliases and English names of every unit the plan names.

The data lives in ``ingest/units.toml`` (package data). Matching folds text first (NFKC, lower case,
quotes dropped, hyphens as spaces, layout spaces between Chinese characters dropped), then finds every
occurrence of every name, alias and not-unit term, keeps the LONGEST match first and drops any match that
overlaps one already kept (ties go to the earlier one). So 区委组织部 is one unit, not 区委 + 组织部, and
市财政局 (a city body listed under ``[not_units]``) swallows the 财政局 inside it and yields nothing.
English aliases only match on word boundaries (``court`` does not match inside ``courtesy``) and may take
a plural ``s``.
"""

from __future__ import annotations

import functools
import importlib.resources
import logging
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from vectorstore.errors import ConfigurationError

logger = logging.getLogger(__name__)

UnitKind = Literal["district", "township", "company", "group"]

_RESOURCE = "units.toml"
_TOP_LEVEL_KEYS = {"units", "not_units"}
_DROPPED_CHARS = str.maketrans("", "", "“”‘’\"'「」『』")
_WS = re.compile(r"\s+")
_SPACE_NEAR_NON_ASCII = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")
_ASCII_ALNUM = re.compile(r"[a-z0-9]")


def fold(text: str) -> str:
    """Normalise text for matching: NFKC, lower case, no quotes, hyphens as spaces, no layout spaces."""
    folded = unicodedata.normalize("NFKC", text).translate(_DROPPED_CHARS).replace("-", " ").lower()
    folded = _WS.sub(" ", folded)
    return _SPACE_NEAR_NON_ASCII.sub("", folded).strip()


class Unit(BaseModel):
    """One organisational unit: its printed name, English name, kind and the aliases people type."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, description="Canonical name exactly as printed, e.g. 区经济信息委")
    english: str = Field(min_length=1)
    kind: UnitKind
    aliases: list[str] = Field(default_factory=list)

    @property
    def collective(self) -> bool:
        """True for collective entries (各镇街, 区级相关部门, ...) that name no single body."""
        return self.kind == "group"

    @property
    def names(self) -> list[str]:
        """The canonical name followed by every alias."""
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    unit: str | None  # None for a not-unit term: it only blocks shorter matches

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: _Span) -> bool:
        return self.start < other.end and other.start < self.end


class UnitDirectory(BaseModel):
    """All units of the document, with lookups from any name or alias and free-text unit detection."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    units: list[Unit] = Field(min_length=1)
    not_units: list[str] = Field(default_factory=list, description="Outside bodies that contain an alias")

    _by_name: dict[str, Unit] = PrivateAttr(default_factory=dict)
    _lookup: dict[str, str | None] = PrivateAttr(default_factory=dict)
    _terms: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _index(self) -> UnitDirectory:
        """Build the folded term index; reject duplicate units and aliases shared by two units."""
        lookup: dict[str, str | None] = {}
        for unit in self.units:
            if unit.name in self._by_name:
                raise ValueError(f"unit {unit.name!r} is listed twice")
            self._by_name[unit.name] = unit
            for term in unit.names:
                _add_term(lookup, term, unit.name)
        for term in self.not_units:
            _add_term(lookup, term, None)
        self._lookup = lookup
        self._terms = sorted(lookup, key=len, reverse=True)
        return self

    def unit(self, name_or_alias: str) -> Unit | None:
        """The unit a name or alias denotes, or None."""
        canonical = self.canonical(name_or_alias)
        return self._by_name[canonical] if canonical else None

    def canonical(self, name_or_alias: str) -> str | None:
        """The canonical (printed) name for an exact name or alias, any case/width; None if unknown."""
        return self._lookup.get(fold(name_or_alias))

    def english(self, name_or_alias: str) -> str:
        """The English name of a unit; raises KeyError for a name that is no unit or alias."""
        unit = self.unit(name_or_alias)
        if unit is None:
            raise KeyError(f"unknown unit: {name_or_alias!r}")
        return unit.english

    def english_for_entry(self, entry: str) -> str:
        """English name of a table cell entry; `X等区级相关部门` is named by the units it mentions."""
        unit = self.unit(entry)
        if unit is not None:
            return unit.english
        return "; ".join(self.english(u) for u in self.units_in_cell_entry(entry)) or entry

    def is_collective(self, name_or_alias: str) -> bool:
        """True when the name denotes a collective entry (kind 'group'); False for single bodies or unknowns."""
        unit = self.unit(name_or_alias)
        return unit is not None and unit.collective

    def find_units(self, text: str) -> list[str]:
        """Canonical units mentioned in free text (Chinese or English), in order of appearance, no repeats."""
        found: list[str] = []
        for span in self._select(self._spans(fold(text))):
            if span.unit is not None and span.unit not in found:
                found.append(span.unit)
        return found

    def units_in_cell_entry(self, entry: str) -> list[str]:
        """Canonical units one annex/notice cell entry names.

        An entry is a printed name (区税务局), or a specific unit + 等 + a collective
        (区规划自然资源局等区级相关部门): that yields BOTH the specific unit and the collective, because the
        specific unit really is responsible and the collective is printed as a party too.
        """
        exact = self.canonical(entry)
        if exact is not None:
            return [exact]
        units = self.find_units(entry)
        if not units:
            logger.debug("cell entry %r names no known unit", entry)
        return units

    @functools.cached_property
    def names_longest_first(self) -> tuple[str, ...]:
        """Every name and alias, longest first (so a text loses 区经济信息委 before 经济信息委)."""
        return tuple(sorted(self.all_names(), key=len, reverse=True))

    def all_names(self, *, cjk_only: bool = False) -> list[str]:
        """Every canonical name and alias as written (deduplicated); cjk_only drops names with ASCII letters."""
        names = dict.fromkeys(name for unit in self.units for name in unit.names)
        return [name for name in names if not (cjk_only and re.search(r"[A-Za-z]", name))]

    def _spans(self, folded: str) -> list[_Span]:
        """Every occurrence of every known term in folded text (overlapping)."""
        spans: list[_Span] = []
        for term in self._terms:
            start = folded.find(term)
            while start != -1:
                end = _word_end(folded, start, start + len(term)) if term.isascii() else start + len(term)
                if end is not None:
                    spans.append(_Span(start, end, self._lookup[term]))
                start = folded.find(term, start + 1)
        return spans

    @staticmethod
    def _select(spans: list[_Span]) -> list[_Span]:
        """Longest match first, ties to the earlier one; drop overlaps; return in order of appearance."""
        kept: list[_Span] = []
        for span in sorted(spans, key=lambda s: (-s.length, s.start)):
            if not any(span.overlaps(other) for other in kept):
                kept.append(span)
        return sorted(kept, key=lambda s: s.start)


def _add_term(lookup: dict[str, str | None], term: str, unit: str | None) -> None:
    """Index one folded term; an alias may name only one unit (or be a not-unit term)."""
    key = fold(term)
    if not key:
        raise ValueError(f"empty name or alias for unit {unit!r}")
    if key in lookup and lookup[key] != unit:
        raise ValueError(f"name {term!r} is ambiguous: it names both {lookup[key]!r} and {unit!r}")
    lookup[key] = unit


def _word_end(text: str, start: int, end: int) -> int | None:
    """End of an ASCII term match on word boundaries (a plural s allowed), or None if mid-word."""
    if start > 0 and _ASCII_ALNUM.match(text[start - 1]):
        return None
    if (
        end < len(text)
        and text[end] == "s"
        and (end + 1 == len(text) or not _ASCII_ALNUM.match(text[end + 1]))
    ):
        return end + 1
    if end < len(text) and _ASCII_ALNUM.match(text[end]):
        return None
    return end


def parse_unit_directory(text: str, *, source: str = _RESOURCE) -> UnitDirectory:
    """Parse units.toml text; raise ConfigurationError naming the defect when it is malformed."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{source} is not valid TOML: {exc}") from exc
    unknown = set(data) - _TOP_LEVEL_KEYS
    if unknown:
        raise ConfigurationError(f"{source} has unknown top-level keys: {', '.join(sorted(unknown))}")
    not_units = data.get("not_units", {})
    if not isinstance(not_units, dict) or set(not_units) - {"terms"}:
        raise ConfigurationError(f"{source}: [not_units] must be a table with only a 'terms' list")
    try:
        return UnitDirectory.model_validate(
            {"units": data.get("units", []), "not_units": not_units.get("terms", [])}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise ConfigurationError(f"{source} is malformed at {where}: {first['msg']}") from exc


@functools.cache
def load_unit_directory() -> UnitDirectory:
    """Load the bundled unit directory (ingest/units.toml) once per process."""
    text = importlib.resources.files("ingest").joinpath(_RESOURCE).read_text(encoding="utf-8")
    directory = parse_unit_directory(text)
    logger.debug("loaded %d units from %s", len(directory.units), _RESOURCE)
    return directory
