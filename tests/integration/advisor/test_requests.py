"""GET /api/advisor/requests: newest first with dates, `q`, counts per status, cursor paging;
approve: the contract, the threshold and explicit enrolment (SPEC 2 and 5)."""

from __future__ import annotations

from shared.context import AppContext
from shared.domain.access_request import Status
from shared.domain.refusals import Reason
from shared.services.filing import FilingResult
from tests.support.advisor import make_request
from tests.support.client import Client
from tests.support.filing import drop, make_pdf


def _actions(ctx: AppContext) -> list[str]:
    return [e["action"] for e in ctx.audit_log.read_day(ctx.clock.now().date())]


def test_newest_first_with_dates_and_counts(ctx: AppContext, advisor: Client) -> None:
    """GIVEN requests of several ages and statuses WHEN the advisor lists pending THEN newest first."""
    old = make_request(ctx, first="Olga", email="olga@muster-ag.ch", minutes_ago=90)
    new = make_request(ctx, first="Nina", email="nina@muster-ag.ch", minutes_ago=5)
    mid = make_request(ctx, first="Mia", email="mia@muster-ag.ch", minutes_ago=30)
    make_request(ctx, first="Ulla", email="ulla@muster-ag.ch", status=Status.UNVERIFIED)
    make_request(ctx, first="Rita", email="rita@muster-ag.ch", status=Status.REJECTED)
    body = advisor.get("/api/advisor/requests?status=pending").json()
    assert [i["id"] for i in body["items"]] == [new, mid, old]
    first = body["items"][0]
    assert first["created_at"].endswith("Z") and first["verified_at"].endswith("Z")
    assert first["created_at"] < first["verified_at"]
    assert body["counts"] == {"unverified": 1, "pending": 3, "approved": 0, "rejected": 1}
    assert body["next_cursor"] is None


def test_q_finds_by_name_email_company_and_customer_number(ctx: AppContext, advisor: Client) -> None:
    anna = make_request(ctx)
    luca = make_request(
        ctx,
        first="Luca",
        last="Rossi",
        email="l.rossi@beispiel-gmbh.ch",
        customer_number="100002",
        company_name="Beispiel GmbH",
        lines=("LAA",),
    )
    found = {
        q: [i["id"] for i in advisor.get("/api/advisor/requests", params={"status": "pending", "q": q}).json()["items"]]
        for q in ("anna", "MUSTER", "l.rossi@beispiel-gmbh.ch", "beispiel", "100002", "rossi luca", "nobody")
    }
    assert found == {
        "anna": [anna],
        "MUSTER": [anna],
        "l.rossi@beispiel-gmbh.ch": [luca],
        "beispiel": [luca],
        "100002": [luca],
        "rossi luca": [luca],
        "nobody": [],
    }


def test_a_cursor_walks_every_request_once(ctx: AppContext, advisor: Client) -> None:
    made = [
        make_request(ctx, first="P", last=f"Person{n:02d}", email=f"p{n}@muster-ag.ch", minutes_ago=n) for n in range(7)
    ]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"status": "pending", "limit": "3", **({"cursor": cursor} if cursor else {})}
        body = advisor.get("/api/advisor/requests", params=params).json()
        seen += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == made and pages == 3
    with_q = advisor.get("/api/advisor/requests", params={"status": "pending", "q": "person0", "limit": "4"}).json()
    assert len(with_q["items"]) == 4 and with_q["next_cursor"]
    params = {"status": "pending", "q": "person0", "limit": "4", "cursor": with_q["next_cursor"]}
    rest = advisor.get("/api/advisor/requests", params=params).json()
    assert [i["id"] for i in with_q["items"] + rest["items"]] == made and rest["next_cursor"] is None


def test_bad_parameters_get_field_codes(advisor: Client) -> None:
    for params, field in (
        ({"cursor": "../x"}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"q": "x" * 201}, "q"),
        ({"status": "done"}, "status"),
    ):
        resp = advisor.get("/api/advisor/requests", params=params)
        assert resp.status_code == 422 and field in resp.json()["errors"], params


