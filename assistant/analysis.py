"""Question (+ history) -> Analysis: language, the kinds of fact asked, the topic weighed by the document's
vocabulary, explicit task/item numbers, units, anchors the document lacks, and the previous turn's focus."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.bilingual import doc_terms_for_english, is_english_word
from assistant.lexicon import WEAK_UNKNOWN_IDF, DocumentLexicon, TopicTerm
from assistant.markers import SourceRef, cn_to_int, parse_markers
from assistant.question_text import chat_turns, detect_language, extract_references, normalize_question
from assistant.vocabulary import (
    DOCUMENT_ONLY_CUES,
    DOCUMENT_OR_TOPICLESS_CUES,
    DOCUMENT_WORDS,
    KIND_CUES,
    LIST_CUE,
    SCAFFOLD_EN,
    SCAFFOLD_ZH,
    STRUCTURE_CUES,
    TASK_REQUEST,
    VALUE_KINDS,
    answer_language_request,
    ask_kinds,
    cue_words,
    standard_interrogatives,
    stated_value_kinds,
    strip_injection,
)
from ingest.records import PolicyDocument
from ingest.sentences import record_text
from ingest.structure import (
    PART_ORDINAL_RE,
    find_annex_section,
    find_part,
    heading_for_terms,
    named_heading,
    shared_heads,
)
from ingest.units import UnitDirectory

Language = Literal["zh", "en"]

# A topic word this common (in more than about a quarter of the records) does not make a topic of its own.
MIN_TOPIC_IDF = 1.4
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])|(?<=[.;；]\s)")
# Only the end of a question this long is analysed: the asking sentence closes a Chinese question, the longest
# question of any eval set has 209 characters, and segmenting 2,000 characters costs ~100 ms of CPU that every
# other request waits on (the benchmark's long-question clients).
MAX_ANALYSED_CHARS = 400
# A demonstrative that points back to what the previous sentence told (这种情况, 这类问题, 上述): the asking
# sentence alone has no topic.
_BACK_REFERENCE = re.compile(
    r"这种|这类|这样的?|此类|这事|这件事|这个(?:问题|情况|事)|上述|以上(?:情况|问题)|那种|这方面|这一块|这块"
    r"|\b(?:this|that|these|those|such|it|them)\b(?!\s+(?:plan|notice|document|annex|table)\b)|\blike (?:me|us)\b",
    re.IGNORECASE,
)
_ASKING = re.compile(
    r"[?？]|吗|呢|么|多久|多少|几|谁|哪|什么|怎么|如何|是否|能否|\b(?:what|which|who|how|when|where|is|are|can|does|do)\b",
    re.I,
)
_IN_NOTICE = re.compile(r"通知|正文|\b(?:the|this) notice\b(?! period)", re.I)
_TASK_WORDS = re.compile(r"任务|附件|附表|\btasks?\b|\bannex\b", re.I)
_PART_WORDS = re.compile(r"部分|板块|[这那]一?块|\bpart\b|\bsection\b", re.I)
_NAVIGATE = re.compile(
    r"下一(?:项|条|个|行)|后一(?:项|条)|上一(?:项|条|个|行)|前一(?:项|条)|\bnext (?:one|task|row|item)\b|\bprevious (?:one|task|row|item)\b",
    re.I,
)
_ANAPHORA = re.compile(
    r"^(?:那|那么|那个|还有|另外|然后|再问)|呢\W*$|这个|这项|此项|该项|该任务|该事项|这件事|(?<!其)它|上述|上面|刚才|前面|同样"
    r"|^(?:and|also|what about|how about|same for)\b|\bwhat about\b|\bhow about\b|\b(?:it|its|this|that|these|those|them|they)\b",
    re.I,
)


@dataclass
class Focus:
    """The records the previous turn answered about and what it asked."""

    refs: list[SourceRef]
    kinds: list[str]
    question: str


@dataclass
class Analysis:
    """Everything the answerer needs to know about one question."""

    question: str
    focus_text: str
    language: Language
    kinds: list[str]
    structure: list[str]
    task_numbers: list[int]
    item_numbers: list[int]
    units: list[str]
    topic: list[TopicTerm]
    listing: bool
    about_document: bool
    injected: bool
    foreign_anchors: list[str]
    names_part: bool = False
    titled_item: bool = False
    previous: Focus | None = None
    navigate: int = 0
    followup: bool = False
    step: list[TopicTerm] = field(default_factory=list)  # the one step asked about (外线施工环节, 查勘那一步)
    # 普通 of 普通注销: which variant of a thing a value must be stated for
    qualifiers: list[TopicTerm] = field(default_factory=list)
    task_request: bool = False  # asks to produce something (起草一份…, translate …), not about the document
    in_notice: bool = False  # says the notice's own text is where it is said (通知里说的…), not the annex
    asked_noun: str = ""  # the noun a which-question asks to enumerate (哪些重点领域 -> 重点领域)
    asked_count: int = 0  # how many things a which-question names (具体是哪三项 -> 3)
    # a yes-or-no question that claims a figure (5万元, 5 years): a value must be a figure too (免费 is none)
    claims_figure: bool = False
    # nouns the document lacks that only describe who asks (我开了个小饭馆): the asker, not the matter
    self_described: frozenset[str] = frozenset()
    heading: str = (
        ""  # the Chinese words an English question names a part by (政务 for "government services")
    )
    # every name of the units the question names (龙商担保 -> 龙商担保有限公司, 龙商担保公司, ...): with no other
    # topic word, what a clause stating the asked value must be about (龙商担保的电话 is no question on 12345)
    unit_forms: tuple[str, ...] = ()

    @property
    def own_topic(self) -> list[TopicTerm]:
        """Topic words rare enough to name a matter of their own (a segmentation fragment names none)."""
        return [t for t in self.topic if (not t.in_document and not t.fragment) or t.idf >= MIN_TOPIC_IDF]

    @property
    def topic_weight(self) -> float:
        """Total IDF of the topic words the document covers."""
        return sum(t.idf for t in self.topic if t.in_document)

    @property
    def foreign_share(self) -> float:
        """Share of the topic's weight on words the document never uses (0 when there is no topic)."""
        own = [t for t in self.own_topic if t.text not in self.self_described]
        total = sum(t.idf for t in own)
        return sum(t.idf for t in own if not t.in_document) / total if total else 0.0

    def rare_terms(self, n: int = 2) -> list[TopicTerm]:
        """The question's rarest topic words the document uses (what a cited clause must be about); among words
        equally rare in the document (many occur in one record only), the rarer in general Chinese first: 急办 is
        more specific than 员工."""
        covered = sorted((t for t in self.topic if t.in_document), key=lambda t: (-t.idf, t.common))
        return covered[:n]

    def topic_label(self) -> str:
        """A short name of the topic for 'the document does not state ...' lines."""
        if self.step:  # the one step asked about names what is not stated
            return ("" if self.language == "zh" else " ").join(t.text for t in self.step)
        words = [t.text for t in self.own_topic if t.in_document] or [t.text for t in self.topic]
        words = [*self.units[:1], *words]
        return "".join(words[:3]) if self.language == "zh" else " ".join(words[:3])


