"""The access form in headless Chromium against the real dev host and Azurite: fill, submit,
see the confirmation; an invalid e-mail shows its message beside the field in the page's
language; the emailed link verifies; screenshots go to the test output folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from devhost.host import DevHost
from shared.context import AppContext

pytestmark = pytest.mark.browser



@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="de-CH")
    try:
        yield context.new_page()
    finally:
        context.close()


def _fill(page: Page, email: str) -> None:
    page.fill("#f-company_name", "Muster Bau AG")
    page.fill("#f-customer_number", "100200")
    page.fill("#f-first_name", "Zoë")
    page.fill("#f-last_name", "D'Alessandro")
    page.fill("#f-email", email)
    page.fill("#f-phone", "+41 44 123 45 67")
    page.check("#f-lines-IJM")
    page.check("#f-lines-LAAC")
    page.check("#f-consent")


def test_fill_submit_and_see_the_confirmation(
    page: Page, devhost: DevHost, ctx: AppContext, output_dir: Path
) -> None:
    """GIVEN the German form WHEN filled and sent THEN the confirmation page, a stored request and a mail."""
    ctx.settings = ctx.settings.with_overrides(base_url=devhost.base_url)  # links in mails point here
    page.goto(f"{devhost.base_url}/api/access-request")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Zugang zum Portal für Leistungsdokumente"
    _fill(page, "zoe.dalessandro@muster-bau.ch")
    page.select_option("#f-language", "it")
    page.screenshot(path=str(output_dir / "access-form-de-filled.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("#received")
    assert "Wir haben Ihren Antrag erhalten." in page.locator("#received").inner_text()
    page.screenshot(path=str(output_dir / "access-form-de-received.png"), full_page=True)
    [stored] = list(ctx.access_request_store.all())
    assert stored.first_name == "Zoë" and stored.last_name == "D'Alessandro"
    assert stored.lines == ("IJM", "LAAC") and stored.language == "it"

    # A person follows the flow in the local outbox view and opens the link from there.
    page.goto(f"{devhost.base_url}/api/dev/outbox")
    assert page.locator(".mail-to").first.inner_text() == "zoe.dalessandro@muster-bau.ch"
    page.screenshot(path=str(output_dir / "access-dev-outbox.png"), full_page=True)
    page.click('a[href*="/api/access-request/verify?token="]')
    page.wait_for_selector("#outcome")
    assert "result=verified" in page.url and "token=" not in page.url
    assert page.locator("#outcome").inner_text() == (
        "Grazie. Ora esamineremo la sua richiesta e la informeremo della nostra decisione."
    )
    page.screenshot(path=str(output_dir / "access-verify-it.png"), full_page=True)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("de", "Bitte verwenden Sie Ihre geschäftliche Adresse, keine private Adresse wie eine bei gmail.com."),
        ("fr", "Veuillez utiliser votre adresse professionnelle, pas une adresse privée comme celles de gmail.com."),
    ],
)
def test_invalid_email_shows_its_message_beside_the_field(
    page: Page, devhost: DevHost, ctx: AppContext, output_dir: Path, lang: str, message: str
) -> None:
    page.goto(f"{devhost.base_url}/api/access-request")
    page.click(f'.lang-switch a[hreflang="{lang}"]')
    page.wait_for_url(f"**lang={lang}")
    _fill(page, "zoe.dalessandro@gmail.com")
    page.click("button[type=submit]")
    page.wait_for_selector("#e-email")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#e-email").inner_text() == message
    field = page.locator("#f-email")
    assert field.get_attribute("aria-invalid") == "true"
    assert "e-email" in (field.get_attribute("aria-describedby") or "")
    assert field.input_value() == "zoe.dalessandro@gmail.com"  # nothing typed is lost
    assert page.locator("#f-first_name").input_value() == "Zoë"
    assert page.locator("#f-lines-LAAC").is_checked()
    # the message sits right after its field, inside the same field group
    assert page.locator(".field:has(#f-email) > #e-email").count() == 1
    page.screenshot(path=str(output_dir / f"access-form-{lang}-invalid-email.png"), full_page=True)
    assert list(ctx.access_request_store.all()) == []

    # corrected, the same page sends fine (the CSRF pair survived the round trip)
    field.fill("zoe.dalessandro@muster-bau.ch")
    page.click("button[type=submit]")
    page.wait_for_selector("#received")
    assert len(list(ctx.access_request_store.all())) == 1


def test_form_and_error_page_have_no_serious_accessibility_violations(
    page: Page, devhost: DevHost, ctx: AppContext
) -> None:
    page.goto(f"{devhost.base_url}/api/access-request?lang=fr")
    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], [v["id"] for v in serious]
    page.click("button[type=submit]")  # empty form: every required field in error
    page.wait_for_selector("#form-alert")
    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], [v["id"] for v in serious]
