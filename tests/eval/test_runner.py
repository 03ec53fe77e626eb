"""run_eval end to end with fake services over the real parsed document: scores, sets, report files, baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.models import Answer
from eval import runner
from eval.gold import DEFAULT_GOLD_PATH, OUT_OF_SCOPE, SHORT_ANSWER_TYPES, load_gold
from eval.models import SetReport
from eval.report import format_summary
from eval.runner import default_gold_paths, run_eval
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
ENGLISH_LEAD = "Which unit leads the work on gas connection time?"
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
        "id": "g-en",
        "type": "lead_unit",
        "question": ENGLISH_LEAD,
        "history": [],
        "gold_tasks": [34],
        "gold_items": [],
        "answer_must_contain_any": [["Economy and Information Technology Commission", "经济信息委"]],
        "notes": "asked in English, typed by what it asks",
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
    ENGLISH_LEAD: Answer(
        answer="Task 34 (gas connection) is led by:\nthe District Economy and Information Technology Commission.",
        citations=[task_cite(35)],
        language="en",
    ),
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


def only_set(report: Any) -> SetReport:
    """The single set of a one-file run."""
    assert len(report.sets) == 1
    return next(iter(report.sets.values()))


def write_gold(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_each_question_is_scored_against_its_gold(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    results = {r.id: r for r in only_set(run_eval(fake_service, gold_file, tmp_path / "out")).results}
    gas = results["g-gas"]
    assert (gas.hit, gas.cite_at_1, gas.reciprocal_rank, gas.citation_precision) == (1.0, 0.0, 0.5, 0.5)
    assert gas.answer_correct and gas.cited == ["task:33", "task:34"]
    assert gas.first_line_correct is True and gas.answer_chars == len(REPLIES[GAS].answer)
    city = results["g-city"]
    assert city.set_scores is not None
    assert city.set_scores.precision == pytest.approx(2 / 3) and city.set_scores.recall == pytest.approx(
        2 / 3
    )
    assert (
        "tasks not cited: [36]" in city.reasons
        and "tasks cited but not led by the unit: [99]" in city.reasons
    )
    assert city.first_line_correct is None  # a unit list is not a short answer
    assert results["g-weather"].answer_correct and not results["g-weather"].reasons
    assert results["g-weather"].first_line_correct is None
    assert results["g-yubei"].reasons == ["answered an out-of-scope question instead of refusing"]
    assert results["g-date"].hit is None and results["g-date"].answer_correct
    follow = results["g-follow"]
    assert (follow.hit, follow.cite_at_1, follow.reciprocal_rank) == (1.0, 0.0, 0.5)  # primary is item 3
    assert follow.reasons == ["answer lacks all of ['交通局']"]
    assert follow.first_line_correct is False


def test_an_answer_below_the_first_line_is_correct_but_fails_first_line(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    english = next(
        r for r in only_set(run_eval(fake_service, gold_file, tmp_path / "out")).results if r.id == "g-en"
    )
    assert english.answer_correct and english.first_line_correct is False
    assert english.first_line == "Task 34 (gas connection) is led by:"
    assert english.english and english.hit == 0.0
    assert english.reasons == ["the answer is not in the first line", "primary source task:34 not cited"]


def test_history_reaches_the_service(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    run_eval(fake_service, gold_file, tmp_path / "out")
    assert (FOLLOWUP, HISTORY) in fake_service.calls
    assert (GAS, []) in fake_service.calls


def test_metrics_aggregate_per_type_and_overall(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    scored = only_set(run_eval(fake_service, gold_file, tmp_path / "out"))
    oos = scored.per_type[OUT_OF_SCOPE]
    assert (oos.n, oos.refusal_rate, oos.answer_accuracy, oos.hit) == (2, 0.5, 0.5, None)
    assert (oos.first_line_accuracy, oos.in_scope_accuracy) == (None, None)
    overall = scored.overall
    assert overall.n == 7
    assert overall.hit == pytest.approx(3 / 4)  # gas, city, follow-up cite their primary; the English one not
    assert overall.cite_at_1 == pytest.approx(1 / 4)
    assert overall.mrr == pytest.approx((0.5 + 1.0 + 0.5 + 0.0) / 4)
    assert overall.answer_accuracy == pytest.approx(5 / 7)
    assert overall.in_scope_accuracy == pytest.approx(4 / 5)
    assert overall.first_line_accuracy == pytest.approx(2 / 4)  # gas, date yes; English, follow-up no
    assert (overall.english_hit, overall.multi_turn_hit, overall.meta_accuracy) == (0.0, 1.0, 1.0)
    assert overall.refusal_rate == pytest.approx(0.5) and overall.false_refusal_rate == pytest.approx(0.0)
    assert overall.set_f1 == pytest.approx(2 / 3)
    assert overall.latency is not None and overall.latency.count == 7
    assert [f.id for f in scored.failures] == ["g-city", "g-yubei", "g-en", "g-follow"]
    assert scored.n_failed == 4 and scored.failures_shown and not scored.heldout


def test_answer_lengths_cover_answered_in_scope_questions(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    overall = only_set(run_eval(fake_service, gold_file, tmp_path / "out")).overall
    answered = [GAS, CITY, DATE, ENGLISH_LEAD, FOLLOWUP]  # not the refusal, not the out-of-scope answer
    lengths = sorted(len(REPLIES[q].answer) for q in answered)
    assert overall.answer_length is not None and overall.answer_length.count == 5
    assert overall.answer_length.median == lengths[2]
    short = sorted(len(REPLIES[q].answer) for q in (GAS, DATE, ENGLISH_LEAD, FOLLOWUP))
    assert overall.short_answer_length is not None and overall.short_answer_length.count == 4
    assert overall.short_answer_length.median == pytest.approx((short[1] + short[2]) / 2)


def test_report_files_are_written(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run_eval(fake_service, gold_file, out)
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2 and data["n_questions"] == 7 and data["index_version"] == "fake-v1"
    assert list(data["sets"]) == ["gold"]
    gold = data["sets"]["gold"]
    assert gold["gold_path"] == str(gold_file) and gold["heldout"] is False
    assert set(gold["per_type"]) == {
        "numeric_fact",
        "unit_tasks",
        "out_of_scope",
        "meta",
        "lead_unit",
        "multi_turn",
    }
    assert [f["id"] for f in gold["failures"]] == [f.id for f in only_set(report).failures]
    assert gold["failures"][0]["gold"] == ["task:32", "task:35", "task:36"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | gold | target |" in markdown and "| type | n | hit |" in markdown
    assert "| OVERALL | 7 |" in markdown
    assert "### g-yubei (out_of_scope)" in markdown and OTHER_DISTRICT in markdown
    assert "- first line: Task 34 (gas connection) is led by:" in markdown
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3 and "<script" not in page and "http" not in page
    rows = [json.loads(line) for line in (out / "ragas.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["user_input"] for r in rows] == [g["question"] for g in GOLD]
    gas = rows[0]
    assert gas["response"] == REPLIES[GAS].answer and gas["reference"] == "13个工作日"
    assert gas["gold_set"] == "gold"
    assert any("压减用气接入时间" in text for text in gas["retrieved_contexts"])
    assert "压减用气接入时间" in gas["reference_contexts"][0]


def test_baseline_runs_beside_the_service(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run_eval(fake_service, gold_file, out, baseline=True, embeddings=BigramEmbeddings())
    scored = only_set(report)
    assert scored.baseline is not None
    assert set(scored.baseline.per_type) == set(scored.per_type)
    gas = next(r for r in scored.baseline.results if r.id == "g-gas")
    assert gas.hit == 1.0 and "task:34" in gas.cited
    assert scored.baseline.overall.latency is not None and scored.baseline.overall.latency.count == 7
    assert scored.baseline.config.chunks > 0
    assert "hit (base)" in (out / "report.md").read_text(encoding="utf-8")
    summary = format_summary(report)
    assert "gold (base)" in summary and "gold: baseline retrieval" in summary


def test_summary_without_baseline_has_no_baseline_columns(
    fake_service: FakeService, gold_file: Path, tmp_path: Path
) -> None:
    summary = format_summary(run_eval(fake_service, gold_file, tmp_path / "out"))
    assert "(base)" not in summary
    assert "gold: 7 questions, 4 failed, 0 errors" in summary
    assert "first-line accuracy" in summary and "median answer length" in summary


def test_baseline_needs_an_embedder(fake_service: FakeService, gold_file: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="embedder"):
        run_eval(fake_service, gold_file, tmp_path / "out", baseline=True)


def test_a_rejected_question_is_recorded_and_the_run_goes_on(
    document: PolicyDocument, tmp_path: Path
) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", [dict(GOLD[0]), dict(GOLD[2], id="blank", question="   ")])
    service = FakeService(document, lambda question, history: REPLIES[question].model_copy(deep=True))
    scored = only_set(run_eval(service, gold, tmp_path / "out"))
    blank = next(r for r in scored.results if r.id == "blank")
    assert blank.error == "InvalidQuestionError: empty question"
    assert (
        scored.overall.errors == 1
        and scored.overall.latency is not None
        and scored.overall.latency.count == 1
    )
    assert next(r for r in scored.results if r.id == "g-gas").answer_correct


def test_index_errors_abort_the_run(document: PolicyDocument, gold_file: Path, tmp_path: Path) -> None:
    def broken(question: str, history: list[dict[str, str]]) -> Answer:
        raise IndexNotFoundError("no index; run `policyqa ingest`")

    with pytest.raises(IndexNotFoundError):
        run_eval(FakeService(document, broken), gold_file, tmp_path / "out")


# ---------------------------------------------------------------- several sets


@pytest.fixture
def two_sets(tmp_path: Path) -> list[Path]:
    """A dev file and a stand-in held-out file (other dev questions; the real held-out set is never read)."""
    sets = tmp_path / "sets"
    sets.mkdir()
    return [write_gold(sets / "dev.jsonl", GOLD[:4]), write_gold(sets / "heldout.jsonl", GOLD[4:])]


def test_sets_are_named_by_stem_and_the_held_out_set_comes_first(
    fake_service: FakeService, two_sets: list[Path], tmp_path: Path
) -> None:
    report = run_eval(fake_service, two_sets, tmp_path / "out")
    assert list(report.sets) == ["heldout", "dev"] and report.headline().name == "heldout"
    dev, heldout = report.sets["dev"], report.sets["heldout"]
    assert (dev.heldout, heldout.heldout) == (False, True)
    assert [r.id for r in heldout.results] == ["g-date", "g-en", "g-follow"]
    assert (dev.n_questions, heldout.n_questions, report.n_questions) == (4, 3, 7)
    assert heldout.overall.meta_accuracy == 1.0 and dev.overall.meta_accuracy is None
    assert report.overall.n == 7 and report.overall.answer_accuracy == pytest.approx(5 / 7)


def test_held_out_failures_are_counted_but_not_listed(
    fake_service: FakeService, two_sets: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = run_eval(fake_service, two_sets, out)
    heldout = report.sets["heldout"]
    assert heldout.n_failed == 2 and heldout.failures == [] and not heldout.failures_shown
    assert [f.id for f in report.sets["dev"].failures] == ["g-city", "g-yubei"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    page = (out / "report.html").read_text(encoding="utf-8")
    summary = format_summary(report, failures=5)
    for text in (markdown, page, summary):
        assert "g-yubei" in text and "--show-heldout-failures" in text
        assert "g-follow" not in text and FOLLOWUP not in text and "g-en" not in text
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["sets"]["heldout"]["failures"] == []


def test_held_out_failures_are_listed_when_asked(
    fake_service: FakeService, two_sets: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = run_eval(fake_service, two_sets, out, show_heldout_failures=True)
    assert [f.id for f in report.sets["heldout"].failures] == ["g-en", "g-follow"]
    assert "### g-follow (multi_turn)" in (out / "report.md").read_text(encoding="utf-8")
    summary = format_summary(report, failures=1)
    assert "heldout failures (1 of 2):" in summary and "g-en (lead_unit)" in summary
    assert "g-follow" not in summary


def test_summary_is_metrics_by_set_with_targets_marked_on_the_held_out_set(
    fake_service: FakeService, two_sets: list[Path], tmp_path: Path
) -> None:
    summary = format_summary(run_eval(fake_service, two_sets, tmp_path / "out"))
    lines = summary.splitlines()
    assert lines[0].split() == ["metric", "heldout", "dev", "target"]
    meta = next(line for line in lines if line.startswith("meta accuracy"))
    assert meta.split() == ["meta", "accuracy", "1.000", "✓", "–", ">=", "0.90"]
    hit = next(line for line in lines if line.startswith("hit "))
    assert hit.split() == ["hit", "0.500", "✗", "1.000", ">=", "0.95"]  # no mark on the dev column
    false_refusal = next(line for line in lines if line.startswith("false-refusal rate"))
    assert false_refusal.split()[2:] == ["0.000", "✓", "0.000", "<=", "0.03"]
    assert "heldout: 3 questions, 2 failed, 0 errors" in summary
    assert "dev: 4 questions, 2 failed, 0 errors" in summary


def test_limit_takes_the_first_questions_of_every_set(
    fake_service: FakeService, two_sets: list[Path], tmp_path: Path
) -> None:
    report = run_eval(fake_service, two_sets, tmp_path / "out", limit=2)
    assert {name: [r.id for r in s.results] for name, s in report.sets.items()} == {
        "heldout": ["g-date", "g-en"],
        "dev": ["g-gas", "g-city"],
    }
    assert report.sets["dev"].limit == 2
    assert report.sets["dev"].gold_sha256 != report.sets["heldout"].gold_sha256


def test_baseline_is_scored_per_set(fake_service: FakeService, two_sets: list[Path], tmp_path: Path) -> None:
    report = run_eval(fake_service, two_sets, tmp_path / "out", baseline=True, embeddings=BigramEmbeddings())
    for scored in report.sets.values():
        assert scored.baseline is not None
        assert [r.id for r in scored.baseline.results] == [r.id for r in scored.results]
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 5  # the sets chart, then per set: types and latency


def test_sets_need_distinct_stems(fake_service: FakeService, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    paths = [
        write_gold(tmp_path / "a" / "qa.jsonl", GOLD[:2]),
        write_gold(tmp_path / "b" / "qa.jsonl", GOLD[2:]),
    ]
    with pytest.raises(ConfigurationError, match="distinct names"):
        run_eval(fake_service, paths, tmp_path / "out")


def test_default_sets_are_dev_and_held_out_when_it_exists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(runner, "HELDOUT_GOLD_PATH", tmp_path / "heldout.jsonl")
    dev = [DEFAULT_GOLD_PATH, *sorted(DEFAULT_GOLD_PATH.parent.glob("probe_*.jsonl"))]
    assert len(dev) >= 3  # qa.jsonl and the two probe sets written from the document by outsiders
    assert default_gold_paths() == dev
    write_gold(tmp_path / "heldout.jsonl", GOLD[:1])
    assert default_gold_paths() == [*dev, tmp_path / "heldout.jsonl"]
    write_gold(tmp_path / "heldout_b.jsonl", GOLD[1:2])  # a second held-out set is scored beside the first
    assert default_gold_paths() == [*dev, tmp_path / "heldout.jsonl", tmp_path / "heldout_b.jsonl"]
    assert runner.is_heldout(tmp_path / "heldout_b.jsonl")


# ---------------------------------------------------------------- the full dev set


def test_a_perfect_service_scores_perfectly_on_the_full_gold_set(
    document: PolicyDocument, tmp_path: Path
) -> None:
    questions = load_gold(DEFAULT_GOLD_PATH)
    scored = only_set(run_eval(FakeOracleService(document, questions), DEFAULT_GOLD_PATH, tmp_path / "out"))
    overall = scored.overall
    assert scored.name == "qa" and scored.n_questions == len(questions) and scored.failures == []
    assert (overall.hit, overall.cite_at_1, overall.mrr, overall.citation_precision) == (1.0, 1.0, 1.0, 1.0)
    assert (overall.answer_accuracy, overall.in_scope_accuracy, overall.set_f1) == (1.0, 1.0, 1.0)
    assert overall.first_line_accuracy == 1.0
    assert (overall.english_hit, overall.multi_turn_hit, overall.meta_accuracy) == (1.0, 1.0, 1.0)
    assert (overall.refusal_rate, overall.false_refusal_rate) == (1.0, 0.0)
    short = sum(q.type in SHORT_ANSWER_TYPES for q in questions)
    assert overall.short_answer_length is not None and overall.short_answer_length.count == short


def test_a_service_that_refuses_everything_scores_only_on_out_of_scope(
    document: PolicyDocument, tmp_path: Path
) -> None:
    questions = load_gold(DEFAULT_GOLD_PATH)
    refuser = FakeService(document, lambda question, history: Answer(answer="文件未涉及。", refused=True))
    scored = only_set(run_eval(refuser, DEFAULT_GOLD_PATH, tmp_path / "out"))
    share_oos = sum(q.type == OUT_OF_SCOPE for q in questions) / len(questions)
    assert scored.overall.answer_accuracy == pytest.approx(share_oos)
    assert (scored.overall.refusal_rate, scored.overall.false_refusal_rate, scored.overall.hit) == (
        1.0,
        1.0,
        0.0,
    )
    assert scored.overall.first_line_accuracy is None  # refusals are counted by the false-refusal rate
    assert scored.overall.answer_length is not None and scored.overall.answer_length.count == 0
    assert scored.n_failed == sum(q.type != OUT_OF_SCOPE for q in questions)
