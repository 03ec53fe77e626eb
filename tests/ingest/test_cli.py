"""The `policyqa` console script as a user runs it: tasks, items, ask --jsonl (real subprocesses)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from tests.fixtures.indexes import GAS_LEAD, GAS_QUESTION, cli_env, run_cli

pytestmark = pytest.mark.slow

TASK_KEYS = {"no", "section", "city_task", "district_measure", "lead_units", "coop_units"}
ITEM_KEYS = {"index", "part", "title", "responsible_units", "text"}


def _ok(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = run_cli(args, env, stdin)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_tasks_json_lists_176_records_with_exact_keys(tmp_path: Path) -> None:
    tasks = json.loads(_ok(["tasks", "--json"], cli_env(tmp_path / "index")))
    assert [t["no"] for t in tasks] == list(range(1, 177))
    assert all(set(t) == TASK_KEYS for t in tasks)
    gas = tasks[33]
    assert (gas["lead_units"], gas["coop_units"]) == ([GAS_LEAD], [])
    assert tasks[61]["coop_units"] == ["各镇街"]


def test_tasks_one_row_is_readable(tmp_path: Path) -> None:
    out = _ok(["tasks", "34"], cli_env(tmp_path / "index")).splitlines()
    assert out[0] == "任务 34  [一、营造优质有序的市场环境]"
    assert out[1] == "市级工作任务：压减用气接入时间，获得用气用户办理总用时不超过13个工作日。"
    assert out[2].startswith(
        "区级贯彻措施：严格执行《关于印发重庆市深化用户用气报装改革优化营商环境的实施方案（试行）的通知》"
    )
    assert out[3:] == [f"牵头单位：{GAS_LEAD}", "配合单位：无"]


def test_tasks_unknown_row_is_one_error_line(tmp_path: Path) -> None:
    result = run_cli(["tasks", "999"], cli_env(tmp_path / "index"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["policyqa tasks: error: no task 999: the annex has 176 tasks"]
    assert "Traceback" not in result.stderr


def test_items_json_lists_21_items_with_exact_keys(tmp_path: Path) -> None:
    items = json.loads(_ok(["items", "--json"], cli_env(tmp_path / "index")))
    assert [i["index"] for i in items] == list(range(1, 22))
    assert all(set(i) == ITEM_KEYS for i in items)
    assert items[0]["title"] == "畅通市场准入"
    assert items[17]["responsible_units"] == []
    assert items[2]["text"].endswith(
        "（责任单位：区发展改革委、区教委、区经济信息委、区人力社保局、区城市管理局、区财政局等）"
    )


def test_ask_jsonl_answers_one_line_per_input(indexed_settings: Settings) -> None:
    history = [
        {"role": "user", "content": GAS_QUESTION},
        {"role": "assistant", "content": f"该事项由{GAS_LEAD}牵头〔任务34〕。"},
    ]
    lines = [
        json.dumps({"question": GAS_QUESTION}, ensure_ascii=False),
        json.dumps({"question": "它的配合单位是谁？", "history": history}, ensure_ascii=False),
        '{"question": "用气',
    ]
    out = _ok(["ask", "--jsonl"], cli_env(indexed_settings.index_dir), stdin="\n".join(lines) + "\n")
    replies: list[dict[str, Any]] = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == 3
    first, followup, broken = replies
    for reply in (first, followup):
        assert set(reply) == {"answer", "citations", "refused"}
        assert reply["refused"] is False
        assert {"type": "task", "id": 34} in reply["citations"]
        assert GAS_LEAD in reply["answer"]
    assert followup["citations"] == [{"type": "task", "id": 34}]
    assert set(broken) == {"error"}
    assert broken["error"].startswith("bad input line")
