"""A signed-in session and the two timeouts that end it (SPEC 5: idle 30 min, absolute 8 h).

Plain data and rules only: the Table store lives in shared/adapters/storage/sessions.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.identity import Principal

# Touching `last_seen` on every request would cost a write per request; this much slack
# keeps the idle timeout honest to within a minute.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    """The server-side record behind the session cookie."""

    session_id: str
    principal: Principal
    csrf_token: str
    language: str
    created_at: datetime
    last_seen: datetime

    def expired(self, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
        """Idle since `last_seen` or older than the absolute limit since `created_at`."""
        return now - self.last_seen >= idle or now - self.created_at >= absolute

    def needs_touch(self, now: datetime) -> bool:
        return now - self.last_seen >= TOUCH_INTERVAL
