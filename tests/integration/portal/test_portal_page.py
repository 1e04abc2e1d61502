"""GET /portal (server-rendered), its download redirect and its bulk-download form."""

from __future__ import annotations

import re
from datetime import timedelta

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from tests.support.client import Client
from tests.support.identity import login
from tests.support.portal import archive_behind, file_document

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
    assert re.findall(r'role="tab" id="tab-(\w+)"', html) == ["all", "LAA", "LAAC"]
    assert (  # one list across the granted lines is the default tab
        'id="tab-all" href="/portal?company=100001&amp;line=all&amp;lang=fr#list" aria-controls="panel"\n'
        '     aria-selected="true"' in html
    )
    assert html.index("Février") < html.index("Janvier")
    assert "Hidden IJM" not in html
    assert f'formaction="/portal/download/{new.doc_id}?company=100001&amp;lang=fr"' in html
    assert f'formaction="/portal/download/{new.doc_id}?company=100001&amp;lang=fr&amp;disposition=inline"' in html
    assert "Publié le" in html
    assert f'value="{old.doc_id}"' in html
    assert "Date de suppression" in html and "02.03.2027" in html
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
    assert "1 document on this page will be deleted within 30 days." in html
    assert "save them locally" in html
    assert html.count('class="badge expiring"') == 1
    assert "Will be deleted in 15 days" in html


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
    # who is signed in, a way out, a way to ask, a person to call
    assert f"({ANNA})" in resp.text and 'action="/api/auth/logout"' in resp.text
    assert 'href="/api/access-request?lang=en"' in resp.text and "kundenportal@versicherer.ch" in resp.text


def test_download_redirects_to_a_fresh_link(http: Client, ctx: AppContext) -> None:
    """GIVEN a row's download button WHEN posted with the CSRF field THEN a 303 to a fresh
    attachment link; with ?disposition=inline to a view link, audited as a view. No GET issues one."""
    _companies(ctx)
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1")
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    form = {"csrf_token": csrf, "company": "100001"}
    url = f"/portal/download/{record.doc_id}?company=100001&lang=it"
    resp = http.post(url, data=form, allow_redirects=False)
    assert resp.status_code == 303
    assert f"/{record.blob_name}?" in resp.headers["Location"]
    assert "Conteggio_delle_prestazioni" in resp.headers["Location"]
    assert "rscd=attachment" in resp.headers["Location"]
    view = http.post(url + "&disposition=inline", data=form, allow_redirects=False)
    assert view.status_code == 303 and "rscd=inline" in view.headers["Location"]
    actions = [e["action"] for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["target"] == record.doc_id]
    assert actions == ["link.issued", "view.issued"]
    assert http.get(url, allow_redirects=False).status_code == 405
    assert http.post(url, data={**form, "csrf_token": "wrong"}).status_code == 403
    assert http.post("/portal/download/" + "b" * 32, data=form).status_code == 404


def test_bulk_download_form(http: Client, ctx: AppContext) -> None:
    _companies(ctx)
    a = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1")
    b = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-06", "R2")
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="de")
    form = {"csrf_token": csrf, "company": "100001", "ids": [a.doc_id, b.doc_id]}
    resp = http.post("/portal/zip?lang=de", data=form)
    names = archive_behind(ctx, resp)[0].namelist()
    assert names == ["UVG_Leistungsabrechnung_2026-01-05_R1.pdf", "UVG_Leistungsabrechnung_2026-01-06_R2.pdf"]
    assert http.post("/portal/zip", data={**form, "csrf_token": "wrong"}).status_code == 403


def test_all_lines_search_count_and_typed_dates(http: Client, ctx: AppContext) -> None:
    """GIVEN documents in two lines WHEN searching from the all-lines tab THEN both lines are
    searched, the count is shown, and dates typed the Swiss way find the document date."""
    _companies(ctx)
    file_document(ctx, "100001", "IJM", "payment_letter", "2026-02-19", "K1", title="Taggeld", case_number="S1234567")
    file_document(ctx, "100001", "LAA", "cover_confirmation", "2026-02-03", "R2", title="Physio")
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-19", "R3", title="März")
    login(http, ctx, ANNA, grants=[("100001", ("IJM", "LAA"))], language="de")

    def titles(query: str) -> list[str]:
        return re.findall(r'class="doc-title" id="title-\w+">([^<]+)<', http.get("/portal?" + query).text)

    assert titles("") == ["März", "Taggeld", "Physio"]
    assert titles("line=all&q=1234567") == ["Taggeld"]  # case number without its letter
    assert titles("q=Deckungsbest%C3%A4tigung") == ["Physio"]
    assert titles("q=Best%C3%A4tigung") == ["Physio"]
    assert titles("q=19.02.2026") == ["Taggeld"]
    assert titles("q=02.2026") == ["Taggeld", "Physio"]
    assert titles("line=LAA&q=02.2026") == ["Physio"]
    page = http.get("/portal?q=02.2026").text
    assert "Gefundene Dokumente: 2" in page
    in_line = http.get("/portal?line=LAA&q=Taggeld").text
    assert "In allen Versicherungszweigen suchen" in in_line and "line=all&amp;" in in_line
    assert titles("from=01.03.2026") == ["März"]  # the date fields take dd.mm.yyyy too


def test_zip_form_without_selection_returns_to_the_page(http: Client, ctx: AppContext) -> None:
    _companies(ctx)
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-01-05", "R1")
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="fr")
    form = {"csrf_token": csrf, "company": "100001", "line": "LAA", "q": "R1"}
    resp = http.post("/portal/zip?lang=fr", data=form, allow_redirects=False)
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert location.startswith("/portal?company=100001&line=LAA&q=R1&lang=fr&notice=none_selected")
    page = http.get(location.split("#")[0]).text
    assert "Veuillez sélectionner au moins un document pour le téléchargement ZIP." in page