def test_decisions_move_a_request_between_lists(ctx: AppContext, advisor: Client) -> None:
    request_id = make_request(ctx)
    assert advisor.post(f"/api/advisor/requests/{request_id}/approve", json={}).status_code == 200
    pending = advisor.get("/api/advisor/requests?status=pending").json()
    approved = advisor.get("/api/advisor/requests?status=approved").json()
    assert pending["items"] == [] and [i["id"] for i in approved["items"]] == [request_id]
    assert approved["counts"]["pending"] == 0 and approved["counts"]["approved"] == 1
    assert approved["items"][0]["decided_by_name"] == "Berater"  # the name from the token
    ctx.access_request_store.delete(request_id)  # what retention's minimisation does
    assert advisor.get("/api/advisor/requests?status=approved").json()["counts"]["approved"] == 0


def test_unknown_and_small_companies_cannot_be_approved(ctx: AppContext, advisor: Client) -> None:
    unknown = make_request(ctx, email="a@nowhere-ag.ch", customer_number="999999", company_name="Nowhere AG")
    small = make_request(
        ctx, email="b@esempio-sa.ch", customer_number="100003", company_name="Esempio SA", lines=("IJM",)
    )
    items = {i["id"]: i for i in advisor.get("/api/advisor/requests?status=pending").json()["items"]}
    assert items[unknown]["approval"] == {"allowed": False, "reason": "company_unknown", "needs_enrolment": False}
    assert items[small]["approval"] == {"allowed": False, "reason": "below_threshold", "needs_enrolment": False}
    for request_id, code in ((unknown, "company_unknown"), (small, "below_threshold")):
        resp = advisor.post(f"/api/advisor/requests/{request_id}/approve", json={})
        assert resp.status_code == 422 and resp.json()["errors"] == {"customer_number": code}
    assert advisor.get("/api/advisor/requests?status=pending").json()["counts"]["pending"] == 2


def _file(ctx: AppContext, name: str) -> FilingResult:
    drop(ctx, name, make_pdf())
    return ctx.filing_service.file(name)


def test_enrolment_needs_the_advisors_explicit_yes(ctx: AppContext, advisor: Client) -> None:
    """GIVEN an eligible company not yet enrolled WHEN approved without `enrol` THEN 409 and nothing changes
    (its documents are still quarantined `not_enrolled`); WITH `enrol: true` THEN the company is enrolled,
    that is audited, and from then on its documents are published."""
    request_id = make_request(
        ctx, email="c@beispiel-gmbh.ch", customer_number="100002", company_name="Beispiel GmbH", lines=("LAA",)
    )
    (item,) = advisor.get("/api/advisor/requests?status=pending").json()["items"]
    assert item["approval"] == {"allowed": True, "reason": None, "needs_enrolment": True}
    refused = advisor.post(f"/api/advisor/requests/{request_id}/approve", json={"lines": ["LAA"]})
    assert refused.status_code == 409 and refused.json()["errors"] == {"enrol": "enrolment_required"}
    assert ctx.company_store.get("100002").enrolled is False  # type: ignore[union-attr]
    assert _file(ctx, "100002/LAA/benefit_statement/2026-02-01_E-1.pdf").reason == Reason.NOT_ENROLLED
    assert advisor.post(f"/api/advisor/requests/{request_id}/approve", json={"enrol": "yes"}).status_code == 422
    done = advisor.post(f"/api/advisor/requests/{request_id}/approve", json={"lines": ["LAA"], "enrol": True})
    assert done.status_code == 200
    assert ctx.company_store.get("100002").enrolled is True  # type: ignore[union-attr]
    assert "company.enrolled" in _actions(ctx)
    published = _file(ctx, "100002/LAA/benefit_statement/2026-02-02_E-2.pdf")
    assert published.reason is None and published.doc_id is not None
    assert ctx.document_index.find(published.doc_id) is not None
