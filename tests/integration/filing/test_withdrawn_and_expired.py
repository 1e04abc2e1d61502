"""Withdrawn stays withdrawn, expired stays expired (SPEC 2, 4) on Azurite: the filing claim
remembers how a document ended, whatever way its content comes back, and claims are
removed a retention period after their document ended."""

from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta

import pytest

from shared.adapters.storage.index import DocumentIndex
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.identity import Principal
from shared.services import withdrawal
from shared.services.filing import FilingService, Outcome
from tests.integration.filing.test_filing_service import NAME, all_documents, fail_once
from tests.support.filing import blob_names, drop, make_pdf

ADVISOR = Principal("tenant", "oid-advisor", "berater@versicherer.ch", "Erika Berater", ("Advisor",))


def withdraw(ctx: AppContext, doc_id: str) -> withdrawal.WithdrawalResult:
    request = withdrawal.WithdrawalRequest("misfiled", "100001")
    return withdrawal.withdraw(ctx.withdrawal_ports(), ADVISOR, doc_id, request, ctx.clock.now(), "203.0.113.9")


def quarantined_reason(ctx: AppContext, name: str) -> str:
    props = ctx.storage.container("quarantine").get_blob_client(name).get_blob_properties()
    return str(props.metadata["reason"])


def file_but_crash_before_the_incoming_delete(ctx: AppContext, service: FilingService, content: bytes) -> str:
    """Filing that died after indexing: the document is listed and its incoming copy still waits."""
    drop(ctx, NAME, content)
    crashing = dataclasses.replace(service, incoming=fail_once(service.incoming, "delete", OSError("crash")))
    with pytest.raises(OSError):
        crashing.file(NAME)
    docs = all_documents(ctx.document_index)
    assert len(docs) == 1 and blob_names(ctx, "incoming") == [NAME]
    return docs[0].doc_id


