"""The document's vocabulary built from the real parsed document: IDF, a question's topic words, everyday
synonyms and typos mapped to the document's words, anchors the document lacks, and the invariant that nothing
the document itself prints is treated as outside it."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from assistant.bilingual import doc_terms_for_english
from assistant.config import REPO_ROOT
from assistant.lexicon import DocumentLexicon, TopicTerm, build_lexicon
from assistant.vocabulary import INJECTION, KIND_CUES, VALUE_PATTERNS
from ingest.parser import load_document
from ingest.records import PolicyDocument
from ingest.sentences import record_sentences

SOURCE = REPO_ROOT / "data" / "jiulongpo-business-environment-2021.txt"


@pytest.fixture(scope="module")
def doc() -> PolicyDocument:
    return load_document(SOURCE)


@pytest.fixture(scope="module")
def lexicon(doc: PolicyDocument) -> DocumentLexicon:
    from ingest.units import load_unit_directory

    units = load_unit_directory()
    return build_lexicon(doc, units.all_names(cjk_only=True))


def _gazetteer() -> list[str]:
    text = resources.files("assistant").joinpath("places.toml").read_text(encoding="utf-8")
    return [name for names in tomllib.loads(text)["places"].values() for name in names]


def _terms(lexicon: DocumentLexicon, question: str, language: str = "zh") -> dict[str, TopicTerm]:
    return {t.text: t for t in lexicon.topic_terms(question, language)}


# ---------------------------------------------------------------- IDF


@pytest.mark.parametrize(
    ("rare", "common"),
    [("用气", "企业"), ("黄磏港", "推进"), ("招标投标", "营商环境"), ("知识产权", "服务")],
)
def test_a_rare_word_weighs_more_than_a_common_one(lexicon: DocumentLexicon, rare: str, common: str) -> None:
    assert 0 < lexicon.df(rare) < lexicon.df(common)
    assert lexicon.idf(rare) > lexicon.idf(common)


def test_a_word_in_no_record_has_the_maximum_idf(lexicon: DocumentLexicon) -> None:
    assert lexicon.df("火锅") == 0
    assert lexicon.idf("火锅") == pytest.approx(lexicon.max_idf)
    assert lexicon.idf("用气") < lexicon.max_idf


def test_df_counts_records_not_occurrences(lexicon: DocumentLexicon, doc: PolicyDocument) -> None:
    # 用气 appears several times in one notice item and in the gas rows; df counts each record once
    assert lexicon.df("用气") <= len(lexicon.records)
    assert lexicon.df("用气") == sum("用气" in r for r in lexicon.records)
    assert len(lexicon.records) == len(doc.tasks) + len(doc.items) + 3


# ---------------------------------------------------------------- topic terms


def test_topic_terms_drop_scaffolding_and_function_words(lexicon: DocumentLexicon) -> None:
    terms = _terms(lexicon, "请问我们公司的用气报装一般要多久呢？")
    assert {"用气", "报装"} <= set(terms)
    for word in ("请问", "我们", "公司", "一般", "多久", "呢", "的"):
        assert word not in terms


def test_english_topic_terms_drop_scaffolding(lexicon: DocumentLexicon) -> None:
    terms = _terms(lexicon, "Please tell me how long the gas connection takes for our company", "en")
    assert "gas" in terms
    for word in ("please", "tell", "how", "long", "the", "our", "company", "takes"):
        assert word not in terms


@pytest.mark.parametrize(
    ("question", "word", "doc_word"),
    [
        ("天然气开通要多久", "天然气", "用气"),
        ("自来水接入找谁", "自来水", "用水"),
        ("打官司去哪里", "打官司", "诉讼"),
        ("我想开店", "开店", "开办企业"),
        ("房产证怎么办", "房产证", "不动产登记"),
        ("老外来办事有什么便利", "老外", "外籍"),
        ("交税能网上办吗", "交税", "纳税"),
    ],
)
def test_everyday_words_map_to_the_documents_words(
    lexicon: DocumentLexicon, question: str, word: str, doc_word: str
) -> None:
    term = _terms(lexicon, question)[word]
    assert term.in_document
    assert doc_word in term.doc_forms
    assert doc_word in lexicon.text


@pytest.mark.parametrize(
    ("typo", "doc_word"),
    [
        ("融姿", "融资"),
        ("审披", "审批"),
        ("诉颂", "诉讼"),
        ("许刻", "许可"),
        ("报桩", "报装"),
        ("营业执招", "营业执照"),
    ],
)
def test_near_word_maps_a_typo_to_the_document_word(
    lexicon: DocumentLexicon, typo: str, doc_word: str
) -> None:
    assert typo not in lexicon.text
    assert lexicon.near_word(typo) == doc_word


def test_a_typo_topic_word_is_weighed_as_the_document_word(lexicon: DocumentLexicon) -> None:
    term = _terms(lexicon, "保显理赔怎么办")["保显"]
    assert term.in_document
    assert term.doc_forms == ("保险",)


@pytest.mark.parametrize(
    ("question", "foreign"),
    [
        ("火锅店的营业执照怎么办", "火锅店"),
        ("今天天气怎么样", "今天天气"),
        ("股票价格是多少", "股票价格"),
    ],
)
def test_off_domain_nouns_are_not_in_the_document(
    lexicon: DocumentLexicon, question: str, foreign: str
) -> None:
    terms = _terms(lexicon, question)
    assert not terms[foreign].in_document
    assert terms[foreign].idf == pytest.approx(lexicon.max_idf)


def test_a_document_word_next_to_an_off_domain_noun_stays_in_the_document(lexicon: DocumentLexicon) -> None:
    terms = _terms(lexicon, "火锅店的营业执照怎么办")
    assert terms["营业执照"].in_document


@pytest.mark.parametrize(
    ("question", "word", "inside"),
    [
        ("How long does gas connection take?", "gas", True),
        ("What is the weather in Chongqing?", "weather", False),
        ("What is the price of apple shares?", "apple", False),
    ],
)
def test_english_words_reach_the_document_through_the_dictionary(
    lexicon: DocumentLexicon, question: str, word: str, inside: bool
) -> None:
    term = _terms(lexicon, question, "en")[word]
    assert term.in_document is inside
    if inside:
        assert term.doc_forms and all(f in lexicon.text for f in term.doc_forms)


# ---------------------------------------------------------------- typo correction


@pytest.mark.parametrize(
    ("question", "corrected"),
    [
        ("用气报桩要多久", "用气报装要多久"),
        ("项目审披要多久", "项目审批要多久"),
        ("纳税审报怎么办", "纳税申报怎么办"),
        ("融姿担保有哪些", "融资担保有哪些"),
        ("诉颂服务怎么样", "诉讼服务怎么样"),
        ("单保公司有哪些", "担保公司有哪些"),
        ("企业备按需要什么", "企业备案需要什么"),
        ("企页开办要多久", "企业开办要多久"),
        ("营伤环境怎么样", "营商环境怎么样"),
        ("招彪投标怎么管", "招标投标怎么管"),
        ("税雾服务怎么样", "税务服务怎么样"),
        ("知识产全保护", "知识产权保护"),
        ("施工许刻多久", "施工许可多久"),
        ("用电保装", "用电报装"),
        ("跨境贸遗", "跨境贸易"),
        ("哪个部门陪合", "哪个部门配合"),  # a question-vocabulary word, not only a document word
    ],
)
def test_correct_typos_fixes_two_character_homophone_slips(
    lexicon: DocumentLexicon, question: str, corrected: str
) -> None:
    assert lexicon.correct_typos(question) == corrected


@pytest.mark.parametrize(
    "question",
    [
        "天然气报装要多久",
        "员工社保怎么交",
        "今天天气怎么样",
        "我们企业想贷款",
        "他们说明天下雨",
        "我想去吃火锅",
        "证照办理",
        "用水接入",
        "营商环境",
        "信用修复怎么办",
    ],
)
def test_correct_typos_leaves_real_words_alone(lexicon: DocumentLexicon, question: str) -> None:
    assert lexicon.correct_typos(question) == question


def test_correct_typos_leaves_every_document_sentence_alone(
    lexicon: DocumentLexicon, doc: PolicyDocument
) -> None:
    changed = []
    for sentences in record_sentences(doc).values():
        for s in sentences[:3]:
            text = s.text.lower()
            if lexicon.correct_typos(text) != text:
                changed.append(text)
    assert not changed, changed[:5]


# ---------------------------------------------------------------- anchors the document lacks


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("北京的用气报装要多久？", "北京"),
        ("成都开办企业要几天？", "成都"),
        ("渝中区谁负责不动产登记？", "渝中"),
        ("How long is gas connection in Shanghai?", "shanghai"),
    ],
)
def test_foreign_places(lexicon: DocumentLexicon, question: str, place: str) -> None:
    assert lexicon.foreign_places(question) == [place]


@pytest.mark.parametrize(
    "question", ["九龙坡区的用气报装要多久？", "用气报装要多久？", "新加坡企业来投资有什么服务？"]
)
def test_places_the_document_names_are_not_foreign(lexicon: DocumentLexicon, question: str) -> None:
    assert lexicon.foreign_places(question) == []


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("2030年要实现什么目标？", ["2030"]),
        ("What was done in 2018?", ["2018"]),
        ("2025年要达到什么目标？", []),
        ("2021年贷款担保超过多少？", []),
        ("用气报装要多久？", []),
    ],
)
def test_foreign_years(lexicon: DocumentLexicon, question: str, years: list[str]) -> None:
    assert lexicon.foreign_years(question) == years


@pytest.mark.parametrize(
    ("question", "titles"),
    [
        ("《优化营商环境条例》是什么？", []),
        ("《重庆市优化营商环境条例》里怎么说？", []),
        ("《成渝地区双城经济圈建设规划纲要》怎么落实？", ["成渝地区双城经济圈建设规划纲要"]),
        ("《九龙坡区火锅产业发展规划》讲了什么？", ["九龙坡区火锅产业发展规划"]),
    ],
)
def test_foreign_titles(lexicon: DocumentLexicon, question: str, titles: list[str]) -> None:
    assert lexicon.foreign_titles(question) == titles


def test_a_title_the_document_breaks_over_lines_is_still_found(lexicon: DocumentLexicon) -> None:
    # printed as 《重庆市国土空间\n规划管理工作规程》
    assert lexicon.foreign_titles("《重庆市国土空间规划管理工作规程》有什么要求？") == []


# ---------------------------------------------------------------- invariant: nothing the document prints is foreign


def test_no_gazetteer_place_the_document_contains_is_foreign(lexicon: DocumentLexicon) -> None:
    places = _gazetteer()
    assert len(places) > 100
    inside = [p for p in places if p in lexicon.text]
    assert inside  # the property is not vacuous: 九龙坡 at least
    for place in places:
        found = lexicon.foreign_places(f"{place}的用气报装要多久？")
        # an English name counts as named when its Chinese name (a gazetteer place) is in the text: singapore/新加坡
        chinese = [g for g in doc_terms_for_english(place, limit=3) if g in places] if place.isascii() else []
        if place in lexicon.text or any(g in lexicon.text for g in chinese):
            assert place not in found, place
        else:
            assert place in found, place


def test_no_document_sentence_names_a_foreign_anchor(lexicon: DocumentLexicon, doc: PolicyDocument) -> None:
    offending = []
    for sentences in record_sentences(doc).values():
        for s in sentences:
            anchors = [
                *lexicon.foreign_places(s.text),
                *lexicon.foreign_years(s.text),
                *lexicon.foreign_titles(s.text),
            ]
            if anchors:
                offending.append((s.type, s.ref, anchors))
    assert not offending, offending[:5]


def test_every_title_the_document_quotes_is_not_foreign(lexicon: DocumentLexicon) -> None:
    raw = SOURCE.read_text(encoding="utf-8")
    titles = re.findall(r"《([^》]{2,60})》", raw)
    assert len(titles) > 10
    assert [t for t in titles if lexicon.foreign_titles(f"《{t}》的内容")] == []


def test_every_year_the_document_states_with_nian_is_not_foreign(lexicon: DocumentLexicon) -> None:
    raw = SOURCE.read_text(encoding="utf-8")
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})\s*年", raw))
    assert {"2021", "2025"} <= years
    for year in years:
        assert lexicon.foreign_years(f"{year}年要完成什么？") == [], year
        assert lexicon.foreign_years(f"What is planned for {year}?") == [], year


def test_every_year_the_document_prints_is_not_foreign(lexicon: DocumentLexicon) -> None:
    raw = SOURCE.read_text(encoding="utf-8")
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", raw))
    assert "2019" in years
    assert [y for y in sorted(years) if lexicon.foreign_years(f"{y}年印发的文件有哪些？")] == []


def test_the_injection_pattern_matches_nothing_in_the_document(doc: PolicyDocument) -> None:
    raw = SOURCE.read_text(encoding="utf-8")
    assert INJECTION.search(raw) is None
    assert INJECTION.search(re.sub(r"\s+", "", raw)) is None
    hits = [s.text for v in record_sentences(doc).values() for s in v if INJECTION.search(s.text)]
    assert hits == []


def test_the_document_states_no_achieved_statistic(doc: PolicyDocument) -> None:
    # A plan states targets, not results: no sentence of it is a value of the "statistic" kind, so a question
    # that asks for an achieved figure can only be answered with "not stated".
    sentences = [s.text for v in record_sentences(doc).values() for s in v]
    assert len(sentences) > 400
    assert [s for s in sentences if VALUE_PATTERNS["statistic"].search(s)] == []


def test_contact_values_in_the_document_are_only_the_12345_hotline(doc: PolicyDocument) -> None:
    values = {
        m.group(0)
        for v in record_sentences(doc).values()
        for s in v
        for m in VALUE_PATTERNS["contact"].finditer(s.text)
    }
    assert values == {"12345"}


def test_contact_and_statistic_cues_hit_only_a_few_document_sentences(doc: PolicyDocument) -> None:
    # The refusal-driving cues do occur in the plan's own wording (热线, 电话, 结合实际, 统计); this pins how many
    # sentences they hit so a new cue that swallows ordinary document language is noticed.
    sentences = [s.text.lower() for v in record_sentences(doc).values() for s in v]
    contact = [s for s in sentences if KIND_CUES["contact"].search(s)]
    statistic = [s for s in sentences if KIND_CUES["statistic"].search(s)]
    assert len(contact) <= 8, contact
    assert len(statistic) <= 12, statistic
