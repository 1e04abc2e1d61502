"""Retention rules without I/O: the due boundary, DST, the step order, audit keep periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.retention import ORDER, Step, audit_days_due, deletes_at, is_due

ZURICH = ZoneInfo("Europe/Zurich")
T = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_boundary_to_the_second() -> None:
    assert not is_due(T, T - timedelta(seconds=1))
    assert is_due(T, T)
    assert is_due(T, T + timedelta(seconds=1))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        is_due(T.replace(tzinfo=None), T)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(ZURICH)))
def test_any_local_offset_gives_the_same_answer(local_now: datetime) -> None:
    """The clock may report Zurich time (CET or CEST): the answer is the UTC instant's answer."""
    due = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # inside the repeated hour of 2027's DST end
    assert is_due(due, local_now) == (local_now.astimezone(UTC) >= due)


def test_deletes_at_counts_24_hour_days_across_dst() -> None:
    published = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, half an hour before CEST
    due = deletes_at(published, 365)
    assert due - published == timedelta(days=365)
    assert due.astimezone(ZURICH).hour == 2  # local wall time moved; the instant did not


def test_order_unlists_before_the_blob_and_forgets_last() -> None:
    assert ORDER.index(Step.UNLIST) < ORDER.index(Step.BLOB)
    assert ORDER.index(Step.AUDIT) < ORDER.index(Step.FORGET)
    assert ORDER[-1] is Step.FORGET and set(ORDER) == set(Step)


def test_audit_days_due() -> None:
    today = date(2027, 6, 1)
    days = [today - timedelta(days=n) for n in (0, 1, 399, 400, 401, 800)]
    assert audit_days_due(days, today, 400) == [today - timedelta(days=800), today - timedelta(days=401)]
    with pytest.raises(ValueError):
        audit_days_due(days, today, 364)
