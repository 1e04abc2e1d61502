"""Server-side sessions: idle and absolute expiry on the injected clock, logout, forged cookies, CSRF."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from shared.clock import MutableClock
from shared.context import AppContext
from shared.settings import Settings
from tests.support.client import Client
from tests.support.identity import login
from web.session_cookie import AZURE_COOKIE, session_cookie


def test_idle_timeout_is_30_minutes_and_activity_extends_it(ctx: AppContext, http: Client, clock: MutableClock) -> None:
    login(http, ctx, "anna@muster-ag.ch")
    clock.advance(timedelta(minutes=29))
    assert http.get("/api/me").status_code == 200
    clock.advance(timedelta(minutes=29))
    assert http.get("/api/me").status_code == 200  # the previous request counted as activity
    clock.advance(timedelta(minutes=30))
    assert http.get("/api/me").status_code == 401


def test_absolute_limit_is_8_hours_despite_activity(ctx: AppContext, http: Client, clock: MutableClock) -> None:
    login(http, ctx, "anna@muster-ag.ch")
    for _ in range(23):  # 23 x 20 min = 7 h 40 min, always active
        clock.advance(timedelta(minutes=20))
        assert http.get("/api/me").status_code == 200
    clock.advance(timedelta(minutes=20))
    assert http.get("/api/me").status_code == 401


def test_logout_ends_the_session_and_the_old_cookie_is_dead(ctx: AppContext, http: Client) -> None:
    csrf = login(http, ctx, "anna@muster-ag.ch")
    old = http.cookies.get("portal_session")
    assert old is not None
    resp = http.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 204
    assert "Max-Age=0" in resp.headers["Set-Cookie"]
    assert http.get("/api/me").status_code == 401
    replay = Client(http.base_url)
    replay.cookies.set("portal_session", old)
    assert replay.get("/api/me").status_code == 401


def test_logout_from_a_form_goes_to_the_dev_sign_in_page_locally(ctx: AppContext, http: Client) -> None:
    """Locally the dev sign-in page plays Entra's end-session part: it says so, in the language
    of the session that ended."""
    csrf = login(http, ctx, "anna@muster-ag.ch", language="it")
    resp = http.post("/api/auth/logout", data={"csrf_token": csrf})
    assert resp.status_code == 303 and "Max-Age=0" in resp.headers["Set-Cookie"]
    assert resp.headers["Location"] == "/api/dev/login?lang=it&signed_out=1"
    page = http.get(resp.headers["Location"])
    assert page.status_code == 200 and "È uscito dal portale." in page.text
    assert "È uscito dal portale." not in http.get("/api/dev/login?lang=it").text
    assert http.get("/api/me").status_code == 401


@pytest.mark.parametrize("value", [secrets.token_urlsafe(32), "x" * 43, "../../etc", "%00", "a" * 400, ""])
def test_forged_or_guessed_cookies_get_401(ctx: AppContext, http: Client, value: str) -> None:
    login(http, ctx, "anna@muster-ag.ch")  # a real session exists, the guess is not it
    guesser = Client(http.base_url)
    guesser.cookies.set("portal_session", value)
    assert guesser.get("/api/me").status_code == 401


def test_the_table_holds_no_usable_session_id(ctx: AppContext, http: Client) -> None:
    login(http, ctx, "anna@muster-ag.ch")
    session_id = http.cookies.get("portal_session")
    assert session_id is not None
    entities = list(ctx.storage.table("sessions").list_entities())
    assert len(entities) == 1
    assert session_id not in str(entities[0])
    assert ctx.session_store.get(session_id) is not None


def test_csrf_token_and_same_origin_are_both_required(ctx: AppContext, http: Client) -> None:
    csrf = login(http, ctx, "anna@muster-ag.ch")
    assert http.post("/api/auth/logout").status_code == 403  # no token
    assert http.post("/api/auth/logout", headers={"X-CSRF-Token": "wrong"}).status_code == 403
    evil = {"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    assert http.post("/api/auth/logout", headers=evil).status_code == 403
    del http.headers["Origin"]
    assert http.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 403  # neither header
    cross = {"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"}
    assert http.post("/api/auth/logout", headers=cross).status_code == 403
    assert http.get("/api/me").status_code == 200  # nothing above ended the session
    same = {"X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-origin"}
    assert http.post("/api/auth/logout", headers=same).status_code == 204


def test_cookie_attributes_locally_and_in_azure(ctx: AppContext, http: Client) -> None:
    resp = http.post("/api/dev/session", json={"email": "anna@muster-ag.ch"})
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("portal_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie
    azure = session_cookie(Settings(local_mode=False), "abc", max_age=28800)
    assert azure.startswith(f"{AZURE_COOKIE}=abc;") and "Secure" in azure and "HttpOnly" in azure
    assert "Domain" not in azure


def test_dev_session_without_mfa_is_refused_like_a_real_login(ctx: AppContext, http: Client) -> None:
    resp = http.post("/api/dev/session", json={"email": "anna@muster-ag.ch", "mfa": False})
    assert resp.status_code == 403 and "Set-Cookie" not in resp.headers
    assert http.get("/api/me").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": "nope"}, "email"),
        ({"email": "a@b.ch", "roles": ["Root"]}, "roles"),
        ({"email": "a@b.ch", "mfa": "yes"}, "mfa"),
    ],
)
def test_dev_session_validates_its_input(ctx: AppContext, http: Client, body: dict[str, object], field: str) -> None:
    resp = http.post("/api/dev/session", json=body)
    assert resp.status_code == 422 and field in resp.json()["errors"]


def test_dev_routes_are_404_outside_local_mode(ctx: AppContext, http: Client) -> None:
    ctx.settings = ctx.settings.with_overrides(local_mode=False)
    assert http.post("/api/dev/session", json={"email": "anna@muster-ag.ch"}).status_code == 404
    assert http.get("/api/dev/login").status_code == 404


def test_dev_login_page_offers_the_demo_identities_in_four_languages(ctx: AppContext, http: Client) -> None:
    expected = {
        "de": "Anmelden (lokaler Modus)",
        "fr": "Se connecter (mode local)",
        "it": "Accedi (modalità locale)",
        "en": "Sign in (local mode)",
    }
    for lang, title in expected.items():
        page = http.get(f"/api/dev/login?lang={lang}")
        assert page.status_code == 200 and title in page.text
        assert "demo.kunde@muster-ag.ch" in page.text and "berater@versicherer.ch" in page.text
        assert "<script>" not in page.text


def test_picker_form_post_signs_in_and_redirects(ctx: AppContext, http: Client) -> None:
    resp = http.post("/api/dev/session", data={"email": "berater@versicherer.ch", "roles": "Advisor", "language": "fr"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/advisor?lang=fr"
    assert http.get("/api/me").json()["roles"] == ["Advisor"]


def test_sweep_removes_expired_sessions_and_abandoned_sign_ins(ctx: AppContext, clock: MutableClock) -> None:
    """The retention sweep's minimisation is the one purge path of Table `sessions`."""
    from shared.domain.identity import Principal
    from shared.services.minimisation import minimise

    def sweep() -> tuple[int, int]:
        counts = minimise(ctx.retention_rules(), clock.now(), ctx.audit_log)
        return counts["sessions"], counts["sign_in_flows"]

    store = ctx.session_store
    person = Principal("t", "o", "a@muster-ag.ch", "A")
    old = store.create(person, "de", clock.now())
    ctx.flow_store.save({"state": "s"}, "de", clock.now())
    clock.advance(timedelta(minutes=31))
    fresh = store.create(person, "de", clock.now())
    assert sweep() == (1, 1)
    assert store.get(old.session_id) is None and store.get(fresh.session_id) is not None
    assert sweep() == (0, 0)


def test_signing_in_again_replaces_the_previous_session(ctx: AppContext, http: Client) -> None:
    login(http, ctx, "anna@muster-ag.ch")
    first = http.cookies.get("portal_session")
    assert first is not None
    login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    second = http.cookies.get("portal_session")
    assert second is not None and second != first
    assert ctx.session_store.get(first) is None
    assert http.get("/api/me").json()["roles"] == ["Advisor"]
