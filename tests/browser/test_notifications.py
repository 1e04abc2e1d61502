"""Notifications in headless Chromium against the real dev host and Azurite: the settings page,
the "new" badges and tab counts, and every mail as its recipient sees it (desktop and 390 px),
with axe finding no serious or critical violation. Screenshots go to test-output/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from devhost.host import DevHost
from shared.adapters.mail.notifications import draft
from shared.adapters.mail.render import render_mail
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from shared.domain.notifications import Mail, daily_period, person_key, summarise
from tests.support.axe import serious_violations
from tests.support.filing import record
from tests.support.identity import add_grant
from tests.support.portal import file_document

DEMO = "demo.kunde@muster-ag.ch"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
MAIL_DESKTOP: ViewportSize = {"width": 800, "height": 900}


def _sign_in(page: Page, base: str, path: str) -> None:
    """The local sign-in page, as a person would use it; it lands on the portal, then `path`."""
    page.goto(f"{base}/portal?lang=de")
    assert "/api/dev/login" in page.url
    page.locator(f"button[data-email='{DEMO}']").click()
    page.wait_for_url("**/portal?lang=de")
    page.goto(f"{base}{path}")


@pytest.fixture
def portal(ctx: AppContext, clock: MutableClock, devhost: DevHost) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    clock.set(now - timedelta(days=90))
    ctx.company_store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), enrolled=True))
    add_grant(ctx, DEMO, "100001", ("IJM", "LAA", "LAAC"))
    old = file_document(ctx, "100001", "LAA", "benefit_statement", "2025-12-01", "R90", title="Abrechnung November")
    clock.set(now - timedelta(days=1))
    fresh = [
        file_document(ctx, "100001", "LAA", "benefit_statement", "2026-03-02", "R123", title="Abrechnung März",
                      insured_person="Anna Rossi"),
        file_document(ctx, "100001", "LAA", "cover_confirmation", "2026-03-01", "R124", title="Kostengutsprache"),
        file_document(ctx, "100001", "IJM", "payment_letter", "2026-02-27", "K-55", title="Taggeld Februar"),
    ]
    clock.set(now)
    return {"base": devhost.base_url, "old": old, "fresh": fresh, "now": now}


def test_badges_tab_counts_and_downloaded_on(browser: Browser, portal: dict[str, Any], output_dir: Path) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        _sign_in(page, portal["base"], "/portal?lang=de&line=LAA")
        assert page.locator("#tab-LAA .badge.new-count").inner_text() == "2 neu"
        assert page.locator("#tab-IJM .badge.new-count").inner_text() == "1 neu"
        assert page.locator("#tab-LAAC .badge.new-count").count() == 0
        assert page.locator("tr[data-new=true]").count() == 2
        assert page.locator("tr[data-new=false]").count() == 1  # published 90 days ago: not new
        page.request.get(f"{portal['base']}/api/documents/{portal['fresh'][0].doc_id}/link")
        page.reload()
        assert page.locator("#tab-LAA .badge.new-count").inner_text() == "1 neu"
        assert page.locator(".downloaded-on").all_inner_texts() == [
            f"Heruntergeladen am {portal['now']:%d.%m.%Y}"
        ]
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / "portal-new-badges-de.png"), full_page=True)
        page.set_viewport_size(PHONE)
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / "portal-new-badges-de-phone.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["de", "fr", "it", "en"])
def test_settings_page(browser: Browser, portal: dict[str, Any], output_dir: Path, lang: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        _sign_in(page, portal["base"], f"/portal/settings?lang={lang}")
        assert page.locator("#nd-daily").is_checked() and page.locator("#expiry_reminders").is_checked()
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / f"settings-{lang}.png"), full_page=True)
        page.set_viewport_size(PHONE)
        assert serious_violations(page) == []
        page.screenshot(path=str(output_dir / f"settings-{lang}-phone.png"), full_page=True)
        page.locator("label[for=nd-weekly]").click()
        page.locator("label[for=expiry_reminders]").click()
        page.locator(".settings-form button[type=submit]").click()
        page.wait_for_url("**saved=1**")
        assert page.locator("#saved").is_visible()
        assert page.locator("#nd-weekly").is_checked() and not page.locator("#expiry_reminders").is_checked()
        prefs = page.request.get(f"{portal['base']}/api/me/preferences").json()
        assert prefs == {"new_documents": "weekly", "expiry_reminders": False}
    finally:
        context.close()


def _sample_mails(ctx: AppContext, clock: MutableClock, portal: dict[str, Any]) -> dict[str, str]:
    """Every kind of mail in the outbox: digest and reminder from the real run, the others
    rendered by the app's own renderer with sample data (their flows have their own tests)."""
    # Today's run covers yesterday's documents (the fixture's fresh ones) and reminds of what
    # is deleted 30 days from today.
    clock.set(portal["now"] + timedelta(days=30) - timedelta(days=ctx.settings.retention_days))
    file_document(ctx, "100001", "LAAC", "benefit_statement", "2025-04-01", "Z-1")
    clock.set(portal["now"])
    report = ctx.notify_digest()
    assert report.digests == 1 and report.reminders == 1
    outbox = ctx.outbox_store
    samples: dict[str, dict[str, Any]] = {
        "access_confirm": {"full_name": "Anna Meier", "link": "http://127.0.0.1:7071/api/access-request/verify?token=x",
                           "valid_hours": 72},
        "welcome": {"first_name": "Anna", "last_name": "Meier", "company_name": "Muster AG",
                    "portal_url": "http://127.0.0.1:7071/portal?lang=de", "lines": ["IJM", "LAA"]},
        "third_party_welcome": {"company_name": "Muster AG", "portal_url": "http://127.0.0.1:7071/portal?lang=de",
                                "lines": ["LAA"]},
        "rejection": {"first_name": "Anna", "last_name": "Meier",
                      "reason": "Die Adresse gehört nicht zum Unternehmen; bitte die Geschäftsadresse verwenden."},
        "access_notice": {"full_name": "Anna Meier", "customer_number": "100001", "registry_name": "Muster AG",
                          "lines": ["IJM", "LAA"], "applicant_language": "de", "request_id": "r-2026-0001",
                          "console_url": "http://127.0.0.1:7071/advisor"},
        "quarantine_summary": {"day": "2026-03-03", "total": 3, "per_reason": [("unknown_company", 2), ("not_pdf", 1)],
                               "recent": 1, "oldest_at": "2026-02-27 08:15", "oldest_days": 4},
    }
    for name, context in samples.items():
        mail = render_mail(name, "de", {"insurer_name": ctx.settings.insurer_name, **context}, ctx.settings)
        outbox.enqueue("anna.meier@muster-ag.ch", mail.subject, mail.text, mail.html, "de", name)
    return {m.kind: m.mail_id for m in outbox.recent(50)}


