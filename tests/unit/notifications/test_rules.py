"""Notification rules without I/O: periods, preferences, what a summary keeps, unsubscribe tokens,
and the digest timer's schedule coming from an app setting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared.adapters.identity.unsubscribe_tokens import (
    UnsubscribeNotConfigured,
    make_token,
    read_token,
    unsubscribe_key,
)
from shared.domain.notifications import (
    Choice,
    Frequency,
    PreferenceError,
    Preferences,
    daily_period,
    parse_preferences,
    summarise,
    visible_to,
    weekly_period,
)
from shared.settings import Settings
from tests.support.client import fresh_app

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Doc:
    doc_id: str
    customer_number: str
    line: str
    doc_type: str
    published_at: datetime
    insured_person: str = "Jürg Müller"
    reference: str = "R-1"


def test_daily_period_is_yesterday_whenever_the_timer_runs() -> None:
    for hour in (0, 6, 23):
        period = daily_period(datetime(2026, 3, 3, hour, 59, tzinfo=UTC))
        assert period.key == "d2026-03-02"
        assert (period.start, period.end) == (datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))


def test_weekly_period_only_on_mondays() -> None:
    assert weekly_period(datetime(2026, 3, 3, 6, tzinfo=UTC)) is None
    period = weekly_period(datetime(2026, 3, 9, 6, tzinfo=UTC))
    assert period is not None and period.key == "w2026-03-02"
    assert period.end - period.start == datetime(2026, 3, 9, tzinfo=UTC) - datetime(2026, 3, 2, tzinfo=UTC)


def test_parse_preferences_collects_every_error_and_keeps_the_rest() -> None:
    current = Preferences(Frequency.DAILY, True, "fr")
    assert parse_preferences({"expiry_reminders": False}, current) == Preferences(Frequency.DAILY, False, "fr")
    with pytest.raises(PreferenceError) as caught:
        parse_preferences({"new_documents": "hourly", "expiry_reminders": "yes", "x": 1}, current)
    assert caught.value.errors == {"new_documents": "invalid", "expiry_reminders": "invalid", "x": "unknown_field"}
    with pytest.raises(PreferenceError):
        parse_preferences({}, current)


def test_unsubscribe_switches_off_one_choice_only() -> None:
    prefs = Preferences(Frequency.WEEKLY, True, "it")
    assert prefs.without(Choice.NEW_DOCUMENTS) == Preferences(Frequency.OFF, True, "it")
    assert prefs.without(Choice.EXPIRY_REMINDERS) == Preferences(Frequency.WEEKLY, False, "it")


def test_summary_keeps_counts_and_dates_only() -> None:
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    docs = [
        Doc("a", "100001", "LAA", "benefit_statement", at),
        Doc("b", "100001", "IJM", "payment_letter", at),
        Doc("c", "100001", "LAA", "benefit_statement", at),
        Doc("d", "100002", "LAA", "waiting_letter", at),
    ]
    mine = visible_to(docs, {"100001": ("LAA", "IJM")})
    summary = summarise(mine)
    assert [(c.customer_number, c.line, c.doc_type, c.count) for c in summary.counts] == [
        ("100001", "IJM", "payment_letter", 1),
        ("100001", "LAA", "benefit_statement", 2),
    ]
    assert summary.total == 3 and summary.first_day == summary.last_day == date(2026, 3, 2)
    assert "Müller" not in repr(summary) and "R-1" not in repr(summary)


def test_unsubscribe_token_names_one_person_and_one_choice() -> None:
    key = b"k" * 32
    token = make_token(key, "tenant-1_oid-1", Choice.EXPIRY_REMINDERS)
    assert read_token(key, token) == ("tenant-1_oid-1", Choice.EXPIRY_REMINDERS)
    assert read_token(b"x" * 32, token) is None  # another key
    payload, mac = token.split(".")
    assert read_token(key, payload + "." + mac[::-1]) is None
    forged = make_token(b"x" * 32, "tenant-1_oid-1", Choice.NEW_DOCUMENTS).split(".")[0] + "." + mac
    assert read_token(key, forged) is None
    assert read_token(key, "") is None and read_token(key, "a" * 1000) is None


def test_unsubscribe_key_comes_from_a_secret_every_instance_shares() -> None:
    """Azure without a client secret (managed identity) still has the form secret from Key Vault;
    each source gives its own key, never the secret itself; only local mode may make one up."""
    own = unsubscribe_key(Settings(local_mode=False, extra={"PORTAL_UNSUBSCRIBE_SECRET": "u" * 40}))
    form = unsubscribe_key(Settings(local_mode=False, extra={"PORTAL_FORM_SECRET": "f" * 40}))
    client = unsubscribe_key(Settings(local_mode=False, client_secret="c" * 40))
    assert len({own, form, client}) == 3
    assert form == unsubscribe_key(Settings(local_mode=False, client_secret="c" * 40,
                                            extra={"PORTAL_FORM_SECRET": "f" * 40}))
    assert b"f" * 40 not in form and b"c" * 40 not in client
    assert len(unsubscribe_key(Settings(local_mode=True))) == 32
    with pytest.raises(UnsubscribeNotConfigured):
        unsubscribe_key(Settings(local_mode=False))


def test_digest_timer_schedule_is_an_app_setting_everywhere() -> None:
    [timer] = [f for f in fresh_app().get_functions() if f.get_function_name() == "notify_digest"]
    assert timer.get_trigger().schedule == "%PORTAL_DIGEST_SCHEDULE%"
    example = json.loads((ROOT / "local.settings.example.json").read_text())["Values"]
    assert len(example["PORTAL_DIGEST_SCHEDULE"].split()) == 6
    assert "PORTAL_DIGEST_SCHEDULE: digestSchedule" in (ROOT / "infra" / "bicep" / "main.bicep").read_text()
