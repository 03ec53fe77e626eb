"""`policyqa feedback export`: rated answers become draft gold lines that the gold loader accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.models import Answer, Citation
from assistant.store import open_store
from eval.gold import load_gold


def _answer(refused: bool = False) -> Answer:
    cited = [
        Citation(type="task", id=34, lead_units=["区经济信息委"], quote="压减用气接入时间。"),
        Citation(type="item", id=3, quote="优化"),
        Citation(type="task", id=34),
        Citation(type="meta", id=0),
    ]
    return Answer(
        answer="文件未涉及该问题。" if refused else "由区经济信息委牵头〔任务34〕",
        citations=[] if refused else cited,
        refused=refused,
        index_version="v-test",
    )


def test_export_writes_valid_unverified_drafts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fb.sqlite3'}"
    store = open_store(url)
    history = [{"role": "user", "content": "用气报装"}, {"role": "assistant", "content": "见任务34"}]
    wrong = store.log_answer("那牵头单位呢？", history, _answer(), channel="ui")
    refusal = store.log_answer("明天天气怎么样？", [], _answer(refused=True), channel="api")
    english = store.log_answer("Who leads gas connections?", [], _answer(), channel="api")
    store.log_answer("没人评价的问题", [], _answer(), channel="api")
    store.add_feedback(wrong, "down", "应该是任务35")
    store.add_feedback(refusal, "up")
    store.add_feedback(english, "up")
    store.close()
    monkeypatch.setenv("POLICYQA_DATABASE_URL", url)
    out = tmp_path / "drafts.jsonl"
    assert main(["feedback", "export", "--out", str(out)]) == 0
    assert "wrote 3 draft gold lines" in capsys.readouterr().out

    gold = {q.question: q for q in load_gold(out)}  # the gold-schema validator accepts the file
    assert set(gold) == {"那牵头单位呢？", "明天天气怎么样？", "Who leads gas connections?"}
    down = gold["那牵头单位呢？"]
    assert (down.type, down.gold_tasks, down.gold_items) == ("paraphrase", [34], [3])
    assert down.primary is not None and down.primary.label() == "task:34"
    assert [t.content for t in down.history] == ["用气报装", "见任务34"]
    assert "UNVERIFIED" in down.notes and "应该是任务35" in down.notes
    refused = gold["明天天气怎么样？"]
    assert (refused.type, refused.gold_tasks, refused.primary) == ("out_of_scope", [], None)
    assert gold["Who leads gas connections?"].type == "english"
    raw = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(line["draft"]["status"] == "unverified" for line in raw)
    assert all(line["draft"]["index_version"] == "v-test" for line in raw)

    assert main(["feedback", "export", "--out", str(out), "--rating", "down"]) == 0
    assert [q.question for q in load_gold(out)] == ["那牵头单位呢？"]
