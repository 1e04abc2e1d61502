"""The access mails render in every language from their three templates, carrying only the name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.mail.render import AccessMails, access_notice_context, render_mail
from shared.domain.access_request import AccessRequest
from shared.domain.companies import Company
from shared.domain.languages import LANGUAGES
from shared.settings import Settings

SETTINGS = Settings(base_url="https://portal.example.ch", default_advisor_email="team@versicherer.ch")


def request(lang: str) -> AccessRequest:
    return AccessRequest(
        request_id="0" * 32,
        status="unverified",
        company_name="Typed <Company> Name",
        customer_number="100200",
        first_name="Zoë",
        last_name="D'Alessandro",
        email="zoe@muster-bau.ch",
        phone="+41 44 000 00 00",
        lines=("IJM", "LAA"),
        language=lang,
        consent_version="2026-11",
        created_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_confirmation_in_each_language(lang: str) -> None:
    link = "https://portal.example.ch/api/access-request/verify?token=abc&x=1"
    mail = AccessMails(SETTINGS).confirmation(request(lang), link)
    assert mail.language == lang
    assert "\n" not in mail.subject and SETTINGS.insurer_name in mail.subject
    assert link in mail.text
    assert 'href="https://portal.example.ch/api/access-request/verify?token=abc&amp;x=1"' in mail.html
    assert "Zoë D'Alessandro" in mail.text
    assert "72" in mail.text
    for part in (mail.subject, mail.text, mail.html):
        # the applicant's phone never; the insurer's contact closes every mail
        assert "Typed" not in part and "+41 44 000 00 00" not in part
        assert SETTINGS.contact_phone in part or part is mail.subject


def test_confirmation_texts_differ_per_language() -> None:
    subjects = {AccessMails(SETTINGS).confirmation(request(lang), "x").subject for lang in LANGUAGES}
    assert len(subjects) == 4


def test_advisor_notice_names_the_registry_company_not_the_typed_one() -> None:
    company = Company("100200", "Muster Bau AG (Registry)", ("IJM",), advisor_email="a@versicherer.ch")
    mail = AccessMails(SETTINGS).advisor_notice(request("fr"), company)
    assert mail.language == "de"
    assert "100200" in mail.subject
    assert "Muster Bau AG (Registry)" in mail.text and "Typed" not in mail.text + mail.html
    assert "https://portal.example.ch/advisor" in mail.text
    assert "Krankentaggeld (KTG), Unfallversicherung (UVG)" in mail.text  # names, never bare codes


def test_advisor_notice_for_an_unknown_company_says_so() -> None:
    mail = AccessMails(SETTINGS).advisor_notice(request("it"), None)
    assert "nicht im Register gefunden" in mail.text
    assert access_notice_context(request("it"), None, SETTINGS)["registry_name"] == ""


def test_html_parts_are_escaped() -> None:
    context = {"full_name": "<script>x</script>", "link": "https://x/?a=<b>", "valid_hours": 72,
               "insurer_name": "Ins", "brand_colour": "#000"}
    mail = render_mail("access_confirm", "en", context)
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
