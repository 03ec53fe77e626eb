"""Reciprocal rank fusion: merge several best-first id rankings into one."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FusedId(BaseModel):
    """An id with its fused score and its 1-based rank in each input ranking (None = absent)."""

    model_config = ConfigDict(frozen=True)

    id: str
    score: float
    ranks: list[int | None]


def reciprocal_rank_fusion(
    rankings: list[list[str]], k: int = 60, weights: list[float] | None = None
) -> list[FusedId]:
    """Score each id by sum(weight / (k + rank)) over the rankings; best first, ties in first-seen order."""
    if k <= 0:
        raise ValueError("k must be positive")
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    if any(weight < 0 for weight in weights):
        raise ValueError("weights must not be negative")
    ranks: dict[str, list[int | None]] = {}
    for position, ranking in enumerate(rankings):
        for rank, item_id in enumerate(ranking, start=1):
            slots = ranks.setdefault(item_id, [None] * len(rankings))
            if slots[position] is None:  # a repeated id keeps its best rank
                slots[position] = rank
    fused = [
        FusedId(id=item_id, score=_fused_score(slots, weights, k), ranks=slots)
        for item_id, slots in ranks.items()
    ]
    # sorted() is stable, so equal scores keep first-seen order.
    return sorted(fused, key=lambda item: -item.score)


def _fused_score(ranks: list[int | None], weights: list[float], k: int) -> float:
    """sum(weight / (k + rank)) over the rankings that contain the id."""
    return sum(weight / (k + rank) for rank, weight in zip(ranks, weights, strict=True) if rank is not None)
