"""The company at a glance and proof of delivery, through the dev host against Azurite."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from shared.clock import MutableClock
from shared.context import AppContext
from tests.support.advisor import ADVISOR, make_request, registry
from tests.support.client import Client
from tests.support.identity import login
from tests.support.portal import file_document

CUSTOMER = "eva.keller@muster-ag.ch"


def _quarantine(ctx: AppContext, name: str, data: bytes = b"%PDF-1.4 not filed") -> None:
    ctx.storage.container("incoming").upload_blob(name, data, overwrite=True)
    assert ctx.filing_service.file(name).doc_id is None


def test_company_at_a_glance(ctx: AppContext, clock: MutableClock, advisor: Client) -> None:
    """GIVEN an approved person who signed in, documents in two lines and quarantined files
    WHEN the advisor opens the company THEN each shows, and nothing of another company."""
    request_id = make_request(ctx, first="Eva", last="Keller", email=CUSTOMER, lines=("IJM", "LAA"))
    assert advisor.post(f"/api/advisor/requests/{request_id}/approve", json={"lines": ["LAA"]}).status_code == 200
    clock.advance(timedelta(minutes=20))
    login(Client(advisor.base_url), ctx, CUSTOMER)  # the invited person's first sign-in
    # 20 minutes on, the advisor's role is due for its re-check (every 10 minutes): a new sign-in.
    advisor.headers["X-CSRF-Token"] = login(advisor, ctx, ADVISOR, roles=["Advisor"])
    laa = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-01", "S-1", title="Abrechnung Februar")
    file_document(ctx, "100001", "IJM", "payment_letter", "2026-02-03", "P-1")
    _quarantine(ctx, "100001/LAA/letter/2026-02-04_Q-1.pdf")
    _quarantine(ctx, "100002/LAA/letter/2026-02-04_Q-2.pdf")

    resp = advisor.get("/api/advisor/companies/100001")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["name"], body["enrolled"], body["lines"]) == ("Muster AG", True, ["IJM", "LAA", "LAAC"])
    assert body["premium_volume_chf"] == 1_200_000 and body["approval"]["allowed"] is True
    (person,) = body["people"]
    assert person["email"] == CUSTOMER and person["status"] == "active" and person["lines"] == ["LAA"]
    assert person["created_by_name"] == "Berater"
    assert person["last_signin_at"] == ctx.clock.now().isoformat().replace("+00:00", "Z")
    assert [d["id"] for d in body["documents"]["LAA"]["items"]] == [laa.doc_id]
    assert [d["doc_type"] for d in body["documents"]["IJM"]["items"]] == ["payment_letter"]
    assert body["documents"]["LAAC"] == {"items": [], "more": False}
    assert [(q["name"], q["reason"]) for q in body["quarantine"]] == [
        ("100001/LAA/letter/2026-02-04_Q-1.pdf", "unknown_doc_type")
    ]
    assert advisor.get("/api/advisor/companies/999999").status_code == 404
    assert advisor.get("/api/advisor/companies/abc").status_code == 404


def test_company_page_in_words(ctx: AppContext, advisor: Client) -> None:
    _quarantine(ctx, "100001/LAA/letter/2026-02-04_Q-1.pdf")
    page = advisor.get("/advisor/companies/100001?lang=fr")
    assert page.status_code == 200
    assert "Muster AG" in page.text and "Le type de document est inconnu." in page.text
    assert "unknown_doc_type" not in page.text
    assert 'action="/api/advisor/companies/100001/deliveries"' in page.text
    lookup = advisor.get("/advisor?lang=de&company=100001", allow_redirects=False)
    assert lookup.status_code == 303 and lookup.headers["Location"] == "/advisor/companies/100001?lang=de"


def test_proof_of_delivery(ctx: AppContext, clock: MutableClock, advisor: Client, http_customer: Client) -> None:
    """GIVEN a customer who downloaded one document and zipped it with another WHEN the advisor
    asks for its deliveries THEN both show with who and when — even with the audit log gone."""
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-01", "S-1")
    other = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-02", "S-2")
    csrf = login(http_customer, ctx, CUSTOMER, grants=[("100001", ("LAA",))])
    assert http_customer.get(f"/api/documents/{record.doc_id}/link").status_code == 200
    clock.advance(timedelta(minutes=5))
    zipped = http_customer.post(
        "/api/documents/zip", json={"ids": [record.doc_id, other.doc_id]}, headers={"X-CSRF-Token": csrf}
    )
    assert zipped.status_code == 303  # to the archive, built in `downloads`
    audit = ctx.storage.container("audit")
    for blob in list(audit.list_blobs()):  # the proof must not come from the audit log
        audit.delete_blob(blob.name)

    body = advisor.get(f"/api/advisor/documents/{record.doc_id}/deliveries").json()
    assert body["document"]["published_at"] == record.published_at.isoformat().replace("+00:00", "Z")
    assert [(d["kind"], d["email"]) for d in body["deliveries"]] == [("link", CUSTOMER), ("zip", CUSTOMER)]
    assert body["deliveries"][1]["at"] == ctx.clock.now().isoformat().replace("+00:00", "Z")
    assert advisor.get(f"/api/advisor/documents/{'a' * 32}/deliveries").status_code == 404
    page = advisor.get(f"/advisor/documents/{record.doc_id}?lang=de").text
    assert "Zustellnachweis" in page and CUSTOMER in page and "in einem ZIP heruntergeladen" in page


def test_deliveries_csv_for_a_date_range(
    ctx: AppContext, clock: MutableClock, advisor: Client, http_customer: Client
) -> None:
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-01", "S-1")
    login(http_customer, ctx, CUSTOMER, grants=[("100001", ("LAA",))])
    first_day = ctx.clock.now().date()
    assert http_customer.get(f"/api/documents/{record.doc_id}/link").status_code == 200
    clock.advance(timedelta(days=3))
    login(http_customer, ctx, CUSTOMER)  # three days later: both sign in again
    advisor.headers["X-CSRF-Token"] = login(advisor, ctx, ADVISOR, roles=["Advisor"])
    assert http_customer.get(f"/api/documents/{record.doc_id}/link?disposition=inline").status_code == 200

    resp = advisor.get(f"/api/advisor/companies/100001/deliveries?from={first_day}&to={first_day}")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.text)))
    assert rows[0] == ["issued_at_utc", "document_id", "line", "doc_type", "kind", "email"]
    assert [r[1:] for r in rows[1:]] == [[record.doc_id, "LAA", "benefit_statement", "link", CUSTOMER]]
    both = advisor.get(f"/api/advisor/companies/100001/deliveries?from={first_day}&to={ctx.clock.now().date()}")
    assert len(list(csv.reader(io.StringIO(both.text)))) == 3
    for query, field in (
        ("from=2026-02-10&to=2026-02-01", "to"),
        ("from=2025-01-01&to=2026-02-01", "to"),
        ("from=02.01.2026&to=2026-02-01", "from"),
        ("to=2026-02-01", "from"),
    ):
        bad = advisor.get(f"/api/advisor/companies/100001/deliveries?{query}")
        assert bad.status_code == 422 and field in bad.json()["errors"], query
    assert advisor.get("/api/advisor/companies/999999/deliveries?from=2026-01-01&to=2026-01-02").status_code == 404


def test_advisor_reads_need_the_role(ctx: AppContext, http: Client) -> None:
    registry(ctx)
    login(http, ctx, CUSTOMER, grants=[("100001", ("LAA",))])
    for path in (
        "/api/advisor/companies/100001",
        f"/api/advisor/documents/{'a' * 32}/deliveries",
        "/api/advisor/companies/100001/deliveries?from=2026-01-01&to=2026-01-02",
    ):
        assert http.get(path).status_code == 403, path
    page = http.get("/advisor/companies/100001?lang=it")
    assert page.status_code == 403 and "Vai ai Suoi documenti" in page.text and "/portal?lang=it" in page.text
    assert ctx.audit_log is not None and ADVISOR not in page.text
