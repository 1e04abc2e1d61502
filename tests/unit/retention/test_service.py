"""The sweep service over in-memory ports (fast; the same flows run on Azurite in
tests/integration/retention): step order per document, bounds, failure isolation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta

from shared.clock import MutableClock
from shared.domain.audit import AuditEvent
from shared.domain.documents import DocumentRecord
from shared.domain.retention import Rule
from shared.services.minimisation import minimise
from shared.services.retention_sweep import preview, sweep_documents

NOW = datetime(2027, 3, 2, 2, 30, tzinfo=UTC)


def record(n: int, due: datetime, customer: str = "100001") -> DocumentRecord:
    return DocumentRecord(
        doc_id=f"{n:032d}", customer_number=customer, line="LAA", doc_type="benefit_statement",
        doc_date=date(2026, 1, 1), reference=f"R{n}", title="", case_number="", insured_person="",
        language="de", size=1, published_at=due - timedelta(days=365), deletes_at=due,
        blob_name=f"{customer}/LAA/2026/{n}.pdf", content_sha256="0" * 64, source_name="x",
    )


class Journal:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []


class MemoryIndex:
    def __init__(self, records: list[DocumentRecord], journal: Journal) -> None:
        self.expiry = {r.doc_id: r for r in records}
        self.visible = set(self.expiry)
        self.journal = journal
        self.reads: list[int] = []

    def iter_expired(self, now: datetime, page: int = 1000) -> Iterator[DocumentRecord]:
        yield from sorted((r for r in self.expiry.values() if r.deletes_at <= now), key=lambda r: r.doc_id)

    def expired(self, now: datetime, limit: int = 100) -> list[DocumentRecord]:
        self.reads.append(limit)
        return list(self.iter_expired(now))[:limit]

    def unlist(self, r: DocumentRecord) -> None:
        self.journal.calls.append(("unlist", r.doc_id))
        self.visible.discard(r.doc_id)

    def forget(self, r: DocumentRecord) -> None:
        self.journal.calls.append(("forget", r.doc_id))
        self.expiry.pop(r.doc_id, None)


class MemoryBlobs:
    def __init__(self, journal: Journal, broken: set[str] | None = None) -> None:
        self.journal, self.broken = journal, broken or set()

    def delete(self, blob_name: str) -> None:
        if blob_name in self.broken:
            raise OSError("unavailable")
        self.journal.calls.append(("blob", blob_name))


class MemoryAudit:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.events: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        self.journal.calls.append(("audit", event.target))
        self.events.append(event)

    def append_many(self, events: Sequence[AuditEvent]) -> None:
        self.appends = getattr(self, "appends", 0) + 1
        for event in events:
            self.append(event)


def parts(records: list[DocumentRecord], broken: set[str] | None = None):  # type: ignore[no-untyped-def]
    journal = Journal()
    return journal, MemoryIndex(records, journal), MemoryBlobs(journal, broken), MemoryAudit(journal)


def test_each_document_runs_unlist_blob_audit_forget() -> None:
    one = record(1, NOW - timedelta(seconds=1))
    journal, index, blobs, audit = parts([one])
    sweep_documents(index, blobs, audit, MutableClock(NOW))
    assert journal.calls == [("unlist", one.doc_id), ("blob", one.blob_name), ("audit", one.doc_id),
                             ("forget", one.doc_id)]
    assert audit.events[0].at == NOW and audit.events[0].action == "retention.deleted"


def test_not_yet_due_is_untouched() -> None:
    later = record(1, NOW + timedelta(seconds=1))
    journal, index, blobs, audit = parts([later])
    result = sweep_documents(index, blobs, audit, MutableClock(NOW))
    assert result.total == 0 and journal.calls == [] and index.visible == {later.doc_id}


def test_batches_are_bounded() -> None:
    records = [record(n, NOW - timedelta(days=1), customer=f"10000{n % 2 + 1}") for n in range(7)]
    _, index, blobs, audit = parts(records)
    result = sweep_documents(index, blobs, audit, MutableClock(NOW), batch_size=3)
    assert result.batches == 3 and result.total == 7 and result.complete
    assert dict(result.deleted) == {"100001": 4, "100002": 3}
    assert max(index.reads) <= 3


def test_a_batch_is_audited_in_one_append_before_any_document_is_forgotten() -> None:
    """GIVEN 5 due documents in one batch WHEN the sweep runs THEN their 5 audit records go in
    one append (one block of the audit log, not five), after every blob and before any forget."""
    records = [record(n, NOW - timedelta(days=1)) for n in range(5)]
    journal, index, blobs, audit = parts(records)
    sweep_documents(index, blobs, audit, MutableClock(NOW), batch_size=5)
    assert audit.appends == 1 and len(audit.events) == 5
    kinds = [kind for kind, _ in journal.calls]
    assert kinds.index("audit") > max(i for i, k in enumerate(kinds) if k == "blob")
    assert max(i for i, k in enumerate(kinds) if k == "audit") < kinds.index("forget")


def test_time_budget_stops_the_run() -> None:
    records = [record(n, NOW - timedelta(days=1)) for n in range(5)]
    _, index, blobs, audit = parts(records)
    result = sweep_documents(index, blobs, audit, MutableClock(NOW), batch_size=2, time_budget_seconds=-1)
    assert result.total == 0 and not result.complete


def test_a_broken_document_does_not_stall_the_others() -> None:
    records = [record(n, NOW - timedelta(days=1)) for n in range(5)]
    _, index, blobs, audit = parts(records, broken={records[0].blob_name})
    result = sweep_documents(index, blobs, audit, MutableClock(NOW), batch_size=1)
    assert result.total == 4 and set(result.failed) == {records[0].doc_id}
    assert set(index.expiry) == {records[0].doc_id}  # still found by the next run
    assert records[0].doc_id not in index.visible  # but never listed without its blob


def test_preview_counts_without_changing() -> None:
    records = [record(1, NOW), record(2, NOW, "100002"), record(3, NOW + timedelta(seconds=1))]
    journal, index, _, _ = parts(records)
    counts, due = preview(index, NOW)
    assert dict(counts) == {"100001": 1, "100002": 1} and len(due) == 2 and journal.calls == []


class Store:
    def __init__(self, keys: list[str], fail: bool = False) -> None:
        self.keys, self.fail, self.removed = keys, fail, []  # type: ignore[var-annotated]

    def due(self, now: datetime) -> Iterator[str]:
        if self.fail:
            raise OSError("store down")
        yield from self.keys

    def remove(self, key: str) -> None:
        self.removed.append(key)


def test_minimise_isolates_a_failing_store_and_audits_counts() -> None:
    good, bad = Store(["a", "b"]), Store(["x"], fail=True)
    audit = MemoryAudit(Journal())
    counts = minimise([Rule("bad", bad), Rule("good", good)], NOW, audit)
    assert counts == {"bad": -1, "good": 2} and good.removed == ["a", "b"]
    assert [(e.action, e.target, e.details) for e in audit.events] == [("retention.minimised", "good", {"count": 2})]


def test_minimise_dry_run() -> None:
    store = Store(["a"])
    audit = MemoryAudit(Journal())
    assert minimise([Rule("k", store)], NOW, audit, dry_run=True) == {"k": 1}
    assert store.removed == [] and audit.events == []
