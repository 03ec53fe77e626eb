"""The rate limiter's sliding window (with a controlled clock)."""

from __future__ import annotations

from web.limits import RateLimiter


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_per_client_with_retry_after_until_the_oldest_request_leaves_the_window() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=2, clock=clock)
    assert limiter.check("a").allowed
    clock.now += 20
    assert limiter.check("a").allowed
    refused = limiter.check("a")
    assert not refused.allowed and refused.retry_after == 40
    assert limiter.check("b").allowed  # other clients are counted separately
    clock.now += 40
    assert limiter.check("a").allowed


def test_zero_disables_the_limit() -> None:
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.check("a").allowed for _ in range(1000))


def test_client_table_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=1, max_clients=2, clock=clock)
    for client in ("a", "b", "c"):
        assert limiter.check(client).allowed
    assert limiter.check("a").allowed  # "a" was evicted as least recently seen, so it starts afresh
    assert not limiter.check("c").allowed
