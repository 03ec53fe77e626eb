"""The gap report: refused / rated-down questions grouped by topic and named, from the API and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.gaps import GapReport, build_gap_report, gap_report_html, gap_report_markdown
from assistant.models import Answer
from assistant.store import open_store

HELDOUT = Path(__file__).resolve().parents[2] / "eval" / "gold" / "heldout.jsonl"
# questions of our own, outside the document: two topics among unrelated ones (a log is never one topic)
OWN = {
    "weather": ["明天重庆天气怎么样？", "重庆这周天气如何？", "今天天气怎么样？"],
    "trains": ["明天去北京的高铁票多少钱？", "重庆到成都的高铁票价是多少？"],
}
OTHERS = ["帮我写一首关于秋天的诗", "区政务服务中心周末开门吗", "信用修复需要什么条件？", "黄磏港哪年建成？"]


def _topic_of(report: GapReport, question: str) -> int:
    [index] = [n for n, topic in enumerate(report.topics) if question in topic.questions]
    return index


def _check_names(report: GapReport) -> None:
    """Every topic is named by words of its own questions."""
    for topic in report.topics:
        assert topic.name
        text = " ".join(topic.questions).lower()
        assert all(term in text for term in topic.terms), (topic.terms, topic.questions)


def test_questions_of_one_topic_group_together_and_are_named(embeddings: object) -> None:
    candidates = [(q, "refused", "zh") for qs in [*OWN.values(), OTHERS] for q in qs]
    candidates.append(("明天重庆天气怎么样？", "rated_down", "zh"))  # the same question again
    report = build_gap_report(candidates, embeddings)  # type: ignore[arg-type]
    assert report.total == len(candidates)
    topics = [{_topic_of(report, q) for q in questions} for questions in OWN.values()]
    assert all(len(found) == 1 for found in topics), topics
    assert len(set.union(*topics)) == len(OWN)  # and the topics stay apart
    weather = report.topics[_topic_of(report, "明天重庆天气怎么样？")]
    assert "天气" in weather.terms
    assert (weather.count, weather.refused, weather.rated_down) == (4, 3, 1)
    assert report.topics[0] is weather  # the largest topic first
    assert "高铁" in report.topics[_topic_of(report, "明天去北京的高铁票多少钱？")].terms
    _check_names(report)


def test_markdown_and_html_render_every_topic_escaped(embeddings: object) -> None:
    report = build_gap_report([("<b>天气</b>怎么样？", "refused", "zh")], embeddings)  # type: ignore[arg-type]
    markdown = gap_report_markdown(report, "en")
    assert markdown.startswith("# Questions the document does not answer")
    assert "1 refused or rated-wrong questions in 1 topics." in markdown
    html = gap_report_html(report, "zh")
    assert "&lt;b&gt;" in html and "<b>天气" not in html
    assert "暂无" in gap_report_html(GapReport(total=0), "zh")


def test_report_gaps_cli_names_the_heldout_out_of_scope_topics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not HELDOUT.exists():
        pytest.skip("eval/gold/heldout.jsonl is not there yet")
    # only the out_of_scope questions of the held-out set are read, as a log would hold them
    lines = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [line["question"] for line in lines if line["type"] == "out_of_scope"]
    url = f"sqlite:///{tmp_path / 'gaps.sqlite3'}"
    store = open_store(url)
    for question in questions:
        store.log_answer(question, [], Answer(answer="文件未涉及该问题。", refused=True), channel="api")
    store.close()
    monkeypatch.setenv("POLICYQA_DATABASE_URL", url)
    assert main(["report", "gaps", "--out", str(tmp_path / "report")]) == 0
    markdown = (tmp_path / "report" / "gaps.md").read_text(encoding="utf-8")
    assert markdown == capsys.readouterr().out.rstrip("\n") + "\n"
    assert "<section" in (tmp_path / "report" / "gaps.html").read_text(encoding="utf-8")
    counts = [int(n) for n in re.findall(r"^(\d+) 次", markdown, flags=re.MULTILINE)]
    assert sum(counts) == len(questions)
    sections = markdown.split("\n## ")[1:]
    assert len(sections) < len(questions)  # questions were grouped
    for section in sections:  # each topic is named by words of its own questions
        heading, _, body = section.partition("\n")
        terms = heading.split(". ", 1)[1].split(" / ")
        assert all(term.lower() in body.lower() for term in terms), section
    procurement = [s for s in sections if "采购单位最晚几天内付款" in s]
    guarantee = [s for s in sections if "担保费率是多少" in s]
    assert "采购单位要在多少个工作日内完成验收" in procurement[0]
    assert "龙商担保实际完成了多少担保额" in guarantee[0]
    assert procurement != guarantee
