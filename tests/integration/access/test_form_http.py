"""The browser form over HTTP: language choice, CSRF double-submit, errors beside their fields,
security headers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from shared.context import AppContext
from tests.support.access import form_fields, mails_in, requests_in, valid_payload
from tests.support.client import Client

URL = "/api/access-request"


@pytest.mark.parametrize(
    ("query", "accept", "lang", "label"),
    [
        ("?lang=fr", "de-CH", "fr", "Numéro de client"),
        ("?lang=IT", None, "it", "Numero cliente"),
        ("", "en-GB,en;q=0.9,de;q=0.5", "en", "Customer number"),
        ("", "fr-CH, de;q=0.8", "fr", "Numéro de client"),
        ("?lang=es", "it;q=0.3, es", "it", "Numero cliente"),
        ("", None, "de", "Kundennummer"),
        ("", "es, pt", "de", "Kundennummer"),
    ],
)
def test_language_from_query_then_accept_language_then_german(
    http: Client, query: str, accept: str | None, lang: str, label: str
) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    resp = http.get(URL + query, headers=headers)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    assert f'<html lang="{lang}">' in resp.text
    assert label in resp.text
    assert f'action="/api/access-request?lang={lang}"' in resp.text
    for code in ("de", "fr", "it", "en"):
        assert f'href="/api/access-request?lang={code}"' in resp.text


def test_form_page_has_security_headers_and_a_strict_csrf_cookie(http: Client) -> None:
    resp = http.get(URL)
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == "no-store"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("access_csrf=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/api/access-request" in cookie
    assert re.search(r'name="csrf_token" value="[0-9a-f]{64}"', resp.text)
    assert 'name="website"' in resp.text and 'tabindex="-1"' in resp.text


def test_the_cookie_is_kept_across_pages_so_two_tabs_work(http: Client, open_form: Callable[..., str]) -> None:
    first = open_form("de")
    second = open_form("fr")
    assert first == second


def test_valid_browser_post_shows_the_confirmation_page(
    http: Client, ctx: AppContext, open_form: Callable[..., str]
) -> None:
    token = open_form("fr")
    resp = http.post(URL + "?lang=fr", data=form_fields(valid_payload(language="it"), token))
    assert resp.status_code == 202
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "Nous avons bien reçu votre demande." in resp.text
    assert "72" in resp.text
    [req] = requests_in(ctx)
    assert req.language == "it" and req.lines == ("IJM", "LAA")
    assert mails_in(ctx)[0].language == "it"


def test_browser_post_without_csrf_is_refused_and_keeps_what_was_typed(http: Client, ctx: AppContext) -> None:
    resp = http.post(URL + "?lang=de", data=form_fields(valid_payload(first_name="Zoë"), None))
    assert resp.status_code == 403
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "Aus Sicherheitsgründen war das Formular abgelaufen" in resp.text
    assert 'value="Zoë"' in resp.text and 'value="anna.muster@muster-bau.ch"' in resp.text
    assert requests_in(ctx) == []
    # the page carries a fresh pair, so sending again works
    token = re.search(r'name="csrf_token" value="([^"]+)"', resp.text)
    assert token
    again = http.post(URL + "?lang=de", data=form_fields(valid_payload(), token.group(1)))
    assert again.status_code == 202


def test_forged_or_cross_site_csrf_is_refused(http: Client, ctx: AppContext, open_form: Callable[..., str]) -> None:
    token = open_form()
    forged = http.post(URL, data=form_fields(valid_payload(), "0" * 64))
    assert forged.status_code == 403
    cross = http.post(URL, data=form_fields(valid_payload(), token), headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    http.cookies.clear()
    no_cookie = http.post(URL, data=form_fields(valid_payload(), token))
    assert no_cookie.status_code == 403
    assert requests_in(ctx) == []


def test_errors_are_shown_beside_their_fields_in_the_page_language(
    http: Client, ctx: AppContext, open_form: Callable[..., str]
) -> None:
    token = open_form("fr")
    payload = valid_payload(email="anna@gmail.com", first_name="Anna2", lines=[], consent=False)
    resp = http.post(URL + "?lang=fr", data=form_fields(payload, token))
    assert resp.status_code == 422
    html = resp.text
    assert re.search(r'<input id="f-email"[^>]*aria-invalid="true"[^>]*aria-describedby="h-email e-email"', html)
    assert '<p class="error" id="e-email">Veuillez utiliser votre adresse professionnelle' in html
    assert re.search(r'<input id="f-first_name"[^>]*aria-invalid="true"[^>]*aria-describedby="e-first_name"', html)
    assert '<fieldset class="field" aria-invalid="true" aria-describedby="e-lines">' in html
    assert 'id="e-consent"' in html
    assert 'id="e-last_name"' not in html
    assert 'href="#f-email"' in html  # the summary links to each field
    assert 'value="anna@gmail.com"' in html and 'value="Anna2"' in html
    assert requests_in(ctx) == []


def test_typed_markup_is_escaped_when_the_form_comes_back(http: Client, open_form: Callable[..., str]) -> None:
    token = open_form("en")
    payload = valid_payload(company_name='"><script>alert(1)</script>', email="bad")
    resp = http.post(URL + "?lang=en", data=form_fields(payload, token))
    assert resp.status_code == 422
    assert "<script>alert(1)</script>" not in resp.text
    assert "&#34;&gt;&lt;script&gt;" in resp.text


def test_honeypot_in_the_browser_form_looks_like_success(
    http: Client, ctx: AppContext, open_form: Callable[..., str]
) -> None:
    token = open_form("de")
    resp = http.post(URL + "?lang=de", data=form_fields(valid_payload(website="x"), token))
    assert resp.status_code == 202 and "Wir haben Ihren Antrag erhalten." in resp.text
    assert requests_in(ctx) == [] and mails_in(ctx) == []
