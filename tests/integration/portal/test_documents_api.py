"""GET /api/documents, /link, POST /api/documents/zip and the advisor's withdrawal, through
the real dev host, sessions and grants, against Azurite."""

from __future__ import annotations

import io
import urllib.parse
import zipfile
from datetime import timedelta

import pytest
import requests

from shared.clock import MutableClock
from shared.context import AppContext
from tests.support.client import Client
from tests.support.identity import login
from tests.support.portal import archive_behind, file_document
from web.session_cookie import cookie_name

ANNA = "anna.meier@muster-ag.ch"


@pytest.fixture
def docs(ctx: AppContext, clock: MutableClock) -> dict[str, object]:
    """Two companies; 100001 has documents in all three lines, 100002 one of its own."""
    made = {
        "laa_new": file_document(
            ctx,
            "100001",
            "LAA",
            "benefit_statement",
            "2026-03-02",
            "R123",
            title="Décompte mars",
            insured_person="Jürg Müller",
            case_number="UV-2026-77",
        ),
        "laa_old": file_document(
            ctx,
            "100001",
            "LAA",
            "cover_confirmation",
            "2025-11-20",
            "R100",
            title="Kostengutsprache Physiotherapie",
            insured_person="Anna Rossi",
        ),
        "ijm": file_document(
            ctx,
            "100001",
            "IJM",
            "payment_letter",
            "2026-02-15",
            "K-55",
            title="Taggeld Februar",
            insured_person="Jürg Müller",
        ),
        "laac": file_document(ctx, "100001", "LAAC", "benefit_statement", "2026-01-10", "Z-1", title="Zusatz Januar"),
        "foreign": file_document(
            ctx,
            "100002",
            "LAA",
            "benefit_statement",
            "2026-03-03",
            "F-1",
            title="Décompte fremd",
            insured_person="Jürg Müller",
        ),
    }
    clock.advance(timedelta(minutes=1))
    # Same doc_date as laa_new, published later: must come first.
    made["laa_same_day_later"] = file_document(
        ctx, "100001", "LAA", "waiting_letter", "2026-03-02", "R124", title="Bitte um Geduld"
    )
    return made


def ids(resp: requests.Response) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [item["id"] for item in resp.json()["items"]]


def test_without_session_401_and_without_grant_403(http: Client, ctx: AppContext) -> None:
    assert http.get("/api/documents").status_code == 401
    login(http, ctx, ANNA)
    resp = http.get("/api/documents")
    assert resp.status_code == 403
    assert resp.headers["Content-Type"].startswith("application/problem+json")


def test_lists_only_granted_lines_newest_first(http: Client, ctx: AppContext, docs: dict) -> None:
    """GIVEN a grant for LAA only WHEN listing THEN LAA documents of 100001, doc_date then published_at."""
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    resp = http.get("/api/documents")
    assert ids(resp) == [docs["laa_same_day_later"].doc_id, docs["laa_new"].doc_id, docs["laa_old"].doc_id]
    item = resp.json()["items"][1]
    assert item == {
        "id": docs["laa_new"].doc_id,
        "line": "LAA",
        "doc_type": "benefit_statement",
        "title": "Décompte mars",
        "doc_date": "2026-03-02",
        "published_at": "2026-03-02T09:00:00Z",
        "deletes_at": "2027-03-02T09:00:00Z",
        "size": docs["laa_new"].size,
        "reference": "R123",
        "case_number": "UV-2026-77",
        "insured_person": "Jürg Müller",
        "new": True,
        "downloaded_at": None,
    }
    assert resp.json()["next_cursor"] is None
    # A line not granted gives nothing, never "all lines".
    assert ids(http.get("/api/documents?line=IJM")) == []


def test_company_selector(http: Client, ctx: AppContext, docs: dict) -> None:
    login(http, ctx, ANNA, grants=[("100001", ("IJM",)), ("100002", ("LAA",))])
    missing = http.get("/api/documents")
    assert missing.status_code == 422 and missing.json()["errors"] == {"company": "required"}
    assert ids(http.get("/api/documents?company=100001")) == [docs["ijm"].doc_id]
    assert ids(http.get("/api/documents?company=100002")) == [docs["foreign"].doc_id]
    assert http.get("/api/documents?company=100003").status_code == 404
    assert http.get("/api/documents?company=../x").status_code == 404


