"""A signed-in session, the two timeouts that end it (SPEC 5: idle 30 min, absolute 8 h), and
how long the roles it carries are trusted (SPEC 5: an advisor's role is checked again at least
every 10 minutes).

Plain data and rules only: the Table store lives in shared/adapters/storage/sessions.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.identity import Grant, Principal

# Touching `last_seen` on every request would cost a write per request; this much slack
# keeps the idle timeout honest to within a minute.
TOUCH_INTERVAL = timedelta(seconds=60)
# Roles come from the ID token at sign-in; after this long they need a new sign-in (silent
# through Entra's single sign-on), whose fresh token says whether the role is still assigned.
ROLE_RECHECK = timedelta(minutes=10)


@dataclass(frozen=True)
class Session:
    """The server-side record behind the session cookie."""

    session_id: str
    principal: Principal
    csrf_token: str
    language: str
    created_at: datetime
    last_seen: datetime
    # The person's active grants as read at `last_seen` (every touch reads them again, and any
    # write of one of the person's grants drops them), so a request does not read them again:
    # one storage round trip fewer per request (SPEC 7). None: read them from the grants.
    grants: tuple[Grant, ...] | None = None
    version: str = ""  # the stored record's version (ETag): a touch never overwrites a newer one

    def expired(self, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
        """Idle since `last_seen` or older than the absolute limit since `created_at`."""
        return now - self.last_seen >= idle or now - self.created_at >= absolute

    def roles_current(self, now: datetime) -> bool:
        """The roles were proven (a sign-in, which always starts a new session) less than
        ROLE_RECHECK ago."""
        return now - self.created_at < ROLE_RECHECK

    def needs_touch(self, now: datetime) -> bool:
        return now - self.last_seen >= TOUCH_INTERVAL
