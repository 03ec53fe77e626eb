"""The bench row for maximum-length questions from other clients (pure parts; the live run is `policyqa bench`)."""

from __future__ import annotations

import random

from eval.attack import AttackBench, long_question
from eval.bench import ATTACK_RATIO, attack_rows, missed_targets
from eval.load import LoadLevel
from tests.eval.test_bench import level, stats


def attack(ratio: float) -> AttackBench:
    under = LoadLevel(**{**level(4, 40.0).model_dump(), "latency": stats(20.0 * ratio, 60.0)})
    return AttackBench(
        clients=4,
        attackers=2,
        question_chars=2000,
        alone=level(4, 60.0),
        under_attack=under,
        attack_requests=12,
        attack_statuses={"200": 12},
        ratio_p50=ratio,
    )


def test_attack_rows_report_both_p50s_and_judge_the_ratio() -> None:
    rows = attack_rows(attack(1.5))
    by_metric = {row.metric: row for row in rows}
    assert by_metric["HTTP 4 clients p50, alone"].value == 20.0
    ratio = by_metric["HTTP 4 clients p50 ratio, while 2 clients send 2000-character questions"]
    assert (ratio.value, ratio.target) == (1.5, ATTACK_RATIO)
    assert missed_targets(rows) == []
    assert [row.metric for row in missed_targets(attack_rows(attack(4.0)))] == [ratio.metric]
    assert attack_rows(None) == []


def test_long_questions_are_fresh_and_of_the_maximum_length() -> None:
    rng = random.Random(1)
    first, second = long_question(rng, 2000), long_question(rng, 2000)
    assert len(first) == len(second) == 2000
    assert first != second