def test_filters_combine(http: Client, ctx: AppContext, docs: dict) -> None:
    login(http, ctx, ANNA, grants=[("100001", ("IJM", "LAA", "LAAC"))])
    assert ids(http.get("/api/documents?line=uvg")) == [
        docs["laa_same_day_later"].doc_id,
        docs["laa_new"].doc_id,
        docs["laa_old"].doc_id,
    ]
    assert ids(http.get("/api/documents?type=benefit_statement")) == [docs["laa_new"].doc_id, docs["laac"].doc_id]
    assert ids(http.get("/api/documents?type=benefit_statement&from=2026-02-01")) == [docs["laa_new"].doc_id]
    assert ids(http.get("/api/documents?from=2026-01-10&to=2026-02-15")) == [docs["ijm"].doc_id, docs["laac"].doc_id]
    assert ids(http.get("/api/documents?line=LAA&q=müller&to=2026-03-02")) == [docs["laa_new"].doc_id]
    bad = http.get("/api/documents?line=XYZ&type=letter&from=2026-13-01&limit=0")
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "line": "unknown_line",
        "type": "unknown_doc_type",
        "from": "invalid_date",
        "limit": "out_of_range",
    }
    assert http.get("/api/documents?from=2026-03-01&to=2026-02-01").json()["errors"] == {"to": "before_from"}
    assert http.get("/api/documents?cursor=nonsense").status_code == 400


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("mueller", ["laa_new", "ijm"]),  # umlaut spelled out
        ("MUL", ["laa_new", "ijm"]),  # case and accent folded prefix
        ("jurg mul", ["laa_new", "ijm"]),  # AND of prefixes
        ("decompte", ["laa_new", "laac"]),  # accents; also the French name of benefit_statement
        ("decompte mars", ["laa_new"]),  # the title word narrows it
        ("uv-2026", ["laa_new"]),  # case number
        ("r100", ["laa_old"]),  # reference
        ("kostengut", ["laa_old"]),  # type name (German) and title
        ("prise en charge", ["laa_old"]),  # the type's French name
        ("müller rossi", []),  # AND: nobody is both
        ("taggeld x", ["ijm"]),  # one-character words do not count
    ],
)
def test_search(http: Client, ctx: AppContext, docs: dict, q: str, expected: list[str]) -> None:
    login(http, ctx, ANNA, grants=[("100001", ("IJM", "LAA", "LAAC"))])
    found = ids(http.get("/api/documents", params={"q": q}))
    assert found == [docs[name].doc_id for name in expected]
    assert docs["foreign"].doc_id not in found


def test_search_word_too_short(http: Client, ctx: AppContext, docs: dict) -> None:
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    resp = http.get("/api/documents?q=a")
    assert resp.status_code == 422 and resp.json()["errors"] == {"q": "too_short"}


