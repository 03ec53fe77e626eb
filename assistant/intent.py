"""Question analysis without a model: language, explicit task/item numbers, units, intent, follow-ups.

Task numbers are annex rows (第57项, 任务57, 57号任务, 序号57, task 57); item numbers are notice items
(（三）, 通知第十二项, 第三条措施, notice item 12). A bare 第N项 / "item N" is a task unless the question speaks
of the notice (通知 / 正文 / notice). Citation markers are the formats of prompts/answers.toml.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from assistant.markers import SourceRef, cn_to_int, find_markers, format_marker, int_to_cn, parse_markers
from vectorstore.errors import InvalidQuestionError

__all__ = [
    "FollowupContext",
    "QuestionAnalysis",
    "SourceRef",
    "analyze_question",
    "cn_to_int",
    "extract_references",
    "find_markers",
    "format_marker",
    "int_to_cn",
    "normalize_question",
    "parse_markers",
    "resolve_followup",
    "validate_question",
]

Intent = Literal[
    "task_lookup",
    "item_lookup",
    "list_lead",
    "list_coop",
    "who_leads",
    "who_coops",
    "numeric",
    "meta",
    "search",
]
Language = Literal["zh", "en"]


class UnitFinder(Protocol):
    """Anything that names the units mentioned in a text (ingest.units.UnitDirectory)."""

    def find_units(self, text: str) -> list[str]: ...


class QuestionAnalysis(BaseModel):
    """What a question asks for, as far as rules can tell."""

    question: str = Field(description="The normalized question")
    language: Language
    intent: Intent
    task_numbers: list[int] = Field(default_factory=list)
    item_numbers: list[int] = Field(default_factory=list)
    units: list[str] = Field(default_factory=list)
    wants_lead: bool = False
    wants_coop: bool = False
    wants_numbers: bool = False
    meta_fields: list[str] = Field(
        default_factory=list,
        description="Notice facts asked for: date, issuers, title, target_year, goals, guiding_ideology, "
        "implements, based_on, task_count",
    )
    is_followup: bool = False
    cue_words: list[str] = Field(default_factory=list, description="Intent cue phrases found, in text order")


class FollowupContext(BaseModel):
    """The previous turn's focus and the current question resolved against it."""

    previous_question: str
    previous_answer: str = ""
    previous_refs: list[SourceRef] = Field(default_factory=list)
    previous: QuestionAnalysis
    resolved: QuestionAnalysis
    query: str = Field(description="A standalone retrieval query for the current turn")


# ---------------------------------------------------------------- normalization and validation

_CONTROL = {"Cc", "Cf", "Cs", "Co"}


