"""The filing functions as the host runs them: the blob trigger and the refile timer in the dev host."""

from __future__ import annotations

from datetime import UTC, timedelta

from devhost.host import DevHost
from shared.adapters.storage.companies import CompanyStore
from shared.adapters.storage.index import DocumentIndex
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from tests.support.client import fresh_app
from tests.support.filing import blob_names, drop, make_pdf

NAME = "100001/UVG/benefit_statement/2026-01-15_C-1.pdf"


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