def focus_text(question: str) -> str:
    """The asking sentence(s) of a question told as a story (the question buried among other sentences), with
    the sentence before them when they point back to it (这种情况谁管？)."""
    before, asking = _story_parts(question)
    return f"{before} {asking}" if before and _BACK_REFERENCE.search(asking) else asking


def _has_topic(text: str, units: UnitDirectory, lexicon: DocumentLexicon) -> bool:
    """Does `text` carry a topic word of its own (a unit counts)? In English only a word that reaches the
    document counts: "Who leads the crackdown?" names its matter in the sentence before."""
    if units.find_units(text):
        return True
    language = detect_language(text)
    terms = lexicon.topic_terms(_cue_free(_without_units(text, units)), language)
    if language == "en":
        return any(t.in_document and t.idf >= MIN_TOPIC_IDF for t in terms)
    # a noun the document lacks (天气) is a topic too; a count (一次, 两天) names no matter of its own
    return any(t.idf >= MIN_TOPIC_IDF and not _COUNT_WORD.fullmatch(t.text) for t in terms)


_COUNT_WORD = re.compile(r"[一二两三四五六七八九十几半\d]+[次个天项家件年月周趟遍回种条]")


# An item is named by its title's object (公平竞争 of 维护公平竞争秩序, 权益保护 of 加强权益保护) when a word
# pointing at an item follows it: 维护公平竞争那一条, 权益保护那条, 严肃执纪执法方面.
_ITEM_POINTER = re.compile(r"(?:的)?(?:那|这)?一?(?:条|方面|块)")
MIN_TITLE_CORE = 4


