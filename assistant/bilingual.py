"""English words -> the document's own Chinese terms, from the CC-CEDICT-derived table in data/en_zh.tsv.

An English question shares no characters with the document, so lexical retrieval and topic analysis see
nothing in it. `doc_terms_for_english` adds the document's terms for its English words: terms matched by
a 2-3 word phrase first ("business license" -> 营业执照, "real estate" -> 不动产), then those of single
words. Within each group the words take turns (each word's best term, then each word's second, ...),
so one word with many translations cannot crowd out the others under `limit`. The table is built offline by
`python -m ingest.build_bilingual` (see that module and the data file's header for the CC BY-SA 4.0
attribution); no segmenter runs here.
"""

from __future__ import annotations

import bisect
import functools
import importlib.resources
import logging
import re
from dataclasses import dataclass

from ingest.english import base_verb, content_words, exact_key, normalise_word, phrase_key

logger = logging.getLogger(__name__)

_RESOURCE = "en_zh.tsv"
_MAX_PHRASE = 3
# A word's own terms are followed by those of its derivational relative (mediation -> mediat(e)); a word
# the table lacks falls back to the key sharing the longest prefix with it (monopoly -> monopoliz(e)).
_DERIVATIONAL = ("ation", "ition", "ment", "ness", "ance", "ence", "ion", "ity", "al", "er", "or")
_MIN_PREFIX = 6
# CC-CEDICT glosses spell American: a British spelling the table lacks is tried in its American form (licence ->
# license, centre -> center, labour -> labor, standardise -> standardize, travelled -> traveled).
_BRITISH = (
    (re.compile(r"ence(s?)$"), r"ense\1"),
    (re.compile(r"tre(s?)$"), r"ter\1"),
    (re.compile(r"our(s|ed|ing|er|ers)?$"), r"or\1"),
    (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"ll(ed|ing|er)$"), r"l\1"),
    (re.compile(r"^enrol(s|ment|ments)?$"), r"enroll\1"),
    (re.compile(r"ogue(s?)$"), r"og\1"),
    (re.compile(r"mme(s?)$"), r"m\1"),
)
_MIN_PREFIX_SHARE = 0.7


@dataclass(frozen=True)
class BilingualTable:
    """Folded English key -> document terms, best fit first; plus the sorted single-word keys."""

    entries: dict[str, tuple[str, ...]]
    sorted_keys: tuple[str, ...]


@functools.cache
def load_bilingual() -> BilingualTable:
    """The bundled English -> document terms table, loaded once per process."""
    text = importlib.resources.files("assistant").joinpath("data", _RESOURCE).read_text(encoding="utf-8")
    entries: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, cell = line.partition("\t")
        entries[key] = tuple(term for term in cell.split(",") if term)
    logger.debug("loaded %d English keys from %s", len(entries), _RESOURCE)
    return BilingualTable(entries, tuple(sorted(k for k in entries if k.isalpha())))


def is_english_word(word: str) -> bool:
    """Is `word` (any case) a key of the table, directly or folded (registration -> register)?"""
    table = load_bilingual()
    low = word.lower()
    return low in table.entries or normalise_word(low) in table.entries or f"={low}" in table.entries


def doc_terms_for_english(text: str, limit: int = 12) -> list[str]:
    """Document terms for the English words of `text`: phrase matches first, then single words."""
    table = load_bilingual()
    words = _query_words(table, text)
    related = [_related_keys(table, word) for word in words]
    keys = [found[0] if found else normalise_word(word) for word, found in zip(words, related, strict=True)]
    phrase_lists: list[tuple[str, ...]] = []
    for size in range(_MAX_PHRASE, 1, -1):
        for start in range(len(keys) - size + 1):
            window = keys[start : start + size]
            if len(set(window)) == size:
                phrase_lists.append(table.entries.get(phrase_key(window), ()))
    word_lists = [
        tuple(term for key in (exact_key(word), *found) for term in table.entries.get(key, ()))
        for word, found in zip(words, related, strict=True)
    ]
    found_terms: list[str] = []
    for lists in (phrase_lists, word_lists):
        for term in _take_turns(lists):
            if term not in found_terms:
                found_terms.append(term)
    return found_terms[:limit]


