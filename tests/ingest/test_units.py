"""Tests for the unit directory: lookups, free-text unit detection, coverage of the document, bad data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.units import UnitDirectory, fold, load_unit_directory, parse_unit_directory
from vectorstore.errors import ConfigurationError

SOURCE = Path(__file__).resolve().parents[2] / "data" / "jiulongpo-business-environment-2021.txt"

# Every distinct entry printed in the annex 牵头单位/配合单位 cells (split on 、, trailing 等 dropped).
ANNEX_CELL_ENTRIES = tuple(
    """
    区市场监管局 区政务办 区发展改革委 区财政局 区人力社保局 区住房城乡建委 区税务局 区规划自然资源局 各镇街 区经济信息委 区法院 九龙坡不动产登记中心 区城市管理局
    区大数据发展局 区商务委 区司法局 区公安分局 区各采购单位 区交通局 相关政务服务职能部门 重庆铝产业开发投资集团 各政务服务职能部门 区民政局 区级相关部门
    政府采购代理机构 区科技局 区民营经济发展局 区教委 区委组织部 区政府办公室 区级有关部门 市自来水公司九龙坡营管所 水资源有限公司高新区自来水分公司 区医保局 区农业农村委
    区电子政务中心 区文化旅游委 区卫生健康委 区工商联 九龙高新集团 区委统战部 区纪委监委机关 区规划自然资源局等区级相关部门
    区规划自然资源局等涉及行政许可单位 有关银行机构 区检察院 区市场监管领域“双随机、一公开”联席会议成员单位 区大数据发展局等区级有关部门 龙商担保公司 各相关债券发行主体
    龙商担保有限公司 区知识产权工作领导小组成员单位 有关区级部门 区法院等有关区级部门 区信访办 相关执法单位 区委编办 区委网信办 区体育局 区委宣传部 区国资委
    区行政服务中心分中心 区应急局 区人民防空办 区委办公室 区纪委监委
    """.split()
)

CONTEXTS = ("{}", "请问{}牵头哪些任务？", "{}负责什么", "Which tasks does {} lead?", "（{}）")


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return load_unit_directory()


def notice_responsible_lists() -> list[list[str]]:
    """The notice's （责任单位：…） lists, de-wrapped from the source text, trailing 等 dropped."""
    text = SOURCE.read_text(encoding="utf-8")
    notice = text.split("附件：", 1)[0]
    joined = "".join(line.strip() for line in notice.splitlines())
    lists = re.findall(r"（责任单位：(.*?)）", joined)
    return [[entry.removesuffix("等") for entry in found.split("、")] for found in lists]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("用气报装慢，该转哪个部门？", []),
        ("区税务局牵头哪些任务？", ["区税务局"]),
        ("经信委负责什么", ["区经济信息委"]),
        ("发改委和市场监管局分别牵头几项？", ["区发展改革委", "区市场监管局"]),
        ("工商局现在叫什么", ["区市场监管局"]),
        ("人社局负责哪些任务", ["区人力社保局"]),
        ("住建委配合了哪些任务", ["区住房城乡建委"]),
        ("规自局和不动产登记中心", ["区规划自然资源局", "九龙坡不动产登记中心"]),
        ("国土局管什么", ["区规划自然资源局"]),
        ("政务服务中心能办哪些事", ["区政务办"]),
        ("大数据局做什么", ["区大数据发展局"]),
        ("九龙坡区人民法院的任务", ["区法院"]),
        ("区委组织部牵头的任务", ["区委组织部"]),
        # longest match wins even when a shorter one starts earlier: 区政府|采购代理机构 vs 区|政府采购代理机构
        ("九龙坡区政府采购代理机构有哪些任务", ["政府采购代理机构"]),
        ("中共九龙坡区委办公室", ["区委办公室"]),
        ("区政府办公室配合哪些", ["区政府办公室"]),
        ("区行政服务中心分中心", ["区行政服务中心分中心"]),
        ("纪委监委机关负责什么", ["区纪委监委机关"]),
        ("龙商担保公司", ["龙商担保有限公司"]),
        ("各镇街要做什么", ["各镇街"]),
        ("区级有关部门", ["区级相关部门"]),
        ("按照市财政局统一部署", []),
        ("根据重庆市市场监督管理局的意见", []),
        ("税务局和税务部门", ["区税务局"]),
        ("区 税 务 局", ["区税务局"]),
        ("卫健委、医保局、人社局", ["区卫生健康委", "区医保局", "区人力社保局"]),
        (
            '区市场监管领域"双随机、一公开"联席会议成员单位',
            ["区市场监管领域“双随机、一公开”联席会议成员单位"],
        ),
        ("Which tasks does the tax bureau lead?", ["区税务局"]),
        ("What does the Economy and Information Commission do?", ["区经济信息委"]),
        ("MARKET REGULATION BUREAU and the court", ["区市场监管局", "区法院"]),
        ("Does the People’s Court handle e-filing?", ["区法院"]),
        ("courtesy visits to companies", []),
        ("Which tasks involve banks?", ["有关银行机构"]),
        ("What does the big data bureau do?", ["区大数据发展局"]),
        ("Real Estate Registration Centre", ["九龙坡不动产登记中心"]),
        ("the district government office", ["区政府办公室"]),
        ("law-enforcement units", ["相关执法单位"]),
        ("What is the policy on housing?", []),
        ("How fast is business registration?", []),
        ("发改委 and the tax bureau", ["区发展改革委", "区税务局"]),
    ],
)
def test_find_units(units: UnitDirectory, text: str, expected: list[str]) -> None:
    assert units.find_units(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("经信委", "区经济信息委"),
        ("区经济和信息化委员会", "区经济信息委"),
        ("区税务局", "区税务局"),
        ("Tax Bureau", "区税务局"),
        ("地税", "区税务局"),
        ("区人民法院", "区法院"),
        ("court", "区法院"),
        ("不动产中心", "九龙坡不动产登记中心"),
        ("市监局", "区市场监管局"),
        ("社保局", "区人力社保局"),
        ("发展和改革委员会", "区发展改革委"),
        ("建委", "区住房城乡建委"),
        ("国土局", "区规划自然资源局"),
        ("政务办", "区政务办"),
        ("区纪委监委", "区纪委监委机关"),
        ("有关区级部门", "区级相关部门"),
        ("各政务服务职能部门", "相关政务服务职能部门"),
        ("各镇（街道）", "各镇街"),
        ("区市场监管领域“双随机、一公开”联席会议成员单位", "区市场监管领域“双随机、一公开”联席会议成员单位"),
        ("监管局", None),
        ("委员会", None),
        ("市财政局", None),
        ("区税务局牵头", None),
        ("", None),
    ],
)
def test_canonical(units: UnitDirectory, name: str, expected: str | None) -> None:
    assert units.canonical(name) == expected


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("区经济信息委", "District Economy and Information Technology Commission"),
        ("税务局", "District Tax Bureau"),
        ("不动产登记中心", "Jiulongpo Real Estate Registration Center"),
        ("各镇街", "All towns and sub-districts"),
    ],
)
def test_english(units: UnitDirectory, name: str, english: str) -> None:
    assert units.english(name) == english


