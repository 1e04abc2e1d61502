"""The daily quarantine summary for the document generator's team (docs/generator.md, section 6).

Counts only: how many documents wait per reason, how many arrived in the last day, and the
oldest. Blob names carry case numbers, so no name ever goes into the mail (SPEC 2: mail
is not a safe channel for them); operations list the names with the CLI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

RECENT: Final = timedelta(days=1)
MAIL_KIND: Final = "quarantine_summary"


@dataclass(frozen=True)
class QuarantinedItem:
    """What the summary needs of one quarantined document: its reason and when it arrived."""

    reason: str
    quarantined_at: datetime


@dataclass(frozen=True)
class QuarantineSummary:
    made_at: datetime
    total: int
    per_reason: tuple[tuple[str, int], ...]  # most documents first, then by code
    recent: int  # quarantined within the day before `made_at`
    oldest_at: datetime

    @property
    def day(self) -> date:
        """The UTC day the summary is for: one mail per day at most."""
        return self.made_at.date()

    @property
    def oldest_days(self) -> int:
        return max(0, (self.made_at - self.oldest_at).days)


def summarise(items: Iterable[QuarantinedItem], now: datetime) -> QuarantineSummary | None:
    """The day's summary, or None when nothing waits (an empty day sends nothing)."""
    waiting = list(items)
    if not waiting:
        return None
    counts = Counter(item.reason for item in waiting)
    return QuarantineSummary(
        made_at=now,
        total=len(waiting),
        per_reason=tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))),
        recent=sum(1 for item in waiting if now - item.quarantined_at <= RECENT),
        oldest_at=min(item.quarantined_at for item in waiting),
    )


def claim_key(day: date) -> str:
    """One summary per UTC day: the outbox writes this key insert-if-absent before the mail."""
    return f"{MAIL_KIND}:{day.isoformat()}"
