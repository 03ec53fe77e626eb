"""BM25 keyword search over Chinese text: tokenization, ranking, save/load."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vectorstore.lexical as lexical
from vectorstore.errors import IndexCorruptError
from vectorstore.lexical import LexicalIndex, add_user_words, tokenize

REPO_ROOT = Path(__file__).resolve().parents[2]

# Annex rows of the real document (序号 11, 37, 49, 55, 97, 151) with their lead units.
ROWS = {
    "task-11": "按规定探索建立在线推送银行预约账号模式，企业授权同意后及时将注册登记信息推送至选定银行。牵头单位：区市场监管局、区财政局",
    "task-37": "推动供电可靠性数据分析和过程监控体系建设，加大不停电作业力度和范围，配电自动化覆盖率提升至92%以上。牵头单位：区经济信息委",
    "task-49": "升级“渝快融”功能，持续丰富企业融资主题数据库数据。牵头单位：区财政局",
    "task-55": "推进示范性虚拟仿真实训基地评选及建设，促进产教融合、校企合作。牵头单位：区教委",
    "task-97": "拓展渝满俄国际铁路班列辐射范围，丰富货源品类，增大开行频次。牵头单位：区交通局、区商务委、区经济信息委",
    "task-151": "扩大“非接触式”办税缴费服务范围，基本实现全部涉税政务服务事项网上办。牵头单位：区税务局",
}
UNITS = ["区市场监管局", "区财政局", "区经济信息委", "区教委", "区交通局", "区商务委", "区税务局"]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(list(ROWS), list(ROWS.values()), UNITS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("渝快融", "task-49"),
        ("实训基地", "task-55"),
        ("仿真实训", "task-55"),  # jieba cuts the row as 仿/真实/训: only the bigrams 仿真, 实训 match
        ("非接触式办税", "task-151"),
        ("银行预约账号", "task-11"),
        ("国际铁路班列", "task-97"),
        ("配电自动化覆盖率", "task-37"),
    ],
)
def test_chinese_queries_find_their_row(index: LexicalIndex, query: str, expected: str) -> None:
    hits = index.search(query, k=3)
    assert hits[0].id == expected
    assert hits[0].text == ROWS[expected]
    assert all(a.score >= b.score > 0 for a, b in zip(hits, hits[1:], strict=False))


def test_unit_name_queries_find_only_that_units_rows(index: LexicalIndex) -> None:
    hits = index.search("区经济信息委", k=6)
    assert {hit.id for hit in hits[:2]} == {"task-37", "task-97"}


def test_user_words_stay_one_token() -> None:
    unit = "区智慧停车管理中心"
    assert unit not in tokenize(f"{unit}负责")
    add_user_words([unit])
    assert unit in tokenize(f"{unit}负责")


def test_ascii_is_case_folded_and_punctuation_dropped() -> None:
    tokens = tokenize("推广 Wi-Fi，ＡＢＣ平台！（责任单位）")
    assert {"wi", "fi", "abc", "平台"} <= set(tokens)
    assert not {"，", "！", "（", " ", "-"} & set(tokens)


def test_queries_without_shared_terms_return_nothing(index: LexicalIndex) -> None:
    assert index.search("，。！？", k=5) == []
    assert index.search("量子计算机", k=5) == []
    assert index.search("渝快融", k=0) == []


def test_save_and_load_give_identical_results_without_retokenizing(
    index: LexicalIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index.save(tmp_path / "lexical")
    tokenized: list[str] = []
    real_tokenize = lexical.tokenize

    def counting_tokenize(text: str) -> list[str]:
        tokenized.append(text)
        return real_tokenize(text)

    monkeypatch.setattr(lexical, "tokenize", counting_tokenize)
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert tokenized == []
    assert len(loaded) == len(ROWS)
    for query in ("渝快融", "实训基地", "区经济信息委 铁路"):
        expected = [(hit.id, hit.text) for hit in index.search(query, k=3)]
        assert [(hit.id, hit.text) for hit in loaded.search(query, k=3)] == expected
        assert [hit.score for hit in loaded.search(query, k=3)] == pytest.approx(
            [hit.score for hit in index.search(query, k=3)]
        )


def test_load_restores_user_words_in_a_fresh_process(tmp_path: Path) -> None:
    unit = "区低空经济发展办公室"
    LexicalIndex.build(["a", "b"], [f"{unit}负责无人机", "其他内容"], [unit]).save(tmp_path / "lex")
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from vectorstore.lexical import LexicalIndex, tokenize
        index = LexicalIndex.load(Path(sys.argv[1]))
        print(sys.argv[2] in tokenize(sys.argv[2] + "负责"), index.search(sys.argv[2], 1)[0].id)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "lex"), unit],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "a"]
    assert "Building prefix dict" not in result.stderr  # jieba initialises quietly


def test_loading_a_missing_index_names_the_directory(tmp_path: Path) -> None:
    with pytest.raises(IndexCorruptError, match=str(tmp_path / "nowhere")):
        LexicalIndex.load(tmp_path / "nowhere")


def test_an_index_from_another_tokenizer_version_is_refused(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "old")
    meta_path = tmp_path / "old" / "lexical.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["tokenizer_version"] = 0
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="rebuild"):
        LexicalIndex.load(tmp_path / "old")


def test_build_rejects_mismatched_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        LexicalIndex.build(["a"], ["一", "二"], [])