def test_english_of_unknown_name_raises(units: UnitDirectory) -> None:
    with pytest.raises(KeyError, match="监管局"):
        units.english("监管局")


def test_every_unit_has_an_english_name_without_chinese(units: UnitDirectory) -> None:
    for unit in units.units:
        assert not re.search(r"[\u4e00-\u9fff]", unit.english), unit.name


def test_every_name_and_alias_resolves_to_its_own_unit(units: UnitDirectory) -> None:
    for unit in units.units:
        for name in unit.names:
            assert units.canonical(name) == unit.name, name


def test_names_in_context_find_only_their_own_unit(units: UnitDirectory) -> None:
    """No shorter alias of another unit steals part of a longer name (longest match wins)."""
    for unit in units.units:
        for name in unit.names:
            for context in CONTEXTS:
                assert units.find_units(context.format(name)) == [unit.name], (name, context)


def test_aliases_inside_other_units_names_are_resolved_to_the_longer_unit(units: UnitDirectory) -> None:
    traps = [
        (short, unit.name, long_name)
        for unit in units.units
        for other in units.units
        if other is not unit
        for short in other.names
        for long_name in unit.names
        if fold(short) in fold(long_name)
    ]
    assert ("区委", "区委组织部", "区委组织部") in traps  # the overlap the matcher exists for
    for _short, owner, long_name in traps:
        assert units.find_units(f"{long_name}的任务") == [owner]


