"""The server-rendered advisor console: four languages, no inline script, role-gated."""

from __future__ import annotations

from shared.context import AppContext
from tests.integration.identity.test_advisor_api import seed
from tests.support.client import Client
from tests.support.identity import login

TITLES = {
    "de": "Beraterkonsole",
    "fr": "Console des conseillères et conseillers",
    "it": "Console delle e dei consulenti",
    "en": "Advisor console",
}


def test_console_lists_pending_requests_in_four_languages(ctx: AppContext, http: Client) -> None:
    seed(ctx)
    csrf = login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    for lang, title in TITLES.items():
        page = http.get(f"/advisor?lang={lang}")
        assert page.status_code == 200 and title in page.text
        assert "Anna Muster" in page.text and "1&#39;200&#39;000" in page.text
        assert f'<meta name="csrf-token" content="{csrf}">' in page.text
        assert '<script src="/static/advisor.js" defer></script>' in page.text and "<script>" not in page.text
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "Approuver et inviter" in http.get("/advisor?lang=fr").text


def test_console_escapes_what_applicants_typed(ctx: AppContext, http: Client) -> None:
    from dataclasses import replace


    request_id = seed(ctx)
    store = ctx.access_request_store
    req = store.get(request_id)
    assert req is not None
    store.save(replace(req, company_name="<script>alert(1)</script>"))
    login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    page = http.get("/advisor?lang=en").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_console_shows_grants_of_a_company(ctx: AppContext, http: Client) -> None:
    seed(ctx)
    login(Client(http.base_url), ctx, "eva@muster-ag.ch", grants=[("100001", ("IJM",))])
    login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    page = http.get("/advisor/companies/100001?lang=de").text
    assert "eva@muster-ag.ch" in page and "Entziehen" in page and "Digitalen Service beenden" in page


def test_console_needs_a_session_and_the_role(ctx: AppContext, http: Client) -> None:
    anonymous = http.get("/advisor?lang=fr", allow_redirects=False)
    assert anonymous.status_code == 302 and anonymous.headers["Location"] == "/api/auth/login?lang=fr"
    login(http, ctx, "eva@muster-ag.ch")
    page = http.get("/advisor?lang=de")
    # In the person's language, with the way back to their portal; never the English role name.
    assert page.status_code == 403 and "Anna" not in page.text and "Advisor" not in page.text
    assert "Zu Ihren Dokumenten" in page.text and 'href="/portal?lang=de"' in page.text


def test_console_script_is_served(ctx: AppContext, http: Client) -> None:
    resp = http.get("/static/advisor.js")
    assert resp.status_code == 200 and "X-CSRF-Token" in resp.text