def _titled_items(text: str, doc: PolicyDocument) -> list[int]:
    """The notice item the text names by its whole title (“严肃执纪执法”这一条), or by its title's object."""
    whole = [i.index for i in doc.items if len(i.title) >= 4 and i.title in text][:1]
    return whole or item_named_by_core(text, doc)


def item_named_by_core(text: str, doc: PolicyDocument) -> list[int]:
    """The one notice item whose title, without its leading verb (every item title opens with a two-character
    verb: 加强, 维护, 健全), begins a run of the text (at least MIN_TITLE_CORE characters) that a pointing word
    (那条, 这一条, 方面) follows; [] when none or several."""
    named = []
    for item in doc.items:
        core = item.title[2:]
        for size in range(len(core), MIN_TITLE_CORE - 1, -1):
            at = text.find(core[:size])
            if at >= 0 and _ITEM_POINTER.match(text, at + size):
                named.append(item.index)
                break
    return named if len(named) == 1 else []


# A clause in which the asker says who they are or what they run (我开了个小饭馆, 我们是做资产评估的, 我家开了家药房).
_SELF_CLAUSE = re.compile(
    r"(?:^|[，,。！!？?；;\s])(?:我|我们|我家|咱|咱们|本人|俺)(?:公司|家|厂)?"
    r"(?:是|在)?(?:开了?|做|经营|办了?|干)(?:个|一个|一家|家|的是)?[^，,。！!？?；;]{0,12}"
)


# A told clause with the asker as its subject (我们农忙时候出去打短工，…): it says who asks, and asks nothing.
_TOLD_SELF_CLAUSE = re.compile(
    r"(?:^|(?<=[，,。！!？?；;\s]))(?:我|我们|我家|咱|咱们|本人|俺)[^，,。！!？?；;]{1,16}(?=[，,。！!；;])"
)


# 这个活动, 该平台, 那项补贴: a demonstrative before a noun points back to where that noun was told
_DEMONSTRATIVE_NOUN = re.compile(r"(?:这|那|该|此)(?:个|项|种|次|些|件|份|条)?([\u4e00-\u9fff]{2})")


def _names_told(asking: str, before: str) -> bool:
    """The asking sentence points back with a demonstrative at a noun the told sentence names (听说有个评选活动…。
    这个活动是哪个部门在搞？)."""
    return any(m.group(1) in before for m in _DEMONSTRATIVE_NOUN.finditer(asking))


def self_described(text: str, unknown: list[TopicTerm]) -> frozenset[str]:
    """The unknown topic words that occur only inside clauses describing the asker (我开了个小饭馆 -> 饭馆;
    我们农忙时候出去打短工，… -> 农忙, 打短工)."""
    spans = [m.span() for m in _SELF_CLAUSE.finditer(text)]
    spans += [m.span() for m in _TOLD_SELF_CLAUSE.finditer(text) if not _ASKING.search(m.group(0))]
    inside = {i for start, end in spans for i in range(start, end)}

    def only_inside(word: str) -> bool:
        places = [m.start() for m in re.finditer(re.escape(word), text)]
        return bool(places) and all(set(range(p, p + len(word))) <= inside for p in places)

    return frozenset(t.text for t in unknown if only_inside(t.text))


