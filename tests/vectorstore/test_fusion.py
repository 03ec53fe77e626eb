"""Reciprocal rank fusion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vectorstore.fusion import reciprocal_rank_fusion


def test_an_id_ranked_by_both_retrievers_beats_ids_ranked_by_one() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["d", "b", "e"]])
    assert [item.id for item in fused] == ["b", "a", "d", "c", "e"]
    assert [item.score for item in fused] == pytest.approx([2 / 62, 1 / 61, 1 / 61, 1 / 63, 1 / 63])
    assert fused[0].ranks == [2, 2]
    assert fused[2].ranks == [None, 1]


def test_weights_scale_each_ranking() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[2.0, 1.0])
    assert [item.id for item in fused] == ["a", "b"]
    assert fused[0].score == pytest.approx(2 / 61 + 1 / 62)
    only_second = reciprocal_rank_fusion([["a", "b"], ["c", "b"]], weights=[0.0, 1.0])
    assert [item.id for item in only_second][:2] == ["c", "b"]


def test_smaller_k_rewards_top_ranks_more() -> None:
    rankings = [["a", "c", "d", "e", "b"], ["f", "g", "h", "i", "b"]]
    assert reciprocal_rank_fusion(rankings, k=60)[0].id == "b"  # 2/65 > 1/61
    assert reciprocal_rank_fusion(rankings, k=1)[0].id == "a"  # 1/2 > 2/6


def test_a_repeated_id_counts_once_at_its_best_rank() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "a"]])
    assert [(item.id, item.ranks) for item in fused] == [("a", [1]), ("b", [2])]
    assert fused[0].score == pytest.approx(1 / 61)


def test_ties_keep_first_seen_order() -> None:
    assert [item.id for item in reciprocal_rank_fusion([["a", "b"], ["b", "a"]])] == ["a", "b"]
    assert [item.id for item in reciprocal_rank_fusion([["b", "a"], ["a", "b"]])] == ["b", "a"]


def test_empty_input_gives_empty_output() -> None:
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], []]) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "k must be positive"),
        ({"weights": [1.0]}, "1 weights for 2 rankings"),
        ({"weights": [1.0, -1.0]}, "negative"),
    ],
)
def test_invalid_arguments_are_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reciprocal_rank_fusion([["a"], ["b"]], **kwargs)


@given(st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=8), max_size=4))
def test_fusion_keeps_every_id_once_sorted_by_score(rankings: list[list[str]]) -> None:
    fused = reciprocal_rank_fusion(rankings)
    assert sorted(item.id for item in fused) == sorted({i for ranking in rankings for i in ranking})
    scores = [item.score for item in fused]
    assert scores == sorted(scores, reverse=True)
