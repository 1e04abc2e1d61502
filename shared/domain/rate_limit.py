"""Rate limits as named actions (`"ip.access_request"`, `"email.access_request"`), each with a
limit per window; the arithmetic lives here, the counters in Table storage (adapters)."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window` for one key of one action."""

    action: str
    limit: int
    window: timedelta


class RateLimited(Exception):
    """A limit is exhausted; carries when the window resets, which HTTP turns into Retry-After."""

    def __init__(self, action: str, retry_after_seconds: int) -> None:
        super().__init__(f"rate limit {action} exhausted")
        self.action = action
        self.retry_after = max(1, retry_after_seconds)


@dataclass(frozen=True)
class Window:
    """One key's counter: when its window opened and how many hits it has seen."""

    started: datetime
    count: int


def hit(limit: RateLimit, window: Window | None, now: datetime) -> Window:
    """The window after one more hit, or RateLimited when the hit is over the limit.

    A window opens at the first hit and lasts `limit.window`; an expired window starts over.
    """
    after = counted(limit, window, now)
    if after.count > limit.limit:
        remaining = (after.started + limit.window - now).total_seconds()
        raise RateLimited(limit.action, math.ceil(remaining))
    return after


def counted(limit: RateLimit, window: Window | None, now: datetime) -> Window:
    """The window after one more hit, never refusing (a count, not a limit)."""
    if window is None or now >= window.started + limit.window or now < window.started:
        return Window(started=now, count=1)
    return Window(started=window.started, count=window.count + 1)


def network_key(address: str) -> str:
    """The key a per-client limit counts on: an IPv4 address, or an IPv6 address's /64.

    One IPv6 subscriber usually holds a whole /64 (2^64 addresses): counting single
    addresses would let one client start over with every request.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def count_is_logged(count: int, individually: int) -> bool:
    """Whether the `count`-th refusal from one client in a window is written to the audit log:
    the first `individually` one by one, after that only at 100, 1,000, 10,000, … (each such
    record carries the count), so a flood costs a handful of records, not one per request."""
    if count <= 0:
        return False
    if count <= individually:
        return True
    while count % 10 == 0:
        count //= 10
    return count == 1
