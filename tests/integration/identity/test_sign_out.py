"""Sign-out ends the Entra single sign-on session too: the form's POST ends the portal session,
then sends the browser to Entra's end-session endpoint, which comes back to the signed-out page."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime

import pytest
import requests

from shared.context import AppContext
from tests.integration.identity.fakes import TENANT, FakeEntraGraph
from tests.integration.identity.test_federated_credential import _clock, _sign_in_at
from tests.support.client import Client
from tests.support.identity import login

SIGNED_OUT = {
    "de": "Sie sind vom Portal und in diesem Browser auch von Ihrem Microsoft-Konto abgemeldet.",
    "fr": "Vous êtes déconnecté du portail et, dans ce navigateur, de votre compte Microsoft.",
    "it": "È uscito dal portale e, in questo browser, anche dal suo account Microsoft.",
    "en": "You are signed out of the portal and, in this browser, of your Microsoft account.",
}


def test_sign_out_goes_through_entras_end_session_endpoint_to_the_signed_out_page(
    entra_ctx: AppContext, http: Client, entra: FakeEntraGraph, trusted_http: requests.Session
) -> None:
    """GIVEN a signed-in person WHEN they press sign out THEN the portal session is gone at once,
    the browser goes to the tenant's end-session endpoint with post_logout_redirect_uri = the
    signed-out page, and Entra sends it back there."""
    _clock(entra_ctx).set(datetime.now(UTC).replace(microsecond=0))
    _sign_in_at(entra_ctx, http, entra, trusted_http)
    csrf = http.get("/api/me").json()["csrf_token"]
    out = http.post("/api/auth/logout", data={"csrf_token": csrf}, headers={"Origin": "http://127.0.0.1:7071"})
    assert out.status_code == 303 and "Max-Age=0" in out.headers["Set-Cookie"]
    assert http.get("/api/me").status_code == 401  # the portal session ended before Entra's

    location = urllib.parse.urlsplit(out.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{entra.base}/{TENANT}/oauth2/v2.0/logout"
    assert entra.metadata()["end_session_endpoint"] == f"{entra.base}/{TENANT}/oauth2/v2.0/logout"
    back = trusted_http.get(out.headers["Location"], allow_redirects=False)
    assert entra.logouts == [{"post_logout_redirect_uri": "http://127.0.0.1:7071/api/auth/signed-out"}]
    assert back.status_code == 302 and back.headers["Location"] == "http://127.0.0.1:7071/api/auth/signed-out"
    page = http.get("/api/auth/signed-out", headers={"Accept-Language": "fr-CH,fr;q=0.9"})
    assert page.status_code == 200 and SIGNED_OUT["fr"] in page.text


@pytest.mark.parametrize("lang", sorted(SIGNED_OUT))
def test_the_signed_out_page_in_four_languages(ctx: AppContext, http: Client, lang: str) -> None:
    page = http.get(f"/api/auth/signed-out?lang={lang}")
    assert page.status_code == 200 and SIGNED_OUT[lang] in page.text
    assert f'href="/api/auth/login?lang={lang}"' in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_a_script_sign_out_still_answers_204(entra_ctx: AppContext, http: Client) -> None:
    csrf = login(http, entra_ctx, "anna@muster-ag.ch")
    resp = http.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 204 and "Location" not in resp.headers


def test_pages_allow_the_sign_out_forms_redirect_to_entra(ctx: AppContext, http: Client) -> None:
    """Browsers hold a form's redirects to the page's CSP form-action: the sign-out form's 303 to
    the end-session endpoint must be allowed on the pages that carry the form."""
    login(http, ctx, "anna@muster-ag.ch", grants=[("100001", ("IJM",))])
    page = http.get("/portal?lang=de")
    assert page.status_code == 200 and 'action="/api/auth/logout"' in page.text
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";") if part.strip()
    )
    allowed = policy["form-action"].split()
    assert "'self'" in allowed and "https://login.microsoftonline.com" in allowed