def test_every_mail_as_its_recipient_sees_it(
    browser: Browser, portal: dict[str, Any], ctx: AppContext, clock: MutableClock, output_dir: Path
) -> None:
    ids = _sample_mails(ctx, clock, portal)
    assert {"digest", "reminder", "access_confirm", "welcome", "third_party_welcome", "rejection", "access_notice",
            "quarantine_summary"} <= set(ids)
    context = browser.new_context(viewport=MAIL_DESKTOP)
    page = context.new_page()
    try:
        for kind, mail_id in sorted(ids.items()):
            page.set_viewport_size(MAIL_DESKTOP)
            page.goto(f"{portal['base']}/api/dev/outbox/{mail_id}")
            shown = page.locator("body").inner_text()
            # One layout: the insurer's header, the greeting; customers also get the contact.
            assert ctx.settings.insurer_name in shown and "Freundliche Grüsse" in shown, kind
            if kind not in ("access_notice", "quarantine_summary"):
                assert ctx.settings.contact_email in shown, kind
            page.screenshot(path=str(output_dir / f"mail-{kind}.png"), full_page=True)
            page.set_viewport_size(PHONE)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{kind} scrolls sideways on a phone ({width}px)"
            page.screenshot(path=str(output_dir / f"mail-{kind}-phone.png"), full_page=True)
        page.goto(f"{portal['base']}/api/dev/outbox?view=html")
        assert page.locator(".mail-header").count() >= 4  # List-Unsubscribe(-Post) of digest and reminder
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "it", "en"])
def test_digest_and_reminder_fit_a_phone_in_every_language(
    browser: Browser, portal: dict[str, Any], ctx: AppContext, output_dir: Path, lang: str
) -> None:
    """The longest line and type names (Italian, French) in the counts table, at 390 px: nothing
    scrolls sideways, and the lines read as names in the reader's language."""
    now = portal["now"]
    records = [
        record(n, customer=customer, line=line, doc_type=doc_type, published=now - timedelta(hours=20))
        for n, (customer, line, doc_type) in enumerate(
            [("100001", "LAAC", "benefit_statement"), ("100001", "IJM", "cover_confirmation"),
             ("100002", "LAA", "waiting_letter"), ("100002", "LAA", "benefit_statement")]
        )
    ]
    person = person_key("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222")
    names = {"100001": "Muster AG", "100002": "Beispiel Gesellschaft mit beschränkter Haftung"}
    mails = [
        Mail("digest", person, DEMO, lang, summarise(records), daily_period(now), None, names, f"d:{lang}"),
        Mail("reminder", person, DEMO, lang, summarise(records, day_of="deletes_at"), None, now + timedelta(days=30),
             names, f"r:{lang}"),
    ]
    drafts = [draft(m, ctx.settings, ctx.unsubscribe_key) for m in mails]
    assert ctx.outbox_store.enqueue_once(drafts, now) == [True, True]
    ids = {m.kind: m.mail_id for m in ctx.outbox_store.recent(10) if m.language == lang}
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        for kind, mail_id in sorted(ids.items()):
            page.goto(f"{portal['base']}/api/dev/outbox/{mail_id}")
            shown = page.locator("body").inner_text()
            assert "LAAC" not in shown.replace("(LAAC)", "") and "Beispiel Gesellschaft" in shown, kind
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{kind} in {lang} scrolls sideways on a phone ({width}px)"
            page.screenshot(path=str(output_dir / f"mail-{kind}-{lang}-phone.png"), full_page=True)
    finally:
        context.close()
