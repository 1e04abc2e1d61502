"""The filing service against Azurite: filed, refused, redelivered, retried after faults."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest

from shared.adapters.storage.index import DocumentIndex
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.claims import LEASE
from shared.domain.documents import DocumentRecord
from shared.services.filing import FilingService, Outcome
from tests.support.filing import blob_names, drop, make_pdf

NAME = "100001/LAA/benefit_statement/2026-01-15_C-2026-0042.pdf"
LINES = ["IJM", "LAA", "LAAC"]


def all_documents(index: DocumentIndex) -> list[DocumentRecord]:
    return index.list_documents("100001", LINES, limit=200)[0]


def test_a_valid_document_is_filed_indexed_and_removed_from_incoming(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    """GIVEN a PDF with percent-encoded metadata WHEN it is filed THEN it is stored by company, line
    and year, indexed with the decoded metadata, and gone from incoming — in that order."""
    content = make_pdf()
    drop(ctx, NAME, content, {"title": "Leistungsabrechnung%20M%C3%A4rz", "insured_person": "J%C3%BCrg%20M%C3%BCller",
                              "case_number": "S-77", "language": "de"})
    result = service.file(NAME)
    assert result.outcome is Outcome.FILED
    assert result.trail == ("checked", "claimed", "copied", "indexed", "deleted")
    assert result.doc_id is not None
    record = index.get("100001", result.doc_id)
    assert record is not None
    assert record.blob_name == f"100001/LAA/2026/{result.doc_id}.pdf"
    assert (record.title, record.insured_person, record.case_number, record.language) == (
        "Leistungsabrechnung März", "Jürg Müller", "S-77", "de")
    assert record.published_at == clock.now()
    assert record.deletes_at == clock.now() + timedelta(days=365)
    assert (record.size, record.doc_date, record.source_name) == (len(content), date(2026, 1, 15), NAME)
    stored = ctx.storage.container("documents").download_blob(record.blob_name).readall()
    assert stored == content
    assert blob_names(ctx, "incoming") == [] and blob_names(ctx, "quarantine") == []
    assert [r.doc_id for r in index.search("100001", LINES, ["mueller", "maerz"])[0]] == [result.doc_id]


@pytest.mark.parametrize(("alias", "line"), [("KTG", "IJM"), ("uvg", "LAA"), ("UVG-Z", "LAAC")])
def test_aliases_file_under_the_canonical_line(
    ctx: AppContext, service: FilingService, index: DocumentIndex, alias: str, line: str
) -> None:
    name = f"100001/{alias}/benefit_statement/2026-01-15_R1.pdf"
    drop(ctx, name, make_pdf())
    result = service.file(name)
    assert result.outcome is Outcome.FILED
    assert [r.line for r in all_documents(index)] == [line]
    assert blob_names(ctx, "documents") == [f"100001/{line}/2026/{result.doc_id}.pdf"]


BROKEN_PDF = b"%PDF-1.4\nthis is not really a pdf\n%%EOF"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("100001/LAA/benefit_statement/2026-01-15_R#1.pdf", None, "bad_name"),
        ("100001/LAA/benefit_statement/2026-01-15_R?1.pdf", None, "bad_name"),
        ("100001/LAA/benefit_statement/2026-01-15_R1.pdf\n", None, "bad_name"),
        ("\uff11\uff10\uff10\uff1001/LAA/benefit_statement/2026-01-15_R1.pdf", None, "bad_name"),
        ("100001/LAA/benefit_statement/2026-01-15_R1.pdf ", None, "bad_name"),
        ("100001/XYZ/benefit_statement/2026-01-15_R1.pdf", None, "unknown_line"),
        ("100001/LAA/love_letter/2026-01-15_R1.pdf", None, "unknown_doc_type"),
        ("100001/IJM/waiting_letter/2026-01-15_R1.pdf", None, "type_not_allowed"),
        ("100001/LAA/benefit_statement/2026-02-30_R1.pdf", None, "bad_date"),
        ("100001/LAA/benefit_statement/2026-01-15_R1.pdf", b"GIF89a not a pdf", "not_pdf"),
        ("100001/LAA/benefit_statement/2026-01-15_R1.pdf", BROKEN_PDF, "not_pdf"),
        ("100001/LAA/benefit_statement/2026-01-15_R1.pdf", b"", "empty"),
        ("999999/LAA/benefit_statement/2026-01-15_R1.pdf", None, "unknown_customer"),
        ("100003/IJM/benefit_statement/2026-01-15_R1.pdf", None, "not_enrolled"),
    ],
)
def test_every_refusal_is_quarantined_under_the_original_name_with_reason_and_detail(
    ctx: AppContext, service: FilingService, index: DocumentIndex, name: str, content: bytes | None, reason: str
) -> None:
    body = make_pdf() if content is None else content
    drop(ctx, name, body, {"title": "Abrechnung%20M%C3%A4rz"})
    result = service.file(name)
    assert result.outcome is Outcome.QUARANTINED and result.reason == reason
    assert result.trail == ("checked", "quarantined")
    blob = ctx.storage.container("quarantine").get_blob_client(name)
    props = blob.get_blob_properties()
    assert props.metadata["reason"] == reason
    assert props.metadata["detail"]
    assert props.metadata["title"] == "Abrechnung%20M%C3%A4rz"  # the original metadata is kept
    assert blob.download_blob().readall() == body
    assert blob_names(ctx, "incoming") == []
    assert all_documents(index) == []


def test_too_large_by_the_configured_limit_is_never_downloaded(
    ctx: AppContext, service: FilingService
) -> None:
    small = dataclasses.replace(service, max_bytes=1000)
    drop(ctx, NAME, b"%PDF-" + b"x" * 996)  # 1001 bytes
    result = small.file(NAME)
    assert (result.outcome, result.reason) == (Outcome.QUARANTINED, "too_large")


def test_a_real_20_mib_plus_one_byte_document_is_refused(ctx: AppContext, service: FilingService) -> None:
    assert service.max_bytes == 20 * 1024 * 1024  # the default setting
    drop(ctx, NAME, b"%PDF-" + b"\0" * (20 * 1024 * 1024 + 1 - 5))
    result = service.file(NAME)
    assert (result.outcome, result.reason) == (Outcome.QUARANTINED, "too_large")
    props = ctx.storage.container("quarantine").get_blob_client(NAME).get_blob_properties()
    assert props.size == 20 * 1024 * 1024 + 1


def test_redelivery_and_a_redrop_file_once_and_keep_published_at(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    content = make_pdf()
    drop(ctx, NAME, content)
    first = service.file(NAME)
    published = clock.now()
    assert service.file(NAME).outcome is Outcome.GONE  # the event delivered again
    clock.advance(timedelta(days=3))
    drop(ctx, NAME, content)  # the generator drops the same document again
    again = service.file(NAME)
    assert again.outcome is Outcome.DUPLICATE and again.doc_id == first.doc_id
    docs = all_documents(index)
    assert [d.doc_id for d in docs] == [first.doc_id] and docs[0].published_at == published
    assert blob_names(ctx, "incoming") == []


def test_same_name_other_content_is_a_second_document(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    drop(ctx, NAME, make_pdf("first"))
    first = service.file(NAME)
    clock.advance(timedelta(hours=1))
    drop(ctx, NAME, make_pdf("corrected"))
    second = service.file(NAME)
    assert second.outcome is Outcome.FILED and second.doc_id != first.doc_id
    assert [d.doc_id for d in all_documents(index)] == [second.doc_id, first.doc_id]  # newer published first


def test_concurrent_double_delivery_files_once(
    ctx: AppContext, service: FilingService, index: DocumentIndex
) -> None:
    drop(ctx, NAME, make_pdf())
    barrier = threading.Barrier(4)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def deliver() -> None:
        barrier.wait(timeout=10)
        outcome = service.file(NAME).outcome
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(outcomes) == 4 and outcomes.count(Outcome.FILED) <= 1
    assert set(outcomes) <= {Outcome.FILED, Outcome.IN_PROGRESS, Outcome.GONE, Outcome.DUPLICATE, Outcome.CHANGED}
    if Outcome.FILED not in outcomes:  # every delivery met a claim in progress: the timer's run completes it
        service.file(NAME)
    assert len(all_documents(index)) == 1
    assert len(blob_names(ctx, "documents")) == 1
    assert blob_names(ctx, "incoming") == []


class FailOnce:
    """Wraps a port; the named method raises once, after which the real one runs (a storage hiccup)."""

    def __init__(self, real: object, method: str, error: BaseException) -> None:
        self.real, self.method, self.error, self.raised = real, method, error, False

    def __getattr__(self, name: str) -> object:
        attr = getattr(self.real, name)
        if name != self.method or self.raised:
            return attr

        def failing(*args: object, **kwargs: object) -> object:
            self.raised = True
            raise self.error

        return failing


def fail_once(real: object, method: str, error: BaseException) -> Any:
    return FailOnce(real, method, error)


class Crash(BaseException):
    """A process dying mid-way: nothing after it runs, not even the claim's release."""


