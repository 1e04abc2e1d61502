"""The advisor API on the dev host with the local directory standing in for Graph; one test with Graph."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.identity.dev_directory import oid_for
from shared.context import AppContext
from shared.domain.access_request import AccessRequest, Status
from shared.domain.companies import Company
from shared.domain.identity import GrantStatus
from shared.services.onboarding import APPROVAL_LEASE
from tests.integration.identity.fakes import TENANT, FakeEntraGraph
from tests.support.client import Client
from tests.support.identity import login

APPLICANT = "anna.muster@muster-ag.ch"


def seed(
    ctx: AppContext, status: str = Status.PENDING, lines: tuple[str, ...] = ("IJM", "LAA"), language: str = "fr"
) -> str:
    ctx.company_store.put(
        Company(
            "100001",
            "Muster AG",
            ("IJM", "LAA", "LAAC"),
            {"IJM": 700_000, "LAA": 500_000},
            ("muster-ag.ch",),
            enrolled=True,
        )
    )
    ctx.company_store.put(Company("100003", "Klein GmbH", ("IJM",), {"IJM": 120_000}, ("klein.ch",)))
    req = AccessRequest(
        request_id=uuid.uuid4().hex,
        status=status,
        company_name="Muster AG (typed)",
        customer_number="100001",
        first_name="Anna",
        last_name="Muster",
        email=APPLICANT,
        phone="",
        lines=lines,
        language=language,
        consent_version="2026-11",
        created_at=ctx.clock.now(),
        verified_at=ctx.clock.now(),
    )
    return ctx.access_request_store.save(req).request_id


@pytest.fixture
def advisor(ctx: AppContext, http: Client) -> Client:
    csrf = login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    http.headers["X-CSRF-Token"] = csrf
    return http


def actions(ctx: AppContext) -> list[str]:
    return [e["action"] for e in ctx.audit_log.read_day(ctx.clock.now().date())]


def test_list_requests_with_eligibility(ctx: AppContext, advisor: Client) -> None:
    request_id = seed(ctx, lines=("IJM", "LAA"))
    body = advisor.get("/api/advisor/requests?status=pending").json()
    (item,) = body["items"]
    assert item["id"] == request_id
    assert item["eligibility"] == {
        "company_known": True,
        "company_name": "Muster AG",
        "enrolled": True,
        "premium_volume_chf": 1_200_000,
        "threshold_chf": 250_000,
        "meets_threshold": True,
        "lines_on_contract": ["IJM", "LAA", "LAAC"],
        "lines_asked": ["IJM", "LAA"],
        "lines_not_on_contract": [],
        "email_domain_known": True,
    }
    assert advisor.get("/api/advisor/requests?status=approved").json()["items"] == []
    assert advisor.get("/api/advisor/requests?status=bogus").status_code == 422


def test_approve_invites_grants_and_mails(ctx: AppContext, advisor: Client) -> None:
    request_id = seed(ctx)
    resp = advisor.post(f"/api/advisor/requests/{request_id}/approve", json={"lines": ["LAA"]})
    assert resp.status_code == 200, resp.text
    grant = resp.json()["grant"]
    assert grant["status"] == "invited" and grant["lines"] == ["LAA"] and grant["oid"] == oid_for(APPLICANT)
    assert ctx.access_request_store.get(request_id).status == Status.APPROVED  # type: ignore[union-attr]
    (mail,) = [m for m in ctx.outbox_store.recent(10) if m.kind == "welcome"]
    assert mail.to == APPLICANT and mail.language == "fr"
    assert "http://127.0.0.1:7071/portal?lang=fr" in mail.text and "Muster AG" in mail.text
    assert "Muster AG (typed)" not in mail.text  # the registry's name, never the typed one
    assert "compte Microsoft professionnel" in mail.text and "password" not in mail.html.lower()
    assert actions(ctx)[-2:] == ["grant.created", "request.approved"]
    # a second click, or another advisor
    assert advisor.post(f"/api/advisor/requests/{request_id}/approve", json={}).status_code == 409
    assert len([m for m in ctx.outbox_store.recent(10) if m.kind == "welcome"]) == 1


def test_the_invited_person_signs_in_and_sees_the_company(ctx: AppContext, advisor: Client, devhost: Any) -> None:
    request_id = seed(ctx)
    advisor.post(f"/api/advisor/requests/{request_id}/approve")
    customer = Client(advisor.base_url)
    login(customer, ctx, APPLICANT)
    me = customer.get("/api/me").json()
    assert me["companies"] == [{"customer_number": "100001", "name": "Muster AG", "lines": ["IJM", "LAA"]}]
    assert [g.status for g in ctx.grant_store.for_company("100001")] == [GrantStatus.ACTIVE]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"lines": ["LAAC"]}, 422, "lines"),
        ({"lines": []}, 422, "lines"),
        ({"lines": ["XYZ"]}, 422, "lines"),
        ({"lines": "IJM"}, 422, "lines"),
    ],
)
def test_approve_refuses_other_lines(
    ctx: AppContext, advisor: Client, body: dict[str, Any], status: int, field: str
) -> None:
    request_id = seed(ctx)
    resp = advisor.post(f"/api/advisor/requests/{request_id}/approve", json=body)
    assert resp.status_code == status and field in resp.json()["errors"]
    assert ctx.access_request_store.get(request_id).status == Status.PENDING  # type: ignore[union-attr]


def test_only_pending_requests_can_be_decided(ctx: AppContext, advisor: Client) -> None:
    unverified = seed(ctx, status=Status.UNVERIFIED)
    assert advisor.post(f"/api/advisor/requests/{unverified}/approve").status_code == 409
    assert advisor.post(f"/api/advisor/requests/{unverified}/reject", json={"reason": "x"}).status_code == 409
    assert advisor.post(f"/api/advisor/requests/{uuid.uuid4().hex}/approve").status_code == 404
    assert advisor.post("/api/advisor/requests/..%2F..%2Fx/approve").status_code in (404, 405)


def test_reject_with_reason(ctx: AppContext, advisor: Client) -> None:
    request_id = seed(ctx)
    assert advisor.post(f"/api/advisor/requests/{request_id}/reject", json={}).json()["errors"] == {
        "reason": "required"
    }
    assert advisor.post(f"/api/advisor/requests/{request_id}/reject", json={"reason": "x" * 501}).status_code == 422
    resp = advisor.post(f"/api/advisor/requests/{request_id}/reject", json={"reason": "Not employed there"})
    assert resp.status_code == 200
    stored = ctx.access_request_store.get(request_id)
    assert stored is not None and stored.status == Status.REJECTED and stored.reason == "Not employed there"
    assert "request.rejected" in actions(ctx)
    assert ctx.grant_store.for_company("100001") == []
    # SPEC 2 "Rejection": a short mail in the applicant's language with the advisor's reason.
    (mail,) = [m for m in ctx.outbox_store.recent(10) if m.kind == "rejection"]
    assert mail.to == stored.email and mail.language == stored.language
    assert "Not employed there" in mail.text and "Not employed there" in mail.html
    assert ctx.settings.contact_email in mail.text and ctx.settings.contact_email in mail.html
    assert advisor.post(f"/api/advisor/requests/{request_id}/reject", json={"reason": "again"}).status_code == 409
    assert len([m for m in ctx.outbox_store.recent(10) if m.kind == "rejection"]) == 1


def test_third_party_grant_follows_the_personal_address_rule(ctx: AppContext, advisor: Client) -> None:
    seed(ctx)
    base = {"kind": "third_party", "customer_number": "100001", "lines": ["LAA"], "language": "it"}
    assert (
        advisor.post("/api/advisor/grants", json={**base, "email": "info@broker.ch"}).json()["errors"]["email"]
        == "email_generic_mailbox"
    )
    assert (
        advisor.post("/api/advisor/grants", json={**base, "email": "max@gmail.com"}).json()["errors"]["email"]
        == "email_private_domain"
    )
    assert (
        advisor.post("/api/advisor/grants", json={**base, "email": "not an address"}).json()["errors"]["email"]
        == "email_invalid"
    )
    bad_lines = advisor.post(
        "/api/advisor/grants", json={**base, "email": "max@broker.ch", "customer_number": "100003"}
    )
    assert bad_lines.json()["errors"] == {"lines": "not_on_contract"}
    assert (
        advisor.post(
            "/api/advisor/grants", json={**base, "email": "max@broker.ch", "customer_number": "999999"}
        ).status_code
        == 422
    )
    resp = advisor.post("/api/advisor/grants", json={**base, "email": "Max.Broker@Broker.ch"})
    assert resp.status_code == 201
    grant = resp.json()["grant"]
    assert grant["kind"] == "third_party" and grant["email"] == "max.broker@broker.ch" and grant["status"] == "invited"
    listed = advisor.get("/api/advisor/grants?company=100001").json()["items"]
    assert [g["id"] for g in listed] == [grant["id"]]
    (mail,) = [m for m in ctx.outbox_store.recent(10) if m.kind == "third_party_welcome"]
    assert mail.to == "max.broker@broker.ch" and "Muster AG" in mail.subject and mail.language == "it"
    assert advisor.get("/api/advisor/grants").status_code == 422


def test_revoke_takes_effect_at_once(ctx: AppContext, advisor: Client) -> None:
    customer = Client(advisor.base_url)
    login(customer, ctx, "eva@muster-ag.ch", grants=[("100001", ("IJM",))])
    seed(ctx)
    assert len(customer.get("/api/me").json()["companies"]) == 1
    (grant,) = advisor.get("/api/advisor/grants?company=100001").json()["items"]
    resp = advisor.post(f"/api/advisor/grants/{grant['id']}/revoke", json={"reason": "left the company"})
    assert resp.status_code == 200 and resp.json()["grant"]["status"] == "revoked"
    assert customer.get("/api/me").json()["companies"] == []
    assert advisor.post("/api/advisor/grants/100001-0000000000000000/revoke").status_code == 404
    assert "grant.revoked" in actions(ctx)


def test_end_service_revokes_and_unenrols(ctx: AppContext, advisor: Client) -> None:
    customer = Client(advisor.base_url)
    login(customer, ctx, "eva@muster-ag.ch", grants=[("100001", ("IJM",))])
    seed(ctx)
    resp = advisor.post("/api/advisor/companies/100001/end-service")
    assert resp.status_code == 200 and len(resp.json()["revoked"]) == 1
    assert ctx.company_store.get("100001").enrolled is False  # type: ignore[union-attr]
    assert customer.get("/api/me").json()["companies"] == []
    assert advisor.post("/api/advisor/companies/424242/end-service").status_code == 404
    assert "company.service_ended" in actions(ctx)


def test_json_only_csrf_and_role(ctx: AppContext, advisor: Client) -> None:
    request_id = seed(ctx)
    form = advisor.post(f"/api/advisor/requests/{request_id}/reject", data={"reason": "x"})
    assert form.status_code == 415
    no_token = advisor.post(f"/api/advisor/requests/{request_id}/approve", headers={"X-CSRF-Token": ""})
    assert no_token.status_code == 403
    assert (
        advisor.get("/api/advisor/requests", headers={"Origin": "https://evil.example"}).status_code == 200
    )  # reads are safe
    customer = Client(advisor.base_url)
    token = login(customer, ctx, "eva@muster-ag.ch")
    assert customer.get("/api/advisor/requests").status_code == 403
    assert (
        customer.post(f"/api/advisor/requests/{request_id}/approve", headers={"X-CSRF-Token": token}).status_code == 403
    )
    assert Client(advisor.base_url).get("/api/advisor/requests").status_code == 401
    assert advisor.delete("/api/advisor/requests").status_code == 405
    assert ctx.access_request_store.get(request_id).status == Status.PENDING  # type: ignore[union-attr]


def test_same_email_other_oid_gets_nothing(ctx: AppContext, advisor: Client) -> None:
    """Authorization keys on (tid, oid): an identity with the same e-mail claim but another oid sees nothing."""
    from shared.domain.identity import Principal

    request_id = seed(ctx)
    advisor.post(f"/api/advisor/requests/{request_id}/approve")
    impostor = Principal(tid=TENANT, oid=str(uuid.uuid4()), email=APPLICANT, name="Anna Muster")
    session = ctx.session_store.create(impostor, "de", ctx.clock.now())
    other = Client(advisor.base_url)
    other.cookies.set("portal_session", session.session_id)
    assert other.get("/api/me").json()["companies"] == []
    assert [g.status for g in ctx.grant_store.for_company("100001")] == [GrantStatus.INVITED]


def test_approve_through_graph(entra_ctx: AppContext, entra: FakeEntraGraph, http: Client) -> None:
    """With Graph configured the invitation goes to Graph and the grant keeps Graph's oid."""
    csrf = login(http, entra_ctx, "berater@versicherer.ch", roles=["Advisor"])
    request_id = seed(entra_ctx, language="it")
    resp = http.post(f"/api/advisor/requests/{request_id}/approve", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 200, resp.text
    (invitation,) = entra.invitations
    assert invitation["invitedUserEmailAddress"] == APPLICANT
    assert invitation["inviteRedirectUrl"] == "http://127.0.0.1:7071/portal?lang=it"
    assert invitation["invitedUserMessageInfo"] == {"messageLanguage": "it-CH"}
    grant = resp.json()["grant"]
    assert grant["oid"] == entra.invited_oids[APPLICANT]
    stored = entra_ctx.grant_store.get(grant["id"])
    assert stored is not None and stored.tid == TENANT


def test_graph_down_leaves_the_request_pending(entra_ctx: AppContext, entra: FakeEntraGraph, http: Client) -> None:
    csrf = login(http, entra_ctx, "berater@versicherer.ch", roles=["Advisor"])
    request_id = seed(entra_ctx)
    entra.invite_script.failures = [(503, {})] * 5
    resp = http.post(f"/api/advisor/requests/{request_id}/approve", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 503 and resp.headers["content-type"].startswith("application/problem+json")
    assert entra_ctx.access_request_store.get(request_id).status == Status.PENDING  # type: ignore[union-attr]
    assert entra_ctx.grant_store.for_company("100001") == []
    assert [m for m in entra_ctx.outbox_store.recent(10) if m.kind == "welcome"] == []
    assert http.post(f"/api/advisor/requests/{request_id}/approve", headers={"X-CSRF-Token": csrf}).status_code == 200


def test_an_interrupted_approval_can_be_finished(ctx: AppContext, advisor: Client) -> None:
    """GIVEN a request marked approved whose grant was never written (a crash mid-way)
    WHEN the advisor approves again THEN the grant and one welcome mail are made; later clicks get 409."""
    from dataclasses import replace

    request_id = seed(ctx)
    store = ctx.access_request_store
    req = store.get(request_id)
    assert req is not None
    # Interrupted longer ago than an approval may run (a younger one may still be running).
    decided = ctx.clock.now() - APPROVAL_LEASE - timedelta(seconds=1)
    store.save(replace(req, status=Status.APPROVED, decided_at=decided, decided_by="t/adv"))
    resp = advisor.post(f"/api/advisor/requests/{request_id}/approve")
    assert resp.status_code == 200 and resp.json()["grant"]["status"] == "invited"
    assert advisor.post(f"/api/advisor/requests/{request_id}/approve").status_code == 409
    assert len(ctx.grant_store.for_company("100001")) == 1
    assert len([m for m in ctx.outbox_store.recent(10) if m.kind == "welcome"]) == 1
