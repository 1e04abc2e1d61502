"""Races on real Azurite: counters and one-time links hold under concurrent requests.

Threads start together on a Barrier and are joined with a timeout; nothing sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.rate_limit import RateLimit, RateLimited
from tests.support.access import mails_in, requests_in, token_from, valid_payload
from tests.support.client import Client


def _together(count: int, work: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait(timeout=10)
        try:
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    return results


def test_concurrent_hits_never_exceed_the_limit(ctx: AppContext) -> None:
    """GIVEN a limit of 5 WHEN 12 requests hit at once THEN exactly 5 pass and 7 are limited."""
    limiter = ctx.rate_limiter
    limit = RateLimit("ip.access_request", 5, timedelta(hours=1))
    results = _together(12, lambda _: limiter.hit(limit, "203.0.113.9"))
    assert sum(r is None for r in results) == 5
    assert sum(isinstance(r, RateLimited) for r in results) == 7


def test_a_link_used_twice_at_once_verifies_once_and_notifies_once(http: Client, ctx: AppContext) -> None:
    assert http.post("/api/access-request", json=valid_payload()).status_code == 202
    token = token_from(mails_in(ctx)[0])
    clients = [Client(http.base_url) for _ in range(6)]
    try:
        results = _together(
            6,
            lambda i: clients[i].get(f"/api/access-request/verify?token={token}", allow_redirects=False),
        )
    finally:
        for client in clients:
            client.close()
    locations = [r.headers["Location"] for r in results]  # type: ignore[attr-defined]
    assert sum("result=verified" in loc for loc in locations) == 1
    assert sum("result=used" in loc for loc in locations) == 5
    assert requests_in(ctx)[0].status == "pending"
    assert [m.kind for m in mails_in(ctx)].count("access_notice") == 1


def test_purge_removes_only_old_windows(ctx: AppContext, clock: MutableClock) -> None:
    limiter = ctx.rate_limiter
    limit = RateLimit("email.access_request", 5, timedelta(hours=1))
    limiter.hit(limit, "old@muster-bau.ch")
    clock.advance(timedelta(days=2))
    limiter.hit(limit, "new@muster-bau.ch")
    assert limiter.purge(clock.now() - timedelta(days=1)) == 1
    assert limiter.purge(clock.now() - timedelta(days=1)) == 0
    assert len(list(ctx.storage.table("ratelimits").list_entities())) == 1
