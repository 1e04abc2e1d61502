"""Helpers of the access tests (used by their conftest fixtures and by the tests themselves)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from shared.adapters.storage.access_requests import AccessRequest
from shared.context import AppContext
from shared.domain.outbox import OutboxMail
from tests.support.client import Client


def valid_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "company_name": "Muster Bau AG",
        "customer_number": "100200",
        "first_name": "Anna",
        "last_name": "Muster-Keller",
        "email": "anna.muster@muster-bau.ch",
        "phone": "+41 44 123 45 67",
        "lines": ["IJM", "UVG"],
        "language": "fr",
        "consent": True,
        "website": "",
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def requests_in(ctx: AppContext) -> list[AccessRequest]:
    return list(ctx.access_request_store.all())


def mails_in(ctx: AppContext) -> list[OutboxMail]:
    return ctx.outbox_store.recent(100)


def token_from(mail: OutboxMail) -> str:
    found = re.search(r"https?://\S+/api/access-request/verify\?token=([A-Za-z0-9_\-]+)", mail.text)
    assert found, "no verification link in the mail"
    return found.group(1)


def form_fields(payload: dict[str, Any], token: str | None) -> list[tuple[str, str]]:
    """The payload as a browser would post it: repeated `lines`, consent as a checkbox."""
    fields: list[tuple[str, str]] = []
    for name, value in payload.items():
        if name == "lines":
            fields += [("lines", v) for v in value]
        elif name == "consent":
            if value:
                fields.append(("consent", "true"))
        else:
            fields.append((name, str(value)))
    if token is not None:
        fields.append(("csrf_token", token))
    return fields


def follow_verify(http: Client, token: str) -> tuple[requests.Response, requests.Response]:
    """Use the link as a browser would: the 303 to the outcome page, then the page itself."""
    first = http.get(f"/api/access-request/verify?token={token}", allow_redirects=False)
    assert first.status_code == 303
    page = http.get(first.headers["Location"])
    return first, page


def outcome_of(redirect: requests.Response) -> tuple[str, str]:
    query = parse_qs(urlsplit(redirect.headers["Location"]).query)
    return query["result"][0], query["lang"][0]
