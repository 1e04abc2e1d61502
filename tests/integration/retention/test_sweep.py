"""The document sweep against Azurite with an injected clock: boundaries, DST, crashes
between the steps, idempotence, batches, audit records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from shared.domain.retention import DELETED_ACTION, ORDER, DocumentSweep, Step
from shared.services.retention_sweep import RUN_LEASE, RUN_LEASE_FOR, sweep_documents
from tests.support.retention import Crash, CrashingCall, blob_exists, in_expiry, listed

Make = Callable[..., DocumentRecord]
ZURICH = ZoneInfo("Europe/Zurich")


def deleted_events(ctx: AppContext, day: datetime) -> list[dict]:
    return [e for e in ctx.audit_log.read_day(day.date()) if e["action"] == DELETED_ACTION]


def run(ctx: AppContext, **kwargs: Any) -> DocumentSweep:
    return sweep_documents(ctx.document_index, ctx.document_blobs, ctx.audit_log, ctx.clock, **kwargs)


def test_one_second_before_stays_one_second_after_goes(ctx: AppContext, clock: MutableClock, make: Make) -> None:
    """GIVEN a document published now WHEN the clock is 365 days minus 1 s later THEN it stays;
    at 365 days plus 1 s THEN it is gone: blob, list, point read, expiry entry."""
    record = make()
    assert record.deletes_at == record.published_at + timedelta(days=365)

    clock.set(record.deletes_at - timedelta(seconds=1))
    assert run(ctx).total == 0
    assert listed(ctx, record) and blob_exists(ctx, record) and in_expiry(ctx, record)

    clock.set(record.deletes_at + timedelta(seconds=1))
    result = run(ctx)
    assert result.total == 1 and dict(result.deleted) == {"100001": 1}
    assert not listed(ctx, record)
    assert not blob_exists(ctx, record)
    assert not in_expiry(ctx, record)


@pytest.mark.parametrize(
    "published_local",
    [
        datetime(2026, 3, 29, 1, 30, tzinfo=ZURICH),  # the night clocks go forward (CET → CEST)
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZURICH),  # the repeated hour (CEST → CET), second pass
        datetime(2026, 12, 15, 9, 0, tzinfo=ZURICH),  # winter publication, deleted in winter
    ],
)
def test_deletion_time_is_utc_and_ignores_zurich_dst(
    ctx: AppContext, clock: MutableClock, make: Make, published_local: datetime
) -> None:
    """GIVEN a publication around a Europe/Zurich DST change WHEN the clock reports Zurich local
    time THEN the boundary is still exactly 365 days of 24 h after publication, to the second."""
    published = published_local.astimezone(UTC)
    record = make(published_at=published)
    due = published + timedelta(days=365)
    assert record.deletes_at == due

    clock.set((due - timedelta(seconds=1)).astimezone(ZURICH))
    assert run(ctx).total == 0 and listed(ctx, record)
    clock.set((due + timedelta(seconds=1)).astimezone(ZURICH))
    assert run(ctx).total == 1 and not listed(ctx, record) and not blob_exists(ctx, record)


def test_only_due_documents_go_and_the_audit_says_what_when_why(
    ctx: AppContext, clock: MutableClock, make: Make
) -> None:
    old = [make(customer_number="100001"), make(customer_number="100002", line="LAAC")]
    clock.advance(timedelta(days=200))
    young = make(customer_number="100001")
    clock.advance(timedelta(days=166))  # the old ones are 366 days old, the young one 166

    result = run(ctx)
    assert dict(result.deleted) == {"100001": 1, "100002": 1}
    assert listed(ctx, young) and blob_exists(ctx, young)
    events = deleted_events(ctx, clock.now())
    assert sorted(e["target"] for e in events) == sorted(r.doc_id for r in old)
    for event in events:
        assert event["actor"] == "system:retention"
        assert event["details"]["reason"] == "retention_period_passed"
        assert event["at"] == clock.now().isoformat().replace("+00:00", "Z")
        assert "deletes_at" in event["details"] and "title" not in event["details"]  # no content


def test_running_twice_is_harmless(ctx: AppContext, clock: MutableClock, make: Make) -> None:
    records = [make() for _ in range(3)]
    clock.advance(timedelta(days=366))
    assert run(ctx).total == 3
    second = run(ctx)
    assert second.total == 0 and second.failed == {} and second.complete
    assert len(deleted_events(ctx, clock.now())) == 3
    assert not any(listed(ctx, r) or blob_exists(ctx, r) for r in records)


def test_bounded_batches_and_the_next_run_finishes(ctx: AppContext, clock: MutableClock, make: Make) -> None:
    """GIVEN 25 due documents and batches of 10 WHEN a run may do 2 batches THEN 20 go and it
    says it is incomplete; the next run takes the last 5."""
    records = [make(customer_number=f"10000{i % 3 + 1}") for i in range(25)]
    clock.advance(timedelta(days=366))
    first = run(ctx, batch_size=10, max_batches=2)
    assert first.total == 20 and first.batches == 2 and not first.complete
    second = run(ctx, batch_size=10)
    assert second.total == 5 and second.complete
    assert not any(listed(ctx, r) for r in records)


# ---- crashes between the steps ---------------------------------------------------------


def _invariant(ctx: AppContext, records: list[DocumentRecord]) -> None:
    """No document is listed whose blob is gone; a document not finished is still in expiry."""
    for record in records:
        if listed(ctx, record):
            assert blob_exists(ctx, record), "a listed document lost its blob"
        if blob_exists(ctx, record) or listed(ctx, record):
            assert in_expiry(ctx, record), "an unfinished document dropped out of the expiry index"


@pytest.mark.parametrize("crash_at", list(ORDER))
def test_crash_at_each_step_then_rerun(ctx: AppContext, clock: MutableClock, make: Make, crash_at: Step) -> None:
    """GIVEN due documents WHEN the process dies at step `crash_at` of the second document THEN
    nothing listed has lost its blob and everything unfinished is still in the expiry index;
    WHEN the sweep runs again THEN every document is gone and audited."""
    records = [make() for _ in range(3)]
    clock.advance(timedelta(days=366))
    index, blobs, audit = ctx.document_index, ctx.document_blobs, ctx.audit_log
    # The first document passes every step; the process dies at `crash_at` of the second.
    wrapped: tuple[Any, Any, Any] = {
        Step.UNLIST: lambda: (CrashingCall(index, "unlist", passes=1), blobs, audit),
        Step.BLOB: lambda: (index, CrashingCall(blobs, "delete", passes=1), audit),
        Step.AUDIT: lambda: (index, blobs, CrashingCall(audit, "append_many", passes=1)),
        Step.FORGET: lambda: (CrashingCall(index, "forget", passes=1), blobs, audit),
    }[crash_at]()

    with pytest.raises(Crash):
        sweep_documents(*wrapped, clock, batch_size=1)  # one per batch: the audit append is per batch
    _invariant(ctx, records)
    assert sum(in_expiry(ctx, r) for r in records) == 2  # the first finished, the second and third wait

    result = sweep_documents(index, blobs, audit, clock)
    assert result.total == 2
    _invariant(ctx, records)
    assert not any(listed(ctx, r) or blob_exists(ctx, r) or in_expiry(ctx, r) for r in records)
    audited = {e["target"] for e in deleted_events(ctx, clock.now())}
    assert audited == {r.doc_id for r in records}


def test_a_storage_error_skips_one_document_and_the_rest_go(
    ctx: AppContext, clock: MutableClock, make: Make
) -> None:
    """GIVEN one blob delete failing with an ordinary error WHEN the sweep runs THEN the others
    go, the failing one is reported, not listed, still in expiry; the next run finishes it."""
    records = [make() for _ in range(4)]
    clock.advance(timedelta(days=366))
    blobs = ctx.document_blobs
    victim = records[2]

    class OneBadBlob:
        def delete(self, blob_name: str) -> None:
            if blob_name == victim.blob_name:
                raise OSError("storage says no")
            blobs.delete(blob_name)

    result = sweep_documents(ctx.document_index, OneBadBlob(), ctx.audit_log, clock, batch_size=2)
    assert result.total == 3 and set(result.failed) == {victim.doc_id}
    assert not listed(ctx, victim) and blob_exists(ctx, victim) and in_expiry(ctx, victim)
    assert run(ctx).total == 1 and not blob_exists(ctx, victim)


def test_the_whole_sweep_on_the_context(ctx: AppContext, clock: MutableClock, make: Make) -> None:
    """The composition the timer uses: documents and minimisation in one report."""
    record = make()
    clock.advance(timedelta(days=366))
    report = ctx.sweep()
    assert report.documents.total == 1 and not listed(ctx, record)
    assert set(report.minimised) >= {"quarantine", "sessions", "revoked_grants", "outbox", "audit_days"}
    assert all(count >= 0 for count in report.minimised.values())


def test_concurrent_workers_delete_exactly_the_due_ones(ctx: AppContext, clock: MutableClock, make: Make) -> None:
    """GIVEN 30 due and 5 young documents WHEN 4 workers sweep in batches of 7 THEN exactly the
    30 go, each audited once, and the young ones stay."""
    due = [make(customer_number=f"10000{i % 3 + 1}") for i in range(30)]
    clock.advance(timedelta(days=100))
    young = [make() for _ in range(5)]
    clock.advance(timedelta(days=265, seconds=1))
    result = run(ctx, batch_size=7, workers=4)
    assert result.total == 30 and result.failed == {} and result.complete
    assert dict(result.deleted) == {"100001": 10, "100002": 10, "100003": 10}
    assert not any(listed(ctx, r) or blob_exists(ctx, r) or in_expiry(ctx, r) for r in due)
    assert all(listed(ctx, r) and blob_exists(ctx, r) for r in young)
    targets = [e["target"] for e in deleted_events(ctx, clock.now())]
    assert sorted(targets) == sorted(r.doc_id for r in due)


def test_an_overlapping_run_does_nothing_so_no_deletion_is_audited_twice(
    ctx: AppContext, clock: MutableClock, make: Make
) -> None:
    """GIVEN the timer's run in the middle of deleting WHEN an operator starts `cli retention run`
    THEN that second run does nothing (busy) and every deletion is audited exactly once (before,
    both runs found the same documents and each audited them)."""
    records = [make() for _ in range(3)]
    clock.advance(timedelta(days=366))
    real = ctx.document_blobs
    inner: list[Any] = []

    class OperatorStartsAnotherRun:
        def delete(self, blob_name: str) -> None:
            if not inner:
                inner.append(ctx.sweep())  # the CLI run, while the timer's run holds its lease
            real.delete(blob_name)

    ctx.document_blobs = OperatorStartsAnotherRun()  # type: ignore[assignment]  # a wrapper, not a patch
    outer = ctx.sweep()
    assert inner[0].busy and inner[0].documents.total == 0
    assert not outer.busy and outer.documents.total == 3
    assert sorted(e["target"] for e in deleted_events(ctx, clock.now())) == sorted(r.doc_id for r in records)
    assert ctx.sweep().busy is False  # released at the end


def test_a_crashed_runs_lease_ends_by_itself(ctx: AppContext, clock: MutableClock, make: Make) -> None:
    """GIVEN a run that died holding the lease WHEN the next run starts within the lease THEN it
    is busy; after the lease ran out THEN it runs."""
    record = make()
    clock.advance(timedelta(days=366))
    assert ctx.leases.acquire(RUN_LEASE, "crashed", clock.now(), RUN_LEASE_FOR) is not None
    assert ctx.sweep().busy
    clock.advance(RUN_LEASE_FOR + timedelta(seconds=1))
    report = ctx.sweep()
    assert not report.busy and report.documents.total == 1 and not listed(ctx, record)
