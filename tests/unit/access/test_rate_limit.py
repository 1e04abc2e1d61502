"""Rate-limit windows: open at the first hit, refuse over the limit with the time to reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.rate_limit import RateLimit, RateLimited, Window, hit

LIMIT = RateLimit("ip.access_request", 3, timedelta(hours=1))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_hits_count_up_to_the_limit_then_refuse_with_retry_after() -> None:
    window = None
    for n in range(3):
        window = hit(LIMIT, window, T0 + timedelta(minutes=n))
    assert window == Window(T0, 3)
    with pytest.raises(RateLimited) as caught:
        hit(LIMIT, window, T0 + timedelta(minutes=20))
    assert caught.value.action == "ip.access_request"
    assert caught.value.retry_after == 40 * 60


def test_an_expired_window_starts_over() -> None:
    full = Window(T0, 3)
    assert hit(LIMIT, full, T0 + timedelta(hours=1)) == Window(T0 + timedelta(hours=1), 1)


def test_retry_after_is_at_least_one_second() -> None:
    with pytest.raises(RateLimited) as caught:
        hit(LIMIT, Window(T0, 3), T0 + timedelta(hours=1) - timedelta(milliseconds=10))
    assert caught.value.retry_after == 1


def test_a_clock_set_back_opens_a_new_window() -> None:
    assert hit(LIMIT, Window(T0, 3), T0 - timedelta(minutes=1)).count == 1
