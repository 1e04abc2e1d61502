"""Right after the sweep, the portal (the real dev host, session and grant) no longer lists a
deleted document and its link answers 404 — while a younger document is still served."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from tests.support.client import Client
from tests.support.identity import login


def test_listing_and_link_after_the_sweep(
    http: Client, ctx: AppContext, clock: MutableClock, make: Callable[..., DocumentRecord]
) -> None:
    old = make(customer_number="100001", line="LAA")
    clock.advance(timedelta(days=300))
    young = make(customer_number="100001", line="LAA")
    clock.advance(timedelta(days=65, seconds=1))  # old: 365 days + 1 s; young: 65 days

    login(http, ctx, "anna.meier@muster-ag.ch", grants=[("100001", ["LAA"])])
    before = http.get("/api/documents?company=100001")
    assert before.status_code == 200, before.text
    assert young.doc_id in [item["id"] for item in before.json()["items"]]

    report = ctx.sweep()
    assert report.documents.total == 1

    after = http.get("/api/documents?company=100001")
    assert after.status_code == 200
    assert [item["id"] for item in after.json()["items"]] == [young.doc_id]
    gone = http.get(f"/api/documents/{old.doc_id}/link")
    assert gone.status_code == 404
    assert gone.headers["Content-Type"].startswith("application/problem+json")
    assert http.get(f"/api/documents/{young.doc_id}/link").status_code == 200
