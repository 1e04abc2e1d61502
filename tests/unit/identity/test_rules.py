"""Domain rules of identity: MFA signal, session lifetimes, eligibility facts, line choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.companies import Company
from shared.domain.eligibility import eligibility_summary
from shared.domain.identity import Principal
from shared.domain.sessions import Session
from shared.domain.signin import mfa_satisfied
from shared.services.onboarding import InvalidInput, _choose_lines

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=8)


@pytest.mark.parametrize(
    ("claims", "ok"),
    [
        ({"acrs": ["c1"]}, True),
        ({"acrs": ["c2", "c1"]}, True),
        ({"acrs": "c1"}, True),
        ({"acrs": ["c2"]}, False),
        ({"acrs": []}, False),
        ({}, False),
        ({"acrs": {"c1": True}}, False),
        ({"acrs": None}, False),
    ],
)
def test_mfa_signal(claims: dict[str, object], ok: bool) -> None:
    assert mfa_satisfied(claims, "acrs", "c1") is ok


def _session(created: datetime, seen: datetime) -> Session:
    return Session("id", Principal("t", "o", "e@x.ch", "E"), "csrf", "de", created, seen)


@pytest.mark.parametrize(
    ("created_ago", "seen_ago", "expired"),
    [
        (timedelta(0), timedelta(0), False),
        (timedelta(minutes=29), timedelta(minutes=29), False),
        (timedelta(minutes=30), timedelta(minutes=30), True),
        (timedelta(hours=7, minutes=59), timedelta(minutes=1), False),
        (timedelta(hours=8), timedelta(seconds=1), True),
    ],
)
def test_session_lifetimes(created_ago: timedelta, seen_ago: timedelta, expired: bool) -> None:
    assert _session(T0 - created_ago, T0 - seen_ago).expired(T0, IDLE, ABSOLUTE) is expired


def test_touch_only_after_a_minute() -> None:
    assert not _session(T0, T0).needs_touch(T0 + timedelta(seconds=59))
    assert _session(T0, T0).needs_touch(T0 + timedelta(seconds=60))


def test_eligibility_facts() -> None:
    company = Company("100003", "Klein GmbH", ("IJM",), {"IJM": 120_000}, ("klein.ch",), enrolled=False)
    summary = eligibility_summary(company, "a@mail.klein.ch", ("IJM", "LAA"), 250_000)
    assert summary["meets_threshold"] is False and summary["premium_volume_chf"] == 120_000
    assert summary["lines_not_on_contract"] == ["LAA"] and summary["email_domain_known"] is True
    unknown = eligibility_summary(None, "a@b.ch", ("IJM",), 250_000)
    assert unknown["company_known"] is False and unknown["premium_volume_chf"] is None


def test_advisor_may_grant_fewer_lines_never_others() -> None:
    assert _choose_lines(("IJM", "LAA"), None) == ("IJM", "LAA")
    assert _choose_lines(("IJM", "LAA"), ["uvg"]) == ("LAA",)  # aliases are read, canonical kept
    for bad in (["LAAC"], [], ["nope"]):
        with pytest.raises(InvalidInput):
            _choose_lines(("IJM", "LAA"), bad)