def test_cursor_paging_returns_every_document_once(http: Client, ctx: AppContext, clock: MutableClock) -> None:
    made = []
    for i in range(11):
        clock.advance(timedelta(seconds=1))
        made.append(
            file_document(ctx, "100001", "LAA", "benefit_statement", f"2026-0{1 + i % 3}-0{1 + i % 5}", f"P{i}")
        )
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": "4", **({"cursor": cursor} if cursor else {})}
        body = http.get("/api/documents", params=params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert sorted(seen) == sorted(r.doc_id for r in made)
    assert len(seen) == len(set(seen))
    dates = [r.doc_date for r in sorted(made, key=lambda r: seen.index(r.doc_id))]
    assert dates == sorted(dates, reverse=True)


def test_link_downloads_the_document_and_is_audited(http: Client, ctx: AppContext, docs: dict) -> None:
    """GIVEN a customer of LAA WHEN a link is asked THEN it downloads exactly that PDF,
    named in the user's language, and the audit log and link log record it."""
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    http.headers["X-Forwarded-For"] = "198.51.100.7"  # chosen by the client: never trusted
    record = docs["laa_new"]
    resp = http.get(f"/api/documents/{record.doc_id}/link?lang=fr")
    assert resp.status_code == 200
    body = resp.json()
    assert body["expires_at"] == "2026-03-02T09:06:00Z"  # 5 minutes after the (test) clock
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(body["url"]).query))
    assert params["sp"] == "r" and params["sr"] == "b" and params["rsct"] == "application/pdf"
    assert params["st"] == "2026-03-02T09:00:00Z" and params["se"] == "2026-03-02T09:06:00Z"
    assert "LAA_D%C3%A9compte_de_prestations_2026-03-02_R123.pdf" in params["rscd"]
    events = [e for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["action"] == "link.issued"]
    assert len(events) == 1
    assert events[0]["target"] == record.doc_id and events[0]["client"] == "127.0.0.1"
    assert (
        events[0]["actor"].endswith("/" + events[0]["actor"].split("/")[1]) and events[0]["customer_number"] == "100001"
    )
    issued = ctx.link_log.for_document(record.customer_number, record.doc_id)
    assert [(x.kind, x.client) for x in issued] == [("link", "127.0.0.1")]


def test_link_really_downloads_with_a_live_clock(http: Client, ctx: AppContext, clock: MutableClock) -> None:
    """Azurite checks st/se against real time: with the clock at real now, the bytes arrive."""
    from datetime import UTC, datetime

    clock.set(datetime.now(UTC))
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R9", title="Live")
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    url = http.get(f"/api/documents/{record.doc_id}/link").json()["url"]
    got = requests.get(url, timeout=10)
    assert got.status_code == 200
    assert got.content == ctx.storage.container("documents").download_blob(record.blob_name).readall()
    assert got.headers["Content-Disposition"].startswith(
        'attachment; filename="UVG_Leistungsabrechnung_2026-03-02_R9.pdf"'
    )


def test_inline_link_opens_in_the_browser_and_is_audited_as_a_view(
    http: Client, ctx: AppContext, clock: MutableClock
) -> None:
    """GIVEN ?disposition=inline WHEN the link is followed THEN Azurite answers the PDF inline
    (same read-only link otherwise), and the audit and link log record a view."""
    from datetime import UTC, datetime

    clock.set(datetime.now(UTC))
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R8", title="Ansicht")
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    url = http.get(f"/api/documents/{record.doc_id}/link?disposition=inline").json()["url"]
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert params["rscd"].startswith("inline; filename=") and params["sp"] == "r"
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.headers["Content-Disposition"].startswith("inline;")
    actions = [e["action"] for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["target"] == record.doc_id]
    assert actions == ["view.issued"]
    assert [x.kind for x in ctx.link_log.for_document(record.customer_number, record.doc_id)] == ["view"]
    bad = http.get(f"/api/documents/{record.doc_id}/link?disposition=open")
    assert bad.status_code == 422 and bad.json()["errors"] == {"disposition": "invalid"}


def test_list_without_line_lists_every_granted_line(http: Client, ctx: AppContext, docs: dict) -> None:
    login(http, ctx, ANNA, grants=[("100001", ("LAA", "IJM"))])
    items = http.get("/api/documents").json()["items"]
    assert {i["line"] for i in items} == {"LAA", "IJM"}
    dated = http.get("/api/documents?q=" + docs["ijm"].doc_date.strftime("%d.%m.%Y")).json()["items"]
    assert dated and {i["doc_date"] for i in dated} == {docs["ijm"].doc_date.isoformat()}


def test_same_404_for_missing_foreign_and_other_line(http: Client, ctx: AppContext, docs: dict) -> None:
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    answers = [
        http.get(f"/api/documents/{doc_id}/link")
        for doc_id in (docs["foreign"].doc_id, docs["ijm"].doc_id, "a" * 32, "not-an-id")
    ]
    assert {r.status_code for r in answers} == {404}
    assert len({r.text for r in answers}) == 1
    assert not [e for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["action"] == "link.issued"]


