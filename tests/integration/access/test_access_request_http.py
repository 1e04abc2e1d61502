"""The access request through the real dev host over HTTP, on real Azurite (SPEC 5 "Public")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.access_request import token_hash
from tests.support.access import mails_in, requests_in, token_from, valid_payload
from tests.support.client import Client

URL = "/api/access-request"


def test_valid_json_request_is_stored_unverified_and_confirmation_mail_enqueued(
    http: Client, ctx: AppContext, clock: MutableClock
) -> None:
    """GIVEN a valid request WHEN posted as JSON THEN 202 received, stored unverified, mail in French."""
    resp = http.post(URL, json=valid_payload())
    assert resp.status_code == 202
    assert resp.json() == {"status": "received"}
    [stored] = requests_in(ctx)
    assert stored.status == "unverified"
    assert stored.lines == ("IJM", "LAA")  # alias UVG accepted, canonical order
    assert stored.language == "fr"
    assert stored.consent_version == ctx.settings.consent_version
    assert stored.created_at == clock.now()
    assert stored.email == "anna.muster@muster-bau.ch"
    [mail] = mails_in(ctx)
    assert mail.to == "anna.muster@muster-bau.ch"
    assert mail.kind == "access_confirm" and mail.language == "fr"
    assert "Veuillez confirmer votre adresse e-mail" in mail.subject
    assert "Anna Muster-Keller" in mail.text
    token = token_from(mail)
    assert f"{ctx.settings.base_url}/api/access-request/verify?token={token}" in mail.text
    assert token in mail.html
    record = ctx.verify_token_store.get(token_hash(token))
    assert record is not None and record.request_id == stored.request_id
    assert record.expires_at == clock.now() + timedelta(hours=72)


def test_mails_carry_no_free_text_except_the_name(http: Client, ctx: AppContext) -> None:
    """GIVEN a company name with markup WHEN the mails are written THEN the typed text is in none of them."""
    payload = valid_payload(company_name="Zebra <b>Evil</b> & Co", phone="+41 79 000 00 00")
    assert http.post(URL, json=payload).status_code == 202
    [mail] = mails_in(ctx)
    http.get(f"/api/access-request/verify?token={token_from(mail)}")
    for sent in mails_in(ctx):
        for part in (sent.subject, sent.text, sent.html):
            assert "Zebra" not in part and "Evil" not in part and "+41 79" not in part


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"company_name": None}, "company_name", "required"),
        ({"company_name": "  "}, "company_name", "required"),
        ({"company_name": "x" * 201}, "company_name", "too_long"),
        ({"company_name": "Muster\x00AG"}, "company_name", "invalid"),
        ({"customer_number": "12a4"}, "customer_number", "invalid"),
        ({"customer_number": "123"}, "customer_number", "invalid"),
        ({"customer_number": "1234567890123"}, "customer_number", "too_long"),
        ({"first_name": "Anna2"}, "first_name", "invalid"),
        ({"first_name": None}, "first_name", "required"),
        ({"last_name": "<script>"}, "last_name", "invalid"),
        ({"last_name": "M" * 101}, "last_name", "too_long"),
        ({"last_name": 42}, "last_name", "invalid"),
        ({"email": "anna.muster"}, "email", "email_invalid"),
        ({"email": "anna@@muster-bau.ch"}, "email", "email_invalid"),
        ({"email": "a" * 250 + "@x.ch"}, "email", "too_long"),
        ({"email": "info@muster-bau.ch"}, "email", "email_generic_mailbox"),
        ({"email": "HR@Muster-Bau.CH"}, "email", "email_generic_mailbox"),
        ({"email": "anna@gmail.com"}, "email", "email_private_domain"),
        ({"email": "anna@Hotmail.co.uk"}, "email", "email_private_domain"),
        ({"email": "anna@mail.bluewin.ch"}, "email", "email_private_domain"),
        ({"phone": "call me"}, "phone", "invalid"),
        ({"lines": []}, "lines", "required"),
        ({"lines": None}, "lines", "required"),
        ({"lines": ["IJM", "DENTAL"]}, "lines", "invalid"),
        ({"lines": {"IJM": True}}, "lines", "invalid"),
        ({"language": "es"}, "language", "invalid"),
        ({"consent": False}, "consent", "required"),
        ({"consent": None}, "consent", "required"),
    ],
)
def test_each_field_code_is_a_422_problem(
    http: Client, ctx: AppContext, changes: dict[str, object], field: str, code: str
) -> None:
    resp = http.post(URL, json=valid_payload(**changes))
    assert resp.status_code == 422
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == 422 and body["errors"] == {field: code}
    assert requests_in(ctx) == [] and mails_in(ctx) == []


def test_all_errors_are_reported_at_once(http: Client) -> None:
    resp = http.post(URL, json={"website": ""})
    assert resp.status_code == 422
    assert resp.json()["errors"] == {
        "company_name": "required",
        "customer_number": "required",
        "first_name": "required",
        "last_name": "required",
        "email": "required",
        "lines": "required",
        "consent": "required",
    }


def test_broken_json_is_400_and_a_json_array_too(http: Client) -> None:
    broken = http.post(URL, data=b'{"email": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["status"] == 400
    array = http.post(URL, data=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert array.status_code == 400


def test_body_over_16_kib_is_413_for_json_and_form(http: Client, ctx: AppContext) -> None:
    big = json.dumps(valid_payload(company_name="x" * (16 * 1024)))
    resp = http.post(URL, data=big, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    form = http.post(URL, data={"company_name": "x" * (16 * 1024)})
    assert form.status_code == 413
    assert requests_in(ctx) == []


def test_exactly_16_kib_is_read(http: Client) -> None:
    payload = valid_payload()
    body = json.dumps(payload)
    padded = body[:-1] + ', "pad": "' + "p" * (16 * 1024 - len(body) - 11) + '"}'
    assert len(padded.encode()) == 16 * 1024
    assert http.post(URL, data=padded, headers={"Content-Type": "application/json"}).status_code == 202


@pytest.mark.parametrize("media", ["text/plain", "multipart/form-data; boundary=x", "application/xml", ""])
def test_other_media_types_are_415(http: Client, media: str) -> None:
    resp = http.post(URL, data=b"email=a", headers={"Content-Type": media} if media else {})
    assert resp.status_code == 415
    assert resp.json()["status"] == 415


@pytest.mark.parametrize(("method", "path"), [("PUT", URL), ("DELETE", URL), ("PATCH", URL), ("POST", URL + "/verify")])
def test_wrong_methods_are_405_with_allow(http: Client, method: str, path: str) -> None:
    resp = http.request(method, path, json={})
    assert resp.status_code == 405
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert resp.headers["Allow"] == ("GET, POST" if path == URL else "GET")


def test_duplicate_of_a_pending_request_is_202_and_not_stored_twice(http: Client, ctx: AppContext) -> None:
    """GIVEN a verified (pending) request WHEN the same person asks again THEN 202, one request, no mail."""
    assert http.post(URL, json=valid_payload()).status_code == 202
    [mail] = mails_in(ctx)
    http.get(f"/api/access-request/verify?token={token_from(mail)}")
    mails_before = len(mails_in(ctx))
    again = http.post(URL, json=valid_payload(email="Anna.Muster@MUSTER-BAU.ch", first_name="Anna"))
    assert again.status_code == 202 and again.json() == {"status": "received"}
    [only] = requests_in(ctx)
    assert only.status == "pending"
    assert len(mails_in(ctx)) == mails_before


def test_duplicate_of_an_unverified_request_sends_a_fresh_link_but_stores_nothing_new(
    http: Client, ctx: AppContext
) -> None:
    assert http.post(URL, json=valid_payload()).status_code == 202
    again = http.post(URL, json=valid_payload())
    assert again.status_code == 202 and again.json() == {"status": "received"}
    assert len(requests_in(ctx)) == 1
    newest, oldest = mails_in(ctx)
    assert token_from(newest) != token_from(oldest)


def test_same_person_for_another_company_is_a_new_request(http: Client, ctx: AppContext) -> None:
    assert http.post(URL, json=valid_payload()).status_code == 202
    assert http.post(URL, json=valid_payload(customer_number="300400")).status_code == 202
    assert sorted(r.customer_number for r in requests_in(ctx)) == ["100200", "300400"]


def test_filled_honeypot_is_answered_like_a_new_request_but_not_stored(http: Client, ctx: AppContext) -> None:
    resp = http.post(URL, json=valid_payload(website="http://spam.example"))
    assert resp.status_code == 202 and resp.json() == {"status": "received"}
    assert requests_in(ctx) == []
    assert mails_in(ctx) == []


def test_language_of_the_mail_defaults_to_the_page_language(http: Client, ctx: AppContext) -> None:
    payload = valid_payload()
    del payload["language"]
    resp = http.post(URL + "?lang=it", json=payload)
    assert resp.status_code == 202
    [stored] = requests_in(ctx)
    assert stored.language == "it"
    assert mails_in(ctx)[0].subject.startswith("Confermi")


def test_a_form_with_too_many_fields_is_400_not_500(http: Client, ctx: AppContext) -> None:
    resp = http.post(URL, data=[(f"f{n}", "x") for n in range(150)])
    assert resp.status_code == 400
    assert resp.json()["status"] == 400
    assert requests_in(ctx) == []


def test_a_form_that_is_not_utf8_is_400(http: Client) -> None:
    resp = http.post(URL, data=b"first_name=\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 400
