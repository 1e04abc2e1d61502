"""GET /portal (server-rendered), its download redirect and its bulk-download form."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from tests.support.client import Client
from tests.support.identity import login
from tests.support.portal import file_document

ANNA = "anna.meier@muster-ag.ch"


def _companies(ctx: AppContext) -> None:
    store = ctx.company_store
    store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), enrolled=True))
    store.put(Company("100002", "Beispiel GmbH", ("LAA", "LAAC"), enrolled=True))


def test_without_session_redirects_to_sign_in(http: Client, ctx: AppContext) -> None:
    resp = http.get("/portal?lang=fr", allow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/api/auth/login?lang=fr"


def test_page_shows_granted_lines_newest_first_in_the_language(
    http: Client, ctx: AppContext, clock: MutableClock
) -> None:
    _companies(ctx)
    old = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1", title="Janvier")
    new = file_document(ctx, "100001", "LAA", "cover_confirmation", "2026-02-20", "R2", title="Février")
    file_document(ctx, "100001", "IJM", "payment_letter", "2026-02-21", "R3", title="Hidden IJM")
    login(http, ctx, ANNA, grants=[("100001", ("LAA", "LAAC"))], language="fr")
    resp = http.get("/portal")
    assert resp.status_code == 200
    html = resp.text
    assert '<html lang="fr">' in html
    assert "Vos documents" in html and "Muster AG" in html
    assert 'role="tablist"' in html
    assert re.findall(r'role="tab" id="tab-(\w+)"', html) == ["LAA", "LAAC"]
    assert (
        'id="tab-LAA" href="/portal?company=100001&amp;line=LAA&amp;lang=fr" aria-controls="panel"\n'
        '     aria-selected="true"' in html
    )
    assert html.index("Février") < html.index("Janvier")
    assert "Hidden IJM" not in html
    assert f"/portal/download/{new.doc_id}?company=100001&amp;lang=fr" in html
    assert f'value="{old.doc_id}"' in html
    assert "Supprimé le" in html and "2 mars 2027" in html
    assert "expiring-warning" not in html
    assert "<script>" not in html and 'src="/static/portal.js"' in html
    # The same page in German, switched by ?lang=.
    assert "Ihre Dokumente" in http.get("/portal?lang=de").text


def test_expiry_warning_within_the_warning_window(http: Client, ctx: AppContext, clock: MutableClock) -> None:
    _companies(ctx)
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1", title="Alt")
    clock.advance(timedelta(days=200))
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-09-01", "R2", title="Neu")
    clock.advance(timedelta(days=350 - 200))  # the first document expires in 15 days, the second in 215
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="en")
    html = http.get("/portal").text
    assert "1 document(s) on this page will be deleted within 30 days." in html
    assert "save them locally" in html
    assert html.count('class="badge expiring"') == 1
    assert "Expires in 15 days" in html


def test_filters_and_errors_are_shown_on_the_page(http: Client, ctx: AppContext) -> None:
    _companies(ctx)
    file_document(
        ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1", title="Alpha", insured_person="Jörg Näf"
    )
    file_document(ctx, "100001", "LAA", "cover_confirmation", "2026-02-05", "R2", title="Beta")
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="en")
    found = http.get("/portal?q=naef").text
    assert "Alpha" in found and "Beta" not in found
    typed = http.get("/portal?type=cover_confirmation").text
    assert "Beta" in typed and "Alpha" not in typed
    bad = http.get("/portal?from=2026-99-01&q=x")
    assert bad.status_code == 200
    assert "Enter a valid date." in bad.text and 'aria-invalid="true"' in bad.text
    stale = http.get("/portal?cursor=not-a-cursor")
    assert stale.status_code == 200 and "Please correct the search or filters above." in stale.text


def test_several_companies_get_a_switcher_and_foreign_is_404(http: Client, ctx: AppContext) -> None:
    _companies(ctx)
    file_document(ctx, "100002", "LAAC", "benefit_statement", "2026-01-05", "B1", title="Beispiel Dokument")
    login(http, ctx, ANNA, grants=[("100001", ("IJM",)), ("100002", ("LAAC",))], language="de")
    first = http.get("/portal").text
    assert 'id="company"' in first and "Beispiel GmbH (100002)" in first
    second = http.get("/portal?company=100002").text
    assert "Beispiel Dokument" in second
    assert http.get("/portal?company=100003").status_code == 404


def test_no_grant_page_is_403(http: Client, ctx: AppContext) -> None:
    login(http, ctx, ANNA, language="en")
    resp = http.get("/portal")
    assert resp.status_code == 403
    assert "no active access" in resp.text


def test_download_redirects_to_a_fresh_link(http: Client, ctx: AppContext) -> None:
    _companies(ctx)
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1")
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    resp = http.get(f"/portal/download/{record.doc_id}?company=100001&lang=it", allow_redirects=False)
    assert resp.status_code == 303
    assert f"/{record.blob_name}?" in resp.headers["Location"]
    assert "Conteggio_delle_prestazioni" in resp.headers["Location"]
    assert http.get("/portal/download/" + "b" * 32).status_code == 404


def test_bulk_download_form(http: Client, ctx: AppContext) -> None:
    _companies(ctx)
    a = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1")
    b = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-06", "R2")
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="de")
    form = {"csrf_token": csrf, "company": "100001", "ids": [a.doc_id, b.doc_id]}
    resp = http.post("/portal/zip?lang=de", data=form)
    assert resp.status_code == 200, resp.text
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert names == ["LAA_Leistungsabrechnung_2026-01-05_R1.pdf", "LAA_Leistungsabrechnung_2026-01-06_R2.pdf"]
    assert http.post("/portal/zip", data={**form, "csrf_token": "wrong"}).status_code == 403