def test_failure_right_after_the_copy_is_completed_by_the_retry(
    ctx: AppContext, service: FilingService, index: DocumentIndex
) -> None:
    drop(ctx, NAME, make_pdf())
    flaky = dataclasses.replace(service, index=fail_once(service.index, "put", OSError("table storage down")))
    with pytest.raises(OSError):
        flaky.file(NAME)
    assert blob_names(ctx, "incoming") == [NAME]  # nothing lost
    assert len(blob_names(ctx, "documents")) == 1 and all_documents(index) == []
    retry = flaky.file(NAME)
    assert retry.outcome is Outcome.FILED
    assert len(all_documents(index)) == 1 and len(blob_names(ctx, "documents")) == 1
    assert blob_names(ctx, "incoming") == []


class WriteThenFail:
    """Wraps a port: the named method does its real work, then raises once (the answer was lost)."""

    def __init__(self, real: object, method: str) -> None:
        self.real, self.method, self.raised = real, method, False

    def __getattr__(self, name: str) -> object:
        attr = getattr(self.real, name)
        if name != self.method or self.raised:
            return attr

        def write_then_fail(*args: object, **kwargs: object) -> object:
            attr(*args, **kwargs)  # type: ignore[operator]
            self.raised = True
            raise OSError("connection reset after the write")

        return write_then_fail


