"""The advisor console by clicking, in headless Chromium on the dev host with Azurite: the
request list (dates, counts, search), Approve disabled with its reason, only contract lines
tickable, explicit enrolment, errors and confirmations at the card, two advisors approving
the same request, the company page (confirm before revoke / end service), proof of delivery,
a phone layout, and a customer who opens /advisor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from devhost.host import DevHost
from shared.context import AppContext
from tests.support.advisor import make_request, registry
from tests.support.client import Client
from tests.support.filing import drop, make_pdf
from tests.support.identity import login
from tests.support.portal import file_document

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def _advisor(browser: Browser, contexts: list[BrowserContext], base: str, lang: str, phone: bool = False) -> Page:
    context = browser.new_context(locale=lang, viewport=PHONE if phone else DESKTOP)
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{base}/api/dev/login?lang={lang}")
    page.click('button[data-email="berater@versicherer.ch"]')
    page.wait_for_url(f"**/advisor?lang={lang}")
    return page


def _no_serious_axe(page: Page) -> None:
    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], [v["id"] for v in serious]


def _requests(ctx: AppContext) -> dict[str, str]:
    registry(ctx)
    return {
        "dario": make_request(ctx, first="Dario", last="Neri", email="d.neri@nowhere-sa.ch", customer_number="999999",
                              company_name="Nowhere SA", minutes_ago=40),
        "carla": make_request(ctx, first="Carla", last="Conti", email="c.conti@esempio-sa.ch", customer_number="100003",
                              company_name="Esempio SA", lines=("IJM",), minutes_ago=30),
        "bruno": make_request(ctx, first="Bruno", last="Rossi", email="b.rossi@beispiel-gmbh.ch",
                              customer_number="100002", company_name="Beispiel GmbH", lines=("IJM", "LAA"),
                              minutes_ago=20),
        "anna": make_request(ctx, minutes_ago=10),
    }


def test_request_list_and_decisions_at_the_card(
    browser: Browser, contexts: list[BrowserContext], devhost: DevHost, ctx: AppContext, output_dir: Path
) -> None:
    made = _requests(ctx)
    base = devhost.base_url
    page = _advisor(browser, contexts, base, "en")
    cards = page.locator("article.request")
    assert [c.get_attribute("data-request-id") for c in cards.all()] == [
        made["anna"], made["bruno"], made["carla"], made["dario"]
    ]  # newest first
    assert page.locator('.status-tabs a[aria-current="page"]').inner_text().split() == ["Pending", "4"]
    assert "Submitted" in cards.first.inner_text() and "Address confirmed" in cards.first.inner_text()
    _no_serious_axe(page)

    # Approve is disabled with the reason for an unknown company and one below the threshold.
    for key, reason in (("carla", "the premium volume is below the threshold"), ("dario", "not in the registry")):
        card = page.locator(f'article[data-request-id="{made[key]}"]')
        assert card.locator("button.approve").is_disabled()
        assert reason in card.locator("p.blocked").inner_text()

    # Only contract lines can be ticked; enrolment must be confirmed, and the card says so in words.
    bruno = page.locator(f'article[data-request-id="{made["bruno"]}"]')
    assert bruno.locator('input[value="IJM"]').is_disabled() and "not on the contract" in bruno.inner_text()
    bruno.locator("button.approve").click()
    error = bruno.locator(".card-message.error")
    error.wait_for()
    assert error.inner_text() == "Please confirm enrolling the company in the digital service first."
    page.screenshot(path=str(output_dir / "advisor-console-card-error-en.png"), full_page=True)
    bruno.locator('input[name="enrol"]').check()
    bruno.locator("button.approve").click()
    bruno.locator(".card-message.done").wait_for()
    assert "Approved." in bruno.inner_text() and bruno.locator("button.approve").count() == 0
    assert ctx.company_store.get("100002").enrolled is True  # type: ignore[union-attr]

    # A rejection without a reason is explained at the card; with one, it is confirmed there.
    carla = page.locator(f'article[data-request-id="{made["carla"]}"]')
    carla.locator("button.reject").click()
    carla.locator(".card-message.error").wait_for()
    assert carla.locator(".card-message").inner_text() == "Please give a reason for the rejection."
    carla.locator('input[name="reason"]').fill("Below the threshold")
    carla.locator("button.reject").click()
    carla.locator(".card-message.done").wait_for()
    assert "Rejected." in carla.locator(".card-message").inner_text()

    # Two advisors approve the same request: the second one is told at the card.
    second = _advisor(browser, contexts, base, "en")
    anna_first = page.locator(f'article[data-request-id="{made["anna"]}"]')
    anna_second = second.locator(f'article[data-request-id="{made["anna"]}"]')
    anna_first.locator("button.approve").click()
    anna_first.locator(".card-message.done").wait_for()
    anna_second.locator("button.approve").click()
    late = anna_second.locator(".card-message.error")
    late.wait_for()
    said = late.inner_text()
    # Issue 10's 409 names who approved and when; the card says it, in Swiss date and time.
    assert re.fullmatch(r"Already approved by Berater on \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}\.", said), said
    second.screenshot(path=str(output_dir / "advisor-console-already-decided-en.png"), full_page=True)

    # Counts, search and the approved tab with who decided.
    page.goto(f"{base}/advisor?lang=en&status=approved")
    assert page.locator('.status-tabs a[aria-current="page"]').inner_text().split() == ["Approved", "2"]
    assert "Approved by Berater on" in page.locator("article.request").first.inner_text()
    page.fill("#q", "rossi")
    page.click(".request-search button[type=submit]")
    page.wait_for_url("**q=rossi**")
    assert [c.get_attribute("data-request-id") for c in page.locator("article.request").all()] == [made["bruno"]]
    page.screenshot(path=str(output_dir / "advisor-console-search-en.png"), full_page=True)

    # A session that ended meanwhile (idle timeout, or the role's re-check): said at the card, in words.
    page.goto(f"{base}/advisor?lang=en")
    dario = page.locator(f'article[data-request-id="{made["dario"]}"]')
    page.context.clear_cookies()
    dario.locator('input[name="reason"]').fill("Unknown company")
    dario.locator("button.reject").click()
    dario.locator(".card-message.error").wait_for()
    assert dario.locator(".card-message").inner_text() == "Please reload the page to sign in again."


def test_company_page_confirmations_and_proof_of_delivery(
    browser: Browser, contexts: list[BrowserContext], devhost: DevHost, ctx: AppContext, output_dir: Path
) -> None:
    registry(ctx)
    base = devhost.base_url
    record = file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-01", "S-1", title="Abrechnung Februar")
    customer = Client(base)
    login(customer, ctx, "eva.keller@muster-ag.ch", grants=[("100001", ("LAA",))])
    assert customer.get(f"/api/documents/{record.doc_id}/link").status_code == 200
    login(Client(base), ctx, "tom.broker@broker-ag.ch", grants=[("100001", ("LAA", "LAAC"))])

    page = _advisor(browser, contexts, base, "de")
    page.fill("#company", "100001")
    page.click(".company-lookup button[type=submit]")
    page.wait_for_url("**/advisor/companies/100001**")
    assert "Muster AG" in page.locator("h1").inner_text()
    _no_serious_axe(page)
    page.screenshot(path=str(output_dir / "advisor-company-de.png"), full_page=True)

    # Revoke asks first; Cancel leaves everything as it was.
    row = page.locator("tr", has_text="tom.broker@broker-ag.ch")
    row.locator("button.js-revoke").click()
    confirm = row.locator(".confirm")
    assert "tom.broker@broker-ag.ch" in confirm.inner_text() and "entziehen" in confirm.inner_text()
    row.locator("button.js-confirm-no").click()
    assert row.locator(".confirm").count() == 0 and row.locator(".grant-status").inner_text() == "aktiv"
    row.locator("button.js-revoke").click()
    row.locator("button.js-confirm-yes").click()
    row.locator(".card-message.done").wait_for()
    assert row.locator(".grant-status").inner_text() == "entzogen"

    # Proof of delivery from the company's document list.
    page.click(f'a[href^="/advisor/documents/{record.doc_id}"]')
    page.wait_for_url(f"**/advisor/documents/{record.doc_id}**")
    assert "eva.keller@muster-ag.ch" in page.locator("table.deliveries").inner_text()
    assert "heruntergeladen" in page.locator("table.deliveries").inner_text()
    page.screenshot(path=str(output_dir / "advisor-deliveries-de.png"), full_page=True)
    page.go_back()

    # Ending the service asks first, then answers at the form.
    form = page.locator("form.js-end-service")
    form.locator("button[type=submit]").click()
    assert "Muster AG" in form.locator(".confirm").inner_text()
    form.locator("button.js-confirm-yes").click()
    form.locator(".card-message.done").wait_for()
    assert "beendet" in form.locator(".card-message").inner_text()
    assert ctx.company_store.get("100001").enrolled is False  # type: ignore[union-attr]


def test_phone_layout_and_a_customer_at_the_console(
    browser: Browser, contexts: list[BrowserContext], devhost: DevHost, ctx: AppContext, output_dir: Path
) -> None:
    _requests(ctx)
    base = devhost.base_url
    for email, lines in (("eva.keller@muster-ag.ch", ("LAA",)), ("tom.broker@broker-ag.ch", ("LAA", "LAAC"))):
        login(Client(base), ctx, email, grants=[("100001", lines)])
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-02-01", "S-1", title="Abrechnung Februar")
    drop(ctx, "100001/LAA/letter/2026-02-04_Q-1.pdf", make_pdf())
    assert ctx.filing_service.file("100001/LAA/letter/2026-02-04_Q-1.pdf").doc_id is None
    phone = _advisor(browser, contexts, base, "fr", phone=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the console scrolls sideways on a phone ({width} px)"
    phone.screenshot(path=str(output_dir / "advisor-console-phone-fr.png"), full_page=True)
    phone.goto(f"{base}/advisor/companies/100001?lang=fr")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "tom.broker@broker-ag.ch" in phone.locator("table.grants").inner_text()
    assert phone.locator("table.quarantine tr", has_text="Q-1").count() == 1
    phone.screenshot(path=str(output_dir / "advisor-company-phone-fr.png"), full_page=True)

    context = browser.new_context(locale="fr-CH")
    contexts.append(context)
    customer = context.new_page()
    customer.goto(f"{base}/api/dev/login?lang=fr")
    customer.fill("#dev-email", "eva.keller@muster-ag.ch")
    customer.click(".dev-free-entry button[type=submit]")
    customer.wait_for_url("**/portal?lang=fr")
    response = customer.goto(f"{base}/advisor")
    assert response is not None and response.status == 403
    assert customer.locator("html").get_attribute("lang") == "fr"
    assert "Advisor" not in customer.locator("main").inner_text()
    customer.screenshot(path=str(output_dir / "advisor-forbidden-fr.png"), full_page=True)
    customer.click("text=Aller à vos documents")
    customer.wait_for_url("**/portal?lang=fr")


def test_paging_through_a_long_list(
    browser: Browser, contexts: list[BrowserContext], devhost: DevHost, ctx: AppContext
) -> None:
    """GIVEN 27 pending requests WHEN the advisor follows "Older requests" THEN the second page
    holds the two oldest, still newest first, and "First page" leads back."""
    registry(ctx)
    made = [
        make_request(ctx, first="Person", last=f"N{i:02d}", email=f"p{i:02d}@muster-ag.ch", minutes_ago=i)
        for i in range(27)
    ]
    page = _advisor(browser, contexts, devhost.base_url, "en")
    ids = [c.get_attribute("data-request-id") for c in page.locator("article.request").all()]
    assert ids == made[:25]
    assert page.locator('.status-tabs a[aria-current="page"]').inner_text().split() == ["Pending", "27"]
    page.click("a[rel=next]")
    page.wait_for_url("**cursor=**")
    assert [c.get_attribute("data-request-id") for c in page.locator("article.request").all()] == made[25:]
    assert page.locator("a[rel=next]").count() == 0
    page.click("text=First page")
    page.wait_for_url("**status=pending")
    assert page.locator("article.request").count() == 25
