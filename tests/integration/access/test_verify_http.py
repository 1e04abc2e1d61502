"""The verification link over HTTP: used once, expired (MutableClock), forged; the advisor notice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.companies import Company
from tests.support.access import (
    follow_verify,
    mails_in,
    outcome_of,
    requests_in,
    token_from,
    valid_payload,
)
from tests.support.client import Client

URL = "/api/access-request"


def _submit(http: Client, ctx: AppContext, **changes: object) -> str:
    assert http.post(URL, json=valid_payload(**changes)).status_code == 202
    return token_from(mails_in(ctx)[0])


def test_link_makes_the_request_pending_once_and_notifies_the_company_advisor(
    http: Client, ctx: AppContext, clock: MutableClock
) -> None:
    """GIVEN a known company WHEN the link is used THEN pending, advisor notified; a second use changes nothing."""
    ctx.company_store.put(
        Company("100200", "Muster Bau AG", ("IJM", "LAA"), {"IJM": 200_000}, ("muster-bau.ch",), "berta@versicherer.ch")
    )
    token = _submit(http, ctx)
    clock.advance(timedelta(hours=71, minutes=59))
    first, page = follow_verify(http, token)
    assert outcome_of(first) == ("verified", "fr")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text and "Adresse e-mail confirmée" in page.text
    assert token not in first.headers["Location"]
    [req] = requests_in(ctx)
    assert req.status == "pending" and req.verified_at == clock.now()
    notice, confirmation = mails_in(ctx)
    assert confirmation.kind == "access_confirm"
    assert notice.to == "berta@versicherer.ch" and notice.kind == "access_notice"
    assert "100200" in notice.subject and "Muster Bau AG" in notice.text and req.request_id in notice.text

    again, page_again = follow_verify(http, token)
    assert outcome_of(again) == ("used", "fr")
    assert page_again.status_code == 200 and "Lien déjà utilisé" in page_again.text
    assert len(mails_in(ctx)) == 2
    assert requests_in(ctx)[0].verified_at == req.verified_at


def test_unknown_company_notifies_the_default_advisors_address(http: Client, ctx: AppContext) -> None:
    token = _submit(http, ctx, customer_number="99999999")
    first, _ = follow_verify(http, token)
    assert outcome_of(first)[0] == "verified"  # the applicant learns nothing about eligibility
    notice = mails_in(ctx)[0]
    assert notice.to == ctx.settings.default_advisor_email
    assert "nicht im Register gefunden" in notice.text


def test_expired_link_leaves_the_request_unverified(http: Client, ctx: AppContext, clock: MutableClock) -> None:
    token = _submit(http, ctx)
    clock.advance(timedelta(hours=72))
    first, page = follow_verify(http, token)
    assert outcome_of(first) == ("expired", "fr")
    assert page.status_code == 410 and "Lien expiré" in page.text
    assert 'href="/api/access-request?lang=fr"' in page.text
    assert requests_in(ctx)[0].status == "unverified"
    assert len(mails_in(ctx)) == 1


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,  # well-formed but never issued
        "short",
        "../../etc/passwd",
        "A" * 42 + "#",
        "",
    ],
)
def test_forged_links_are_invalid(http: Client, ctx: AppContext, token: str) -> None:
    _submit(http, ctx)
    resp = http.get(
        URL + "/verify", params={"token": token}, headers={"Accept-Language": "it"}, allow_redirects=False
    )
    assert resp.status_code == 303
    assert outcome_of(resp) == ("invalid", "it")
    page = http.get(resp.headers["Location"])
    assert page.status_code == 404 and "Link non valido" in page.text
    assert requests_in(ctx)[0].status == "unverified"


def test_a_tampered_real_token_is_invalid(http: Client, ctx: AppContext) -> None:
    token = _submit(http, ctx)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    first, _ = follow_verify(http, tampered)
    assert outcome_of(first)[0] == "invalid"
    assert requests_in(ctx)[0].status == "unverified"


def test_an_older_link_after_a_resend_still_verifies_once(http: Client, ctx: AppContext) -> None:
    old = _submit(http, ctx)
    new = _submit(http, ctx)
    assert old != new
    assert outcome_of(follow_verify(http, old)[0])[0] == "verified"
    assert outcome_of(follow_verify(http, new)[0])[0] == "used"
    assert [m.kind for m in mails_in(ctx)].count("access_notice") == 1


def test_outcome_pages_switch_language_without_the_token(http: Client) -> None:
    page = http.get(URL + "/verify?result=verified&lang=de")
    assert page.status_code == 200 and "E-Mail-Adresse bestätigt" in page.text
    assert 'href="/api/access-request/verify?result=verified&amp;lang=it"' in page.text
    bogus = http.get(URL + "/verify?result=<script>&lang=en")
    assert bogus.status_code == 404 and "<script>" not in bogus.text
