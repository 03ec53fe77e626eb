"""Question analysis tables: normalization, validation, language, task/item numbers, intent, follow-ups,
citation markers, and the prompts/ templates they rely on."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

import prompts
from assistant.intent import (
    SourceRef,
    analyze_question,
    cn_to_int,
    format_marker,
    int_to_cn,
    normalize_question,
    parse_markers,
    resolve_followup,
    validate_question,
)
from assistant.models import ChatMessage
from vectorstore.errors import InvalidQuestionError


class FakeUnits:
    """A tiny stand-in unit directory: canonical name -> aliases, plain substring matching."""

    ALIASES = {
        "区税务局": ["区税务局", "税务局", "tax bureau"],
        "区市场监管局": ["区市场监管局", "市场监管局", "market regulation"],
        "区经济信息委": ["区经济信息委", "经信委"],
        "区住房城乡建委": ["区住房城乡建委", "住建委"],
        "区政务办": ["区政务办", "政务办"],
    }

    def find_units(self, text: str) -> list[str]:
        lowered = text.lower()
        return [name for name, aliases in self.ALIASES.items() if any(a in lowered for a in aliases)]


UNITS = FakeUnits()
HISTORY = [
    {"role": "user", "content": "用气报装要多久？"},
    {"role": "assistant", "content": "不超过13个工作日〔任务34〕。"},
]


def analyze(question: str, history: list[dict] | None = None):
    return analyze_question(question, history, UNITS)


# ---------------------------------------------------------------- normalization and validation


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
    assert validate_question("  第５７项  是什么？ " + " " * 50, max_chars=11) == "第57项 是什么?"


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
    assert analyze(question).language == language


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
    analysis = analyze(question)
    assert (analysis.task_numbers, analysis.item_numbers) == (tasks, items)


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


@pytest.mark.parametrize(("question", "intent"), INTENTS)
def test_intent(question: str, intent: str) -> None:
    assert analyze(question).intent == intent


@pytest.mark.parametrize(
    ("question", "lead", "coop", "numbers"),
    [
        ("第34项谁牵头，配合单位又有哪些", True, True, False),
        ("第34项的配合单位", False, True, False),
        ("第34项要求几个工作日办结", False, False, True),
        ("用气报装谁牵头、多久办结", True, False, True),
        ("Who leads and who cooperates on task 34?", True, True, False),
        ("区税务局牵头和配合哪些任务", True, True, False),
    ],
)
def test_flags(question: str, lead: bool, coop: bool, numbers: bool) -> None:
    analysis = analyze(question)
    assert (analysis.wants_lead, analysis.wants_coop, analysis.wants_numbers) == (lead, coop, numbers)


@pytest.mark.parametrize(
    ("question", "fields"),
    [
        ("发文日期是哪天", ["date"]),
        ("这个通知是哪些单位联合印发的", ["issuers"]),
        ("文件全称是什么", ["title"]),
        ("方案贯彻落实的是哪个文件", ["implements"]),
        ("方案根据哪些文件制定", ["based_on"]),
        ("By which year should the goals be met?", ["target_year"]),
        ("工作目标是什么", ["goals"]),
        ("营商环境要在哪一年进入国际一流", ["target_year"]),
        ("哪一年印发的", ["date"]),
        ("这个方案是哪两个单位发的", ["issuers"]),
        ("In which year was the notice issued?", ["date"]),
        ("附件共有几项任务", ["task_count"]),
    ],
)
def test_meta_fields(question: str, fields: list[str]) -> None:
    analysis = analyze(question)
    assert (analysis.intent, analysis.meta_fields) == ("meta", fields)


@pytest.mark.parametrize(
    ("question", "units"),
    [
        ("税务局和经信委各负责哪些任务", ["区税务局", "区经济信息委"]),
        ("What does the tax bureau lead?", ["区税务局"]),
        ("用气报装要多久", []),
    ],
)
def test_units(question: str, units: list[str]) -> None:
    assert analyze(question).units == units


@pytest.mark.parametrize(
    ("question", "history", "followup"),
    [
        ("那用水呢？", HISTORY, True),
        ("配合单位呢", HISTORY, True),
        ("它的牵头单位是谁", HISTORY, True),
        ("该任务由谁牵头", HISTORY, True),
        ("What about water?", HISTORY, True),
        ("and the tax bureau?", HISTORY, True),
        ("那用水呢？", None, False),
        ("用水报装要多久？", HISTORY, False),
        ("其他部门负责哪些任务", HISTORY, False),
        (
            "那么，对于小型低风险项目，有外线建设办理时限从多少个工作日压减为全流程总用时不超过多少个工作日呢",
            HISTORY,
            False,
        ),
    ],
)
def test_is_followup(question: str, history: list[dict] | None, followup: bool) -> None:
    assert analyze(question, history).is_followup is followup


# ---------------------------------------------------------------- follow-up resolution


def _resolve(previous_q: str, previous_a: str, question: str):
    history = [{"role": "user", "content": previous_q}, {"role": "assistant", "content": previous_a}]
    context = resolve_followup(analyze(question, history), history, UNITS)
    assert context is not None
    return context


def test_followup_new_topic_keeps_the_previous_intent() -> None:
    context = _resolve(
        "How long does a gas connection take?", "At most 13 working days [Task 34].", "What about water?"
    )
    assert context.previous_question == "How long does a gas connection take?"
    assert context.previous_refs == [SourceRef(type="task", id=34)]
    assert (context.resolved.intent, context.resolved.task_numbers) == ("numeric", [])
    assert context.query == "water how long"


def test_followup_new_topic_in_chinese() -> None:
    context = _resolve("用气报装要多久？", "不超过13个工作日〔任务34〕。", "那用水呢？")
    assert (context.resolved.intent, context.resolved.task_numbers) == ("numeric", [])
    assert context.query == "用水 多久"


def test_followup_carries_the_task_from_the_previous_question() -> None:
    context = _resolve("第57项谁牵头？", "该事项由区税务局牵头〔任务57〕。", "配合单位呢")
    resolved = context.resolved
    assert (resolved.intent, resolved.task_numbers, resolved.wants_coop, resolved.wants_lead) == (
        "task_lookup",
        [57],
        True,
        False,
    )


def test_followup_takes_the_task_from_the_cited_marker() -> None:
    context = _resolve("用气报装谁牵头？", "该事项由区经济信息委牵头〔任务34〕。", "它的配合单位呢？")
    assert (context.resolved.intent, context.resolved.task_numbers) == ("task_lookup", [34])


@pytest.mark.parametrize(
    "question",
    ["这个任务的牵头单位是谁", "What about the cooperating units?", "该任务多久办结", "它的配合单位呢？"],
)
def test_followup_about_the_same_task(question: str) -> None:
    context = _resolve("第57项是什么", "第57项任务……〔任务57〕", question)
    assert (context.resolved.intent, context.resolved.task_numbers) == ("task_lookup", [57])


def test_followup_swaps_the_unit_and_keeps_the_list_intent() -> None:
    answer = "区市场监管局牵头的任务共3项：〔任务1〕〔任务2〕〔任务5〕"
    context = _resolve("区市场监管局负责哪些任务？", answer, "那区税务局呢？")
    assert (context.resolved.intent, context.resolved.units) == ("list_lead", ["区税务局"])
    assert context.previous_refs == [SourceRef(type="task", id=n) for n in (1, 2, 5)]


def test_followup_keeps_notice_context_for_a_bare_item_number() -> None:
    context = _resolve("通知第三项的责任单位？", "……〔通知（三）〕。", "那第十二项呢")
    assert (context.resolved.intent, context.resolved.item_numbers) == ("item_lookup", [12])


def test_followup_with_many_cited_tasks_does_not_guess_one() -> None:
    answer = "".join(f"〔任务{n}〕" for n in range(1, 8))
    context = _resolve("哪些任务涉及用地？", answer, "配合单位呢")
    assert context.resolved.task_numbers == []


def test_non_followup_is_left_alone() -> None:
    context = _resolve("第57项谁牵头？", "〔任务57〕", "用水报装要多久？")
    assert (context.resolved.intent, context.resolved.task_numbers, context.query) == (
        "numeric",
        [],
        "用水报装要多久?",
    )


def test_history_of_chat_messages_with_the_current_question_repeated() -> None:
    history = [
        ChatMessage(role="system", content="be brief"),
        ChatMessage(role="user", content="第57项谁牵头？"),
        ChatMessage(role="assistant", content="该事项由区税务局牵头〔任务57〕。"),
        ChatMessage(role="user", content="配合单位呢"),
    ]
    context = resolve_followup(analyze_question("配合单位呢", history, UNITS), history, UNITS)  # type: ignore[arg-type]
    assert context is not None
    assert (context.previous_question, context.resolved.task_numbers) == ("第57项谁牵头?", [57])


def test_no_previous_question_means_no_context() -> None:
    assert resolve_followup(analyze("那用水呢？"), [], UNITS) is None
    only_current = [{"role": "user", "content": "那用水呢？"}]
    assert resolve_followup(analyze("那用水呢？", only_current), only_current, UNITS) is None


# ---------------------------------------------------------------- citation markers


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


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _sample(fields: list[str]) -> dict[str, object]:
    return {name: f"<{name}>" for name in fields}


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


@pytest.mark.parametrize(
    ("question", "intent", "units"),
    [
        ("What tasks does the District Taxation Bureau lead?", "list_lead", ["区税务局"]),
        ("税务局负责哪些任务", "list_lead", ["区税务局"]),
        ("区经济信息委配合哪些任务", "list_coop", ["区经济信息委"]),
    ],
)
def test_with_the_real_unit_directory(question: str, intent: str, units: list[str]) -> None:
    from ingest.units import load_unit_directory

    analysis = analyze_question(question, None, load_unit_directory())
    assert (analysis.intent, analysis.units) == (intent, units)
