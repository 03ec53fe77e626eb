"""The English -> document-vocabulary bridge: committed table, runtime lookup and the build step.

Examples are general business vocabulary, chosen without looking at any evaluation question.
"""

from __future__ import annotations

import importlib.resources

import pytest

from assistant.bilingual import doc_terms_for_english, load_bilingual
from assistant.config import REPO_ROOT
from ingest.build_bilingual import document_text

SOURCE = REPO_ROOT / "data" / "jiulongpo-business-environment-2021.txt"

GENERAL_WORDS = """
gas water electricity power supply tax refund invoice bankruptcy court lawsuit litigation mediation
arbitration property registration register construction permit approval fire safety customs clearance
export import foreign investment investor talent employment social security insurance credit repair
procurement bidding tender loan finance financing bank guarantee intellectual property patent trademark
cross-border commerce logistics port transport environment assessment inspection supervision market
enterprise company license certificate service online platform government fee cost time day
efficiency innovation technology education hospital housing land planning contract dispute labour
""".split()


@pytest.fixture(scope="module")
def document() -> str:
    return document_text(SOURCE)


def test_every_term_in_the_table_occurs_in_the_document(document: str) -> None:
    table = load_bilingual()
    missing = {term for terms in table.entries.values() for term in terms if term not in document}
    assert len(table.entries) > 1000
    assert not missing


@pytest.mark.parametrize("word", GENERAL_WORDS)
def test_general_words_return_only_document_terms(document: str, word: str) -> None:
    terms = doc_terms_for_english(word)
    assert all(term in document for term in terms)
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("bankruptcy", "破产"),
        ("invoice", "发票"),
        ("patent", "专利"),
        ("trademark", "商标"),
        ("logistics", "物流"),
        ("lawsuit", "诉讼"),
        ("loan", "贷款"),
        ("guarantee", "担保"),
        ("export", "出口"),
        ("talent", "人才"),
        ("tax refund", "退税"),
        ("water supply", "供水"),
        ("foreign investment", "外资"),
        ("court", "法院"),
        ("insolvency", "破产"),
    ],
)
def test_general_vocabulary_finds_the_document_term_first(english: str, expected: str) -> None:
    assert doc_terms_for_english(english)[0] == expected


@pytest.mark.parametrize(
    ("phrase", "term", "word"),
    [
        ("business license", "营业执照", "business"),
        ("real estate", "不动产", "real"),
        ("intellectual property", "知识产权", "property"),
    ],
)
def test_a_phrase_term_comes_before_its_words_terms(phrase: str, term: str, word: str) -> None:
    terms = doc_terms_for_english(f"Where do I get the {phrase}?")
    assert terms[0] == term
    assert term not in doc_terms_for_english(word)[:1]


@pytest.mark.parametrize(
    ("inflected", "base"),
    [("exports", "export"), ("exporting", "export"), ("invoices", "invoice"), ("taxes", "tax")],
)
def test_inflected_words_find_the_base_words_best_term(inflected: str, base: str) -> None:
    assert doc_terms_for_english(base)[0] in doc_terms_for_english(inflected)[:4]


@pytest.mark.parametrize(("derived", "term"), [("mediation", "调解"), ("procurement", "采购")])
def test_derived_nouns_fall_back_to_their_verb(derived: str, term: str) -> None:
    assert term in doc_terms_for_english(derived)[:2]


@pytest.mark.parametrize(
    "text", ["", "what is the", "Which of them, and how, and when?", "to for with by", "123"]
)
def test_stop_and_question_words_give_nothing(text: str) -> None:
    assert doc_terms_for_english(text) == []


def test_question_words_add_nothing_to_a_topic() -> None:
    assert doc_terms_for_english("Which is the patent? Who, when, where, why?") == doc_terms_for_english(
        "patent"
    )


def test_limit_caps_and_keeps_each_word_represented() -> None:
    terms = doc_terms_for_english("invoice bankruptcy patent trademark logistics", limit=5)
    assert terms == ["发票", "破产", "专利", "商标", "物流"]
    assert len(doc_terms_for_english("water gas electricity tax land housing", limit=3)) == 3


def test_table_is_loaded_once_and_carries_the_cc_by_sa_attribution() -> None:
    assert load_bilingual() is load_bilingual()
    header = importlib.resources.files("assistant").joinpath("data", "en_zh.tsv").read_text(encoding="utf-8")
    assert "CC-CEDICT" in header[:2000] and "CC BY-SA 4.0" in header[:2000]


def test_exact_form_goes_before_its_folded_relatives() -> None:
    terms = doc_terms_for_english("customs")
    assert terms[0] == "海关"
    assert "习惯" not in terms[:2]  # custom (habit) folds onto the same key, but after the exact form


def test_known_hyphenated_compound_replaces_its_parts() -> None:
    terms = doc_terms_for_english("one-stop service")
    assert terms[0] == "一站式"
    assert doc_terms_for_english("stop")[0] not in terms  # stop alone means something else
    assert "一站式" not in doc_terms_for_english("stop")


def test_hyphenated_compound_is_also_found_written_apart() -> None:
    assert (
        doc_terms_for_english("cross border trade")[0] == doc_terms_for_english("cross-border")[0] == "跨境"
    )


def test_unknown_hyphenated_compound_gives_way_to_its_parts() -> None:
    assert doc_terms_for_english("e-commerce") == doc_terms_for_english("commerce") != []


@pytest.mark.parametrize(
    ("british", "term"),
    [
        ("licence", "执照"),
        ("centres", "中心"),
        ("labour", "劳动"),
        ("standardising", "规范化"),
        ("enrolled", "注册"),
    ],
)
def test_a_british_spelling_reaches_the_terms_of_its_american_form(british: str, term: str) -> None:
    assert term in doc_terms_for_english(british)


def test_a_word_ending_like_a_british_spelling_is_not_respelled() -> None:
    assert doc_terms_for_english("evidence") == doc_terms_for_english("evidense") == []  # no "evidense" key
    assert doc_terms_for_english("hour")[:1] == ["小时"]  # a key of its own: -our is not read as -or


def test_a_short_stem_under_a_two_letter_suffix_is_no_relative() -> None:
    # sector is no sect (门户), factor no fact; a five-letter stem still derives (investor -> invest)
    assert "门户" not in doc_terms_for_english("sector", limit=5)
    assert "投资" in doc_terms_for_english("investors", limit=5)


@pytest.mark.parametrize(("noun", "term"), [("rectification", "整改"), ("simplification", "简化")])
def test_an_ification_noun_reaches_its_ify_verb_s_term(noun: str, term: str) -> None:
    # CC-CEDICT glosses 整改 "to rectify", never "rectification" (its own key is 正名, rectification of names)
    assert term in doc_terms_for_english(noun)


@pytest.mark.parametrize(
    ("english", "term"), [("rooftop solar", "光伏"), ("tax filing", "申报"), ("sectors", "行业")]
)
def test_business_words_cc_cedict_leaves_unglossed_reach_the_document(english: str, term: str) -> None:
    assert term in doc_terms_for_english(english)
