"""The language guard over the pages that need storage — the portal with documents of every
line (one deleted tomorrow, one today), the advisor console with requests and grants, the
no-access pages, the dev sign-in and outbox — fetched from the dev host in each language
and read by tests/support/language_rules.py (../shared/GLOSSARY.md)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.access_request import AccessRequest, Status
from shared.domain.companies import Company
from shared.domain.languages import LANGUAGES
from tests.support.client import Client
from tests.support.identity import add_grant, login
from tests.support.language_rules import GLOSSARY_LINES, html_text, language_problems
from tests.support.portal import file_document

ANNA = "anna.meier@muster-ag.ch"


def _company(ctx: AppContext) -> None:
    ctx.company_store.put(
        Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), {"IJM": 700_000, "LAA": 500_000}, enrolled=True)
    )


def _documents(ctx: AppContext, clock: MutableClock) -> None:
    """One document per line; in LAAC two that expire (tomorrow and today)."""
    file_document(
        ctx, "100001", "IJM", "payment_letter", "2026-02-15", "K-55", case_number="F-1", insured_person="Jürg"
    )
    file_document(ctx, "100001", "LAA", "waiting_letter", "2026-03-02", "R123", case_number="S-9")
    start = clock.now()
    clock.set(start - timedelta(days=364))
    file_document(ctx, "100001", "LAAC", "cover_confirmation", "2025-12-01", "Z-9")
    clock.set(start - timedelta(days=365) + timedelta(hours=1))
    file_document(ctx, "100001", "LAAC", "cost_reimbursement", "2025-11-01", "Z-8")
    clock.set(start)


def _problems(html: str, lang: str) -> list[str]:
    return language_problems(html_text(html), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_portal_reads_by_the_glossary(http: Client, ctx: AppContext, clock: MutableClock, lang: str) -> None:
    """GIVEN documents in every line WHEN the portal is read in each language THEN dates are
    dd.MM.yyyy, lines carry that language's codes, counts are real plurals."""
    _company(ctx)
    _documents(ctx, clock)
    login(http, ctx, ANNA, grants=[("100001", ("IJM", "LAA", "LAAC"))], language=lang)
    pages = {line: http.get(f"/portal?lang={lang}&line={line}").text for line in ("IJM", "LAA", "LAAC")}
    pages["all lines"] = http.get(f"/portal?lang={lang}&line=all").text
    pages["settings"] = http.get(f"/portal/settings?lang={lang}").text
    for name, html in pages.items():
        assert not _problems(html, lang), f"{name}: {_problems(html, lang)}"
    expiring = html_text(pages["LAAC"])
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", expiring)
    codes = re.findall(r'<span class="tab-code">([^<]+)</span>', pages["IJM"])
    assert codes == [GLOSSARY_LINES[lang][line].rsplit("(", 1)[1].rstrip(")") for line in ("IJM", "LAA", "LAAC")]
    badges = re.findall(r'<span class="badge expiring">([^<]+)</span>', pages["LAAC"])
    assert len(badges) == 2 and not any(re.search(r"\b0\b", b) for b in badges), badges
    if lang == "de":
        assert "2 Dokumente auf dieser Seite werden innerhalb von 30 Tagen gelöscht." in expiring
        assert sorted(badges) == ["Wird heute gelöscht", "Wird in 1 Tag gelöscht"]
        assert "Schadennummer: S-9" in html_text(pages["LAA"]) and "Fallnummer: F-1" in html_text(pages["IJM"])
    if lang == "fr":
        assert "Sera supprimé dans 1 jour" in badges and "Personne assurée\u00a0: Jürg" in html_text(pages["IJM"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_access_pages_read_by_the_glossary(http: Client, ctx: AppContext, lang: str) -> None:
    _company(ctx)
    login(http, ctx, ANNA, language=lang)
    none = http.get(f"/portal?lang={lang}")
    assert none.status_code == 403 and not _problems(none.text, lang)
    add_grant(ctx, ANNA, "100001", ("LAA",))
    foreign = http.get(f"/portal?lang={lang}&company=999999")
    assert foreign.status_code == 404 and not _problems(foreign.text, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_advisor_console_shows_names_never_codes(http: Client, ctx: AppContext, lang: str) -> None:
    """GIVEN a pending request for IJM and LAAC, a grant and a document WHEN an advisor reads the
    console, the company page and the proof of delivery THEN lines and languages are names in
    the console's language, never bare codes."""
    _company(ctx)
    ctx.access_request_store.save(
        AccessRequest(
            request_id=uuid.uuid4().hex,
            status=Status.PENDING,
            company_name="Muster AG",
            customer_number="100001",
            first_name="Anna",
            last_name="Muster",
            email="anna.muster@muster-ag.ch",
            phone="",
            lines=("IJM", "LAAC"),
            language="it",
            consent_version="2026-12",
            created_at=ctx.clock.now(),
            verified_at=ctx.clock.now(),
        )
    )
    add_grant(ctx, "lea@muster-ag.ch", "100001", ("LAA", "LAAC"))
    record = file_document(ctx, "100001", "LAA", "waiting_letter", "2026-03-02", "R123")
    login(http, ctx, "berater@versicherer.ch", roles=["Advisor"], language=lang)
    pages = {
        "console": http.get(f"/advisor?lang={lang}&status=pending").text,
        "company": http.get(f"/advisor/companies/100001?lang={lang}").text,
        "proof of delivery": http.get(f"/advisor/documents/{record.doc_id}?lang={lang}").text,
    }
    texts = {name: html_text(html) for name, html in pages.items()}
    assert not {name: found for name, text in texts.items() if (found := language_problems(text, lang))}
    for line in ("IJM", "LAAC"):
        assert GLOSSARY_LINES[lang][line] in texts["console"]
    assert "Italiano" in texts["console"] and "IJM, LAAC" not in texts["console"]
    assert GLOSSARY_LINES[lang]["LAA"] in texts["company"] and "LAA, LAAC" not in texts["company"]
    assert GLOSSARY_LINES[lang]["LAA"] in texts["proof of delivery"] and "02.03.2026" in texts["proof of delivery"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dev_pages_read_by_the_glossary(http: Client, ctx: AppContext, lang: str) -> None:
    for path in (f"/api/dev/login?lang={lang}", f"/api/dev/outbox?lang={lang}", f"/privacy?lang={lang}"):
        resp = http.get(path)
        assert resp.status_code == 200, path
        assert not _problems(resp.text, lang), (path, _problems(resp.text, lang))
