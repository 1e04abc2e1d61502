"""An advisor's role is checked again at least every 10 minutes (SPEC 5): after that the
session's role no longer opens advisor actions, and the console sends the browser through a
new sign-in, whose fresh ID token says whether Entra still assigns the role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.sessions import ROLE_RECHECK
from tests.integration.identity.fakes import FakeEntraGraph
from tests.integration.identity.test_federated_credential import _clock, _sign_in_at
from tests.integration.identity.test_signin_flow import sign_in
from tests.support.client import Client
from tests.support.identity import login


def test_the_role_opens_advisor_actions_for_10_minutes_then_asks_for_a_new_sign_in(
    ctx: AppContext, http: Client, clock: MutableClock
) -> None:
    """GIVEN an advisor signed in at t WHEN they call the advisor API at t+9:59 and t+10:00 THEN
    the first works and the second is 401 reauthentication-required; the console page then
    redirects to sign-in (no 403 for a role that may still be there)."""
    assert timedelta(minutes=10) == ROLE_RECHECK
    login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    clock.advance(timedelta(minutes=9, seconds=59))
    assert http.get("/api/advisor/requests").status_code == 200
    console = http.get("/advisor?lang=fr")
    assert console.status_code == 200
    # What the console's script shows at the clicked card when an action meets the 401.
    assert '<li data-code="status-401">Veuillez recharger la page pour vous reconnecter.</li>' in console.text
    clock.advance(timedelta(seconds=1))
    stale = http.get("/api/advisor/requests")
    assert stale.status_code == 401
    assert stale.json()["type"].endswith("/reauthentication-required")
    page = http.get("/advisor?lang=fr", allow_redirects=False)
    assert page.status_code == 302 and page.headers["Location"] == "/api/auth/login?lang=fr"
    assert http.get("/api/me").status_code == 200  # the session itself lives on (idle 30 min)


def test_a_new_sign_in_renews_the_role_for_another_10_minutes(
    ctx: AppContext, http: Client, clock: MutableClock
) -> None:
    login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    clock.advance(timedelta(minutes=11))
    assert http.get("/api/advisor/requests").status_code == 401
    login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    assert http.get("/api/advisor/requests").status_code == 200
    clock.advance(timedelta(minutes=9))
    assert http.get("/api/advisor/requests").status_code == 200


def test_customers_are_not_sent_to_sign_in_every_10_minutes(
    ctx: AppContext, http: Client, clock: MutableClock
) -> None:
    login(http, ctx, "anna@muster-ag.ch", grants=[("100001", ("IJM",))])
    clock.advance(timedelta(minutes=25))
    assert http.get("/api/documents").status_code == 200
    assert http.get("/api/advisor/requests").status_code == 403  # never had the role


def test_a_role_removed_in_entra_stops_working_within_10_minutes(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    """GIVEN an advisor signed in through Entra with the role WHEN the role is removed in Entra
    and 10 minutes pass THEN the console's re-sign-in brings a token without the role: the
    console answers 403 and the advisor API refuses."""
    clock = _clock(entra_ctx)
    clock.set(datetime.now(UTC).replace(microsecond=0))
    entra.user_claims = {"roles": ["Advisor"], "exp": int(clock.now().timestamp()) + 3600}
    first = sign_in(http, trusted_http)
    assert first.status_code == 303 and first.headers["Location"] == "/advisor?lang=fr"
    assert http.get("/api/advisor/requests").status_code == 200

    clock.advance(timedelta(minutes=10))
    assert http.get("/advisor", allow_redirects=False).headers["Location"].startswith("/api/auth/login")
    _sign_in_at(entra_ctx, http, entra, trusted_http)  # Entra's token: the role is gone
    assert http.get("/advisor?lang=fr").status_code == 403
    assert http.get("/api/advisor/requests").status_code == 403
