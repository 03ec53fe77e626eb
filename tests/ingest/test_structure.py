"""The notice as data: parts 一..七 with their items, the annex sections with their row ranges, the cover,
sign-off and closing, pinned against the real source; lookups by ordinal and heading text; older stored
documents; a re-wrapped notice; damaged structure.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.notice import PART_RE
from ingest.parser import load_document, parse_document
from ingest.records import PolicyDocument
from ingest.structure import (
    find_annex_section,
    find_notice_section,
    find_part,
    part_for_section,
    part_ordinal,
    section_for_part,
)
from tests.fixtures.damaged import SOURCE, source_lines
from vectorstore.errors import SourceError

# (index, heading, source line of the heading, notice items held), as printed in the source
PARTS = [
    (1, "一、总体要求", 52, []),
    (2, "二、营造优质有序的市场环境", 87, [1, 2, 3]),
    (3, "三、营造公平公正的法治环境", 163, [4, 5, 6]),
    (4, "四、营造透明便利的开放环境", 230, [7, 8, 9, 10]),
    (5, "五、营造高效便捷的政务环境", 278, [11, 12, 13]),
    (6, "六、营造风清气正的政商环境", 349, [14, 15, 16, 17]),
    (7, "七、强化保障机制", 429, [18, 19, 20, 21]),
]
# (index, heading, first row, last row) of the annex table
SECTIONS = [
    (1, "一、营造优质有序的市场环境", 1, 62),
    (2, "二、营造公平公正的法治环境", 63, 93),
    (3, "三、营造透明便利的开放环境", 94, 113),
    (4, "四、营造高效便捷的政务环境", 114, 164),
    (5, "五、营造风清气正的政商环境", 165, 176),
]
ANNEX_REF = "附件：九龙坡区持续营造国际一流营商环境具体工作任务清单"


@pytest.fixture(scope="module")
def doc() -> PolicyDocument:
    """The parsed real source."""
    return load_document(SOURCE)


def test_parts_headings_lines_and_items(doc: PolicyDocument) -> None:
    got = [(p.index, p.heading, p.line, p.item_indexes) for p in doc.parts]
    assert got == PARTS
    assert [(p.numeral, p.title) for p in doc.parts][2] == ("三", "营造公平公正的法治环境")
    assert all(not p.sections for p in doc.parts[1:])


def test_general_requirements_hold_two_sub_sections_not_items(doc: PolicyDocument) -> None:
    general = doc.parts[0]
    assert [(s.index, s.numeral, s.title) for s in general.sections] == [
        (1, "一", "指导思想"),
        (2, "二", "工作目标"),
    ]
    guiding, goals = general.sections
    assert guiding.text.startswith("（一）指导思想。以习近平新时代中国特色社会主义思想为指导，")
    assert guiding.text.endswith("高效便捷的政务环境和风清气正的政商环境。")
    assert goals.text.startswith("（二）工作目标。以重庆市营商环境创新试点城市建设为契机，")
    assert "到2025年" in goals.text and goals.text.endswith("在全市营商环境评价中排名前列。")
    assert guiding.text.endswith(doc.meta.guiding_ideology) and goals.text.endswith(doc.meta.goals)
    assert doc.items_in_part(1) == []


def test_part_text_is_heading_then_each_paragraph(doc: PolicyDocument) -> None:
    safeguards = doc.parts[6]
    paragraphs = safeguards.text.split("\n")
    assert paragraphs[0] == "七、强化保障机制"
    assert paragraphs[1:] == [i.text for i in doc.items_in_part(7)]
    assert paragraphs[1].startswith("（十八）加强组织领导。坚持和加强党对优化营商环境工作的领导，")
    assert paragraphs[-1].endswith("营造全社会关注、支持、参与营商环境优化提升的良好氛围。")
    assert doc.parts[0].text.split("\n")[1:] == [s.text for s in doc.parts[0].sections]


def test_safeguard_part_lists_its_four_requirements(doc: PolicyDocument) -> None:
    assert [i.title for i in doc.items_in_part(7)] == [
        "加强组织领导",
        "分工协作推动政策落地",
        "激励广大干部新时代新担当新作为",
        "强化督查考核和社会监督",
    ]
    assert all(i.responsible_units == [] for i in doc.items_in_part(7))


@pytest.mark.parametrize("index, heading, line, items", PARTS, ids=[p[1] for p in PARTS])
def test_every_item_knows_its_part(
    doc: PolicyDocument, index: int, heading: str, line: int, items: list[int]
) -> None:
    for n in items:
        part = doc.part_of_item(n)
        assert part is not None and part.index == index
        assert doc.item(n) is not None and doc.item(n).part == heading  # type: ignore[union-attr]
    assert [i.index for i in doc.items_in_part(index)] == items


def test_annex_sections_and_row_ranges(doc: PolicyDocument) -> None:
    assert [(s.index, s.heading, s.first_task, s.last_task) for s in doc.annex_sections] == SECTIONS
    assert [len(doc.tasks_in_section(k)) for k in range(1, 6)] == [62, 31, 20, 51, 12]
    assert doc.annex_section(2) is not None and list(doc.annex_section(2).task_numbers) == list(range(63, 94))  # type: ignore[union-attr]


def test_every_task_knows_its_section(doc: PolicyDocument) -> None:
    for task in doc.tasks:
        section = doc.section_of_task(task.no)
        assert section is not None and section.heading == task.section
    assert [t.no for t in doc.tasks_in_section(5)] == list(range(165, 177))


@pytest.mark.parametrize(
    "lookup",
    [
        lambda d: d.part(0),
        lambda d: d.part(8),
        lambda d: d.part_of_item(22),
        lambda d: d.annex_section(6),
        lambda d: d.section_of_task(0),
        lambda d: d.section_of_task(177),
    ],
    ids=["part0", "part8", "item22", "section6", "task0", "task177"],
)
def test_out_of_range_lookups_find_nothing(doc: PolicyDocument, lookup: object) -> None:
    assert lookup(doc) is None  # type: ignore[operator]
    assert doc.items_in_part(8) == [] and doc.tasks_in_section(6) == []


def test_cover_sign_off_and_plan_title(doc: PolicyDocument) -> None:
    meta = doc.meta
    assert meta.cover_text == (
        "《九龙坡区贯彻落实〈中共重庆市委、重庆市人民政府关于持续营造国际一流营商环境的意见〉实施方案》"
        "已经区委、区政府同意，现印发给你们，请认真贯彻执行。"
    )
    assert meta.sign_off is not None
    assert meta.sign_off.issuers == ["中共重庆市九龙坡区委", "重庆市九龙坡区人民政府"] == meta.issuers
    assert (meta.sign_off.date, meta.sign_off.line) == ("2021年9月27日", 26)
    assert (
        meta.plan_title
        == "九龙坡区贯彻落实《中共重庆市委、重庆市人民政府关于持续营造国际一流营商环境的意见》实施方案"
    )


def test_closing_is_the_annex_reference_only(doc: PolicyDocument) -> None:
    closing = doc.meta.closing
    assert closing is not None
    assert (closing.text, closing.annex_ref) == (ANNEX_REF, ANNEX_REF)
    assert (closing.sign_off, closing.cc, closing.printed_by, closing.requirements) == (None, "", "", [])
    assert doc.items[-1].text.endswith("良好氛围。")


@pytest.mark.parametrize(
    "query, part",
    [
        ("第三部分讲什么", 3),
        ("第3部分", 3),
        ("第 七 部分", 7),
        ("三、营造公平公正的法治环境", 3),
        ("五", 5),
        ("强化保障机制有哪些要求？", 7),
        ("保障", 7),
        ("法治环境", 3),
        ("营商环境的法治环境", 3),
        ("政务", 5),
        ("风清气正", 6),
        ("总体要求", 1),
        ("第八部分", None),
        ("环境", None),  # every environment part shares it
        ("营商环境", None),  # names the whole document, not 政商环境
        ("营造", None),
        ("", None),
    ],
)
def test_find_part_by_ordinal_or_heading(doc: PolicyDocument, query: str, part: int | None) -> None:
    found = find_part(doc, query)
    assert (found.index if found else None) == part


@pytest.mark.parametrize(
    "query, section",
    [
        ("附件第二部分包括哪些任务", 2),
        ("第五部分", 5),
        ("开放环境", 3),
        ("市场环境", 1),
        ("强化保障机制", None),  # a notice part with no annex section
        ("第六部分", None),
    ],
)
def test_find_annex_section_by_ordinal_or_heading(
    doc: PolicyDocument, query: str, section: int | None
) -> None:
    found = find_annex_section(doc, query)
    assert (found.index if found else None) == section


def test_parts_two_to_six_pair_with_annex_sections_one_to_five(doc: PolicyDocument) -> None:
    pairs = [(p, s.index if (s := section_for_part(doc, p)) else None) for p in range(1, 8)]
    assert pairs == [(1, None), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (7, None)]
    assert [p.index if (p := part_for_section(doc, k)) else None for k in range(1, 7)] == [
        2,
        3,
        4,
        5,
        6,
        None,
    ]


def test_find_notice_section_and_ordinals(doc: PolicyDocument) -> None:
    found = find_notice_section(doc, "指导思想是什么？")
    assert found is not None and found.text.startswith("（一）指导思想。")
    assert find_notice_section(doc, "第三部分") is None
    texts = ("第十部分", "第２部分", "二、", "第十八项", "讲什么", "3.", "3.5亿元")
    assert [part_ordinal(t) for t in texts] == [10, 2, 2, None, None, 3, None]


def test_document_round_trips_through_json(doc: PolicyDocument) -> None:
    again = PolicyDocument.model_validate_json(doc.model_dump_json())
    assert again == doc


def test_document_stored_before_structure_existed_derives_it(doc: PolicyDocument) -> None:
    stored = doc.model_dump(mode="json", exclude={"parts", "annex_sections"})
    for key in ("cover_text", "sign_off", "plan_title", "closing"):
        del stored["meta"][key]
    old = PolicyDocument.model_validate_json(json.dumps(stored, ensure_ascii=False))
    assert [p.model_copy(update={"line": 0}) for p in doc.parts] == old.parts
    assert old.annex_sections == doc.annex_sections
    assert old.meta.closing is None and old.meta.sign_off is None
    assert [i.index for i in old.items_in_part(4)] == [7, 8, 9, 10]


def _insert_before_annex_ref(extra: list[str]) -> PolicyDocument:
    lines = source_lines()
    at = next(i for i, raw in enumerate(lines) if raw.startswith("附件："))
    lines[at:at] = [line for text in extra for line in (text, "")]
    return parse_document("\n".join(lines))


def test_closing_sign_off_cc_and_printer_after_the_last_item(doc: PolicyDocument) -> None:
    again = _insert_before_annex_ref(
        [
            "中共重庆市九龙坡区委办公室 ",
            "重庆市九龙坡区人民政府办公室",
            "2021年 9月 28日 ",
            "（此件公开发布）",
            "抄送：区人大常委会办公室，区政协办公室。",
            "中共重庆市九龙坡区委办公室          2021年9月28日印发",
        ]
    )
    closing = again.meta.closing
    assert closing is not None and closing.sign_off is not None
    assert closing.sign_off.issuers == ["中共重庆市九龙坡区委办公室", "重庆市九龙坡区人民政府办公室"]
    assert closing.sign_off.date == "2021年9月28日"
    assert closing.requirements == ["（此件公开发布）"]
    assert closing.cc == "抄送：区人大常委会办公室，区政协办公室。"
    assert closing.printed_by == "中共重庆市九龙坡区委办公室2021年9月28日印发"
    assert closing.annex_ref == ANNEX_REF and closing.text.split("\n")[-1] == ANNEX_REF
    assert again.items == doc.items and again.parts == doc.parts


def test_skipped_part_heading_is_a_source_error() -> None:
    lines = source_lines()
    at = next(i for i, raw in enumerate(lines) if raw.strip() == "三、营造公平公正的法治环境")
    del lines[at]
    with pytest.raises(SourceError, match="notice part 四、 out of order; expected part 3") as caught:
        parse_document("\n".join(lines))
    assert caught.value.line == 230 - 1


def test_missing_annex_heading_is_a_source_error() -> None:
    lines = source_lines()
    at = next(i for i, raw in enumerate(lines) if i > 500 and raw.strip() == "二、营造公平公正的法治环境")
    del lines[at]
    with pytest.raises(
        SourceError, match=r"annex rows 94-113 sit under heading '三、.*expected heading 二、"
    ) as caught:
        parse_document("\n".join(lines))
    assert caught.value.row == 94


# Re-wrapping the notice body the way another extraction might (other line breaks, no or more blank
# lines) must not change a part, an item or the meta facts; only source line numbers move.
LINES = source_lines()
BODY_FROM = next(i for i, raw in enumerate(LINES) if raw.startswith("为深入学习"))
BODY_TO = next(i for i, raw in enumerate(LINES) if raw.startswith("附件："))
ORIGINAL = parse_document("\n".join(LINES))
_ASCII_PAIR = re.compile(r"[A-Za-z0-9]{2}")
_OPENERS = re.compile(r"^(（[一二三四五六七八九十]+）|为|附件|抄送)")


def _split_points(text: str) -> list[int]:
    """Where a body line may break: not inside numbering, a heading or an ASCII word."""
    if PART_RE.match(text):
        return []
    return [
        at
        for at in range(7, len(text) - 1)
        if not _ASCII_PAIR.fullmatch(text[at - 1 : at + 1]) and not _OPENERS.match(text[at:])
    ]


def _relaid(cuts: list[int], blanks: list[int]) -> list[str]:
    body: list[str] = []
    for n, raw in enumerate(LINES[BODY_FROM:BODY_TO]):
        text = raw.strip()
        points = _split_points(text) if text else []
        pieces = [text]
        if points and cuts[n % len(cuts)] >= 0:
            at = points[cuts[n % len(cuts)] % len(points)]
            pieces = [text[:at], text[at:]]
        for piece in pieces:
            body += [piece] + [""] * blanks[(n + len(body)) % len(blanks)]
    return [*LINES[:BODY_FROM], *body, *LINES[BODY_TO:]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.integers(min_value=-1, max_value=80), min_size=1, max_size=30),
    blanks=st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=10),
)
def test_rewrapped_notice_keeps_its_structure(cuts: list[int], blanks: list[int]) -> None:
    again = parse_document("\n".join(_relaid(cuts, blanks)))
    assert [p.model_copy(update={"line": 0}) for p in again.parts] == [
        p.model_copy(update={"line": 0}) for p in ORIGINAL.parts
    ]
    assert again.items == ORIGINAL.items
    assert again.meta == ORIGINAL.meta
    assert again.annex_sections == ORIGINAL.annex_sections
