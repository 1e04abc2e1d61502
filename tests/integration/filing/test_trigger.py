"""The filing functions as the host runs them: the blob trigger and the refile timer in the dev host."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, timedelta
from typing import Any

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from devhost.host import DevHost
from shared import context
from shared.adapters.storage.clients import Storage
from shared.adapters.storage.companies import CompanyStore
from shared.adapters.storage.index import DocumentIndex
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from shared.domain.documents import DocumentRecord
from shared.settings import Settings
from tests.support.client import fresh_app
from tests.support.filing import blob_names, drop, make_pdf

NAME = "100001/UVG/benefit_statement/2026-01-15_C-1.pdf"


@pytest.fixture
def recorded() -> list[tuple[str, str]]:
    return []


def recording_context(settings: Settings, clock: MutableClock, recorded: list[tuple[str, str]]) -> AppContext:
    """The app's context with real storage clients that note every request (method, URL path)."""

    def note(response: Any) -> None:
        request = response.http_request
        recorded.append((request.method, urllib.parse.urlsplit(request.url).path))

    blobs = BlobServiceClient.from_connection_string(settings.storage_connection, raw_response_hook=note)
    tables = TableServiceClient.from_connection_string(settings.storage_connection)
    storage = Storage(blob_service=blobs, table_service=tables, prefix=settings.storage_prefix)
    storage.ensure()
    ctx = AppContext(settings=settings, clock=clock, storage=storage)
    context.install(ctx)
    return ctx


def test_the_blob_trigger_files_through_the_dev_host(
    ctx: AppContext, companies: CompanyStore, devhost: DevHost, index: DocumentIndex
) -> None:
    drop(ctx, NAME, make_pdf(), {"title": "Abrechnung"})
    invocation = devhost.invoke_blob("file_incoming", f"incoming/{NAME}")
    assert invocation.error is None
    assert [r.title for r in index.list_documents("100001", ["LAA"])[0]] == ["Abrechnung"]
    assert blob_names(ctx, "incoming") == []


def test_a_blob_without_an_event_is_filed_by_the_refile_timer(
    ctx: AppContext, companies: CompanyStore, devhost: DevHost, index: DocumentIndex, clock: MutableClock
) -> None:
    """GIVEN a blob whose event never came WHEN the refile timer runs after the minimum age
    THEN it is filed; before that age it is left for the trigger."""
    drop(ctx, NAME, make_pdf())
    modified = ctx.storage.container("incoming").get_blob_client(NAME).get_blob_properties().last_modified
    clock.set(modified.astimezone(UTC))
    assert devhost.invoke_timer("refile").error is None
    assert blob_names(ctx, "incoming") == [NAME]
    clock.advance(timedelta(seconds=ctx.settings.refile_min_age_seconds + 1))
    assert devhost.invoke_timer("refile").error is None
    assert blob_names(ctx, "incoming") == [] and len(index.list_documents("100001", ["LAA"])[0]) == 1


def test_a_dropped_document_is_listed_by_the_watcher_without_any_call(
    ctx: AppContext, companies: CompanyStore, index: DocumentIndex
) -> None:
    """The local stack end to end: drop → the watcher fires the trigger → listed. (How fast is
    measured by bench/filing.py, not asserted here.)"""
    host = DevHost(fresh_app(), port=0, watch_blobs=True, run_timers=False, poll_interval=0.2).start()
    try:
        assert host.blob_watcher is not None
        drop(ctx, NAME, make_pdf())
        scans = host.blob_watcher.scans
        listed: list[DocumentRecord] = []
        while not listed:
            scans = host.blob_watcher.wait_for_scans(scans + 1, timeout=5)
            listed = index.list_documents("100001", ["LAA"])[0]
        assert blob_names(ctx, "incoming") == []
    finally:
        host.stop()


def test_the_trigger_reads_nothing_before_the_size_check(
    settings: Settings, clock: MutableClock, recorded: list[tuple[str, str]]
) -> None:
    """GIVEN a blob over the size limit WHEN the dev host runs the blob trigger on it THEN it is
    quarantined as too_large and its content was never downloaded — neither by the host (it
    passes the SDK BlobClient, as the worker does) nor by filing (before: the host read the
    whole blob into an InputStream, then filing checked the size)."""
    ctx = recording_context(settings.with_overrides(max_document_bytes=1000), clock, recorded)
    ctx.company_store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), {"IJM": 500_000}, (), "", True))
    drop(ctx, NAME, make_pdf("x" * 3000) + b"\0" * 4000)
    host = DevHost(fresh_app(), port=0, watch_blobs=False, run_timers=False).start()
    try:
        recorded.clear()
        invocation = host.invoke_blob("file_incoming", f"incoming/{NAME}")
    finally:
        host.stop()
        context.install(None)
    assert invocation.error is None
    quarantined = ctx.storage.container("quarantine").get_blob_client(NAME).get_blob_properties()
    assert quarantined.metadata["reason"] == "too_large"
    incoming_path = f"/{ctx.storage.container_name('incoming')}/{urllib.parse.quote(NAME)}"
    reads = [(method, path) for method, path in recorded if method == "GET" and path.endswith(incoming_path)]
    assert reads == []
    assert ("HEAD", incoming_path) in [(m, p[-len(incoming_path) :]) for m, p in recorded]  # the size: properties
