"""The customer portal in headless Chromium against the real dev host and Azurite:
sign in through the dev login page, tabs, search, a real download, keyboard only, axe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from devhost.host import DevHost
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from tests.support.axe import serious_violations
from tests.support.identity import add_grant
from tests.support.portal import file_document

DEMO = "demo.kunde@muster-ag.ch"


@pytest.fixture
def portal(ctx: AppContext, clock: MutableClock, devhost: DevHost) -> dict[str, Any]:
    """The demo customer with all lines of 100001 and documents in each; the clock at real
    time, since Azurite checks a link's validity against its own clock."""
    clock.set(datetime.now(UTC))
    ctx.company_store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), enrolled=True))
    add_grant(ctx, DEMO, "100001", ("IJM", "LAA", "LAAC"))
    docs = {
        "ijm": file_document(
            ctx,
            "100001",
            "IJM",
            "payment_letter",
            "2026-02-15",
            "K-55",
            title="Taggeld Februar",
            insured_person="Jürg Müller",
        ),
        "laa": file_document(
            ctx,
            "100001",
            "LAA",
            "benefit_statement",
            "2026-03-02",
            "R123",
            title="Abrechnung März",
            insured_person="Anna Rossi",
        ),
        "laa2": file_document(
            ctx,
            "100001",
            "LAA",
            "cover_confirmation",
            "2026-01-20",
            "R100",
            title="Kostengutsprache Physio",
            insured_person="Jürg Müller",
        ),
    }
    # Published 340 days ago: deleted in 25 days, so the page warns about it.
    clock.set(datetime.now(UTC) - timedelta(days=340))
    docs["expiring"] = file_document(
        ctx, "100001", "LAAC", "benefit_statement", "2025-12-01", "Z-9", title="Zusatz Dezember"
    )
    clock.set(datetime.now(UTC))
    return {"docs": docs, "base": devhost.base_url}


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/portal?lang=de")
    assert "/api/dev/login" in page.url  # redirected to sign-in, which is the dev page locally
    page.locator(f"button[data-email='{DEMO}']").click()
    page.wait_for_url("**/portal?lang=de")


def test_sign_in_tabs_search_download(
    browser: Browser, portal: dict[str, Any], ctx: AppContext, output_dir: Path
) -> None:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, portal["base"])
        assert page.locator("h1").inner_text() == "Ihre Dokumente"
        assert page.get_attribute("#tab-all", "aria-selected") == "true"  # one list across lines
        assert page.locator("tbody tr").count() == 4
        page.screenshot(path=str(output_dir / "portal-all-lines-de.png"), full_page=True)
        page.locator("#tab-IJM").click()
        page.wait_for_url("**line=IJM**")
        assert page.locator("tbody tr").count() == 1
        assert page.evaluate("document.activeElement.id") == "panel"  # focus follows the tab switch

        page.locator("#tab-LAA").click()
        page.wait_for_url("**line=LAA**")
        assert page.get_attribute("#tab-LAA", "aria-selected") == "true"
        titles = page.locator(".doc-title").all_inner_texts()
        assert titles == ["Abrechnung März", "Kostengutsprache Physio"]

        page.fill("#q", "mueller")
        page.press("#q", "Enter")
        page.wait_for_url("**q=mueller**")
        assert page.locator(".doc-title").all_inner_texts() == ["Kostengutsprache Physio"]
        page.screenshot(path=str(output_dir / "portal-search-de.png"), full_page=True)

        record = portal["docs"]["laa2"]
        with page.expect_download() as info:
            page.locator("button.download").first.click()
        download = info.value
        assert download.suggested_filename == "UVG_Kostengutsprache_2026-01-20_R100.pdf"
        saved = Path(download.path())
        assert saved.read_bytes() == ctx.storage.container("documents").download_blob(record.blob_name).readall()

        page.locator("a[hreflang=fr]").click()
        page.wait_for_url("**lang=fr**")
        assert page.locator("h1").inner_text() == "Vos documents"
        assert page.locator(".doc-title").all_inner_texts() == ["Kostengutsprache Physio"]  # filters kept
    finally:
        context.close()