def test_zip_of_two_documents(http: Client, ctx: AppContext, docs: dict) -> None:
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA", "IJM"))], language="en")
    wanted = [docs["laa_new"], docs["ijm"]]
    resp = http.post("/api/documents/zip", json={"ids": [r.doc_id for r in wanted]}, headers={"X-CSRF-Token": csrf})
    archive, link = archive_behind(ctx, resp)
    assert link["rsct"] == "application/zip" and link["sp"] == "r"
    assert "Documents_100001_2026-03-02.zip" in link["rscd"]
    assert archive.testzip() is None
    container = ctx.storage.container("documents")
    assert archive.namelist() == ["LAA_Benefit_statement_2026-03-02_R123.pdf", "IJM_Payment_advice_2026-02-15_K-55.pdf"]
    for record, name in zip(wanted, archive.namelist(), strict=True):
        assert archive.read(name) == container.download_blob(record.blob_name).readall()
    events = [e for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["action"] == "zip.document"]
    assert sorted(e["target"] for e in events) == sorted(r.doc_id for r in wanted)
    assert [x.kind for x in ctx.link_log.for_document("100001", docs["ijm"].doc_id)] == ["zip"]


def test_zip_really_downloads_with_a_live_clock(http: Client, ctx: AppContext, clock: MutableClock) -> None:
    """The 303 leads to the archive itself: a read-only link to `downloads`, named readably."""
    from datetime import UTC, datetime

    clock.set(datetime.now(UTC))
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R9", title="Live")
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="en")
    resp = http.post("/api/documents/zip", json={"ids": [record.doc_id]}, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 303 and resp.headers["Cache-Control"] == "no-store"
    got = requests.get(resp.headers["Location"], timeout=30)
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/zip"
    assert "Documents_100001_" in got.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    assert archive.read(archive.namelist()[0]) == ctx.storage.container("documents").download_blob(
        record.blob_name
    ).readall()


def test_one_zip_at_a_time_per_session(http: Client, ctx: AppContext, docs: dict) -> None:
    """GIVEN an archive being built for this session WHEN the same session asks for another THEN
    429 with Retry-After and nothing audited; another session of the same person is not held
    up; once the first is done the session may ask again."""
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    session_id = http.cookies.get(cookie_name(ctx.settings)) or ""
    assert session_id
    gate = f"zip:{session_id}"
    assert ctx.leases.acquire(gate, "first-request", ctx.clock.now(), timedelta(minutes=5)) is not None
    body = {"ids": [docs["laa_new"].doc_id]}
    second = http.post("/api/documents/zip", json=body, headers={"X-CSRF-Token": csrf})
    assert second.status_code == 429 and second.headers["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(second.headers["Retry-After"]) <= 301
    assert not [e for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["action"] == "zip.document"]
    other = Client(http.base_url)
    other_csrf = login(other, ctx, ANNA)
    assert other.post("/api/documents/zip", json=body, headers={"X-CSRF-Token": other_csrf}).status_code == 303
    other.close()
    ctx.leases.release(gate, "first-request")
    assert http.post("/api/documents/zip", json=body, headers={"X-CSRF-Token": csrf}).status_code == 303


def test_zip_refusals(http: Client, ctx: AppContext, docs: dict) -> None:
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    headers = {"X-CSRF-Token": csrf}
    unknown = http.post(
        "/api/documents/zip", json={"ids": [docs["laa_new"].doc_id, docs["foreign"].doc_id]}, headers=headers
    )
    assert unknown.status_code == 422 and unknown.json()["errors"] == {"ids": "unknown_document"}
    too_many = http.post("/api/documents/zip", json={"ids": [f"{i:032d}" for i in range(201)]}, headers=headers)
    assert too_many.status_code == 422 and too_many.json()["errors"] == {"ids": "too_many"}
    empty = http.post("/api/documents/zip", json={"ids": []}, headers=headers)
    assert empty.status_code == 422
    no_csrf = http.post("/api/documents/zip", json={"ids": [docs["laa_new"].doc_id]})
    assert no_csrf.status_code == 403
    wrong_company = http.post(
        "/api/documents/zip", json={"company": "100002", "ids": [docs["foreign"].doc_id]}, headers=headers
    )
    assert wrong_company.status_code == 404
    assert not [e for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["action"] == "zip.document"]


def test_zip_byte_limit(http: Client, ctx: AppContext, docs: dict) -> None:
    from shared import context

    ctx.settings = ctx.settings.with_overrides(zip_max_bytes=docs["laa_new"].size)
    context.install(ctx)
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    resp = http.post(
        "/api/documents/zip",
        json={"ids": [docs["laa_new"].doc_id, docs["laa_old"].doc_id]},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 413


def test_withdrawal_removes_the_document_and_lists_its_links(http: Client, ctx: AppContext, docs: dict) -> None:
    customer = Client(http.base_url)
    login(customer, ctx, ANNA, grants=[("100001", ("LAA",))])
    record = docs["laa_new"]
    assert customer.get(f"/api/documents/{record.doc_id}/link").status_code == 200
    # Not an advisor: refused.
    csrf_customer = customer.cookies and login(customer, ctx, ANNA)
    assert (
        customer.post(
            f"/api/advisor/documents/{record.doc_id}/withdraw",
            json={"reason": "x"},
            headers={"X-CSRF-Token": str(csrf_customer)},
        ).status_code
        == 403
    )
    csrf = login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    no_reason = http.post(f"/api/advisor/documents/{record.doc_id}/withdraw", json={}, headers={"X-CSRF-Token": csrf})
    assert no_reason.status_code == 422 and no_reason.json()["errors"] == {"reason": "required"}
    resp = http.post(
        f"/api/advisor/documents/{record.doc_id}/withdraw",
        json={"reason": "misfiled: wrong company"},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "withdrawn" and body["id"] == record.doc_id and body["customer_number"] == "100001"
    assert [(x["kind"], x["email"]) for x in body["links"]] == [("link", ANNA)]
    assert ctx.document_index.get("100001", record.doc_id) is None
    assert not ctx.storage.container("documents").get_blob_client(record.blob_name).exists()
    assert customer.get(f"/api/documents/{record.doc_id}/link").status_code == 404
    assert record.doc_id not in ids(customer.get("/api/documents"))
    events = [e for e in ctx.audit_log.read_day(ctx.clock.now().date()) if e["action"] == "document.withdrawn"]
    assert len(events) == 1 and events[0]["details"]["reason"] == "misfiled: wrong company"
    again = http.post(
        f"/api/advisor/documents/{record.doc_id}/withdraw", json={"reason": "again"}, headers={"X-CSRF-Token": csrf}
    )
    assert again.status_code == 404
    customer.close()


def test_zip_of_a_document_whose_blob_vanished_is_404_not_500(http: Client, ctx: AppContext, docs: dict) -> None:
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    ctx.storage.container("documents").delete_blob(docs["laa_old"].blob_name)
    resp = http.post(
        "/api/documents/zip",
        json={"ids": [docs["laa_new"].doc_id, docs["laa_old"].doc_id]},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/problem+json")


def test_a_document_past_its_deletion_time_is_gone_before_the_sweep(
    http: Client, ctx: AppContext, clock: MutableClock
) -> None:
    """GIVEN a document whose `deletes_at` passed a second ago and no sweep yet WHEN the customer
    lists, searches, asks for its link or a ZIP THEN it is neither listed nor linkable (before:
    listed and linked until the daily sweep)."""
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R77", title="Abrechnung")
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))])
    assert [i["id"] for i in http.get("/api/documents").json()["items"]] == [record.doc_id]
    clock.set(record.deletes_at + timedelta(seconds=1))
    csrf = login(http, ctx, ANNA)  # a year later: a new session
    assert http.get("/api/documents").json()["items"] == []
    assert http.get("/api/documents?q=abrechnung").json()["items"] == []
    assert http.get(f"/api/documents/{record.doc_id}/link").status_code == 404
    refused = http.post("/api/documents/zip", json={"ids": [record.doc_id]}, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 422 and refused.json()["errors"] == {"ids": "unknown_document"}
    assert ctx.storage.container("documents").get_blob_client(record.blob_name).exists()  # the sweep's job
