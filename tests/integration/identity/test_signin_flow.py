"""The real msal code flow (PKCE, claims request) against the HTTPS Entra stand-in, through the dev host.

The test plays the browser: it follows the login redirect to the stand-in's authorize
endpoint, which answers with a code, and brings that back to the callback.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import requests

from shared.adapters.storage.grants import new_grant_id
from shared.context import AppContext
from shared.domain.identity import Grant, GrantKind, GrantStatus
from tests.integration.identity.fakes import TENANT, FakeEntraGraph
from tests.support.client import Client


def _sync_clock(ctx: AppContext) -> None:
    """The stand-in signs tokens in real time; the app's clock must agree for exp/nbf."""
    ctx.clock.set(datetime.now(UTC).replace(microsecond=0))  # type: ignore[attr-defined]


def authorize(browser: requests.Session, location: str) -> dict[str, str]:
    """Play the browser at Entra: the form_post page's hidden fields, checked to go to our callback."""
    page = browser.get(location, allow_redirects=False)
    assert page.status_code == 200
    action = re.search(r'<form method="POST" action="([^"]+)"', page.text)
    assert action and html.unescape(action.group(1)) == "http://127.0.0.1:7071/api/auth/callback"
    return {html.unescape(k): html.unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page.text)}


def sign_in(http: Client, browser: requests.Session) -> requests.Response:
    start = http.get("/api/auth/login?lang=fr", allow_redirects=False)
    assert start.status_code == 302, start.text
    return http.post("/api/auth/callback", data=authorize(browser, start.headers["Location"]))


def test_code_flow_with_pkce_and_claims_request_creates_a_session(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    _sync_clock(entra_ctx)
    entra.user_claims = {"oid": "0a0a0a0a-0000-0000-0000-000000000001", "email": "Anna@Muster-AG.ch"}
    done = sign_in(http, trusted_http)
    assert done.status_code == 303, done.text
    assert done.headers["Location"] == "/portal?lang=fr"
    assert "portal_session=" in done.headers["Set-Cookie"] and "HttpOnly" in done.headers["Set-Cookie"]

    params = entra.authorize_params[0]
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert params["redirect_uri"] == "http://127.0.0.1:7071/api/auth/callback"
    assert json.loads(params["claims"]) == {"id_token": {"acrs": {"essential": True, "value": "c1"}}}
    assert "openid" in params["scope"].split() and params["response_mode"] == "form_post"
    assert params["nonce"] and params["state"]

    me = http.get("/api/me").json()
    assert me["email"] == "anna@muster-ag.ch" and me["companies"] == []
    events = list(entra_ctx.audit_log.read_day(entra_ctx.clock.now().date()))
    assert [e["action"] for e in events] == ["login"]
    assert events[0]["actor"] == f"{TENANT}/0a0a0a0a-0000-0000-0000-000000000001"


def test_missing_mfa_claim_refuses_the_login(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    _sync_clock(entra_ctx)
    entra.user_claims = {"acrs": None}
    done = sign_in(http, trusted_http)
    assert done.status_code == 403
    assert "Set-Cookie" not in done.headers
    assert "authentification multifacteur" in done.text
    assert http.get("/api/me").status_code == 401
    events = list(entra_ctx.audit_log.read_day(entra_ctx.clock.now().date()))
    assert [(e["action"], e["details"]["reason"]) for e in events] == [("login.refused", "mfa_missing")]


def test_first_login_activates_the_invited_grant_of_that_oid(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    _sync_clock(entra_ctx)
    oid = "0a0a0a0a-0000-0000-0000-000000000002"
    grant = Grant(
        grant_id=new_grant_id("100001"),
        tid=TENANT,
        oid=oid,
        email="neu@muster-ag.ch",
        customer_number="100001",
        lines=("LAA",),
        kind=GrantKind.CUSTOMER,
        status=GrantStatus.INVITED,
        created_at=entra_ctx.clock.now(),
    )
    entra_ctx.grant_store.put(grant)
    entra.user_claims = {"oid": oid}
    assert sign_in(http, trusted_http).status_code == 303
    stored = entra_ctx.grant_store.get(grant.grant_id)
    assert stored is not None and stored.status is GrantStatus.ACTIVE
    assert http.get("/api/me").json()["companies"][0]["lines"] == ["LAA"]


def test_advisor_role_lands_on_the_console(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    _sync_clock(entra_ctx)
    entra.user_claims = {"roles": ["Advisor"], "email": "berater@versicherer.ch"}
    done = sign_in(http, trusted_http)
    assert done.headers["Location"] == "/advisor?lang=fr"
    assert http.get("/api/me").json()["roles"] == ["Advisor"]


def test_callback_without_the_flow_cookie_or_replayed_is_refused(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session, devhost: object
) -> None:
    """Login CSRF: a callback carried to another browser does nothing; a flow is used once."""
    _sync_clock(entra_ctx)
    start = http.get("/api/auth/login", allow_redirects=False)
    fields = authorize(trusted_http, start.headers["Location"])
    stranger = Client(http.base_url)
    assert stranger.post("/api/auth/callback", data=fields).status_code == 400
    assert http.post("/api/auth/callback", data=fields).status_code == 303
    assert http.post("/api/auth/callback", data=fields).status_code == 400


def test_tampered_state_or_nonce_is_refused(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    _sync_clock(entra_ctx)
    start = http.get("/api/auth/login", allow_redirects=False)
    fields = authorize(trusted_http, start.headers["Location"])
    assert http.post("/api/auth/callback", data={**fields, "state": "forged"}).status_code == 400

    entra.user_claims = {"nonce": "not-the-flows"}
    assert sign_in(http, trusted_http).status_code == 400
    assert http.get("/api/me").status_code == 401


def test_an_error_from_entra_is_a_page_not_a_crash(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    _sync_clock(entra_ctx)
    http.get("/api/auth/login", allow_redirects=False)
    resp = http.post("/api/auth/callback", data={"error": "access_denied", "error_description": "user cancelled"})
    assert resp.status_code == 400 and resp.headers["content-type"].startswith("text/html")
    assert "user cancelled" not in resp.text


def test_flow_cookie_is_cross_site_capable_only_in_azure() -> None:
    from shared.adapters.identity.auth_flows import flow_cookie
    from shared.settings import Settings

    azure = flow_cookie(Settings(local_mode=False), "x")
    assert azure.startswith("__Host-portal_auth=x;") and "SameSite=None" in azure and "Secure" in azure
    assert "SameSite=Lax" in flow_cookie(Settings(local_mode=True), "x")


def test_login_without_entra_configured_goes_to_the_dev_picker_locally(ctx: AppContext, http: Client) -> None:
    resp = http.get("/api/auth/login?lang=it", allow_redirects=False)
    assert resp.status_code == 303 and resp.headers["Location"] == "/api/dev/login?lang=it"
