"""`python -m cli documents reindex`: a filed document whose index entries are gone (deleted by
mistake, blob restored with `az storage blob undelete`) goes back into the index from its blob
alone. Azurite cannot undelete (501), so the test removes only the index entries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cli.__main__ import main
from shared.adapters.storage.index import DocumentIndex
from shared.clock import MutableClock
from shared.context import AppContext
from shared.services.filing import FilingService, Outcome
from tests.support.filing import drop, make_pdf


def test_reindex_restores_a_filed_document(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """GIVEN a filed document whose index entries were deleted WHEN reindexed THEN it is found
    again by id and in its company's list, with its original dates, and the audit log says who."""
    name = "100001/LAA/benefit_statement/2026-01-15_R-77.pdf"
    drop(ctx, name, make_pdf())
    result = service.file(name)
    assert result.outcome is Outcome.FILED and result.doc_id
    original = index.get("100001", result.doc_id)
    assert original is not None
    index.delete(original)
    assert index.get("100001", result.doc_id) is None

    clock.advance(timedelta(days=3))
    assert main(["documents", "reindex", original.blob_name, "--operator", "ops@versicherer.ch"]) == 0
    assert f"indexed as {original.doc_id}" in capsys.readouterr().out
    again = index.get("100001", result.doc_id)
    assert again is not None
    for field in ("doc_id", "customer_number", "line", "doc_type", "doc_date", "published_at", "deletes_at",
                  "blob_name", "content_sha256", "size"):
        assert getattr(again, field) == getattr(original, field), field
    items, _ = index.list_documents("100001", ["LAA"], limit=10)
    assert [r.doc_id for r in items] == [original.doc_id]
    events = list(ctx.audit_log.read_day(clock.now().date()))
    assert [(e["action"], e["actor"], e["target"]) for e in events if e["action"] == "document.reindexed"] == [
        ("document.reindexed", "operator:ops@versicherer.ch", original.doc_id)
    ]

    assert main(["documents", "reindex", original.blob_name, "--operator", "ops"]) == 0
    assert "already in the index" in capsys.readouterr().out


def test_reindex_refuses_what_it_cannot_or_must_not_index(
    ctx: AppContext, service: FilingService, index: DocumentIndex, clock: MutableClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ctx.storage.container("documents").upload_blob("100001/LAA/2026/stray.pdf", make_pdf())
    name = "100001/LAA/benefit_statement/2026-01-16_R-78.pdf"
    drop(ctx, name, make_pdf("Andere Abrechnung"))
    filed = service.file(name)
    assert filed.doc_id
    record = index.get("100001", filed.doc_id)
    assert record is not None
    index.delete(record)
    clock.advance(timedelta(days=ctx.settings.retention_days + 1))

    code = main(["documents", "reindex", "100001/LAA/2026/missing.pdf", "100001/LAA/2026/stray.pdf",
                 record.blob_name, "--operator", "ops"])
    out = capsys.readouterr().out
    assert code == 1
    assert "missing.pdf: no such blob in documents" in out
    assert "stray.pdf: not a filed document (metadata lacks doc_id" in out
    assert "past its retention date" in out
    assert index.get("100001", filed.doc_id) is None


def test_rewrite_index_moves_documents_of_an_old_layout_into_the_current_one(
    ctx: AppContext, service: FilingService, index: DocumentIndex, capsys: pytest.CaptureFixture[str],
) -> None:
    """GIVEN a document whose list rows are in the layout before issue 14 (a docindex partition
    per company and line) and missing from the current one WHEN the index is rewritten THEN it is
    listed again in its line and in all lines, with its whole record, and the old row is gone;
    a second run changes nothing."""
    name = "100001/LAA/benefit_statement/2026-01-15_R-78.pdf"
    drop(ctx, name, make_pdf())
    result = service.file(name)
    assert result.outcome is Outcome.FILED and result.doc_id
    record = index.get("100001", result.doc_id)
    assert record is not None
    lists = ctx.storage.table("docindex")
    current = list(lists.query_entities("PartitionKey eq @pk", parameters={"pk": "100001"}))
    for row in current:  # the old layout: one partition per company and line, no all-lines rows
        lists.delete_entity(row["PartitionKey"], row["RowKey"])
    lists.upsert_entity({**current[0], "PartitionKey": "100001-LAA", "RowKey": current[0]["RowKey"].split("-", 1)[1]})
    assert index.list_documents("100001", ["LAA"])[0] == []

    assert main(["documents", "rewrite-index", "--operator", "ops@versicherer.ch"]) == 0
    assert "1 documents written again, 1 rows of the old layout removed" in capsys.readouterr().out
    for lines in (["LAA"], ["IJM", "LAA", "LAAC"]):
        assert [r.doc_id for r in index.list_documents("100001", lines)[0]] == [record.doc_id]
    assert list(lists.query_entities("PartitionKey eq @pk", parameters={"pk": "100001-LAA"})) == []
    assert main(["documents", "rewrite-index", "--operator", "ops@versicherer.ch"]) == 0
    assert "1 documents written again, 0 rows of the old layout removed" in capsys.readouterr().out
