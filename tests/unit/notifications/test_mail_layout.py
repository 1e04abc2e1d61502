"""Every mail the portal sends, in every language, through the one Outlook-safe layout: an HTML
part built from tables with inline styles, a plain-text part, the closing greeting, and the
insurer's contact for the mails that go to customers. Lines read as names, never as codes."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.mail.render import render_mail
from shared.domain.languages import LANGUAGES
from shared.settings import Settings

SETTINGS = Settings(contact_email="kontakt@versicherer.example", contact_phone="+41 58 111 22 33")
PORTAL = "https://portal.example/portal?lang=de"

CUSTOMER_MAILS: dict[str, dict[str, Any]] = {
    "access_confirm": {"full_name": "Anna Meier", "link": "https://portal.example/verify?token=x", "valid_hours": 72},
    "welcome": {"first_name": "Anna", "last_name": "Meier", "company_name": "Muster AG", "portal_url": PORTAL,
                "lines": ["IJM", "LAA"]},
    "third_party_welcome": {"company_name": "Muster AG", "portal_url": PORTAL, "lines": ["LAAC"]},
    "rejection": {"first_name": "Anna", "last_name": "Meier", "reason": "Keine Geschäftsadresse"},
}
STAFF_MAILS: dict[str, dict[str, Any]] = {
    "access_notice": {"full_name": "Anna Meier", "customer_number": "100001", "registry_name": "Muster AG",
                      "lines": ["IJM", "LAA"], "applicant_language": "fr", "request_id": "r-1",
                      "console_url": "https://portal.example/advisor"},
    "quarantine_summary": {"day": "2026-03-03", "total": 3, "per_reason": [("not_pdf", 3)], "recent": 1,
                           "oldest_at": "2026-02-27 08:15", "oldest_days": 4},
}
GREETING = {"de": "Freundliche Grüsse", "fr": "Meilleures salutations", "it": "Cordiali saluti", "en": "Kind regards"}


def _render(name: str, lang: str, context: dict[str, Any]) -> Any:
    return render_mail(name, lang, {"insurer_name": SETTINGS.insurer_name, **context}, SETTINGS)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", [*CUSTOMER_MAILS, *STAFF_MAILS])
def test_every_mail_uses_the_one_layout_with_a_text_part(name: str, lang: str) -> None:
    mail = _render(name, lang, {**CUSTOMER_MAILS, **STAFF_MAILS}[name])
    # Outlook's Word renderer: no <style> block, structure in presentation tables, inline styles.
    assert "<style" not in mail.html and 'role="presentation"' in mail.html
    assert f'bgcolor="{SETTINGS.brand_colour}"' in mail.html and f'<html lang="{lang}">' in mail.html
    assert "<" not in mail.text and mail.subject and "\n" not in mail.subject
    assert GREETING[lang] in mail.text and GREETING[lang] in mail.html
    assert SETTINGS.insurer_name in mail.text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", CUSTOMER_MAILS)
def test_customer_mails_close_with_the_contact(name: str, lang: str) -> None:
    mail = _render(name, lang, CUSTOMER_MAILS[name])
    for part in (mail.text, mail.html):
        assert SETTINGS.contact_email in part and SETTINGS.contact_phone in part


@pytest.mark.parametrize("name", STAFF_MAILS)
def test_staff_mails_leave_out_the_customer_contact(name: str) -> None:
    mail = _render(name, "de", STAFF_MAILS[name])
    assert SETTINGS.contact_email not in mail.html and SETTINGS.contact_email not in mail.text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["welcome", "third_party_welcome", "access_notice"])
def test_lines_read_as_names_in_the_readers_language(name: str, lang: str) -> None:
    mail = _render(name, lang, {**CUSTOMER_MAILS, **STAFF_MAILS}[name])
    expected = {
        "de": ("Krankentaggeld", "Unfallversicherung", "UVG-Zusatzversicherung"),
        "fr": ("Indemnités journalières maladie", "Assurance-accidents", "complémentaire"),
        "it": ("Indennità giornaliera", "Assicurazione contro gli infortuni", "complementare"),
        "en": ("Daily sickness allowance", "Accident insurance", "Supplementary accident insurance"),
    }[lang]
    codes = {"IJM": expected[0], "LAA": expected[1], "LAAC": expected[2]}
    for line in {**CUSTOMER_MAILS, **STAFF_MAILS}[name]["lines"]:
        assert codes[line] in mail.text and codes[line] in mail.html
