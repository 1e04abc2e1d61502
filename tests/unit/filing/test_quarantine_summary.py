"""The daily quarantine summary's arithmetic (no I/O): counts per reason, recent, oldest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.domain.quarantine_summary import QuarantinedItem, claim_key, summarise

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def item(reason: str, hours_ago: float) -> QuarantinedItem:
    return QuarantinedItem(reason, NOW - timedelta(hours=hours_ago))


def test_nothing_waiting_gives_no_summary() -> None:
    assert summarise([], NOW) is None


def test_counts_per_reason_most_first_then_by_code() -> None:
    summary = summarise([item("bad_name", 1), item("not_pdf", 2), item("bad_name", 30), item("empty", 3),
                         item("not_pdf", 100)], NOW)
    assert summary is not None
    assert summary.per_reason == (("bad_name", 2), ("not_pdf", 2), ("empty", 1))
    assert summary.total == 5


def test_recent_is_the_last_24_hours_and_oldest_is_the_earliest_arrival() -> None:
    summary = summarise([item("bad_name", 23.9), item("bad_name", 24), item("bad_name", 24.1), item("empty", 80)],
                        NOW)
    assert summary is not None
    assert summary.recent == 2
    assert summary.oldest_at == NOW - timedelta(hours=80)
    assert summary.oldest_days == 3
    assert summary.day == date(2026, 3, 2)


def test_one_claim_per_utc_day() -> None:
    assert claim_key(date(2026, 3, 2)) == claim_key(date(2026, 3, 2))
    assert claim_key(date(2026, 3, 2)) != claim_key(date(2026, 3, 3))
