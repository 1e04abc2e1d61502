"""New and downloaded, per person (SPEC 2): what the list shows beside each document.

A document is new for a person while it is recent (published within the setting
`PORTAL_NEW_DAYS`, default 30) and that person has neither downloaded nor opened it;
another person's download does not clear it. The window keeps the tab counts a read of
the recent documents rather than of everything stored; `downloaded_at` is shown for every
document, whatever its age.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.domain.timestamps import utc_iso


def is_new(record: Any, downloaded: Mapping[str, datetime], now: datetime, new_days: int) -> bool:
    return record.doc_id not in downloaded and record.published_at >= now - timedelta(days=new_days)


def state_json(record: Any, downloaded: Mapping[str, datetime], now: datetime, new_days: int) -> dict[str, Any]:
    """The caller's own `new` and `downloaded_at` for one list item."""
    when = downloaded.get(record.doc_id)
    return {"new": is_new(record, downloaded, now, new_days), "downloaded_at": utc_iso(when) if when else None}


def new_per_line(
    recent: Iterable[Any], downloaded: Mapping[str, datetime], now: datetime, new_days: int
) -> dict[str, int]:
    """line → how many of the recent documents are new for this person (the tabs' counts)."""
    counts: dict[str, int] = {}
    for record in recent:
        if is_new(record, downloaded, now, new_days):
            counts[record.line] = counts.get(record.line, 0) + 1
    return counts


class _States(Protocol):
    def downloaded(self, tid: str, oid: str, customer_numbers: Iterable[str]) -> dict[str, datetime]: ...


class _Recent(Protocol):
    def published_between(self, start: datetime, end: datetime, customer_number: str | None = None) -> list[Any]: ...


@dataclass(frozen=True)
class Marks:
    """What the page shows of the person's state: badges, "downloaded on", the tabs' new counts."""

    downloaded: Mapping[str, datetime]
    tab_new: Mapping[str, int]
    now: datetime
    new_days: int

    def is_new(self, record: Any) -> bool:
        return is_new(record, self.downloaded, self.now, self.new_days)

    def downloaded_at(self, record: Any) -> datetime | None:
        return self.downloaded.get(record.doc_id)


def marks_for(
    states: _States,
    recent: _Recent,
    tid: str,
    oid: str,
    customer_number: str,
    lines: Iterable[str],
    now: datetime,
    new_days: int,
) -> Marks:
    """Two reads: the person's downloads in this company, the company's recent documents."""
    downloaded = states.downloaded(tid, oid, [customer_number])
    granted = set(lines)
    # The window ends just after now: a document filed this instant is new already.
    published = recent.published_between(now - timedelta(days=new_days), now + timedelta(seconds=1), customer_number)
    fresh = [r for r in published if r.line in granted]
    return Marks(downloaded, new_per_line(fresh, downloaded, now, new_days), now, new_days)
