"""Friendly error pages, the "no access" page, the phone layout and focus, in headless
Chromium against the real dev host and Azurite; axe finds no serious or critical issue;
screenshots (desktop and 390 px) go to test-output/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from devhost.host import DevHost
from shared.context import AppContext
from tests.browser.test_portal import DEMO, _sign_in, portal  # noqa: F401 - the shared fixture
from tests.support.axe import serious_violations
from tests.support.identity import add_grant
from web.error_pages import render_error_page

PHONE: ViewportSize = {"width": 390, "height": 844}
TITLES_404 = {
    "de": "Seite nicht gefunden",
    "fr": "Page introuvable",
    "it": "Pagina non trovata",
    "en": "Page not found",
}


def _desktop_and_phone(page: Page, stem: Path) -> None:
    """axe clean at both widths; screenshots `<stem>.png` and `<stem>-mobile.png`."""
    assert serious_violations(page) == []
    page.screenshot(path=f"{stem}.png", full_page=True)
    page.set_viewport_size(PHONE)
    assert serious_violations(page) == []
    page.screenshot(path=f"{stem}-mobile.png", full_page=True)


@pytest.mark.parametrize("lang", ["de", "fr", "it", "en"])
def test_404_page_in_the_browsers_language(browser: Browser, devhost: DevHost, output_dir: Path, lang: str) -> None:
    context = browser.new_context(locale=f"{lang}-CH")
    page = context.new_page()
    try:
        resp = page.goto(f"{devhost.base_url}/no/such/page")
        assert resp is not None and resp.status == 404
        assert page.locator("h1").inner_text() == TITLES_404[lang]
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator(f"a[href='/api/auth/login?lang={lang}']").count() == 1
        assert page.locator("a[href^='mailto:']").count() >= 1
        assert page.locator("footer a[href^='/privacy']").count() == 1
        _desktop_and_phone(page, output_dir / f"error-404-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("status", "lang", "retry_after", "says"),
    [
        (429, "it", 600, "10 minuti"),
        (500, "en", None, "Something went wrong on our side"),
        (413, "de", None, "Zu viel auf einmal"),
        (422, "fr", None, "Cela n'a pas pu être traité"),
    ],
)
def test_pages_a_browser_rarely_reaches(
    browser: Browser, devhost: DevHost, ctx: AppContext, output_dir: Path,
    status: int, lang: str, retry_after: int | None, says: str,
) -> None:
    """429, 500, 413 and 422 as the browser shows them (their triggers are covered in
    tests/integration/test_error_pages.py): the page served at the dev host's address, so
    its styles and footer load as on any other page."""
    html = render_error_page(status, lang, ctx.settings, retry_after=retry_after)
    context = browser.new_context()
    page = context.new_page()
    try:
        url = f"{devhost.base_url}/error-{status}"
        page.route(url, lambda route: route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8"))
        page.goto(url)
        assert says in page.locator("main").inner_text()
        assert page.locator("a[href^='mailto:']").count() >= 1
        _desktop_and_phone(page, output_dir / f"error-{status}-{lang}")
    finally:
        context.close()


def test_405_and_401_pages(browser: Browser, devhost: DevHost, output_dir: Path) -> None:
    context = browser.new_context(locale="fr-CH")
    page = context.new_page()
    try:
        resp = page.goto(f"{devhost.base_url}/portal/zip")
        assert resp is not None and resp.status == 405
        assert page.locator("h1").inner_text() == "Cette action n'est pas possible ici"
        page.screenshot(path=str(output_dir / "error-405-fr.png"), full_page=True)
        resp = page.goto(f"{devhost.base_url}/api/documents?lang=it")
        assert resp is not None and resp.status == 401
        assert page.locator("h1").inner_text() == "Effettui il login"
        assert serious_violations(page) == []
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(output_dir / "error-401-it-mobile.png"), full_page=True)
    finally:
        context.close()


def test_no_access_page_shows_who_and_the_ways_out(
    browser: Browser, devhost: DevHost, ctx: AppContext, output_dir: Path
) -> None:
    """A person signed in without any grant: who they are, sign out, request form, contact."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{devhost.base_url}/portal?lang=en")
        page.locator(f"button[data-email='{DEMO}']").click()  # no grant made for this test
        page.wait_for_url("**/portal?lang=en")
        assert DEMO in page.locator(".signed-in").inner_text()
        assert page.locator("main form[action='/api/auth/logout'] button").inner_text() == "Sign out"
        assert page.locator("a[href='/api/access-request?lang=en']").count() == 1
        assert page.locator(".contact a[href^='mailto:']").count() == 1
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / "no-access-en.png"), full_page=True)
        page.set_viewport_size(PHONE)
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / "no-access-en-mobile.png"), full_page=True)
        page.locator("main form[action='/api/auth/logout'] button").click()
        page.wait_for_load_state()
        assert "/portal" not in page.url
    finally:
        context.close()


