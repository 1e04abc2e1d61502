"""Sign-out in headless Chromium against the real dev host: the portal's sign-out button ends
the session and lands on the dev sign-in page (locally it plays Entra's end-session page) saying
so; the signed-out page Entra returns to, in French, on a desktop and a 390 px phone."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, BrowserContext

from devhost.host import DevHost
from shared.context import AppContext
from shared.domain.companies import Company
from tests.support.identity import add_grant

DEMO = "demo.kunde@muster-ag.ch"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def test_sign_out_button_ends_the_session(
    browser: Browser, ctx: AppContext, devhost: DevHost, contexts: list[BrowserContext], output_dir: Path
) -> None:
    ctx.company_store.put(Company("100001", "Muster AG", ("IJM",), enrolled=True))
    add_grant(ctx, DEMO, "100001", ("IJM",))
    base = devhost.base_url
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{base}/portal?lang=de")
        page.locator(f"button[data-email='{DEMO}']").click()
        page.wait_for_url("**/portal?lang=de")
        page.locator("form[action='/api/auth/logout'] button").click()
        page.wait_for_url("**/api/dev/login?lang=de&signed_out=1")
        assert page.get_by_role("status").inner_text() == "Sie sind vom Portal abgemeldet."
        page.screenshot(path=str(output_dir / f"signed-out-dev-login-de-{size}.png"), full_page=True)
        page.goto(f"{base}/portal?lang=de")
        assert "/api/dev/login" in page.url  # the session is gone: sign in again

        page.goto(f"{base}/api/auth/signed-out?lang=fr")
        assert "de votre compte Microsoft" in page.locator("main").inner_text()
        page.screenshot(path=str(output_dir / f"signed-out-page-fr-{size}.png"), full_page=True)
