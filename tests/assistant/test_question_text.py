"""The question's text: normalization, validation, language, task/item numbers, citation markers, and the
prompts/ templates they rely on."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

import prompts
from assistant.question_text import (
    SourceRef,
    cn_to_int,
    detect_language,
    extract_references,
    format_marker,
    int_to_cn,
    normalize_question,
    parse_markers,
    validate_question,
)
from vectorstore.errors import InvalidQuestionError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  第57项\t任务\n是什么？ ", "第57项 任务 是什么?"),
        ("第５７项", "第57项"),
        ("（三）优化要素供给机制", "(三)优化要素供给机制"),
        ("用气\u200b报装\x00要多久", "用气报装要多久"),
        ("Task\u00a0\u00a057", "Task 57"),
        ("占比９０％", "占比90%"),
    ],
)
def test_normalize_question(raw: str, expected: str) -> None:
    assert normalize_question(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("\u200b\u200b", "empty"),
        ("x" * 21, "too long"),
        ("🙂🙂🙂", "no words"),
        ("？？！！……", "no words"),
        ("57", "no words"),
        (None, "text string"),
    ],
)
def test_validate_question_rejects(raw: object, message: str) -> None:
    with pytest.raises(InvalidQuestionError, match=message):
        validate_question(raw, max_chars=20)


def test_validate_question_returns_normalized_text_at_the_limit() -> None:
    assert validate_question("  第５７项  是什么？ " + " " * 20, max_chars=11) == "第57项 是什么?"


def test_too_long_message_names_the_limit() -> None:
    with pytest.raises(InvalidQuestionError, match=r"2001 characters; the limit is 2000"):
        validate_question("问" * 2001, max_chars=2000)


# ---------------------------------------------------------------- language


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("用气报装要多久？", "zh"),
        ("How long does a gas connection take?", "en"),
        ("What tasks does 区税务局 lead?", "en"),
        ("Who leads 区住房城乡建委?", "en"),
        ("and 区税务局?", "en"),
        ("第34项 who leads", "en"),
        ("区市场监管局负责哪些任务 ok", "zh"),
        ("第34项任务的牵头单位是谁", "zh"),
        ("DN50-DN200用水项目多久办结", "zh"),
        ("12345热线", "zh"),
    ],
)
def test_language(question: str, language: str) -> None:
    assert detect_language(normalize_question(question)) == language


# ---------------------------------------------------------------- task and item numbers

REFERENCES = [
    ("第57项任务是什么", [57], []),
    ("第57项", [57], []),
    ("第57条任务", [57], []),
    ("任务57", [57], []),
    ("任务 57 的牵头单位", [57], []),
    ("57号任务", [57], []),
    ("第五十七项", [57], []),
    ("第一百零五项任务", [105], []),
    ("第一百七十六项", [176], []),
    ("序号57", [57], []),
    ("序号为12的任务", [12], []),
    ("附件第100项", [100], []),
    ("第3、5项任务", [3, 5], []),
    ("第3项和第5项", [3, 5], []),
    ("第3至5项", [3, 4, 5], []),
    ("task 57", [57], []),
    ("Task #57", [57], []),
    ("tasks 5 and 7", [5, 7], []),
    ("tasks 3-5", [3, 4, 5], []),
    ("task no. 12", [12], []),
    ("item 57", [57], []),
    ("（三）优化要素供给机制是什么", [], [3]),
    ("通知第（十二）项", [], [12]),
    ("通知第十二项", [], [12]),
    ("通知中第三项的责任单位", [], [3]),
    ("第三条措施", [], [3]),
    ("第(3)项", [], [3]),
    ("notice item 12", [], [12]),
    ("item 3 of the notice", [], [3]),
    ("13个工作日内办结吗", [], []),
    ("2021年贷款担保超过3亿元", [], []),
    ("综合窗口占比达到90%以上", [], []),
    ("第三方评估由谁负责", [], []),
    ("第一批告知承诺制证明事项", [], []),
    ("任务2021年完成吗", [], []),
    ("附件一共有多少项任务", [], []),
    ("通知一共几项", [], []),
    ("10千伏城镇用户多少个工作日", [], []),
    ("how many days for task 34", [34], []),
    ("第34项和（三）", [34], [3]),
    ("第二十一条", [21], []),
    ("通知的第二部分讲什么", [], []),
    ("12345热线", [], []),
    ("任务12345", [], []),
]


@pytest.mark.parametrize(("question", "tasks", "items"), REFERENCES)
def test_references(question: str, tasks: list[int], items: list[int]) -> None:
    assert extract_references(normalize_question(question)) == (tasks, items)


# ---------------------------------------------------------------- intent and flags

INTENTS = [
    ("第57项任务的牵头单位是谁？", "task_lookup"),
    ("task 57", "task_lookup"),
    ("通知第（十二）项讲了什么", "item_lookup"),
    ("notice item 12", "item_lookup"),
    ("区税务局负责哪些任务？", "list_lead"),
    ("税务局牵头了哪些任务", "list_lead"),
    ("区市场监管局牵头了几项任务", "list_lead"),
    ("列出区政务办的任务", "list_lead"),
    ("What tasks does the tax bureau lead?", "list_lead"),
    ("What is 区税务局 responsible for?", "list_lead"),
    ("区税务局配合哪些任务", "list_coop"),
    ("Which tasks does the market regulation bureau cooperate on?", "list_coop"),
    ("用气报装由哪个部门负责", "who_leads"),
    ("用气报装慢，该找谁？", "who_leads"),
    ("企业开办的事转哪个部门", "who_leads"),
    ("不动产登记归谁管", "who_leads"),
    ("Who is responsible for gas connections?", "who_leads"),
    ("Which department handles water connections?", "who_leads"),
    ("用气报装的配合单位有哪些", "who_coops"),
    ("哪些单位配合推进用水报装", "who_coops"),
    ("Which units cooperate on tax services?", "who_coops"),
    ("燃气报装要多久？", "numeric"),
    ("获得用电需要几个工作日", "numeric"),
    ("镇街综合窗口占比是多少", "numeric"),
    ("How long does a gas connection take?", "numeric"),
    ("What percentage of windows are comprehensive?", "numeric"),
    ("这个文件什么时候印发的", "meta"),
    ("谁发布的这个通知", "meta"),
    ("工作目标是到哪一年", "meta"),
    ("指导思想是什么", "meta"),
    ("（一）指导思想的内容", "meta"),
    ("附件一共有多少项任务", "meta"),
    ("When was the notice issued?", "meta"),
    ("Who issued the notice?", "meta"),
    ("企业简易注销改革", "search"),
    ("Tell me about simplified deregistration", "search"),
]


@pytest.mark.parametrize(
    ("ref", "zh", "en"),
    [
        (SourceRef(type="task", id=34), "〔任务34〕", "[Task 34]"),
        (SourceRef(type="item", id=3), "〔通知（三）〕", "[Notice item 3]"),
        (SourceRef(type="item", id=21), "〔通知（二十一）〕", "[Notice item 21]"),
        (SourceRef(type="meta", id=0), "〔通知正文〕", "[Notice]"),
    ],
)
def test_marker_format_and_parse(ref: SourceRef, zh: str, en: str) -> None:
    assert (format_marker(ref, "zh"), format_marker(ref, "en")) == (zh, en)
    assert parse_markers(f"前文{zh}后文{en}再次{zh}") == [ref]


def test_parse_markers_keeps_order_and_ignores_lookalikes() -> None:
    text = "见〔通知（三）〕、[Task 7]与〔任务34〕；渝经信发〔2019〕119号；[task 9]；〔任务〕"
    assert parse_markers(text) == [
        SourceRef(type="item", id=3),
        SourceRef(type="task", id=7),
        SourceRef(type="task", id=34),
    ]


@given(st.integers(min_value=0, max_value=999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert cn_to_int(int_to_cn(n)) == n


@pytest.mark.parametrize(
    ("numeral", "value"), [("三", 3), ("十二", 12), ("二十一", 21), ("一百零五", 105), ("两百", 200)]
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert cn_to_int(numeral) == value


# ---------------------------------------------------------------- prompts/ templates


@pytest.mark.parametrize("lang", prompts.LANGUAGES)
def test_every_phrase_formats_with_its_documented_fields(lang: str) -> None:
    fields = prompts.phrase_fields()
    phrases = prompts.load_phrases(lang)
    assert set(phrases) == set(fields)
    for key, template in phrases.items():
        assert _placeholders(template) <= set(fields[key]), key
        filled = template.format(**_sample(fields[key]))
        assert "{" not in filled and filled.strip(), key


@pytest.mark.parametrize("lang", prompts.LANGUAGES)
def test_every_llm_prompt_formats_with_its_documented_fields(lang: str) -> None:
    for key, fields in prompts.prompt_fields().items():
        template = prompts.get_prompt(key, lang)
        assert _placeholders(template) == set(fields), key
        assert "{" not in template.format(**_sample(fields)), key


def test_phrases_name_the_hotline_and_the_unknown_task() -> None:
    assert "12345" in prompts.get_phrase("refusal", "zh") and "12345" in prompts.get_phrase("refusal", "en")
    assert (
        prompts.format_phrase("unknown_task", "zh", n=999, total=176)
        == "文件中没有第999项任务（附件共176项）。"
    )
    assert (
        prompts.format_phrase("task_list_lead_header", "zh", unit="区税务局", n=3)
        == "区税务局牵头的任务共3项："
    )
    english = prompts.format_phrase("unit_name", "en", name="区税务局", english="District Tax Bureau")
    assert english == "区税务局 (District Tax Bureau)"


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        prompts.load_phrases("fr")


# ---------------------------------------------------------------- the real unit directory


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _sample(fields: list[str]) -> dict[str, object]:
    return {name: f"<{name}>" for name in fields}
