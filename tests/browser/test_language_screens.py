"""The screens a French or Italian reader sees first — access form, welcome mail, portal —
rendered in headless Chromium (desktop and 390 px phone) and checked against the glossary:
dates as 02.03.2026, no month names, no line code of another language, French no-break
spaces. Screenshots go to test-output/lang-*.png for a person to look at."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from devhost.host import DevHost
from shared.adapters.mail.render import render_mail
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from tests.support.identity import add_grant
from tests.support.language_rules import language_problems
from tests.support.portal import file_document

pytestmark = pytest.mark.browser

DEMO = "demo.kunde@muster-ag.ch"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture
def portal(ctx: AppContext, clock: MutableClock, devhost: DevHost) -> str:
    clock.set(datetime.now(UTC))
    ctx.company_store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), enrolled=True))
    add_grant(ctx, DEMO, "100001", ("IJM", "LAA", "LAAC"))
    file_document(ctx, "100001", "IJM", "payment_letter", "2026-02-15", "K-55", title="Taggeld Februar")
    file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R123", title="Abrechnung März")
    clock.set(datetime.now(UTC) - timedelta(days=340))
    file_document(ctx, "100001", "LAAC", "benefit_statement", "2025-12-01", "Z-9", title="Zusatz Dezember")
    clock.set(datetime.now(UTC) - timedelta(days=364))
    file_document(ctx, "100001", "LAAC", "cover_confirmation", "2025-11-01", "Z-8", title="Zusatz November")
    clock.set(datetime.now(UTC))
    return devhost.base_url


def _shoot(page: Page, output_dir: Path, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(output_dir / f"lang-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(output_dir / f"lang-{name}-phone.png"), full_page=True)


def _text(page: Page) -> str:
    return page.inner_text("body")


@pytest.mark.parametrize("lang", ["fr", "it"])
def test_form_portal_and_welcome_mail_read_right(
    browser: Browser, portal: str, output_dir: Path, lang: str
) -> None:
    """GIVEN a company with documents in every line, one deleted tomorrow
    WHEN a French or Italian reader opens the form, the portal and the welcome mail
    THEN each reads by the glossary's rules (and the screenshots show it)."""
    context = browser.new_context(viewport=DESKTOP, locale=lang)
    try:
        page = context.new_page()
        texts: dict[str, str] = {}

        page.goto(f"{portal}/api/access-request?lang={lang}")
        _shoot(page, output_dir, f"form-{lang}")
        texts["form"] = _text(page)

        page.goto(f"{portal}/portal?lang={lang}")
        page.locator(f"button[data-email='{DEMO}']").click()
        page.wait_for_url(f"**/portal?lang={lang}")
        page.goto(f"{portal}/portal?lang={lang}&line=LAAC")
        _shoot(page, output_dir, f"portal-{lang}")
        texts["portal"] = _text(page)

        mail = render_mail(
            "welcome",
            lang,
            {
                "first_name": "Léa",
                "last_name": "Rossi",
                "company_name": "Muster AG",
                "portal_url": f"{portal}/portal?lang={lang}",
                "lines": ["IJM", "LAAC"],
                "insurer_name": "Versicherer AG",
            },
        )
        # A fresh page: the portal's CSP (no inline styles) would otherwise apply to the mail.
        mail_page = context.new_page()
        mail_page.set_content(mail.html)
        _shoot(mail_page, output_dir, f"welcome-mail-{lang}")
        texts["mail"] = mail.subject + "\n" + _text(mail_page)
    finally:
        context.close()

    problems = {name: language_problems(text, lang) for name, text in texts.items()}
    assert not {name: found for name, found in problems.items() if found}
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", texts["portal"]), "portal shows no dd.MM.yyyy date"


def test_portal_mentions_every_line_by_its_name(browser: Browser, portal: str) -> None:
    """GIVEN the same company WHEN an Italian reader opens the portal THEN the lines carry
    the Italian codes (IGM, LAINF, LAINF-C), never the French ones."""
    context = browser.new_context(viewport=DESKTOP, locale="it")
    try:
        page = context.new_page()
        page.goto(f"{portal}/portal?lang=it")
        page.locator(f"button[data-email='{DEMO}']").click()
        page.wait_for_url("**/portal?lang=it")
        text = _text(page)
    finally:
        context.close()
    for code in ("IGM", "LAINF", "LAINF-C"):
        assert re.search(rf"(?<![\w-]){code}(?![\w-])", text), f"{code} missing on the Italian portal"
    assert not re.search(r"(?<![\w-])(?:IJM|LAA|LAAC)(?![\w-])", text)
