"""The daily notification run: the new-document digest and the expiry reminder (SPEC 2, 7).

Order of a run, and why:
1. read once, for everybody: the active grants (who may see what, and their addresses), the
   choices everybody made, the documents published in the digest window and those deleted
   on the reminder day — these reads grow with people and with the documents of the window,
   never with everything stored;
2. per person, in memory: what of that they may see, grouped into counts (no names, no
   references — `domain.notifications.summarise`);
3. who already downloaded the documents due for a reminder (a document already downloaded is
   not worth one): one range read per company with a document due, for everybody, keyed by
   the deletion day (link_log.py, `e` rows) — read once, like the documents themselves;
4. per person with something to say, one write:
   their mails go to the outbox in one batch whose ids are a function of person and period,
   so the insert is the claim. A crash, a retry or a second instance running at the same
   time writes nothing twice, and the existing outbox delivery sends each mail once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from shared.domain.documents import DocumentRecord
from shared.domain.identity import Grant, GrantStatus
from shared.domain.languages import DEFAULT_LANGUAGE
from shared.domain.notifications import (
    Frequency,
    Mail,
    Preferences,
    period_for,
    person_key,
    summarise,
    visible_to,
)
from shared.domain.outbox import MailDraft


class _Recent(Protocol):
    def published_between(
        self, start: datetime, end: datetime, customer_number: str | None = None
    ) -> list[DocumentRecord]: ...
    def deleted_on(self, day: datetime, customer_numbers: set[str] | None = None) -> list[DocumentRecord]: ...


class _States(Protocol):
    def downloaded_before_deletion(self, customer_numbers: Iterable[str], day: date) -> set[tuple[str, str]]: ...


class _Outbox(Protocol):
    def enqueue_once(self, drafts: list[MailDraft], anchor: datetime) -> list[bool]: ...


@dataclass
class DigestPorts:
    active_grants: Callable[[], list[Grant]]
    preferences: Callable[[], Mapping[str, Preferences]]
    recent: _Recent
    states: _States
    outbox: _Outbox
    company_name: Callable[[str], str]
    draft: Callable[[Mail], MailDraft]  # renders a Mail into an outbox draft (subject, bodies, headers)


@dataclass
class DigestReport:
    people: int = 0
    digests: int = 0
    reminders: int = 0
    already_sent: int = 0
    new_documents: int = 0
    expiring_documents: int = 0
    notified: list[str] = field(default_factory=list)


@dataclass
class _Person:
    tid: str
    oid: str
    email: str
    scopes: dict[str, tuple[str, ...]]


def people(grants: Iterable[Grant]) -> dict[str, _Person]:
    """person key → address and companies/lines, from the ACTIVE grants (two grants add up)."""
    found: dict[str, _Person] = {}
    for grant in sorted(grants, key=lambda g: (g.created_at, g.grant_id)):
        if grant.status is not GrantStatus.ACTIVE:
            continue
        key = person_key(grant.tid, grant.oid)
        person = found.setdefault(key, _Person(grant.tid, grant.oid, grant.email, {}))
        lines = person.scopes.get(grant.customer_number, ())
        person.scopes[grant.customer_number] = tuple(dict.fromkeys(lines + tuple(grant.lines)))
        person.email = grant.email or person.email  # the newest grant's address wins
    return found


def _midnight(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)


def run_notifications(ports: DigestPorts, now: datetime, reminder_days: int) -> DigestReport:
    report = DigestReport()
    everyone = people(ports.active_grants())
    choices = ports.preferences()
    report.people = len(everyone)
    periods = {f: period_for(f, now) for f in (Frequency.DAILY, Frequency.WEEKLY)}
    wanted = [p for f, p in periods.items() if p is not None and any(
        choices.get(k, Preferences()).new_documents is f for k in everyone
    )]
    published: list[DocumentRecord] = []
    if wanted:
        start = min(p.start for p in wanted)
        end = max(p.end for p in wanted)
        published = ports.recent.published_between(start, end)
    report.new_documents = len(published)
    today = _midnight(now)
    deletion_day = today + timedelta(days=reminder_days)
    anyone_reminded = any(choices.get(k, Preferences()).expiry_reminders for k in everyone)
    expiring = ports.recent.deleted_on(deletion_day) if anyone_reminded else []
    report.expiring_documents = len(expiring)
    held = (
        ports.states.downloaded_before_deletion({r.customer_number for r in expiring}, deletion_day.date())
        if expiring else set()
    )
    names: dict[str, str] = {}

    def name(number: str) -> str:
        if number not in names:
            names[number] = ports.company_name(number)
        return names[number]

    for key, person in sorted(everyone.items()):
        prefs = choices.get(key, Preferences())
        lang = prefs.language or DEFAULT_LANGUAGE
        mails: list[Mail] = []
        period = periods.get(prefs.new_documents)
        if period is not None:
            mine = [r for r in visible_to(published, person.scopes) if period.start <= r.published_at < period.end]
            if mine:
                summary = summarise(mine)
                mails.append(Mail(
                    "digest", key, person.email, lang, summary, period, None,
                    {c: name(c) for c in summary.companies()}, f"digest:{key}:{period.key}",
                ))
        if prefs.expiry_reminders:
            candidates = visible_to(expiring, person.scopes)
            if candidates:
                left = [r for r in candidates if (key, r.doc_id) not in held]
                if left:
                    summary = summarise(left, day_of="deletes_at")
                    mails.append(Mail(
                        "reminder", key, person.email, lang, summary, None, deletion_day,
                        {c: name(c) for c in summary.companies()}, f"reminder:{key}:{deletion_day.date().isoformat()}",
                    ))
        if not mails:
            continue
        created = ports.outbox.enqueue_once([ports.draft(m) for m in mails], today)
        for mail, new in zip(mails, created, strict=True):
            if not new:
                report.already_sent += 1
            elif mail.kind == "digest":
                report.digests += 1
            else:
                report.reminders += 1
        report.notified.append(key)
    return report
