"""Notification rules: a person's choices, which period a digest covers, what a mail may say.

A digest mail carries counts per company, line and type and the dates of the period —
never an insured person's name, a reference or a case number (mail is not a safe channel
for health data, SPEC 2). The summary below is built from records but keeps only codes,
counts and dates, so a template cannot reach anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

from shared.domain.lines import LINES


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class Choice(StrEnum):
    """What one unsubscribe link switches off (one person, one choice)."""

    NEW_DOCUMENTS = "new_documents"
    EXPIRY_REMINDERS = "expiry_reminders"


class PreferenceError(ValueError):
    """A preferences body breaks a rule; `errors` maps each field to a code."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Preferences:
    new_documents: Frequency = Frequency.DAILY
    expiry_reminders: bool = True
    language: str = ""  # the language mails go out in; "" until the person chose one

    def to_json(self) -> dict[str, Any]:
        return {"new_documents": self.new_documents.value, "expiry_reminders": self.expiry_reminders}

    def without(self, choice: Choice) -> Preferences:
        if choice is Choice.NEW_DOCUMENTS:
            return Preferences(Frequency.OFF, self.expiry_reminders, self.language)
        return Preferences(self.new_documents, False, self.language)


def parse_preferences(body: Mapping[str, Any], current: Preferences) -> Preferences:
    """`PUT /api/me/preferences`: both fields, or one of them; every error at once."""
    errors: dict[str, str] = {}
    unknown = sorted(set(body) - {"new_documents", "expiry_reminders"})
    for name in unknown:
        errors[name] = "unknown_field"
    frequency = current.new_documents
    if "new_documents" in body:
        raw = body["new_documents"]
        if isinstance(raw, str) and raw in {f.value for f in Frequency}:
            frequency = Frequency(raw)
        else:
            errors["new_documents"] = "invalid"
    reminders = current.expiry_reminders
    if "expiry_reminders" in body:
        raw = body["expiry_reminders"]
        if isinstance(raw, bool):
            reminders = raw
        else:
            errors["expiry_reminders"] = "invalid"
    if not body:
        errors["new_documents"] = "required"
    if errors:
        raise PreferenceError(errors)
    return Preferences(frequency, reminders, current.language)


_PERSON = re.compile(r"[A-Za-z0-9-]{1,64}", re.ASCII)


def person_key(tid: str, oid: str) -> str:
    """One person as a Table key; tid and oid are GUIDs (the local directory uses the same shape)."""
    if not (_PERSON.fullmatch(tid) and _PERSON.fullmatch(oid)):
        raise ValueError("invalid tid or oid")
    return f"{tid}_{oid}"


# ---- periods ------------------------------------------------------------------------

WEEKLY_DAY: Final = 0  # Monday: a weekly digest covers the seven days before it


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `key` names it in the dedupe key, so a rerun claims the same one."""

    key: str
    start: datetime
    end: datetime


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def daily_period(now: datetime) -> Period:
    """Yesterday (UTC), whatever time today the timer runs."""
    today = now.astimezone(UTC).date()
    start = today - timedelta(days=1)
    return Period(f"d{start.isoformat()}", _midnight(start), _midnight(today))


def weekly_period(now: datetime) -> Period | None:
    """The seven days before this Monday; None on other days (no weekly digest goes out)."""
    today = now.astimezone(UTC).date()
    if today.weekday() != WEEKLY_DAY:
        return None
    start = today - timedelta(days=7)
    return Period(f"w{start.isoformat()}", _midnight(start), _midnight(today))


def period_for(frequency: Frequency, now: datetime) -> Period | None:
    if frequency is Frequency.DAILY:
        return daily_period(now)
    if frequency is Frequency.WEEKLY:
        return weekly_period(now)
    return None


# ---- what a mail says ----------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    customer_number: str
    line: str
    doc_type: str
    count: int


@dataclass
class Summary:
    """Counts per company, line and type, and the span of dates: nothing else of a document."""

    counts: list[Count] = field(default_factory=list)
    first_day: date | None = None
    last_day: date | None = None

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)

    def companies(self) -> list[str]:
        return sorted({c.customer_number for c in self.counts})


def summarise(records: Iterable[Any], day_of: str = "published_at") -> Summary:
    """Group records by company, line and type (line order as in LINES); `day_of` picks the date
    the mail shows (publication for a digest, deletion for a reminder)."""
    grouped: dict[tuple[str, str, str], int] = {}
    days: list[date] = []
    for record in records:
        key = (record.customer_number, record.line, record.doc_type)
        grouped[key] = grouped.get(key, 0) + 1
        value = getattr(record, day_of)
        days.append(value.astimezone(UTC).date() if isinstance(value, datetime) else value)
    order = {line: i for i, line in enumerate(LINES)}
    ordered = sorted(grouped.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9), kv[0][2]))
    counts = [Count(c, line, t, n) for (c, line, t), n in ordered]
    return Summary(counts, min(days) if days else None, max(days) if days else None)


def visible_to(records: Iterable[Any], scopes: Mapping[str, tuple[str, ...]]) -> list[Any]:
    """The records a person may see: their companies and, in each, their lines."""
    return [r for r in records if r.line in scopes.get(r.customer_number, ())]


@dataclass(frozen=True)
class Mail:
    """What the run hands the renderer: which mail, to whom, and its content as plain data."""

    kind: str  # "digest" or "reminder"
    person: str
    to: str
    language: str
    summary: Summary
    period: Period | None
    deletes_on: datetime | None
    companies: dict[str, str]  # customer number → name, the person's companies in this mail
    dedupe_key: str


def choice_of(kind: str) -> Choice:
    """The one choice a mail's unsubscribe link switches off."""
    return Choice.NEW_DOCUMENTS if kind == "digest" else Choice.EXPIRY_REMINDERS
