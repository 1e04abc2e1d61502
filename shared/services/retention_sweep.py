"""The retention sweep: delete every document whose deletion time has passed, in the order
that survives a crash (shared/domain/retention.py ORDER), in bounded batches, then minimise
the other stores. Plain Python over ports; the timer, the CLI and the benchmark call it."""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.clock import Clock
from shared.domain.audit import AuditEvent
from shared.domain.documents import DocumentRecord
from shared.domain.retention import (
    ACTOR,
    DELETED_ACTION,
    ORDER,
    REASON,
    DocumentSweep,
    Rule,
    Step,
    SweepReport,
    is_due,
)
from shared.services.minimisation import minimise
from shared.services.ports import Audit, Leases

log = logging.getLogger("portal.retention")

# Documents deleted at once within a batch by the timer: storage round trips dominate, and
# each document's steps stay in order on its own thread.
RETENTION_WORKERS = 4
# One run at a time (timer, CLI, a redelivered timer): longer than a run's time budget.
RUN_LEASE = "retention.run"
RUN_LEASE_FOR = timedelta(minutes=15)


class ExpiryIndex(Protocol):
    """The parts of the document index retention uses (shared/adapters/storage/index.py)."""

    def expired(self, now: datetime, limit: int = 100) -> list[DocumentRecord]: ...

    def iter_expired(self, now: datetime, page: int = 1000) -> Iterator[DocumentRecord]: ...

    def unlist(self, record: DocumentRecord) -> None: ...

    def forget(self, record: DocumentRecord) -> None: ...


class BlobDeleter(Protocol):
    def delete(self, blob_name: str) -> None:
        """Delete one blob of `documents`; a blob already gone is not an error."""
        ...


def _audit_event(record: DocumentRecord, now: datetime) -> AuditEvent:
    return AuditEvent(
        action=DELETED_ACTION,
        at=now,
        actor=ACTOR,
        target=record.doc_id,
        customer_number=record.customer_number,
        details={
            "reason": REASON,
            "line": record.line,
            "doc_type": record.doc_type,
            "published_at": record.published_at.isoformat(),
            "deletes_at": record.deletes_at.isoformat(),
        },
    )


def delete_document(
    record: DocumentRecord, now: datetime, index: ExpiryIndex, blobs: BlobDeleter, audit: Audit
) -> None:
    """Run the steps for one document in ORDER; each is safe to repeat after a crash."""
    error = delete_batch([record], now, index, blobs, audit)[record.doc_id]
    if error is not None:
        raise error


def delete_batch(
    records: Sequence[DocumentRecord],
    now: datetime,
    index: ExpiryIndex,
    blobs: BlobDeleter,
    audit: Audit,
    workers: int = 1,
) -> dict[str, Exception | None]:
    """Every document's steps in ORDER, with the batch's audit records in one append.

    Each document still passes its steps in ORDER (the crash argument is per document); only
    the AUDIT step is shared: one block for the batch instead of one per document, so a
    sweep after a bulk publishing day does not fill the audit log. A failed audit append
    fails every document that waited for it (the next run repeats them; nothing is lost).
    """
    steps: dict[Step, Callable[[DocumentRecord], None]] = {
        Step.UNLIST: index.unlist,
        Step.BLOB: lambda r: blobs.delete(r.blob_name),
        Step.FORGET: index.forget,
    }
    cut = ORDER.index(Step.AUDIT)
    errors: dict[str, Exception | None] = {r.doc_id: None for r in records}

    def phase(todo: Sequence[DocumentRecord], part: Sequence[Step]) -> None:
        def one(record: DocumentRecord) -> Exception | None:
            try:
                for step in part:
                    steps[step](record)
            except Exception as exc:  # noqa: BLE001 — one document's storage error must not stop the rest
                return exc
            return None

        if workers > 1 and len(todo) > 1:
            with ThreadPoolExecutor(workers) as pool:
                outcomes = list(pool.map(one, todo))
        else:
            outcomes = [one(record) for record in todo]
        for record, error in zip(todo, outcomes, strict=True):
            errors[record.doc_id] = error

    phase(records, ORDER[:cut])
    ready = [r for r in records if errors[r.doc_id] is None]
    if ready:
        try:
            audit.append_many([_audit_event(r, now) for r in ready])
        except Exception as exc:  # noqa: BLE001 — reported per document below
            for record in ready:
                errors[record.doc_id] = exc
            ready = []
    phase(ready, ORDER[cut + 1 :])
    return errors