def test_not_unit_terms_yield_no_unit(units: UnitDirectory) -> None:
    assert units.not_units
    for term in units.not_units:
        assert units.find_units(f"按照{term}统一部署") == [], term
        assert units.canonical(term) is None


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("区规划自然资源局等区级相关部门", ["区规划自然资源局", "区级相关部门"]),
        ("区规划自然资源局等涉及行政许可单位", ["区规划自然资源局", "涉及行政许可单位"]),
        ("区大数据发展局等区级有关部门", ["区大数据发展局", "区级相关部门"]),
        ("区法院等有关区级部门", ["区法院", "区级相关部门"]),
        ("区商务委等", ["区商务委"]),
        ("区纪委监委", ["区纪委监委机关"]),
        ("龙商担保公司", ["龙商担保有限公司"]),
    ],
)
def test_units_in_cell_entry(units: UnitDirectory, entry: str, expected: list[str]) -> None:
    assert units.units_in_cell_entry(entry) == expected


@pytest.mark.parametrize("entry", ANNEX_CELL_ENTRIES)
def test_every_annex_cell_entry_names_a_unit(units: UnitDirectory, entry: str) -> None:
    assert units.units_in_cell_entry(entry)


def test_every_notice_responsible_unit_is_in_the_directory(units: UnitDirectory) -> None:
    lists = notice_responsible_lists()
    assert len(lists) == 17  # items (一)..(十七) each end with one
    entries = [entry for found in lists for entry in found]
    assert "区发展改革委" in entries and "区经济信息委" in entries  # wrapped 区发展改\n革委 re-joined
    for entry in entries:
        assert units.canonical(entry) == entry, entry


def test_parsed_document_units_all_resolve(units: UnitDirectory) -> None:
    parser = pytest.importorskip("ingest.parser")
    document = parser.load_document(SOURCE)
    entries = [u for task in document.tasks for u in [*task.lead_units, *task.coop_units]]
    entries += [u for item in document.items for u in item.responsible_units]
    assert len(entries) > len(document.tasks)
    unresolved = [entry for entry in entries if not units.units_in_cell_entry(entry)]
    assert unresolved == []


@pytest.mark.parametrize(
    "name", ["各镇街", "区级相关部门", "有关区级部门", "区各采购单位", "相关政务服务职能部门", "有关银行机构"]
)
def test_collective_entries_are_flagged(units: UnitDirectory, name: str) -> None:
    assert units.is_collective(name)


@pytest.mark.parametrize("name", ["区税务局", "九龙高新集团", "区优化营商环境工作领导小组", "不是单位"])
def test_single_bodies_and_unknowns_are_not_collective(units: UnitDirectory, name: str) -> None:
    assert not units.is_collective(name)


def test_all_names_for_jieba(units: UnitDirectory) -> None:
    names = units.all_names(cjk_only=True)
    assert {"区经济信息委", "经信委", "九龙坡不动产登记中心", "人社局"} <= set(names)
    assert not [n for n in names if re.search(r"[A-Za-z]", n)]
    assert len(names) == len(set(names))
    assert "tax bureau" in units.all_names()


def test_loader_is_cached() -> None:
    assert load_unit_directory() is load_unit_directory()


GOOD_UNIT = (
    '[[units]]\nname = "区税务局"\nenglish = "District Tax Bureau"\nkind = "district"\naliases = ["税务"]\n'
)


@pytest.mark.parametrize(
    ("toml_text", "message"),
    [
        ("[[units]\nname = 1", "not valid TOML"),
        ('[[units]]\nname = "区税务局"\nkind = "district"\n', "english"),
        ('[[units]]\nname = "区税务局"\nenglish = "Tax"\nkind = "city"\n', "kind"),
        (GOOD_UNIT + GOOD_UNIT, "listed twice"),
        (
            GOOD_UNIT
            + '[[units]]\nname = "区财政局"\nenglish = "F"\nkind = "district"\naliases = ["税务"]\n',
            "税务",
        ),
        (GOOD_UNIT + '[not_units]\nterms = ["税务"]\n', "税务"),
        (
            GOOD_UNIT + '[[units]]\nname = "区财政局"\nenglish = "F"\nkind = "district"\naliases = [" "]\n',
            "empty",
        ),
        (GOOD_UNIT + "[extra]\nx = 1\n", "unknown top-level keys: extra"),
        ("", "units"),
    ],
)
def test_malformed_directory_raises_configuration_error(toml_text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_unit_directory(toml_text)


def test_minimal_directory_parses() -> None:
    directory = parse_unit_directory(GOOD_UNIT)
    assert directory.find_units("税务怎么办") == ["区税务局"]
