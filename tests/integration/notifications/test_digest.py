"""The daily notification run against Azurite: who gets which mail, what a mail may say,
never twice, and the one-click unsubscribe headers in the outbox record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from shared.domain.notifications import Frequency, Preferences, person_key
from tests.support.identity import add_grant
from tests.support.portal import file_document, record_download

ANNA = "anna.meier@muster-ag.ch"  # 100001 IJM + LAA
BEN = "ben.keller@muster-ag.ch"  # 100001 LAAC only
CARLA = "carla.treuhand@lohn-partner.ch"  # a payroll provider: 100001 LAA and 100002 LAA

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TUESDAY_RUN = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
SECRET_WORDS = ("Jürg", "Müller", "UV-2026-77", "R-SECRET-1", "Rossi")


@pytest.fixture
def people(ctx: AppContext, clock: MutableClock) -> dict[str, Any]:
    clock.set(MONDAY)
    ctx.company_store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), enrolled=True))
    ctx.company_store.put(Company("100002", "Beispiel GmbH", ("LAA", "LAAC"), enrolled=True))
    return {
        "anna": add_grant(ctx, ANNA, "100001", ("IJM", "LAA")),
        "ben": add_grant(ctx, BEN, "100001", ("LAAC",)),
        "carla": [add_grant(ctx, CARLA, "100001", ("LAA",)), add_grant(ctx, CARLA, "100002", ("LAA",))],
    }


def _mails(ctx: AppContext) -> list[Any]:
    return ctx.outbox_store.recent(100)


def _by_recipient(ctx: AppContext, kind: str) -> dict[str, Any]:
    return {m.to: m for m in _mails(ctx) if m.kind == kind}


def test_one_digest_per_person_across_companies_with_counts_only(
    ctx: AppContext, clock: MutableClock, people: dict[str, Any]
) -> None:
    """GIVEN documents published on Monday in two companies WHEN Tuesday's run goes THEN each person
    gets one mail covering what they may see, with counts, and nothing that names a case."""
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-27", "R-SECRET-1",
                  insured_person="Jürg Müller", case_number="UV-2026-77", title="Abrechnung Jürg Müller")
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-28", "R2")
    file_document(ctx, "100001", "IJM", "payment_letter", "2026-02-26", "K1", insured_person="Anna Rossi")
    file_document(ctx, "100002", "LAA", "waiting_letter", "2026-02-25", "W1")
    clock.set(TUESDAY_RUN)
    report = ctx.notify_digest()
    assert (report.people, report.digests, report.reminders, report.new_documents) == (3, 2, 0, 4)
    digests = _by_recipient(ctx, "digest")
    assert set(digests) == {ANNA, CARLA}  # Ben's line (LAAC) had nothing new
    anna = digests[ANNA]
    assert anna.subject == "3 neue Dokumente in Ihrem Portal für Leistungsdokumente"
    assert "Krankentaggeld" in anna.text and "Unfallversicherung" in anna.text
    assert "Muster AG" in anna.text and "Beispiel GmbH" not in anna.text
    carla = digests[CARLA]
    assert "Muster AG" in carla.text and "Beispiel GmbH" in carla.text  # one mail, both companies
    for mail in digests.values():
        for word in SECRET_WORDS:
            assert word not in mail.text and word not in mail.html and word not in mail.subject
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail.headers["List-Unsubscribe"].startswith("<http://127.0.0.1:7071/api/notifications/unsubscribe?")
        assert mail.text.strip() and "<table" in mail.html


def test_never_twice_after_a_rerun_or_a_second_instance(
    ctx: AppContext, clock: MutableClock, people: dict[str, Any]
) -> None:
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-28", "R2")
    clock.set(TUESDAY_RUN)
    first = ctx.notify_digest()
    assert first.digests == 2
    clock.advance(timedelta(hours=3))  # a retry later the same day, or another instance
    again = ctx.notify_digest()
    assert again.digests == 0 and again.already_sent == 2
    assert len([m for m in _mails(ctx) if m.kind == "digest"]) == 2


def test_off_and_weekly_choices(ctx: AppContext, clock: MutableClock, people: dict[str, Any]) -> None:
    prefs = ctx.preference_store
    anna, carla = people["anna"], people["carla"][0]
    prefs.put(person_key(anna.tid, anna.oid), Preferences(Frequency.WEEKLY, True, "fr"))
    prefs.put(person_key(carla.tid, carla.oid), Preferences(Frequency.OFF, True, ""))
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-28", "R2")
    clock.set(TUESDAY_RUN)
    assert ctx.notify_digest().digests == 0  # weekly goes out on Mondays; Carla chose none
    clock.set(datetime(2026, 3, 9, 6, 0, tzinfo=UTC))  # the next Monday: the week of 2 to 8 March
    report = ctx.notify_digest()
    assert report.digests == 1
    mail = _by_recipient(ctx, "digest")[ANNA]
    assert (mail.language == "fr" and "02.03.2026" in mail.text) or "2 mars 2026" in mail.text


def test_reminder_lists_only_what_the_person_has_not_downloaded(
    ctx: AppContext, clock: MutableClock, people: dict[str, Any]
) -> None:
    """GIVEN two documents deleted in 30 days, one downloaded by Anna WHEN the run goes THEN Anna's
    reminder counts one; Carla (who downloaded nothing of LAA) is reminded of both."""
    run_day = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    clock.set(run_day + timedelta(days=30) - timedelta(days=ctx.settings.retention_days) + timedelta(hours=4))
    first = file_document(ctx, "100001", "LAA", "benefit_statement", "2025-03-01", "R10")
    file_document(ctx, "100001", "LAA", "cover_confirmation", "2025-03-02", "R11")
    anna = people["anna"]
    record_download(ctx, anna.tid, anna.oid, [first], clock.now())
    clock.set(run_day)
    report = ctx.notify_digest()
    assert report.expiring_documents == 2 and report.reminders == 2
    reminders = _by_recipient(ctx, "reminder")
    assert set(reminders) == {ANNA, CARLA}
    assert reminders[ANNA].subject.startswith("1 Dokument wird am")
    assert reminders[CARLA].subject.startswith("2 Dokumente werden am")
    assert "/api/notifications/unsubscribe?" in reminders[ANNA].headers["List-Unsubscribe"]
