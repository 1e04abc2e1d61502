"""Retention rules: when a document is due, in which order it is deleted, and how long each
kind of personal data is kept. Plain values and functions; times are UTC-aware datetimes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final, Protocol


class Step(StrEnum):
    """One step of deleting one document."""

    UNLIST = "unlist"  # id, search and list entities: no listing, no link any more
    BLOB = "blob"  # the document's blob in `documents`
    AUDIT = "audit"  # the audit record (what, when, why)
    FORGET = "forget"  # the expiry entity: only now is the document off retention's books


# The order is the crash-safety argument (docs/retention.md):
# - UNLIST before BLOB: no document is ever listed or linkable while its blob is gone.
# - FORGET last: until every other step is done, the expiry entity still exists, so the next
#   run finds the document again and finishes it (every step is safe to repeat).
# - AUDIT before FORGET: a crash can repeat an audit record, never lose one.
ORDER: Final[tuple[Step, ...]] = (Step.UNLIST, Step.BLOB, Step.AUDIT, Step.FORGET)

DELETED_ACTION: Final = "retention.deleted"
MINIMISED_ACTION: Final = "retention.minimised"
ACTOR: Final = "system:retention"
REASON: Final = "retention_period_passed"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("retention compares timezone-aware times only")
    return value


def is_due(deletes_at: datetime, now: datetime) -> bool:
    """A document goes once its deletion time has come — never a second early.

    Aware datetimes compare as instants, so Europe/Zurich daylight-saving changes (or any
    offset the clock reports in) cannot move the boundary.
    """
    return _utc(deletes_at) <= _utc(now)


def deletes_at(published_at: datetime, retention_days: int) -> datetime:
    """Publication + retention, as an exact number of 24-hour days (not calendar days in a zone)."""
    return _utc(published_at) + timedelta(days=retention_days)


@dataclass(frozen=True)
class Periods:
    """How long each kind of data outlives its purpose (all from settings)."""

    quarantine: timedelta
    rejected_request: timedelta
    unverified_request: timedelta
    revoked_grant: timedelta
    delivered_mail: timedelta
    session_idle: timedelta
    session_absolute: timedelta
    rate_limit: timedelta
    audit: timedelta

    def cutoff(self, now: datetime, period: timedelta) -> datetime:
        return _utc(now) - period


# Every rate limit window today is one hour; a day covers it with room for a longer one, so
# a sweep never resets a counter that still protects the form.
RATE_LIMIT_KEEP: Final = timedelta(days=1)


def audit_days_due(days: list[date], today: date, keep_days: int) -> list[date]:
    """Audit day-blobs older than `keep_days` (at least a year plus the margin the immutability
    policy needs); today's and younger blobs are never touched."""
    if keep_days < 365:
        raise ValueError("audit records are kept at least one year")
    oldest_kept = today - timedelta(days=keep_days)
    return sorted(day for day in days if day < oldest_kept)


class Purgeable(Protocol):
    """One kind of stored data with a lifetime; the adapter knows the period from settings."""

    def due(self, now: datetime) -> Iterable[str]:
        """Keys of the records whose lifetime ended before `now` (never one still in use)."""
        ...

    def remove(self, key: str) -> None:
        """Remove one record; a record already gone is not an error."""
        ...


@dataclass(frozen=True)
class Rule:
    kind: str  # e.g. "quarantine", "sessions" — also the audit target
    store: Purgeable


@dataclass
class DocumentSweep:
    """What one run did with documents: counts per company, failures by document id."""

    deleted: Counter[str] = field(default_factory=Counter)
    failed: dict[str, str] = field(default_factory=dict)
    batches: int = 0
    complete: bool = True  # False when the run stopped at its bounds with work left

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


@dataclass
class SweepReport:
    documents: DocumentSweep
    minimised: dict[str, int]
    errors: dict[str, str] = field(default_factory=dict)
    busy: bool = False  # another run held the lease: this one did nothing
