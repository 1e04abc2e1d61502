"""What was published when, as the portal's "new" counts and the digest read it (Azurite):
one company's window is one single-partition range read of its `docsearch` rows, and a
document leaves it with the rest of its index rows; search never returns those rows."""

from __future__ import annotations

from datetime import timedelta

from azure.data.tables import TableServiceClient

from shared.adapters.storage.recent_documents import RecentDocuments
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from shared.domain.search import query_words
from shared.services.documents import ListQuery, list_documents, resolve_scope
from tests.support.identity import add_grant
from tests.support.portal import file_document


def test_one_companys_window_is_one_range_read_and_follows_the_index(ctx: AppContext, clock: MutableClock) -> None:
    now = clock.now()
    made: dict[str, DocumentRecord] = {}
    filed = ((40, "100001", "OLD"), (29, "100001", "A29"), (1, "100001", "A01"), (1, "100002", "B01"))
    for days, customer, ref in filed:
        clock.set(now - timedelta(days=days))
        made[ref] = file_document(ctx, customer, "LAA", "benefit_statement", "2026-01-05", ref)
    clock.set(now)
    recent = ctx.recent_documents
    window = (now - timedelta(days=30), now + timedelta(seconds=1))

    assert [r.reference for r in recent.published_between(*window, "100001")] == ["A01", "A29"]  # newest first
    assert {r.reference for r in recent.published_between(*window)} == {"A01", "A29", "B01"}  # the digest's way
    assert recent.published_between(*window, "10000'") == []  # never a key from bad input

    # One request, however many days the window spans (one partition, no boundary to cross).
    responses: list[object] = []
    service = TableServiceClient.from_connection_string(
        ctx.settings.storage_connection, raw_response_hook=lambda r: responses.append(r)
    )
    counted = RecentDocuments(
        service.get_table_client(ctx.storage.table("docexpiry").table_name),
        service.get_table_client(ctx.storage.table("docsearch").table_name),
        ctx.settings.retention_days,
    )
    assert len(counted.published_between(*window, "100001")) == 2 and len(responses) == 1

    # Withdrawn or deleted: gone from the window with its other index rows.
    ctx.document_index.delete(made["A29"])
    assert [r.reference for r in recent.published_between(*window, "100001")] == ["A01"]


def test_search_never_meets_the_publication_rows(ctx: AppContext) -> None:
    grant = add_grant(ctx, "anna.meier@muster-ag.ch", "100001", ("LAA",))
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R-77", title="Abrechnung Januar")
    scope = resolve_scope((grant,), "100001")
    for text in ("abrechnung", "januar", "r-77", "leistungsabrechnung"):
        query = ListQuery(q=text, limit=50)
        page = list_documents(ctx.document_index, scope, query, query_words(text), now=ctx.clock.now())
        assert [r.reference for r in page.items] == ["R-77"], text
