"""Friendly error pages (SPEC 5 "Errors"): a browser — a request that accepts text/html —
gets a page in its language with the way back and the contact; API callers keep
problem+json. Through the real dev host and the real session store."""

from __future__ import annotations

import azure.functions as func
import pytest

from shared.context import AppContext
from tests.support.client import Client
from tests.support.identity import login
from web.error_pages import render_error_page
from web.http import answer_for
from web.problems import TooManyRequests

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
ANNA = "anna.meier@muster-ag.ch"


def _page(resp: object, status: int) -> str:
    assert resp.status_code == status  # type: ignore[attr-defined]
    assert resp.headers["Content-Type"].startswith("text/html")  # type: ignore[attr-defined]
    text: str = resp.text  # type: ignore[attr-defined]
    assert "{" + '"type"' not in text  # never raw JSON
    assert "kundenportal@versicherer.ch" in text and 'href="tel:+41580000000"' in text
    return text


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("de", "Seite nicht gefunden"),
        ("fr", "Page introuvable"),
        ("it", "Pagina non trovata"),
        ("en", "Page not found"),
    ],
)
def test_unknown_path_in_the_browsers_language(http: Client, lang: str, title: str) -> None:
    resp = http.get("/no/such/page", headers={"Accept": HTML, "Accept-Language": f"{lang}-CH,{lang};q=0.9"})
    text = _page(resp, 404)
    assert f'<html lang="{lang}">' in text and f"<h1>{title}</h1>" in text
    assert f'href="/api/auth/login?lang={lang}"' in text  # not signed in: the way back is to sign in
    assert f'href="/api/access-request?lang={lang}"' in text
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_api_callers_keep_problem_json(http: Client) -> None:
    resp = http.get("/no/such/page", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("application/problem+json")


def test_401_405_and_422_pages(http: Client, ctx: AppContext) -> None:
    text = _page(http.get("/api/documents?lang=en", headers={"Accept": HTML}), 401)
    assert "Please sign in" in text and 'class="button" href="/api/auth/login?lang=en"' in text
    wrong = http.get("/portal/zip?lang=de", headers={"Accept": HTML})
    assert "Diese Aktion ist hier nicht möglich" in _page(wrong, 405) and wrong.headers["Allow"] == "POST"
    login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="it")
    bad = _page(http.get("/api/documents?limit=0&lang=it", headers={"Accept": HTML}), 422)
    assert "Non è stato possibile elaborare la richiesta" in bad


def test_403_shows_who_is_signed_in_with_a_sign_out_button(http: Client, ctx: AppContext) -> None:
    csrf = login(http, ctx, ANNA, language="fr")  # signed in, but no grant
    text = _page(http.get("/api/documents?lang=fr", headers={"Accept": HTML}), 403)
    assert "<h1>Pas d'accès à cette page</h1>" in text
    assert ANNA in text and 'action="/api/auth/logout"' in text and f'value="{csrf}"' in text
    assert 'href="/portal?lang=fr"' in text


def test_413_for_a_form_too_large(http: Client, ctx: AppContext) -> None:
    csrf = login(http, ctx, ANNA, grants=[("100001", ("LAA",))], language="en")
    resp = http.post(
        "/portal/zip", data={"csrf_token": csrf, "ids": ["a" * 32] * 3000}, headers={"Accept": HTML}
    )
    assert "Too much at once" in _page(resp, 413)


def test_429_says_how_long_to_wait_and_500_apologises(ctx: AppContext) -> None:
    req = func.HttpRequest("GET", "http://127.0.0.1/api/x", headers={"accept": HTML, "accept-language": "de"}, body=b"")
    limited = answer_for(req, TooManyRequests(300), "test")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "300"
    assert "Bitte warten Sie 5 Minuten, bevor Sie es erneut versuchen." in limited.get_body().decode()
    broken = answer_for(req, RuntimeError("boom"), "test")
    assert broken.status_code == 500 and "Bei uns ist ein Fehler aufgetreten" in broken.get_body().decode()
    french = render_error_page(429, "fr", ctx.settings, retry_after=3600)
    assert "Veuillez patienter 1\u00a0heure avant de réessayer." in french or "1 heure" in french
