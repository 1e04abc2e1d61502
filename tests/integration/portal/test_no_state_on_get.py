"""No GET that another site can start changes state: issued links are the proof of delivery and
the new/downloaded markers, so a link on another site must not be able to create them."""

from __future__ import annotations

import pytest

from shared.context import AppContext
from tests.support.client import Client
from tests.support.identity import login
from tests.support.portal import file_document

ANNA = "anna@muster-ag.ch"


def _recorded(ctx: AppContext, doc_id: str) -> list[str]:
    """What a link leaves behind: audit events and issued-link records for the document."""
    audit = [e["action"] for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e.get("target") == doc_id]
    return audit + [f"log:{x.kind}" for x in ctx.link_log.for_document("100001", doc_id)]


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_the_json_link_refuses_a_request_another_site_started(
    http: Client, ctx: AppContext, site: str
) -> None:
    """GIVEN a signed-in customer WHEN another site sends their browser to the JSON link address
    (a top-level navigation carries the SameSite=Lax cookie) THEN 403 and nothing is recorded."""
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R1")
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    navigation = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    resp = http.get(f"/api/documents/{record.doc_id}/link", headers=navigation)
    assert resp.status_code == 403
    assert _recorded(ctx, record.doc_id) == []


@pytest.mark.parametrize("site", ["same-origin", "none", None])
def test_the_json_link_still_serves_the_portal_and_api_clients(
    http: Client, ctx: AppContext, site: str | None
) -> None:
    """Our pages' fetches (same-origin), an address typed by the person (none) and clients that
    are not browsers (no header) get the link, recorded as before."""
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R1")
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    headers = {"Sec-Fetch-Site": site} if site else {}
    resp = http.get(f"/api/documents/{record.doc_id}/link", headers=headers)
    assert resp.status_code == 200 and resp.json()["url"]
    assert _recorded(ctx, record.doc_id) == ["link.issued", "log:link"]
