"""The daily quarantine summary against Azurite, with the clock injected: what the mail says,
that an empty day sends nothing, and that a day's summary is sent once however often it runs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from devhost.host import DevHost
from shared.adapters.storage.outbox import OutboxMail
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.quarantine_summary import MAIL_KIND
from shared.services.filing import FilingService
from shared.services.quarantine_summary import SummaryOutcome
from tests.support.client import fresh_app
from tests.support.filing import drop, make_pdf

TEAM = "ausgabesystem@versicherer.ch"
BAD_NAMES = ("100001/LAA/benefit_statement/2026-02-30_R-1.pdf", "100001/LAA/benefit_statement/2026-13-01_R-2.pdf")
UNKNOWN = "400001/LAA/benefit_statement/2026-02-01_Case-4711.pdf"


@pytest.fixture
def team_ctx(ctx: AppContext) -> AppContext:
    ctx.settings = ctx.settings.with_overrides(quarantine_summary_to=TEAM, quarantine_summary_language="en")
    return ctx


def summaries(ctx: AppContext) -> list[OutboxMail]:
    return [m for m in ctx.outbox_store.recent(50) if m.kind == MAIL_KIND]


def quarantine(ctx: AppContext, service: FilingService, name: str) -> None:
    drop(ctx, name, make_pdf())
    assert service.file(name).outcome.value == "quarantined"


def test_an_empty_quarantine_sends_nothing(team_ctx: AppContext) -> None:
    assert team_ctx.quarantine_summary().outcome is SummaryOutcome.EMPTY
    assert summaries(team_ctx) == []


def test_no_address_sends_nothing(ctx: AppContext, service: FilingService) -> None:
    quarantine(ctx, service, BAD_NAMES[0])
    assert ctx.quarantine_summary().outcome is SummaryOutcome.NOT_CONFIGURED
    assert summaries(ctx) == []


def test_summary_counts_per_reason_names_the_oldest_and_no_document(
    team_ctx: AppContext, service: FilingService, clock: MutableClock
) -> None:
    """GIVEN two bad names three days ago and an unknown customer today WHEN the timer runs THEN one
    mail to the team counts them per reason, with the recent one and the oldest's time, and
    carries no blob name, reference or customer number."""
    for name in BAD_NAMES:
        quarantine(team_ctx, service, name)
    oldest = clock.now()
    clock.advance(timedelta(days=3))
    quarantine(team_ctx, service, UNKNOWN)
    result = team_ctx.quarantine_summary()
    assert result.outcome is SummaryOutcome.ENQUEUED
    [mail] = summaries(team_ctx)
    assert mail.to == TEAM and mail.language == "en"
    assert mail.subject.startswith(f"Quarantine summary {clock.now():%d.%m.%Y}: 3 documents waiting")
    assert "bad_date: 2" in mail.text and "unknown_customer: 1" in mail.text
    assert "Quarantined in the last 24 hours: 1" in mail.text
    assert f"Oldest waiting since: {oldest:%d.%m.%Y %H:%M} UTC (3 days)" in mail.text
    assert re.search(r">bad_date</td>\s*<td [^>]*>2</td>", mail.html)
    for secret in ("R-1", "R-2", "Case-4711", "400001", "100001"):
        assert secret not in mail.text and secret not in mail.html and secret not in mail.subject


def test_one_summary_per_day_however_often_it_runs(
    team_ctx: AppContext, service: FilingService, clock: MutableClock
) -> None:
    """GIVEN the day's summary sent WHEN the timer runs again that day (more waiting by then) THEN no
    second mail; the next day it sends again, in German by default."""
    quarantine(team_ctx, service, BAD_NAMES[0])
    assert team_ctx.quarantine_summary().outcome is SummaryOutcome.ENQUEUED
    clock.advance(timedelta(hours=10))
    quarantine(team_ctx, service, BAD_NAMES[1])
    assert team_ctx.quarantine_summary().outcome is SummaryOutcome.ENQUEUED
    [first] = summaries(team_ctx)
    assert "bad_date: 1" in first.text
    clock.advance(timedelta(days=1))
    team_ctx.settings = team_ctx.settings.with_overrides(quarantine_summary_language="de")
    team_ctx.quarantine_summary()
    latest, earlier = summaries(team_ctx)
    assert earlier.mail_id == first.mail_id
    assert "bad_date: 2" in latest.text and latest.subject.startswith("Quarantäne-Übersicht")


def test_the_timer_is_registered_on_its_setting_and_runs_through_the_host(
    team_ctx: AppContext, service: FilingService, devhost: DevHost
) -> None:
    [fn] = [f for f in fresh_app().get_functions() if f.get_function_name() == "quarantine_summary"]
    assert fn.get_trigger().schedule == "%PORTAL_QUARANTINE_SUMMARY_SCHEDULE%"
    quarantine(team_ctx, service, BAD_NAMES[0])
    invocation = devhost.invoke_timer("quarantine_summary")
    assert invocation.ok, invocation.error
    assert [m.to for m in summaries(team_ctx)] == [TEAM]
