"""No GET that another site can start changes state: issued links are the proof of delivery and
the new/downloaded markers, so a link on another site must not be able to create them."""

from __future__ import annotations

import pytest

from shared.context import AppContext
from shared.domain.companies import Company
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


def test_the_page_download_and_view_are_form_posts_and_no_get_issues_anything(
    http: Client, ctx: AppContext
) -> None:
    """GIVEN the portal page WHEN its download and view buttons are used THEN they are buttons of
    a POST form carrying the CSRF field (no script needed); GET on their address — a link or a
    navigation from anywhere — answers 405 and records nothing; another site's POST is refused."""
    ctx.company_store.put(Company("100001", "Muster AG", ("LAA",), enrolled=True))
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R1")
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    page = http.get("/portal?lang=de&company=100001").text
    form = page[page.index('<form id="bulk-form" method="post"') :]
    form = form[: form.index("</form>")]
    assert f'<input type="hidden" name="csrf_token" value="{csrf}">' in form
    assert f'formaction="/portal/download/{record.doc_id}?' in form

    url = f"/portal/download/{record.doc_id}?company=100001"
    navigation = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    for address in (url, url + "&disposition=inline"):
        assert http.get(address, allow_redirects=False).status_code == 405
        assert http.get(address, headers=navigation, allow_redirects=False).status_code == 405
    evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert http.post(url, data={"company": "100001"}, headers=evil).status_code == 403
    assert http.post(url, data={"company": "100001", "csrf_token": csrf}, headers=evil).status_code == 403
    assert _recorded(ctx, record.doc_id) == []

    done = http.post(url, data={"company": "100001", "csrf_token": csrf}, allow_redirects=False)
    assert done.status_code == 303 and f"/{record.blob_name}?" in done.headers["Location"]
    assert _recorded(ctx, record.doc_id) == ["link.issued", "log:link"]