def _tap_targets_below_44(page: Page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
              'header a, header button, [role=tab], main button, main .button, label.tap, summary, footer a'))
            .filter(el => el.offsetParent !== null)
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.height < 44 || r.width < 44)
            .map(([el, r]) => `${el.tagName}.${el.className} '${el.textContent.trim().slice(0, 20)}' `
                              + `${r.width}x${r.height}`)"""
    )


@pytest.mark.parametrize("lang", ["de", "fr", "it", "en"])
def test_phone_layout(browser: Browser, portal: dict[str, Any], output_dir: Path, lang: str) -> None:  # noqa: F811
    """390x844: the first document is visible without scrolling, tab names readable, ZIP bar
    sticky, every tap target at least 44 px; date fields in the page's language."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        _sign_in(page, portal["base"])
        page.goto(f"{portal['base']}/portal?lang={lang}")
        first = page.locator("tbody tr").first.bounding_box()
        assert first is not None and first["y"] + first["height"] <= PHONE["height"], first
        for tab in page.locator("[role=tab]").all():
            assert tab.inner_text().strip(), "a tab without a readable name"
        assert _tap_targets_below_44(page) == []
        placeholder = page.locator("#from").get_attribute("placeholder")
        assert placeholder == {"de": "TT.MM.JJJJ", "fr": "JJ.MM.AAAA", "it": "GG.MM.AAAA", "en": "DD.MM.YYYY"}[lang]
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / f"portal-phone-{lang}.png"))
        page.locator("tbody tr").nth(1).locator("input[type=checkbox]").check()
        assert page.locator(".bulk-bar").evaluate("el => getComputedStyle(el).position") == "sticky"
        page.screenshot(path=str(output_dir / f"portal-phone-selected-{lang}.png"), full_page=True)
    finally:
        context.close()


def test_failed_filter_submit_moves_focus_to_the_error_summary(
    browser: Browser, portal: dict[str, Any], output_dir: Path  # noqa: F811
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        _sign_in(page, portal["base"])
        page.fill("#from", "31.02.2026")
        page.press("#from", "Enter")
        page.wait_for_url("**from=31.02.2026**")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        summary = page.locator("#error-summary").inner_text()
        assert "Von: Geben Sie ein gültiges Datum ein." in summary  # the error names its field
        page.locator("#error-summary a").first.click()
        assert page.evaluate("document.activeElement.id") == "from"
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / "portal-error-summary-de.png"), full_page=True)
    finally:
        context.close()


def test_failed_access_form_moves_focus_to_the_summary(browser: Browser, devhost: DevHost, output_dir: Path) -> None:
    context = browser.new_context(locale="fr-CH")
    page = context.new_page()
    try:
        page.goto(f"{devhost.base_url}/api/access-request?lang=fr")
        page.click("button[type=submit]")
        page.wait_for_selector("#form-alert")
        assert page.evaluate("document.activeElement.id") == "form-alert"
        first = page.locator("#form-alert li").first.inner_text()
        assert first.startswith("Nom de l") and "\u00a0: " in first  # names its field, French spacing
        page.screenshot(path=str(output_dir / "access-form-error-summary-fr.png"), full_page=True)
    finally:
        context.close()


def test_a_grant_holder_sees_the_portal_not_the_no_access_page(
    browser: Browser, devhost: DevHost, ctx: AppContext
) -> None:
    add_grant(ctx, DEMO, "100001", ("LAA",))
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{devhost.base_url}/portal?lang=de")
        page.locator(f"button[data-email='{DEMO}']").click()
        page.wait_for_url("**/portal?lang=de")
        assert page.locator(".signed-in").count() == 0 and page.locator("[role=tablist]").count() == 1
    finally:
        context.close()