def normalize_question(text: str) -> str:
    """NFKC, drop control/format characters, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _CONTROL
    )
    return " ".join(text.split())


def validate_question(text: object, max_chars: int) -> str:
    """Return the normalized question or raise InvalidQuestionError (empty, too long, no words)."""
    if not isinstance(text, str):
        raise InvalidQuestionError("The question must be a text string.")
    question = normalize_question(text)
    if not question:
        raise InvalidQuestionError("The question is empty.")
    if len(question) > max_chars:
        raise InvalidQuestionError(
            f"The question is too long ({len(question)} characters; the limit is {max_chars})."
        )
    if not any(unicodedata.category(ch).startswith("L") for ch in question):
        raise InvalidQuestionError("The question contains no words (letters or Chinese characters).")
    return question


# ---------------------------------------------------------------- task and item numbers

_NUM = r"(?<!\d)(?:\d{1,3}|[零〇一二两三四五六七八九十百]{1,6})(?!\d)"
_LIST = rf"{_NUM}(?:\s*(?:、|,|和|及|与|或|至|到|-|~|—)\s*(?:第\s*)?{_NUM})*"
_EN_LIST = r"(?<!\d)(\d{1,3})(?:\s*(?:,|-|–|and|or|to|&)\s*#?(\d{1,3}))*(?!\d)"
_NOT_QUANTITY = r"(?!\s*(?:个|天|年|月|日|%|万|亿|千|小时|家|人|元|days?|years?|%))"
# (kind, pattern); kind "either" is decided by notice context. Order matters: matched spans are masked.
_NUMBER_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "item",
        re.compile(
            rf"通知\s*(?:的|中|里)?\s*(?:第\s*{_LIST}\s*(?:项|条|点)|第?\s*\(\s*{_LIST}\s*\)\s*(?:项|条|点)?)"
        ),
    ),
    ("item", re.compile(r"\(\s*([零〇一二两三四五六七八九十]{1,4})\s*\)")),
    ("item", re.compile(rf"\bnotice\s+items?\s*(?:no\.?|number|#)?\s*\(?{_EN_LIST}\)?")),
    ("item", re.compile(rf"\bitems?\s*\(?{_EN_LIST}\)?\s+(?:of|in)\s+the\s+notice")),
    ("task", re.compile(rf"第\s*{_LIST}\s*(?:项|条|个|号)\s*(?:工作)?任务")),
    ("task", re.compile(rf"(?:附件|附表)\s*(?:的|中|里)?\s*第\s*{_LIST}\s*(?:项|条|行|号)?")),
    ("task", re.compile(rf"(?:序号|编号)\s*(?:为|是|第)?\s*{_LIST}")),
    ("task", re.compile(rf"任务\s*(?:第|序号|编号|no\.?|#)?\s*(\d{{1,3}})(?!\d){_NOT_QUANTITY}")),
    ("task", re.compile(r"(?<!\d)(\d{1,3})\s*号\s*(?:工作)?任务")),
    (
        "task",
        re.compile(rf"\b(?:tasks?|rows?|annex\s+items?)\s*(?:no\.?|number|#)?\s*{_EN_LIST}{_NOT_QUANTITY}"),
    ),
    ("measure", re.compile(rf"第\s*\(?\s*{_LIST}\s*\)?\s*(?:项|条)\s*措施")),
    ("either", re.compile(rf"第\s*(\(?)\s*{_LIST}\s*\)?\s*(?:项|条|号)")),
    ("either", re.compile(rf"\b()items?\s*(?:no\.?|number|#)?\s*\(?{_EN_LIST}\)?{_NOT_QUANTITY}")),
]
_NOTICE_CONTEXT = re.compile(r"通知|正文|notice")
_TASK_WORDS = re.compile(r"附件|附表|任务|序号|annex|task")
_RANGE_SEP = re.compile(r"(至|到|-|~|—|–|to)")


def _expand(span_text: str) -> list[int]:
    """Numbers of one matched reference list; small ranges (第3至5项) expand."""
    tokens = re.findall(r"\d{1,3}|[零〇一二两三四五六七八九十百]+|至|到|-|~|—|–|\bto\b", span_text)
    numbers: list[int] = []
    pending_range = False
    for token in tokens:
        if _RANGE_SEP.fullmatch(token):
            pending_range = bool(numbers)
            continue
        value = cn_to_int(token)
        if pending_range and 0 < value - numbers[-1] <= 30:
            numbers.extend(range(numbers[-1] + 1, value + 1))
        else:
            numbers.append(value)
        pending_range = False
    return [n for n in numbers if n > 0]


def _classify(kind: str, match: re.Match[str], notice_context: bool, numbers: list[int]) -> str:
    if kind == "measure":
        return "item" if all(n <= 21 for n in numbers) else "task"
    if kind == "either":
        parenthesized = match.group(1) == "("
        return "item" if parenthesized or notice_context else "task"
    return kind


def _extract_references(text: str, notice_context: bool | None = None) -> tuple[list[int], list[int]]:
    """(task numbers, item numbers) explicitly referenced in a normalized, lower-cased question."""
    if notice_context is None:
        notice_context = bool(_NOTICE_CONTEXT.search(text)) and not _TASK_WORDS.search(text)
    tasks: list[int] = []
    items: list[int] = []
    for kind, pattern in _NUMBER_RULES:
        for match in pattern.finditer(text):
            numbers = _expand(match.group(0).replace("第", " "))
            target = tasks if _classify(kind, match, notice_context, numbers) == "task" else items
            target.extend(numbers)
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return list(dict.fromkeys(tasks)), list(dict.fromkeys(items))


# ---------------------------------------------------------------- intent cues

_META_CUES: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        r"发文日期|印发日期|发布日期|成文日期|落款日期|(?:什么时候|何时|哪天|哪一?年|哪个月)(?:印发|发布|出台|发文|下发|签发)"
        r"|(?:印发|发布|出台|发文)(?:的)?(?:时间|日期)|\b(?:when|which year|what year)\b.*\b(?:issued|published|released|signed)\b"
        r"|\bissue date\b|\bdate of (?:issue|the notice|the document)\b"
    ),
    "issuers": re.compile(
        r"谁(?:印发|发布|发文|出台|制定|签发)|(?:哪个|哪些|什么|哪两个|哪几个)(?:单位|部门|机关)(?:联合)?"
        r"(?:印发|发布|发文|出台|制定|签发|发的|发了?(?:这个|该|本)?(?:文件|通知|方案))"
        r"|发文(?:单位|机关)|印发(?:单位|机关)|\bwho (?:issued|published|released|signed|wrote)\b"
        r"|\bissuing (?:body|bodies|authority|authorities)\b|\bissuers?\b"
    ),
    "title": re.compile(
        r"文件(?:名称|标题|名字|全称)|叫什么名字|标题是|\btitle\b|\bwhat is the (?:document|notice|plan) called\b"
    ),
    "implements": re.compile(
        r"贯彻(?:落实)?(?:的是)?(?:哪个|什么|哪份|哪一)|落实(?:哪个|什么|哪份)文件"
        r"|\bimplement(?:s|ing)? (?:which|what)\b|\bwhat does (?:it|the plan|the notice|this plan) implement\b"
    ),
    "based_on": re.compile(
        r"(?:根据|依据)(?:了)?(?:哪些|什么|哪几)|制定依据|\bbased on (?:which|what)\b|\blegal basis\b|\bwhat is (?:it|the plan) based on\b"
    ),
    "target_year": re.compile(
        r"目标年份|哪一?年(?!印发|发布|出台|发文|下发|签发)|\bby (?:which|what) year\b|\btarget year\b"
        r"|\buntil (?:which|what) year\b|\b(?:in )?(?:which|what) year (?!was|is|did)"
    ),
    "goals": re.compile(
        r"工作目标|总体目标|主要目标|\b(?:work|overall|main) goals?\b|\bgoals? of the (?:plan|notice|document)\b"
    ),
    "guiding_ideology": re.compile(r"指导思想|\bguiding (?:ideology|thought|principles?)\b"),
}
_TASK_COUNT = re.compile(
    r"(?:附件|一共|总共|共有|共计|共)[^?]{0,6}(?:多少|几)(?:项|条|个)(?:工作)?任务|任务(?:总数|数量|总量)"
    r"|\bhow many tasks\b|\btotal number of tasks\b|\bnumber of tasks\b"
)
_LIST_CUE = re.compile(
    r"(?:哪些|什么|几项|几个|几条|多少项|多少个|多少条|所有|全部)(?:的)?(?:工作)?(?:任务|工作|事项|事情)"
    r"|列出|列举|清单|一览|(?:负责|牵头|配合|参与|承担|协助|主管)(?:了)?(?:哪些|什么|几项|多少)"
    r"|(?:负责|牵头|配合|参与|承担)的(?:工作)?任务"
    r"|\b(?:what|which|list|all|how many)\b[^?]*\btasks?\b|\blist\b"
    r"|\bwhat (?:does|do|is|are)\b[^?]*\b(?:lead|leads|responsible for|handle|handles|in charge of|cooperate|cooperates|support)\b"
)
_LEAD_CUE = re.compile(
    r"牵头|主责|主管|负责单位|负责部门|责任单位|责任部门|负责|\blead(?:s|ing)?\b|\bin charge\b|\bresponsible\b"
)
_WHO_CUE = re.compile(
    r"谁|(?:哪个|哪些|哪家|什么|哪一个)(?:部门|单位|机构|机关|局|委|办)|找哪|转(?:给)?哪|归哪|由哪|问哪|办理部门|主管部门"
    r"|\bwho\b|\bwhom\b|\b(?:which|what) (?:department|unit|agency|office|bureau|body|authority|organi[sz]ation)s?\b"
    r"|\bcontact\b|\bhandles?\b"
)
_COOP_CUE = re.compile(
    r"配合|协助|协办|协同|参与单位|参与部门|\bco-?operat\w*|\bsupport(?:ing)? (?:unit|department)s?\b|\bassist\w*"
)
_NUMERIC_CUE = re.compile(
    r"多久|多长时间|多少时间|几天|多少天|几个工作日|多少个?工作日|几个月|时限|期限|用时|时长|多快|比例|占比|百分之|百分比"
    r"|多少|几个|几成|不超过|不少于|以内|压减(?:到|为|至)|缩短(?:到|为|至)|办结"
    r"|\bhow (?:long|many|much|fast|quickly|soon)\b|\bdays?\b|\bpercent(?:age)?\b|\bratio\b|\brate\b"
    r"|\btime limits?\b|\bdeadlines?\b|\bwithin\b|\bat most\b|\bmaximum\b|\bminimum\b"
)
_ANAPHORA = re.compile(
    r"^(?:那|那么|那个|还有|另外|然后|再问)|呢\W*$|这个(?!文件|方案|通知|政策)|这项|此项|该项|该任务|该事项|这件事|(?<!其)它"
    r"|上述|上面|刚才|前面(?:那|的)|同样|^(?:and|also|what about|how about|same for)\b|\bwhat about\b|\bhow about\b"
    r"|\b(?:it|its|this|that|these|those|them|they)\b|\bthe same\b"
)
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RUN = re.compile(rf"[{_CJK}](?:[{_CJK}\d ]*[{_CJK}])?")
_EN_WORD = re.compile(r"(?<![a-z0-9])[a-z]+(?![a-z0-9])")  # DN50 is a code, not a word
_FOLLOWUP_FILLER = re.compile(
    r"^(?:那么|那个|那|还有|另外|然后|再问)|呢|吗|呀|啊|请问|单位|部门|任务|事项|工作|的|是|有|\W"
    r"|\b(?:and|also|what|how|about|same|for|the|a|an|of|is|are|it|its|this|that|then|please"
    r"|units?|departments?|tasks?|items?|ones?)\b"
)


def detect_language(text: str) -> Language:
    """'en' when Latin-script words outweigh runs of Chinese characters, else 'zh'."""
    lowered = text.lower()
    words = len(_EN_WORD.findall(lowered))
    runs = len(_CJK_RUN.findall(lowered))
    if words > runs:
        return "en"
    first_letter = next((ch for ch in lowered if unicodedata.category(ch).startswith("L")), "")
    return "en" if words and words == runs and first_letter.isascii() else "zh"


def _cue_words(text: str, patterns: Iterable[re.Pattern[str]]) -> list[str]:
    return [m.group(0).strip() for pattern in patterns for m in pattern.finditer(text)]


def _meta_fields(text: str, has_units: bool) -> list[str]:
    fields = [name for name, pattern in _META_CUES.items() if pattern.search(text)]
    if not has_units and _TASK_COUNT.search(text):
        fields.append("task_count")
    return fields


def _decide(analysis: QuestionAnalysis, text: str) -> QuestionAnalysis:
    """Fill flags and the intent from cue phrases, numbers and units (precedence: numbers, meta, lists, who)."""
    has_units = bool(analysis.units)
    coop = bool(_COOP_CUE.search(text))
    lead = bool(_LEAD_CUE.search(text)) or (bool(_WHO_CUE.search(text)) and not coop)
    meta = _meta_fields(text, has_units)
    listing = has_units and bool(_LIST_CUE.search(text))
    intent: Intent = "search"
    if analysis.task_numbers:
        intent = "task_lookup"
    elif analysis.item_numbers and not meta:  # (一)指导思想 is part of 总体要求, not notice item (一)
        intent = "item_lookup"
    elif meta:
        intent = "meta"
    elif listing:
        intent = "list_coop" if coop and not re.search(r"牵头|负责|\blead", text) else "list_lead"
    elif lead or coop:
        intent = "who_coops" if coop and not _LEAD_CUE.search(text) else "who_leads"
    elif _NUMERIC_CUE.search(text):
        intent = "numeric"
    cues = [_LIST_CUE, _LEAD_CUE, _WHO_CUE, _COOP_CUE, _NUMERIC_CUE, *_META_CUES.values(), _TASK_COUNT]
    return analysis.model_copy(
        update={
            "intent": intent,
            "wants_lead": lead,
            "wants_coop": coop,
            "wants_numbers": bool(_NUMERIC_CUE.search(text)),
            "meta_fields": meta,
            "cue_words": _cue_words(text, cues),
        }
    )


def _is_short(text: str, language: Language) -> bool:
    if language == "en":
        return len(text.split()) <= 12
    return len(text.replace(" ", "")) <= 20


def chat_turns(history: Iterable[object] | None) -> list[tuple[str, str]]:
    """(role, content) of the user/assistant messages of OpenAI-style history (dicts or ChatMessage-likes)."""
    turns = []
    for message in history or []:
        get = message.get if isinstance(message, dict) else lambda key, m=message: getattr(m, key, None)
        role, content = get("role"), get("content")
        if role in ("user", "assistant") and isinstance(content, str) and content.strip():
            turns.append((str(role), content))
    return turns


def analyze_question(question: str, history: list[dict] | None, units: UnitFinder | None) -> QuestionAnalysis:
    """Analyze one question; `history` only decides whether an anaphoric question is a follow-up."""
    text = normalize_question(question)
    lowered = text.lower()
    language = detect_language(text)
    tasks, items = _extract_references(lowered)
    found_units = list(dict.fromkeys(units.find_units(text))) if units is not None else []
    has_user_turn = any(role == "user" for role, _ in chat_turns(history))
    followup = bool(_ANAPHORA.search(lowered)) and _is_short(text, language) and has_user_turn
    base = QuestionAnalysis(
        question=text,
        language=language,
        intent="search",
        task_numbers=tasks,
        item_numbers=items,
        units=found_units,
        is_followup=followup,
    )
    return _decide(base, lowered)


# ---------------------------------------------------------------- follow-ups


def _previous_turn(history: list[dict] | None, current: str) -> tuple[str, str] | None:
    """(last user question before the current one, the assistant reply after it)."""
    turns = chat_turns(history)
    if turns and turns[-1][0] == "user" and normalize_question(turns[-1][1]) == current:
        turns = turns[:-1]  # the client sent the current question as the last history message too
    users = [position for position, (role, _) in enumerate(turns) if role == "user"]
    if not users:
        return None
    replies = [content for role, content in turns[users[-1] + 1 :] if role == "assistant"]
    return turns[users[-1]][1], (replies[-1] if replies else "")


def _topic(analysis: QuestionAnalysis) -> str:
    """What is left of a follow-up once anaphora, cue phrases and filler are removed (用水 in 那用水呢?)."""
    text = analysis.question.lower()
    for cue in sorted(analysis.cue_words, key=len, reverse=True):
        text = text.replace(cue, " ")
    text = _FOLLOWUP_FILLER.sub(" ", _ANAPHORA.sub(" ", text))
    return " ".join(w for w in text.split() if len(w) >= 2)


def _merge(
    current: QuestionAnalysis, previous: QuestionAnalysis, refs: list[SourceRef], topic: str
) -> QuestionAnalysis:
    """Carry the previous focus (numbers, units) unless a new topic replaces it; without own cues, its intent."""
    update: dict[str, object] = {}
    if (
        previous.item_numbers
        and not previous.task_numbers
        and not _TASK_WORDS.search(current.question.lower())
    ):
        # 那第十二项呢 after a notice-item question still means a notice item
        tasks, items = _extract_references(current.question.lower(), notice_context=True)
        update.update(task_numbers=tasks, item_numbers=items)
    own_focus = current.task_numbers or current.item_numbers or current.units
    if not own_focus and not topic:
        focused = [r for r in refs if r.type != "meta"] if len(refs) <= 3 else []
        update["task_numbers"] = previous.task_numbers or [r.id for r in focused if r.type == "task"]
        update["item_numbers"] = previous.item_numbers or [r.id for r in focused if r.type == "item"]
        update["units"] = previous.units
    merged = current.model_copy(update=update)
    own_cues = current.intent != "search" or current.wants_lead or current.wants_coop or current.wants_numbers
    cue_text = current.question if own_cues else " ".join(previous.cue_words) or previous.question
    return _decide(merged, cue_text.lower()).model_copy(update={"cue_words": current.cue_words})


def _followup_query(current: QuestionAnalysis, previous: QuestionAnalysis, topic: str) -> str:
    """A standalone retrieval query: new topic + previous cues, or previous question + this one."""
    if not topic:
        return f"{previous.question} {current.question}"
    own_cues = current.intent != "search" or current.wants_numbers
    if own_cues or not previous.cue_words:
        return current.question if own_cues else f"{topic} {previous.question}"
    return " ".join([topic, *dict.fromkeys(previous.cue_words)])


def resolve_followup(
    analysis: QuestionAnalysis, history: list[dict] | None, units: UnitFinder | None = None
) -> FollowupContext | None:
    """Resolve the current question against the previous turn; None when history has no earlier question."""
    turn = _previous_turn(history, analysis.question)
    if turn is None:
        return None
    previous = analyze_question(turn[0], None, units)
    refs = parse_markers(turn[1])
    resolved, query = analysis, analysis.question
    if analysis.is_followup:
        topic = _topic(analysis)
        resolved = _merge(analysis, previous, refs, topic)
        query = _followup_query(analysis, previous, topic)
    return FollowupContext(
        previous_question=previous.question,
        previous_answer=turn[1],
        previous_refs=refs,
        previous=previous,
        resolved=resolved,
        query=query,
    )


def extract_references(text: str) -> tuple[list[int], list[int]]:
    """Task numbers and notice item numbers referenced in free text (第34项, task 34, （三）)."""
    return _extract_references(text.lower())
