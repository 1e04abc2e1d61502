"""The whole onboarding path by clicking, in headless Chromium on the dev host with Azurite:
access form → verification link from the outbox → the advisor approves in the console →
invitation (local directory) and welcome mail in the outbox → the new customer's dev
session passes /api/me with the right company and lines → revoke → 403."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from devhost.host import DevHost
from shared.adapters.identity.dev_directory import oid_for
from shared.context import AppContext
from shared.domain.companies import Company
from shared.domain.identity import GrantStatus

pytestmark = pytest.mark.browser

APPLICANT = "lea.meier@muster-ag.ch"


def _open(browser: Browser, contexts: list[BrowserContext], locale: str) -> Page:
    context = browser.new_context(locale=locale)
    contexts.append(context)
    return context.new_page()


def _outbox(page: Page, base: str) -> list[dict[str, Any]]:
    resp = page.request.get(f"{base}/api/dev/outbox?view=json")
    assert resp.status == 200
    body = resp.json()
    items: list[dict[str, Any]] = body["items"] if isinstance(body, dict) else body
    return items


def test_onboarding_end_to_end(
    browser: Browser, contexts: list[BrowserContext], devhost: DevHost, ctx: AppContext, output_dir: Path
) -> None:
    base = devhost.base_url
    ctx.company_store.put(
        Company(
            "100001",
            "Muster AG",
            ("IJM", "LAA", "LAAC"),
            {"IJM": 500_000, "LAA": 400_000, "LAAC": 300_000},
            ("muster-ag.ch",),
            enrolled=True,
        )
    )

    # 1. The applicant fills the French form and confirms the address from the mail.
    applicant = _open(browser, contexts, "fr-CH")
    applicant.goto(f"{base}/api/access-request?lang=fr")
    applicant.fill("#f-company_name", "Muster AG")
    applicant.fill("#f-customer_number", "100001")
    applicant.fill("#f-first_name", "Léa")
    applicant.fill("#f-last_name", "Meier")
    applicant.fill("#f-email", APPLICANT)
    applicant.check("#f-lines-IJM")
    applicant.check("#f-lines-LAA")
    applicant.check("#f-consent")
    applicant.click("button[type=submit]")
    applicant.wait_for_selector("#received")
    (confirm,) = [m for m in _outbox(applicant, base) if m["to"] == APPLICANT]
    link = re.search(r"/api/access-request/verify\?token=[A-Za-z0-9_\-]+", confirm["text"])
    assert link
    applicant.goto(base + link.group(0))
    assert "result=verified" in applicant.url

    # 2. The advisor signs in through the picker and approves in the console.
    advisor = _open(browser, contexts, "de-CH")
    advisor.goto(f"{base}/api/dev/login?lang=de")
    advisor.click('button[data-email="berater@versicherer.ch"]')
    advisor.wait_for_url("**/advisor?lang=de")
    card = advisor.locator("article.request", has_text="Léa Meier")
    assert card.count() == 1
    assert "CHF 1'200'000" in card.inner_text()
    advisor.screenshot(path=str(output_dir / "advisor-console-de.png"), full_page=True)
    serious = [v for v in Axe().run(advisor).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], [v["id"] for v in serious]
    card.locator("button.approve").click()
    done = card.locator(".card-message.done")
    done.wait_for()
    assert "Genehmigt." in done.inner_text() and APPLICANT in done.inner_text()
    assert card.locator("button.approve").count() == 0

    # 3. Invitation made for the directory's oid, welcome mail in the outbox with the portal link.
    (grant,) = ctx.grant_store.for_company("100001")
    assert grant.oid == oid_for(APPLICANT) and grant.status is GrantStatus.INVITED
    welcome = [m for m in _outbox(advisor, base) if m["to"] == APPLICANT and "/portal?lang=fr" in m["text"]]
    assert len(welcome) == 1 and "compte Microsoft professionnel" in welcome[0]["text"]
    assert "Indemnités journalières maladie (IJM), Assurance-accidents (LAA)" in welcome[0]["text"]

    # 4. The new customer signs in (dev session for the same e-mail) and sees the company.
    customer = _open(browser, contexts, "fr-CH")
    customer.goto(f"{base}/api/dev/login?lang=fr")
    customer.fill("#dev-email", APPLICANT)
    customer.click(".dev-free-entry button[type=submit]")
    customer.wait_for_url("**/portal?lang=fr")
    me = customer.request.get(f"{base}/api/me")
    assert me.status == 200
    body = json.loads(me.text())
    assert body["companies"] == [{"customer_number": "100001", "name": "Muster AG", "lines": ["IJM", "LAA"]}]
    assert customer.request.get(f"{base}/api/documents?company=100001").status == 200
    customer.screenshot(path=str(output_dir / "onboarding-customer-portal.png"), full_page=True)

    # 5. The advisor revokes in the console; the customer is refused at once.
    advisor.goto(f"{base}/advisor?lang=de&company=100001")
    row = advisor.locator("tr", has_text=APPLICANT)
    assert "aktiv" in row.inner_text()
    row.locator("button.js-revoke").click()
    row.locator("button.js-confirm-yes").click()  # revoking asks first
    row.locator(".card-message.done").wait_for()
    assert "Zugang entzogen." in row.inner_text() and "entzogen" in row.locator(".grant-status").inner_text()
    assert customer.request.get(f"{base}/api/documents?company=100001").status == 403
    assert json.loads(customer.request.get(f"{base}/api/me").text())["companies"] == []


def test_console_reject_and_third_party_invitation(
    browser: Browser, contexts: list[BrowserContext], devhost: DevHost, ctx: AppContext, output_dir: Path
) -> None:
    """GIVEN a pending request WHEN the advisor rejects it with a reason and invites a broker by
    the console's forms THEN the request is rejected, a refused address is explained in words, and the
    broker's grant and welcome mail exist."""
    import uuid

    from shared.domain.access_request import AccessRequest, Status

    base = devhost.base_url
    ctx.company_store.put(
        Company("100002", "Beispiel GmbH", ("LAA", "LAAC"), {"LAA": 400_000}, ("beispiel-gmbh.ch",), enrolled=True)
    )
    request = AccessRequest(
        request_id=uuid.uuid4().hex,
        status=Status.PENDING,
        company_name="Beispiel GmbH",
        customer_number="100002",
        first_name="Tom",
        last_name="Keller",
        email="tom.keller@example.org",
        phone="",
        lines=("LAA",),
        language="de",
        consent_version="2026-11",
        created_at=ctx.clock.now(),
        verified_at=ctx.clock.now(),
    )
    ctx.access_request_store.save(request)

    advisor = _open(browser, contexts, "en-GB")
    advisor.goto(f"{base}/api/dev/login?lang=en")
    advisor.click('button[data-email="berater@versicherer.ch"]')
    advisor.wait_for_url("**/advisor?lang=en")
    card = advisor.locator("article.request", has_text="Tom Keller")
    assert card.locator('dt:text-is("E-mail domain known") + dd').inner_text() == "no"
    card.locator('input[name="reason"]').fill("Not known at the company")
    card.locator("button.reject").click()
    card.locator(".card-message.done").wait_for()
    assert "Rejected." in card.locator(".card-message").inner_text()
    stored = ctx.access_request_store.get(request.request_id)
    assert stored is not None and stored.status == Status.REJECTED and stored.reason == "Not known at the company"

    advisor.goto(f"{base}/advisor?lang=en&company=100002")
    form = advisor.locator("form.js-third-party")
    form.locator('input[name="email"]').fill("info@broker.ch")
    form.locator('input[value="LAA"]').check()
    form.locator("button[type=submit]").click()
    error = form.locator(".card-message.error")
    error.wait_for()  # at the form that was sent, in words, without the field code
    assert error.inner_text() == "This is a shared mailbox; a personal address is needed."
    form.locator('input[name="email"]').fill("nina.broker@broker-ag.ch")
    advisor.select_option("#tp-language", "fr")
    form.locator("button[type=submit]").click()
    form.locator(".card-message.done").wait_for()
    assert form.locator(".card-message").inner_text() == "Invitation sent to nina.broker@broker-ag.ch."
    advisor.reload()
    row = advisor.locator("tr", has_text="nina.broker@broker-ag.ch")
    assert "Third party" in row.inner_text() and "invited" in row.inner_text()
    advisor.screenshot(path=str(output_dir / "advisor-console-en-grants.png"), full_page=True)
    (mail,) = [m for m in _outbox(advisor, base) if m["to"] == "nina.broker@broker-ag.ch"]
    assert "Beispiel GmbH" in mail["subject"] and "/portal?lang=fr" in mail["text"]
