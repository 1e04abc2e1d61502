"""The ops CLI: a dry run lists what the next sweep would delete (per company, with a
progress bar) and changes nothing; `run` deletes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from cli.__main__ import main
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from tests.support.retention import blob_exists, listed


def test_dry_run_then_run(
    ctx: AppContext, clock: MutableClock, make: Callable[..., DocumentRecord], capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    due = [make(customer_number="100001") for _ in range(3)] + [make(customer_number="100002", line="LAAC")]
    clock.advance(timedelta(days=200))
    young = make(customer_number="100001")
    clock.set(datetime(2027, 3, 2, 12, 0, tzinfo=UTC))

    assert main(["retention", "dry-run", "--json", "--details"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["at"] == "2027-03-03T02:30:00+00:00"  # the next run of "0 30 2 * * *"
    assert report["per_company"] == {"100001": 3, "100002": 1} and report["documents"] == 4
    assert sorted(item["id"] for item in report["items"]) == sorted(r.doc_id for r in due)
    assert "expiry index" in captured.err  # the progress bar
    assert set(report["minimisation"]) >= {"quarantine", "sessions", "outbox", "audit_days"}
    assert all(listed(ctx, r) and blob_exists(ctx, r) for r in due)  # a dry run changes nothing

    assert main(["retention", "dry-run", "--at", "2026-06-01T00:00:00", "--json", "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 0

    assert main(["retention", "dry-run", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "would delete 4 documents" in text and "100001" in text and "100002" in text

    assert main(["retention", "run"]) == 0
    assert "Deleted 4 documents" in capsys.readouterr().out
    assert not any(listed(ctx, r) or blob_exists(ctx, r) for r in due)
    assert listed(ctx, young)


def test_dry_run_refuses_a_bad_time(ctx: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retention", "dry-run", "--at", "next tuesday", "--no-progress"]) == 2
    assert "--at" in capsys.readouterr().err