def test_bulk_download_zip(browser: Browser, portal: dict[str, Any], output_dir: Path) -> None:
    import zipfile

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        _sign_in(page, portal["base"])
        page.locator("#tab-LAA").click()
        page.wait_for_url("**line=LAA**")
        assert page.locator("#bulk-submit").is_disabled()
        page.locator("#select-all").check()
        assert page.locator("#selected-count").inner_text() == "2 ausgewählt"
        with page.expect_download() as info:
            page.locator("#bulk-submit").click()
        download = info.value
        assert download.suggested_filename.startswith("Dokumente_100001_")
        with zipfile.ZipFile(download.path()) as archive:
            assert sorted(archive.namelist()) == [
                "UVG_Kostengutsprache_2026-01-20_R100.pdf",
                "UVG_Leistungsabrechnung_2026-03-02_R123.pdf",
            ]
    finally:
        context.close()


def test_keyboard_only(browser: Browser, portal: dict[str, Any], output_dir: Path) -> None:
    """Skip link, roving tabindex with arrow keys, Enter to open a tab, Tab to a download."""
    context = browser.new_context()
    page = context.new_page()
    try:
        _sign_in(page, portal["base"])
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        for _ in range(40):  # walk forward until the selected tab has focus
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('role')") == "tab":
                break
        assert page.evaluate("document.activeElement.id") == "tab-all"
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.id") == "tab-IJM"
        page.keyboard.press("End")
        assert page.evaluate("document.activeElement.id") == "tab-LAAC"
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        page.wait_for_url("**line=LAA**")
        assert page.get_attribute("#tab-LAA", "aria-selected") == "true"
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('download')"):
                break
        assert page.evaluate("document.activeElement.textContent") == "Herunterladen"
        page.screenshot(path=str(output_dir / "portal-keyboard-focus.png"))
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["de", "fr", "it", "en"])
def test_axe_no_serious_violations(browser: Browser, portal: dict[str, Any], output_dir: Path, lang: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        _sign_in(page, portal["base"])
        page.goto(f"{portal['base']}/portal?lang={lang}&line=LAAC")
        assert page.locator(".expiring-warning").count() == 1
        assert page.locator(".badge.expiring").count() == 1
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / f"portal-expiring-{lang}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / f"portal-mobile-{lang}.png"), full_page=True)
    finally:
        context.close()


def test_view_opens_the_pdf_inline_in_a_new_tab(browser: Browser, portal: dict[str, Any], output_dir: Path) -> None:
    """The row's "view" button posts (CSRF) into a new tab, which lands on an inline link."""
    context = browser.new_context()
    page = context.new_page()
    try:
        _sign_in(page, portal["base"])
        page.fill("#q", "Best\u00e4tigung")  # a synonym of Kostengutsprache
        page.press("#q", "Enter")
        page.wait_for_url("**q=Best**")
        assert page.locator(".doc-title").all_inner_texts() == ["Kostengutsprache Physio"]
        assert page.locator(".result-count").inner_text().startswith("Gefundene Dokumente: 1")
        with context.expect_page() as info:
            page.locator("button.view").first.click()
        viewer = info.value
        viewer.wait_for_url("**rscd=inline**", wait_until="commit")
        assert "rscd=inline" in viewer.url and portal["docs"]["laa2"].blob_name in viewer.url
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(output_dir / "portal-search-synonym-mobile-de.png"), full_page=True)
    finally:
        context.close()


def test_zip_without_selection_and_without_javascript(
    browser: Browser, portal: dict[str, Any], output_dir: Path
) -> None:
    signed_in = browser.new_context()
    _sign_in(signed_in.new_page(), portal["base"])
    state = signed_in.storage_state()
    signed_in.close()
    context = browser.new_context(java_script_enabled=False, storage_state=state)
    page = context.new_page()
    try:
        page.goto(f"{portal['base']}/portal?lang=de")
        page.locator("#bulk-submit").click()
        page.wait_for_url("**notice=none_selected**")
        assert "mindestens ein Dokument" in page.locator("#notice").inner_text()
        page.screenshot(path=str(output_dir / "portal-zip-none-selected-de.png"), full_page=True)
    finally:
        context.close()
