"""The parser against the real source: hand-checked annex rows, the notice, content kept, damaged sources.

tests/fixtures/annex_rows.json holds 72 annex rows, each compared by hand with the raw text at its
`source_lines` (cell boundaries, unit splits, layout spaces). The smaller tables below name the layout
quirks those rows exercise, so a regression says which quirk broke.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.parser import load_document, parse_document
from ingest.records import PolicyDocument, Task
from tests.fixtures.damaged import HEADER, SOURCE, Damage, all_damages, annex_header
from vectorstore.errors import SourceError

ROWS: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "annex_rows.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def doc() -> PolicyDocument:
    """The parsed real source."""
    return load_document(SOURCE)


@pytest.mark.parametrize("expected", ROWS, ids=[f"row{r['no']}" for r in ROWS])
def test_annex_row_matches_hand_checked_table(doc: PolicyDocument, expected: dict[str, Any]) -> None:
    task = doc.task(expected["no"])
    assert task is not None
    assert task.model_dump() == {k: v for k, v in expected.items() if k != "source_lines"}


@pytest.mark.parametrize(
    ("no", "lead", "coop"),
    [
        pytest.param(24, ["区财政局"], ["区各采购单位"], id="24-lead-and-coop-cells-without-blank-line"),
        pytest.param(44, ["区财政局"], ["龙商担保公司"], id="44-lead-and-coop-cells-without-blank-line"),
        pytest.param(25, ["区财政局"], ["区各采购单位", "政府采购代理机构"], id="25-after-split-text-cell"),
        pytest.param(62, ["区医保局"], ["各镇街"], id="62-lead-and-coop-on-one-line"),
        pytest.param(122, ["区政务办"], ["各镇街"], id="122-lead-and-coop-on-one-line"),
        pytest.param(
            32,
            ["区城市管理局"],
            ["市自来水公司九龙坡营管所", "水资源有限公司高新区自来水分公司", "区交通局"],
            id="32-layout-space-before-separator",
        ),
        pytest.param(
            81,
            ["区市场监管局"],
            ["区市场监管领域“双随机、一公开”联席会议成员单位"],
            id="81-separator-in-quotes",
        ),
        pytest.param(33, ["区经济信息委"], [], id="33-empty-coop-before-page-start"),
        pytest.param(34, ["区经济信息委"], [], id="34-page-start-then-empty-coop-cell"),
        pytest.param(45, ["区财政局", "区发展改革委", "区科技局"], [], id="45-empty-coop"),
        pytest.param(94, ["区交通局", "重庆铝产业开发投资集团"], [], id="94-page-header-after-lead"),
        pytest.param(95, ["区交通局", "区市场监管局"], [], id="95-row-after-page-header"),
        pytest.param(176, ["区纪委监委机关"], [], id="176-last-row"),
    ],
)
def test_unit_cells(doc: PolicyDocument, no: int, lead: list[str], coop: list[str]) -> None:
    task = doc.task(no)
    assert task is not None
    assert (task.lead_units, task.coop_units) == (lead, coop)


@pytest.mark.parametrize(
    ("no", "field", "fragment"),
    [
        pytest.param(
            32,
            "district_measure",
            "办理时限从15个工作日压减为全流程总用时不超过9个工作日",
            id="32-number-spaces",
        ),
        pytest.param(32, "district_measure", "（DN50-DN200）有外线", id="32-ascii-kept"),
        pytest.param(32, "district_measure", "项目（DN40及以下）有外线建设", id="32-space-after-ascii"),
        pytest.param(34, "city_task", "办理总用时不超过13个工作日。", id="34-13-days"),
        pytest.param(
            25, "city_task", "不低于30%（中小企业不低于50%），", id="25-cell-split-by-trailing-space"
        ),
        pytest.param(94, "city_task", "推广多式联运“一单制”，", id="94-cell-split-by-trailing-space"),
        pytest.param(
            95, "city_task", "构建欧洲—重庆—东南亚(日韩)通道网络", id="95-dash-line-is-not-a-page-number"
        ),
        pytest.param(9, "city_task", "手机端开办企业“E企办”", id="9-wrapped-inside-quotes"),
        pytest.param(4, "district_measure", "从受理到发证，1个工作日办结。", id="4-1-day"),
    ],
)
def test_layout_spaces_and_wraps_are_removed(doc: PolicyDocument, no: int, field: str, fragment: str) -> None:
    task = doc.task(no)
    assert task is not None
    assert fragment in getattr(task, field)


def test_annex_has_176_rows_in_order_under_five_sections(doc: PolicyDocument) -> None:
    assert [t.no for t in doc.tasks] == list(range(1, 177))
    firsts = {t.section: t.no for t in reversed(doc.tasks)}
    assert firsts == {
        "一、营造优质有序的市场环境": 1,
        "二、营造公平公正的法治环境": 63,
        "三、营造透明便利的开放环境": 94,
        "四、营造高效便捷的政务环境": 114,
        "五、营造风清气正的政商环境": 165,
    }


def test_no_cell_keeps_a_layout_space(doc: PolicyDocument) -> None:
    for task in doc.tasks:
        for cell in [task.city_task, task.district_measure, *task.lead_units, *task.coop_units]:
            assert not re.search(r"\s(?![A-Za-z0-9])|(?<![A-Za-z0-9])\s", cell), (task.no, cell)
        assert task.lead_units, task.no


NOTICE_TITLES = [
    "畅通市场准入", "维护公平竞争秩序", "优化要素供给机制", "加强权益保护", "创新市场监管", "严格规范执法",
    "提升开放发展能级", "推进服务业扩大开放综合试点", "推动贸易和投资便利化", "加大招才引智力度",
    "规范服务标准", "提升服务质效", "强化数字赋能", "打造诚信政府", "健全政企沟通机制", "规范政商交往",
    "严肃执纪执法", "加强组织领导", "分工协作推动政策落地", "激励广大干部新时代新担当新作为",
    "强化督查考核和社会监督",
]  # fmt: skip


def test_notice_has_21_items_with_titles_and_parts(doc: PolicyDocument) -> None:
    assert [i.index for i in doc.items] == list(range(1, 22))
    assert [i.title for i in doc.items] == NOTICE_TITLES
    parts = [i.part[:2] for i in doc.items]
    assert parts == ["二、"] * 3 + ["三、"] * 3 + ["四、"] * 4 + ["五、"] * 3 + ["六、"] * 4 + ["七、"] * 4


@pytest.mark.parametrize(
    ("index", "units"),
    [
        (1, ["区发展改革委", "区商务委", "区市场监管局"]),
        (5, ["区市场监管局", "区发展改革委", "区政务办"]),
        (8, ["区商务委"]),
        (10, ["区委组织部", "区科技局", "区人力社保局"]),
        (12, ["区政务办", "区住房城乡建委", "区税务局", "九龙坡不动产登记中心"]),
        (17, ["区纪委监委机关"]),
        (18, []),
        (19, []),
        (20, []),
        (21, []),
    ],
)
def test_notice_responsible_units(doc: PolicyDocument, index: int, units: list[str]) -> None:
    item = doc.item(index)
    assert item is not None
    assert item.responsible_units == units


def test_notice_item_text_is_whole_and_dewrapped(doc: PolicyDocument) -> None:
    first, last = doc.items[0], doc.items[-1]
    assert first.text.startswith(
        "（一）畅通市场准入。实施统一的市场准入负面清单制度，排查清理各类显性和隐性壁垒，"
    )
    assert first.text.endswith("促进市场新陈代谢。（责任单位：区发展改革委、区商务委、区市场监管局等）")
    assert last.text.endswith("营造全社会关注、支持、参与营商环境优化提升的良好氛围。")
    assert "附件" not in last.text


def test_notice_meta(doc: PolicyDocument) -> None:
    meta = doc.meta
    assert meta.date == "2021年9月27日"
    assert meta.issuers == ["中共重庆市九龙坡区委", "重庆市九龙坡区人民政府"]
    assert meta.target_year == 2025
    assert meta.implements == "《中共重庆市委、重庆市人民政府关于持续营造国际一流营商环境的意见》"
    assert meta.based_on == [
        "《中共中央、国务院关于新时代加快完善社会主义市场经济体制的意见》",
        "《优化营商环境条例》",
        "《重庆市优化营商环境条例》",
        "《中共重庆市委、重庆市人民政府关于持续营造国际一流营商环境的意见》",
    ]
    assert meta.annex_title == "九龙坡区持续营造国际一流营商环境具体工作任务清单"
    assert meta.goals.startswith("工作目标。") and "到2025年" in meta.goals


def _annex_content_chars(lines: list[str]) -> str:
    """Non-whitespace annex text without headers, page numbers, row numbers, section headings and 、."""
    kept: list[str] = []
    expected_row = 1
    for raw in lines[annex_header(lines) :]:
        text = raw.strip()
        if (
            text == HEADER
            or re.fullmatch(r"—\s*\d+\s*—", text)
            or re.fullmatch(r"[一二三四五]、营造\S{4}的\S{2}环境", text)
        ):
            continue
        if text == str(expected_row):
            expected_row += 1
            continue
        kept.append(text)
    return re.sub(r"[\s、]", "", "".join(kept))


def _record_chars(tasks: list[Task]) -> str:
    cells = [c for t in tasks for c in (t.city_task, t.district_measure, *t.lead_units, *t.coop_units)]
    return re.sub(r"[\s、]", "", "".join(cells))


def test_every_annex_character_reaches_the_records_in_order(doc: PolicyDocument) -> None:
    raw = _annex_content_chars(SOURCE.read_text(encoding="utf-8").split("\n"))
    assert len(raw) > 20_000
    assert _record_chars(doc.tasks) == raw


def test_crlf_and_bom_parse_the_same(doc: PolicyDocument, tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SOURCE.read_bytes().replace(b"\n", b"\r\n"))
    again = load_document(path)
    assert (again.meta, again.items, again.tasks) == (doc.meta, doc.items, doc.tasks)


@pytest.mark.parametrize("damage", all_damages(), ids=lambda d: d.name)
def test_damaged_source_raises_source_error_naming_row_and_line(damage: Damage, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=damage.message) as caught:
        load_document(damage.write(tmp_path))
    assert (caught.value.row, caught.value.line) == (damage.row, damage.line)
    where = [f"row {damage.row}"] * (damage.row is not None) + [f"line {damage.line}"] * (
        damage.line is not None
    )
    if where:
        assert str(caught.value).endswith(f"({', '.join(where)})")


@pytest.mark.parametrize("text", ["", "   \n\n  \n"], ids=["empty", "blank"])
def test_parse_document_rejects_empty_text(text: str) -> None:
    with pytest.raises(SourceError, match="empty"):
        parse_document(text)