def question_tail(text: str, limit: int = MAX_ANALYSED_CHARS) -> str:
    """The last `limit` characters of `text`, from a sentence start when one falls in the first quarter of them."""
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    start = next((m.end() for m in _SENTENCE_END.finditer(tail) if 0 < m.end() <= limit // 4), 0)
    return tail[start:].lstrip()


def _story_parts(question: str) -> tuple[str, str]:
    """(the told sentence just before the asking sentence(s), or "", the asking sentence(s))."""
    parts = [p.strip() for p in _SENTENCE_END.split(question) if p.strip()]
    if len(parts) < 2 or len(question) < 24:
        return "", question
    marked = [n for n, p in enumerate(parts) if re.search(r"[?？]", p)]
    # a last question typed without its mark (…远程搞？区里谁在推这个) asks too
    trailing = [n for n in range(marked[-1] + 1, len(parts)) if _ASKING.search(parts[n])] if marked else []
    asking = (
        (marked[-2:] + trailing) if marked else [n for n, p in enumerate(parts) if _ASKING.search(p)][-2:]
    )
    if not asking:
        return parts[-2], parts[-1]
    before = parts[asking[0] - 1] if asking[0] > 0 else ""
    return before, " ".join(parts[n] for n in asking)


_LAYOUT_SPACE = re.compile(
    r"(?<=[\u3400-\u9fff\d])\s+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])\s+(?=\d)|(?<=\d)\s+(?=\d)"
)


def squash_layout(text: str) -> str:
    """Drop spaces between Chinese characters and digits (黄磏港 建 设 -> 黄磏港建设, 第 6 4项 -> 第64项) and
    rejoin English words broken by stray spaces (ｓim ｐlｉｆ ied -> simplified); other spaces stay."""
    return _rejoin_english(_LAYOUT_SPACE.sub("", text))


def _known_english(word: str) -> bool:
    return word.lower() in SCAFFOLD_EN or is_english_word(word)


def _rejoin_english(text: str) -> str:
    """Glue runs of Latin fragments back into a word the dictionary knows, longest run first."""
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in (4, 3, 2):
            run = tokens[i : i + size]
            if len(run) == size and all(t.isascii() and t.isalpha() for t in run):
                joined = "".join(run)
                broken = sum(not _known_english(t) or len(t) < 3 for t in run) >= size - 1
                if broken and len(joined) >= 4 and _known_english(joined):
                    out.append(joined)
                    i += size
                    break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def _cue_free(text: str) -> str:
    for pattern in (*KIND_CUES.values(), *STRUCTURE_CUES.values(), LIST_CUE):
        text = pattern.sub(" ", text)
    return text


def analyse(
    question: str,
    history: list[dict[str, str]] | None,
    units: UnitDirectory,
    lexicon: DocumentLexicon,
    doc: PolicyDocument,
) -> Analysis:
    """Analyse one (already validated) question against the document and the previous turn."""
    cleaned, injected = strip_injection(squash_layout(normalize_question(question)))
    cleaned, asked_language = answer_language_request(cleaned)  # 请用中文回答: how to answer, not what about
    text = standard_interrogatives(
        lexicon.correct_typos(question_tail(cleaned or normalize_question(question)))
    )
    language = asked_language or detect_language(text)
    before, asking = _story_parts(text)
    # The told sentence joins when the asking one points back to it (这种情况谁管？) or has no topic of its own
    # (请问对应任务的牵头单位) while the told one has, and there is no previous turn to lean on instead.
    topicless = (
        bool(before)
        and not history
        and not _has_topic(asking, units, lexicon)
        and _has_topic(before, units, lexicon)
    )
    context = (
        before
        if before and (_BACK_REFERENCE.search(asking) or topicless or _names_told(asking, before))
        else ""
    )
    focus = f"{context} {asking}" if context else asking
    # What is asked comes from the asking sentences (a told 等了几个月 asks nothing), and not from a quoted span:
    # “清单之外无权力、目录之外无审批” quotes the document, it asks for no 目录.
    low = _QUOTED_SPAN.sub(" ", asking.lower())
    tasks, items = extract_references(PART_ORDINAL_RE.sub(" ", focus))  # 附件第三部分 names no task 3
    titled = False
    if not tasks and not items and not _TASK_WORDS.search(focus):
        items = _titled_items(focus, doc)
        titled = bool(items)
    if not tasks and not items:
        tasks, items = quoted_records(focus, doc)
        titled = titled or bool(items)
    found_units = list(dict.fromkeys(units.find_units(focus)))
    # the notice's own issuers are no matter of their own: 区委区政府同意了吗 asks of the notice
    issuers_only = bool(found_units) and set(found_units) <= set(doc.meta.issuers)
    topic = lexicon.topic_terms(_cue_free(_without_units(focus, units)), language)
    anchors = [*lexicon.foreign_places(text), *lexicon.foreign_years(text), *lexicon.foreign_titles(text)]
    analysis = Analysis(
        question=text,
        focus_text=focus,
        language=language,
        kinds=ask_kinds(low),
        structure=[
            name
            for name, p in STRUCTURE_CUES.items()
            if p.search(low)
            and (name not in DOCUMENT_ONLY_CUES or DOCUMENT_WORDS.search(low) or issuers_only)
        ],
        task_numbers=tasks,
        item_numbers=items,
        units=found_units,
        topic=topic,
        listing=bool(found_units) and bool(LIST_CUE.search(low)),
        about_document=bool(DOCUMENT_WORDS.search(low)),
        injected=injected,
        foreign_anchors=anchors,
    )
    analysis.titled_item = titled
    analysis.unit_forms = tuple(
        name.lower() for u in found_units if (entry := units.unit(u)) for name in entry.names
    )
    if analysis.listing and _has_own_matter(analysis, count_units=False):
        # 政务服务中心进驻事项负面清单制度，配合单位有哪些: the units of a matter, not the tasks of a unit
        analysis.listing = False
    elif _asks_role_of_unit_alone(analysis):
        # 区交通局牵头负责的是哪几项 / 区税务局 牵头任务: a unit has no lead unit, so its role asks for its rows
        analysis.listing = True
    if not analysis.about_document and _has_own_matter(analysis, count_units=not issuers_only):
        # 政府采购代理机构管理办法由哪个部门出台: the issuer of another act, not of this notice
        analysis.structure = [n for n in analysis.structure if n not in DOCUMENT_OR_TOPICLESS_CUES]
    analysis.names_part = _names_part(analysis, focus, doc)
    analysis.step = step_terms(asking, topic, analysis.kinds)
    analysis.qualifiers = qualifier_terms(asking, topic, lexicon) if VALUE_KINDS & set(analysis.kinds) else []
    analysis.task_request = bool(TASK_REQUEST.search(low))
    analysis.in_notice = bool(_IN_NOTICE.search(low)) and not _TASK_WORDS.search(low)
    analysis.asked_noun = asked_noun(low)
    if analysis.asked_noun and not analysis.kinds:
        analysis.kinds = ["content"]  # 提供哪些补贴: the things themselves, not a follow-up's earlier ask
    if "yesno" in analysis.kinds and not VALUE_KINDS & set(analysis.kinds):
        # 是不是3个工作日就能办完 / exempt for five years: the figure claimed is a value the record must state
        claimed = stated_value_kinds(low)
        analysis.kinds += [k for k in claimed if k not in analysis.kinds]
        analysis.claims_figure = bool(claimed)
    analysis.asked_count = asked_count(low)
    analysis.self_described = self_described(focus, [t for t in topic if not t.in_document])
    if _asks_for_heads(low, doc):
        analysis.structure.insert(0, "heads")
    if not analysis.structure and _asks_for_goal_year(analysis, doc):
        analysis.structure.append("goals")
    _attach_previous(analysis, history, doc, text)
    return analysis


_WHICH_NOUN = re.compile(
    r"哪(?:些|几[个类项种条家]?)([\u4e00-\u9fff]{2,4}?)(?=[?？，,。吗呢]|$|在|是|有|可以|能|需要|要)"
)


def asked_noun(text: str) -> str:
    """The noun a which-question asks to enumerate (圈定了哪些重点领域 -> 重点领域), or ""."""
    found = _WHICH_NOUN.search(text)
    noun = found.group(1) if found else ""
    return "" if noun in SCAFFOLD_ZH else noun


_WHICH_N = re.compile(r"哪([二两三四五六七八九十]{1,2}|\d{1,2})(?=[个类项种条家样点方面])")


def asked_count(text: str) -> int:
    """How many things a which-question names (要做到哪三个方面 -> 3), or 0."""
    found = _WHICH_N.search(text)
    return cn_to_int(found.group(1)) if found else 0


def _has_own_matter(analysis: Analysis, count_units: bool = True) -> bool:
    """Does the question name a unit (when `count_units`), or a topic word of the document beyond the asking
    vocabulary?"""
    asking = cue_words()
    return (count_units and bool(analysis.units)) or any(
        t.in_document
        and t.idf >= MIN_TOPIC_IDF
        and t.text not in asking
        and not any(t.text in unit for unit in analysis.units)  # 法院 of 区法院
        for t in analysis.topic
    )


# What a question that names only a unit may ask for its rows: the role (牵头, 配合), their content or count.
_ROLE_KINDS = frozenset({"lead", "coop"})
_UNIT_ROWS_KINDS = _ROLE_KINDS | {"content", "count"}


def _asks_role_of_unit_alone(analysis: Analysis) -> bool:
    """A role asked of a named unit, with no matter of its own and no row named: the unit's rows in that role
    (asking who leads a unit means nothing). Any other kind (its phone, its address) is not a list."""
    kinds = set(analysis.kinds)
    return (
        len(analysis.units) == 1
        and bool(kinds & _ROLE_KINDS)
        and kinds <= _UNIT_ROWS_KINDS
        and not analysis.task_numbers
        and not analysis.item_numbers
        and not _has_own_matter(analysis, count_units=False)
    )


_QUOTED_SPAN = re.compile(r"[“\"']([^”\"']{6,60})[”\"']")


def quoted_records(text: str, doc: PolicyDocument) -> tuple[list[int], list[int]]:
    """(tasks, items) that print a span the question quotes (“清单之外无权力、目录之外无审批”是哪条说的): a
    verbatim quote names its source as surely as a number. Spans found in more than three records name none."""
    for span in _QUOTED_SPAN.findall(text):
        key = re.sub(r"\s", "", span)
        items = [i.index for i in doc.items if key in re.sub(r"\s", "", i.text)]
        tasks = [t.no for t in doc.tasks if key in re.sub(r"\s", "", t.city_task + t.district_measure)]
        if 0 < len(items) + len(tasks) <= 3:
            return tasks, items
    return [], []


# Nouns a question about a part uses for the part's contents (小标题, 几条, 任务): no topic of their own.
_PART_CONTENT_WORDS = re.compile(
    r"标题|小标题|条目|内容|任务|清单|附件|措施|要求|事项|范围|栏目|部分|板块|方面|包括|包含|分为|涵盖|排到|是从|序号|编号|占了|一共|总共|安排"
)


_QUALIFIER = re.compile(r"^(?:具体|各项|主要|相关|全部|所有)")


def _names_part(analysis: Analysis, focus: str, doc: PolicyDocument) -> bool:
    """The question is about a part of the notice or a section of the annex: it names one with 部分/板块 (第三部分,
    法治环境部分), or names a heading (市场环境, 总体要求) and has no topic beyond that heading."""
    if analysis.language == "en":
        # English names a part through glosses: "the government services section" -> 政务 -> 政务环境
        run = heading_for_terms(doc, doc_terms_for_english(focus)) if _PART_WORDS.search(focus) else None
        analysis.heading = run or ""
        return run is not None
    if _PART_WORDS.search(focus):
        return find_part(doc, focus) is not None or find_annex_section(doc, focus) is not None
    run = named_heading(doc, focus)
    if run is None:
        return False
    rest = [
        t
        for t in analysis.own_topic
        if (t.in_document or t.idf > 1.0)  # not a stray fragment the segmenter left (是从, 排到)
        and t.text not in run
        and not _PART_CONTENT_WORDS.fullmatch(_QUALIFIER.sub("", t.text))  # 具体任务 is 任务
    ]
    return not rest


# A question about one step of a procedure names it before one of these: 外线施工环节, 现场查勘那一步, 审批阶段.
_STEP = re.compile(
    r"([^\s，,。；;？?！!、]{2,10}?)(?:这个|那个)?(?:环节|那一步|这一步|哪一步|那一段|这一段|阶段|步骤)"
)


# ... or after 单独 (单独办个抵押登记要几天).
_STEP_AFTER = re.compile(
    r"单独(?:办|做|弄|申请)?(?:个|一个)?([^\s，,。；;？?！!、]{2,10}?)(?:要|需要|得|多少|几)"
)


def qualifier_terms(asking: str, topic: list[TopicTerm], lexicon: DocumentLexicon) -> list[TopicTerm]:
    """Topic words that pick one variant of a thing the document has in several (普通 in 普通注销 when it also
    has 简易注销; 用水 in 用水报装 beside 用电报装): a value stated for another variant does not answer."""
    found = []
    for first, head in ((a, b) for a in topic for b in topic if a is not b):
        if not (first.in_document and head.in_document) or first.text + head.text not in asking:
            continue
        if (
            first.text + head.text in lexicon.text
            and lexicon.prefixes(head.text) - {first.text[-2:]}
            and first not in found
        ):
            found.append(first)
    return found


_COUNTED = re.compile(r"(?:几|多少|\d+|[一二两三四五六七八九十]+)\s*个?$")

# The thing whose amount, rate or size is asked, named next to the wh-word (一个月租金多少, 多少登记费, 装机容量多大).
_MEASURED = (
    re.compile(
        r"([\u4e00-\u9fff]{2,6}?)(?:一般|大概|大约|通常)?(?:是|为|有|要|能有)?(?:多少|多大|多高|几成)"
    ),
    re.compile(r"(?:多少|多大)(?:的)?([\u4e00-\u9fff]{2,6})"),
)
_MEASURED_KINDS = {"amount", "rate", "size", "statistic"}


def step_terms(asking: str, topic: list[TopicTerm], kinds: list[str] | None = None) -> list[TopicTerm]:
    """The topic words naming the one step a question asks about: a value must be stated about that step, not
    about the whole procedure (全流程 13个工作日 does not say how long 管道施工 takes). For an amount, a rate or a
    figure, a measured thing the document never names is such a word, too: 免费 said of 尽职调查信息 is not the
    登记费 asked about."""
    spans = [m.group(1) for pattern in (_STEP, _STEP_AFTER) for m in pattern.finditer(asking)]
    spans = [s for s in spans if not _COUNTED.search(s)]  # 分成几个阶段 counts the steps, names none
    steps = [t for t in topic if any(t.text in span for span in spans)]
    if _MEASURED_KINDS & set(kinds or ()):
        # only a measured thing (a noun, not 最低 or 拿到) the document never names decides: 比例, 目标 or 占比
        # are what its values are stated as, but no clause can state the 登记费 or the 租金 it never mentions
        measured = [m.group(1) for pattern in _MEASURED for m in pattern.finditer(asking)]
        steps += [
            t
            for t in topic
            if not t.in_document
            and t.idf > WEAK_UNKNOWN_IDF
            and t not in steps
            and any(t.text in s for s in measured)
        ]
    return steps


def _asks_for_goal_year(analysis: Analysis, doc: PolicyDocument) -> bool:
    """到2025年想达到啥水平 / what is it aiming for by 2025: the goal's own year, no unit, and every topic word the
    document uses is a word of the goal paragraph."""
    year = str(doc.meta.target_year)
    if year not in analysis.question or analysis.units or analysis.task_numbers or analysis.item_numbers:
        return False
    words = [t for t in analysis.own_topic if t.in_document and t.text.lower() not in _ATTAIN]
    return all(any(form in doc.meta.goals for form in t.doc_forms) for t in words)


# English verbs of attaining ask what a goal is, like 达到/实现 do in a Chinese goal question.
_ATTAIN = frozenset({"achieve", "attain", "reach", "accomplish", "realise", "realize"})


def _asks_for_heads(text: str, doc: PolicyDocument) -> bool:
    """哪五个环境 / 几个环境: asks which of the things the part titles end with (环境) the plan names."""
    heads = shared_heads(doc)
    if any(
        re.search(rf"(?:哪|几|多少)[一二两三四五六七八九十几]?(?:个|大|种|类|方面)?(?:方面的?)?{head}", text)
        or (
            re.search(rf"[一二两三四五六七八九十](?:个|大|种|类)(?:方面)?的?{head}", text)
            and re.search(r"哪|什么|分别|包括", text)
        )
        for head in heads
    ):
        return True
    # English: "which five environments", "how many environments" (the head noun through the dictionary)
    asked = re.findall(r"\b(?:which|what|how many)\b(?:\s+\w+){0,3}?\s+([a-z]+s)\b", text)
    # ... or counted by a kind noun: "which five kinds of environment"
    asked += re.findall(
        r"\b(?:which|what|how many)\b(?:\s+\w+)?\s+(?:kinds?|types?|sorts?) of ([a-z]+?)s?\b", text
    )
    return any(
        head in doc_terms_for_english(word.removesuffix("s"), limit=3) for word in asked for head in heads
    )


def _without_units(text: str, units: UnitDirectory) -> str:
    folded = text.lower()
    for name in units.names_longest_first:
        if len(name) < 3 or name.lower() not in folded:
            continue
        if name.isascii():  # an English alias is a word of its own: "bank" is not in "bankruptcy"
            text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", " ", text, flags=re.IGNORECASE)
        else:
            text = text.replace(name, " ")
        folded = text.lower()
    return text


def _attach_previous(
    analysis: Analysis, history: list[dict[str, str]] | None, doc: PolicyDocument, text: str
) -> None:
    """Link a follow-up to the previous turn: its valid cited records and what it asked."""
    turns = chat_turns(history)
    if turns and turns[-1][0] == "user" and normalize_question(turns[-1][1]) == text:
        turns = turns[:-1]
    users = [n for n, (role, _) in enumerate(turns) if role == "user"]
    if not users:
        return
    previous_question = turns[users[-1]][1]
    replies = [c for role, c in turns[users[-1] + 1 :] if role == "assistant"]
    reply = replies[-1] if replies else ""
    refs = [r for r in parse_markers(reply) if _exists(doc, r)]
    for text_ in [reply, previous_question] if not refs else []:
        p_tasks, p_items = extract_references(text_)  # plain references: 第25项, task 63, （三）
        refs = [SourceRef(type="task", id=n) for n in p_tasks if doc.task(n)]
        refs += [SourceRef(type="item", id=n) for n in p_items if doc.item(n)]
        if refs:
            break
    analysis.previous = Focus(
        refs=refs[:3],
        kinds=ask_kinds(normalize_question(previous_question).lower()),
        question=previous_question,
    )
    nav = _NAVIGATE.search(analysis.question)
    if nav:
        analysis.navigate = 1 if re.search(r"下|后|next", nav.group(0), re.I) else -1
    explicit = analysis.task_numbers or analysis.item_numbers or analysis.units
    short = len(analysis.question) <= 24 or (
        analysis.language == "en" and len(analysis.question.split()) <= 10
    )
    anaphoric = bool(_ANAPHORA.search(analysis.question.lower()))
    analysis.followup = bool(analysis.navigate) or (
        not explicit
        and (
            not analysis.own_topic
            or (short and anaphoric and not analysis.kinds)
            or (
                short
                and bool(refs)
                and row_mentions_topic(analysis, record_text(doc, refs[0].type, refs[0].id))
            )
        )
    )


def row_mentions_topic(analysis: Analysis, text: str) -> bool:
    """Does `text` (a record) mention every topic word of the question, in the document's own form? Then a
    short follow-up asks a detail of that record (能网上办吗？ after a row that says 网上办)."""
    words = analysis.own_topic
    return bool(words) and all(t.in_document and any(form in text for form in t.doc_forms) for t in words)


def _exists(doc: PolicyDocument, ref: SourceRef) -> bool:
    if ref.type == "task":
        return doc.task(ref.id) is not None
    if ref.type == "item":
        return doc.item(ref.id) is not None
    return ref.type == "meta"