def sweep_documents(
    index: ExpiryIndex,
    blobs: BlobDeleter,
    audit: Audit,
    clock: Clock,
    batch_size: int = 100,
    max_batches: int = 1000,
    time_budget_seconds: float = 480.0,
    workers: int = 1,
) -> DocumentSweep:
    """Delete due documents batch by batch until none is left or a bound is reached.

    Bounds: `max_batches` and a wall-clock budget below the host's 10-minute timeout; what is
    left is found by the next run. A document that fails is reported and skipped for the rest
    of this run (the next batch asks for that many more), so one bad blob cannot stall the sweep.
    With `workers` > 1 the documents of a batch are deleted concurrently; each one still runs
    its own steps in ORDER, which is all the crash argument needs.
    """
    now = clock.now()
    result = DocumentSweep()
    started = time.monotonic()
    while True:
        if result.batches >= max_batches or time.monotonic() - started > time_budget_seconds:
            result.complete = False
            break
        batch = [r for r in index.expired(now, batch_size + len(result.failed)) if r.doc_id not in result.failed]
        if not batch:
            break
        result.batches += 1
        due = [r for r in batch if is_due(r.deletes_at, now)]  # the index filters already; never trust one check

        errors = delete_batch(due, now, index, blobs, audit, workers)
        for record in due:
            error = errors[record.doc_id]
            if error is not None:
                result.failed[record.doc_id] = type(error).__name__
                log.warning("retention: document %s failed (%s)", record.doc_id, type(error).__name__)
            else:
                result.deleted[record.customer_number] += 1
    log.info(
        "retention: %d documents deleted in %d batches, %d failed, complete=%s",
        result.total,
        result.batches,
        len(result.failed),
        result.complete,
    )
    return result


def preview(index: ExpiryIndex, now: datetime, progress: Callable[[Iterable[DocumentRecord]], Iterable[DocumentRecord]]
            | None = None) -> tuple[Counter[str], list[DocumentRecord]]:
    """What the next sweep at `now` would delete, without changing anything (dry run)."""
    stream: Iterable[DocumentRecord] = index.iter_expired(now)
    if progress is not None:
        stream = progress(stream)
    due = [r for r in stream if is_due(r.deletes_at, now)]
    return Counter(r.customer_number for r in due), due


def run_sweep(
    index: ExpiryIndex,
    blobs: BlobDeleter,
    audit: Audit,
    clock: Clock,
    rules: Sequence[Rule],
    batch_size: int = 100,
    **bounds: Any,
) -> SweepReport:
    """The daily run: due documents first (the promise to customers), then minimisation."""
    documents = sweep_documents(index, blobs, audit, clock, batch_size=batch_size, **bounds)
    minimised = minimise(rules, clock.now(), audit)
    return SweepReport(documents=documents, minimised=minimised)


def sweep_alone(leases: Leases, now: datetime, run: Callable[[], SweepReport]) -> SweepReport:
    """The whole daily run, one at a time (timer, CLI and benchmark share it).

    Runs hold a lease so that a CLI run and the timer never work on the same documents at
    once (each would audit the same deletion); the one that finds the lease taken does
    nothing and says so (`busy`). A crashed run's lease ends by itself after RUN_LEASE_FOR.
    """
    holder = uuid.uuid4().hex
    if leases.acquire(RUN_LEASE, holder, now, RUN_LEASE_FOR) is None:
        log.info("retention: another run holds the lease; this one does nothing")
        return SweepReport(documents=DocumentSweep(complete=False), minimised={}, busy=True)
    try:
        return run()
    finally:
        leases.release(RUN_LEASE, holder)