def phrase_terms(first: str, second: str) -> tuple[str, ...]:
    """The document terms of a two-word phrase the table knows as a phrase (public notice -> 公告), or ()."""
    table = load_bilingual()
    return table.entries.get(phrase_key([normalise_word(first), normalise_word(second)]), ())


def _query_words(table: BilingualTable, text: str) -> list[str]:
    """The content words of text; a hyphenated compound the table knows replaces its parts (one-stop is
    一站式, not stop), an unknown one gives way to them (e-commerce -> commerce)."""
    words: list[str] = []
    parts: list[str] = []
    for word in content_words(text):
        if "-" in word:
            known = exact_key(word) in table.entries or bool(_related_keys(table, word))
            parts = word.split("-") if known else []
            if known:
                words.append(word)
        elif parts and word in parts:
            parts.remove(word)
        else:
            words.append(word)
    return words


def _related_keys(table: BilingualTable, word: str) -> list[str]:
    """The word's folded key and its derivational relative (those in the table): mediation -> mediat(e),
    registration -> register; for a British spelling the table lacks, those of its American form; for an
    unknown word, its longest-prefix neighbour: monopoly -> monopoliz(e)."""
    found = _own_keys(table, word) or _own_keys(table, base_verb(word))  # built -> build
    for pattern, american in _BRITISH:
        if found:
            break
        if pattern.search(word.lower()):
            found = _own_keys(table, pattern.sub(american, word.lower()))
    if not found:  # a prefix neighbour is a guess: only for a word the table does not know at all
        neighbour = _longest_prefix_key(table.sorted_keys, normalise_word(word))
        found = [neighbour] if neighbour else []
    return found


def _own_keys(table: BilingualTable, word: str) -> list[str]:
    """The table keys of the word itself: its folded form and its derivational stems."""
    key = normalise_word(word)
    candidates = [key]
    for suffix in _DERIVATIONAL:
        # a two-letter suffix on a short stem is too often a word of its own (sector is no sect, factor no fact):
        # those stems need five letters (investor -> invest)
        least = 5 if len(suffix) == 2 else 4
        if key.endswith(suffix) and len(key) - len(suffix) >= least:
            stem = key[: -len(suffix)]
            # registration -> registr(er): an -ation that swallowed an -er
            candidates += [normalise_word(stem), normalise_word(stem + "e"), stem, stem[:-1] + "er"]
            if suffix == "ation" and stem.endswith("ific"):
                candidates.append(stem[:-4] + "ify")  # rectification -> rectify, simplification -> simplify
            break
    return [k for k in dict.fromkeys(candidates) if k in table.entries]


def _longest_prefix_key(keys: tuple[str, ...], word: str) -> str | None:
    """Another table key sharing the longest (long enough) prefix with word, or None."""
    at = bisect.bisect_left(keys, word)
    best, best_len = None, 0
    for neighbour in keys[max(0, at - 1) : at + 2]:
        shared = 0
        while shared < min(len(word), len(neighbour)) and word[shared] == neighbour[shared]:
            shared += 1
        if neighbour != word and shared > best_len:
            best, best_len = neighbour, shared
    if best is None or best_len < _MIN_PREFIX or best_len < _MIN_PREFIX_SHARE * min(len(word), len(best)):
        return None
    return best


def _take_turns(lists: list[tuple[str, ...]]) -> list[str]:
    """Each list's first item, then each list's second, ... (round robin)."""
    depth = max((len(terms) for terms in lists), default=0)
    return [terms[i] for i in range(depth) for terms in lists if i < len(terms)]
