"""run_eval end to end with fake services over the real parsed document: scores, report files, baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.models import Answer
from eval.gold import DEFAULT_GOLD_PATH, OUT_OF_SCOPE, load_gold
from eval.report import format_summary
from eval.runner import run_eval
from ingest.parser import load_document
from ingest.records import PolicyDocument
from tests.eval.fakes import BigramEmbeddings, FakeOracleService, FakeService, item_cite, task_cite
from vectorstore.errors import ConfigurationError, IndexNotFoundError

SOURCE = Path(__file__).resolve().parents[2] / "data" / "jiulongpo-business-environment-2021.txt"

GAS = "获得用气用户办理总用时不超过多少个工作日？"
CITY = "区城市管理局牵头哪些任务？"
WEATHER = "九龙坡区今天天气怎么样？"
OTHER_DISTRICT = "渝北区用气报装要多久？"
DATE = "这份通知是什么时候印发的？"
FOLLOWUP = "配合单位呢？"
HISTORY = [
    {"role": "user", "content": "第32项任务是什么？"},
    {"role": "assistant", "content": "压减用水接入时间。"},
]

GOLD: list[dict[str, Any]] = [
    {
        "id": "g-gas",
        "type": "numeric_fact",
        "question": GAS,
        "history": [],
        "gold_tasks": [34],
        "gold_items": [],
        "answer_must_contain_any": [["13个工作日", "13 个工作日"]],
        "notes": "",
    },
    {
        "id": "g-city",
        "type": "unit_tasks",
        "question": CITY,
        "history": [],
        "gold_tasks": [32, 35, 36],
        "gold_items": [],
        "answer_must_contain_any": [["城市管理局"]],
        "notes": "",
    },
    {
        "id": "g-weather",
        "type": "out_of_scope",
        "question": WEATHER,
        "history": [],
        "gold_tasks": [],
        "gold_items": [],
        "answer_must_contain_any": [],
        "notes": "",
    },
    {
        "id": "g-yubei",
        "type": "out_of_scope",
        "question": OTHER_DISTRICT,
        "history": [],
        "gold_tasks": [],
        "gold_items": [],
        "answer_must_contain_any": [],
        "notes": "",
    },
    {
        "id": "g-date",
        "type": "meta",
        "question": DATE,
        "history": [],
        "gold_tasks": [],
        "gold_items": [],
        "answer_must_contain_any": [["2021年9月27日"]],
        "notes": "",
    },
    {
        "id": "g-follow",
        "type": "multi_turn",
        "question": FOLLOWUP,
        "history": HISTORY,
        "gold_tasks": [32],
        "gold_items": [3],
        "primary": {"type": "item", "id": 3},
        "answer_must_contain_any": [["交通局"]],
        "notes": "",
    },
]

REPLIES = {
    GAS: Answer(answer="获得用气用户办理总用时不超过13 个工作日。", citations=[task_cite(33), task_cite(34)]),
    CITY: Answer(
        answer="区城市管理局牵头第32、35、99项。", citations=[task_cite(32), task_cite(35), task_cite(99)]
    ),
    WEATHER: Answer(answer="文件未涉及。", refused=True),
    OTHER_DISTRICT: Answer(answer="13个工作日。", citations=[task_cite(34)]),
    DATE: Answer(answer="2021年9月27日印发。"),
    FOLLOWUP: Answer(answer="区住房城乡建委配合。", citations=[task_cite(32), item_cite(3)]),
}


@pytest.fixture(scope="module")
def document() -> PolicyDocument:
    return load_document(SOURCE)


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in GOLD) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def fake_service(document: PolicyDocument) -> FakeService:
    return FakeService(document, lambda question, history: REPLIES[question].model_copy(deep=True))


def test_each_question_is_scored_against_its_gold(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    report = run_eval(fake_service, gold_file, tmp_path / "out")
    results = {r.id: r for r in report.results}
    gas = results["g-gas"]
    assert (gas.hit, gas.cite_at_1, gas.reciprocal_rank, gas.citation_precision) == (1.0, 0.0, 0.5, 0.5)
    assert gas.answer_correct and gas.cited == ["task:33", "task:34"]
    city = results["g-city"]
    assert city.set_scores is not None
    assert city.set_scores.precision == pytest.approx(2 / 3) and city.set_scores.recall == pytest.approx(
        2 / 3
    )
    assert (
        "tasks not cited: [36]" in city.reasons
        and "tasks cited but not led by the unit: [99]" in city.reasons
    )
    assert results["g-weather"].answer_correct and not results["g-weather"].reasons
    assert results["g-yubei"].reasons == ["answered an out-of-scope question instead of refusing"]
    assert results["g-date"].hit is None and results["g-date"].answer_correct
    follow = results["g-follow"]
    assert (follow.hit, follow.cite_at_1, follow.reciprocal_rank) == (1.0, 0.0, 0.5)  # primary is item 3
    assert follow.reasons == ["answer lacks all of ['交通局']"]


def test_history_reaches_the_service(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    run_eval(fake_service, gold_file, tmp_path / "out")
    assert (FOLLOWUP, HISTORY) in fake_service.calls
    assert (GAS, []) in fake_service.calls


def test_metrics_aggregate_per_type_and_overall(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    report = run_eval(fake_service, gold_file, tmp_path / "out")
    oos = report.per_type[OUT_OF_SCOPE]
    assert (oos.n, oos.refusal_rate, oos.answer_accuracy, oos.hit) == (2, 0.5, 0.5, None)
    overall = report.overall
    assert overall.n == 6
    assert overall.hit == pytest.approx(1.0)  # gas, city, follow-up all cite their primary
    assert overall.cite_at_1 == pytest.approx(1 / 3)
    assert overall.mrr == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    assert overall.answer_accuracy == pytest.approx(4 / 6)
    assert overall.refusal_rate == pytest.approx(0.5) and overall.false_refusal_rate == pytest.approx(0.0)
    assert overall.set_f1 == pytest.approx(2 / 3)
    assert overall.latency is not None and overall.latency.count == 6
    assert [f.id for f in report.failures] == ["g-city", "g-yubei", "g-follow"]


def test_report_files_are_written(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run_eval(fake_service, gold_file, out)
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["n_questions"] == 6 and data["index_version"] == "fake-v1"
    assert set(data["per_type"]) == {"numeric_fact", "unit_tasks", "out_of_scope", "meta", "multi_turn"}
    assert [f["id"] for f in data["failures"]] == [f.id for f in report.failures]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| type | n | hit |" in markdown and "| OVERALL | 6 |" in markdown
    assert "### g-yubei (out_of_scope)" in markdown and OTHER_DISTRICT in markdown
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2 and "<script" not in page and "http" not in page
    rows = [json.loads(line) for line in (out / "ragas.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["user_input"] for r in rows] == [g["question"] for g in GOLD]
    gas = rows[0]
    assert gas["response"] == REPLIES[GAS].answer and gas["reference"] == "13个工作日"
    assert any("压减用气接入时间" in text for text in gas["retrieved_contexts"])
    assert "压减用气接入时间" in gas["reference_contexts"][0]


def test_baseline_runs_beside_the_service(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run_eval(fake_service, gold_file, out, baseline=True, embeddings=BigramEmbeddings())
    assert report.baseline is not None
    assert set(report.baseline.per_type) == set(report.per_type)
    gas = next(r for r in report.baseline.results if r.id == "g-gas")
    assert gas.hit == 1.0 and "task:34" in gas.cited
    assert report.baseline.overall.latency is not None and report.baseline.overall.latency.count == 6
    assert report.baseline.config.chunks > 0
    assert "hit (base)" in (out / "report.md").read_text(encoding="utf-8")
    summary = format_summary(report)
    assert "hit (base)" in summary and "baseline retrieval" in summary and "OVERALL" in summary


def test_summary_without_baseline_has_no_baseline_columns(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    summary = format_summary(run_eval(fake_service, gold_file, tmp_path / "out"))
    assert "(base)" not in summary
    assert "6 questions, 3 failed, 0 errors" in summary
    assert all(
        kind in summary for kind in ("numeric_fact", "unit_tasks", "out_of_scope", "meta", "multi_turn")
    )


def test_baseline_needs_an_embedder(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="embedder"):
        run_eval(fake_service, gold_file, tmp_path / "out", baseline=True)


def test_a_rejected_question_is_recorded_and_the_run_goes_on(
    document: PolicyDocument, tmp_path: Path
) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [dict(GOLD[0]), dict(GOLD[2], id="blank", question="   ")]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    service = FakeService(document, lambda question, history: REPLIES[question].model_copy(deep=True))
    report = run_eval(service, gold, tmp_path / "out")
    blank = next(r for r in report.results if r.id == "blank")
    assert blank.error == "InvalidQuestionError: empty question"
    assert (
        report.overall.errors == 1
        and report.overall.latency is not None
        and report.overall.latency.count == 1
    )
    assert next(r for r in report.results if r.id == "g-gas").answer_correct


def test_index_errors_abort_the_run(document: PolicyDocument, gold_file: Path, tmp_path: Path) -> None:
    def broken(question: str, history: list[dict[str, str]]) -> Answer:
        raise IndexNotFoundError("no index; run `policyqa ingest`")

    with pytest.raises(IndexNotFoundError):
        run_eval(FakeService(document, broken), gold_file, tmp_path / "out")


def test_a_perfect_service_scores_perfectly_on_the_full_gold_set(
    document: PolicyDocument, tmp_path: Path
) -> None:
    questions = load_gold(DEFAULT_GOLD_PATH)
    report = run_eval(FakeOracleService(document, questions), DEFAULT_GOLD_PATH, tmp_path / "out")
    overall = report.overall
    assert report.n_questions == len(questions) and report.failures == []
    assert (overall.hit, overall.cite_at_1, overall.mrr, overall.citation_precision) == (1.0, 1.0, 1.0, 1.0)
    assert (overall.answer_accuracy, overall.set_f1) == (1.0, 1.0)
    assert (overall.refusal_rate, overall.false_refusal_rate) == (1.0, 0.0)


def test_a_service_that_refuses_everything_scores_only_on_out_of_scope(
    document: PolicyDocument, tmp_path: Path
) -> None:
    questions = load_gold(DEFAULT_GOLD_PATH)
    refuser = FakeService(document, lambda question, history: Answer(answer="文件未涉及。", refused=True))
    report = run_eval(refuser, DEFAULT_GOLD_PATH, tmp_path / "out")
    share_oos = sum(q.type == OUT_OF_SCOPE for q in questions) / len(questions)
    assert report.overall.answer_accuracy == pytest.approx(share_oos)
    assert (report.overall.refusal_rate, report.overall.false_refusal_rate, report.overall.hit) == (
        1.0,
        1.0,
        0.0,
    )
    assert len(report.failures) == sum(q.type != OUT_OF_SCOPE for q in questions)
