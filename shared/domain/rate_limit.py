"""Rate limits as named actions (`"ip.access_request"`, `"email.access_request"`), each with a
limit per window; the arithmetic lives here, the counters in Table storage (adapters)."""

from __future__ import annotations

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
    if window is None or now >= window.started + limit.window or now < window.started:
        return Window(started=now, count=1)
    if window.count >= limit.limit:
        remaining = (window.started + limit.window - now).total_seconds()
        raise RateLimited(limit.action, math.ceil(remaining))
    return Window(started=window.started, count=window.count + 1)