@pytest.mark.parametrize("port", ["index", "incoming"])
def test_failure_right_after_the_index_write_is_completed_by_the_retry(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock, port: str
) -> None:
    """GIVEN the index write succeeded but its answer was lost (or the delete that follows failed)
    WHEN the host retries THEN the document is complete once and incoming is cleaned up."""
    drop(ctx, NAME, make_pdf())
    if port == "index":
        flaky = dataclasses.replace(service, index=cast(Any, WriteThenFail(service.index, "put")))
    else:
        flaky = dataclasses.replace(service, incoming=fail_once(service.incoming, "delete", OSError("timeout")))
    with pytest.raises(OSError):
        flaky.file(NAME)
    assert blob_names(ctx, "incoming") == [NAME] and len(all_documents(index)) == 1
    published = all_documents(index)[0].published_at
    clock.advance(timedelta(minutes=1))
    assert flaky.file(NAME).outcome is Outcome.DUPLICATE  # found complete: only the incoming copy was left
    docs = all_documents(index)
    assert len(docs) == 1 and docs[0].published_at == published  # not doubled, first publication kept
    assert blob_names(ctx, "incoming") == [] and len(blob_names(ctx, "documents")) == 1


def test_a_crash_holding_the_claim_is_taken_over_after_the_lease(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    drop(ctx, NAME, make_pdf())
    crashing = dataclasses.replace(service, index=fail_once(service.index, "put", Crash()))
    with pytest.raises(Crash):
        crashing.file(NAME)
    early = crashing.file(NAME)
    assert early.outcome is Outcome.IN_PROGRESS  # the dead attempt's lease still counts
    assert blob_names(ctx, "incoming") == [NAME]
    clock.advance(LEASE + timedelta(seconds=1))
    assert crashing.file(NAME).outcome is Outcome.FILED
    assert len(all_documents(index)) == 1 and blob_names(ctx, "incoming") == []
    claim = ctx.claim_store.get("100001", early.doc_id or "")
    assert claim is not None and claim.published_at == all_documents(index)[0].published_at


def test_refile_files_only_what_waited_long_enough(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    drop(ctx, NAME, make_pdf())
    dropped_at = ctx.storage.container("incoming").get_blob_client(NAME).get_blob_properties().last_modified
    clock.set(dropped_at.astimezone(UTC) + timedelta(seconds=10))
    report = service.refile()
    assert report.examined == 0 and blob_names(ctx, "incoming") == [NAME]
    clock.advance(timedelta(seconds=service.refile_min_age_seconds))
    report = service.refile()
    assert report.examined == 1 and report.outcomes == {"filed": 1}
    assert len(all_documents(index)) == 1 and blob_names(ctx, "incoming") == []


def test_a_blob_replaced_while_being_checked_is_not_filed_under_the_old_identity(
    ctx: AppContext, service: FilingService, index: DocumentIndex
) -> None:
    drop(ctx, NAME, make_pdf("old"))

    class Replacing:
        def __init__(self, real: object) -> None:
            self.real = real

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

        def read(self, blob: object) -> bytes:
            data: bytes = self.real.read(blob)  # type: ignore[attr-defined]
            drop(ctx, NAME, make_pdf("new"))  # the generator corrects the document meanwhile
            return data

    racing = dataclasses.replace(service, incoming=cast(Any, Replacing(service.incoming)))
    assert racing.file(NAME).outcome is Outcome.CHANGED
    assert all_documents(index) == [] and blob_names(ctx, "incoming") == [NAME]
    assert service.file(NAME).outcome is Outcome.FILED


def test_published_at_is_utc_now_of_the_first_filing(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    clock.set(datetime(2026, 6, 1, 12, 30, tzinfo=UTC))
    drop(ctx, NAME, make_pdf())
    result = service.file(NAME)
    record = index.get("100001", result.doc_id or "")
    assert record is not None and record.published_at == datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
