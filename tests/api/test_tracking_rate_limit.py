"""The sliding-window limiter behind the tracking routes, on a clock the test moves by hand."""

from __future__ import annotations

from api.rate_limit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_limit_requests_per_window_then_a_wait() -> None:
    """Three allowed in ten seconds; the fourth waits until the oldest leaves the window."""
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 10.0, clock=clock)
    for step in range(3):
        clock.now += step
        assert limiter.retry_after_s("a") == 0
    assert limiter.retry_after_s("a") == 7
    clock.now = 1010.0
    assert limiter.retry_after_s("a") == 0


def test_the_window_slides_rather_than_resetting() -> None:
    """Requests leave the count one by one as they age past the window, not all at a boundary."""
    clock = Clock()
    limiter = SlidingWindowLimiter(2, 10.0, clock=clock)
    assert limiter.retry_after_s("a") == 0
    clock.now += 5
    assert limiter.retry_after_s("a") == 0
    clock.now += 6
    assert limiter.retry_after_s("a") == 0
    assert limiter.retry_after_s("a") != 0


def test_clients_are_counted_apart() -> None:
    """One client's requests do not count against another's."""
    limiter = SlidingWindowLimiter(1, 60.0, clock=Clock())
    assert limiter.retry_after_s("a") == 0
    assert limiter.retry_after_s("a") > 0
    assert limiter.retry_after_s("b") == 0


def test_memory_is_bounded_by_forgetting_the_least_recent_client() -> None:
    """Beyond max_clients the least recently seen client is forgotten, so its count starts afresh."""
    limiter = SlidingWindowLimiter(1, 60.0, max_clients=2, clock=Clock())
    for client in ("a", "b", "c"):
        assert limiter.retry_after_s(client) == 0
    assert limiter.retry_after_s("a") == 0
    assert limiter.retry_after_s("c") > 0
