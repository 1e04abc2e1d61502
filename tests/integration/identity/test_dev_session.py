"""The local dev session: the same session a login creates, with /api/me from grants by oid."""

from __future__ import annotations

from shared.context import AppContext
from shared.domain.companies import Company
from tests.support.client import Client
from tests.support.identity import add_grant, login


def _company(ctx: AppContext) -> None:
    ctx.company_store.put(
        Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), {"IJM": 600_000}, ("muster-ag.ch",), enrolled=True)
    )


def test_me_lists_active_grants_for_the_oid(ctx: AppContext, http: Client) -> None:
    """GIVEN an active grant for Muster AG WHEN the person signs in THEN /api/me shows it and a CSRF token."""
    _company(ctx)
    csrf = login(http, ctx, "Anna.Muster@muster-ag.ch", grants=[("100001", ("IJM", "LAA"))])
    resp = http.get("/api/me")
    assert resp.status_code == 200
    body = resp.json()
    assert body == {
        "email": "anna.muster@muster-ag.ch",
        "name": "Anna Muster",
        "roles": [],
        "companies": [{"customer_number": "100001", "name": "Muster AG", "lines": ["IJM", "LAA"]}],
        "csrf_token": csrf,
    }
    assert "HttpOnly" in http.cookies._cookies["127.0.0.1"]["/"]["portal_session"]._rest  # type: ignore[attr-defined]


def test_me_without_session_is_401(ctx: AppContext, http: Client) -> None:
    resp = http.get("/api/me")
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_invited_grant_becomes_active_at_first_login(ctx: AppContext, http: Client) -> None:
    from shared.domain.identity import GrantStatus

    _company(ctx)
    grant = add_grant(ctx, "neu@muster-ag.ch", "100001", ("IJM",), status=GrantStatus.INVITED)
    login(http, ctx, "neu@muster-ag.ch")
    assert http.get("/api/me").json()["companies"][0]["lines"] == ["IJM"]
    stored = ctx.grant_store.get(grant.grant_id)
    assert stored is not None and stored.status is GrantStatus.ACTIVE and stored.activated_at == ctx.clock.now()