def test_withdrawal_deletes_the_waiting_copy_and_the_refile_timer_cannot_bring_it_back(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    """GIVEN filing crashed after indexing (the incoming copy waits) WHEN the advisor withdraws
    the document THEN the waiting copy goes too, and the refile timer has nothing to file
    (before: the timer filed it again and customers saw it)."""
    doc_id = file_but_crash_before_the_incoming_delete(ctx, service, make_pdf("Falsch zugestellt"))
    withdraw(ctx, doc_id)
    assert blob_names(ctx, "incoming") == [] and index.get("100001", doc_id) is None
    clock.advance(timedelta(minutes=10))
    assert service.refile().examined == 0
    assert all_documents(index) == [] and blob_names(ctx, "documents") == []
    event = [e for e in ctx.audit_log.read_day(clock.now().date()) if e["action"] == "document.withdrawn"]
    assert event[0]["details"]["incoming_copy_deleted"] is True


def test_the_same_bytes_dropped_again_are_quarantined_as_withdrawn(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    """GIVEN a withdrawn document WHEN the generator drops the same bytes under the same name
    again (a resend, a redelivered event, the refile timer) THEN each time it is quarantined
    as `withdrawn` and never listed (before: filed again with its old publication date)."""
    content = make_pdf("Falsch zugestellt")
    drop(ctx, NAME, content)
    filed = service.file(NAME)
    assert filed.outcome is Outcome.FILED and filed.doc_id
    withdraw(ctx, filed.doc_id)
    drop(ctx, NAME, content)
    again = service.file(NAME)
    assert again.outcome is Outcome.QUARANTINED and again.reason == "withdrawn"
    assert quarantined_reason(ctx, NAME) == "withdrawn"
    assert blob_names(ctx, "incoming") == [] and index.get("100001", filed.doc_id) is None
    drop(ctx, NAME, content)
    dropped_at = ctx.storage.container("incoming").get_blob_client(NAME).get_blob_properties().last_modified
    clock.set(max(clock.now(), dropped_at.astimezone(UTC)) + timedelta(days=1))  # long after every filing lease
    assert service.refile().outcomes == {"quarantined": 1}
    assert all_documents(index) == [] and blob_names(ctx, "documents") == []


def test_a_withdrawal_while_a_filing_holds_the_claim_still_wins(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    """GIVEN filing crashed holding a live claim WHEN the document is withdrawn and the blob
    comes back after the lease THEN it is quarantined (the mark beats the takeover)."""
    content = make_pdf("Falsch zugestellt")
    doc_id = file_but_crash_before_the_incoming_delete(ctx, service, content)
    withdraw(ctx, doc_id)
    drop(ctx, NAME, content)
    clock.advance(timedelta(minutes=5))
    assert service.file(NAME).reason == "withdrawn"
    assert all_documents(index) == []


def test_other_content_under_the_withdrawn_name_is_a_new_document(
    ctx: AppContext, service: FilingService, index: DocumentIndex
) -> None:
    """GIVEN filing crashed after indexing and the generator then replaced the waiting blob
    with a corrected one WHEN the wrong document is withdrawn THEN the corrected blob stays
    in incoming and is filed as a document of its own."""
    doc_id = file_but_crash_before_the_incoming_delete(ctx, service, make_pdf("Falsch"))
    drop(ctx, NAME, make_pdf("Korrigiert"))
    withdraw(ctx, doc_id)
    assert blob_names(ctx, "incoming") == [NAME]
    corrected = service.file(NAME)
    assert corrected.outcome is Outcome.FILED and corrected.doc_id != doc_id
    assert [r.doc_id for r in all_documents(index)] == [corrected.doc_id]


def test_content_retention_already_deleted_is_quarantined_as_expired(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock
) -> None:
    """GIVEN a document deleted by retention WHEN the same bytes arrive again THEN they are
    quarantined as `expired`, not filed with the old `published_at` (which is past its
    deletion time: before, the document came back already expired)."""
    content = make_pdf("Abrechnung 2025")
    drop(ctx, NAME, content)
    filed = service.file(NAME)
    assert filed.outcome is Outcome.FILED and filed.doc_id
    clock.advance(timedelta(days=ctx.settings.retention_days, seconds=1))
    assert ctx.sweep().documents.total == 1
    drop(ctx, NAME, content)
    again = service.file(NAME)
    assert again.outcome is Outcome.QUARANTINED and again.reason == "expired"
    assert quarantined_reason(ctx, NAME) == "expired"
    assert index.get("100001", filed.doc_id) is None and blob_names(ctx, "documents") == []
    assert blob_names(ctx, "incoming") == []


def test_claims_are_minimised_a_retention_period_after_their_document_ended(
    ctx: AppContext, service: FilingService, clock: MutableClock
) -> None:
    """GIVEN a withdrawn and a live document WHEN the sweep runs over the years THEN the
    withdrawn one's claim goes a retention period after the withdrawal, the other's a
    retention period after its deletion, and a younger claim stays (before: claims were
    never removed)."""
    claims = ctx.claim_store
    days = timedelta(days=ctx.settings.retention_days)
    drop(ctx, NAME, make_pdf("Behalten"))
    kept = service.file(NAME).doc_id
    other = "100001/LAA/benefit_statement/2026-01-15_C-2026-0043.pdf"
    drop(ctx, other, make_pdf("Zurueckgezogen"))
    gone = service.file(other).doc_id
    assert kept and gone
    withdraw(ctx, gone)
    clock.advance(days - timedelta(days=1))
    assert ctx.sweep().minimised["filing_claims"] == 0
    clock.advance(timedelta(days=2))  # a retention period after the withdrawal (and `kept` has expired)
    assert ctx.sweep().minimised["filing_claims"] == 1
    assert claims.get("100001", gone) is None and claims.get("100001", kept) is not None
    young = "100001/LAA/benefit_statement/2026-01-15_C-2026-0044.pdf"
    drop(ctx, young, make_pdf("Neu"))
    fresh = service.file(young).doc_id
    assert fresh
    clock.advance(days)  # `kept` ended a retention period ago
    assert ctx.sweep().minimised["filing_claims"] == 1
    assert claims.get("100001", kept) is None and claims.get("100001", fresh) is not None
